"""Message templates: the files shipped here, each replaceable by a file of the same name in the hotel's folder.

Templates use $name (or ${name}) placeholders, listed in templates/README.md. In .html templates every value
is HTML-escaped and lists (nightly rates, charges, changes) come as table rows; an unknown $name stays as
written and is reported by `problems()`, so a typo never stops a booking.
"""

from __future__ import annotations

import html
import string
from dataclasses import dataclass
from pathlib import Path

DEFAULTS = Path(__file__).parent / "templates"
KINDS = ("booking_confirmed", "booking_modified", "booking_cancelled")
PARTS = ("stay_details",)


@dataclass(frozen=True)
class Block:
    """A value with its own plain-text and HTML forms (lists, tables)."""

    text: str
    html: str


Value = str | Block


def _files() -> list[str]:
    names = [f"{kind}.{suffix}" for kind in KINDS for suffix in ("subject.txt", "txt", "html", "sms.txt")]
    return names + [f"{part}.{suffix}" for part in PARTS for suffix in ("txt", "html")]


class MailTemplates:
    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else None

    def source(self, name: str) -> str:
        custom = self.folder / name if self.folder else None
        path = custom if custom is not None and custom.is_file() else DEFAULTS / name
        return path.read_text(encoding="utf-8")

    def render(self, name: str, variables: dict[str, Value]) -> str:
        as_html = name.endswith(".html")
        values = {
            key: (value.html if as_html else value.text)
            if isinstance(value, Block)
            else (html.escape(value) if as_html else value)
            for key, value in variables.items()
        }
        return string.Template(self.source(name)).safe_substitute(values)

    def problems(self, known: set[str]) -> list[str]:
        """The hotel's templates that use a $name no message fills in."""
        found = []
        for name in _files():
            template = string.Template(self.source(name))
            unknown = sorted({n for n in template.get_identifiers() if n not in known})
            if unknown:
                found.append(f"{name}: unknown ${', $'.join(unknown)}")
        return found
