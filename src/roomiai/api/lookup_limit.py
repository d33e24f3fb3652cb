"""The brake on guessing guests' details: every failed proof (a lookup that found nothing, a wrong last name) counts.

The agent role is counted per call (its X-Call-Session) under a far higher ceiling for the agent token, so a few
guessing callers slow themselves down without locking every other caller out; other roles per token and address.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..shared_state import MemoryWindows, SlidingWindows
from .security import TooManyAttempts, window_key

WINDOW_SECONDS = 600
WHAT = "booking lookups that found nothing"
Keys = list[tuple[tuple[str, ...], int]]  # (what is counted, how many failures it may have; 0: no limit)


class LookupsLimited(TooManyAttempts):
    code = "lookup_limited"


class LookupLimit:
    """Failed proofs in a sliding window, per key; a key at its allowance is refused until its oldest failure ages out."""

    def __init__(
        self,
        *,
        failures_allowed: int,
        agent_failures_allowed: int = 0,
        window_seconds: int = WINDOW_SECONDS,
        now: Callable[[], float] = time.time,
        windows: SlidingWindows | None = None,
    ):
        self.failures_allowed = failures_allowed
        self.agent_failures_allowed = agent_failures_allowed
        self.window = window_seconds
        self._now = now
        self.windows = windows or MemoryWindows()

    async def check(self, keys: Keys) -> None:
        """Refuses (429) when any key has used its allowance (0: no limit for that key)."""
        now = self._now()
        for key, allowed in keys:
            if allowed <= 0:
                continue
            recent = await self.windows.peek(window_key("lookup", *key), now=now, window=self.window)
            if recent.count >= allowed:
                wait = max(1, int((recent.oldest or now) + self.window - now) + 1)
                raise LookupsLimited(f"Too many {WHAT}; try again in {wait} seconds.", retry_after=wait)

    async def failed(self, keys: Keys) -> None:
        """Counts one failed proof against every key."""
        now = self._now()
        for key, _ in keys:
            await self.windows.record(window_key("lookup", *key), now=now, window=self.window)
