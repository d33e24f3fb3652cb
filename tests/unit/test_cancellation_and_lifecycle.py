import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roomiai.domain.cancellation import cancel_outcome, deadline, describe, penalty_cents
from roomiai.domain.errors import InvalidTransition
from roomiai.domain.lifecycle import BookingStatus, ensure_modifiable, ensure_transition
from roomiai.domain.pricing import CancellationTerms
from roomiai.domain.references import confirmation_number, mask_phone, yearly_reference

pytestmark = pytest.mark.unit

NY = ZoneInfo("America/New_York")
ARRIVAL = dt.datetime(2026, 1, 20, 15, 0, tzinfo=NY)
FLEX = CancellationTerms(free_cancellation_hours=24, penalty_type="first_night")


def test_deadline_is_hours_before_arrival_in_hotel_time():
    assert deadline(FLEX, arrival=ARRIVAL) == dt.datetime(2026, 1, 19, 15, 0, tzinfo=NY)
    assert deadline(CancellationTerms(refundable=False), arrival=ARRIVAL) is None


def test_free_until_the_deadline_then_first_night():
    before = cancel_outcome(FLEX, arrival=ARRIVAL, now=ARRIVAL - dt.timedelta(hours=24), first_night_cents=22388,
                            grand_total_cents=138125, paid_cents=138125)
    assert (before.within_free_period, before.penalty_cents, before.refund_cents) == (True, 0, 138125)
    after = cancel_outcome(FLEX, arrival=ARRIVAL, now=ARRIVAL - dt.timedelta(hours=23, minutes=59), first_night_cents=22388,
                           grand_total_cents=138125, paid_cents=138125)
    assert (after.within_free_period, after.penalty_cents, after.refund_cents) == (False, 22388, 138125 - 22388)


def test_refund_never_negative_when_nothing_was_paid():
    outcome = cancel_outcome(FLEX, arrival=ARRIVAL, now=ARRIVAL, first_night_cents=22388, grand_total_cents=138125, paid_cents=0)
    assert outcome.penalty_cents == 22388 and outcome.refund_cents == 0


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (CancellationTerms(penalty_type="percentage", penalty_amount=50), 50000),
        (CancellationTerms(penalty_type="flat", penalty_amount=5000), 5000),
        (CancellationTerms(penalty_type="flat", penalty_amount=500000), 100000),
        (CancellationTerms(penalty_type="full_stay"), 100000),
        (CancellationTerms(refundable=False, penalty_type="first_night"), 100000),
    ],
)
def test_penalty_types_capped_at_total(terms, expected):
    assert penalty_cents(terms, first_night_cents=20000, grand_total_cents=100000) == expected


def test_policy_sentences():
    assert describe(FLEX) == "Free cancellation until 24 hours before arrival; one night's charge applies after that."
    assert "3 days" in describe(CancellationTerms(free_cancellation_hours=72, penalty_type="percentage", penalty_amount=50))
    assert describe(CancellationTerms(refundable=False)).startswith("Non-refundable")


D = dt.date(2026, 1, 20)


@pytest.mark.parametrize(
    ("current", "target", "today", "ok"),
    [
        (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, D, True),
        (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, D - dt.timedelta(days=1), False),
        (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, D + dt.timedelta(days=3), False),
        (BookingStatus.CHECKED_IN, BookingStatus.CHECKED_OUT, D, True),
        (BookingStatus.CONFIRMED, BookingStatus.CHECKED_OUT, D, False),
        (BookingStatus.CANCELLED, BookingStatus.CHECKED_IN, D, False),
        (BookingStatus.CHECKED_OUT, BookingStatus.CANCELLED, D, False),
        (BookingStatus.CONFIRMED, BookingStatus.NO_SHOW, D, True),
        (BookingStatus.CONFIRMED, BookingStatus.NO_SHOW, D - dt.timedelta(days=1), False),
        (BookingStatus.CHECKED_IN, BookingStatus.CANCELLED, D, False),
        (BookingStatus.PENDING, BookingStatus.CONFIRMED, D, True),
    ],
)
def test_transitions(current, target, today, ok):
    call = lambda: ensure_transition(current, target, today=today, check_in=D, check_out=D + dt.timedelta(days=3))  # noqa: E731
    if ok:
        call()
    else:
        with pytest.raises(InvalidTransition):
            call()


def test_only_open_bookings_can_be_modified():
    ensure_modifiable(BookingStatus.CONFIRMED)
    with pytest.raises(InvalidTransition, match="cancelled can no longer be changed"):
        ensure_modifiable(BookingStatus.CANCELLED)


def test_references_and_masks():
    assert confirmation_number(dt.date(2026, 1, 20), 1) == "ROOMI-20260120-001"
    assert confirmation_number(dt.date(2026, 1, 20), 1234) == "ROOMI-20260120-1234"
    assert yearly_reference("G", 2026, 1) == "G-2026-00001"
    assert mask_phone("+15551234567") == "+1555***4567"
    assert mask_phone("555-123-4567") == "555***4567"
    assert "1234567" not in mask_phone("+1 (555) 123-4567")
