"""The Stripe adapter against recorded Stripe exchanges (tests/fixtures/stripe_recorded), replayed offline."""

import datetime as dt
import json
import logging

import httpx
import pytest

from roomiai.bootstrap import build_container
from roomiai.config import Settings
from roomiai.domain.cards import parse_card
from roomiai.domain.errors import Conflict, InvalidRequest, NotFound, PaymentDeclined
from roomiai.payments.local_vault import LocalVault
from roomiai.payments.port import PaymentGateway
from roomiai.payments.stripe_gateway import API_VERSION, PaymentsUnavailable, StripeGateway
from tests.stripe_replay import RECORDED, SECRET_KEY, RecordedStripe

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 1, 12)
PM = "pm_1QfGx2LgUG5tbmjcN4tY8sKd"
PI = "pi_3QfGx4LgUG5tbmjc1aB2cD3e"
DEPOSIT = {"amount_cents": 23450, "currency": "USD", "description": "Deposit ROOMI-20260112-001",
           "idempotency_key": "deposit:ROOMI-20260112-001"}


def card(number="4242424242424242", *, expiry="12/27", cvv="123", name="John Smith"):
    return parse_card(number=number, expiry=expiry, cvv=cvv, name_on_card=name, today=TODAY)


def gateway_for(*fixtures: str) -> tuple[StripeGateway, RecordedStripe]:
    stripe = RecordedStripe(*fixtures)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    gateway = StripeGateway(SECRET_KEY, transport=stripe.transport, sleep=no_wait)
    gateway.waits = waits
    return gateway, stripe


def test_the_recorded_fixtures_use_the_pinned_api_version():
    versions = {exchange["request"]["stripe_version"]
                for path in RECORDED.glob("*.json") for exchange in json.loads(path.read_text())["exchanges"]}
    assert versions == {API_VERSION}


async def test_tokenize_creates_a_payment_method_and_keeps_only_token_brand_last_four():
    gateway, stripe = gateway_for("tokenize_visa")
    assert isinstance(gateway, PaymentGateway)

    token = await gateway.tokenize(card())

    assert (token.token, token.brand, token.last_four, token.exp_month, token.exp_year) == (PM, "visa", "4242", 12, 2027)
    assert stripe.finished
    assert "4242424242424242" not in repr(token)


async def test_a_token_is_looked_up_for_its_brand_last_four_and_expiry():
    gateway, stripe = gateway_for("retrieve_payment_method", "retrieve_payment_method_missing")

    found = await gateway.card(PM)
    assert (found.token, found.brand, found.last_four, found.exp_month, found.exp_year) == (PM, "visa", "4242", 12, 2027)
    with pytest.raises(InvalidRequest) as unknown:
        await gateway.card("pm_unknown")
    assert unknown.value.field == "payment_token" and stripe.finished


async def test_a_card_stripe_refuses_at_tokenisation_is_a_request_to_fix_with_stripes_sentence():
    gateway, stripe = gateway_for("tokenize_test_mode_live_card")

    with pytest.raises(InvalidRequest) as refused:
        await gateway.tokenize(card("5105105105105100", expiry="08/28", cvv="321", name=None))

    assert refused.value.field == "card_number"
    assert refused.value.detail.startswith("Your card was declined. Your request was in test mode")
    assert "5105105105105100" not in refused.value.detail and stripe.finished


async def test_charge_confirms_a_payment_intent_with_the_callers_idempotency_key():
    gateway, stripe = gateway_for("charge_succeeded")

    result = await gateway.charge(token=PM, **DEPOSIT)

    assert (result.transaction_id, result.status, result.processor) == (PI, "completed", "stripe")
    assert result.response["amount_cents"] == 23450 and result.response["currency"] == "USD"
    assert result.response["latest_charge"] == "ch_3QfGx4LgUG5tbmjc1xY7zW6v"
    assert stripe.finished


async def test_a_card_declined_error_is_a_failed_result_with_a_readable_message():
    gateway, stripe = gateway_for("charge_card_declined")
    token = await gateway.tokenize(card("4000000000000002"))

    result = await gateway.charge(token=token.token, **DEPOSIT)

    assert (result.transaction_id, result.status) == ("pi_3QfH0cLgUG5tbmjc0Hn4Pq8s", "failed")
    assert result.response["decline_code"] == "generic_decline"
    assert result.response["message"] == "Your card was declined."
    assert "payment_method" not in result.response and "last_payment_error" not in result.response
    assert stripe.finished


async def test_a_lost_response_is_retried_with_the_same_key_and_stripe_replays_the_first_result():
    gateway, stripe = gateway_for("charge_idempotent_retry")

    result = await gateway.charge(token=PM, **DEPOSIT)

    assert (result.transaction_id, result.status) == (PI, "completed")
    keys = [request.headers["Idempotency-Key"] for request in stripe.sent]
    assert keys == [DEPOSIT["idempotency_key"]] * 2
    assert stripe.sent[0].content == stripe.sent[1].content
    assert gateway.waits == [0.5]


async def test_rate_limiting_is_retried_then_reported_as_payments_unavailable():
    gateway, stripe = gateway_for("charge_rate_limited")

    with pytest.raises(PaymentsUnavailable) as unavailable:
        await gateway.charge(token=PM, **DEPOSIT)

    assert unavailable.value.status == 503 and "try again" in unavailable.value.detail
    assert stripe.finished and gateway.waits == [0.5, 2.0]


async def test_a_card_that_needs_online_authentication_is_failed_not_left_pending():
    gateway, stripe = gateway_for("charge_requires_action")

    result = await gateway.charge(token="pm_1QfH3dLgUG5tbmjcAu8e3DsJ", **DEPOSIT)

    assert (result.transaction_id, result.status) == ("pi_3QfH3fLgUG5tbmjc1Rt6Vy2n", "failed")
    assert "authenticate" in result.response["message"] and stripe.finished


async def test_an_unknown_payment_method_is_payment_declined_as_the_port_says():
    gateway, stripe = gateway_for("charge_unknown_payment_method")

    with pytest.raises(PaymentDeclined, match="could not be charged"):
        await gateway.charge(token="pm_1QfGzzLgUG5tbmjcGone0000", **DEPOSIT)
    assert stripe.finished


async def test_an_idempotency_key_reused_for_another_charge_is_a_conflict():
    gateway, stripe = gateway_for("charge_idempotency_key_reused")

    with pytest.raises(Conflict) as conflict:
        await gateway.charge(token=PM, **{**DEPOSIT, "amount_cents": 9900})

    assert conflict.value.field == "idempotency_key" and stripe.finished


async def test_refused_credentials_are_payments_unavailable_without_the_key(caplog):
    gateway, stripe = gateway_for("charge_invalid_api_key")

    with pytest.raises(PaymentsUnavailable) as unavailable:
        await gateway.charge(token=PM, **DEPOSIT)

    assert "credentials" in unavailable.value.detail and SECRET_KEY not in unavailable.value.detail
    assert SECRET_KEY not in caplog.text and stripe.finished


async def test_refund_refunds_the_payment_intent_with_a_stable_idempotency_key():
    gateway, stripe = gateway_for("refund_succeeded", "refund_succeeded")

    first = await gateway.refund(transaction_id=PI, amount_cents=23450, currency="usd", reason="cancellation")
    again = await gateway.refund(transaction_id=PI, amount_cents=23450, currency="USD", reason="cancellation")

    assert (first.transaction_id, first.status) == ("re_3QfGx4LgUG5tbmjc1Ku5Mz0p", "completed")
    assert first.response["payment_intent"] == PI
    assert again == first
    assert stripe.sent[0].headers["Idempotency-Key"] == stripe.sent[1].headers["Idempotency-Key"]


async def test_refunding_an_unknown_payment_intent_is_not_found():
    gateway, stripe = gateway_for("refund_unknown_payment_intent")

    with pytest.raises(NotFound):
        await gateway.refund(transaction_id="pi_3QfGzzLgUG5tbmjcGone0000", amount_cents=500, currency="USD", reason="goodwill")
    assert stripe.finished


async def test_arguments_are_checked_before_anything_is_sent():
    gateway, stripe = gateway_for()

    with pytest.raises(InvalidRequest):
        await gateway.charge(token=PM, **{**DEPOSIT, "amount_cents": 0})
    with pytest.raises(InvalidRequest):
        await gateway.charge(token=PM, **{**DEPOSIT, "currency": "dollars"})
    with pytest.raises(InvalidRequest):
        await gateway.charge(token=PM, **{**DEPOSIT, "idempotency_key": ""})
    assert stripe.sent == []


async def test_the_card_number_and_cvv_never_reach_the_logs(caplog):
    caplog.set_level(logging.DEBUG)
    gateway, _ = gateway_for("tokenize_visa", "charge_succeeded")

    token = await gateway.tokenize(card())
    await gateway.charge(token=token.token, **DEPOSIT)

    assert "stripe request" in caplog.text
    for record in caplog.records:
        logged = f"{record.getMessage()} {vars(record)}"
        assert "4242424242424242" not in logged and "card[cvc]" not in logged and SECRET_KEY not in logged


async def test_a_timeout_on_every_attempt_is_payments_unavailable():
    def never_answers(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no route to Stripe", request=request)

    gateway = StripeGateway(SECRET_KEY, transport=httpx.MockTransport(never_answers), sleep=_no_wait)

    with pytest.raises(PaymentsUnavailable, match="did not answer"):
        await gateway.tokenize(card())


async def _no_wait(seconds: float) -> None:
    return None


def test_the_secret_key_is_neither_in_the_repr_nor_in_the_settings_repr():
    gateway = StripeGateway(SECRET_KEY)
    settings = Settings(payment_gateway="stripe", stripe_secret_key=SECRET_KEY, _env_file=None)

    assert SECRET_KEY not in repr(gateway) and SECRET_KEY not in repr(settings)


def test_only_secret_or_restricted_keys_are_accepted():
    with pytest.raises(ValueError, match="secret"):
        StripeGateway("pk_test_a_publishable_key")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_stripe_without_a_key_is_a_clear_startup_error(env, tmp_path):
    with pytest.raises(ValueError, match="ROOMIAI_STRIPE_SECRET_KEY must be set"):
        Settings(env=env, data_dir=tmp_path, jwt_secret="j" * 40, vault_key="v" * 44, payment_gateway="stripe", _env_file=None)


def test_build_container_picks_the_gateway_and_builds_stripe_only_when_chosen(tmp_path, monkeypatch):
    common = {"data_dir": tmp_path, "jwt_secret": "j" * 40, "_env_file": None}

    stripe_container = build_container(Settings(payment_gateway="stripe", stripe_secret_key=SECRET_KEY, **common))
    assert isinstance(stripe_container.gateway, StripeGateway)

    def refuse(*args, **kwargs):
        raise AssertionError("the Stripe client was constructed in local mode")

    monkeypatch.setattr(StripeGateway, "__init__", refuse)
    local_container = build_container(Settings(**common))
    assert isinstance(local_container.gateway, LocalVault)
