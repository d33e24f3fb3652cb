"""How sure Whisper is of a caller's turn: one number in [0, 1] that travels with the transcript to the brain."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from livekit import rtc

from roomiai.agent.brain.heard import UNSURE_BELOW
from roomiai.voice.stt_confidence import from_logprob, from_segments
from roomiai.voice.wav_io import read_caller_wav

pytestmark = pytest.mark.voice


def segment(avg_logprob: float, tokens: int) -> SimpleNamespace:
    return SimpleNamespace(avg_logprob=avg_logprob, tokens=list(range(tokens)))


def test_an_average_log_probability_is_the_geometric_mean_token_probability():
    assert from_logprob(0.0) == 1.0
    assert from_logprob(math.log(0.5)) == pytest.approx(0.5)
    assert from_logprob(-40.0) == pytest.approx(0.0, abs=1e-12)
    assert from_logprob(float("nan")) == 0.0


def test_segments_count_by_their_tokens():
    confident, unsure = math.log(0.9), math.log(0.3)
    combined = from_segments([segment(confident, 30), segment(unsure, 10)])
    assert combined == pytest.approx(math.exp((30 * confident + 10 * unsure) / 40))
    assert from_segments([]) == 0.0


@pytest.fixture
def whisper(local_models):
    """The shared Whisper without a hotel's prompt (other tests set one), restored afterwards."""
    ears = local_models.stt
    prompt, ears.prompt = ears.prompt, None
    yield ears
    ears.prompt = prompt


async def test_whisper_is_less_sure_of_a_caller_on_a_noisy_line(whisper, say):
    clean = read_caller_wav(say("What time is check out?")).astype(np.float32) / 32768.0
    noisy = clean + np.random.default_rng(7).normal(0, 0.2, len(clean)).astype(np.float32)

    heard, misheard = whisper.hear(clean), whisper.hear(noisy)

    assert "check" in heard.text.lower()
    assert heard.confidence >= UNSURE_BELOW > misheard.confidence, (heard, misheard)


async def test_the_speech_event_carries_whispers_confidence(whisper, say):
    """What livekit averages into the caller's ChatMessage.transcript_confidence."""
    pcm = read_caller_wav(say("What time is check out?"))
    frame = rtc.AudioFrame(pcm.tobytes(), 16000, 1, len(pcm))
    event = await whisper.recognize(buffer=frame)
    (alternative,) = event.alternatives
    assert alternative.confidence == pytest.approx(whisper.hear(pcm.astype(np.float32) / 32768.0).confidence)
    assert 0.0 < alternative.confidence < 1.0  # not the constant 1.0 it used to be
