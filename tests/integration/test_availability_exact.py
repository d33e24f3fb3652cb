"""Availability stays exact to the last room after every change to the books, on SQLite and on PostgreSQL.

The API keeps answers it already worked out (api/answer_cache.py), keyed by the inventory it reads on every
request. Each step below first asks the same question again, so a stale answer would be served, then changes the
books and compares every room type's nightly count with one counted here straight from rooms, blocks and bookings.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from sqlalchemy import text

from roomiai.api.app import create_app
from roomiai.api.schemas.rooms import AvailabilityRead
from roomiai.store.uow import UnitOfWork
from tests.conftest import headers

pytestmark = pytest.mark.integration

FIRST, LAST = dt.date(2026, 1, 12), dt.date(2026, 1, 19)  # today (the pinned clock) and a week on
NIGHTS = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days)]
WINDOW = {"check_in": FIRST.isoformat(), "check_out": LAST.isoformat(), "adults": 1}
STAFF = headers("staff")


@pytest.fixture
async def any_client(any_container):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(any_container)),
                                 base_url="http://roomi.test") as http:
        yield http


async def counted(container) -> dict[str, list[int]]:
    """Rooms free per room type code and night: rooms in service, less blocked rooms and rooms held by bookings."""
    async with UnitOfWork(container.db) as uow:
        run = uow.session.execute
        types = dict((await run(text("SELECT id, type_code FROM room_types"))).all())
        rooms = (await run(text("SELECT id, room_type_id FROM rooms WHERE status NOT IN ('out_of_service', 'maintenance')"))).all()
        blocks = (await run(text("SELECT room_id, start_date, end_date FROM room_blocks"))).all()
        stays = (await run(text("SELECT room_type_id, rooms_count, check_in_date, check_out_date FROM bookings "
                                "WHERE status IN ('confirmed', 'checked_in')"))).all()
    free = {code: [0] * len(NIGHTS) for code in types.values()}
    in_service = {}
    for room_id, type_id in rooms:
        in_service[room_id] = type_id
        for i in range(len(NIGHTS)):
            free[types[type_id]][i] += 1
    for room_id, start, end in blocks:
        start, end = _date(start), _date(end)
        for i, night in enumerate(NIGHTS):
            if room_id in in_service and start <= night < end:
                free[types[in_service[room_id]]][i] -= 1
    for type_id, count, check_in, check_out in stays:
        check_in, check_out = _date(check_in), _date(check_out)
        for i, night in enumerate(NIGHTS):
            if check_in <= night < check_out:
                free[types[type_id]][i] -= count
    return free


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def answered(client) -> dict[str, list[int] | None]:
    """The API's nightly counts per room type code; None for a type it reports sold out on some night."""
    r = await client.get("/v1/rooms/availability", params=WINDOW, headers=headers("agent"))
    assert r.status_code == 200, r.text
    body = r.json()
    AvailabilityRead.model_validate(body)  # the answer, built without validation, is what the schema promises
    found: dict[str, list[int] | None] = {o["room_type_code"]: [n["available"] for n in o["nightly_availability"]]
                                          for o in body["options"]}
    for u in body["unavailable"]:
        assert "Sold out" in u["reason"], u
        found[u["room_type_code"]] = None
    return found


async def assert_exact(client, container) -> None:
    expected, api = await counted(container), await answered(client)
    assert set(api) == set(expected)
    for code, nights in expected.items():
        assert api[code] == nights if min(nights) > 0 else api[code] is None, code


async def book(client, *, room_type: str, check_in: dt.date, nights: int, rooms: int = 1, tag: str = "a") -> str:
    body = {"check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
            "room_type_id": room_type, "rooms": rooms, "guests": {"adults": rooms},
            "primary_guest": {"first_name": "Ada", "last_name": "Lovelace", "email": f"ada.{tag}@example.com"}}
    r = await client.post("/v1/bookings", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return r.json()["booking"]["confirmation_number"]


async def test_every_change_to_the_books_shows_at_once(any_client, any_container):
    client, container, admin = any_client, any_container, headers()

    async def step(change) -> None:
        await answered(client)  # the answer before the change is now remembered
        await change()
        await assert_exact(client, container)

    await assert_exact(client, container)
    numbers: dict[str, str] = {}

    async def bookings_made():
        numbers["dlx"] = await book(client, room_type="DLX", check_in=FIRST + dt.timedelta(days=2), nights=3, rooms=2)
        numbers["std"] = await book(client, room_type="STD", check_in=FIRST + dt.timedelta(days=1), nights=4, tag="b")
        numbers["today"] = await book(client, room_type="FAM", check_in=FIRST, nights=3, tag="c")
        numbers["noshow"] = await book(client, room_type="STE", check_in=FIRST, nights=2, tag="d")
    await step(bookings_made)

    async def changed():
        r = await client.put(f"/v1/bookings/{numbers['dlx']}", headers=STAFF,
                             json={"check_in": (FIRST + dt.timedelta(days=3)).isoformat(),
                                   "check_out": (FIRST + dt.timedelta(days=6)).isoformat(), "rooms": 1,
                                   "guests": {"adults": 1}})
        assert r.status_code == 200, r.text
    await step(changed)

    async def room_type_changed():
        r = await client.put(f"/v1/bookings/{numbers['std']}", headers=STAFF, json={"room_type_id": "DLX"})
        assert r.status_code == 200, r.text
    await step(room_type_changed)

    async def cancelled():
        assert (await client.delete(f"/v1/bookings/{numbers['std']}", headers=STAFF)).status_code == 200
    await step(cancelled)

    async def checked_in():
        r = await client.post(f"/v1/bookings/{numbers['today']}/check-in", json={}, headers=STAFF)
        assert r.status_code == 200, r.text
    await step(checked_in)

    async def left_early():
        r = await client.post(f"/v1/bookings/{numbers['today']}/check-out", headers=STAFF)
        assert r.status_code == 200, r.text
    await step(left_early)

    async def no_show():
        r = await client.post(f"/v1/bookings/{numbers['noshow']}/no-show", headers=STAFF)
        assert r.status_code == 200, r.text
    await step(no_show)

    blocks: dict[str, str] = {}

    async def blocked():
        r = await client.post("/v1/admin/rooms/801/blocks", headers=admin,
                              json={"from": (FIRST + dt.timedelta(days=2)).isoformat(),
                                    "to": (FIRST + dt.timedelta(days=5)).isoformat(), "reason": "new carpet"})
        assert r.status_code == 201, r.text
        blocks["id"] = r.json()["id"]
    await step(blocked)

    async def unblocked():
        assert (await client.delete(f"/v1/admin/rooms/801/blocks/{blocks['id']}", headers=admin)).status_code == 204
    await step(unblocked)

    async def out_of_order():
        r = await client.put("/v1/admin/rooms/802/status", headers=admin, json={"status": "maintenance"})
        assert r.status_code == 200, r.text
    await step(out_of_order)

    async def back_in_service():
        r = await client.put("/v1/admin/rooms/802/status", headers=admin, json={"status": "available"})
        assert r.status_code == 200, r.text
    await step(back_in_service)


async def test_concurrent_bookings_of_the_last_rooms_while_searching(any_client, any_container):
    """Twelve suites, twenty callers booking one each while others search: exactly twelve sold, answers exact after."""
    client = any_client

    async def one(i: int) -> int:
        body = {"check_in": (FIRST + dt.timedelta(days=3)).isoformat(),
                "check_out": (FIRST + dt.timedelta(days=5)).isoformat(), "room_type_id": "STE", "guests": {"adults": 1},
                "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": f"grace.{i}@example.com"}}
        return (await client.post("/v1/bookings", json=body, headers=STAFF)).status_code

    async def search() -> None:
        for _ in range(5):
            await answered(client)

    results = await asyncio.gather(*(one(i) for i in range(20)), *(search() for _ in range(4)))
    statuses = [s for s in results if s is not None]
    assert statuses.count(201) == 12 and statuses.count(409) == 8
    await assert_exact(client, any_container)
    assert (await answered(client))["STE"] is None  # sold out on the 15th and 16th
