import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roomiai.services.dashboard import day_bounds, held_until, nightly_revenue_cents, ratio
from roomiai.services.hotel_settings import deep_merge

pytestmark = pytest.mark.unit

PRICING = {
    "nightly": [
        {"date": "2026-01-30", "rate_cents": 17900, "extra_person_cents": 0},
        {"date": "2026-01-31", "rate_cents": 17900, "extra_person_cents": 2500},
        {"date": "2026-02-01", "rate_cents": 14900, "extra_person_cents": 2500},
    ]
}


def test_ratio_rounds_and_survives_zero():
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 100) == 0.02
    assert ratio(5, 0) == 0.0


def test_nightly_revenue_keeps_nights_in_range_times_rooms():
    revenue = nightly_revenue_cents(
        PRICING, rooms=2, first=dt.date(2026, 1, 1), last=dt.date(2026, 1, 31), held_until=dt.date(2026, 2, 1)
    )
    assert revenue == {dt.date(2026, 1, 30): 35800, dt.date(2026, 1, 31): 40800}


def test_nightly_revenue_stops_at_an_early_departure():
    revenue = nightly_revenue_cents(
        PRICING, rooms=1, first=dt.date(2026, 1, 1), last=dt.date(2026, 2, 28), held_until=dt.date(2026, 1, 31)
    )
    assert revenue == {dt.date(2026, 1, 30): 17900}


def test_only_checked_out_bookings_stop_holding_nights_early():
    check_out = dt.date(2026, 2, 2)
    left = dt.date(2026, 1, 31)
    assert held_until(status="checked_out", check_out=check_out, departed_on=left) == left
    assert held_until(status="checked_out", check_out=check_out, departed_on=dt.date(2026, 2, 3)) == check_out
    assert held_until(status="checked_in", check_out=check_out, departed_on=left) == check_out
    assert held_until(status="checked_out", check_out=check_out, departed_on=None) == check_out


def test_day_bounds_follow_daylight_saving_time():
    start, end = (moment.astimezone(dt.timezone.utc) for moment in day_bounds(dt.date(2026, 3, 8), ZoneInfo("America/New_York")))
    assert start == dt.datetime(2026, 3, 8, 5, tzinfo=dt.timezone.utc)
    assert end == dt.datetime(2026, 3, 9, 4, tzinfo=dt.timezone.utc)


def test_deep_merge_merges_objects_replaces_lists_and_removes_nulls():
    base = {"policies": {"pet_policy": "dogs", "deposit_percentage": 0}, "taxes": [{"name": "A"}], "info": {"wifi": "free"}}
    merged = deep_merge(base, {"policies": {"deposit_percentage": 20}, "taxes": [], "info": {"wifi": None, "spa": "9am"}})
    assert merged == {"policies": {"pet_policy": "dogs", "deposit_percentage": 20}, "taxes": [], "info": {"spa": "9am"}}
    assert base["policies"]["deposit_percentage"] == 0 and base["info"] == {"wifi": "free"}
