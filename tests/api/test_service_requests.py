"""Service requests: filed for checked-in guests, worked through pending → in progress → completed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from roomiai.api.booking_proof import PROOF_HEADER
from roomiai.services.service_requests import NO_GUEST
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api


async def book(client, *, check_in: dt.date = TODAY, nights: int = 2, email: str = "grace@example.com") -> dict:
    body = {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
        "room_type_id": "DLX",
        "rate_code": "BAR",
        "guests": {"adults": 2},
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": email},
    }
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def checked_in(client, **kwargs) -> dict:
    booking = await book(client, **kwargs)
    response = await client.post(f"/v1/bookings/{booking['confirmation_number']}/check-in", headers=headers("staff"))
    assert response.status_code == 200, response.text
    return response.json()


def as_caller(last_name: str | None = "Hopper") -> dict[str, str]:
    """The agent's headers for a caller who gave this last name for the room (none: no name)."""
    return {**headers("agent"), **({PROOF_HEADER: last_name} if last_name is not None else {})}


async def file(client, role: str = "agent", **body) -> dict:
    sent = as_caller() if role == "agent" else headers(role)
    response = await client.post("/v1/services/requests", json=body, headers=sent)
    assert response.status_code == 201, response.text
    return response.json()


def minutes_between(start: str, end: str) -> float:
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 60


async def test_request_by_room_number_reaches_the_guest_in_it(client):
    stay = await checked_in(client)
    room = stay["room_numbers"][0]

    request = await file(
        client, "staff", room_number=room, request_type="housekeeping",
        details={"category": "extra_amenities", "items": ["towels", "pillows"], "quantity": 2},
    )

    assert re.fullmatch(r"SRV-2026-\d{5}", request["request_id"])
    assert request["confirmation_number"] == stay["confirmation_number"]
    assert request["guest_id"] == stay["guest_id"] and request["guest_name"] == "Grace Hopper"
    assert request["room_number"] == room
    assert request["status"] == "pending" and request["priority"] == "normal"
    assert request["request_details"] == {
        "category": "extra_amenities", "items": ["towels", "pillows"], "quantity": 2, "priority": "normal",
    }
    assert minutes_between(request["created_at"], request["estimated_completion"]) == pytest.approx(30)
    again = await client.get(f"/v1/services/requests/{request['request_id']}", headers=headers("staff"))
    assert again.status_code == 200
    assert again.json()["request_details"] == request["request_details"]


async def test_request_by_confirmation_or_booking_id_uses_the_booking_room(client):
    stay = await checked_in(client)
    by_confirmation = await file(
        client, "staff", confirmation_number=stay["confirmation_number"].lower(), request_type="maintenance", priority="urgent",
        details={"category": "repair", "description": "The air conditioning is loud"},
    )
    assert by_confirmation["room_number"] == stay["room_numbers"][0]
    assert minutes_between(by_confirmation["created_at"], by_confirmation["estimated_completion"]) == pytest.approx(20)
    by_reference = await file(client, "staff", booking_id=stay["confirmation_number"], request_type="room_service")
    assert by_reference["confirmation_number"] == stay["confirmation_number"]
    assert minutes_between(by_reference["created_at"], by_reference["estimated_completion"]) == pytest.approx(45)
    assert int(by_reference["request_id"][-5:]) == int(by_confirmation["request_id"][-5:]) + 1


async def test_the_agent_learns_nothing_of_who_stays_in_a_room(client):
    stay = await checked_in(client)
    room, number = stay["room_numbers"][0], stay["confirmation_number"]

    by_room = await file(client, room_number=room, request_type="amenity")
    by_confirmation = await file(client, confirmation_number=number, request_type="amenity")

    assert (by_room["room_number"], by_room["confirmation_number"]) == (room, None)
    assert (by_confirmation["room_number"], by_confirmation["confirmation_number"]) == (None, number)
    for filed in (by_room, by_confirmation):
        assert filed["guest_id"] is None and filed["guest_name"] is None and filed["status"] == "pending"
    stored = (await client.get(f"/v1/services/requests/{by_confirmation['request_id']}", headers=headers("staff"))).json()
    assert (stored["room_number"], stored["guest_name"]) == (room, "Grace Hopper")


async def test_requests_need_a_guest_in_house(client):
    confirmed = await book(client, check_in=TODAY + dt.timedelta(days=3))
    empty_room = "702"

    response = await client.post(
        "/v1/services/requests", json={"room_number": empty_room, "request_type": "amenity"}, headers=headers("staff")
    )
    assert response.status_code == 422
    assert response.json()["detail"] == f"Room {empty_room} has no guest checked in."

    response = await client.post(
        "/v1/services/requests",
        json={"confirmation_number": confirmed["confirmation_number"], "request_type": "amenity"},
        headers=headers("staff"),
    )
    assert response.status_code == 422
    assert "is confirmed, not checked in" in response.json()["detail"]

    response = await client.post("/v1/services/requests", json={"room_number": "9999", "request_type": "amenity"}, headers=headers("staff"))
    assert response.status_code == 404 and "no room 9999" in response.json()["detail"]

    response = await client.post(
        "/v1/services/requests", json={"confirmation_number": "ROOMI-20260112-999", "request_type": "amenity"},
        headers=headers("staff"),
    )
    assert response.status_code == 404 and "ROOMI-20260112-999" in response.json()["detail"]


async def test_room_must_belong_to_the_booking(client):
    stay = await checked_in(client)
    other = "101" if stay["room_numbers"][0] != "101" else "102"
    response = await client.post(
        "/v1/services/requests",
        json={"confirmation_number": stay["confirmation_number"], "room_number": other, "request_type": "amenity"},
        headers=as_caller("Hopper"),
    )
    assert response.status_code == 422
    assert f"Room {other} is not a room of booking {stay['confirmation_number']}" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"request_type": "amenity"}, "confirmation_number, a booking_id or a room_number"),
        ({"room_number": "501", "request_type": "spa"}, "request_type"),
        ({"room_number": "501", "request_type": "amenity", "priority": "asap"}, "priority"),
        ({"room_number": "501", "request_type": "amenity", "details": {"quantity": 0}}, "details.quantity"),
        ({"room_number": "501", "request_type": "amenity", "details": {"items": ["x"] * 21}}, "details.items"),
        ({"room_number": "501", "request_type": "amenity", "details": {"colour": "red"}}, "details.colour: is not a field"),
    ],
)
async def test_bad_requests_are_explained(client, body, words):
    response = await client.post("/v1/services/requests", json=body, headers=headers("agent"))
    assert response.status_code == 422
    assert words in response.json()["detail"]


async def test_status_moves_forward_only(client):
    stay = await checked_in(client)
    request = await file(client, room_number=stay["room_numbers"][0], request_type="housekeeping")
    url = f"/v1/services/requests/{request['request_id']}"

    early_rating = await client.patch(url, json={"guest_rating": 5}, headers=headers("staff"))
    assert early_rating.status_code == 409 and "Only a completed request can be rated" in early_rating.json()["detail"]
    skipped = await client.patch(url, json={"status": "completed"}, headers=headers("staff"))
    assert skipped.status_code == 409
    assert "pending; it can only become cancelled or in_progress" in skipped.json()["detail"]

    started = await client.patch(url, json={"status": "in_progress", "assigned_to": "Maria"}, headers=headers("staff"))
    assert started.status_code == 200
    assert started.json()["status"] == "in_progress" and started.json()["assigned_to"] == "Maria"
    assert started.json()["completed_at"] is None

    done = await client.patch(url, json={"status": "completed", "guest_rating": 4, "notes": "Delivered"}, headers=headers("staff"))
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["guest_rating"], body["notes"]) == ("completed", 4, "Delivered")
    assert body["completed_at"] is not None

    for change in ({"status": "cancelled"}, {"status": "in_progress"}, {"assigned_to": "Joe"}):
        refused = await client.patch(url, json=change, headers=headers("staff"))
        assert refused.status_code == 409, change
    stored = (await client.get(url, headers=headers("staff"))).json()
    assert (stored["status"], stored["assigned_to"], stored["guest_rating"]) == ("completed", "Maria", 4)


async def test_patch_validation(client):
    stay = await checked_in(client)
    request = await file(client, room_number=stay["room_numbers"][0], request_type="amenity")
    url = f"/v1/services/requests/{request['request_id']}"
    for body, words in (
        ({"status": "done"}, "status"),
        ({"guest_rating": 6}, "guest_rating"),
        ({}, "give at least one of"),
        ({"status": None}, "status cannot be empty"),
    ):
        response = await client.patch(url, json=body, headers=headers("staff"))
        assert response.status_code == 422, body
        assert words in response.json()["detail"]
    cancelled = await client.patch(url, json={"status": "cancelled"}, headers=headers("staff"))
    assert cancelled.status_code == 200 and cancelled.json()["completed_at"] is None


async def test_list_by_status_and_room(client):
    first = await checked_in(client, email="a@example.com")
    second = await checked_in(client, email="b@example.com")
    room_a, room_b = first["room_numbers"][0], second["room_numbers"][0]
    a1 = await file(client, room_number=room_a, request_type="amenity")
    a2 = await file(client, room_number=room_a, request_type="housekeeping")
    b1 = await file(client, room_number=room_b, request_type="concierge")
    await client.patch(f"/v1/services/requests/{a1['request_id']}", json={"status": "in_progress"}, headers=headers("staff"))

    everything = (await client.get("/v1/services/requests", headers=headers("staff"))).json()
    assert [r["request_id"] for r in everything["requests"]] == [b1["request_id"], a2["request_id"], a1["request_id"]]
    pending_a = (
        await client.get("/v1/services/requests", params={"status": "pending", "room_number": room_a}, headers=headers("staff"))
    ).json()
    assert pending_a["count"] == 1 and pending_a["requests"][0]["request_id"] == a2["request_id"]
    bad = await client.get("/v1/services/requests", params={"status": "open"}, headers=headers("staff"))
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


async def test_roles_and_unknown_ids(client):
    stay = await checked_in(client)
    request = await file(client, "staff", room_number=stay["room_numbers"][0], request_type="amenity")
    url = f"/v1/services/requests/{request['request_id']}"

    assert (await client.post("/v1/services/requests", json={"room_number": "501", "request_type": "amenity"})).status_code == 401
    assert (await client.get(url)).status_code == 401
    for method, target, body in (("get", "/v1/services/requests", None), ("get", url, None), ("patch", url, {"notes": "x"})):
        response = await client.request(method, target, headers=headers("agent"), **({"json": body} if body else {}))
        assert response.status_code == 403, target
        assert "needs admin or staff" in response.json()["detail"]

    for method, body in (("get", None), ("patch", {"notes": "x"})):
        response = await client.request(
            method, "/v1/services/requests/SRV-2026-99999", headers=headers("staff"), **({"json": body} if body else {})
        )
        assert response.status_code == 404
        assert "SRV-2026-99999" in response.json()["detail"]


async def test_the_agent_files_a_request_only_for_a_caller_who_names_the_guest_in_the_room(client):
    stay = await checked_in(client)
    room, number = stay["room_numbers"][0], stay["confirmation_number"]
    confirmed = await book(client, check_in=TODAY + dt.timedelta(days=3), email="later@example.com")
    towels = {"request_type": "housekeeping", "details": {"items": ["towels"]}}

    nameless = await client.post("/v1/services/requests", json={"room_number": room, **towels}, headers=as_caller(None))
    assert nameless.status_code == 403 and PROOF_HEADER in nameless.json()["detail"]
    refusals = [
        ({"room_number": room}, "Smith"),  # the wrong guest for an occupied room
        ({"room_number": "702"}, "Hopper"),  # nobody checked in
        ({"room_number": "9999"}, "Hopper"),  # no such room
        ({"confirmation_number": confirmed["confirmation_number"]}, "Hopper"),  # confirmed, not in house
        ({"confirmation_number": number}, "Smith"),
        ({"confirmation_number": "ROOMI-20260112-999"}, "Hopper"),
    ]
    for target, name in refusals:
        response = await client.post("/v1/services/requests", json={**target, **towels}, headers=as_caller(name))
        assert (response.status_code, response.json()["detail"]) == (404, NO_GUEST), (target, name)
        for secret in ("confirmed", "checked in", room, number, "Grace"):
            assert secret not in response.json()["detail"]
    assert (await client.get("/v1/services/requests", headers=headers("staff"))).json()["count"] == 0

    by_room = await client.post("/v1/services/requests", json={"room_number": room, **towels}, headers=as_caller(" hopper "))
    by_booking = await client.post("/v1/services/requests", json={"confirmation_number": number, **towels},
                                   headers=as_caller("Hopper"))
    assert (by_room.status_code, by_booking.status_code) == (201, 201)


async def test_wrong_names_for_a_room_are_counted_like_every_failed_proof(client, container):
    container.lookup_throttle.failures_allowed = 2
    stay = await checked_in(client)
    body = {"room_number": stay["room_numbers"][0], "request_type": "amenity"}
    for guess in ("Smith", "Jones"):
        response = await client.post("/v1/services/requests", json=body, headers=as_caller(guess))
        assert response.status_code == 404
    refused = await client.post("/v1/services/requests", json=body, headers=as_caller("Hopper"))
    assert refused.status_code == 429 and refused.json()["code"] == "lookup_limited"
