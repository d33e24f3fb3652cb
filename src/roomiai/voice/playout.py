"""An audio output that plays at real-time pace, so the session knows when Roomi has really finished speaking."""

from __future__ import annotations

import asyncio
import time

from livekit import rtc
from livekit.agents.voice import io

from .line_clock import LineClock

FLUSH = object()


class PacedAudioOutput(io.AudioOutput):
    """Hands frames to `deliver` as a speaker would play them; a pause holds the playout, barge-in (clear_buffer) stops it.

    Subclasses implement `deliver` (write, send) and may implement `segment_started`, `segment_finished`, `cleared`,
    `paused`, `resumed`. `lead` is how far delivery runs ahead of the playout clock (a remote player needs a small
    buffer); what was delivered ahead but not played when a pause came is delivered again on resume.
    """

    def __init__(
        self, *, label: str, sample_rate: int | None = None, lead: float = 0.0, clock: LineClock | None = None
    ) -> None:
        super().__init__(label=label, capabilities=io.AudioOutputCapabilities(pause=True), sample_rate=sample_rate)
        self.lead = lead
        self.clock = clock or LineClock()
        self.first_audio_at: list[float] = []
        self._queue: asyncio.Queue[tuple[int, object]] = asyncio.Queue()
        self._player: asyncio.Task | None = None
        self._segment_started: float | None = None
        self._played = 0.0
        self._ahead: list[tuple[float, rtc.AudioFrame]] = []  # delivered frames not yet played, with their offsets
        self._paused_at: float | None = None
        self._running = asyncio.Event()
        self._running.set()
        self._cuts = 0  # barge-ins so far: a frame queued before the latest one is never played

    async def deliver(self, frame: rtc.AudioFrame) -> None:
        raise NotImplementedError

    async def segment_started(self) -> None:
        """A new stretch of Roomi's speech begins."""

    async def segment_finished(self, *, interrupted: bool) -> None:
        """The stretch ended: played out, or cut by the caller."""

    async def cleared(self) -> None:
        """The caller barged in: stop what is playing now."""

    async def paused(self) -> None:
        """The caller may be barging in: stop playing, keep the rest."""

    async def resumed(self) -> None:
        """It was only a backchannel or a noise: playing goes on where it stopped."""

    @property
    def position(self) -> float:
        """Seconds of the current segment played so far."""
        if self._segment_started is None:
            return 0.0
        now = self._paused_at if self._paused_at is not None else self.clock.now()
        return max(0.0, min(now - self._segment_started, self._played))

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._player is None or self._player.done():
            self._player = asyncio.ensure_future(self._play())
        self._queue.put_nowait((self._cuts, frame))

    def flush(self) -> None:
        super().flush()
        self._queue.put_nowait((self._cuts, FLUSH))

    def pause(self) -> None:
        super().pause()
        if self._paused_at is None:
            self._paused_at = self.clock.now()
            self._running.clear()
            asyncio.ensure_future(self.paused())

    def resume(self) -> None:
        super().resume()
        if self._paused_at is None:
            return
        held = self.clock.now() - self._paused_at
        position = self.position
        if self._segment_started is not None:
            self._segment_started += held
        self._paused_at = None
        # a remote player dropped what it had buffered: send it again, from the frame that was playing
        again = [frame for offset, frame in self._ahead if offset + frame.duration > position] if self.lead else []
        asyncio.ensure_future(self._resume(again))

    def clear_buffer(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
        self._cuts += 1
        position, started = self.position, self._segment_started is not None
        self._segment_started, self._paused_at, self._ahead = None, None, []
        self._running.set()
        # the session waits for every reply it handed over to end, also one cut before its first frame played
        # (paused as the caller spoke again, or not yet taken by the player): unreported, it waits for ever
        while self._pending_playback_count:
            self.on_playback_finished(playback_position=position, interrupted=True)
        if started:
            asyncio.ensure_future(self._after_clear())

    async def aclose(self) -> None:
        if self._player is not None:
            self._player.cancel()

    async def _resume(self, again: list[rtc.AudioFrame]) -> None:
        await self.resumed()
        for frame in again:
            await self.deliver(frame)
        self._running.set()

    async def _after_clear(self) -> None:
        await self.cleared()
        await self.segment_finished(interrupted=True)

    async def _play(self) -> None:
        while True:
            cut, item = await self._queue.get()
            if item is FLUSH:
                if self._segment_started is None:
                    continue
                await self._sleep_until(self._played)
                if self._segment_started is None:  # cleared while the last frames played
                    continue
                played, self._segment_started, self._ahead = self._played, None, []
                self.on_playback_finished(playback_position=played, interrupted=False)
                await self.segment_finished(interrupted=False)
                continue
            frame: rtc.AudioFrame = item  # type: ignore[assignment]
            await self._running.wait()
            if cut != self._cuts:  # taken before a barge-in, held by a pause: the caller never hears it
                continue
            if self._segment_started is None:
                self._segment_started, self._played = self.clock.now(), 0.0
                self.first_audio_at.append(self._segment_started)
                self.on_playback_started(created_at=time.time())  # the session's metrics are wall-clock instants
                await self.segment_started()
            await self.deliver(frame)
            self._ahead = [entry for entry in self._ahead if entry[0] + entry[1].duration > self.position]
            self._ahead.append((self._played, frame))
            self._played += frame.duration
            await self._sleep_until(self._played - self.lead)

    async def _sleep_until(self, offset: float) -> None:
        """Until the segment has played to `offset`; time paused does not count."""
        while True:
            await self._running.wait()
            if self._segment_started is None:
                return
            delay = self._segment_started + offset - self.clock.now()
            if delay <= 0:
                return
            await self.clock.sleep(delay)
