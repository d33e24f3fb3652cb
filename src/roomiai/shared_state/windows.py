"""The port for sliding-window counters (rate limits, login and lookup throttles) and its in-process adapter."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Window:
    """What a key's window held before the call: how many events, and when the oldest of them happened."""

    count: int
    oldest: float | None


class SlidingWindows(Protocol):
    """Events per key within the last `window` seconds; `now` is wall-clock seconds, so processes can share them."""

    async def record(self, key: str, *, now: float, window: float, limit: int = 0) -> Window:
        """Counts one event for `key` unless `limit` (> 0) events are already in the window; returns the window before."""
        ...

    async def peek(self, key: str, *, now: float, window: float) -> Window:
        """The events of `key` in the window, counting nothing."""
        ...

    async def clear(self, key: str) -> None:
        """Forgets every event of `key`."""
        ...


class MemoryWindows:
    """The counters of one process: right for one process, per process when several run."""

    SWEEP_EVERY = 1000

    def __init__(self) -> None:
        self._events: dict[str, deque[float]] = {}
        self._spans: dict[str, float] = {}  # each key's window, for the sweep: limits with different windows share this
        self._since_sweep = 0

    async def record(self, key: str, *, now: float, window: float, limit: int = 0) -> Window:
        return self.record_now(key, now=now, window=window, limit=limit)

    def record_now(self, key: str, *, now: float, window: float, limit: int = 0) -> Window:
        """`record` without awaiting: the Redis adapter falls back to it."""
        self._sweep(now)
        events = self._recent(key, now, window)
        before = Window(len(events), events[0] if events else None)
        if limit <= 0 or before.count < limit:
            events.append(now)
        return before

    async def peek(self, key: str, *, now: float, window: float) -> Window:
        return self.peek_now(key, now=now, window=window)

    def peek_now(self, key: str, *, now: float, window: float) -> Window:
        events = self._events.get(key)
        if not events:
            return Window(0, None)
        events = self._recent(key, now, window)
        return Window(len(events), events[0] if events else None)

    async def clear(self, key: str) -> None:
        self._events.pop(key, None)
        self._spans.pop(key, None)

    def keys(self) -> set[str]:
        return set(self._events)

    def _recent(self, key: str, now: float, window: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        self._spans[key] = window
        while events and events[0] <= now - window:
            events.popleft()
        return events

    def _sweep(self, now: float) -> None:
        """Forgets keys with nothing in their window, now and then, so the table stays small."""
        self._since_sweep += 1
        if self._since_sweep < self.SWEEP_EVERY:
            return
        self._since_sweep = 0
        for key in [k for k, events in self._events.items() if not events or events[-1] <= now - self._spans[k]]:
            del self._events[key], self._spans[key]
