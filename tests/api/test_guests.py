"""Guest profiles: create, find, read with stay history and bookings, preferences."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api

ADA = {
    "title": "Dr",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "Ada.Lovelace@example.com",
    "phone": {"country_code": "1", "number": "(555) 123-4567"},
    "address": {"city": "London", "country": "GB"},
    "preferences": {"floor_preference": "high", "bed_preference": "king", "dietary_restrictions": ["vegetarian"]},
    "loyalty": {"member_id": "GH-1001", "tier": "gold", "points": 1200},
    "tags": ["VIP"],
}


async def create_guest(client, **overrides) -> dict:
    response = await client.post("/v1/guests", json={**ADA, **overrides}, headers=headers("staff"))
    assert response.status_code == 201, response.text
    return response.json()


async def book(client, *, check_in: dt.date, nights: int, email: str = "grace@example.com") -> dict:
    body = {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
        "room_type_id": "STD",
        "rate_code": "BAR",
        "guests": {"adults": 2},
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": email},
    }
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def test_create_returns_the_blueprint_shape(client):
    guest = await create_guest(client)

    assert re.fullmatch(r"G-2026-\d{5}", guest["guest_id"])
    assert guest["phone"] == {"country_code": "+1", "number": "5551234567"}
    assert guest["preferences"] == {
        "floor_preference": "high", "bed_preference": "KING", "dietary_restrictions": ["vegetarian"],
        "accessibility_needs": [], "special_requests": [],
    }
    assert guest["loyalty"] == {"member_id": "GH-1001", "tier": "gold", "points": 1200}
    assert guest["stay_history"] == {"total_stays": 0, "total_nights": 0, "total_revenue": 0.0, "first_stay": None, "last_stay": None}
    assert guest["upcoming_bookings"] == [] and guest["past_bookings"] == []
    read = await client.get(f"/v1/guests/{guest['guest_id']}", headers=headers("staff"))
    assert read.status_code == 200
    assert read.json()["email"] == "Ada.Lovelace@example.com" and read.json()["tags"] == ["VIP"]


async def test_id_document_number_is_shown_masked(client):
    guest = await create_guest(client, id_document={"type": "passport", "number": "X12345678", "issuing_country": "GB"})
    assert guest["id_document"]["number"] == "*****5678"


async def test_a_second_profile_with_the_same_email_or_phone_is_refused(client):
    first = await create_guest(client)

    same_email = await client.post(
        "/v1/guests", json={**ADA, "email": "ADA.lovelace@EXAMPLE.com", "phone": None}, headers=headers("staff")
    )
    assert same_email.status_code == 409
    assert first["guest_id"] in same_email.json()["detail"] and "email" in same_email.json()["detail"]

    same_phone = await client.post(
        "/v1/guests", json={**ADA, "email": "other@example.com", "phone": {"country_code": "+1", "number": "555-123-4567"}},
        headers=headers("staff"),
    )
    assert same_phone.status_code == 409
    assert first["guest_id"] in same_phone.json()["detail"] and "phone" in same_phone.json()["detail"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"email": None, "phone": None}, "email or a phone"),
        ({"first_name": ""}, "first_name"),
        ({"nickname": "Ada"}, "nickname: is not a field"),
        ({"date_of_birth": "2030-01-01"}, "not in the past"),
        ({"loyalty": {"tier": "diamond"}}, "loyalty.tier"),
        ({"tags": ["x"] * 21}, "tags"),
    ],
)
async def test_create_refuses_bad_input_readably(client, change, words):
    response = await client.post("/v1/guests", json={**ADA, **change}, headers=headers("staff"))
    assert response.status_code == 422
    assert words in response.json()["detail"]


async def test_search_by_name_email_or_phone(client):
    ada = await create_guest(client)
    await create_guest(client, first_name="Alan", last_name="Turing", email="alan@example.com", phone=None)

    by_name = (await client.get("/v1/guests/search", params={"name": "love"}, headers=headers("staff"))).json()
    assert [g["guest_id"] for g in by_name["guests"]] == [ada["guest_id"]]
    by_email = (await client.get("/v1/guests/search", params={"email": "ALAN@example.com"}, headers=headers("staff"))).json()
    assert [g["name"] for g in by_email["guests"]] == ["Alan Turing"]
    by_phone = (await client.get("/v1/guests/search", params={"phone": "4567"}, headers=headers("staff"))).json()
    assert by_phone["count"] == 1 and by_phone["guests"][0]["loyalty_tier"] == "gold"
    nobody = (await client.get("/v1/guests/search", params={"name": "Hopper"}, headers=headers("staff"))).json()
    assert nobody == {"count": 0, "guests": []}


async def test_search_needs_a_criterion(client):
    response = await client.get("/v1/guests/search", headers=headers("staff"))
    assert response.status_code == 422
    assert "at least one of name, email or phone" in response.json()["detail"]


async def test_unknown_guest_is_404(client):
    for request in (
        client.get("/v1/guests/G-2026-99999", headers=headers("staff")),
        client.put("/v1/guests/G-2026-99999/preferences", json={"smoking": False}, headers=headers("staff")),
    ):
        response = await request
        assert response.status_code == 404
        assert "G-2026-99999" in response.json()["detail"]


async def test_preferences_are_replaced_and_validated(client):
    guest = await create_guest(client)
    url = f"/v1/guests/{guest['guest_id']}/preferences"

    response = await client.put(
        url, json={"floor_preference": "LOW", "bed_preference": "twin", "smoking": False, "view_preference": "Ocean"},
        headers=headers("staff"),
    )
    assert response.status_code == 200, response.text
    expected = {
        "floor_preference": "low", "bed_preference": "TWIN", "smoking": False, "view_preference": "ocean",
        "dietary_restrictions": [], "accessibility_needs": [], "special_requests": [],
    }
    assert response.json()["preferences"] == expected
    assert (await client.get(f"/v1/guests/{guest['guest_id']}", headers=headers("staff"))).json()["preferences"] == expected

    for bad, words in (
        ({"floor_preference": "middle"}, "floor_preference"),
        ({"bed_preference": "WATERBED"}, "bed_preference"),
        ({"smoking": "sometimes"}, "smoking"),
        ({"dietary_restrictions": ["x"] * 11}, "dietary_restrictions"),
        ({"pets": True}, "pets: is not a field"),
    ):
        refused = await client.put(url, json=bad, headers=headers("staff"))
        assert refused.status_code == 422, bad
        assert words in refused.json()["detail"]


async def test_roles(client):
    guest = await create_guest(client)
    gid = guest["guest_id"]
    calls = [
        ("post", "/v1/guests", {**ADA, "email": "new@example.com", "phone": None}),
        ("get", "/v1/guests/search?name=Ada", None),
        ("get", f"/v1/guests/{gid}", None),
        ("put", f"/v1/guests/{gid}/preferences", {"smoking": False}),
    ]
    for method, url, body in calls:
        kwargs = {"json": body} if body is not None else {}
        assert (await client.request(method, url, **kwargs)).status_code == 401, url
        forbidden = await client.request(method, url, headers=headers("agent"), **kwargs)
        assert forbidden.status_code == 403, url
        assert "agent role cannot" in forbidden.json()["detail"]
        assert (await client.request(method, url, headers=headers("admin"), **kwargs)).status_code in (200, 201), url


async def test_stay_history_follows_check_in_and_check_out(client, container):
    booking = await book(client, check_in=TODAY, nights=2)
    number = booking["confirmation_number"]
    guest_id = booking["guest_id"]
    later = await book(client, check_in=TODAY + dt.timedelta(days=30), nights=1)

    profile = (await client.get(f"/v1/guests/{guest_id}", headers=headers("staff"))).json()
    assert [b["confirmation_number"] for b in profile["upcoming_bookings"]] == [number, later["confirmation_number"]]
    assert profile["stay_history"]["total_stays"] == 0

    assert (await client.post(f"/v1/bookings/{number}/check-in", headers=headers("staff"))).status_code == 200
    container.clock.pinned_date = TODAY + dt.timedelta(days=2)
    assert (await client.post(f"/v1/bookings/{number}/check-out", headers=headers("staff"))).status_code == 200

    profile = (await client.get(f"/v1/guests/{guest_id}", headers=headers("staff"))).json()
    assert profile["stay_history"] == {
        "total_stays": 1,
        "total_nights": 2,
        "total_revenue": booking["pricing"]["grand_total"],
        "first_stay": TODAY.isoformat(),
        "last_stay": TODAY.isoformat(),
    }
    assert [b["confirmation_number"] for b in profile["upcoming_bookings"]] == [later["confirmation_number"]]
    assert [(b["confirmation_number"], b["status"]) for b in profile["past_bookings"]] == [(number, "checked_out")]
    assert profile["past_bookings"][0]["room_numbers"]
