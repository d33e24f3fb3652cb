"""The payment gateway port: card data goes in once, only tokens, brand and last four come out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from roomiai.domain.cards import CardDetails
from roomiai.domain.errors import InvalidRequest

_CURRENCY = re.compile(r"[A-Za-z]{3}")


@dataclass(frozen=True)
class CardToken:
    """A card the gateway holds, known to the application only by token, brand and last four."""

    token: str
    brand: str
    last_four: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class GatewayResult:
    """What the processor answered; `response` holds no card data."""

    transaction_id: str
    status: Literal["completed", "failed"]
    processor: str
    response: dict[str, Any]


@runtime_checkable
class PaymentGateway(Protocol):
    """Tokenises cards and moves money; a decline is a result with status 'failed'.

    Raises PaymentDeclined when nothing could be attempted (unknown token), InvalidRequest for
    arguments a caller can fix, Conflict when an idempotency key is reused for another charge.
    """

    name: str

    async def tokenize(self, card: CardDetails) -> CardToken: ...

    async def card(self, token: str) -> CardToken:
        """The card behind a token made earlier (brand, last four, expiry); InvalidRequest for an unknown token."""
        ...

    async def forget(self, token: str) -> None:
        """Delete the card behind a token so that it can never be charged again; a token already gone is no error."""
        ...

    async def charge(
        self, *, token: str, amount_cents: int, currency: str, description: str, idempotency_key: str
    ) -> GatewayResult: ...

    async def refund(self, *, transaction_id: str, amount_cents: int, currency: str, reason: str) -> GatewayResult: ...


def check_amount(amount_cents: int) -> None:
    """Every adapter refuses what no processor should be asked for: zero, negative or fractional cents."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise InvalidRequest("The amount must be a positive whole number of cents.", field="amount_cents")


def check_currency(currency: str) -> str:
    """The ISO 4217 code in capitals."""
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise InvalidRequest("The currency must be a three-letter ISO 4217 code such as USD.", field="currency")
    return currency.upper()


def check_idempotency_key(key: str) -> None:
    """Both Stripe and the local vault take 1 to 255 characters."""
    if not key or len(key) > 255:
        raise InvalidRequest("An idempotency key of 1 to 255 characters is required.", field="idempotency_key")
