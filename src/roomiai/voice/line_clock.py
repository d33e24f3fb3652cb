"""The clock a call's timers and playout run on: real time in calls, a clock moved by hand in tests."""

from __future__ import annotations

import asyncio
import time


class LineClock:
    """Monotonic seconds and sleeping on them."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))
