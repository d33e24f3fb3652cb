"""Every error as application/problem+json with a `detail` a person understands and a stable `code` for machines.

No error repeats what the client sent (a value there may be a card number): details name the field and what
is wrong with it, never the value.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import metrics
from ..domain.errors import DomainError, SoldOut
from ..store.database import Database
from ..store.failures import storage_problem
from .control_characters import RefuseControlCharacters

log = logging.getLogger("roomiai.api")
PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    402: "Payment declined",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_declined",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
STORAGE_UNAVAILABLE = "storage_unavailable"
INTERNAL = "Something went wrong on our side; the request was not completed. Please try again."
REMOVED = "[number removed]"
_LONG_NUMBER = re.compile(r"\d(?:[^0-9A-Za-z]{0,3}\d){12,}")  # 13+ digits, up to three other characters apart
_FIELD_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def problem(
    status: int, detail: str, *, title: str | None = None, code: str | None = None, headers: dict | None = None, **extra
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": without_long_numbers(detail),
        "code": code or CODES.get(status, "error"),
    }
    body.update({k: _scrubbed(v) for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def without_long_numbers(text: str) -> str:
    """The text with every run of 13 or more digits (however separated: a card, valid or not) taken out.

    The last guard for messages that name a value the client sent (a discount code, a room type): such a value
    may be a card number, and an error must never carry one back.
    """
    return _LONG_NUMBER.sub(REMOVED, text)


def _scrubbed(value):
    if isinstance(value, str):
        return without_long_numbers(value)
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    return value


def storage_unavailable(problem_text: str) -> JSONResponse:
    """503 for a storage failure: nothing was changed, and retrying once the operator fixed it will work."""
    detail = f"The hotel's data cannot be saved or read right now: {problem_text}. Nothing was changed; please try again later."
    return problem(503, detail, title="Storage unavailable", code=STORAGE_UNAVAILABLE, headers={"Retry-After": "30"})


def _name(part) -> str:
    """A location part as the API names it; a key the client invented is not repeated (it may hold anything)."""
    if isinstance(part, int):
        return str(part)
    text = str(part)
    plain = text and len(text) <= 40 and set(text) <= _FIELD_NAME_CHARS and sum(c.isdigit() for c in text) <= 4
    return text if plain else "<key>"


def _where(loc: tuple) -> str:
    return ".".join(_name(p) for p in loc if p not in ("body", "query", "path", "header"))


class FieldProblem(TypedDict):
    field: str | None
    message: str


def describe_validation(errors: Sequence[Mapping[str, Any]]) -> tuple[int, str, list[FieldProblem]]:
    """A status, one readable sentence, and the per-field list for machines; never the values that were sent."""
    items: list[FieldProblem] = []
    status = 422
    for error in errors:
        where = _where(tuple(error.get("loc", ())))
        kind = error.get("type", "")
        if kind == "json_invalid":
            status = 400
            message = "The request body is not valid JSON"
            ctx = error.get("ctx", {})
            if ctx.get("error"):  # the parser's complaint ('Expecting value'), which never quotes the body
                message += f" ({ctx['error']})"
        elif kind == "missing":
            message = "is required"
        elif kind == "extra_forbidden":
            message = "is not a field this endpoint accepts"
        else:
            message = error.get("msg", "is not valid")
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
        items.append({"field": (where or None) if kind != "json_invalid" else None, "message": message})
    detail = "; ".join(f"{i['field']}: {i['message']}" if i["field"] else i["message"] for i in items[:5])
    if len(items) > 5:
        detail += f"; and {len(items) - 5} more"
    return status, detail or "The request is not valid.", items


def install(app: FastAPI, *, db: Database) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        if isinstance(exc, SoldOut):
            metrics.INVENTORY_CONFLICTS.inc()
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            headers = {"Retry-After": str(retry_after)}
        return problem(
            exc.status, exc.detail, title=exc.title, code=getattr(exc, "code", None), field=exc.field, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        status, detail, items = describe_validation(list(exc.errors()))
        return problem(status, detail, code="invalid_json" if status == 400 else None, errors=items)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"There is no {request.method} endpoint at this address; see /docs for the API."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed at this address; see /docs for the API."
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    app.add_middleware(Failures, db=db)
    app.add_middleware(RefuseControlCharacters)  # outside Failures: a body too large passes straight to BodyLimit


class BodyTooLarge(Exception):
    """Raised while reading a body over the limit; the body-limit middleware outside answers it (413)."""


class Failures:
    """Answers an error no handler took (a storage failure 503, anything else 500) and keeps the connection open.

    Starlette's own last-resort handler re-raises after answering, which makes the server drop a keep-alive
    connection; here nothing is re-raised once the answer is sent.
    """

    def __init__(self, app: ASGIApp, *, db: Database):
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except BodyTooLarge:
            raise
        except Exception as exc:
            if started:  # half an answer is out: only closing the connection can tell the client
                raise
            trouble = storage_problem(exc)
            if trouble is not None:
                log.error(
                    "storage failure on %s %s: %s (%s)", scope["method"], scope["path"], trouble, type(exc).__name__
                )
                self.db.storage_failed(trouble)
                response = storage_unavailable(trouble)
            else:
                log.exception("unhandled error on %s %s", scope["method"], scope["path"])
                response = problem(500, INTERNAL)
            await response(scope, receive, send)
