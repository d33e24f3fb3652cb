"""POST /v1/bookings/lookup: callers are verified by confirmation number and last name, or by phone."""

from __future__ import annotations

import pytest

from tests.conftest import headers

pytestmark = pytest.mark.api

NO_MATCH = {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No booking matches those details."}


async def book(client, *, check_in: str = "2026-01-20", check_out: str = "2026-01-23", **guest) -> dict:
    primary = {"first_name": "Ada", "last_name": "De Morgan", "email": "ada@example.com",
               "phone": {"country_code": "+1", "number": "555-123-4567"}, **guest}
    body = {"check_in": check_in, "check_out": check_out, "room_type_id": "STD", "guests": {"adults": 2},
            "primary_guest": primary}
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def lookup(client, role: str = "agent", **body):
    return await client.post("/v1/bookings/lookup", json=body, headers=headers(role))


async def test_confirmation_number_and_last_name_ignore_case_and_spaces(client):
    booking = await book(client)
    number = booking["confirmation_number"]

    response = await lookup(client, confirmation_number=f" {number.lower()} ", last_name="  de morgan")

    assert response.status_code == 200, response.text
    read = (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()
    assert response.json() == {"bookings": [read]}
    assert (await lookup(client, confirmation_number=number, last_name="DEMORGAN")).status_code == 200


async def test_a_wrong_detail_never_says_which_one(client):
    booking = await book(client)
    wrong_name = await lookup(client, confirmation_number=booking["confirmation_number"], last_name="Morgan")
    wrong_number = await lookup(client, confirmation_number="ROOMI-20260112-999", last_name="De Morgan")
    wrong_phone = await lookup(client, phone="+1 555 765 4321")
    for response in (wrong_name, wrong_number, wrong_phone):
        assert response.status_code == 404
        assert response.json() == NO_MATCH


async def test_phone_finds_every_open_booking_of_the_guest(client):
    later = await book(client, check_in="2026-02-01", check_out="2026-02-03")
    first = await book(client)
    await book(client, first_name="Bob", last_name="Other", email="bob@example.com",
               phone={"country_code": "+1", "number": "5559990000"})

    for spoken in ("+1 (555) 123-4567", "555.123.4567", "15551234567"):
        response = await lookup(client, phone=spoken)
        assert response.status_code == 200, response.text
        numbers = [b["confirmation_number"] for b in response.json()["bookings"]]
        assert numbers == [first["confirmation_number"], later["confirmation_number"]]

    with_name = await lookup(client, phone="5551234567", last_name="de Morgan")
    assert len(with_name.json()["bookings"]) == 2
    assert (await lookup(client, phone="5551234567", last_name="Other")).json() == NO_MATCH
    pinned = await lookup(client, phone="5551234567", confirmation_number=later["confirmation_number"])
    assert [b["confirmation_number"] for b in pinned.json()["bookings"]] == [later["confirmation_number"]]


async def test_cancelled_bookings_are_not_found(client):
    booking = await book(client)
    number = booking["confirmation_number"]
    cancelled = await client.delete(f"/v1/bookings/{number}", headers=headers("staff"))
    assert cancelled.status_code == 200, cancelled.text

    assert (await lookup(client, confirmation_number=number, last_name="De Morgan")).json() == NO_MATCH
    assert (await lookup(client, phone="5551234567")).json() == NO_MATCH


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "give confirmation_number with last_name, or phone"),
        ({"confirmation_number": "ROOMI-20260112-001"}, "give confirmation_number with last_name, or phone"),
        ({"last_name": "De Morgan"}, "give confirmation_number with last_name, or phone"),
        ({"phone": "123-4567"}, "whole phone number"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "5551234567", "email": "ada@example.com"}, "email: is not a field this endpoint accepts"),
    ],
)
async def test_an_incomplete_request_is_refused(client, body, words):
    response = await lookup(client, **body)
    assert response.status_code == 422
    assert words in response.json()["detail"]


async def test_every_role_may_verify_but_not_anonymously(client):
    booking = await book(client)
    body = {"confirmation_number": booking["confirmation_number"], "last_name": "De Morgan"}
    for role in ("admin", "staff", "agent"):
        assert (await lookup(client, role, **body)).status_code == 200
    assert (await client.post("/v1/bookings/lookup", json=body)).status_code == 401


async def test_guessing_names_against_numbers_is_throttled_per_client_and_a_success_does_not_reset_it(client, container):
    container.lookup_throttle.failures_allowed = 3
    booking = await book(client)
    number = booking["confirmation_number"]
    for guess in ("Smith", "Jones", "Brown"):
        assert (await lookup(client, confirmation_number=number, last_name=guess)).status_code == 404
    assert (await lookup(client, confirmation_number=number, last_name="De Morgan", role="staff")).status_code == 200

    refused = await lookup(client, confirmation_number=number, last_name="De Morgan")  # even the right name, now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Too many booking lookups that found nothing; try again in ")
