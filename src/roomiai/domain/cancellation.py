"""Cancellation deadlines and penalties from a rate's policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .pricing import CancellationTerms, percent_of


@dataclass(frozen=True)
class CancellationOutcome:
    deadline: dt.datetime | None
    within_free_period: bool
    penalty_cents: int
    refund_cents: int


def deadline(terms: CancellationTerms, *, arrival: dt.datetime) -> dt.datetime | None:
    """The last instant a booking can be cancelled for free; None for non-refundable rates."""
    if not terms.refundable:
        return None
    return arrival - dt.timedelta(hours=terms.free_cancellation_hours)


def penalty_cents(terms: CancellationTerms, *, first_night_cents: int, grand_total_cents: int) -> int:
    """What cancelling after the free period costs, capped at the booking's total."""
    if not terms.refundable or terms.penalty_type == "full_stay":
        cents = grand_total_cents
    elif terms.penalty_type == "first_night":
        cents = first_night_cents
    elif terms.penalty_type == "percentage":
        cents = percent_of(grand_total_cents, terms.penalty_amount)
    else:
        cents = terms.penalty_amount
    return max(0, min(cents, grand_total_cents))


def cancel_outcome(
    terms: CancellationTerms,
    *,
    arrival: dt.datetime,
    now: dt.datetime,
    first_night_cents: int,
    grand_total_cents: int,
    paid_cents: int,
) -> CancellationOutcome:
    """Penalty and refund if the booking is cancelled at `now`."""
    free_until = deadline(terms, arrival=arrival)
    free = free_until is not None and now <= free_until
    penalty = (
        0 if free else penalty_cents(terms, first_night_cents=first_night_cents, grand_total_cents=grand_total_cents)
    )
    return CancellationOutcome(free_until, free, penalty, max(0, paid_cents - penalty))


def describe(terms: CancellationTerms) -> str:
    """The policy in one sentence a receptionist can say."""
    if not terms.refundable:
        return "Non-refundable: the full amount is charged if cancelled."
    hours = terms.free_cancellation_hours
    window = f"{hours // 24} days" if hours % 24 == 0 and hours >= 48 else f"{hours} hours"
    if terms.penalty_type == "first_night":
        after = "one night's charge applies after that"
    elif terms.penalty_type == "percentage":
        after = f"{terms.penalty_amount}% of the total applies after that"
    elif terms.penalty_type == "flat":
        after = f"a fee of {terms.penalty_amount / 100:.2f} applies after that"
    else:
        after = "the full stay is charged after that"
    return f"Free cancellation until {window} before arrival; {after}."
