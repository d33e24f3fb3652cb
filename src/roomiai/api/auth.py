"""POST /v1/auth/token and /v1/auth/refresh."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from ..services import auth
from .deps import ContainerDep, WriteUow, client_address

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


def _response(pair: auth.TokenPair) -> TokenResponse:
    return TokenResponse(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


@router.post("/token", response_model=TokenResponse, summary="Log in (OAuth2 password form)")
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, uow: WriteUow, c: ContainerDep
) -> TokenResponse:
    client = client_address(request)
    await c.login_throttle.check(client, form.username)
    try:
        pair = await auth.login(
            uow,
            username=form.username,
            password=form.password,
            secret=c.secret,
            access_minutes=c.settings.access_token_minutes,
            refresh_days=c.settings.refresh_token_days,
        )
    except auth.Unauthorized:
        await c.login_throttle.failed(client, form.username)
        raise
    await c.login_throttle.succeeded(client, form.username)
    return _response(pair)


@router.post("/refresh", response_model=TokenResponse, summary="Rotate a refresh token (each can be used once)")
async def refresh(
    refresh_token: Annotated[str, Form(max_length=2048)], uow: WriteUow, c: ContainerDep
) -> TokenResponse:
    pair = await auth.refresh(
        uow,
        refresh_token=refresh_token,
        secret=c.secret,
        access_minutes=c.settings.access_token_minutes,
        refresh_days=c.settings.refresh_token_days,
    )
    return _response(pair)
