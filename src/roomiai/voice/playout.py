"""An audio output that plays at real-time pace, so the session knows when Roomi has really finished speaking."""

from __future__ import annotations

import asyncio
import time

from livekit import rtc
from livekit.agents.voice import io

FLUSH = object()


class PacedAudioOutput(io.AudioOutput):
    """Hands frames to `deliver` as a speaker would play them; barge-in (clear_buffer) stops mid-segment.

    Subclasses implement `deliver` (write, send) and may implement `segment_started`, `segment_finished`, `cleared`.
    `lead` is how far delivery runs ahead of the playout clock (a remote player needs a small buffer).
    """

    def __init__(self, *, label: str, sample_rate: int | None = None, lead: float = 0.0) -> None:
        super().__init__(label=label, capabilities=io.AudioOutputCapabilities(pause=False), sample_rate=sample_rate)
        self.lead = lead
        self.first_audio_at: list[float] = []
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._player: asyncio.Task | None = None
        self._segment_started: float | None = None
        self._played = 0.0

    async def deliver(self, frame: rtc.AudioFrame) -> None:
        raise NotImplementedError

    async def segment_started(self) -> None:
        """A new stretch of Roomi's speech begins."""

    async def segment_finished(self, *, interrupted: bool) -> None:
        """The stretch ended: played out, or cut by the caller."""

    async def cleared(self) -> None:
        """The caller barged in: stop what is playing now."""

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._player is None or self._player.done():
            self._player = asyncio.ensure_future(self._play())
        self._queue.put_nowait(frame)

    def flush(self) -> None:
        super().flush()
        self._queue.put_nowait(FLUSH)

    def clear_buffer(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
        if self._segment_started is not None:
            position = min(time.monotonic() - self._segment_started, self._played)
            self._segment_started = None
            self.on_playback_finished(playback_position=position, interrupted=True)
            asyncio.ensure_future(self._after_clear())

    async def aclose(self) -> None:
        if self._player is not None:
            self._player.cancel()

    async def _after_clear(self) -> None:
        await self.cleared()
        await self.segment_finished(interrupted=True)

    async def _play(self) -> None:
        while True:
            item = await self._queue.get()
            if item is FLUSH:
                if self._segment_started is None:
                    continue
                await self._sleep_until(self._played)
                if self._segment_started is None:  # cleared while the last frames played
                    continue
                played, self._segment_started = self._played, None
                self.on_playback_finished(playback_position=played, interrupted=False)
                await self.segment_finished(interrupted=False)
                continue
            frame: rtc.AudioFrame = item  # type: ignore[assignment]
            if self._segment_started is None:
                self._segment_started, self._played = time.monotonic(), 0.0
                self.first_audio_at.append(self._segment_started)
                self.on_playback_started(created_at=time.time())
                await self.segment_started()
            await self.deliver(frame)
            self._played += frame.duration
            await self._sleep_until(self._played - self.lead)

    async def _sleep_until(self, offset: float) -> None:
        if self._segment_started is not None:
            delay = self._segment_started + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
