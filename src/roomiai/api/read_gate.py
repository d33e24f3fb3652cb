"""Lets a few searches work at once; the rest wait their turn without using the CPU, so bookings are not crowded out."""

from __future__ import annotations

import asyncio


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
