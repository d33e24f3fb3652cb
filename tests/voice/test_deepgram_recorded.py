"""Deepgram speech as `speech_for` builds it, against recorded Deepgram exchanges replayed on 127.0.0.1.

The listen and speak WebSockets are served by tests/voice/deepgram_replay.py from
tests/voice/fixtures/deepgram_recorded; ROOMIAI_DEEPGRAM_URL points the plugins at it. The fallback tests make
Deepgram unreachable (a closed port) or failing (a refused key, an error frame) and check that the call still
answers the caller with local speech.
"""

from __future__ import annotations

import json

import aiohttp
import numpy as np
import pytest
from livekit import rtc
from livekit.agents import stt
from livekit.agents.utils import http_context
from livekit.plugins import deepgram

from roomiai.agent.runtime import deterministic_brain
from roomiai.config import Settings
from roomiai.voice.call import SORRY_TRANSFER, SORRY_TRY_AGAIN
from roomiai.voice.speech import DEEPGRAM_URL_ENV, KEYTERMS, STAFF_KEYTERMS, hotel_keyterms, speech_for
from roomiai.voice.wav_call import run_wav_call
from roomiai.voice.wav_io import LINE_RATE, read_caller_wav

from ..conftest import SECRET, TODAY
from .deepgram_replay import DeepgramReplay, closed_port, record_listen, record_speak, recorded, voice_chunks

pytestmark = pytest.mark.voice

KEY = "dg-test-0123456789abcdef"
QUESTION = "What time is check out?"
RECORDED_ANSWER = recorded("listen_check_out_time")["utterances"][0]["transcript"]


@pytest.fixture
def deepgram_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, speech="deepgram",
                    deepgram_api_key=KEY, _env_file=None)


def caller_frames(pcm: np.ndarray, *, silence: float = 1.0) -> list[rtc.AudioFrame]:
    """The caller's turn and a second of line silence, as the 20 ms frames a call delivers."""
    audio = np.concatenate([pcm, np.zeros(int(LINE_RATE * silence), np.int16)])
    step = LINE_RATE // 50
    return [rtc.AudioFrame(audio[i:i + step].tobytes(), LINE_RATE, 1, len(audio[i:i + step]))
            for i in range(0, len(audio), step)]


async def transcribe(ears: stt.STT, frames: list[rtc.AudioFrame]) -> list[stt.SpeechEvent]:
    """Every speech event a stream gives for these frames, the stream closed as a call's end closes it."""
    stream = ears.stream()
    for frame in frames:
        stream.push_frame(frame)
    stream.end_input()
    events = [event async for event in stream]
    await stream.aclose()
    return events


def finals(events: list[stt.SpeechEvent]) -> list[str]:
    return [event.alternatives[0].text for event in events if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT]


# ---------------------------------------------------------------- Deepgram answering


async def test_deepgram_ears_from_speech_for_hear_the_recorded_transcript(deepgram_settings, local_models, say,
                                                                           monkeypatch):
    pcm = read_caller_wav(say(QUESTION))
    async with DeepgramReplay() as replay, aiohttp.ClientSession() as http:
        monkeypatch.setenv(DEEPGRAM_URL_ENV, replay.url)
        speech = speech_for(deepgram_settings, local_models, http_session=http)
        events = await transcribe(speech.stt, caller_frames(pcm))

    kinds = [event.type for event in events if event.type != stt.SpeechEventType.RECOGNITION_USAGE]
    assert kinds == [stt.SpeechEventType.START_OF_SPEECH, stt.SpeechEventType.INTERIM_TRANSCRIPT,
                     stt.SpeechEventType.INTERIM_TRANSCRIPT, stt.SpeechEventType.FINAL_TRANSCRIPT,
                     stt.SpeechEventType.END_OF_SPEECH]
    assert finals(events) == [RECORDED_ANSWER] == ["What time is check out?"]
    final = next(event for event in events if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT)
    assert [str(word) for word in final.alternatives[0].words] == ["What", "time", "is", "check", "out?"]
    assert final.alternatives[0].start_time > 0  # the recorded times, moved to where this caller began

    (listen,) = replay.listens  # Deepgram served the whole turn: no fallback, no reconnection
    assert listen.authorization == f"Token {KEY}"
    assert listen.param("model") == "nova-3"
    assert listen.query["keyterm"] == KEYTERMS
    assert (listen.param("language"), listen.param("encoding"), listen.param("sample_rate"),
            listen.param("channels")) == ("en-US", "linear16", "16000", "1")
    assert (listen.param("interim_results"), listen.param("vad_events"), listen.param("punctuate")) == \
        ("true", "true", "true")
    # low latency: interim results while the caller speaks, the final 25 ms into a pause (livekit's VAD ends turns)
    assert (listen.param("endpointing"), listen.param("no_delay")) == ("25", "true")
    assert abs(listen.audio_seconds - sum(frame.duration for frame in caller_frames(pcm))) < 0.06
    assert listen.controls[-1] == "CloseStream"
    assert [message["type"] for message in listen.sent] == \
        ["SpeechStarted", "Results", "Results", "Results", "Metadata"]
    assert listen.sent_of("Metadata")[0]["duration"] == pytest.approx(listen.audio_seconds, abs=0.01)


async def test_deepgram_sends_utterance_end_only_when_the_client_asks_for_it(say):
    """The replay's UtteranceEnd (vad_events + utterance_end_ms), as the plugin turns it into the end of speech."""
    pcm = read_caller_wav(say(QUESTION))
    async with DeepgramReplay() as replay, aiohttp.ClientSession() as http:
        ears = deepgram.STT(api_key=KEY, model="nova-3", keyterm=KEYTERMS, utterance_end_ms=1000, http_session=http,
                            base_url=f"{replay.url}/v1/listen")
        events = await transcribe(ears, caller_frames(pcm, silence=1.5))

    (listen,) = replay.listens
    assert listen.param("utterance_end_ms") == "1000"
    assert [message["type"] for message in listen.sent][-2:] == ["UtteranceEnd", "Metadata"]
    utterance_end = listen.sent_of("UtteranceEnd")[0]
    last_word = listen.sent_of("Results")[-1]["channel"]["alternatives"][0]["words"][-1]
    assert utterance_end["last_word_end"] == last_word["end"]
    assert finals(events) == [RECORDED_ANSWER]
    assert [event.type for event in events].count(stt.SpeechEventType.END_OF_SPEECH) == 1


async def test_deepgram_voice_from_speech_for_streams_what_was_asked(deepgram_settings, local_models, monkeypatch):
    reply = "Check-out is by 11 AM. Late check-out until 2 PM can be arranged, subject to availability."
    async with DeepgramReplay() as replay, aiohttp.ClientSession() as http:
        monkeypatch.setenv(DEEPGRAM_URL_ENV, replay.url)
        speech = speech_for(deepgram_settings, local_models, http_session=http)
        stream = speech.tts.stream()
        stream.push_text(reply)
        stream.end_input()
        frames = [event.frame async for event in stream]
        await stream.aclose()

    (speak,) = replay.speaks
    assert speak.authorization == f"Token {KEY}"
    assert (speak.param("model"), speak.param("encoding"), speak.param("sample_rate")) == \
        ("aura-2-thalia-en", "linear16", "24000")
    assert "".join(speak.texts).split() == reply.split()  # the plugin sends word by word
    assert [text.strip() for text in speak.flushed_texts] == [reply]
    assert speak.controls[0] == "Flush"
    assert [message["type"] for message in speak.sent] == ["Metadata", "Flushed"]

    assert frames and {(frame.sample_rate, frame.num_channels) for frame in frames} == {(24000, 1)}
    heard = b"".join(bytes(frame.data) for frame in frames)
    assert len(heard) == speak.audio_bytes
    assert heard == b"".join(voice_chunks(speak.flushed_texts[0], 24000, replay.seconds_per_character))


async def test_a_call_with_deepgram_speech_answers_the_caller(deepgram_settings, local_models, say, tmp_path,
                                                               monkeypatch):
    """The whole call through Deepgram, as `roomi call` runs it: no LiveKit job, the call opens its HTTP context."""
    async with DeepgramReplay() as replay:
        monkeypatch.setenv(DEEPGRAM_URL_ENV, replay.url)
        report = await run_wav_call(deepgram_settings, [say(QUESTION)], tmp_path / "out",
                                    make_brain=deterministic_brain, today=TODAY, models=local_models)

    (turn,) = report["turns"]
    assert turn["answered"], json.dumps(turn, indent=1)
    assert turn["caller_transcript"] == RECORDED_ANSWER  # Deepgram's words, not Whisper's
    assert "11" in turn["roomi"] and not report["transferred"]
    assert report["speech"]["stt"].startswith("deepgram nova-3")
    (listen,) = replay.listens
    assert listen.param("model") == "nova-3"
    keyterms = listen.query["keyterm"]  # the hotel's own words first, as the call's hotel_info gave them
    assert keyterms[:5] == ["Grand Hotel", "Standard Room", "Deluxe Room", "Suite", "Family Room"]
    assert "Ocean Drive" in keyterms and set(KEYTERMS + STAFF_KEYTERMS) <= set(keyterms)
    assert listen.sent_of("Results")[-1]["is_final"]
    spoken = [text.strip() for speak in replay.speaks for text in speak.flushed_texts if text.strip()]
    assert spoken[0].startswith("Thank you for calling Grand Hotel")  # the greeting
    assert spoken[-1] == turn["roomi"]  # her answer, in Deepgram's voice
    assert [item["file"] for item in report["agent_wavs"]] == ["agent_00.wav", "agent_01.wav"]


def test_hotel_keyterms_are_its_name_rooms_packages_and_street_then_common_words():
    facts = {"name": "Harbour View B&B", "address": "12 Kade Street, Harlingen, 8861 AB",
             "room_types": [{"name": "Harbour Room"}, {"name": "Attic  Suite"}], "packages": [{"name": "Wadden Tour"}]}
    terms = hotel_keyterms(facts)
    assert terms[:5] == ["Harbour View B&B", "Harbour Room", "Attic Suite", "Wadden Tour", "Kade Street"]
    assert terms[5:] == [term for term in KEYTERMS + STAFF_KEYTERMS]
    assert hotel_keyterms({})[0] == KEYTERMS[0]  # nothing known: the common words alone


async def test_a_confirmation_number_deepgram_is_unsure_of_is_read_back_before_the_lookup(
        deepgram_settings, local_models, say, tmp_path, monkeypatch):
    """Deepgram's confidence (0.41 on the number and name) reaches the brain, which asks before it looks anything up."""
    lines = ["I would like to cancel my booking.", "It is ROOMI 2026 0112 001 last name Bennett.", "Yes."]
    async with DeepgramReplay(listen="listen_unsure_booking_lookup") as replay:
        monkeypatch.setenv(DEEPGRAM_URL_ENV, replay.url)
        report = await run_wav_call(deepgram_settings, [say(line) for line in lines], tmp_path / "out",
                                    make_brain=deterministic_brain, today=TODAY, models=local_models)

    first, unsure, yes = report["turns"]
    assert first["answered"] and "confirmation number" in first["roomi"], json.dumps(report["turns"], indent=1)
    assert unsure["caller_transcript"] == "It's Roomi 2026 0112 001, last name Bennett."
    assert unsure["roomi"] == ("Just to be sure, I heard the confirmation number R O O M I, 2 0 2 6 0 1 1 2, 0 0 1 and "
                               "the last name Bennett, B E N N E T T. Is that right?")
    assert unsure["tools"] == []  # nothing was looked up on a guess
    assert yes["tools"] == ["find_booking"]


async def test_the_recorder_for_new_fixtures_speaks_both_protocols(say):
    """deepgram_replay's recorder (README: re-recording with a real key), run against the replay itself."""
    async with DeepgramReplay() as replay:
        heard = await record_listen(replay.url, KEY, say(QUESTION), {"model": "nova-3", "encoding": "linear16",
                                                                      "sample_rate": "16000", "vad_events": "true",
                                                                      "interim_results": "true"})
        spoken = await record_speak(replay.url, KEY, "Check-out is at 11 AM.",
                                    {"model": "aura-2-thalia-en", "encoding": "linear16", "sample_rate": "24000"})

    kinds = [item["message"]["type"] for item in heard["received"]]
    assert kinds == ["SpeechStarted", "Results", "Results", "Results", "Metadata"]
    clocks = [item["audio_clock"] for item in heard["received"]]
    assert clocks == sorted(clocks) and clocks[0] > 0
    assert [message["type"] for message in spoken["received"]] == ["Metadata", "Flushed"]
    assert spoken["audio_bytes"] == replay.speaks[0].audio_bytes > 0
    assert replay.listens[0].authorization == replay.speaks[0].authorization == f"Token {KEY}"


# ---------------------------------------------------------------- cloud → local speech


def assert_answered_by_local_speech(report: dict) -> None:
    (turn,) = report["turns"]
    assert turn["answered"], json.dumps(turn, indent=1)
    assert "check" in turn["caller_transcript"].lower()
    assert "11" in turn["roomi"]
    assert SORRY_TRY_AGAIN not in turn["roomi"] and SORRY_TRANSFER not in turn["roomi"]
    assert not report["transferred"]
    assert report["agent_wavs"] and report["agent_wavs"][0]["seconds"] > 1.0  # the greeting, in the local voice


async def test_unreachable_deepgram_falls_back_to_local_speech(deepgram_settings, local_models, say, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv(DEEPGRAM_URL_ENV, f"http://127.0.0.1:{closed_port()}")
    async with http_context.open():
        report = await run_wav_call(deepgram_settings, [say(QUESTION)], tmp_path / "out",
                                    make_brain=deterministic_brain, today=TODAY, models=local_models)

    assert_answered_by_local_speech(report)


async def test_deepgram_refusing_the_key_and_failing_to_speak_falls_back_to_local_speech(
        deepgram_settings, local_models, say, tmp_path, monkeypatch):
    async with DeepgramReplay(listen="reject", speak="error") as replay:
        monkeypatch.setenv(DEEPGRAM_URL_ENV, replay.url)
        async with http_context.open():
            report = await run_wav_call(deepgram_settings, [say(QUESTION)], tmp_path / "out",
                                        make_brain=deterministic_brain, today=TODAY, models=local_models)

    assert_answered_by_local_speech(report)
    assert replay.listens and not any(listen.upgraded for listen in replay.listens)  # 401, as recorded
    assert all(listen.authorization == f"Token {KEY}" for listen in replay.listens)
    assert replay.speaks and all(speak.sent[-1]["type"] == "Error" for speak in replay.speaks if speak.controls)
    assert "".join(replay.speaks[0].texts).startswith("Thank you for calling")  # the greeting was tried on Deepgram
