"""No error repeats a card number the client sent, whatever field, parameter or path it came in (issue 9, finding 2)."""

import re

import pytest

from tests.api.test_bookings import booking_body
from tests.conftest import headers

pytestmark = pytest.mark.api

VISA = "4111111111111111"
TYPO = "4111111111111112"  # one digit misheard: not Luhn-valid, still a card


def assert_no_card(response, number: str) -> None:
    """Neither the number nor its digits with any separators removed appear anywhere in the answer."""
    assert response.headers["content-type"] == "application/problem+json", response.text
    assert response.json()["code"], response.text
    assert number not in re.sub(r"\D", "", response.text), response.text


@pytest.mark.parametrize("body", [
    {"card_number": int(VISA), "expiry": "12/28"},
    {"card_number": "4111 1111 1111 1111 4111 1111 11", "expiry": "12/28"},  # 31 characters: too long
    {"card_number": VISA, "expiry": VISA},
    {"card_number": VISA, "expiry": "12/28", "cvv": VISA},
    {"card_number": VISA, "expiry": "12/28", "cvv": int(VISA)},
    {"card_number": [VISA], "expiry": "12/28"},
])
async def test_a_refused_card_is_never_repeated_by_the_card_endpoint(client, body):
    response = await client.post("/v1/payments/cards", json=body, headers=headers("agent"))

    assert response.status_code == 422
    assert_no_card(response, VISA)


async def test_a_booking_with_a_malformed_payment_object_does_not_repeat_the_number(client):
    body = booking_body(payment={"card_number": int(VISA), "expiry": "12/28", "cvv": 123})

    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))

    assert response.status_code == 422
    assert_no_card(response, VISA)


@pytest.mark.parametrize("number", [VISA, TYPO, "4111.1111.1111.1112", "4111-1111-1111-1112"])
@pytest.mark.parametrize("field", ["discount_code", "rate_code", "room_type_id", "bed_configuration", "view"])
async def test_a_card_given_in_a_booking_field_is_not_repeated_by_the_domain_error(client, field, number):
    response = await client.post("/v1/bookings", json=booking_body(**{field: number}), headers=headers("agent"))

    assert response.status_code in (404, 422)
    assert_no_card(response, re.sub(r"\D", "", number))


async def test_a_card_given_as_a_key_the_schema_does_not_know_is_not_repeated(client):
    body = booking_body(room_preferences={VISA: True})

    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))

    assert response.status_code == 422 and "room_preferences" in response.json()["detail"]
    assert_no_card(response, VISA)


@pytest.mark.parametrize("params", [{"adults": VISA}, {"check_in": VISA}, {"room_type": TYPO}])
async def test_a_card_in_a_query_parameter_is_not_repeated(client, params):
    query = {"check_in": "2026-01-20", "check_out": "2026-01-22", **params}

    response = await client.get("/v1/rooms/availability", params=query, headers=headers("agent"))

    assert response.status_code in (404, 422)
    assert_no_card(response, re.sub(r"\D", "", params[next(iter(params))]))


@pytest.mark.parametrize("method, path", [
    ("GET", f"/v1/bookings/{VISA}"),
    ("GET", f"/v1/bookings/{TYPO}"),
    ("GET", f"/v1/{VISA}"),
    ("PATCH", f"/v1/bookings/{VISA}"),
    ("GET", f"/v1/guests/{VISA}"),
    ("GET", f"/v1/services/requests/{VISA}"),
])
async def test_a_card_in_the_path_is_not_repeated(client, method, path):
    response = await client.request(method, path, headers=headers("staff"))

    assert response.status_code in (404, 405)
    assert_no_card(response, path.rsplit("/", 1)[1])
