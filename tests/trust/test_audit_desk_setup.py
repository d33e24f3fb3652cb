"""Audit of the desk's Setup forms: CSRF and roles on every change, escaping, bad input and card numbers typed back."""

from __future__ import annotations

import re

import pytest

from roomiai.web.desk.catalog_forms import KINDS
from tests.api.test_desk_pages import RATE_FORM, ROOM_TYPE_FORM, field_errors, sign_in
from tests.conftest import headers

pytestmark = pytest.mark.api
CARD_FORMS = ("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111")
SAVES = [f"/desk/setup/{slug}/new" for slug in KINDS] + ["/desk/setup/rates/edit/DLX.BAR", "/desk/setup/voice",
                                                          "/desk/setup/hotel"]


def no_card(text: str) -> None:
    squeezed = "".join(ch for ch in text if ch.isdigit() or ch == "\n")
    assert "4111111111111111" not in squeezed and "1111 1111" not in text and "1111-1111" not in text


@pytest.mark.parametrize("path", SAVES)
async def test_every_setup_change_needs_the_csrf_token_and_a_same_site_origin(client, path):
    csrf = await sign_in(client, "admin")
    missing = await client.post(path, data={**ROOM_TYPE_FORM})
    foreign = await client.post(path, data={"csrf": csrf, **ROOM_TYPE_FORM}, headers={"Origin": "https://evil.example"})
    for refused in (missing, foreign):
        assert refused.status_code == 403 and "csrf_failed" in refused.text
    client.cookies.clear()
    csrf = await sign_in(client, "staff")
    staff = await client.post(path, data={"csrf": csrf, **ROOM_TYPE_FORM})
    assert staff.status_code == 403 and "Setup is for admins" in staff.text


async def test_markup_in_a_room_type_name_and_description_is_shown_as_text(client):
    csrf = await sign_in(client, "admin")
    made = await client.post("/desk/setup/room-types/new", data={
        "csrf": csrf, **ROOM_TYPE_FORM, "name": "<script>alert(1)</script>", "description": '"onmouseover="alert(2)'})
    assert made.status_code == 303, field_errors(made.text) or made.text
    for page in ("/desk/setup", "/desk/setup/room-types/edit/LOFT"):
        html = (await client.get(page)).text
        assert "<script>alert(1)" not in html and '"onmouseover="alert' not in html
        assert "&lt;script&gt;alert(1)" in html


BAD_VALUES = [
    ("room-types", "base_occupancy", "9" * 40), ("room-types", "extra_person_charge", "-30"),
    ("room-types", "extra_person_charge", "ten dollars"), ("room-types", "name", "N" * 10_000),
    ("room-types", "name", "Loft\x00\x1b[31m"), ("room-types", "extra_person_charge", "1e308"),
    ("rates", "base_rate", "-249.90"), ("rates", "base_rate", "9" * 30), ("rates", "min_stay", "-1"),
    ("rates", "max_stay", "1" * 25), ("rates", "day_of_week_rates.saturday", "NaN"),
    ("rates", "name", "\u202eBest\x07"), ("rates", "cancellation_policy.free_cancellation_hours", "9" * 19),
]


@pytest.mark.parametrize(("slug", "path", "value"), BAD_VALUES)
async def test_bad_input_is_a_field_error_never_a_server_error(client, slug, path, value):
    csrf = await sign_in(client, "admin")
    form = {"room-types": ROOM_TYPE_FORM, "rates": {**RATE_FORM, "type_code": "DLX", "rate_code": "AUDIT"}}[slug]
    response = await client.post(f"/desk/setup/{slug}/new", data={"csrf": csrf, **form, path: value})
    assert response.status_code in (400, 409, 422), response.text[:500]
    assert field_errors(response.text) or "code" in response.text


@pytest.mark.parametrize("path", ["/desk/setup/nope/new", "/desk/setup/rates/edit/%00", "/desk/setup/rates/edit/" + "A" * 500,
                                  "/desk/setup/room-types/edit/..%2F..%2Fetc", "/desk/setup/rates/edit/DLX.BAR.X",
                                  "/desk/setup/rates/edit/DLX.4111111111111111", "/desk/setup/rooms/edit/4111111111111111"])
async def test_unknown_keys_in_the_address_are_not_found(client, path):
    csrf = await sign_in(client, "admin")
    for response in (await client.get(path), await client.post(path, data={"csrf": csrf})):
        assert response.status_code in (404, 422), response.text[:300]
        no_card(response.text)


@pytest.mark.parametrize("card", CARD_FORMS)
async def test_a_card_number_typed_into_a_setup_form_is_never_shown_back(client, card):
    csrf = await sign_in(client, "admin")
    for slug, path, form in (("rates", "base_rate", {**RATE_FORM, "type_code": "DLX", "rate_code": "CARD"}),
                             ("rates", "name", {**RATE_FORM, "type_code": "DLX", "rate_code": "CARD", "max_stay": "x"}),
                             ("room-types", "max_occupancy", ROOM_TYPE_FORM),
                             ("room-types", "description", {**ROOM_TYPE_FORM, "base_occupancy": "x"}),
                             ("packages", "price", {"code": "card", "name": "Card", "per": "stay"}),
                             ("discount-codes", "amount", {"code": "CARD1", "type": "flat", "min_nights": "1"})):
        response = await client.post(f"/desk/setup/{slug}/new", data={"csrf": csrf, **form, path: card})
        assert response.status_code in (400, 409, 422), (slug, path, response.status_code)
        no_card(response.text)
    voice = await client.post("/desk/setup/voice", data={"csrf": csrf, "max_call_duration": card})
    assert voice.status_code in (400, 422) and voice.status_code != 500
    no_card(voice.text)


async def test_the_voice_settings_form_shows_and_saves_call_recording(client):
    csrf = await sign_in(client, "admin")
    page = (await client.get("/desk/setup")).text
    assert 'name="recording_notice"' in page and "checked" in record_calls_box(page)  # on unless turned off
    saved = await client.post("/desk/setup/voice", data={  # what a browser sends with the box unticked
        "csrf": csrf, "greeting_name": "Roomi", "max_call_duration": "900", "record_calls": "off",
        "recording_notice": "Calls are recorded for <quality>."})
    assert saved.status_code == 303, saved.text
    voice = (await client.get("/v1/admin/settings", headers=headers("admin"))).json()["voice_agent_settings"]
    assert voice["record_calls"] is False and voice["recording_notice"] == "Calls are recorded for <quality>."
    page = (await client.get("/desk/setup")).text
    assert "Calls are recorded for &lt;quality&gt;." in page
    assert "checked" not in record_calls_box(page)
    saved = await client.post("/desk/setup/voice", data={
        "csrf": csrf, "record_calls": ["off", "on"], "recording_notice": "", "max_call_duration": "900"})
    assert saved.status_code == 303, saved.text
    voice = (await client.get("/v1/admin/settings", headers=headers("admin"))).json()["voice_agent_settings"]
    assert voice["record_calls"] is True and voice.get("recording_notice") is None
    assert "checked" in record_calls_box((await client.get("/desk/setup")).text)
    too_long = await client.post("/desk/setup/voice", data={"csrf": csrf, "record_calls": "on",
                                                             "recording_notice": "x" * 301})
    assert too_long.status_code in (400, 422) and "recording_notice" in too_long.text


def record_calls_box(html: str) -> str:
    return re.search(r'<input type="checkbox" name="record_calls"[^>]*>', html).group(0)


@pytest.mark.parametrize(("path", "field", "value"), [
    ("voice", "greeting_name", "R" * 10_000), ("voice", "max_call_duration", "-5"),
    ("voice", "max_call_duration", "9" * 40), ("voice", "max_call_duration", "½"), ("voice", "backup_language", "<x>"),
    ("voice", "recording_notice", "x" * 10_000), ("voice", "transfer_number", "4111 1111 1111 1111"),
    ("hotel", "check_in_time", "25:99"), ("hotel", "email", '"><script>@x'), ("hotel", "name", "N" * 10_000),
])
async def test_bad_hotel_and_voice_settings_are_a_clear_error_never_a_server_error(client, path, field, value):
    csrf = await sign_in(client, "admin")
    response = await client.post(f"/desk/setup/{path}", data={"csrf": csrf, field: value})
    assert response.status_code in (400, 422), response.text[-600:]
    assert 'data-testid="error"' in response.text or "invalid_request" in response.text
    assert "<script>" not in response.text
    no_card(response.text)
