"""The payment gateway port: card data goes in once, only tokens, brand and last four come out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from roomiai.domain.cards import CardDetails


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

    async def charge(
        self, *, token: str, amount_cents: int, currency: str, description: str, idempotency_key: str
    ) -> GatewayResult: ...

    async def refund(self, *, transaction_id: str, amount_cents: int, currency: str, reason: str) -> GatewayResult: ...
