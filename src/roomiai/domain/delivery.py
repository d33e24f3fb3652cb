"""When a message that could not be delivered is tried again, and when a sender's claim on it has lapsed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    first_delay_seconds: int = 30
    max_delay_seconds: int = 3600
    max_attempts: int = 12  # with the defaults: about six hours of trying
    claim_seconds: int = 300  # a message claimed longer ago than this was left by a sender that died

    def delay(self, attempts: int) -> dt.timedelta:
        """Back-off after the given number of failed attempts: 30 s, 60 s, 120 s ... at most an hour."""
        seconds = self.first_delay_seconds * 2 ** max(attempts - 1, 0)
        return dt.timedelta(seconds=min(seconds, self.max_delay_seconds))

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def claim_lapsed(self, claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
        return claimed_at is None or now - claimed_at >= dt.timedelta(seconds=self.claim_seconds)


class DeliveryFailed(Exception):
    """A message was not delivered; `permanent` when trying again cannot help (the server refused it with 5xx)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
