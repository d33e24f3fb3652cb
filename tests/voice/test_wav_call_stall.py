"""A WAV call's wait for Roomi's reply is bounded: a call stuck mid-reply is reported as stalled, never waited on forever.

The waits run on a clock the tests move by hand: nothing here sleeps or reads the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from roomiai.voice.wav_call import REPLY_LIMIT_SECONDS, CallStalled, until_roomi_is_quiet
from roomiai.voice.wav_io import ReplyRecorder

from .manual_clock import ManualClock, settle

pytestmark = pytest.mark.voice


class CallOnTheClock:
    """The part of a VoiceCall that until_roomi_is_quiet reads, its state set by the test and waits on the clock."""

    def __init__(self, clock: ManualClock, state: str) -> None:
        self.clock = clock
        self.agent_state = state
        self.finished = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> bool:
        waited = 0.0
        while not predicate() and waited < (timeout or 0):
            await self.clock.sleep(0.05)
            waited += 0.05
        return predicate()


def recorder_that_heard_her_start(clock: ManualClock) -> ReplyRecorder:
    replies = ReplyRecorder(clock=clock)
    replies.first_audio_at.append(clock.now())
    return replies


async def test_a_reply_that_never_ends_is_reported_as_stalled_at_the_limit():
    clock = ManualClock()
    call = CallOnTheClock(clock, "speaking")  # the session never leaves "speaking", as in the hang of issue 12
    waiting = asyncio.ensure_future(
        until_roomi_is_quiet(call, recorder_that_heard_her_start(clock), segments_before=0, clock=clock)
    )

    await clock.advance(REPLY_LIMIT_SECONDS - 1)
    assert not waiting.done()  # still within the limit: she may be reading back something long
    await clock.advance(2)
    with pytest.raises(CallStalled, match="speaking"):
        await waiting


async def test_a_long_reply_within_the_limit_is_waited_for():
    clock = ManualClock()
    call = CallOnTheClock(clock, "speaking")
    waiting = asyncio.ensure_future(
        until_roomi_is_quiet(call, recorder_that_heard_her_start(clock), segments_before=0, clock=clock, timeout=30)
    )

    await clock.advance(90)  # three times the silent time-out, all of it speaking
    assert not waiting.done()
    call.agent_state = "listening"
    await clock.advance(1)
    await settle()
    assert waiting.done() and waiting.result() is True


async def test_a_call_that_never_answers_is_not_answered_after_the_time_out():
    clock = ManualClock()
    call = CallOnTheClock(clock, "thinking")
    waiting = asyncio.ensure_future(
        until_roomi_is_quiet(call, ReplyRecorder(clock=clock), segments_before=0, clock=clock, timeout=30)
    )

    await clock.advance(29)
    assert not waiting.done()
    await clock.advance(2)
    assert waiting.done() and waiting.result() is False
