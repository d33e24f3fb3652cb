"""Roomi's speech plays at the pace of a real speaker, and a barge-in cuts it where the caller came in."""

from __future__ import annotations

import asyncio
import time

import pytest
from livekit import rtc

from roomiai.voice.wav_io import ReplyRecorder

pytestmark = pytest.mark.voice


def frame(seconds: float = 0.1, rate: int = 16000) -> rtc.AudioFrame:
    samples = int(rate * seconds)
    return rtc.AudioFrame(b"\1\0" * samples, rate, 1, samples)


async def test_a_segment_finishes_when_it_has_played_not_when_it_was_handed_over():
    out = ReplyRecorder()
    started = time.monotonic()
    for _ in range(5):
        await out.capture_frame(frame(0.1))
    out.flush()
    handed_over = time.monotonic() - started
    finished = await out.wait_for_playout()
    assert handed_over < 0.45 <= time.monotonic() - started
    assert finished.interrupted is False and finished.playback_position == pytest.approx(0.5)
    assert out.interrupted == [False] and len(out.segments[0]) == 5


async def test_clearing_the_buffer_interrupts_the_segment_at_the_current_position():
    out = ReplyRecorder()
    for _ in range(20):
        await out.capture_frame(frame(0.1))
    await asyncio.sleep(0.3)
    out.clear_buffer()
    finished = await out.wait_for_playout()
    assert finished.interrupted is True
    assert 0.2 < finished.playback_position < 0.6
    await asyncio.sleep(0.05)
    assert out.interrupted == [True]
    assert len(out.segments[0]) < 20  # what was never played was dropped
