"""WAV files as a telephone line: the caller's turns paced in real time, Roomi's replies written to files."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
from livekit import rtc
from livekit.agents.voice import io

from .line_clock import LineClock
from .playout import PacedAudioOutput

LINE_RATE = 16000
FRAME_SECONDS = 0.02
SILENCE_LEVEL = 300  # int16 amplitude below which a 20 ms frame counts as silence


class CallerAudioError(ValueError):
    """A caller WAV cannot be used; the message names the file and the reason."""


def read_caller_wav(path: Path) -> np.ndarray:
    """A caller turn as 16 kHz mono int16, whatever rate and channels the file has."""
    try:
        with wave.open(str(path)) as wav:
            if wav.getsampwidth() != 2:
                raise CallerAudioError(f"{path}: needs 16-bit PCM audio (this file has {8 * wav.getsampwidth()}-bit)")
            rate, channels = wav.getframerate(), wav.getnchannels()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    except (wave.Error, EOFError) as exc:
        raise CallerAudioError(f"{path}: not a WAV file Roomi can read ({exc})") from None
    except FileNotFoundError:
        raise CallerAudioError(f"{path}: no such file") from None
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
    if rate != LINE_RATE and len(pcm):
        resampler = rtc.AudioResampler(input_rate=rate, output_rate=LINE_RATE, num_channels=1)
        frames = resampler.push(rtc.AudioFrame(pcm.tobytes(), rate, 1, len(pcm))) + resampler.flush()
        pcm = np.concatenate([np.frombuffer(bytes(f.data), np.int16) for f in frames])
    if not len(pcm) or np.abs(pcm).max() < SILENCE_LEVEL:
        raise CallerAudioError(f"{path}: the file is silent")
    return pcm


def trailing_silence(pcm: np.ndarray, rate: int = LINE_RATE) -> float:
    """Seconds of silence at the end of a turn: the caller stopped speaking this long before the file ends."""
    step = int(rate * FRAME_SECONDS)
    end = len(pcm)
    while end > step and np.abs(pcm[end - step : end]).max() < SILENCE_LEVEL:
        end -= step
    return (len(pcm) - end) / rate


def write_wav(path: Path, frames: list[rtc.AudioFrame]) -> float:
    """Write frames (one rate, mono) as a 16-bit WAV; returns its length in seconds."""
    rate = frames[0].sample_rate
    data = b"".join(bytes(frame.data) for frame in frames)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data)
    return len(data) / 2 / rate


class CallerAudio(io.AudioInput):
    """The caller's microphone: silence, except while a turn is being spoken; frames come at real-time pace."""

    def __init__(self) -> None:
        super().__init__(label="roomi-caller-wav")
        self._samples = int(LINE_RATE * FRAME_SECONDS)
        self._turn: np.ndarray | None = None
        self._position = 0
        self._spoken = asyncio.Event()
        self._started: float | None = None
        self._count = 0
        self._closed = False

    async def speak(self, pcm: np.ndarray) -> float:
        """Play one turn into the line; returns the monotonic time its last sample went in."""
        self._turn, self._position = pcm, 0
        self._spoken.clear()
        await self._spoken.wait()
        return time.monotonic()

    def close(self) -> None:
        self._closed = True

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        if self._started is None:
            self._started = time.monotonic()
        delay = self._started + self._count * FRAME_SECONDS - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self._count += 1
        chunk = np.zeros(self._samples, np.int16)
        if self._turn is not None:
            part = self._turn[self._position : self._position + self._samples]
            chunk[: len(part)] = part
            self._position += self._samples
            if self._position >= len(self._turn):
                self._turn = None
                self._spoken.set()
        return rtc.AudioFrame(chunk.tobytes(), LINE_RATE, 1, self._samples)


class ReplyRecorder(PacedAudioOutput):
    """Roomi's speech, played out in real time and kept as one list of frames per stretch of speech."""

    def __init__(self, *, clock: LineClock | None = None) -> None:
        super().__init__(label="roomi-reply-wav", clock=clock)
        self.segments: list[list[rtc.AudioFrame]] = []
        self.interrupted: list[bool] = []
        self.finished_segments = 0

    async def segment_started(self) -> None:
        self.segments.append([])
        self.interrupted.append(False)

    async def deliver(self, frame: rtc.AudioFrame) -> None:
        self.segments[-1].append(frame)

    async def segment_finished(self, *, interrupted: bool) -> None:
        self.interrupted[-1] = interrupted
        self.finished_segments += 1
