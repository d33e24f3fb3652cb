"""A stay: check-in and check-out dates, its nights, and the date rules every booking obeys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import InvalidRequest

MAX_NIGHTS = 60


@dataclass(frozen=True)
class Stay:
    check_in: dt.date
    check_out: dt.date

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    def dates(self) -> list[dt.date]:
        """The nights of the stay, by the date each night starts."""
        return [self.check_in + dt.timedelta(days=i) for i in range(self.nights)]

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.check_in < end and start < self.check_out


def make_stay(check_in: dt.date, check_out: dt.date, *, today: dt.date, horizon_days: int) -> Stay:
    """Validate a requested stay against the hotel's clock and booking horizon."""
    if check_out <= check_in:
        raise InvalidRequest(
            f"Check-out ({check_out.isoformat()}) must be after check-in ({check_in.isoformat()}).",
            field="check_out",
        )
    if check_in < today:
        raise InvalidRequest(
            f"Check-in {check_in.isoformat()} is in the past; today is {today.isoformat()} at the hotel.",
            field="check_in",
        )
    last_bookable = today + dt.timedelta(days=horizon_days)
    if check_in > last_bookable:
        raise InvalidRequest(
            f"Reservations open {horizon_days} days ahead; the latest check-in is {last_bookable.isoformat()}.",
            field="check_in",
        )
    stay = Stay(check_in, check_out)
    if stay.nights > MAX_NIGHTS:
        raise InvalidRequest(
            f"A stay can be at most {MAX_NIGHTS} nights; for longer stays please call the front desk.",
            field="check_out",
        )
    return stay
