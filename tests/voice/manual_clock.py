"""A LineClock moved by hand: sleepers wake when the test advances it, never on their own."""

from __future__ import annotations

import asyncio
import heapq
import itertools


class ManualClock:
    def __init__(self) -> None:
        self.time = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.time + seconds, next(self._order), future))
        await future

    @property
    def sleeping(self) -> int:
        return sum(not future.done() for _, _, future in self._sleepers)

    async def advance(self, seconds: float) -> None:
        """Move time on by `seconds`, waking each sleeper at its moment and letting it run before the next."""
        target = self.time + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            self.time = max(self.time, due)
            if not future.done():
                future.set_result(None)
            await settle()
        self.time = target
        await settle()


async def settle(rounds: int = 20) -> None:
    """Let every task that can run, run (a few event-loop turns)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
