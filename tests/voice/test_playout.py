"""Roomi's speech plays at the pace of a real speaker, a pause holds it, and a barge-in cuts it where the caller came in.

The playout runs on a clock the tests move by hand: nothing here sleeps or reads the wall clock.
"""

from __future__ import annotations

import asyncio

import pytest
from livekit import rtc

from roomiai.voice.playout import PacedAudioOutput
from roomiai.voice.wav_io import ReplyRecorder

from .manual_clock import ManualClock, settle

pytestmark = pytest.mark.voice


def frame(seconds: float = 0.1, rate: int = 16000, value: int = 1) -> rtc.AudioFrame:
    samples = int(rate * seconds)
    return rtc.AudioFrame(value.to_bytes(2, "little") * samples, rate, 1, samples)


class Speaker(PacedAudioOutput):
    """A remote player: frames delivered ahead of the playout clock, as the call page gets them."""

    def __init__(self, clock: ManualClock, lead: float):
        super().__init__(label="test-speaker", lead=lead, clock=clock)
        self.delivered: list[int] = []
        self.events: list[str] = []

    async def deliver(self, frame: rtc.AudioFrame) -> None:
        self.delivered.append(int.from_bytes(bytes(frame.data)[:2], "little"))

    async def paused(self) -> None:
        self.events.append("paused")

    async def resumed(self) -> None:
        self.events.append("resumed")


async def test_a_segment_finishes_when_it_has_played_not_when_it_was_handed_over():
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    for _ in range(5):
        await out.capture_frame(frame(0.1))
    out.flush()
    await clock.advance(0.45)
    assert out.interrupted == [False] and len(out.segments[0]) == 5  # all handed over, not yet played
    assert out.position == pytest.approx(0.45)
    await clock.advance(0.1)
    finished = await out.wait_for_playout()
    assert finished.interrupted is False and finished.playback_position == pytest.approx(0.5)


async def test_clearing_the_buffer_interrupts_the_segment_at_the_current_position():
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    for _ in range(20):
        await out.capture_frame(frame(0.1))
    await clock.advance(0.35)
    out.clear_buffer()
    finished = await out.wait_for_playout()
    assert finished.interrupted is True
    assert finished.playback_position == pytest.approx(0.35)
    await settle()
    assert out.interrupted == [True]
    assert len(out.segments[0]) == 4  # what was never played was dropped


async def test_a_pause_holds_the_playout_and_a_resume_goes_on_where_it_stopped():
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    for _ in range(10):
        await out.capture_frame(frame(0.1))
    out.flush()
    await clock.advance(0.25)
    out.pause()
    await clock.advance(2.0)  # the caller said "uh-huh": nothing plays meanwhile
    assert out.position == pytest.approx(0.25)
    assert len(out.segments[0]) == 3
    out.resume()
    await clock.advance(0.5)
    assert out.position == pytest.approx(0.75)
    await clock.advance(0.3)
    finished = await out.wait_for_playout()
    assert finished.interrupted is False and finished.playback_position == pytest.approx(1.0)
    assert len(out.segments[0]) == 10


async def test_what_a_remote_player_had_buffered_at_a_pause_is_delivered_again_on_resume():
    clock = ManualClock()
    out = Speaker(clock, lead=0.25)
    for number in range(1, 11):
        await out.capture_frame(frame(0.1, value=number))
    await clock.advance(0.15)  # frame 2 is playing; frames up to 4 are already on the page
    assert out.delivered == [1, 2, 3, 4]
    out.pause()
    await settle()
    await clock.advance(1.0)
    assert out.delivered == [1, 2, 3, 4] and out.events == ["paused"]
    out.resume()
    await settle()
    assert out.delivered[4:6] == [2, 3]  # the page dropped them at the pause: sent again, from the one playing
    assert out.events == ["paused", "resumed"]


async def test_a_barge_in_during_a_pause_ends_the_segment_where_the_pause_began():
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    for _ in range(10):
        await out.capture_frame(frame(0.1))
    await clock.advance(0.3)
    out.pause()
    await clock.advance(1.0)
    out.clear_buffer()
    finished = await out.wait_for_playout()
    assert finished.interrupted is True and finished.playback_position == pytest.approx(0.3)


async def test_a_reply_paused_before_its_first_audio_and_then_cut_still_reports_its_end():
    # the caller spoke again as Roomi's answer was about to start: held at once, then their words cut it
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    out.pause()
    for _ in range(5):
        await out.capture_frame(frame(0.1, value=7))
    out.flush()
    await settle()
    out.clear_buffer()
    finished = await asyncio.wait_for(out.wait_for_playout(), timeout=5)  # the session waits on this, for ever
    assert finished.interrupted is True and finished.playback_position == 0.0
    for _ in range(3):
        await out.capture_frame(frame(0.1, value=1))
    out.flush()
    await clock.advance(0.35)
    finished = await asyncio.wait_for(out.wait_for_playout(), timeout=5)  # the next answer plays and ends on its own
    assert finished.interrupted is False and finished.playback_position == pytest.approx(0.3)
    assert [[int.from_bytes(bytes(f.data)[:2], "little") for f in s] for s in out.segments] == [[1, 1, 1]]


async def test_a_reply_cut_before_the_player_took_its_first_frame_reports_its_end():
    clock = ManualClock()
    out = ReplyRecorder(clock=clock)
    for _ in range(5):
        await out.capture_frame(frame(0.1))
    out.clear_buffer()
    finished = await asyncio.wait_for(out.wait_for_playout(), timeout=5)
    assert finished.interrupted is True and finished.playback_position == 0.0
    await clock.advance(1.0)
    assert out.segments == []  # nothing of it reached the line
