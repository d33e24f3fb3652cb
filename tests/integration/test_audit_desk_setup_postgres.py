"""The Setup form attacks and the refresh grace rule on PostgreSQL: field errors, never a 500, no card shown back."""

from __future__ import annotations

import datetime as dt

import pytest

from roomiai.services import auth
from roomiai.store.uow import UnitOfWork
from tests.api.test_desk_pages import RATE_FORM, ROOM_TYPE_FORM, sign_in
from tests.conftest import SECRET
from tests.trust.test_audit_desk_setup import no_card

pytestmark = pytest.mark.integration


async def test_hostile_setup_input_is_refused_cleanly_on_postgresql(pg_client):
    client = pg_client
    csrf = await sign_in(client, "admin")
    rate = {**RATE_FORM, "type_code": "DLX", "rate_code": "PGAUDIT"}
    for slug, form in (("room-types", {**ROOM_TYPE_FORM, "name": "Loft\x00"}),
                       ("room-types", {**ROOM_TYPE_FORM, "base_occupancy": "9" * 40}),
                       ("room-types", {**ROOM_TYPE_FORM, "name": "N" * 10_000}),
                       ("rates", {**rate, "base_rate": "-5"}), ("rates", {**rate, "max_stay": "1" * 25}),
                       ("rates", {**rate, "cancellation_policy.free_cancellation_hours": "9" * 19}),
                       ("rates", {**rate, "base_rate": "4111 1111 1111 1111"})):
        response = await client.post(f"/desk/setup/{slug}/new", data={"csrf": csrf, **form})
        assert response.status_code in (400, 409, 422), (slug, response.status_code, response.text[-400:])
        no_card(response.text)


async def test_a_used_refresh_token_is_tolerated_once_inside_the_window_on_postgresql(pg_container):
    terms = dict(secret=SECRET, access_minutes=15, refresh_days=7, reuse_grace_seconds=30)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    async with UnitOfWork(pg_container.db, write=True) as uow:
        old = (await auth.login(uow, username="staff", password="grandhotel-staff", secret=SECRET, access_minutes=15,
                                refresh_days=7)).refresh_token
    for seconds in (0, 2):
        async with UnitOfWork(pg_container.db, write=True) as uow:
            await auth.refresh(uow, refresh_token=old, now=now + dt.timedelta(seconds=seconds), **terms)
    async with UnitOfWork(pg_container.db, write=True) as uow:
        with pytest.raises(auth.Unauthorized, match="already used"):
            await auth.refresh(uow, refresh_token=old, now=now + dt.timedelta(seconds=4), **terms)
