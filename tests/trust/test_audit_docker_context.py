"""Audit of the Docker build context: secrets, keys, local data and vault files are excluded after every re-include."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
NEVER = ("**/.env", "**/*.key", "**/var/", "**/*.sqlite3*", "**/vault*")


def test_dockerignore_excludes_secrets_and_data_even_inside_the_folders_it_lets_in():
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "**"  # everything is out unless named
    last_include = max(i for i, line in enumerate(lines) if line.startswith("!"))
    for pattern in NEVER:  # the last matching line wins, so an exclusion must come after the re-includes
        assert pattern in lines[last_include + 1:], pattern
    assert not any(line.startswith("!") and (".env" in line or "var" in line or "vault" in line) for line in lines)
