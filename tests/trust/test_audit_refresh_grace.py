"""Audit of the desk's refresh grace window: a stolen, already-used refresh token buys no more than one second tab."""

from __future__ import annotations

import datetime as dt

import pytest

from roomiai.services import auth
from roomiai.store.uow import UnitOfWork
from tests.conftest import SECRET

pytestmark = pytest.mark.api
TERMS = dict(secret=SECRET, access_minutes=15, refresh_days=7, reuse_grace_seconds=30)


async def login(container) -> auth.TokenPair:
    async with UnitOfWork(container.db, write=True) as uow:
        return await auth.login(uow, username="staff", password="grandhotel-staff", secret=SECRET, access_minutes=15,
                                refresh_days=7)


async def renew(container, token: str, at: dt.datetime) -> auth.TokenPair:
    async with UnitOfWork(container.db, write=True) as uow:
        return await auth.refresh(uow, refresh_token=token, now=at, **TERMS)


async def test_a_used_token_replayed_inside_the_window_renews_once_and_a_third_use_ends_every_session(container):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    old = (await login(container)).refresh_token
    legitimate = await renew(container, old, now)  # the victim's tab
    second_tab = await renew(container, old, now + dt.timedelta(seconds=2))  # the one tolerated reuse
    with pytest.raises(auth.Unauthorized, match="already used"):
        await renew(container, old, now + dt.timedelta(seconds=5))  # a thief minting more inside the window
    for pair in (legitimate, second_tab):
        with pytest.raises(auth.Unauthorized, match="revoked"):
            await renew(container, pair.refresh_token, now + dt.timedelta(seconds=6))


async def test_a_stolen_token_used_after_the_window_revokes_the_family_with_what_the_thief_minted(container):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    old = (await login(container)).refresh_token
    legitimate = await renew(container, old, now)
    thief = await renew(container, old, now + dt.timedelta(seconds=10))  # looks like a second tab
    thief_next = await renew(container, thief.refresh_token, now + dt.timedelta(seconds=20))
    with pytest.raises(auth.Unauthorized, match="already used"):
        await renew(container, old, now + dt.timedelta(seconds=31))
    for pair in (legitimate, thief_next):
        with pytest.raises(auth.Unauthorized, match="revoked"):
            await renew(container, pair.refresh_token, now + dt.timedelta(seconds=32))


async def test_without_a_grace_window_any_reuse_revokes_the_family(container):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    old = (await login(container)).refresh_token
    async with UnitOfWork(container.db, write=True) as uow:
        first = await auth.refresh(uow, refresh_token=old, now=now, **{**TERMS, "reuse_grace_seconds": 0})
    async with UnitOfWork(container.db, write=True) as uow:
        with pytest.raises(auth.Unauthorized, match="already used"):
            await auth.refresh(uow, refresh_token=old, now=now + dt.timedelta(seconds=1), **{**TERMS, "reuse_grace_seconds": 0})
    with pytest.raises(auth.Unauthorized, match="revoked"):
        await renew(container, first.refresh_token, now + dt.timedelta(seconds=2))
