"""Sign in and out of the desk."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from ...api.deps import ContainerDep, WriteUow, client_address
from ...services import auth
from .render import DeskRoute, page
from .session import CSRF, REFRESH, Change, csrf_ok, end_session, new_csrf, sign_out, start_session

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a page of the desk itself: never another site (`//evil`, `/\\evil`)."""
    if target and target.startswith("/desk") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return "/desk"


@router.get("/login")
async def login_form(
    request: Request,
    next: Annotated[str | None, Query(max_length=500)] = None,
    expired: Annotated[bool, Query()] = False,
):
    csrf = request.cookies.get(CSRF) or secrets.token_urlsafe(32)
    response = page(request, "login.html", next=safe_next(next), expired=expired, csrf=csrf, error=None)
    new_csrf(response, request, csrf)
    return response


@router.post("/login")
async def login(
    request: Request,
    uow: WriteUow,
    c: ContainerDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/desk",
):
    if not csrf_ok(request, csrf):
        return page(
            request,
            "login.html",
            status_code=403,
            next=safe_next(next),
            expired=False,
            csrf=request.cookies.get(CSRF, ""),
            error="The sign-in form was out of date; please try again.",
        )
    client = client_address(request)
    await c.login_throttle.check(client, username)
    try:
        pair = await auth.login(
            uow,
            username=username,
            password=password,
            secret=c.secret,
            access_minutes=c.settings.access_token_minutes,
            refresh_days=c.settings.refresh_token_days,
        )
    except auth.Unauthorized:
        await c.login_throttle.failed(client, username)
        return page(
            request,
            "login.html",
            status_code=401,
            next=safe_next(next),
            expired=False,
            csrf=csrf,
            error="Wrong user name or password.",
        )
    await c.login_throttle.succeeded(client, username)
    if auth.principal_from(pair.access_token, secret=c.secret).role not in ("admin", "staff"):
        return page(
            request,
            "login.html",
            status_code=403,
            next=safe_next(next),
            expired=False,
            csrf=csrf,
            error="This account is for the voice agent; the front desk is for staff and admins.",
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(response, request, pair, refresh_days=c.settings.refresh_token_days)
    new_csrf(response, request)
    return response


@router.post("/logout")
async def logout(request: Request, form: Change, c: ContainerDep):
    await sign_out(c, request.cookies.get(REFRESH))
    response = RedirectResponse("/desk/login", status_code=303)
    end_session(response)
    return response
