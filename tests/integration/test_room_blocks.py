"""Room blocks and status changes against real bookings, on SQLite and on PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from roomiai.api.app import create_app
from tests.conftest import headers

pytestmark = pytest.mark.integration


@pytest.fixture
async def any_client(any_container):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(any_container)),
                                 base_url="http://roomi.test") as http:
        yield http


async def book_suites(client, rooms: int) -> str:
    body = {"check_in": "2026-01-20", "check_out": "2026-01-22", "room_type_id": "STE", "rooms": rooms,
            "guests": {"adults": rooms}, "primary_guest": {"first_name": "Ada", "last_name": "Lovelace",
                                                           "email": "ada@example.com"}}
    r = await client.post("/v1/bookings", json=body, headers=headers("staff"))
    assert r.status_code == 201, r.text
    return r.json()["booking"]["confirmation_number"]


async def suites_free(client, check_in: str, check_out: str) -> int:
    r = await client.get("/v1/rooms/availability", headers=headers("agent"),
                         params={"check_in": check_in, "check_out": check_out, "room_type": "STE"})
    options = r.json()["options"]
    return options[0]["available_count"] if options else 0


async def test_blocks_take_exactly_their_nights_and_never_a_sold_room(any_client):
    client, admin = any_client, headers()
    sold = sorted([await book_suites(client, 9), await book_suites(client, 3)])  # all 12 suites, 20 and 21 January
    r = await client.post("/v1/admin/rooms/801/blocks", headers=admin,
                          json={"from": "2026-01-21", "to": "2026-01-23", "reason": "new carpet"})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "rooms_sold" and "2026-01-21" in body["detail"]
    assert sorted(b["confirmation_number"] for b in body["conflicting_bookings"]) == sold
    r = await client.put("/v1/admin/rooms/801/status", headers=admin, json={"status": "maintenance"})
    assert r.status_code == 409 and r.json()["code"] == "rooms_sold"
    assert (await client.get("/v1/admin/rooms/801", headers=admin)).json().get("status", "available") == "available"

    r = await client.post("/v1/admin/rooms/801/blocks", headers=admin,
                          json={"from": "2026-01-22", "to": "2026-01-24", "reason": "new carpet"})
    assert r.status_code == 201, r.text
    block = r.json()
    assert (block["from"], block["to"], block["created_by"]) == ("2026-01-22", "2026-01-24", "admin:test-admin")
    assert await suites_free(client, "2026-01-22", "2026-01-23") == 11
    assert await suites_free(client, "2026-01-23", "2026-01-24") == 11
    assert await suites_free(client, "2026-01-24", "2026-01-25") == 12  # the morning of `to` the room is back
    r = await client.post("/v1/admin/rooms/801/blocks", headers=admin, json={"from": "2026-01-23", "to": "2026-01-26"})
    assert r.status_code == 409 and r.json()["detail"] == "Room 801 is already blocked from 2026-01-22 to 2026-01-24."
    r = await client.post("/v1/admin/rooms/801/blocks", headers=admin, json={"from": "2026-01-02", "to": "2026-01-05"})
    assert r.status_code == 422 and "is in the past" in r.json()["detail"]
    r = await client.post("/v1/admin/rooms/801/blocks", headers=admin, json={"from": "2026-02-05", "to": "2026-02-01"})
    assert r.status_code == 422 and r.json()["field"] == "to"
    assert [b["id"] for b in (await client.get("/v1/admin/rooms/801/blocks", headers=admin)).json()["blocks"]] == [block["id"]]

    assert (await client.delete(f"/v1/admin/rooms/801/blocks/{block['id']}", headers=admin)).status_code == 204
    assert await suites_free(client, "2026-01-22", "2026-01-24") == 12
    assert (await client.delete(f"/v1/admin/rooms/801/blocks/{block['id']}", headers=admin)).status_code == 404

    # a block that fits is then respected by a booking: the last suite of the 22nd goes, the blocked one cannot be sold
    await client.post("/v1/admin/rooms/801/blocks", headers=admin, json={"from": "2026-01-22", "to": "2026-01-23"})
    body = {"check_in": "2026-01-22", "check_out": "2026-01-23", "room_type_id": "STE", "rooms": 9,
            "guests": {"adults": 9}, "primary_guest": {"first_name": "Alan", "last_name": "Turing", "email": "alan@example.com"}}
    assert (await client.post("/v1/bookings", json=body, headers=headers("staff"))).status_code == 201
    body["rooms"], body["guests"] = 3, {"adults": 3}
    assert (await client.post("/v1/bookings", json=body, headers=headers("staff"))).status_code == 409


async def test_check_in_never_hands_out_a_room_blocked_for_the_stay(any_client):
    client, admin = any_client, headers()
    for number in ("901", "902", "903", "904", "905", "906", "801", "802", "803", "804", "805"):
        r = await client.post(f"/v1/admin/rooms/{number}/blocks", headers=admin,
                              json={"from": "2026-01-13", "to": "2026-01-15", "reason": "painting"})
        assert r.status_code == 201, r.text
    body = {"check_in": "2026-01-12", "check_out": "2026-01-14", "room_type_id": "STE", "rooms": 1,
            "guests": {"adults": 1}, "primary_guest": {"first_name": "Ada", "last_name": "Lovelace",
                                                       "email": "ada@example.com"}}
    r = await client.post("/v1/bookings", json=body, headers=headers("staff"))
    assert r.status_code == 201, r.text
    number = r.json()["booking"]["confirmation_number"]

    r = await client.post(f"/v1/bookings/{number}/check-in", json={}, headers=headers("staff"))

    assert r.status_code == 200, r.text
    assert r.json()["room_numbers"] == ["806"]  # the one suite not blocked for the second night
