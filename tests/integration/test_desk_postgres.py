"""The front desk on PostgreSQL: every page, the filters and the actions answer without a server error."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from sqlalchemy import text

from roomiai.demo.calls import make_past_calls
from roomiai.services import auth, calls
from roomiai.store.uow import UnitOfWork
from tests.api.test_bookings import book
from tests.api.test_desk_pages import sign_in
from tests.api.test_service_requests import checked_in, file
from tests.conftest import SECRET, TODAY, token_for

pytestmark = pytest.mark.integration


async def test_desk_pages_filters_and_actions_on_postgresql(pg_client, pg_container):
    client, container = pg_client, pg_container
    assert await make_past_calls(container.settings, container.db, today=TODAY, days=1, gateway=container.gateway) == 5
    async with UnitOfWork(container.db, write=True) as uow:
        started = await calls.start(uow, clock=container.clock, caller_id="+15550001111", livekit_room=None, call_type="inbound")
    made = await book(client, check_in=TODAY.isoformat(), check_out=(TODAY + dt.timedelta(days=2)).isoformat(),
                      booking_source="voice_agent")
    number = made.json()["booking"]["confirmation_number"]
    stay = await checked_in(client)
    await file(client, "staff", room_number=stay["room_numbers"][0], request_type="housekeeping", priority="urgent")
    csrf = await sign_in(client, "admin")
    pages = ["/desk", "/desk/calls", "/desk/calls?problems=true", f"/desk/calls?day={TODAY - dt.timedelta(days=1)}",
             "/desk/calls?outcome=in_progress", f"/desk/calls/{started.record.session_id}", "/desk/bookings",
             f"/desk/bookings?name=smith&source=voice_agent&arrival={TODAY}&confirmation={number[-3:]}",
             "/desk/bookings?phone=4567&page=2", f"/desk/bookings/{number}", f"/desk/bookings/{number}/change",
             f"/desk/bookings/{number}/cancel", "/desk/requests", "/desk/requests?closed=true", "/desk/setup"]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    wrong = await client.get("/desk/calls?problems=true")
    assert re.findall(r'data-testid="call-summary">([^<]+)<', wrong.text) == ["Transferred: wanted a group rate"]
    assert (await client.get("/desk/bookings", params={"name": "smith", "source": "voice_agent"})).text.count(number) >= 1
    preview = await client.post(f"/desk/bookings/{number}/change", data={
        "csrf": csrf, "check_in": TODAY.isoformat(), "check_out": (TODAY + dt.timedelta(days=3)).isoformat(),
        "room_type": "DLX", "adults": "2", "rooms": "1", "step": "preview"})
    assert preview.status_code == 200 and 'data-testid="change-preview"' in preview.text
    checked = await client.post(f"/desk/bookings/{number}/check-in", data={"csrf": csrf})
    assert checked.status_code == 303
    again = await client.post(f"/desk/bookings/{number}/check-in", data={"csrf": csrf})
    assert again.status_code == 409


async def test_setup_forms_the_last_admin_and_two_tabs_renewing_on_postgresql(pg_client, pg_container):
    from tests.api.test_desk_pages import RATE_FORM, ROOM_TYPE_FORM, field_errors

    client, container = pg_client, pg_container
    csrf = await sign_in(client, "admin")
    for path in ("/desk/setup/room-types/new", "/desk/setup/rooms/edit/201", "/desk/setup/rates/edit/DLX.BAR",
                 "/desk/setup/packages/edit/breakfast", "/desk/setup/discount-codes/edit/SUMMER20"):
        response = await client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    made = await client.post("/desk/setup/room-types/new", data={"csrf": csrf, **ROOM_TYPE_FORM})
    assert made.status_code == 303, field_errors(made.text)
    bad = await client.post("/desk/setup/rates/new", data={"csrf": csrf, **RATE_FORM, "base_rate": "lots"})
    assert bad.status_code == 422 and list(field_errors(bad.text)) == ["base_rate"]
    rate = await client.post("/desk/setup/rates/new", data={"csrf": csrf, **RATE_FORM})
    assert rate.status_code == 303, field_errors(rate.text)
    last = await client.post("/desk/setup/users/admin", data={"csrf": csrf, "action": "role", "role": "staff"})
    assert last.status_code == 409 and 'data-testid="error-code">last_admin' in last.text
    demote = await client.put("/v1/admin/users/admin", json={"role": "staff"},
                              headers={"Authorization": f"Bearer {token_for('admin')}"})
    assert demote.status_code == 409 and demote.json()["code"] == "last_admin"
    async def renew(token: str):
        async with UnitOfWork(container.db, write=True) as uow:
            return await auth.refresh(uow, refresh_token=token, secret=SECRET, access_minutes=15, refresh_days=7,
                                      reuse_grace_seconds=container.settings.desk_refresh_grace_seconds)

    async with UnitOfWork(container.db, write=True) as uow:
        pair = await auth.login(uow, username="staff", password="grandhotel-staff", secret=SECRET, access_minutes=15,
                                refresh_days=7)
    both = await asyncio.gather(renew(pair.refresh_token), renew(pair.refresh_token))  # two tabs at the same moment
    assert len({p.refresh_token for p in both}) == 2


async def test_two_admins_demoting_each_other_at_once_leave_one_admin_on_postgresql(pg_client, pg_container):
    container = pg_container
    now = container.clock.now()
    async with UnitOfWork(container.db, write=True) as uow:
        await auth.save_user(uow, username="deputy", password="deputy password 1", role="admin", now=now)
        await uow.commit()

    async def demote(username: str) -> str:
        try:
            async with UnitOfWork(container.db, write=True) as uow:
                await auth.save_user(uow, username=username, role="staff", now=now)
                await uow.commit()
        except auth.LastAdmin:
            return "refused"
        return "demoted"

    async def someone_waits_for_a_lock() -> bool:
        async with container.db.engine.connect() as connection:
            waiting = await connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
            return waiting.scalar() > 0

    async with UnitOfWork(container.db, write=True) as first:  # admin steps down, not yet committed ...
        await auth.save_user(first, username="admin", role="staff", now=now)
        await first.session.flush()
        second = asyncio.create_task(demote("deputy"))  # ... while deputy steps down too
        while not second.done() and not await someone_waits_for_a_lock():
            await asyncio.sleep(0.01)
        await first.commit()
    assert await second == "refused"
    async with UnitOfWork(container.db) as uow:
        assert [u.username for u in await auth.users(uow) if u.role == "admin" and u.is_active] == ["deputy"]
