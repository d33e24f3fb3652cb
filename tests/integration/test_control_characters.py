"""A NUL byte or other control character is refused with 422 at the edge, on SQLite and PostgreSQL (issue 9, finding 12).

PostgreSQL cannot store a NUL byte in text; before the edge check every one of these requests was a 500 there.
"""

from __future__ import annotations

import json

import httpx
import pytest

from roomiai.api.app import create_app
from tests.api.test_bookings import booking_body
from tests.conftest import headers

pytestmark = pytest.mark.integration


@pytest.fixture
async def any_client(any_container):
    app = create_app(any_container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test") as http:
        yield http


def refused(response, where: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "control_characters" and where.lower() in problem["detail"].lower(), problem
    assert "\x00" not in response.text and "\\u0000" not in response.text


async def test_a_nul_byte_in_a_json_field_is_refused(any_client):
    guest = {**booking_body()["primary_guest"], "last_name": "Ed\x00ge"}

    response = await any_client.post("/v1/bookings", json=booking_body(primary_guest=guest), headers=headers("agent"))

    refused(response, "primary_guest.last_name")


@pytest.mark.parametrize("text", ["Ed\x00ge", "\x1b[31mred", "half \ud800 surrogate"])
async def test_control_characters_and_lone_surrogates_anywhere_in_a_body_are_refused(any_client, text):
    body = json.dumps(booking_body(special_requests=["quiet room", text]))  # ASCII escapes, as a client would send them

    response = await any_client.post("/v1/bookings", content=body,
                                     headers={**headers("agent"), "Content-Type": "application/json"})

    refused(response, "special_requests.1")


async def test_line_breaks_in_free_text_are_still_welcome(any_client):
    response = await any_client.post("/v1/bookings", json=booking_body(special_requests=["quiet room,\nhigh floor"]),
                                     headers=headers("agent"))

    assert response.status_code == 201, response.text


@pytest.mark.parametrize("path, params", [
    ("/v1/guests/search", {"name": "Ed\x00ge"}),
    ("/v1/bookings/search", {"guest_name": "Ed\x00ge"}),
    ("/v1/bookings/search", {"email": "ed\x00@example.com"}),
])
async def test_a_nul_byte_in_a_search_is_refused(any_client, path, params):
    response = await any_client.get(path, params=params, headers=headers("staff"))

    refused(response, "query parameter")


async def test_a_nul_byte_in_the_path_is_refused(any_client):
    response = await any_client.get("/v1/bookings/ROOMI-2026%00", headers=headers("staff"))

    refused(response, "path")


async def test_the_agents_lookup_and_proof_header_refuse_a_nul_byte(any_client):
    booked = await any_client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
    number = booked.json()["booking"]["confirmation_number"]

    lookup = await any_client.post("/v1/bookings/lookup", json={"confirmation_number": number, "last_name": "Smi\x00th"},
                                   headers=headers("agent"))
    proof = await any_client.get(f"/v1/bookings/{number}", headers={**headers("agent"), "X-Guest-Last-Name": "Smi%00th"})

    refused(lookup, "last_name")
    refused(proof, "X-Guest-Last-Name")
