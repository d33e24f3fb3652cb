"""The desk's sign-in: access and refresh tokens in httpOnly SameSite=Strict cookies, rotated; a CSRF token on every change."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request, Response
from sqlalchemy import update

from ...api.control_characters import CODE as CONTROL_CHARACTERS
from ...api.control_characters import bad_character
from ...api.deps import Container, get_container
from ...domain.errors import Forbidden, InvalidRequest
from ...services import auth
from ...services.auth import Principal, Unauthorized, check_current, principal_from
from ...store.tables import RefreshTokenRecord
from ...store.uow import UnitOfWork

ACCESS = "roomi_desk_access"
REFRESH = "roomi_desk_refresh"
CSRF = "roomi_desk_csrf"
PATH = "/desk"
DESK_ROLES = ("admin", "staff")


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page (`expired`: it had one that ran out)."""

    def __init__(self, *, expired: bool):
        super().__init__("sign in")
        self.expired = expired


@dataclass(frozen=True)
class DeskUser:
    principal: Principal
    csrf: str

    @property
    def name(self) -> str:
        return self.principal.subject

    @property
    def is_admin(self) -> bool:
        return self.principal.role == "admin"


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def start_session(response: Response, request: Request, pair: auth.TokenPair, *, refresh_days: int) -> None:
    """Cookies of a fresh or rotated session; the CSRF token is kept across rotations, made anew at sign-in."""
    set_cookie(response, request, ACCESS, pair.access_token, max_age=pair.expires_in)
    set_cookie(response, request, REFRESH, pair.refresh_token, max_age=refresh_days * 86400)


def new_csrf(response: Response, request: Request, token: str | None = None) -> str:
    token = token or secrets.token_urlsafe(32)
    set_cookie(response, request, CSRF, token, max_age=12 * 3600)
    return token


def end_session(response: Response) -> None:
    for name in (ACCESS, REFRESH, CSRF):
        response.delete_cookie(name, path=PATH)


async def sign_out(container: Container, refresh: str | None) -> None:
    """Revokes the session's refresh tokens (its whole rotation family), so a copied cookie is worthless too."""
    if not refresh:
        return
    try:
        claims = jwt.decode(refresh, container.secret, algorithms=[auth.ALGORITHM], options={"verify_exp": False})
    except jwt.PyJWTError:
        return
    async with UnitOfWork(container.db, write=True) as uow:
        record = await uow.session.get(RefreshTokenRecord, str(claims.get("jti", "")))
        if record is not None:
            await uow.session.execute(
                update(RefreshTokenRecord).where(RefreshTokenRecord.family == record.family).values(revoked=True)
            )
        await uow.commit()


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class ControlCharacters(InvalidRequest):
    code = CONTROL_CHARACTERS


def csrf_ok(request: Request, sent: object) -> bool:
    expected = request.cookies.get(CSRF)
    if not expected or not isinstance(sent, str):
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


async def desk_user(request: Request, container: Annotated[Container, Depends(get_container)]) -> DeskUser:
    """The signed-in member of staff; an expired access token is renewed by rotating the refresh token."""
    csrf = request.cookies.get(CSRF) or ""
    access, refresh = request.cookies.get(ACCESS), request.cookies.get(REFRESH)
    principal = None
    if access:
        try:
            principal = principal_from(access, secret=container.secret)
            async with container.db.engine.connect() as connection:
                await check_current(connection, principal)
        except Unauthorized:
            principal = None
    if principal is None and refresh:
        settings = container.settings
        try:
            async with UnitOfWork(container.db, write=True) as uow:
                pair = await auth.refresh(
                    uow,
                    refresh_token=refresh,
                    secret=container.secret,
                    access_minutes=settings.access_token_minutes,
                    refresh_days=settings.refresh_token_days,
                    reuse_grace_seconds=settings.desk_refresh_grace_seconds,
                )
        except Unauthorized:
            raise SignInRequired(expired=True) from None
        request.state.desk_renewed = (pair, settings.refresh_token_days)  # DeskRoute puts it on whatever answers
        principal = principal_from(pair.access_token, secret=container.secret)
    if principal is None or not csrf:
        raise SignInRequired(expired=bool(access or refresh))
    if principal.role not in DESK_ROLES:
        raise Forbidden(f"The {principal.role} role cannot use the front desk; it is for staff and admins.")
    user = DeskUser(principal, csrf)
    request.state.desk_user = user
    return user


async def desk_admin(user: Annotated[DeskUser, Depends(desk_user)]) -> DeskUser:
    if not user.is_admin:
        raise Forbidden(f"Setup is for admins; the {user.principal.role} role cannot open it.")
    return user


User = Annotated[DeskUser, Depends(desk_user)]
AdminUser = Annotated[DeskUser, Depends(desk_admin)]


async def change_form(request: Request, user: User) -> dict[str, str]:
    """The fields of a form that changes something, once its CSRF token matches the session's."""
    form = await request.form()
    origin = request.headers.get("origin")
    foreign = origin not in (None, "null", f"{request.url.scheme}://{request.url.netloc}")  # "null": no-referrer policy
    if not csrf_ok(request, form.get("csrf")) or foreign:
        raise CsrfFailed("This form was out of date or came from another site; reload the page and try again.")
    request.state.desk_user = user
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    for key, value in fields.items():  # the API refuses these in JSON (api/control_characters.py); forms too
        if bad_character(key) or bad_character(value, multiline=True):
            raise ControlCharacters(
                "Control characters (such as a NUL byte or an escape code) are not allowed in "
                "this form's text; type plain text.",
                field=key if key.isidentifier() else None,
            )
    return fields


Change = Annotated[dict[str, str], Depends(change_form)]
