"""Conversation on a real line, on WAV calls through local speech: the caller may talk at any time, listening noises
do not stop Roomi, a cut reply is logged as cut, silence and long calls end politely, the recording notice is honoured.

Timers run on a clock the tests move by hand; no assertion here reads the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from roomiai.agent.runtime import connect_api, deterministic_brain
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.config import Settings
from roomiai.voice.call import CUT_OFF, Transport, VoiceCall, start_voice_call
from roomiai.voice.call_timers import SILENT_GOODBYE, STILL_THERE, TIME_NEARLY_UP, TIME_UP
from roomiai.voice.speech import speech_for
from roomiai.voice.wav_io import CallerAudio, ReplyRecorder, read_caller_wav

from ..conftest import SECRET, TODAY, headers
from .conftest import call_log
from .manual_clock import ManualClock, settle

pytestmark = pytest.mark.voice
NOTICE = "This call is recorded to help us serve you."


@pytest.fixture
def call_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, _env_file=None)


class Line:
    """One call on WAV audio: the caller's microphone, Roomi's recorded replies, the call."""

    def __init__(self, call: VoiceCall, caller: CallerAudio, replies: ReplyRecorder, clock: ManualClock | None):
        self.call, self.caller, self.replies, self.clock = call, caller, replies, clock

    async def until(self, predicate: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
        """Wait until predicate() holds; the time-out only stops a broken call from hanging the run."""
        async def polled() -> None:
            while not predicate():
                await asyncio.sleep(0.05)
        try:
            await asyncio.wait_for(polled(), timeout)
        except TimeoutError:
            pytest.fail(f"never happened: {what}; Roomi said {self.said()!r}")

    async def until_finished(self, segments: int, what: str) -> None:
        await self.until(lambda: self.replies.finished_segments >= segments and self.call.agent_state == "listening",
                         what)

    async def until_speaking(self, segments: int) -> None:
        await self.until(lambda: len(self.replies.first_audio_at) >= segments, f"Roomi's reply number {segments}")

    def said(self) -> list[str]:
        return [item.text_content for item in self.call.session.history.items
                if item.type == "message" and item.role == "assistant"]


@asynccontextmanager
async def phone_call(settings: Settings, local_models, *, clock: ManualClock | None = None,
                     voice: dict[str, Any] | None = None) -> AsyncIterator[Line]:
    async with connect_api(settings, today=TODAY) as (api, today):
        if voice:
            await set_voice_settings(settings, voice)
        caller, replies = CallerAudio(), ReplyRecorder()
        transport = Transport(audio_input=caller, audio_output=replies, name="conversation test")
        async with start_voice_call(api, today=today, make_brain=deterministic_brain,
                                    speech=speech_for(settings, local_models), transport=transport, settings=settings,
                                    clock=clock) as call:
            yield Line(call, caller, replies, clock)
            caller.close()


async def set_voice_settings(settings: Settings, voice: dict[str, Any]) -> None:
    """What an admin sets in the hotel's voice settings (PUT /v1/admin/settings)."""
    container = build_container(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)),
                                     base_url="http://roomi.test") as http:
            response = await http.put("/v1/admin/settings", json={"voice_agent_settings": voice},
                                      headers=headers("admin"))
            assert response.status_code == 200, response.text
    finally:
        await container.db.dispose()


def agent_lines(log: dict) -> list[str]:
    return [line["text"] for line in log["transcript"] if line["speaker"] == "agent"]


async def test_a_caller_who_talks_over_the_greeting_is_heard_answered_and_the_tools_are_logged(
        call_settings, local_models, say):
    async with phone_call(call_settings, local_models) as line:
        await line.until_speaking(1)
        await line.caller.speak(read_caller_wav(say("What time is check out?")))
        await line.until_finished(2, "the greeting cut and an answer")
        answer = line.said()[-1]
        await line.caller.speak(read_caller_wav(say("Purple monkey dishwasher.")))
        await line.until_finished(3, "a second answer")
        session_id, call = line.call.state.session_id, line.call
    assert line.replies.interrupted[0] is True  # the greeting stopped when the caller spoke
    assert "check" in call.turns[0].caller.lower() and "11" in answer
    log = await call_log(call_settings, session_id)
    greeting = agent_lines(log)[0]
    assert greeting.endswith(CUT_OFF) and greeting.startswith("Thank")
    spoken = greeting.removesuffix(CUT_OFF)
    assert len(spoken) < len(call.greeting)  # only the words she said before the caller came in
    assert call.greeting.startswith(spoken.rstrip(" .,"))
    assert log["outcome"] != "abandoned"
    used = log["entities_extracted"].get("tools_used", [])  # where the desk's call page reads them
    check_out = [tool for tool in used if tool["name"] == "hotel_info" and "11" in tool["result"]]
    assert check_out and check_out[0]["ok"] is True and check_out[0]["turn"] == 1, used
    not_understood = [error for error in log["errors"] if error["type"] == "not_understood"]
    assert not_understood and "monkey" in not_understood[0]["message"].lower()


async def test_a_backchannel_does_not_stop_roomi_and_a_barge_in_cuts_her_reply(call_settings, local_models, say):
    async with phone_call(call_settings, local_models) as line:
        await line.until_speaking(1)
        await line.caller.speak(read_caller_wav(say("Okay.")))  # over the greeting
        await line.until_finished(1, "the whole greeting")
        greeting_cut, turns_after_backchannel = line.replies.interrupted[0], len(line.call.turns)
        await line.caller.speak(read_caller_wav(say("Purple monkey dishwasher.")))  # a long "what would you like"
        await line.until_speaking(2)
        await line.caller.speak(read_caller_wav(say("Sorry what time is check out?")))
        await line.until_finished(3, "the long answer cut and the check-out answer")
        said, session_id, call = line.said(), line.call.state.session_id, line.call
    assert greeting_cut is False and turns_after_backchannel == 0  # "okay" was not a turn and did not stop her
    assert line.replies.interrupted[1] is True
    assert "11" in said[-1]
    log = await call_log(call_settings, session_id)
    roomi = agent_lines(log)
    assert roomi[0] == call.greeting  # heard in full, logged once
    cut = [text for text in roomi if text.endswith(CUT_OFF)]
    assert len(cut) == 1 and cut[0].startswith("Sorry")
    assert "What would you like to do?" not in cut[0]  # the end of that answer was never said
    assert len([text for text in roomi if text.startswith("Sorry")]) == 1  # and is not logged a second time


async def test_silence_is_asked_about_then_roomi_says_goodbye_and_the_call_is_abandoned(call_settings, local_models):
    clock = ManualClock()
    async with phone_call(call_settings, local_models, clock=clock) as line:
        await line.until_finished(1, "the greeting")
        await clock.advance(5.5)
        assert len(line.replies.first_audio_at) == 1  # not yet
        await clock.advance(0.5)
        await line.until_finished(2, "are you still there")
        await clock.advance(9.5)
        assert len(line.replies.first_audio_at) == 2
        await clock.advance(0.5)
        await line.until(line.call.finished.is_set, "the call ending")
        said, session_id, greeting = line.said(), line.call.state.session_id, line.call.greeting
    asked = f"{STILL_THERE} How can I help you today?"  # her last question again, so a "yes" answers it
    assert said[1:] == [asked, SILENT_GOODBYE]
    assert NOTICE in greeting  # the hotel records calls by default, and says so
    log = await call_log(call_settings, session_id)
    assert log["outcome"] == "abandoned"
    assert agent_lines(log) == [greeting, asked, SILENT_GOODBYE]


async def test_a_call_at_the_hotels_time_limit_is_offered_then_put_through_and_an_unrecorded_call_keeps_no_transcript(
        call_settings, local_models):
    settings = call_settings.model_copy(update={"silence_prompt_seconds": 100.0, "silence_goodbye_seconds": 100.0})
    clock = ManualClock()
    async with phone_call(settings, local_models, clock=clock,
                          voice={"max_call_duration": 120, "record_calls": False}) as line:
        await line.until_finished(1, "the greeting")
        await clock.advance(60)
        await line.until_finished(2, "the offer of the front desk")
        await clock.advance(60)
        await line.until(line.call.finished.is_set, "the transfer")
        said, session_id, state, greeting = line.said(), line.call.state.session_id, line.call.state, line.call.greeting
    assert said[1:] == [TIME_NEARLY_UP, TIME_UP]
    assert state.transferred and state.outcome == "transferred"
    assert NOTICE not in greeting and "recorded" not in greeting
    log = await call_log(settings, session_id)
    assert log["outcome"] == "transferred"
    assert log["transcript"] == []  # nothing the caller or Roomi said is kept when the hotel does not record


async def test_the_recording_notice_is_the_hotels_own_words(call_settings, local_models):
    clock = ManualClock()
    async with phone_call(call_settings, local_models, clock=clock,
                          voice={"recording_notice": "We record calls for training."}) as line:
        await settle()
        greeting = line.call.greeting
    assert greeting.endswith("this is Roomi. We record calls for training. How can I help you today?")
