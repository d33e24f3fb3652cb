"""CallState: what one call has established so far, shared by the tools, the brain and the call log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..domain.references import mask_phone

OUTCOME_RANK = {
    "abandoned": 0,
    "booking_failed": 1,
    "service_request": 2,
    "booking_modified": 3,
    "booking_cancelled": 3,
    "transferred": 4,
    "booking_completed": 5,
}


@dataclass
class CallState:
    """Session userdata of one call."""

    session_id: str | None = None
    caller_id: str | None = None
    today: dt.date | None = None
    verified: set[str] = field(default_factory=set)
    verified_last_names: dict[str, str] = field(default_factory=dict)  # confirmation number → the guest's last name
    verification_failures: int = 0
    pending_booking: dict[str, Any] | None = None
    pending_change: dict[str, Any] | None = None
    pending_cancellation: dict[str, Any] | None = None
    read_back_at: dict[str, int] = field(default_factory=dict)
    read_back_amount: dict[str, float | None] = field(default_factory=dict)
    booked: list[str] = field(default_factory=list)
    last_confirmation: str | None = None
    outcome: str | None = None
    transferred: bool = False
    ended: bool = False
    hotel_facts: dict[str, Any] | None = None
    card: dict[str, str] | None = None  # the gateway's token, brand and last four of a card given in this call
    tool_log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def masked_caller(self) -> str | None:
        """The caller's number as logs may show it."""
        return mask_phone(self.caller_id)

    def date(self) -> dt.date:
        """The hotel's date for this call, which every call is started with."""
        if self.today is None:
            raise RuntimeError("the call was started without the hotel's date (CallState.today)")
        return self.today

    def settle(self, outcome: str, confirmation_number: str | None = None) -> None:
        """Record what the call achieved; a weightier outcome (a completed booking) is never replaced by a lesser one."""
        if confirmation_number:
            self.last_confirmation = confirmation_number
        if self.outcome is None or OUTCOME_RANK[outcome] >= OUTCOME_RANK[self.outcome]:
            self.outcome = outcome

    def __repr__(self) -> str:
        return (
            f"CallState(session_id={self.session_id!r}, caller={self.masked_caller!r}, outcome={self.outcome!r}, "
            f"verified={sorted(self.verified)!r}, booked={self.booked!r})"
        )
