"""What a transport does: deliver one message, or raise DeliveryFailed saying whether trying again can help."""

from __future__ import annotations

from typing import Protocol

from ..domain.delivery import DeliveryFailed

__all__ = ["DeliveryFailed", "EmailTransport", "SmsTransport"]


class EmailTransport(Protocol):
    name: str

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> None:
        """Hand one RFC 5322 message over for delivery (the same message_id on a retry)."""


class SmsTransport(Protocol):
    """Where an SMS provider adapter plugs in; none ships yet, so no SMS is queued unless one is given."""

    name: str

    async def send(self, *, recipient: str, text: str, message_id: str) -> None:
        """Hand one text message (recipient as +digits) over for delivery."""
