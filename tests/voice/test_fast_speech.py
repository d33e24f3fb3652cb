"""Speed levers of local speech: Whisper in a fitted window, speculative transcription, rendered phrases, and the
turn detector that keeps the faster turn-taking from cutting off a caller who pauses mid-sentence."""

from __future__ import annotations

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import llm, stt
from livekit.plugins import silero

from roomiai.config import Settings
from roomiai.voice.call import voice_turns
from roomiai.voice.local_speech import PhraseCache, fitted_window, loops, without_repeated_sentences
from roomiai.voice.speculative_stt import SpeculativeSTT
from roomiai.voice.speech import LocalModels, hotel_vocabulary
from roomiai.voice.turn_end import TranscriptTurnDetector, sounds_unfinished
from roomiai.voice.wav_io import read_caller_wav, trailing_silence

pytestmark = pytest.mark.voice

RATE = 16000


def voiced(pcm: np.ndarray) -> np.ndarray:
    """A caller clip without espeak-ng's trailing silence."""
    return pcm[: len(pcm) - int(trailing_silence(pcm) * RATE)]


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.int16)


async def transcribe_stream(adapter: SpeculativeSTT, pcm: np.ndarray) -> list[str]:
    """Feed a line to the adapter's stream in 20 ms frames, as a call does; the final transcripts it gave."""
    stream = adapter.stream()
    step = RATE // 50
    for start in range(0, len(pcm), step):
        chunk = pcm[start:start + step]
        stream.push_frame(rtc.AudioFrame(chunk.tobytes(), RATE, 1, len(chunk)))
    stream.end_input()
    finals = [event.alternatives[0].text async for event in stream
              if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT]
    await stream.aclose()
    return finals


def test_a_turn_is_encoded_in_a_window_of_at_least_ten_seconds_not_thirty():
    window = fitted_window(np.ones((80, 317), np.float32))  # 3.17 s of speech
    assert window.shape == (80, 1000)
    assert (window[:, :317] == 1).all() and (window[:, 317:] == 0).all()
    assert fitted_window(np.ones((80, 1250), np.float32)).shape == (80, 1400)  # whole seconds, a second's tail
    assert fitted_window(np.ones((80, 2990), np.float32)).shape == (80, 3000)  # never past Whisper's 30 s


def test_a_sentence_whisper_repeats_is_kept_once_and_a_loop_is_noticed():
    assert without_repeated_sentences("The family room. The family room. The family room.") == "The family room."
    assert without_repeated_sentences("Yes. No. Yes.") == "Yes. No. Yes."
    assert loops("It's 415, 155, 01, 01, 01,") and not loops("555, 867, 5309. Yes, yes.")


async def test_whisper_in_a_fitted_window_hears_what_the_full_window_hears(local_models, say):
    audio = read_caller_wav(say("I would like to book a room for two nights.")).astype(np.float32) / 32768.0
    whisper = local_models.stt
    assert whisper.fit_window
    prompt, whisper.prompt = whisper.prompt, hotel_vocabulary({"name": "Grand Hotel", "room_types": []})
    try:
        fitted = whisper.transcribe(audio).lower()
        whisper.fit_window = False
        full = whisper.transcribe(audio).lower()
    finally:
        whisper.fit_window, whisper.prompt = True, prompt
    for word in ("book", "room", "two nights"):
        assert word in fitted, fitted
    assert fitted.strip(" .") == full.strip(" ."), (fitted, full)
    assert local_models.stt.transcribe(np.zeros(RATE, np.float32)) == ""


async def test_a_speculative_transcript_is_used_when_the_caller_stays_quiet(local_models, say):
    adapter = SpeculativeSTT(stt=local_models.stt, vad=local_models.vad, speculate_after=0.1)
    line = np.concatenate([silence(0.3), voiced(read_caller_wav(say("I would like to book a room."))), silence(1.0)])
    finals = await transcribe_stream(adapter, line)
    assert len(finals) == 1 and "book a room" in finals[0].lower(), finals
    assert (adapter.counts.started, adapter.counts.used, adapter.counts.discarded) == (1, 1, 0)


async def test_a_speculative_transcript_is_discarded_when_the_caller_goes_on(local_models, say):
    # the VAD ends a turn after 0.6 s of silence; the caller pauses 0.3 s, after speculation has started
    patient = silero.VAD.load(min_silence_duration=0.6, activation_threshold=0.5)
    adapter = SpeculativeSTT(stt=local_models.stt, vad=patient, speculate_after=0.1)
    first = voiced(read_caller_wav(say("I would like to book a room")))
    rest = voiced(read_caller_wav(say("for the twentieth of January.")))
    finals = await transcribe_stream(adapter, np.concatenate([silence(0.3), first, silence(0.3), rest, silence(1.2)]))
    assert len(finals) == 1, finals
    assert "book a room" in finals[0].lower() and "january" in finals[0].lower(), finals
    assert adapter.counts.discarded >= 1 and adapter.counts.used == 1


def test_speculation_can_be_switched_off(local_models):
    models = LocalModels(stt=local_models.stt, voice=local_models.voice, vad=local_models.vad, load_seconds=0)
    assert models.speech().stt is local_models.stt  # livekit's own VAD adapter then transcribes after the silence
    models.speculate_after = 0.15
    assert isinstance(models.speech().stt, SpeculativeSTT)
    assert Settings(_env_file=None).stt_speculate_after_seconds == 0.15  # on by default (bench/README.md)


async def test_a_phrase_said_before_is_not_rendered_again(local_models):
    voice = local_models.voice
    assert voice.provider == "piper"
    phrase = "The harbour ferry to the lighthouse leaves at ten past seven."  # said by no other test: the models are shared

    async def render() -> bytes:
        return b"".join([bytes(event.frame.data) async for event in voice.synthesize(phrase)])

    hits = voice.cache.hits
    first = await render()
    assert voice.cache.hits == hits
    second = await render()
    assert voice.cache.hits == hits + 1
    assert second == first and len(first) > 22050  # the same audio, over half a second of it


def test_the_phrase_cache_forgets_the_least_recently_used_and_can_be_off():
    cache = PhraseCache(2)
    cache.put("one", b"1")
    cache.put("two", b"2")
    assert cache.get("one") == b"1"
    cache.put("three", b"3")
    assert cache.get("two") is None and cache.get("one") == b"1" and cache.get("three") == b"3"
    off = PhraseCache(0)
    off.put("one", b"1")
    assert off.get("one") is None


@pytest.mark.parametrize("heard", ["My name is", "My name is.", "It's 415 555.", "I'd like to book a room from",
                                   "The deluxe, with a", "Umm, the,"])
def test_words_that_stop_mid_sentence_sound_unfinished(heard):
    assert sounds_unfinished(heard)


@pytest.mark.parametrize("heard", ["Sarah Connor.", "555 867 5309", "Room 305.", "Yes.", "Is breakfast included?",
                                   "I'd like to book a room.", ""])
def test_a_finished_sentence_does_not(heard):
    assert not sounds_unfinished(heard)


async def test_the_turn_detector_holds_an_unfinished_turn_and_releases_a_finished_one():
    detector = TranscriptTurnDetector()
    threshold = await detector.unlikely_threshold("en")
    chat = llm.ChatContext()
    chat.add_message(role="assistant", content="May I have your name?")
    chat.add_message(role="user", content="My name is")
    assert await detector.predict_end_of_turn(chat) < threshold  # livekit then waits max_delay
    chat.add_message(role="user", content="Laura Bennett.")
    assert await detector.predict_end_of_turn(chat) >= threshold


def test_calls_use_the_turn_detector_with_the_longer_wait_for_unfinished_turns():
    turns = voice_turns(Settings(_env_file=None, unfinished_turn_seconds=1.5, endpointing_seconds=0.3))
    assert isinstance(turns["turn_detection"], TranscriptTurnDetector)
    assert (turns["endpointing"]["min_delay"], turns["endpointing"]["max_delay"]) == (0.3, 1.5)
    assert voice_turns(Settings(_env_file=None, unfinished_turn_seconds=0))["turn_detection"] == "vad"
