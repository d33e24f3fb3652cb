"""Text with control characters (a NUL byte, escape codes) or broken UTF-16 is refused at the edge with 422.

One check for every way text comes in: the path, query parameters, the headers the API reads as input, and
every string (and key) of a JSON body. No field can take a NUL byte, which PostgreSQL cannot store, or a lone
surrogate, which no database can encode. Line breaks and tabs stay allowed inside JSON text (free text may
have several lines); nowhere else.
"""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CODE = "control_characters"
INPUT_HEADERS = (b"x-", b"idempotency-key")  # headers whose text the API takes as input (percent-encoded UTF-8)
MULTILINE = frozenset("\t\n\r")


def bad_character(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (line breaks allowed when multiline) or a lone surrogate."""
    for char in text:
        if char.isprintable() or char == " ":
            continue
        if multiline and char in MULTILINE:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return True
    return False


def _header_text(raw: bytes) -> str:
    """A header as the API reads it: UTF-8 (or Latin-1) bytes, then percent-decoded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return unquote(text, errors="replace")


def _field_name(part) -> str:
    if isinstance(part, int):
        return str(part)
    text = str(part)
    plain = (
        0 < len(text) <= 40 and text.replace("_", "a").isalnum() and text.isascii() and sum(map(str.isdigit, text)) <= 4
    )
    return text if plain else "<key>"


def body_problem(document) -> str | None:
    """The place of the first string or key in a parsed JSON body with a refused character, as 'a.b.0.c'."""
    stack: list[tuple[tuple, object]] = [((), document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if bad_character(value, multiline=True):
                return ".".join(map(_field_name, where)) or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if bad_character(key):
                    return ".".join(map(_field_name, (*where, key)))
                stack.append(((*where, key), item))
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in enumerate(value))
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


class RefuseControlCharacters:
    """Answers 422 before any route sees text with a control character, naming where it was (never the text)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        place = self._place_outside_body(scope)
        if place is None and _is_json(scope):
            body, receive = await _buffered(receive)
            try:
                document = json.loads(body) if body else None
            except (ValueError, RecursionError):
                document = None  # not JSON: the route's own validation answers that
            field = body_problem(document)
            if field is not None:
                place = ("body field", field)
        if place is None:
            await self.app(scope, receive, send)
            return
        from .errors import problem  # errors.install adds this middleware, so errors is imported by then

        what, name = place
        detail = (
            f"{what} {name}: control characters (such as a NUL byte or an escape code) are not allowed in this "
            "text; send plain text."
            if name
            else f"{what}: control characters (such as a NUL byte or an escape code) are not allowed; send plain text."
        )
        response = problem(422, detail[0].upper() + detail[1:], code=CODE, field=name or None)
        await response(scope, receive, send)

    @staticmethod
    def _place_outside_body(scope: Scope) -> tuple[str, str] | None:
        if bad_character(scope.get("path", "")):
            return ("the address (path)", "")
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
            if bad_character(name) or bad_character(value):
                return ("query parameter", _field_name(name))
        for header, raw in scope.get("headers", []):
            if header.lower().startswith(INPUT_HEADERS) and bad_character(_header_text(raw)):
                return ("header", header.decode("latin-1").title())
        return None


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a receive that hands it to the app again."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            pending: list[Message] = [message]
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            pending = []
            break
    body = b"".join(chunks)
    replay: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *pending]

    async def again() -> Message:
        return replay.pop(0) if replay else await receive()

    return body, again
