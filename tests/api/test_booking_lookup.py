"""POST /v1/bookings/lookup: callers are verified by confirmation number and last name, or by phone."""

from __future__ import annotations

import pytest

from roomiai.api.lookup_limit import LookupLimit
from roomiai.api.voice_keys import CALL_KEY_HEADER, CALL_SESSION_HEADER
from tests.conftest import headers

pytestmark = pytest.mark.api

NO_MATCH = {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No booking matches those details.",
            "code": "not_found"}


async def book(client, *, check_in: str = "2026-01-20", check_out: str = "2026-01-23", **guest) -> dict:
    primary = {"first_name": "Ada", "last_name": "De Morgan", "email": "ada@example.com",
               "phone": {"country_code": "+1", "number": "555-123-4567"}, **guest}
    body = {"check_in": check_in, "check_out": check_out, "room_type_id": "STD", "guests": {"adults": 2},
            "primary_guest": primary}
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def lookup(client, role: str = "agent", *, call: dict | None = None, **body):
    return await client.post("/v1/bookings/lookup", json=body, headers={**headers(role), **on_call(call)})


async def open_call(client, caller_id: str | None = "+15551234567") -> dict:
    """A call the agent answers: its session id and key (POST /v1/voice/session/start)."""
    body = {"caller_id": caller_id} if caller_id else {}
    response = await client.post("/v1/voice/session/start", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()


def on_call(call: dict | None) -> dict[str, str]:
    return {CALL_SESSION_HEADER: call["session_id"], CALL_KEY_HEADER: call["call_key"]} if call else {}


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
    wrong_phone = await lookup(client, phone="+1 555 765 4321", call=await open_call(client, "+15557654321"))
    for response in (wrong_name, wrong_number, wrong_phone):
        assert response.status_code == 404
        assert response.json() == NO_MATCH


async def test_phone_finds_every_open_booking_of_the_guest(client):
    later = await book(client, check_in="2026-02-01", check_out="2026-02-03")
    first = await book(client)
    await book(client, first_name="Bob", last_name="Other", email="bob@example.com",
               phone={"country_code": "+1", "number": "5559990000"})

    call = await open_call(client, "+1 555 123 4567")
    for spoken in ("+1 (555) 123-4567", "555.123.4567", "15551234567"):
        response = await lookup(client, phone=spoken, call=call)
        assert response.status_code == 200, response.text
        numbers = [b["confirmation_number"] for b in response.json()["bookings"]]
        assert numbers == [first["confirmation_number"], later["confirmation_number"]]

    with_name = await lookup(client, phone="5551234567", last_name="de Morgan", call=call)
    assert len(with_name.json()["bookings"]) == 2
    assert (await lookup(client, phone="5551234567", last_name="Other", call=call)).json() == NO_MATCH
    pinned = await lookup(client, phone="5551234567", confirmation_number=later["confirmation_number"], call=call)
    assert [b["confirmation_number"] for b in pinned.json()["bookings"]] == [later["confirmation_number"]]


async def test_cancelled_bookings_are_not_found(client):
    booking = await book(client)
    number = booking["confirmation_number"]
    cancelled = await client.delete(f"/v1/bookings/{number}", headers=headers("staff"))
    assert cancelled.status_code == 200, cancelled.text

    assert (await lookup(client, confirmation_number=number, last_name="De Morgan")).json() == NO_MATCH
    assert (await lookup(client, phone="5551234567", call=await open_call(client))).json() == NO_MATCH


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
    response = await lookup(client, "staff", **body)
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
    assert refused.json()["code"] == "lookup_limited"


async def test_a_phone_number_finds_bookings_only_when_the_call_comes_from_it(client):
    """The audit's attack: a caller said another guest's number and heard that guest's booking and total."""
    await book(client)  # Ada De Morgan, +1 555-123-4567
    spoken = "+1 555-123-4567"
    attempts = {
        "no call": await lookup(client, phone=spoken),
        "another caller": await lookup(client, phone=spoken, call=await open_call(client, "+15550001111")),
        "no caller ID": await lookup(client, phone=spoken, call=await open_call(client, None)),
    }
    for who, response in attempts.items():
        assert response.status_code == 403, who
        assert response.json()["code"] == "phone_not_caller_id" and "De Morgan" not in response.text, who
        assert "confirmation number" in response.json()["detail"]

    own_phone = await lookup(client, phone=spoken, call=await open_call(client, "+15551234567"))
    assert own_phone.status_code == 200 and own_phone.json()["bookings"][0]["guest_last_name"] == "De Morgan"
    assert (await lookup(client, "staff", phone=spoken)).status_code == 200  # the front desk looks up anyone


async def test_a_call_key_is_needed_to_speak_for_a_call(client):
    call = await open_call(client)
    other = await open_call(client, "+15550001111")
    for sent in ({**call, "call_key": other["call_key"]}, {**call, "call_key": "0" * 64}, {**other, "session_id": "session_x"}):
        response = await lookup(client, phone="+15551234567", call=sent)
        assert response.status_code == 403 and response.json()["code"] == "call_key_refused"


async def test_one_guessing_caller_is_refused_without_locking_other_callers_out(client, container):
    """The audit's lock-out: ten bad calls on the shared agent token refused every caller for ten minutes."""
    clock = [1000.0]
    container.lookup_throttle = LookupLimit(failures_allowed=3, agent_failures_allowed=8, now=lambda: clock[0])
    booking = await book(client)
    right = {"confirmation_number": booking["confirmation_number"], "last_name": "De Morgan"}
    guesser = await open_call(client, "+15550001111")
    for guess in ("Smith", "Jones", "Brown"):
        assert (await lookup(client, call=guesser, **{**right, "last_name": guess})).status_code == 404

    refused = await lookup(client, call=guesser, **right)
    assert refused.status_code == 429 and refused.json()["code"] == "lookup_limited"
    assert int(refused.headers["Retry-After"]) == 601
    real_guest = await lookup(client, call=await open_call(client), **right)
    assert real_guest.status_code == 200, real_guest.text

    for caller, guesses in (("+15550002222", ("Taylor", "Wilson", "Moore")), ("+15550003333", ("Clark", "Lewis"))):
        other = await open_call(client, caller)  # more guessing calls reach the agent token's ceiling: 8 in all
        for guess in guesses:
            assert (await lookup(client, call=other, **{**right, "last_name": guess})).status_code == 404
    ceiling = await lookup(client, call=await open_call(client), **right)
    assert ceiling.status_code == 429 and ceiling.json()["code"] == "lookup_limited"

    clock[0] += 601  # ten minutes on, every failure has aged out
    assert (await lookup(client, call=guesser, **right)).status_code == 200
