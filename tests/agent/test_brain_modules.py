"""Every module of the dialogue brain imports: a lint fix that drops a name another module imports breaks the call."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import roomiai.agent.brain as brain

MODULES = sorted(m.name for m in pkgutil.iter_modules(brain.__path__, f"{brain.__name__}."))


def test_the_brain_has_modules() -> None:
    assert "roomiai.agent.brain.spoken" in MODULES and len(MODULES) > 20


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    importlib.import_module(name)
