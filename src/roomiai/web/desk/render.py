"""Jinja2 templates (always autoescaped), the desk's route class, and HTML answers to errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from ...api.errors import CODES, describe_validation, without_long_numbers
from ...domain.errors import DomainError
from .session import SignInRequired, end_session, start_session

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True)
)


def money(cents: int | None, currency: str = "USD") -> str:
    if cents is None:
        return "—"
    sign = "−" if cents < 0 else ""
    return f"{sign}{abs(cents) / 100:,.2f} {currency}"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "in progress"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


@pass_context
def local(context, instant: dt.datetime | None, fmt: str = "%d %b %H:%M") -> str:
    """An instant in the hotel's time zone."""
    if instant is None:
        return "—"
    tz = context.get("hotel_tz")
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(tz).strftime(fmt) if tz else instant.strftime(fmt)


def phone(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(value[k]) for k in ("country_code", "number") if value.get(k)) or "—"
    return str(value) if value else "—"


env.filters.update(
    phone=phone, money=money, duration=duration, local=local, urlquote=lambda value: quote(str(value), safe="")
)


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page; `user` and the hotel's time zone come from the request."""
    container = request.app.state.container
    context.setdefault("user", getattr(request.state, "desk_user", None))
    body = env.get_template(template).render(path=request.url.path, hotel_tz=container.clock.tz, **context)
    return HTMLResponse(body, status_code=status_code)


def sign_in_redirect(request: Request, *, expired: bool) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or not target.startswith("/desk"):
        target = "/desk"
    response = RedirectResponse(
        f"/desk/login?next={quote(target, safe='')}" + ("&expired=1" if expired else ""), status_code=303
    )
    end_session(response)
    return response


def error_page(request: Request, *, status: int, detail: str, code: str) -> HTMLResponse:
    return page(
        request, "error.html", status_code=status, status=status, detail=without_long_numbers(detail), code=code
    )


class DeskRoute(APIRoute):
    """Answers the desk's errors as pages: sign-in redirects, and each problem with its detail and code."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def desk_handler(request: Request) -> Response:
            response = await self._answer(handler, request)
            renewed = getattr(request.state, "desk_renewed", None)
            if renewed is not None:
                start_session(response, request, renewed[0], refresh_days=renewed[1])
            return response

        return desk_handler

    @staticmethod
    async def _answer(handler: Callable, request: Request) -> Response:
        try:
            return await handler(request)
        except SignInRequired as exc:
            if request.url.path.endswith("/events"):
                return error_page(request, status=401, detail="Sign in again.", code="unauthorized")
            return sign_in_redirect(request, expired=exc.expired)
        except DomainError as exc:
            code = getattr(exc, "code", None) or CODES.get(exc.status, "error")
            return error_page(request, status=exc.status, detail=exc.detail, code=code)
        except RequestValidationError as exc:
            status, detail, _ = describe_validation(list(exc.errors()))
            return error_page(request, status=status, detail=detail, code=CODES.get(status, "invalid_request"))
