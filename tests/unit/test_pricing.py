import datetime as dt
from decimal import Decimal

import pytest

from roomiai.domain.errors import InvalidRequest
from roomiai.domain.pricing import (
    CancellationTerms, Discount, Fee, Package, RateTerms, RoomTypeTerms, Tax, discount_problem, percent_of,
    quote_stay, restriction_problem,
)
from roomiai.domain.stay import Stay, make_stay

pytestmark = pytest.mark.unit

DLX = RoomTypeTerms(code="DLX", name="Deluxe Room", base_occupancy=2, max_occupancy=3, extra_person_cents=3000, max_adults=3)
BAR = RateTerms(rate_code="BAR", name="Best Available Rate", base_rate_cents=19900,
                day_of_week_cents={"friday": 23900, "saturday": 23900})
TAXES = (Tax("Occupancy Tax", "percentage", Decimal("12.5")), Tax("Tourism Tax", "flat_per_night", Decimal(250)))
FEES = (Fee("Amenity Fee", 1500, "night"), Fee("Cleaning", 1000, "stay"))
MON = dt.date(2026, 1, 19)


def test_weekend_nights_use_day_of_week_rates():
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=7)), room_type=DLX, rate=BAR, adults=2, children=0)
    assert [n.rate_cents for n in quote.nightly] == [19900] * 4 + [23900, 23900] + [19900]
    assert quote.room_total_cents == 5 * 19900 + 2 * 23900


def test_extra_persons_above_base_occupancy_are_charged_per_night():
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=2)), room_type=DLX, rate=BAR, adults=2, children=1)
    assert [n.extra_person_cents for n in quote.nightly] == [3000, 3000]
    assert quote.room_total_cents == 2 * (19900 + 3000)


def test_blueprint_example_taxes_apply_to_rooms_and_packages():
    # blueprint: 750 room + 75 package, 12.5% tax = 103.13, total 928.13
    rate = RateTerms(rate_code="BAR", name="BAR", base_rate_cents=15000)
    quote = quote_stay(
        stay=Stay(MON, MON + dt.timedelta(days=5)), room_type=DLX, rate=rate, adults=2, children=0,
        taxes=(Tax("City Tax", "percentage", Decimal("12.5")),),
        packages=(Package("romance_package", "Romance Package", 7500, "stay"),),
    )
    assert quote.room_total_cents == 75000
    assert quote.packages_cents == 7500
    assert quote.taxes_cents == 10313
    assert quote.grand_total_cents == 92813


def test_flat_taxes_and_fees_per_night_and_per_stay_for_several_rooms():
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=3)), room_type=DLX, rate=BAR, adults=4, children=0,
                       rooms=2, taxes=TAXES, fees=FEES)
    assert quote.room_total_cents == 3 * 19900 * 2
    assert [t.cents for t in quote.taxes] == [percent_of(119400, Decimal("12.5")), 250 * 3 * 2]
    assert [f.cents for f in quote.fees] == [1500 * 3 * 2, 1000 * 2]
    assert quote.grand_total_cents == 119400 + 14925 + 1500 + 9000 + 2000


def test_percentage_and_flat_discounts_reduce_the_taxable_room_total():
    stay = Stay(MON, MON + dt.timedelta(days=2))
    pct = quote_stay(stay=stay, room_type=DLX, rate=BAR, adults=2, children=0, taxes=TAXES[:1],
                     discount=Discount("SUMMER20", "percentage", Decimal(20)))
    assert pct.discount_cents == 7960
    assert pct.taxes_cents == percent_of(39800 - 7960, Decimal("12.5"))
    flat = quote_stay(stay=stay, room_type=DLX, rate=BAR, adults=2, children=0,
                      discount=Discount("BIG", "flat", Decimal(10_000_000)))
    assert flat.discount_cents == 39800  # never more than the room total
    assert flat.grand_total_cents == 0


def test_person_night_packages_count_every_guest_every_night():
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=3)), room_type=DLX, rate=BAR, adults=2, children=1,
                       packages=(Package("breakfast", "Breakfast", 2800, "person_night"),))
    assert quote.packages_cents == 2800 * 3 * 3


def test_per_stay_rate_spreads_the_price_over_nights_without_losing_cents():
    rate = RateTerms(rate_code="PKG", name="Weekend", base_rate_cents=50001, rate_type="per_stay")
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=3)), room_type=DLX, rate=rate, adults=1, children=0)
    assert quote.room_total_cents == 50001
    assert sum(n.rate_cents for n in quote.nightly) == 50001


def test_first_night_with_tax_for_penalties():
    quote = quote_stay(stay=Stay(MON, MON + dt.timedelta(days=2)), room_type=DLX, rate=BAR, adults=2, children=0,
                       rooms=2, taxes=TAXES)
    assert quote.first_night_with_tax_cents() == 2 * 19900 + percent_of(2 * 19900, Decimal("12.5"))


@pytest.mark.parametrize(
    ("rate_kwargs", "stay_nights", "adults", "children", "days_ahead", "expected"),
    [
        ({}, 2, 2, 0, 0, None),
        ({}, 2, 2, 2, 0, ("too_many_guests", 3, "sleeps at most 3")),
        ({}, 2, 4, 0, 0, ("too_many_guests", 3, "sleeps at most 3")),
        ({"min_stay": 3}, 2, 2, 0, 0, ("stay_too_short", 3, "at least 3 nights")),
        ({"max_stay": 5}, 6, 2, 0, 0, ("stay_too_long", 5, "at most 5 nights")),
        ({"advance_booking_days": 7}, 2, 2, 0, 6, ("book_ahead", 7, "at least 7 days ahead")),
        ({"advance_booking_days": 7}, 2, 2, 0, 7, None),
        ({"valid_to": dt.date(2026, 1, 20)}, 3, 2, 0, 0, ("no_longer_valid", None, "valid for nights until 2026-01-20")),
        ({"valid_from": dt.date(2026, 1, 25)}, 3, 2, 0, 0, ("not_yet_valid", None, "valid from 2026-01-25")),
        ({"is_active": False}, 2, 2, 0, 0, ("rate_inactive", None, "not offered")),
    ],
)
def test_rate_restrictions(rate_kwargs, stay_nights, adults, children, days_ahead, expected):
    rate = RateTerms(rate_code="X", name="Test", base_rate_cents=10000, **rate_kwargs)
    stay = Stay(MON, MON + dt.timedelta(days=stay_nights))
    problem = restriction_problem(rate=rate, room_type=DLX, stay=stay, today=MON - dt.timedelta(days=days_ahead),
                                  adults=adults, children=children)
    if expected is None:
        assert problem is None
    else:
        code, limit, words = expected
        assert (problem.code, problem.limit) == (code, limit) and words in problem.message


def test_discount_validity():
    stay = Stay(MON, MON + dt.timedelta(days=1))
    code = Discount("WELCOME25", "flat", Decimal(2500), min_nights=2, valid_to=dt.date(2026, 1, 31))
    assert "at least 2 nights" in discount_problem(code, stay=stay, today=MON)
    assert "expired" in discount_problem(code, stay=Stay(MON, MON + dt.timedelta(days=3)), today=dt.date(2026, 2, 1))
    assert discount_problem(code, stay=Stay(MON, MON + dt.timedelta(days=3)), today=MON) is None


@pytest.mark.parametrize(
    ("check_in", "check_out", "message"),
    [
        ("2026-01-20", "2026-01-20", "must be after check-in"),
        ("2026-01-20", "2026-01-18", "must be after check-in"),
        ("2026-01-11", "2026-01-13", "in the past"),
        ("2027-12-01", "2027-12-03", "days ahead"),
        ("2026-01-20", "2026-04-20", "at most 60 nights"),
    ],
)
def test_stay_validation(check_in, check_out, message):
    with pytest.raises(InvalidRequest) as err:
        make_stay(dt.date.fromisoformat(check_in), dt.date.fromisoformat(check_out), today=dt.date(2026, 1, 12), horizon_days=550)
    assert message in err.value.detail


def test_same_day_arrival_is_allowed_and_nights_are_listed():
    stay = make_stay(dt.date(2026, 1, 12), dt.date(2026, 1, 14), today=dt.date(2026, 1, 12), horizon_days=550)
    assert stay.nights == 2
    assert stay.dates() == [dt.date(2026, 1, 12), dt.date(2026, 1, 13)]


def test_percent_rounds_half_up():
    assert percent_of(1, Decimal(50)) == 1
    assert percent_of(82500, Decimal("12.5")) == 10313
    assert CancellationTerms().refundable
