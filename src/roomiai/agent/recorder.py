"""CallRecorder: the call log (transcript, intents, outcome) written through the voice-session endpoints."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ..domain.references import mask_phone
from .api_client import RoomiApi
from .tools.common import redact

log = logging.getLogger("roomiai.agent.recorder")
FALLBACK_GREETING = "Thank you for calling. How can I help you today?"
MAX_ENTITIES = 30
MAX_TIMINGS = 500
MAX_TOOLS = 200


class CallRecorder:
    """Writes one call's log; a failure to log is reported on stderr and never breaks the call."""

    def __init__(self, api: RoomiApi, *, agent_version: str | None = None):
        self.api = api
        self.agent_version = agent_version
        self.session_id: str | None = None
        self.errors: list[dict[str, str]] = []
        self.ended = False
        self.voice_settings: dict[str, Any] = {}  # the hotel's voice settings, as the call log's start gave them

    async def start(self, *, caller_id: str | None = None, livekit_room: str | None = None) -> str:
        """Open the call log; returns the greeting the hotel wants callers to hear, with its recording notice."""
        try:
            started = await self.api.voice_start(
                caller_id=caller_id, livekit_room=livekit_room, agent_version=self.agent_version
            )
        except Exception as exc:  # noqa: BLE001 - the call goes on without a log
            log.warning("could not open the call log for caller %s: %s", mask_phone(caller_id), exc)
            return FALLBACK_GREETING
        self.session_id = started["session_id"]
        self.voice_settings = started.get("settings") or {}
        return with_recording_notice(started["greeting"], self.voice_settings)

    async def guest(self, text: str, *, confidence: float | None = None) -> None:
        await self._transcript("guest", text, confidence)

    async def agent(self, text: str) -> None:
        await self._transcript("agent", text, None)

    async def intent(self, name: str, confidence: float, entities: dict[str, Any]) -> None:
        if self.session_id is None:
            return
        try:
            await self.api.voice_intent(
                self.session_id, intent=name, confidence=round(confidence, 3), entities=redact(jsonable(entities))
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("could not log intent %s on %s: %s", name, self.session_id, exc)

    def error(self, kind: str, message: str) -> None:
        """Note something that went wrong; it is stored with the outcome."""
        self.errors.append({"type": kind, "message": redact(message)[:1000]})

    async def end(
        self,
        *,
        outcome: str | None,
        confirmation_number: str | None = None,
        entities_extracted: dict[str, Any] | None = None,
        turn_timings: list[dict[str, float]] | None = None,
        tools_used: list[dict[str, Any]] | None = None,
    ) -> None:
        """Close the log once: the outcome (inquiry_only when nothing else happened), the booking, entities, timings."""
        if self.session_id is None or self.ended:
            return
        self.ended = True
        body = {
            "outcome": outcome or "inquiry_only",
            "confirmation_number": confirmation_number,
            "entities_extracted": dict(list(redact(jsonable(entities_extracted or {})).items())[:MAX_ENTITIES]),
            "errors": self.errors[-50:],
            "turn_timings": (turn_timings or [])[-MAX_TIMINGS:],
            "tools_used": [redact(tool) for tool in (tools_used or [])[-MAX_TOOLS:]],
        }
        try:
            await self.api.voice_end(self.session_id, {k: v for k, v in body.items() if v is not None})
        except Exception as exc:  # noqa: BLE001
            log.warning("could not close the call log %s: %s", self.session_id, exc)

    async def _transcript(self, speaker: str, text: str, confidence: float | None) -> None:
        text = redact(text.strip())
        if self.session_id is None or not text:
            return
        entry = {"speaker": speaker, "text": text[:4000], "confidence": confidence}
        try:
            await self.api.voice_transcript(self.session_id, [{k: v for k, v in entry.items() if v is not None}])
        except Exception as exc:  # noqa: BLE001
            log.warning("could not log a %s line on %s: %s", speaker, self.session_id, exc)


def jsonable(value: Any) -> Any:
    """Dates as ISO text, so entities travel as JSON."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(item) for item in value]
    return value


def with_recording_notice(greeting: str, voice_settings: dict[str, Any]) -> str:
    """The greeting, with the hotel's recording notice when it keeps transcripts (the blueprint's "inform callers")."""
    notice = voice_settings.get("recording_notice") if voice_settings.get("record_calls", True) else None
    if not notice:
        return greeting
    opening, _, question = greeting.rpartition(". ")  # before "How can I help you today?"
    return f"{opening}. {notice} {question}" if opening else f"{greeting} {notice}"
