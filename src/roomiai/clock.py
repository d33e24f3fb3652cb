"""The hotel's clock: real time in the hotel's time zone, or a pinned date."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo


class Clock:
    """Gives today's date and the current instant in the hotel's time zone.

    A pinned clock starts at noon on the pinned date and advances with real elapsed time,
    so durations stay real while dates stay reproducible.
    """

    def __init__(self, timezone: str = "UTC", *, pinned_date: dt.date | None = None):
        self.tz = ZoneInfo(timezone)
        self.pinned_date = pinned_date
        self._started = time.monotonic()

    def set_timezone(self, timezone: str) -> None:
        self.tz = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        if self.pinned_date is None:
            return dt.datetime.now(self.tz)
        noon = dt.datetime.combine(self.pinned_date, dt.time(12), tzinfo=self.tz)
        return noon + dt.timedelta(seconds=time.monotonic() - self._started)

    def today(self) -> dt.date:
        return self.pinned_date if self.pinned_date is not None else self.now().date()
