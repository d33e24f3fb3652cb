"""Which ears, voice and VAD a call gets: local models, or Deepgram with local speech as its fallback.

Cloud plugins are imported and constructed only when the settings choose them; local mode never touches them.
Local models load once per process (`LocalModels`), never per call.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livekit.agents import stt, tts, vad
from livekit.agents.stt import STT as SpeechToText  # `stt` is also a field name of the classes below
from livekit.plugins import (
    silero,  # plugins register on import, which must happen on the main thread
)

from .. import metrics
from ..config import Settings
from .local_speech import EspeakTTS, PiperTTS, SpeechUnavailable, WhisperSTT
from .phrasing import PhraseTokenizer
from .speculative_stt import SpeculationCounts, SpeculativeSTT

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger("roomiai.voice")


KEYTERMS = ["check-in", "check-out", "confirmation number", "deluxe", "suite", "king", "queen", "cancel"]
STAFF_KEYTERMS = ["front desk", "reception", "housekeeping", "room service", "concierge", "late check-out"]
MAX_KEYTERMS = 50  # Deepgram takes at most 100 keyterms (500 tokens) per request; a hotel needs far fewer
DEEPGRAM_URL_ENV = "ROOMIAI_DEEPGRAM_URL"  # another Deepgram: https://api.eu.deepgram.com, a self-hosted one, a replay


class SpeechNotConfigured(Exception):
    """The settings ask for speech that cannot be built; the message says what to set or install."""


@dataclass
class Speech:
    """The speech half of a call: STT, TTS and the VAD that cuts turns, with names for logs and call.json."""

    stt: stt.STT
    tts: tts.TTS
    vad: vad.VAD
    names: dict[str, str] = field(default_factory=dict)
    whisper: WhisperSTT | None = None  # the local ears, told each hotel's vocabulary
    keyterm_ears: Any = None  # Deepgram's ears, told each hotel's vocabulary as keyterms
    cloud: list[Any] = field(default_factory=list)  # provider clients of this call, closed when it ends

    async def aclose(self) -> None:
        for client in self.cloud:
            await client.aclose()

    def listen_for(self, facts: dict[str, Any]) -> None:
        if self.whisper is not None:
            self.whisper.prompt = hotel_vocabulary(facts)
        if self.keyterm_ears is not None:  # before the call's stream opens: the keyterms go in its query
            self.keyterm_ears.update_options(keyterm=hotel_keyterms(facts))


@dataclass
class LocalModels:
    """Whisper, a voice and silero, loaded once for every call this process answers."""

    stt: WhisperSTT
    voice: tts.TTS
    vad: vad.VAD
    load_seconds: float
    speculate_after: float = 0.0
    speculation: SpeculationCounts = field(default_factory=SpeculationCounts)  # over every call of this process

    @property
    def tts(self) -> tts.TTS:
        """The voice fed phrase by phrase (see phrasing), so a long first sentence does not delay her first word."""
        return tts.StreamAdapter(tts=self.voice, sentence_tokenizer=PhraseTokenizer())

    @classmethod
    def load(cls, settings: Settings) -> LocalModels:
        started = time.perf_counter()
        whisper = WhisperSTT(
            beam_size=settings.stt_beam_size,
            cpu_threads=settings.speech_threads,
            fit_window=settings.stt_fit_window,
            workers=settings.stt_workers,
        )
        voice = local_voice(settings.local_voice, cache_phrases=settings.tts_cache_phrases)
        silence = silero.VAD.load(min_silence_duration=settings.vad_silence_seconds, activation_threshold=0.5)
        return cls(
            stt=whisper,
            voice=voice,
            vad=silence,
            load_seconds=time.perf_counter() - started,
            speculate_after=settings.stt_speculate_after_seconds,
        )

    def ears(self) -> SpeechToText:
        """Whisper for one call: speculative while the end-of-turn silence runs, unless that is switched off."""
        if self.speculate_after <= 0:
            return self.stt  # the session wraps it in livekit's own VAD adapter
        return SpeculativeSTT(stt=self.stt, vad=self.vad, speculate_after=self.speculate_after, counts=self.speculation)

    def speech(self) -> Speech:
        ears = self.ears()
        return Speech(
            stt=ears,
            tts=self.tts,
            vad=self.vad,
            cloud=[ears] if ears is not self.stt else [],
            names={
                "stt": f"{self.stt.provider} {self.stt.model}",
                "tts": f"{self.voice.provider} {self.voice.model}",
                "vad": "silero",
            },
            whisper=self.stt,
        )


def local_voice(name: str, *, cache_phrases: int = 256) -> tts.TTS:
    """Piper (the default), falling back to espeak-ng when Piper is not installed."""
    if name == "piper":
        try:
            return PiperTTS(cache_phrases=cache_phrases)
        except SpeechUnavailable as exc:
            log.warning("%s; speaking with espeak-ng instead", exc)
    try:
        return EspeakTTS()
    except SpeechUnavailable as exc:
        raise SpeechNotConfigured(f"No local voice: {exc}") from None


def speech_for(settings: Settings, local: LocalModels, *, http_session: aiohttp.ClientSession | None = None) -> Speech:
    """The call's speech: local models, or Deepgram backed by them (a failing provider falls back to local speech)."""
    if settings.speech == "local":
        return local.speech()
    key = deepgram_key(settings)
    from livekit.plugins import deepgram

    options: dict[str, Any] = {"api_key": key}
    if http_session is not None:
        options["http_session"] = http_session
    base = os.environ.get(DEEPGRAM_URL_ENV, "").strip().rstrip("/")
    listen: dict[str, Any] = {"base_url": f"{base}/v1/listen"} if base else {}
    speak: dict[str, Any] = {"base_url": f"{base}/v1/speak"} if base else {}
    # interim results while the caller speaks, and a final after a short silence: livekit's VAD ends the turn
    cloud_stt = deepgram.STT(
        model=settings.deepgram_stt_model,
        language="en-US",
        keyterm=KEYTERMS,
        interim_results=True,
        endpointing_ms=settings.deepgram_endpointing_ms,
        no_delay=True,
        **options,
        **listen,
    )
    cloud_tts = deepgram.TTS(model=settings.deepgram_tts_model, **options, **speak)
    ears = stt.FallbackAdapter([cloud_stt, local.stt], vad=local.vad, attempt_timeout=settings.provider_timeout_seconds)
    voice = tts.FallbackAdapter([cloud_tts, local.tts], max_retry_per_tts=1)
    ears.on("stt_availability_changed", metrics.fallback_counter("stt"))
    voice.on("tts_availability_changed", metrics.fallback_counter("tts"))
    return Speech(
        stt=ears,
        tts=voice,
        vad=local.vad,
        names={
            "stt": f"deepgram {settings.deepgram_stt_model} (fallback {local.stt.model})",
            "tts": f"deepgram {settings.deepgram_tts_model} (fallback {local.voice.provider})",
            "vad": "silero",
        },
        whisper=local.stt,
        keyterm_ears=cloud_stt,
        cloud=[cloud_stt, cloud_tts],
    )


def deepgram_key(settings: Settings) -> str:
    key = (settings.deepgram_api_key or os.environ.get("DEEPGRAM_API_KEY", "")).strip()
    if not key:
        raise SpeechNotConfigured(
            "ROOMIAI_SPEECH=deepgram needs DEEPGRAM_API_KEY (or ROOMIAI_DEEPGRAM_API_KEY); or use ROOMIAI_SPEECH=local."
        )
    return key


def hotel_keyterms(facts: dict[str, Any]) -> list[str]:
    """Deepgram keyterms for this hotel: its name, room types, packages and street, then the words of any hotel."""
    terms = [
        facts.get("name") or "",
        *(room.get("name") or "" for room in facts.get("room_types", [])),
        *(package.get("name") or "" for package in facts.get("packages", []) if isinstance(package, dict)),
        street_of(facts.get("address") or ""),
        *KEYTERMS,
        *STAFF_KEYTERMS,
    ]
    unique = dict.fromkeys(" ".join(term.split()) for term in terms if term and term.strip())
    return list(unique)[:MAX_KEYTERMS]


def street_of(address: str) -> str:
    """'1200 Ocean Drive, Miami Beach, FL 33139' → 'Ocean Drive': the words a caller asking the way would say."""
    first = address.split(",")[0].strip()
    return " ".join(word for word in first.split() if not any(ch.isdigit() for ch in word))


def hotel_vocabulary(facts: dict[str, Any]) -> str:
    """A Whisper prompt with the words callers of this hotel say: its name, room types, beds and views."""
    rooms = facts.get("room_types", [])
    names = ", ".join(room["name"] for room in rooms if room.get("name"))
    views = ", ".join(sorted({f"{view} view" for room in rooms for view in room.get("views", [])}))
    return (
        f"A caller phones {facts.get('name', 'the hotel')} to book a room: check-in, check-out, nights, adults, "
        f"children, {names}, king bed, twin beds, {views}, confirmation number, cancel my reservation."
    )
