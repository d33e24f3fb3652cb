"""A booking with a deposit and its cancellation refund, through the API, with the Stripe adapter on recorded exchanges."""

import shutil

import pytest
from sqlalchemy import text

from roomiai.bootstrap import build_container
from roomiai.payments.stripe_gateway import StripeGateway
from tests.api.test_bookings import book, require_deposit
from tests.conftest import headers
from tests.stripe_replay import SECRET_KEY, RecordedStripe

pytestmark = pytest.mark.api

CARD = {"card_number": "4242424242424242", "expiry": "12/27", "cvv": "123", "name_on_card": "John Smith"}


@pytest.fixture
def stripe() -> RecordedStripe:
    return RecordedStripe("booking_flow_deposit_and_refund")


@pytest.fixture
async def container(settings, clock, seeded_template, tmp_path, stripe):
    """The shared fixtures' container, with the Stripe adapter in place of the local vault."""
    shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
    gateway = StripeGateway(SECRET_KEY, transport=stripe.transport)
    container = build_container(settings, clock=clock, gateway=gateway)
    yield container
    await gateway.aclose()
    await container.db.dispose()


async def test_deposit_is_charged_and_refunded_through_stripe(client, container, stripe):
    await require_deposit(client)

    created = await book(client, role="staff", payment=CARD)

    assert created.status_code == 201, created.text
    booking = created.json()["booking"]
    assert booking["confirmation_number"] == "ROOMI-20260112-001" and booking["payment_status"] == "partial"
    assert booking["payment_method"] == {"type": "credit_card", "card_type": "visa", "card_last_four": "4242", "expiry": "12/27"}
    cancel = await client.request("DELETE", f"/v1/bookings/{booking['confirmation_number']}",
                                  params={"guest_last_name": "Smith"}, headers=headers("staff"))
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["refund"]["amount"] == cancel.json()["paid"] == 276.25
    assert stripe.finished  # PaymentMethod, PaymentIntent and Refund, each exactly as recorded
    async with container.db.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT payment_type, amount_cents, status, processor, transaction_id FROM payments ORDER BY payment_id"))).all()
        stored = " ".join(str(row) for row in (await conn.execute(text("SELECT * FROM payments"))).all())
        stored += " ".join(str(row) for row in (await conn.execute(text("SELECT * FROM bookings"))).all())
    assert [tuple(row) for row in rows] == [
        ("deposit", 27625, "completed", "stripe", "pi_3QfJ1cLgUG5tbmjc0Vw5Xn8q"),
        ("refund", 27625, "completed", "stripe", "re_3QfJ1cLgUG5tbmjc0Jy8Ls4k"),
    ]
    assert "4242424242424242" not in stored
