"""The front desk on PostgreSQL: every page, the filters and the actions answer without a server error."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from roomiai.demo.calls import make_past_calls
from roomiai.services import calls
from roomiai.store.uow import UnitOfWork
from tests.api.test_bookings import book
from tests.api.test_desk_pages import sign_in
from tests.api.test_service_requests import checked_in, file
from tests.conftest import TODAY

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
