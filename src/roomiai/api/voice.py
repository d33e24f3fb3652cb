"""/v1/voice/session: the voice agent opens a call log, writes transcript and intents to it, and closes it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from .. import metrics
from ..services import calls
from ..services.calls import Call
from .deps import ContainerDep, ReadUow, Staff, VoiceAgent, WriteUow
from .schemas.voice import (
    CallRead,
    CallSummary,
    IntentLog,
    IntentRead,
    SessionEnd,
    SessionStart,
    SessionStarted,
    TranscriptLine,
    TranscriptPost,
    TranscriptStored,
    VoiceSettings,
)
from .voice_keys import call_key, require_call_key

router = APIRouter(prefix="/v1/voice/session", tags=["voice"])
SessionId = Annotated[str, Path(max_length=64, description="e.g. session_3f2a…")]
WRITES: dict[str, Any] = {
    "dependencies": [Depends(require_call_key)],
    "responses": {403: {"description": "the X-Call-Key header is not the key of this call"}},
}


@router.post("/start", status_code=201, response_model=SessionStarted, summary="Open a call log and get the greeting")
async def start_session(body: SessionStart, uow: WriteUow, c: ContainerDep, _: VoiceAgent) -> SessionStarted:
    started = await calls.start(
        uow,
        clock=c.clock,
        caller_id=body.caller_id,
        livekit_room=body.livekit_room,
        call_type=body.call_type,
        agent_version=body.agent_version,
    )
    voice = started.voice_settings
    return SessionStarted(
        session_id=started.record.session_id,
        greeting=started.greeting,
        settings=VoiceSettings.model_validate({name: voice.get(name) for name in VoiceSettings.model_fields}),
        call_start=started.record.call_start,
        call_key=call_key(c.secret, started.record.session_id, body.caller_id),
    )


@router.post(
    "/{session_id}/transcript",
    response_model=TranscriptStored,
    summary="Append transcript lines (card numbers redacted)",
    **WRITES,
)
async def add_transcript(
    session_id: SessionId, body: TranscriptPost, uow: WriteUow, c: ContainerDep, _: VoiceAgent
) -> TranscriptStored:
    total = await calls.add_transcript(
        uow, clock=c.clock, session_id=session_id, entries=[entry.model_dump() for entry in body.entries]
    )
    return TranscriptStored(session_id=session_id, stored=len(body.entries), transcript_length=total)


@router.post(
    "/{session_id}/intent", status_code=201, response_model=IntentRead, summary="Log a detected intent", **WRITES
)
async def add_intent(
    session_id: SessionId, body: IntentLog, uow: WriteUow, c: ContainerDep, _: VoiceAgent
) -> IntentRead:
    record = await calls.add_intent(
        uow,
        clock=c.clock,
        session_id=session_id,
        intent=body.intent,
        confidence=body.confidence,
        entities=body.entities,
    )
    return IntentRead(
        intent=record.intent, confidence=record.confidence, entities=record.entities, timestamp=record.timestamp
    )


@router.post(
    "/{session_id}/end", response_model=CallRead, summary="Close the call log: outcome, duration, booking", **WRITES
)
async def end_session(
    session_id: SessionId, body: SessionEnd, uow: WriteUow, c: ContainerDep, _: VoiceAgent
) -> CallRead:
    call = await calls.end(
        uow,
        clock=c.clock,
        session_id=session_id,
        outcome=body.outcome,
        confirmation_number=body.confirmation_number,
        guest_id=body.guest_id,
        entities_extracted=body.entities_extracted,
        errors=[e.model_dump() for e in body.errors],
        turn_timings=body.turn_timings,
        tools_used=[t.model_dump() for t in body.tools_used],
    )
    metrics.call_ended(body.outcome, body.turn_timings)
    return call_read(call)


@router.get("/{session_id}", response_model=CallRead, summary="A call log with transcript and intents")
async def get_session(session_id: SessionId, uow: ReadUow, _: Staff) -> CallRead:
    return call_read(await calls.get(uow, session_id))


def call_summary(call: Call) -> CallSummary:
    r = call.record
    return CallSummary(
        session_id=r.session_id,
        call_type=r.call_type,
        caller_phone=r.caller_phone,
        livekit_room=r.livekit_room,
        call_start=r.call_start,
        call_end=r.call_end,
        duration_seconds=r.duration_seconds,
        outcome=r.outcome,
        confirmation_number=call.confirmation_number,
        guest_id=call.guest_id,
        agent_version=r.agent_version,
    )


def call_read(call: Call) -> CallRead:
    r = call.record
    return CallRead(
        **call_summary(call).model_dump(),
        entities_extracted=r.entities_extracted,
        errors=r.errors,
        turn_timings=r.turn_timings,
        transcript=[
            TranscriptLine(timestamp=t.timestamp, speaker=t.speaker, text=t.text, confidence=t.confidence)
            for t in call.transcript
        ],
        intents_detected=[
            IntentRead(intent=i.intent, confidence=i.confidence, entities=i.entities, timestamp=i.timestamp)
            for i in call.intents
        ],
    )
