"""Transcribe a caller's turn while the silence that ends it is still running, and keep the text if she stays quiet.

livekit's own adapter for a non-streaming STT transcribes a VAD segment only after the VAD has heard
`min_silence_duration` of silence. This one starts Whisper once `speculate_after` seconds of that silence have
passed, on the speech heard so far; when the segment ends with no voice after that point, the finished (or
nearly finished) transcript is used, otherwise it is discarded and the whole segment is transcribed as usual.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.stt.stream_adapter import DEFAULT_STREAM_ADAPTER_API_CONNECT_OPTIONS
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr
from livekit.agents.vad import VAD, VADEvent, VADEventType


@dataclass
class SpeculationCounts:
    """How often a speculative transcript was started, used for the turn, and thrown away because the caller went on."""

    started: int = 0
    used: int = 0
    discarded: int = 0


class SpeculativeSTT(stt.StreamAdapter):
    """A non-streaming STT made streaming by a VAD, transcribing speculatively during the end-of-turn silence."""

    def __init__(
        self, *, stt: stt.STT, vad: VAD, speculate_after: float, counts: SpeculationCounts | None = None
    ) -> None:
        super().__init__(stt=stt, vad=vad)
        self.speculate_after = speculate_after
        self.counts = counts if counts is not None else SpeculationCounts()

    def stream(
        self, *, language: NotGivenOr[str] = NOT_GIVEN, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> stt.RecognizeStream:
        return _SpeculativeStream(self, language=language, conn_options=conn_options)


class _Speech:
    """The frames of the VAD segment in progress and the speculation on them, if any."""

    def __init__(self, frames: list[rtc.AudioFrame]) -> None:
        self.frames = list(frames)
        self.guess: asyncio.Future[stt.SpeechEvent] | None = None


class _SpeculativeStream(stt.RecognizeStream):
    def __init__(self, adapter: SpeculativeSTT, *, language: NotGivenOr[str], conn_options: APIConnectOptions) -> None:
        super().__init__(stt=adapter, conn_options=DEFAULT_STREAM_ADAPTER_API_CONNECT_OPTIONS)
        self._adapter = adapter
        self._language = language
        self._wrapped_conn_options = conn_options
        self._speech: _Speech | None = None

    async def _run(self) -> None:
        vad_stream = self._adapter._vad.stream()

        async def forward_input() -> None:
            async for frame in self._input_ch:
                if isinstance(frame, self._FlushSentinel):
                    vad_stream.flush()
                else:
                    vad_stream.push_frame(frame)
            vad_stream.end_input()

        async def recognize() -> None:
            async for event in vad_stream:
                await self.on_vad_event(event)

        tasks = [
            asyncio.create_task(forward_input(), name="forward_input"),
            asyncio.create_task(recognize(), name="recognize"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            if self._speech is not None and self._speech.guess is not None:
                self._speech.guess.cancel()
            await utils.aio.cancel_and_wait(*tasks)
            await vad_stream.aclose()

    async def on_vad_event(self, event: VADEvent) -> None:
        """Follow one VAD event: open a segment, grow it, speculate in its silence, or finish it with a transcript."""
        counts = self._adapter.counts
        if event.type == VADEventType.START_OF_SPEECH:
            self._speech = _Speech(event.frames)
            self._event_ch.send_nowait(stt.SpeechEvent(stt.SpeechEventType.START_OF_SPEECH))
        elif event.type == VADEventType.INFERENCE_DONE and self._speech is not None:
            speech = self._speech
            speech.frames.extend(event.frames)
            if event.raw_accumulated_speech > 0 and speech.guess is not None:
                counts.discarded += 1  # the caller went on: that transcript lacks her last words
                speech.guess.cancel()
                speech.guess = None
            elif speech.guess is None and event.raw_accumulated_silence >= self._adapter.speculate_after:
                counts.started += 1
                speech.guess = asyncio.ensure_future(self._transcribe(list(speech.frames)))
        elif event.type == VADEventType.END_OF_SPEECH:
            ended, self._speech = self._speech, None
            speech_end_time = time.time() - event.silence_duration - event.inference_duration
            self._event_ch.send_nowait(
                stt.SpeechEvent(type=stt.SpeechEventType.END_OF_SPEECH, speech_end_time=speech_end_time)
            )
            heard = None
            if ended is not None and ended.guess is not None:
                try:
                    heard = await ended.guess
                    counts.used += 1
                except Exception:  # the retry below reports a failing STT the ordinary way
                    heard = None
            if heard is None:
                heard = await self._transcribe(event.frames)
            if heard.alternatives and heard.alternatives[0].text:
                self._event_ch.send_nowait(
                    stt.SpeechEvent(
                        type=stt.SpeechEventType.FINAL_TRANSCRIPT,
                        alternatives=[heard.alternatives[0]],
                        speech_end_time=heard.speech_end_time if heard.speech_end_time is not None else speech_end_time,
                    )
                )

    async def _transcribe(self, frames: list[rtc.AudioFrame]) -> stt.SpeechEvent:
        return await self._adapter._stt.recognize(
            buffer=utils.merge_frames(frames), language=self._language, conn_options=self._wrapped_conn_options
        )
