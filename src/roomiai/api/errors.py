"""Every error as application/problem+json with a `detail` a person understands."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain.errors import DomainError

log = logging.getLogger("roomiai.api")
PROBLEM = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 413: "Request too large", 415: "Unsupported media type", 422: "Invalid request",
          429: "Too many requests", 500: "Internal error"}


def problem(status: int, detail: str, *, title: str | None = None, headers: dict | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title or TITLES.get(status, "Error"), "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _where(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def describe_validation(errors: list[dict]) -> tuple[int, str, list[dict]]:
    """A status, one readable sentence, and the per-field list for machines."""
    items = []
    status = 422
    for error in errors:
        where = _where(tuple(error.get("loc", ())))
        kind = error.get("type", "")
        if kind == "json_invalid":
            status = 400
            message = "The request body is not valid JSON"
            ctx = error.get("ctx", {})
            if ctx.get("error"):
                message += f" ({ctx['error']})"
        elif kind == "missing":
            message = "is required"
        elif kind == "extra_forbidden":
            message = "is not a field this endpoint accepts"
        else:
            message = error.get("msg", "is not valid")
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
            if "input" in error and isinstance(error["input"], (str, int, float)) and len(str(error["input"])) <= 40:
                message += f" (got {error['input']!r})"
        items.append({"field": (where or None) if kind != "json_invalid" else None, "message": message})
    detail = "; ".join(f"{i['field']}: {i['message']}" if i["field"] else i["message"] for i in items[:5])
    if len(items) > 5:
        detail += f"; and {len(items) - 5} more"
    return status, detail or "The request is not valid.", items


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if getattr(exc, "retry_after", None):
            headers = {"Retry-After": str(exc.retry_after)}
        return problem(exc.status, exc.detail, title=exc.title, field=exc.field, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        status, detail, items = describe_validation(list(exc.errors()))
        return problem(status, detail, errors=items)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"There is no endpoint {request.method} {request.url.path}; see /docs for the API."
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Something went wrong on our side; the request was not completed. Please try again.")
