"""Defence in depth: card-like numbers typed into any free-text field of the API are redacted before they are stored,
whatever path brought them there (a booking's requests, a change, a cancellation, a guest's notes, a service request)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY, headers

pytestmark = pytest.mark.trust

DOTTED, TYPO, SPOKEN = "5555.5555.5555.4444", "4111-1111-1111-1112", "four one one one " + "one " * 11 + "one"
NEVER_SHOWN = ("555555555555", "411111111111", "four one one one one")  # the digits a card ending can never show


def holds_a_card(text: str) -> bool:
    squeezed = "".join(ch for ch in text if ch.isdigit())
    return any(digits in squeezed for digits in NEVER_SHOWN[:2]) or NEVER_SHOWN[2] in text.lower()


def booking_body(check_in: dt.date, **extra) -> dict:
    return {"check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=2)).isoformat(),
            "room_type_id": "DLX", "rate_code": "BAR", "guests": {"adults": 2},
            "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}, **extra}


async def test_card_like_numbers_in_free_text_are_stored_redacted(client, settings):
    staff = headers("staff")
    made = await client.post("/v1/bookings", headers=staff, json=booking_body(
        TODAY, special_requests=[f"card {DOTTED}", f"or {TYPO}"], special_occasion=f"birthday {TYPO}"))
    assert made.status_code == 201, made.text
    booking = made.json()["booking"]
    number = booking["confirmation_number"]
    assert booking["special_requests"] == ["card [card ending 4444]", "or [card number]"]
    assert booking["special_occasion"] == "birthday [card number]"

    changed = await client.put(f"/v1/bookings/{number}", headers=staff, json={
        "special_requests": [SPOKEN], "modification_reason": f"the card is {TYPO}"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["booking"]["special_requests"] == ["[card ending 1111]"]

    checked_in = await client.post(f"/v1/bookings/{number}/check-in", headers=staff)
    assert checked_in.status_code == 200, checked_in.text
    filed = await client.post("/v1/services/requests", headers=staff, json={
        "room_number": checked_in.json()["room_numbers"][0], "request_type": "concierge",
        "details": {"description": f"charge {DOTTED} for the taxi", "items": [TYPO]}})
    assert filed.status_code == 201, filed.text
    noted = await client.patch(f"/v1/services/requests/{filed.json()['request_id']}", headers=staff,
                               json={"notes": f"guest read {SPOKEN}"})
    assert noted.status_code == 200, noted.text

    other = await client.post("/v1/bookings", headers=staff, json=booking_body(TODAY + dt.timedelta(days=10)))
    cancelled = await client.request("DELETE", f"/v1/bookings/{other.json()['booking']['confirmation_number']}",
                                     headers=staff, json={"cancellation_reason": f"refund to {DOTTED}"})
    assert cancelled.status_code == 200, cancelled.text
    guest = await client.post("/v1/guests", headers=staff, json={
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "notes": f"pays with {TYPO}"})
    assert guest.status_code == 201, guest.text

    shown = [made.text, changed.text, filed.text, noted.text, cancelled.text, guest.text]
    shown += [(await client.get(path, headers=headers("admin"))).text for path in (
        f"/v1/bookings/{number}", f"/v1/bookings/{other.json()['booking']['confirmation_number']}",
        f"/v1/services/requests/{filed.json()['request_id']}", f"/v1/guests/{guest.json()['guest_id']}")]
    assert not any(holds_a_card(text) for text in shown), [text for text in shown if holds_a_card(text)]
    stored = [path for path in settings.data_dir.rglob("*") if path.is_file()]  # the database, its WAL, the vault
    assert stored and not [path.name for path in stored if holds_a_card(path.read_bytes().decode("latin-1"))]


async def test_card_like_numbers_in_the_hotel_setup_are_stored_redacted(client, settings):
    admin = headers("admin")
    room_type = {"type_code": "PH", "name": "Penthouse", "description": f"paid with {DOTTED}", "base_occupancy": 2,
                 "max_occupancy": 4, "extra_person_charge": 100,
                 "bed_configurations": [{"code": "KING", "description": f"King, card {TYPO}"}], "view_options": ["ocean"]}
    made = await client.post("/v1/admin/room-types", headers=admin, json=room_type)
    assert made.status_code == 201, made.text
    assert made.json()["description"] == "paid with [card ending 4444]"
    assert made.json()["bed_configurations"][0]["description"] == "King, card [card number]"
    shown = [made.text, (await client.get("/v1/admin/room-types/PH", headers=admin)).text,
             (await client.get("/v1/admin/property", headers=admin)).text]
    assert not any(holds_a_card(text) for text in shown), shown
    stored = [path for path in settings.data_dir.rglob("*") if path.is_file()]
    assert stored and not [path.name for path in stored if holds_a_card(path.read_bytes().decode("latin-1"))]
