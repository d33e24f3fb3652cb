"""Deleting a card from each gateway: the local vault drops it (charges stay on record), Stripe detaches the
PaymentMethod (recorded exchanges); both take a card that is already gone (issue 9, finding 3)."""

from __future__ import annotations

import sqlite3

import pytest

from roomiai.domain.errors import PaymentDeclined
from roomiai.payments.local_vault import LocalVault
from roomiai.payments.stripe_gateway import PaymentsUnavailable, StripeGateway
from tests.stripe_replay import SECRET_KEY, RecordedStripe
from tests.unit.test_local_vault import DECLINE, card, charge

pytestmark = pytest.mark.unit

PM = "pm_1QfGx2LgUG5tbmjcN4tY8sKd"
OLD_CHARGES = """CREATE TABLE charges (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL REFERENCES cards(token),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
)"""


def rows(path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def vault(tmp_path):
    vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
    yield vault
    vault.close()


async def test_a_forgotten_card_is_gone_but_its_charges_and_refunds_stay(vault):
    token = (await vault.tokenize(card())).token
    paid = await charge(vault, token)
    declined = (await vault.tokenize(card(DECLINE))).token
    assert (await charge(vault, declined, key="booking-2")).status == "failed"

    await vault.forget(token)
    await vault.forget(declined)
    await vault.forget(declined)  # already gone: no error

    assert rows(vault.path, "cards") == 0 and rows(vault.path, "charges") == 2
    assert (await vault.refund(transaction_id=paid.transaction_id, amount_cents=500, currency="USD",
                               reason="late")).status == "completed"
    with pytest.raises(PaymentDeclined):
        await charge(vault, token, key="booking-3")


async def test_a_vault_made_before_cards_could_be_deleted_is_upgraded_in_place(tmp_path):
    path = tmp_path / "vault.sqlite3"
    vault = LocalVault(path, key=b"0" * 43 + b"=")
    token = (await vault.tokenize(card())).token
    paid = await charge(vault, token)
    vault.close()
    with sqlite3.connect(path) as conn:  # the charges table as the first vaults made it
        conn.executescript(f"PRAGMA foreign_keys = OFF; DROP TABLE charges; {OLD_CHARGES};")
        conn.execute("INSERT INTO charges VALUES ('txn_old', ?, 100, 'USD', 'x', 'k-old', 'completed', '{}', 'then')",
                     (token,))

    reopened = LocalVault(path, key=b"0" * 43 + b"=")
    await reopened.forget(token)
    reopened.close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id FROM charges").fetchall() == [("txn_old",)]
        assert not conn.execute("PRAGMA foreign_key_list(charges)").fetchall()
    assert rows(path, "cards") == 0 and paid.status == "completed"


async def test_stripe_detaches_the_payment_method_and_takes_one_already_gone():
    stripe = RecordedStripe("detach_payment_method", "detach_payment_method_missing")
    gateway = StripeGateway(SECRET_KEY, transport=stripe.transport)

    await gateway.forget(PM)
    await gateway.forget("pm_unknown")

    assert stripe.finished  # POST /v1/payment_methods/{id}/detach, keyed detach:{id}, exactly as recorded
    await gateway.aclose()


async def test_stripe_refusing_our_credentials_on_detach_is_reported():
    stripe = RecordedStripe("charge_invalid_api_key")
    stripe.exchanges[0]["request"].update(path=f"/v1/payment_methods/{PM}/detach", idempotency_key=f"detach:{PM}", form={})
    gateway = StripeGateway(SECRET_KEY, transport=stripe.transport)

    with pytest.raises(PaymentsUnavailable):
        await gateway.forget(PM)
    await gateway.aclose()
