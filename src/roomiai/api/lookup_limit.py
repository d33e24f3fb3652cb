"""The brake on guessing guests' details: every failed proof (a lookup that found nothing, a wrong last name) counts.

The agent role is counted per call (its X-Call-Session) under a far higher ceiling for the agent token, so a few
guessing callers slow themselves down without locking every other caller out; other roles per token and address.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from .security import TooManyAttempts

WINDOW_SECONDS = 600
WHAT = "booking lookups that found nothing"
Keys = list[tuple[tuple[str, ...], int]]  # (what is counted, how many failures it may have; 0: no limit)


class LookupsLimited(TooManyAttempts):
    code = "lookup_limited"


class LookupLimit:
    """Failed proofs in a sliding window, per key; a key at its allowance is refused until its oldest failure ages out."""

    SWEEP_EVERY = 1000

    def __init__(self, *, failures_allowed: int, agent_failures_allowed: int = 0, window_seconds: int = WINDOW_SECONDS,
                 now: Callable[[], float] = time.monotonic):
        self.failures_allowed = failures_allowed
        self.agent_failures_allowed = agent_failures_allowed
        self.window = window_seconds
        self._now = now
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._since_sweep = 0

    def check(self, keys: Keys) -> None:
        """Refuses (429) when any key has used its allowance (0: no limit for that key)."""
        now = self._now()
        for key, allowed in keys:
            recent = self._recent(key, now)
            if allowed > 0 and len(recent) >= allowed:
                wait = max(1, int(recent[0] + self.window - now) + 1)
                raise LookupsLimited(f"Too many {WHAT}; try again in {wait} seconds.", retry_after=wait)

    def failed(self, keys: Keys) -> None:
        """Counts one failed proof against every key."""
        now = self._now()
        self._sweep(now)
        for key, _ in keys:
            self._recent(key, now).append(now)

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        attempts = self._failures.setdefault(key, deque())
        while attempts and attempts[0] <= now - self.window:
            attempts.popleft()
        return attempts

    def _sweep(self, now: float) -> None:
        """Forgets keys with nothing in the window, now and then, so the table stays small."""
        self._since_sweep += 1
        if self._since_sweep < self.SWEEP_EVERY:
            return
        self._since_sweep = 0
        for key in [k for k, hits in self._failures.items() if not hits or hits[-1] <= now - self.window]:
            del self._failures[key]
