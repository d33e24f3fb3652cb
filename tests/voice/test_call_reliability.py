"""A provider that fails does not leave the caller in silence: an apology and another try, then the front desk."""

from __future__ import annotations

import pytest
from livekit.agents import APIConnectionError, stt, utils

from roomiai.agent.runtime import deterministic_brain
from roomiai.config import Settings
from roomiai.voice.speech import LocalModels
from roomiai.voice.call import SORRY_TRANSFER, SORRY_TRY_AGAIN
from roomiai.voice.wav_call import run_wav_call

from ..conftest import SECRET, TODAY
from .conftest import call_log

pytestmark = pytest.mark.voice


class BrokenEars(stt.STT):
    """Speech recognition whose provider is down: every attempt fails."""

    def __init__(self) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self.attempts = 0
        self.prompt = None

    async def _recognize_impl(self, buffer: utils.AudioBuffer, *, language=None, conn_options=None) -> stt.SpeechEvent:
        self.attempts += 1
        raise APIConnectionError("speech recognition is unreachable", retryable=True)


async def test_failing_speech_recognition_gets_an_apology_then_a_transfer_to_the_front_desk(local_models, say, tmp_path):
    ears = BrokenEars()
    broken = LocalModels(stt=ears, voice=local_models.voice, vad=local_models.vad, load_seconds=0)
    settings = Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, provider_timeout_seconds=2,
                        _env_file=None)
    turns = [say("I would like to book a room."), say("A room for next weekend, please."), say("Hello?")]
    report = await run_wav_call(settings, turns, tmp_path / "out", make_brain=deterministic_brain, today=TODAY,
                                models=broken)

    assert ears.attempts >= 2  # tried again before giving up on a turn
    assert report["transferred"] is True and report["outcome"] == "transferred"
    assert report["transferred_to"]  # the hotel's transfer number
    assert len(report["agent_wavs"]) >= 3  # greeting, the apology, the hand-over
    log = await call_log(settings, report["session_id"])
    roomi = [line["text"] for line in log["transcript"] if line["speaker"] == "agent"]
    assert SORRY_TRY_AGAIN in roomi and roomi[-1] == SORRY_TRANSFER
    assert log["outcome"] == "transferred"
    assert any(error["type"] == "provider_error" for error in log["errors"])
