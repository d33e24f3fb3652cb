"""A call's clocks: a silent caller is asked if they are still there, then said goodbye to; a long call is wound up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from .line_clock import LineClock

STILL_THERE = "Are you still there?"
SILENT_GOODBYE = "I haven't heard anything, so I'll end the call now. Thank you for calling, goodbye!"
TIME_NEARLY_UP = (
    "We're nearly at the time limit for this call. If you need more time, just say front desk and "
    "I'll put you through to a colleague."
)
TIME_UP = "I'm sorry, this call has reached its time limit. Let me put you through to the front desk."
WIND_UP_SECONDS = 60.0

Action = Callable[[], Awaitable[None]]


class CallTimers:
    """Silence: `prompt_after` seconds of it asks once, `goodbye_after` more ends the call. Length: a warning, then the end."""

    def __init__(
        self,
        *,
        clock: LineClock,
        prompt_after: float,
        goodbye_after: float,
        max_seconds: float | None,
        prompt: Action,
        goodbye: Action,
        warn: Action,
        time_up: Action,
    ):
        self.clock = clock
        self.prompt_after = prompt_after
        self.goodbye_after = goodbye_after
        self.max_seconds = max_seconds
        self._prompt, self._goodbye, self._warn, self._time_up = prompt, goodbye, warn, time_up
        self.prompted = False
        self._silence: asyncio.Task | None = None
        self._length: asyncio.Task | None = None

    def start(self) -> None:
        """The call is answered: its length counts from now."""
        if self.max_seconds and self._length is None:
            self._length = asyncio.ensure_future(self._wind_up(self.max_seconds))

    def quiet(self) -> None:
        """Neither side is speaking: the silence starts counting."""
        self._cancel_silence()
        wait = self.goodbye_after if self.prompted else self.prompt_after
        self._silence = asyncio.ensure_future(self._after_silence(wait))

    def busy(self) -> None:
        """Someone is speaking or Roomi is thinking: no silence now."""
        self._cancel_silence()

    def heard(self) -> None:
        """The caller spoke: a later silence is asked about again before the call ends."""
        self.prompted = False
        self._cancel_silence()

    def stop(self) -> None:
        self._cancel_silence()
        _cancel(self._length)

    def _cancel_silence(self) -> None:
        _cancel(self._silence)
        self._silence = None

    async def _after_silence(self, wait: float) -> None:
        await self.clock.sleep(wait)
        self._silence = None
        if self.prompted:
            await self._goodbye()
        else:
            self.prompted = True
            await self._prompt()

    async def _wind_up(self, limit: float) -> None:
        warning = min(WIND_UP_SECONDS, limit / 2)
        await self.clock.sleep(limit - warning)
        await self._warn()
        await self.clock.sleep(warning)
        self._cancel_silence()
        await self._time_up()


def _cancel(task: asyncio.Task | None) -> None:
    """Cancel a timer, unless it is the one running now (its action is ending the call)."""
    if task is not None and task is not asyncio.current_task():
        task.cancel()
