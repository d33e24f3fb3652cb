"""Stripe adapter of the payment gateway port: PaymentMethods, PaymentIntents and Refunds over Stripe's REST API."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal
from urllib.parse import quote

import httpx

from roomiai.domain.cards import (
    BRAND_NAMES,
    CardDetails,
    check_card,
    redact_card_numbers,
)
from roomiai.domain.errors import (
    Conflict,
    DomainError,
    InvalidRequest,
    NotFound,
    PaymentDeclined,
)
from roomiai.payments.port import (
    CardToken,
    GatewayResult,
    check_amount,
    check_currency,
    check_idempotency_key,
)

log = logging.getLogger("roomiai.payments.stripe")

API_BASE = "https://api.stripe.com"
API_VERSION = "2024-06-20"  # pinned so response shapes cannot change under us; upgrade deliberately
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_RETRIES = 2
RETRY_DELAYS = (0.5, 2.0)
RETRYABLE_STATUSES = {409, 429, 500, 502, 503, 504}
KEY_PREFIXES = ("sk_live_", "sk_test_", "rk_live_", "rk_test_")
CARD_FIELDS = {  # Stripe's card error code -> the field of our booking request to fix
    "incorrect_number": "card_number",
    "invalid_number": "card_number",
    "invalid_expiry_month": "expiry",
    "invalid_expiry_year": "expiry",
    "expired_card": "expiry",
    "incorrect_cvc": "cvv",
    "invalid_cvc": "cvv",
}


class PaymentsUnavailable(DomainError):
    """The processor could not be reached or refused our credentials; nothing a guest can fix."""

    status = 503
    title = "Payments unavailable"


class StripeGateway:
    """Tokenises cards into PaymentMethods, charges with confirmed PaymentIntents, refunds with Refunds."""

    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        base_url: str = API_BASE,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        if not secret_key.startswith(KEY_PREFIXES):
            raise ValueError("The Stripe secret key must be a secret (sk_) or restricted (rk_) API key.")
        self._secret_key = secret_key
        self._base_url = base_url
        self._timeout = timeout
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"StripeGateway(base_url={self._base_url!r})"

    async def tokenize(self, card: CardDetails) -> CardToken:
        """Create a card PaymentMethod; only its id, brand, last four and expiry come back."""
        check_card(card)
        form = {
            "type": "card",
            "card[number]": card.number,
            "card[exp_month]": str(card.exp_month),
            "card[exp_year]": str(card.exp_year),
        }
        if card.cvv:
            form["card[cvc]"] = card.cvv
        if card.name_on_card:
            form["billing_details[name]"] = card.name_on_card
        status, body, _ = await self._post("/v1/payment_methods", form, idempotency_key=str(uuid.uuid4()))
        if status >= 400:
            error = _error(body)
            if error.get("type") == "card_error":
                code = error.get("code") or ""
                raise InvalidRequest(
                    _message(error, "The card was refused."), field=CARD_FIELDS.get(code, "card_number")
                )
            raise self._failure(status, error, "tokenise the card")
        details = body.get("card") or {}
        brand = str(details["brand"]) if details.get("brand") in BRAND_NAMES else card.brand
        return CardToken(
            token=body["id"],
            brand=brand,
            last_four=str(details.get("last4") or card.last_four),
            exp_month=int(details.get("exp_month") or card.exp_month),
            exp_year=int(details.get("exp_year") or card.exp_year),
        )

    async def card(self, token: str) -> CardToken:
        """The PaymentMethod behind a token: brand, last four and expiry, never the number."""
        status, body = await self._get(f"/v1/payment_methods/{quote(token, safe='')}")
        error = _error(body) if status >= 400 else {}
        if status == 404 or error.get("code") == "resource_missing":
            raise InvalidRequest("That card is not on file; please give the card again.", field="payment_token")
        if status >= 400:
            raise self._failure(status, error, "look up the card")
        details = body.get("card") or {}
        brand = str(details["brand"]) if details.get("brand") in BRAND_NAMES else "unknown"
        return CardToken(
            token=body["id"],
            brand=brand,
            last_four=str(details.get("last4", "")),
            exp_month=int(details.get("exp_month") or 0),
            exp_year=int(details.get("exp_year") or 0),
        )

    async def forget(self, token: str) -> None:
        """Detach the PaymentMethod: Stripe then refuses every later payment with it. One already gone is no error."""
        path = f"/v1/payment_methods/{quote(token, safe='')}/detach"
        status, body, _ = await self._post(path, {}, idempotency_key=f"detach:{token}")
        if status < 400:
            return
        error = _error(body)
        if status == 404 or error.get("code") == "resource_missing":
            return
        if error.get("type") == "invalid_request_error" and status == 400:
            log.info("stripe had nothing to detach", extra={"code": error.get("code")})  # never attached to a customer
            return
        raise self._failure(status, error, "delete the card")

    async def charge(
        self, *, token: str, amount_cents: int, currency: str, description: str, idempotency_key: str
    ) -> GatewayResult:
        """Create and confirm a PaymentIntent once per idempotency key; a decline is a 'failed' result."""
        check_amount(amount_cents)
        currency = check_currency(currency)
        check_idempotency_key(idempotency_key)
        form = {
            "amount": str(amount_cents),
            "currency": currency.lower(),
            "payment_method": token,
            "payment_method_types[]": "card",
            "confirm": "true",
            "description": redact_card_numbers(description or "")[:500],
        }
        status, body, request_id = await self._post("/v1/payment_intents", form, idempotency_key=idempotency_key)
        if status < 400:
            return _intent_result(body)
        error = _error(body)
        if error.get("type") == "card_error":
            intent = error.get("payment_intent") or {}
            transaction_id = intent.get("id") or error.get("charge") or request_id or idempotency_key
            return _failed(transaction_id, "payment_intent", error, amount_cents, currency)
        if error.get("code") == "resource_missing" and error.get("param") == "payment_method":
            raise PaymentDeclined("The card on file could not be charged.", field="token")
        raise self._failure(status, error, "charge the card")

    async def refund(self, *, transaction_id: str, amount_cents: int, currency: str, reason: str) -> GatewayResult:
        """Refund part or all of a PaymentIntent; retrying the same refund never refunds twice."""
        check_amount(amount_cents)
        currency = check_currency(currency)
        reason = redact_card_numbers(reason or "")[:500]
        form = {
            "payment_intent": transaction_id,
            "amount": str(amount_cents),
            "reason": "requested_by_customer",
            "metadata[roomiai_reason]": reason,
        }
        # the port has no key for refunds, so one is derived from what identifies this refund
        fingerprint = hashlib.sha256(f"{transaction_id}|{amount_cents}|{currency}|{reason}".encode()).hexdigest()[:32]
        key = f"refund:{fingerprint}"
        status, body, request_id = await self._post("/v1/refunds", form, idempotency_key=key)
        if status < 400:
            refund_status = body.get("status")
            outcome: Literal["completed", "failed"] = (
                "completed" if refund_status in ("succeeded", "pending") else "failed"
            )
            response = _summary(body, amount_cents=body.get("amount", amount_cents), currency=currency)
            response["payment_intent"] = body.get("payment_intent") or transaction_id
            return GatewayResult(transaction_id=body["id"], status=outcome, processor=self.name, response=response)
        error = _error(body)
        if error.get("code") == "resource_missing":
            raise NotFound("There is no charge with this transaction id.", field="transaction_id")
        if error.get("type") == "card_error":
            return _failed(request_id or key, "refund", error, amount_cents, currency)
        raise self._failure(status, error, "refund the charge")

    async def aclose(self) -> None:
        """Close the HTTP connection pool; a later call opens a new one."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _get(self, path: str) -> tuple[int, dict[str, Any]]:
        """GET with one retry on a network error (a read is safe to repeat)."""
        for attempt in range(2):
            try:
                response = await self._http().get(path)
            except httpx.TransportError as exc:
                log.warning(
                    "stripe request failed", extra={"path": path, "attempt": attempt + 1, "error": type(exc).__name__}
                )
                if attempt:
                    raise PaymentsUnavailable(
                        "The payment processor did not answer in time; please try again."
                    ) from None
                await self._sleep(RETRY_DELAYS[0])
                continue
            log.info(
                "stripe request",
                extra={
                    "path": path,
                    "status": response.status_code,
                    "request_id": response.headers.get("Request-Id", ""),
                },
            )
            try:
                body = response.json()
            except ValueError:
                body = {}
            return response.status_code, body if isinstance(body, dict) else {}
        raise AssertionError("unreachable")

    async def _post(self, path: str, form: dict[str, str], *, idempotency_key: str) -> tuple[int, dict[str, Any], str]:
        """POST a form with retries on network errors, 409, 429 and 5xx, always with the same idempotency key."""
        headers = {"Idempotency-Key": idempotency_key}
        for attempt in range(MAX_RETRIES + 1):
            last_attempt = attempt == MAX_RETRIES
            try:
                response = await self._http().post(path, data=form, headers=headers)
            except httpx.TransportError as exc:
                log.warning(
                    "stripe request failed", extra={"path": path, "attempt": attempt + 1, "error": type(exc).__name__}
                )
                if last_attempt:
                    raise PaymentsUnavailable(
                        "The payment processor did not answer in time; please try again in a moment."
                    ) from None
                await self._sleep(RETRY_DELAYS[attempt])
                continue
            request_id = response.headers.get("Request-Id", "")
            log.info(
                "stripe request",
                extra={
                    "path": path,
                    "status": response.status_code,
                    "request_id": request_id,
                    "attempt": attempt + 1,
                    "idempotent_replayed": response.headers.get("Idempotent-Replayed") == "true",
                },
            )
            should_retry = response.headers.get("Stripe-Should-Retry")
            retry = should_retry == "true" or (should_retry is None and response.status_code in RETRYABLE_STATUSES)
            if retry and not last_attempt:
                await self._sleep(RETRY_DELAYS[attempt])
                continue
            try:
                body = response.json()
            except ValueError:
                body = {}
            return response.status_code, body if isinstance(body, dict) else {}, request_id
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self._base_url,
                timeout=self._timeout,
                transport=self._transport,
                headers={"Authorization": f"Bearer {self._secret_key}", "Stripe-Version": API_VERSION},
            )
        return self._client

    def _failure(self, status: int, error: dict[str, Any], action: str) -> DomainError:
        """The port's exception for an error response that is not a card decline."""
        kind, code = error.get("type"), error.get("code")
        log.error("stripe refused a request", extra={"status": status, "type": kind, "code": code, "action": action})
        if kind == "idempotency_error":
            return Conflict("This idempotency key was already used for a different charge.", field="idempotency_key")
        if status in (401, 403) or kind == "authentication_error":
            return PaymentsUnavailable(
                f"Card payments are unavailable: the payment processor refused this hotel's credentials, so we could "
                f"not {action}. Please tell the front desk."
            )
        if status in RETRYABLE_STATUSES or kind == "api_error":
            return PaymentsUnavailable(
                f"The payment processor could not {action} right now; please try again in a moment."
            )
        return InvalidRequest(_message(error, f"The payment processor could not {action}."), field=error.get("param"))


def _intent_result(intent: dict[str, Any]) -> GatewayResult:
    """A confirmed PaymentIntent as a result: only 'succeeded' moved money."""
    status = intent.get("status")
    response = _summary(intent, amount_cents=intent.get("amount"), currency=intent.get("currency", ""))
    response["latest_charge"] = intent.get("latest_charge")
    if status == "succeeded":
        return GatewayResult(
            transaction_id=intent["id"], status="completed", processor=StripeGateway.name, response=response
        )
    if status == "requires_action":
        response["message"] = (
            "The card needs the cardholder to authenticate the payment online, which a phone booking cannot do."
        )
    else:
        error = intent.get("last_payment_error") or {}
        response["decline_code"] = error.get("decline_code") or error.get("code")
        response["message"] = _message(error, "The card was declined.")
    return GatewayResult(transaction_id=intent["id"], status="failed", processor=StripeGateway.name, response=response)


def _failed(transaction_id: str, kind: str, error: dict[str, Any], amount_cents: int, currency: str) -> GatewayResult:
    response = {
        "id": transaction_id,
        "object": kind,
        "status": "failed",
        "amount_cents": amount_cents,
        "currency": currency.upper(),
        "decline_code": error.get("decline_code") or error.get("code"),
        "message": _message(error, "The card was declined."),
    }
    return GatewayResult(
        transaction_id=transaction_id, status="failed", processor=StripeGateway.name, response=response
    )


def _summary(obj: dict[str, Any], *, amount_cents: Any, currency: str) -> dict[str, Any]:
    """The few fields we keep of a Stripe object; never card details."""
    return {
        "id": obj.get("id"),
        "object": obj.get("object"),
        "status": obj.get("status"),
        "amount_cents": amount_cents,
        "currency": str(currency).upper(),
        "created": obj.get("created"),
        "livemode": obj.get("livemode"),
    }


def _error(body: dict[str, Any]) -> dict[str, Any]:
    error = body.get("error")
    return error if isinstance(error, dict) else {}


def _message(error: dict[str, Any], fallback: str) -> str:
    """Stripe's own sentence (written to be shown to customers), never with a card number in it."""
    return redact_card_numbers(str(error.get("message") or fallback))
