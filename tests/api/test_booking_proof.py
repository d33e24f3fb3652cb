"""The agent reads, changes and cancels a booking only with the guest's last name the caller gave."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from roomiai.agent import api_client
from roomiai.api.booking_proof import PROOF_HEADER
from roomiai.api.voice_keys import CALL_KEY_HEADER, CALL_SESSION_HEADER
from tests.conftest import headers

pytestmark = pytest.mark.api

NO_MATCH = {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No booking matches those details.",
            "code": "not_found"}


async def book(client, last_name: str = "De Morgan") -> str:
    body = {"check_in": "2026-01-20", "check_out": "2026-01-23", "room_type_id": "STD", "guests": {"adults": 2},
            "primary_guest": {"first_name": "Ada", "last_name": last_name, "email": "ada@example.com",
                              "phone": {"country_code": "+1", "number": "555-123-4567"}}}
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]["confirmation_number"]


def agent(last_name: str | None = None) -> dict[str, str]:
    proof = {PROOF_HEADER: last_name} if last_name is not None else {}
    return {**headers("agent"), **proof}


def calls(number: str) -> list[tuple[str, str, dict]]:
    url = f"/v1/bookings/{number}"
    return [
        ("GET", url, {}),
        ("PUT", url, {"params": {"preview": "true"}, "json": {"check_out": "2026-01-24"}}),
        ("DELETE", url, {"params": {"preview": "true"}}),
    ]


async def test_without_the_last_name_the_agent_gets_nothing(client):
    number = await book(client)
    for method, url, kwargs in [*calls(number), ("PUT", f"/v1/bookings/{number}", {"json": {"check_out": "2026-01-24"}}),
                                ("DELETE", f"/v1/bookings/{number}", {})]:
        response = await client.request(method, url, headers=agent(), **kwargs)
        assert response.status_code == 403, (method, response.text)
        assert PROOF_HEADER in response.json()["detail"] and "/v1/bookings/lookup" in response.json()["detail"]
    stored = (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()
    assert (stored["status"], stored["check_out_date"]) == ("confirmed", "2026-01-23")


async def test_the_last_name_opens_reads_quotes_changes_and_cancellation(client):
    number = await book(client)
    for method, url, kwargs in calls(number):
        response = await client.request(method, url, headers=agent("  de morgan "), **kwargs)
        assert response.status_code == 200, (method, response.text)

    changed = await client.put(f"/v1/bookings/{number}", json={"check_out": "2026-01-24"}, headers=agent("DeMorgan"))
    cancelled = await client.delete(f"/v1/bookings/{number}", headers=agent("De Morgan"))

    assert changed.status_code == 200 and changed.json()["booking"]["nights"] == 4
    assert cancelled.status_code == 200 and cancelled.json()["preview"] is False
    history = (await client.get(f"/v1/bookings/{number}", headers=agent("De Morgan"))).json()["modification_history"]
    assert [entry["modified_by"] for entry in history][-2:] == ["agent:test-agent"] * 2


async def test_a_wrong_name_or_number_answers_alike_and_changes_nothing(client):
    number = await book(client)
    for method, url, kwargs in [*calls(number), *calls("ROOMI-20260112-999")]:
        response = await client.request(method, url, headers=agent("Morgan"), **kwargs)
        assert (response.status_code, response.json()) == (404, NO_MATCH), (method, url)
    cancel = await client.delete(f"/v1/bookings/{number}", headers=agent("Morgan"))
    assert cancel.status_code == 404
    assert (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()["status"] == "confirmed"


async def test_names_beyond_ascii_travel_percent_encoded_or_raw(client):
    number = await book(client, last_name="Müller-Lüdenscheidt")
    encoded = {**headers("agent"), PROOF_HEADER: quote("müller-lüdenscheidt")}
    raw = [(b"authorization", headers("agent")["Authorization"].encode()),
           (PROOF_HEADER.lower().encode(), "Müller-Lüdenscheidt".encode())]

    assert (await client.get(f"/v1/bookings/{number}", headers=encoded)).status_code == 200
    assert (await client.get(f"/v1/bookings/{number}", headers=raw)).status_code == 200
    assert (await client.get(f"/v1/bookings/{number}", headers=agent("Muller-Ludenscheidt"))).status_code == 404


async def test_staff_need_no_name_but_one_they_send_is_checked(client):
    number = await book(client)
    assert (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).status_code == 200
    wrong = await client.get(f"/v1/bookings/{number}", headers={**headers("staff"), PROOF_HEADER: "Smith"})
    assert (wrong.status_code, wrong.json()) == (404, NO_MATCH)


async def test_a_phone_lookup_gives_the_agent_the_name_it_proves_with(client):
    number = await book(client)
    call = (await client.post("/v1/voice/session/start", json={"caller_id": "+15551234567"}, headers=headers("agent"))).json()
    found = await client.post("/v1/bookings/lookup", json={"phone": "+1 555 123 4567"},
                              headers={**headers("agent"), CALL_SESSION_HEADER: call["session_id"],
                                       CALL_KEY_HEADER: call["call_key"]})
    last_name = found.json()["bookings"][0]["guest_last_name"]

    read = await client.get(f"/v1/bookings/{number}", headers=agent(last_name))

    assert read.status_code == 200 and read.json()["confirmation_number"] == number


def test_the_agent_client_sends_the_header_the_api_reads():
    assert api_client.PROOF_HEADER == PROOF_HEADER


async def test_every_wrong_name_on_every_route_that_takes_one_counts_toward_the_limit(client, container):
    """The audit's bypass: GET /v1/bookings/{number} with guessed surnames was never counted."""
    container.lookup_throttle.failures_allowed = 4
    number = await book(client)
    surnames = ["Smith", "Jones", "Brown", "Garcia", "Miller", "De Morgan"]
    statuses = []
    for (method, url, kwargs), guess in zip([*calls(number), *calls(number)], surnames):
        statuses.append((await client.request(method, url, headers=agent(guess), **kwargs)).status_code)

    assert statuses == [404, 404, 404, 404, 429, 429]  # the right name, guessed fifth and sixth, is not confirmed
    refused = await client.get(f"/v1/bookings/{number}", headers=agent("De Morgan"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json()["code"] == "lookup_limited" and "De Morgan" not in refused.text
    staff_guess = [(await client.get(f"/v1/bookings/{number}", headers={**headers("staff"), PROOF_HEADER: name})).status_code
                   for name in ("Smith", "Jones", "Brown", "Garcia", "De Morgan")]
    assert staff_guess == [404, 404, 404, 404, 429]
