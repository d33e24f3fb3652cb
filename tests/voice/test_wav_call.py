"""A whole phone call from caller WAV files through local speech, checked in the reservation database."""

from __future__ import annotations

import json
import wave

import httpx
import pytest

from roomiai.agent.runtime import deterministic_brain
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.config import Settings
from roomiai.voice.wav_call import run_wav_call

from ..conftest import SECRET, TODAY, headers

pytestmark = pytest.mark.voice

# no commas in the long line: espeak-ng pauses at each, and a pause longer than the VAD's silence splits the turn
BOOKING_CALL = [
    "I want to book a suite with a king bed for this weekend for two adults my name is Peter Parker and my phone "
    "is 917 555 0101.",
    "Yes.",
    "No.",
    "No.",
    "Yes please.",
]


@pytest.fixture
def call_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, _env_file=None)


async def test_a_booking_call_from_caller_wavs_books_the_room_in_the_database(call_settings, local_models, say, tmp_path):
    out = tmp_path / "out"
    report = await run_wav_call(call_settings, [say(line) for line in BOOKING_CALL], out, make_brain=deterministic_brain,
                                today=TODAY, models=local_models)

    confirmation = report["confirmation_number"]
    assert report["outcome"] == "booking_completed", json.dumps(report["turns"], indent=1)
    assert confirmation and confirmation.startswith("ROOMI-20260112-")
    container = build_container(call_settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)),
                                     base_url="http://roomi.test") as http:
            booking = (await http.get(f"/v1/bookings/{confirmation}", headers=headers("admin"))).json()
    finally:
        await container.db.dispose()
    assert booking["status"] == "confirmed"
    assert (booking["check_in_date"], booking["check_out_date"]) == ("2026-01-16", "2026-01-18")
    assert booking["room_type_code"] == "STE" and "King" in booking["bed"]
    assert booking["guest_last_name"] == "Parker"
    assert booking["booking_source"] == "voice_agent"
    # Roomi said the confirmation number out loud, and every reply was written as a WAV
    assert confirmation.split("-")[-1] in report["turns"][-1]["roomi"].replace(" ", "")
    assert [item["file"] for item in report["agent_wavs"]] == [f"agent_{n:02d}.wav" for n in range(len(report["agent_wavs"]))]
    with wave.open(str(out / "agent_00.wav")) as greeting:
        assert greeting.getnframes() / greeting.getframerate() > 1.0


async def test_call_json_times_every_answered_turn(call_settings, local_models, say, tmp_path):
    out = tmp_path / "out"
    await run_wav_call(call_settings, [say("What time is check out?")], out, make_brain=deterministic_brain,
                       today=TODAY, models=local_models)

    report = json.loads((out / "call.json").read_text())
    (turn,) = report["turns"]
    assert "check" in turn["caller_transcript"].lower()
    assert "11" in turn["roomi"]
    timings = turn["timings_ms"]
    for name in ("end_of_speech_to_first_audio", "stt", "brain", "tts_first_audio"):
        assert timings[name] is not None and timings[name] >= 0, name
    assert timings["end_of_speech_to_first_audio"] > timings["tts_first_audio"]
    assert report["speech"]["stt"] == "faster-whisper whisper-tiny.en"


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(call_settings, say, tmp_path, capsys):
    from roomiai.voice.wav_call import run

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status = run(call_settings, caller_wavs=[str(say("Hello."))], out_dir=str(blocker / "out"), today=None, brain=None)
    assert status == 2
    assert "roomi call: cannot write to" in capsys.readouterr().err
