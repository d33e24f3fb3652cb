import asyncio
import datetime as dt
import sqlite3
import stat

import pytest
from cryptography.fernet import Fernet

from roomiai.domain.cards import CardDetails, parse_card
from roomiai.domain.errors import Conflict, InvalidRequest, NotFound, PaymentDeclined
from roomiai.payments.local_vault import LocalVault, VaultKeyError, load_or_create_key
from roomiai.payments.port import PaymentGateway

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 1, 20)
AMEX, AMEX_CVV = "378282246310005", "8642"
VISA = "4111111111111111"
DECLINE = "4000000000000002"
NAME = "Quentin Zebulon-Farthingale"


def card(number=VISA, cvv="123", name=NAME) -> CardDetails:
    return parse_card(number=number, expiry="08/29", cvv=cvv, name_on_card=name, today=TODAY)


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "vault" / "cards.sqlite3"


@pytest.fixture
def vault(path, key):
    vault = LocalVault(path, key=key)
    yield vault
    vault.close()


async def charge(vault, token, amount_cents=12_500, key="booking-1", currency="USD"):
    return await vault.charge(
        token=token, amount_cents=amount_cents, currency=currency, description="Deposit", idempotency_key=key
    )


def count(path, table) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_local_vault_is_a_payment_gateway(vault):
    assert isinstance(vault, PaymentGateway)
    assert vault.name == "local_vault"


async def test_tokenize_charge_refund(vault):
    token = await vault.tokenize(card(AMEX, AMEX_CVV))
    assert token.token.startswith("tok_") and AMEX not in token.token
    assert (token.brand, token.last_four, token.exp_month, token.exp_year) == ("amex", "0005", 8, 2029)

    result = await charge(vault, token.token)
    assert result.transaction_id.startswith("txn_")
    assert (result.status, result.processor) == ("completed", "local_vault")
    assert result.response["card"] == {"brand": "amex", "last_four": "0005"}
    assert result.response["amount_cents"] == 12_500 and result.response["currency"] == "USD"
    assert AMEX not in repr(result)
    # the CVV is four digits, so look for it only where card data could sit, not in ids or timestamps
    assert not any("cvv" in key.lower() or value == AMEX_CVV for key, value in result.response.items())

    first = await vault.refund(
        transaction_id=result.transaction_id, amount_cents=2_500, currency="usd", reason="Late checkout waived"
    )
    assert first.status == "completed" and first.transaction_id.startswith("rfd_")
    assert first.response["refundable_cents"] == 10_000
    rest = await vault.refund(
        transaction_id=result.transaction_id, amount_cents=10_000, currency="USD", reason="Cancelled"
    )
    assert rest.response["refunded_cents"] == 12_500 and rest.response["refundable_cents"] == 0


async def test_a_token_gives_back_brand_last_four_and_expiry_but_never_the_number(vault):
    token = await vault.tokenize(card())
    found = await vault.card(token.token)
    assert (found.brand, found.last_four, found.exp_month, found.exp_year) == (token.brand, VISA[-4:], 8, 2029)
    assert VISA not in repr(found)
    with pytest.raises(InvalidRequest):
        await vault.card("tok_unknown")


async def test_same_card_twice_gives_distinct_tokens(vault):
    first, second = await vault.tokenize(card()), await vault.tokenize(card())
    assert first.token != second.token


async def test_charge_is_idempotent(vault, path):
    token = (await vault.tokenize(card())).token
    first = await charge(vault, token, key="booking-7-deposit")
    again = await charge(vault, token, key="booking-7-deposit")
    assert again == first
    together = await asyncio.gather(*(charge(vault, token, key="booking-8-deposit") for _ in range(5)))
    assert len({result.transaction_id for result in together}) == 1
    assert count(path, "charges") == 2

    await vault.refund(transaction_id=first.transaction_id, amount_cents=12_500, currency="USD", reason="Cancelled")
    with pytest.raises(InvalidRequest):
        await vault.refund(transaction_id=first.transaction_id, amount_cents=1, currency="USD", reason="Cancelled")


async def test_idempotency_key_reused_for_another_charge_is_a_conflict(vault):
    token = (await vault.tokenize(card())).token
    await charge(vault, token, key="booking-9")
    with pytest.raises(Conflict) as caught:
        await charge(vault, token, amount_cents=1, key="booking-9")
    assert caught.value.field == "idempotency_key"


async def test_decline_test_card_fails_and_cannot_be_refunded(vault):
    token = await vault.tokenize(card(DECLINE))
    result = await charge(vault, token.token, key="declined-1")
    assert result.status == "failed"
    assert result.response["decline_code"] == "generic_decline"
    assert result.response["message"] == "The card was declined."
    assert DECLINE not in repr(result)
    assert await charge(vault, token.token, key="declined-1") == result
    with pytest.raises(InvalidRequest, match="failed cannot be refunded"):
        await vault.refund(transaction_id=result.transaction_id, amount_cents=100, currency="USD", reason="x")


async def test_unknown_token_is_declined(vault):
    with pytest.raises(PaymentDeclined) as caught:
        await charge(vault, "tok_does_not_exist")
    assert caught.value.detail == "The card on file could not be charged."


async def test_refund_over_the_charged_amount_is_refused(vault):
    token = (await vault.tokenize(card())).token
    result = await charge(vault, token, amount_cents=10_000)
    with pytest.raises(InvalidRequest) as caught:
        await vault.refund(
            transaction_id=result.transaction_id, amount_cents=10_001, currency="USD", reason="Too much"
        )
    assert caught.value.field == "amount_cents"
    await vault.refund(transaction_id=result.transaction_id, amount_cents=5_000, currency="USD", reason="Half")
    with pytest.raises(InvalidRequest) as caught:
        await vault.refund(
            transaction_id=result.transaction_id, amount_cents=5_001, currency="USD", reason="Too much"
        )
    assert caught.value.detail == "Only 50.00 USD of this charge can still be refunded."


async def test_refund_checks_transaction_and_currency(vault):
    token = (await vault.tokenize(card())).token
    result = await charge(vault, token)
    with pytest.raises(NotFound):
        await vault.refund(transaction_id="txn_unknown", amount_cents=100, currency="USD", reason="x")
    with pytest.raises(InvalidRequest) as caught:
        await vault.refund(transaction_id=result.transaction_id, amount_cents=100, currency="EUR", reason="x")
    assert caught.value.field == "currency"


@pytest.mark.parametrize(
    ("amount_cents", "currency", "field"),
    [
        (0, "USD", "amount_cents"),
        (-5, "USD", "amount_cents"),
        (12.5, "USD", "amount_cents"),
        (True, "USD", "amount_cents"),
        (100, "US", "currency"),
        (100, "US$", "currency"),
    ],
)
async def test_charge_arguments_are_checked(vault, amount_cents, currency, field):
    token = (await vault.tokenize(card())).token
    with pytest.raises(InvalidRequest) as caught:
        await charge(vault, token, amount_cents=amount_cents, currency=currency)
    assert caught.value.field == field


async def test_tokenize_rechecks_the_card(vault):
    with pytest.raises(InvalidRequest):
        bad = CardDetails(number="4111111111111112", exp_month=1, exp_year=2030, cvv=None, name_on_card=None)
        await vault.tokenize(bad)


async def test_vault_file_holds_no_card_number_cvv_or_name(vault, path):
    token = (await vault.tokenize(card(AMEX, AMEX_CVV))).token
    await vault.tokenize(card(VISA, "123"))
    description = f"Deposit, guest read out {VISA}"
    await vault.charge(token=token, amount_cents=100, currency="USD", description=description, idempotency_key="k")
    secrets = [AMEX.encode(), AMEX_CVV.encode(), VISA.encode(), NAME.encode()]
    assert not [s for s in secrets if s in path.read_bytes()]
    vault.close()
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir())
    assert not [s for s in secrets if s in raw]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_second_vault_on_same_file_and_key_charges_a_token_from_the_first(vault, path, key):
    token = (await vault.tokenize(card())).token
    vault.close()
    other = LocalVault(path, key=key.decode())
    try:
        result = await charge(other, token)
        assert result.status == "completed"
        assert (await charge(vault, token)) == result
    finally:
        other.close()


async def test_wrong_key_cannot_open_the_vault(vault, path):
    token = (await vault.tokenize(card())).token
    intruder = LocalVault(path, key=Fernet.generate_key())
    for attempt in (charge(intruder, token), intruder.tokenize(card())):
        with pytest.raises(VaultKeyError, match="encrypted with a different key"):
            await attempt
    intruder.close()
    assert (await charge(vault, token)).status == "completed"


def test_malformed_key_is_refused(path):
    with pytest.raises(VaultKeyError, match="not a valid Fernet key") as caught:
        LocalVault(path, key="changeme")
    assert "changeme" not in str(caught.value)
    assert not path.exists()


def test_repr_does_not_show_the_key(vault, key):
    assert key.decode() not in repr(vault)


def test_load_or_create_key(tmp_path):
    path = tmp_path / "keys" / "vault.key"
    key = load_or_create_key(path)
    Fernet(key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.write_text("not a key\n")
    with pytest.raises(VaultKeyError, match="not a valid Fernet key"):
        load_or_create_key(path)


async def test_timestamps_come_from_the_given_clock(path, key):
    instant = dt.datetime(2026, 1, 20, 15, 30, tzinfo=dt.timezone.utc)
    vault = LocalVault(path, key=key, now=lambda: instant)
    try:
        result = await charge(vault, (await vault.tokenize(card())).token)
        assert result.response["created_at"] == instant.isoformat()
    finally:
        vault.close()
