"""The local ears and voices: Whisper hears a caller, Piper and espeak-ng speak, caller WAVs are checked."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from livekit import rtc

from roomiai.voice.local_speech import EspeakTTS, espeak_pcm, to_whisper_audio
from roomiai.voice.speech import Speech
from roomiai.voice.wav_io import CallerAudioError, read_caller_wav, trailing_silence

pytestmark = pytest.mark.voice


GRAND_HOTEL = {"name": "Grand Hotel", "room_types": [{"name": "Deluxe Room", "views": ["pool", "city"]},
                                                    {"name": "Suite", "views": ["ocean"]}]}


async def test_whisper_told_the_hotel_vocabulary_hears_a_caller_sentence(local_models, say):
    Speech(stt=local_models.stt, tts=local_models.tts, vad=local_models.vad, whisper=local_models.stt).listen_for(GRAND_HOTEL)
    assert "Grand Hotel" in local_models.stt.prompt and "pool view" in local_models.stt.prompt
    pcm = read_caller_wav(say("I would like to book a room for two nights."))
    text = local_models.stt.transcribe(pcm.astype(np.float32) / 32768.0).lower()
    for word in ("book", "room", "two nights"):
        assert word in text, text


async def test_piper_speaks_a_reply_as_16_bit_audio(local_models):
    assert local_models.voice.provider == "piper"
    events = [event async for event in local_models.voice.synthesize("Your room is booked.")]
    audio = b"".join(bytes(event.frame.data) for event in events)
    assert events[0].frame.sample_rate == 22050
    seconds = len(audio) / 2 / 22050
    assert 0.8 < seconds < 4.0
    assert np.abs(np.frombuffer(audio, np.int16)).max() > 1000


async def test_espeak_is_the_fallback_voice():
    events = [event async for event in EspeakTTS().synthesize("Thank you for calling.")]
    assert sum(event.frame.duration for event in events) > 0.5


async def test_espeak_takes_text_on_stdin_so_a_caller_cannot_inject_options():
    pcm, rate = await espeak_pcm("--version -w /tmp/x.wav")
    assert rate == 22050 and len(pcm) > 10000


def test_any_rate_and_channel_count_becomes_16_khz_mono():
    stereo = np.zeros((4410, 2), np.int16)
    frame = rtc.AudioFrame(stereo.tobytes(), 44100, 2, 4410)
    assert len(to_whisper_audio(frame)) == pytest.approx(1600, abs=20)


def test_a_caller_wav_is_resampled_and_its_trailing_silence_measured(tmp_path, say):
    pcm = read_caller_wav(say("Hello."))
    padded = np.concatenate([pcm, np.zeros(8000, np.int16)])
    assert trailing_silence(padded) == pytest.approx(trailing_silence(pcm) + 0.5, abs=0.03)


@pytest.mark.parametrize("problem, expected", [
    ("missing", "no such file"), ("not_wav", "not a WAV"), ("silent", "silent"), ("8bit", "16-bit"),
])
def test_unusable_caller_files_get_a_clear_error(tmp_path, problem, expected):
    path = tmp_path / f"{problem}.wav"
    if problem == "not_wav":
        path.write_text("hello")
    elif problem in ("silent", "8bit"):
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2 if problem == "silent" else 1)
            wav.setframerate(16000)
            wav.writeframes(b"\0" * 16000)
    with pytest.raises(CallerAudioError, match=expected):
        read_caller_wav(path)
