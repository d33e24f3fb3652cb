"""How long Roomi goes on talking once a caller starts talking over her (WAV line, local speech).

`python bench/barge_in.py [--runs N]`: for each caller line, N calls in which the caller speaks over the greeting
at a different moment; prints, per line, the milliseconds from the caller's first sound to Roomi's audio stopping
(pause or cut, whichever came first). A backchannel ("Okay.") pauses her the same way and she then resumes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from roomiai.agent.runtime import connect_api, deterministic_brain
from roomiai.config import Settings
from roomiai.voice.call import Transport, start_voice_call
from roomiai.voice.speech import LocalModels, speech_for
from roomiai.voice.wav_io import SILENCE_LEVEL, CallerAudio, ReplyRecorder, read_caller_wav

TODAY = dt.date(2026, 1, 12)
LINES = ["What time is check out?", "Wait, I need a room for tonight.", "Okay."]


class StopWatchSpeaker(ReplyRecorder):
    """Roomi's replies, noting when her audio first stopped for the caller."""

    stopped_at: float | None = None

    def pause(self) -> None:
        self.stopped_at = self.stopped_at or time.monotonic()
        super().pause()

    def clear_buffer(self) -> None:
        self.stopped_at = self.stopped_at or time.monotonic()
        super().clear_buffer()


async def one_call(settings: Settings, models: LocalModels, pcm: np.ndarray, after: float) -> float | None:
    """One call: the caller speaks `after` seconds into the greeting; ms from their first sound to Roomi stopping."""
    first_sound = np.nonzero(np.abs(pcm) >= SILENCE_LEVEL)[0][0] / 16000
    async with connect_api(settings, today=TODAY) as (api, today):
        caller, speaker = CallerAudio(), StopWatchSpeaker()
        transport = Transport(audio_input=caller, audio_output=speaker, name="barge-in bench")
        async with start_voice_call(api, today=today, make_brain=deterministic_brain, speech=speech_for(settings, models),
                                    transport=transport, settings=settings):
            while not speaker.first_audio_at:
                await asyncio.sleep(0.01)
            await asyncio.sleep(after)
            started = time.monotonic() + first_sound
            await caller.speak(pcm)
            caller.close()
        await speaker.aclose()
    return None if speaker.stopped_at is None else (speaker.stopped_at - started) * 1000


async def main(runs: int) -> None:
    folder = Path(tempfile.mkdtemp())
    models = LocalModels.load(Settings(_env_file=None))
    for line in LINES:
        wav = folder / "caller.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb+m3", "-s", "160", "-w", str(wav), line], check=True)
        pcm = read_caller_wav(wav)
        figures = []
        for run in range(runs):
            settings = Settings(data_dir=folder / f"var-{len(figures)}-{line[:4]}", jwt_secret="b" * 40, today=TODAY,
                                _env_file=None)
            figures.append(await one_call(settings, models, pcm, after=0.5 + run))
        heard = [round(value) for value in figures if value is not None]
        print(f"{line!r}: Roomi stopped after {heard} ms (median {statistics.median(heard):.0f})" if heard
              else f"{line!r}: Roomi never stopped")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args().runs))
