"""Voice sessions: what the agent reports during a call, and the call log it builds."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from ...domain.caller_turns import MAX_CALLER_TURN_CHARS, too_long
from .common import Instant, Request

Outcome = Literal[
    "booking_completed",
    "booking_failed",
    "inquiry_only",
    "transferred",
    "abandoned",
    "booking_modified",
    "booking_cancelled",
    "service_request",
]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Millis = Annotated[float, Field(ge=0, le=3_600_000)]
MAX_BATCH = 50


class SessionStart(Request):
    caller_id: Annotated[str, StringConstraints(pattern=r"^\+?[\d\s().-]{3,24}$")] | None = Field(
        None, description="the caller's number; only a masked form is stored", examples=["+15551234567"]
    )
    livekit_room: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    call_type: Literal["inbound", "outbound"] = "inbound"
    agent_version: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None


class VoiceSettings(BaseModel):
    voice_id: str | None
    language: str | None
    backup_language: str | None
    max_call_duration: int | None
    transfer_number: str | None
    record_calls: bool = Field(True, description="the transcript is kept; callers hear recording_notice")
    recording_notice: str | None = None


class SessionStarted(BaseModel):
    session_id: str
    greeting: str
    settings: VoiceSettings
    call_start: Instant
    call_key: str = Field(
        description="send it as X-Call-Key (with X-Call-Session) on this call's log writes and lookups"
    )


class TranscriptEntry(Request):
    speaker: Literal["agent", "guest"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=4000)] = Field(
        description=f"at most 4000 characters for Roomi, {MAX_CALLER_TURN_CHARS} for the caller's turn"
    )
    confidence: float | None = Field(None, ge=0, le=1)
    timestamp: AwareDatetime | None = None

    @model_validator(mode="after")
    def _caller_turn(self) -> TranscriptEntry:
        if self.speaker == "guest" and too_long(self.text):
            raise ValueError(f"a caller's turn has at most {MAX_CALLER_TURN_CHARS} characters")
        return self


class TranscriptPost(Request):
    """One entry, or {"entries": [...]} with up to 50."""

    entries: list[TranscriptEntry] = Field(min_length=1, max_length=MAX_BATCH)

    @model_validator(mode="before")
    @classmethod
    def _single(cls, data: Any) -> Any:
        return {"entries": [data]} if isinstance(data, dict) and "entries" not in data else data


class TranscriptStored(BaseModel):
    session_id: str
    stored: int
    transcript_length: int


class IntentLog(Request):
    intent: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")] = Field(examples=["book_room"])
    confidence: float = Field(ge=0, le=1)
    entities: dict[Key, Any] = Field(default_factory=dict, max_length=30)


class IntentRead(BaseModel):
    intent: str
    confidence: float
    entities: dict[str, Any]
    timestamp: Instant


class CallError(Request):
    type: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    message: Annotated[str, StringConstraints(max_length=1000)] = ""
    timestamp: AwareDatetime | None = None


class ToolUse(Request):
    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    ok: bool
    turn: int = Field(ge=0, le=10_000)
    result: Annotated[str, StringConstraints(max_length=300)] = ""


class SessionEnd(Request):
    outcome: Outcome
    confirmation_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    guest_id: Annotated[str, StringConstraints(max_length=24)] | None = None
    entities_extracted: dict[Key, Any] = Field(default_factory=dict, max_length=30)
    errors: list[CallError] = Field(default_factory=list, max_length=50)
    turn_timings: list[Annotated[dict[Key, Millis], Field(max_length=20)]] = Field(
        default_factory=list, max_length=500, description='per turn, durations in milliseconds, e.g. {"stt_ms": 180}'
    )
    tools_used: list[ToolUse] = Field(
        default_factory=list, max_length=200, description="the tools Roomi called, in order, with a short result each"
    )


class TranscriptLine(BaseModel):
    timestamp: Instant
    speaker: str
    text: str
    confidence: float | None


class CallSummary(BaseModel):
    session_id: str
    call_type: str
    caller_phone: str | None
    livekit_room: str | None
    call_start: Instant
    call_end: Instant | None
    duration_seconds: int | None
    outcome: str | None
    confirmation_number: str | None
    guest_id: str | None
    agent_version: str | None


class CallRead(CallSummary):
    entities_extracted: dict[str, Any]
    errors: list[dict[str, Any]]
    turn_timings: list[dict[str, float]]
    transcript: list[TranscriptLine]
    intents_detected: list[IntentRead]
