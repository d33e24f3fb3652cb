"""Booking statuses and the changes between them a hotel allows."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from .errors import InvalidTransition


class BookingStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


ALLOWED = {
    BookingStatus.PENDING: {BookingStatus.CONFIRMED, BookingStatus.CANCELLED},
    BookingStatus.CONFIRMED: {BookingStatus.CHECKED_IN, BookingStatus.CANCELLED, BookingStatus.NO_SHOW},
    BookingStatus.CHECKED_IN: {BookingStatus.CHECKED_OUT},
    BookingStatus.CHECKED_OUT: set(),
    BookingStatus.CANCELLED: set(),
    BookingStatus.NO_SHOW: set(),
}
HOLDS_INVENTORY = {BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN}
MODIFIABLE = {BookingStatus.PENDING, BookingStatus.CONFIRMED}

VERBS = {
    BookingStatus.CONFIRMED: "confirmed",
    BookingStatus.CHECKED_IN: "checked in",
    BookingStatus.CHECKED_OUT: "checked out",
    BookingStatus.CANCELLED: "cancelled",
    BookingStatus.NO_SHOW: "marked as a no-show",
}


def ensure_transition(
    current: BookingStatus, target: BookingStatus, *, today: dt.date, check_in: dt.date, check_out: dt.date
) -> None:
    """Refuse status changes a front desk would not make, with the reason."""
    if target not in ALLOWED[current]:
        raise InvalidTransition(f"A booking that is {current.value.replace('_', ' ')} cannot be {VERBS[target]}.")
    if target == BookingStatus.CHECKED_IN and not check_in <= today < check_out:
        raise InvalidTransition(
            f"Check-in is possible from {check_in.isoformat()} until the night before check-out; today is {today.isoformat()}."
        )
    if target == BookingStatus.NO_SHOW and today < check_in:
        raise InvalidTransition(
            f"A guest can only be marked as a no-show from the arrival date {check_in.isoformat()} on."
        )


def ensure_modifiable(current: BookingStatus) -> None:
    if current not in MODIFIABLE:
        raise InvalidTransition(f"A booking that is {current.value.replace('_', ' ')} can no longer be changed.")
