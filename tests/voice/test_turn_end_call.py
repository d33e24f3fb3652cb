"""A caller who pauses mid-sentence on a WAV call through local speech is heard as one turn, not answered in the pause.

No assertion reads a clock: the call's turns are counted (livekit's endpointing waits on its own event-loop timers).
"""

from __future__ import annotations

import re
import subprocess
import wave

import numpy as np
import pytest

from roomiai.agent.runtime import deterministic_brain
from roomiai.config import Settings
from roomiai.voice.wav_call import run_wav_call
from roomiai.voice.wav_io import SILENCE_LEVEL, read_caller_wav

from ..conftest import SECRET, TODAY
from .conftest import CALLER_VOICE

pytestmark = pytest.mark.voice
RATE = 16000
PAUSE_SECONDS = 0.8  # more than the VAD's silence and the short endpointing delay together


def paused_turn(folder, parts: list[str], pause: float):
    """One caller turn spoken in parts with `pause` seconds of silence between them, as a WAV."""
    pieces = []
    for number, text in enumerate(parts):
        path = folder / f"part_{number}.wav"
        subprocess.run(["espeak-ng", "-v", CALLER_VOICE, "-s", "160", "-w", str(path), text], check=True)
        pcm = read_caller_wav(path)
        voiced = np.flatnonzero(np.abs(pcm) >= SILENCE_LEVEL)
        pieces += [pcm[: voiced[-1] + 1], np.zeros(int(RATE * pause), np.int16)]
    out = folder / "paused.wav"
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(np.concatenate(pieces[:-1] + [np.zeros(RATE // 2, np.int16)]).tobytes())
    return out


async def test_a_caller_who_pauses_after_my_name_is_is_heard_as_one_turn(local_models, tmp_path):
    settings = Settings(data_dir=tmp_path / "var", jwt_secret=SECRET, today=TODAY, _env_file=None)
    assert settings.unfinished_turn_seconds > PAUSE_SECONDS + 0.3  # the default waits out the pause
    turn = paused_turn(tmp_path, ["My name is", "Peter Parker."], PAUSE_SECONDS)

    report = await run_wav_call(settings, [turn], tmp_path / "out", make_brain=deterministic_brain, today=TODAY,
                                models=local_models)

    heard = report["turns"][0]
    assert heard["caller_turns"] == 1, heard  # with unfinished_turn_seconds=0 Roomi answers "My name is" in the pause
    words = re.findall(r"[a-z']+", heard["caller_transcript"].lower())
    assert words[:3] == ["my", "name", "is"] and len(words) > 3, heard  # both halves (tiny.en may mishear the name)
    assert heard["answered"]
