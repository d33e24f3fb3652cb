"""Lets a few searches work at once; the rest wait their turn without using the CPU, so bookings are not crowded out."""

from __future__ import annotations

import asyncio
from collections import deque


class ReadGate:
    """At most `limit` holders at once, per event loop (tests run each on a loop of its own)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _current(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._semaphore, self._loop = asyncio.Semaphore(self.limit), loop
        assert self._semaphore is not None
        return self._semaphore

    async def __aenter__(self) -> None:
        await self._current().acquire()

    async def __aexit__(self, *exc) -> None:
        self._current().release()


class TurnsPerIteration:
    """At most `limit` turns per event-loop iteration; the rest wait, first come first served, for later iterations.

    For work that never awaits (api/quick_search.py): a semaphore cannot spread it, and a loop iteration that runs
    32 searches makes every step of a booking in progress wait for all of them.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._taken = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._refill_due = False

    async def take(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # tests run each on a loop of its own
            self._loop, self._taken, self._waiters, self._refill_due = loop, 0, deque(), False
        if not self._refill_due:
            loop.call_soon(self._refill)  # runs at the start of the next iteration
            self._refill_due = True
        if self._taken < self.limit and not self._waiters:
            self._taken += 1
            return
        waiter = loop.create_future()
        self._waiters.append(waiter)
        await waiter

    def _refill(self) -> None:
        self._taken = 0
        while self._waiters and self._taken < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a cancelled request gave its place up
                waiter.set_result(None)
                self._taken += 1
        self._refill_due = bool(self._waiters)
        if self._refill_due and self._loop is not None:
            self._loop.call_soon(self._refill)
