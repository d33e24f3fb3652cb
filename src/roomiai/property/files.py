"""Property documents in YAML or JSON files: read (with the place of a syntax error) and written back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .checks import PropertyProblems


class _Flow(dict):
    """A mapping written on one line (each room of a long list)."""


class _Dumper(yaml.SafeDumper):
    pass


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    scalars = all(not isinstance(item, (dict, list)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=scalars)


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
)
_Dumper.add_representer(list, _list)


def read(path: Path) -> Any:
    """The file's data: JSON for .json, YAML otherwise (JSON is YAML too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PropertyProblems([f"{path}: cannot be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise PropertyProblems([f"{path}: is not UTF-8 text"]) from None
    return loads(text, json_only=path.suffix.lower() == ".json", name=str(path))


def loads(text: str, *, json_only: bool = False, name: str = "file") -> Any:
    if json_only:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise PropertyProblems(
                [f"{name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or "not valid YAML"
        raise PropertyProblems([f"{name}: {place}not valid YAML ({reason})"]) from None


def dumps(document: dict[str, Any], *, fmt: str = "yaml") -> str:
    """The document as text; rooms one per line in YAML."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    hotel = document.get("hotel", {})
    hotel = {"hotel_id": hotel["hotel_id"], **hotel} if "hotel_id" in hotel else hotel
    shaped = {**document, "hotel": hotel, "rooms": [_Flow(room) for room in document.get("rooms", [])]}
    return yaml.dump(shaped, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=160)


def format_for(path: str | None, requested: str | None) -> str:
    if requested:
        return requested
    return "json" if path and path.lower().endswith(".json") else "yaml"
