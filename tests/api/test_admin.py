"""Admin: dashboard figures from real bookings and calls, the call list, and the hotel's settings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from roomiai.store.tables import CallLogRecord
from roomiai.store.uow import UnitOfWork
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api

DAY = dt.timedelta(days=1)
ROOMS_IN_SERVICE = 39 + 33 + 12 + 16


async def book(client, room_type: str, check_in: dt.date, nights: int, *, adults: int = 2, rooms: int = 1) -> str:
    body = {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + nights * DAY).isoformat(),
        "room_type_id": room_type,
        "rooms": rooms,
        "guests": {"adults": adults},
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
    }
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]["confirmation_number"]


async def act(client, number: str, action: str) -> None:
    response = await client.post(f"/v1/bookings/{number}/{action}", headers=headers("staff"))
    assert response.status_code == 200, response.text


async def call(client, container, *, seconds: int, outcome: str | None, started_earlier: dt.timedelta = dt.timedelta()) -> str:
    """A call that lasted `seconds` (still open when outcome is None), moved `started_earlier` into the past."""
    started = (await client.post("/v1/voice/session/start", json={"caller_id": "+15551234567"}, headers=headers("agent"))).json()
    sid = started["session_id"]
    await shift(container, sid, call_start=-dt.timedelta(seconds=seconds))
    if outcome is not None:
        response = await client.post(f"/v1/voice/session/{sid}/end", json={"outcome": outcome},
                                     headers={**headers("agent"), "X-Call-Key": started["call_key"]})
        assert response.status_code == 200, response.text
    await shift(container, sid, call_start=-started_earlier, call_end=-started_earlier)
    return sid


async def shift(container, session_id: str, **by: dt.timedelta) -> None:
    async with UnitOfWork(container.db, write=True) as uow:
        record = (await uow.session.execute(select(CallLogRecord).where(CallLogRecord.session_id == session_id))).scalar_one()
        for name, delta in by.items():
            if getattr(record, name) is not None:
                setattr(record, name, getattr(record, name) + delta)
        await uow.commit()


async def dashboard(client) -> dict:
    response = await client.get("/v1/admin/dashboard", headers=headers("staff"))
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_empty_day(client):
    assert await dashboard(client) == {
        "date": TODAY.isoformat(),
        "today": {"arrivals": 0, "departures": 0, "in_house": 0, "available_rooms": ROOMS_IN_SERVICE, "occupancy_rate": 0.0},
        "voice_agent": {"calls_today": 0, "bookings_completed": 0, "conversion_rate": 0.0, "avg_call_duration": 0},
        "revenue": {"today": 0.0, "mtd": 0.0},
    }


async def test_dashboard_figures_come_from_the_bookings_and_calls(client, container):
    clock = container.clock
    clock.pinned_date = TODAY - 2 * DAY  # Saturday 10 January
    family = await book(client, "FAM", TODAY - 2 * DAY, 2, adults=4)  # 299 (Sat) + 259 (Sun), leaves today
    weekend = await book(client, "STD", TODAY - 2 * DAY, 1, adults=1)  # 179 (Sat)
    await act(client, family, "check-in")
    await act(client, weekend, "check-in")
    clock.pinned_date = TODAY - DAY
    await act(client, weekend, "check-out")
    clock.pinned_date = TODAY

    in_house = await book(client, "STD", TODAY, 2)  # 149 tonight
    await act(client, in_house, "check-in")
    await book(client, "DLX", TODAY, 1, adults=3)  # 199 + 30 extra person tonight, not arrived yet
    cancelled = await book(client, "STE", TODAY, 3, rooms=2)
    cancel = await client.request("DELETE", f"/v1/bookings/{cancelled}", headers=headers("staff"))
    assert cancel.status_code == 200 and cancel.json()["penalty"] == 875.25  # 2 × 389 + 12.5 % tax, charged today
    await book(client, "STD", TODAY + DAY, 2)  # not tonight
    left_early = await book(client, "STD", TODAY, 2)
    await act(client, left_early, "check-in")
    await act(client, left_early, "check-out")
    no_show = await book(client, "DLX", TODAY, 1)
    await act(client, no_show, "no-show")

    await call(client, container, seconds=100, outcome="booking_completed")
    await call(client, container, seconds=200, outcome="inquiry_only")
    await call(client, container, seconds=30, outcome=None)
    await call(client, container, seconds=5000, outcome="booking_completed", started_earlier=DAY)

    tonight = 149 + 229
    assert await dashboard(client) == {
        "date": "2026-01-12",
        "today": {
            "arrivals": 3,  # in-house, not-yet-arrived DLX, and the early leaver; not the cancelled or the no-show
            "departures": 1,  # the family
            "in_house": 2,  # the STD guest and the family
            "available_rooms": ROOMS_IN_SERVICE - 2,
            "occupancy_rate": 0.02,
        },
        "voice_agent": {"calls_today": 3, "bookings_completed": 1, "conversion_rate": 0.3333, "avg_call_duration": 150},
        "revenue": {"today": round(tonight + 875.25, 2), "mtd": round(tonight + 875.25 + 299 + 259 + 179, 2)},
    }


async def test_calls_are_listed_by_day_and_outcome(client, container):
    completed = await call(client, container, seconds=60, outcome="booking_completed")
    open_call = await call(client, container, seconds=10, outcome=None)
    yesterday = await call(client, container, seconds=90, outcome="abandoned", started_earlier=DAY)

    async def listed(**params) -> dict:
        response = await client.get("/v1/admin/calls", params=params, headers=headers("staff"))
        assert response.status_code == 200, response.text
        return response.json()

    everything = await listed()
    assert everything["total"] == 3
    assert [c["session_id"] for c in everything["calls"]] == [open_call, completed, yesterday]
    assert everything["calls"][2]["caller_phone"] == "+1555***4567" and everything["calls"][2]["duration_seconds"] == 90
    assert [c["session_id"] for c in (await listed(date_from="2026-01-11", date_to="2026-01-11"))["calls"]] == [yesterday]
    assert (await listed(date_from="2026-01-12"))["total"] == 2
    assert (await listed(date_to="2026-01-11"))["total"] == 1
    assert [c["session_id"] for c in (await listed(outcome="booking_completed"))["calls"]] == [completed]
    page = await listed(limit=2, offset=2)
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 2)
    assert [c["session_id"] for c in page["calls"]] == [yesterday]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"date_from": "2026-01-12", "date_to": "2026-01-11"}, "date_from (2026-01-12) is after date_to"),
        ({"outcome": "hung_up"}, "outcome"),
        ({"limit": 0}, "limit"),
        ({"date_from": "12/01/2026"}, "date_from"),
    ],
)
async def test_call_list_refuses_bad_filters(client, params, words):
    response = await client.get("/v1/admin/calls", params=params, headers=headers("staff"))
    assert response.status_code == 422
    assert words in response.json()["detail"]


async def test_roles(client):
    for method, url, body in (
        ("get", "/v1/admin/dashboard", None),
        ("get", "/v1/admin/calls", None),
        ("get", "/v1/admin/settings", None),
        ("put", "/v1/admin/settings", {"name": "Nope"}),
    ):
        kwargs = {"json": body} if body else {}
        assert (await client.request(method, url, **kwargs)).status_code == 401, url
        forbidden = await client.request(method, url, headers=headers("agent"), **kwargs)
        assert forbidden.status_code == 403 and "agent role cannot" in forbidden.json()["detail"], url
    staff_put = await client.put("/v1/admin/settings", json={"name": "Nope"}, headers=headers("staff"))
    assert staff_put.status_code == 403 and "needs admin" in staff_put.json()["detail"]
    assert (await client.get("/v1/admin/settings", headers=headers("staff"))).json()["name"] == "Grand Hotel"


async def quote(client) -> dict:
    response = await client.get(
        "/v1/rooms/availability", params={"check_in": "2026-01-12", "check_out": "2026-01-13", "room_type": "STD"},
        headers=headers("agent"),
    )
    assert response.status_code == 200, response.text
    return next(rate for rate in response.json()["options"][0]["rates"] if rate["rate_code"] == "BAR")


async def test_a_tax_change_reaches_the_next_quote(client):
    before = await quote(client)
    assert (before["taxes"], before["grand_total"]) == (21.13, 185.13)  # 12.5 % of 149 + 2.50, and a 15.00 fee

    response = await client.put(
        "/v1/admin/settings", json={"taxes": [{"name": "Sales Tax", "type": "percentage", "amount": 10}]}, headers=headers("admin")
    )
    assert response.status_code == 200, response.text
    assert response.json()["taxes"] == [{"name": "Sales Tax", "type": "percentage", "amount": 10.0}]

    after = await quote(client)
    assert (after["taxes"], after["grand_total"]) == (14.9, 178.9)
    assert after["tax_lines"] == [{"name": "Sales Tax", "amount": 14.9}]


async def test_sections_merge_and_lists_replace(client):
    original = (await client.get("/v1/admin/settings", headers=headers("staff"))).json()
    response = await client.put(
        "/v1/admin/settings",
        json={
            "policies": {"deposit_percentage": 20},
            "info": {"spa": "The spa opens at nine.", "parking": None},
            "fees": [{"name": "Resort Fee", "amount": 20, "per": "stay"}],
            "check_out_time": "12:00",
        },
        headers=headers("admin"),
    )
    assert response.status_code == 200, response.text
    stored = (await client.get("/v1/admin/settings", headers=headers("staff"))).json()
    assert stored["policies"] == {**original["policies"], "deposit_percentage": 20.0}
    assert stored["info"]["spa"] == "The spa opens at nine." and "parking" not in stored["info"]
    assert stored["info"]["wifi"] == original["info"]["wifi"]
    assert stored["fees"] == [{"name": "Resort Fee", "amount": 20.0, "per": "stay"}]
    assert stored["check_out_time"] == "12:00" and stored["taxes"] == original["taxes"]
    assert stored["hotel_id"] == "HOTEL-001"
    assert dt.datetime.fromisoformat(stored["updated_at"]) > dt.datetime.fromisoformat(original["updated_at"])


async def test_a_time_zone_change_moves_the_clock(client, container):
    response = await client.put("/v1/admin/settings", json={"timezone": "Europe/London"}, headers=headers("admin"))
    assert response.status_code == 200, response.text
    assert container.clock.tz.key == "Europe/London"
    assert (await client.get("/v1/admin/settings", headers=headers("staff"))).json()["timezone"] == "Europe/London"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "not an IANA time zone"),
        ({"check_in_time": "25:00"}, "check_in_time"),
        ({"taxes": [{"name": "VAT", "type": "percentage", "amount": 150}]}, "a percentage tax is at most 100"),
        ({"taxes": [{"name": "VAT", "type": "vat", "amount": 5}]}, "taxes.0.type"),
        ({"taxes": [{"name": "City", "type": "flat_per_night", "amount": -1}]}, "taxes.0.amount"),
        ({"fees": [{"name": "Resort", "amount": 10, "per": "week"}]}, "fees.0.per"),
        ({"packages": [{"code": "spa", "name": "Spa", "price": 50, "per": "hour"}]}, "packages.0.per"),
        (
            {"packages": [{"code": "spa", "name": "Spa", "price": 50}, {"code": "spa", "name": "Spa 2", "price": 60}]},
            "packages lists spa more than once",
        ),
        (
            {"discount_codes": [{"code": "X1", "type": "flat", "amount": 5, "valid_from": "2026-03-01", "valid_to": "2026-02-01"}]},
            "valid_from must not be after valid_to",
        ),
        ({"discount_codes": [{"code": "X1", "type": "percentage", "amount": 120}]}, "at most 100"),
        ({"policies": {"deposit_percentage": 101}}, "policies.deposit_percentage"),
        ({"voice_agent_settings": {"max_call_duration": 5}}, "voice_agent_settings.max_call_duration"),
        ({"currency": "dollars"}, "currency"),
        ({"hotel_id": "HOTEL-002"}, "hotel_id: is not a field"),
        ({"wifi_password": "x"}, "wifi_password: is not a field"),
        ({"name": None}, "name: is required"),
        ({}, "give at least one section to change"),
    ],
)
async def test_settings_are_validated(client, container, body, words):
    before = (await client.get("/v1/admin/settings", headers=headers("staff"))).json()
    response = await client.put("/v1/admin/settings", json=body, headers=headers("admin"))
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert (await client.get("/v1/admin/settings", headers=headers("staff"))).json() == before
    assert container.clock.tz.key == "America/New_York"
