"""Voice sessions: the call log the agent writes as a call goes on, with no full phone or card numbers.

Transcript lines and extracted entities are encrypted at rest (see store/pii.py) and deleted by
services/retention.py once the call is older than the retention period.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..clock import Clock
from ..domain.cards import redact_card_numbers
from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.references import mask_phone
from ..store.tables import BookingRecord, CallIntentRecord, CallLogRecord, CallTranscriptRecord, GuestRecord
from ..store.uow import UnitOfWork
from . import catalog


@dataclass
class Started:
    record: CallLogRecord
    greeting: str
    voice_settings: dict[str, Any]


@dataclass
class Call:
    """A call log with what it refers to, its transcript and intents."""

    record: CallLogRecord
    confirmation_number: str | None
    guest_id: str | None
    transcript: list[CallTranscriptRecord]
    intents: list[CallIntentRecord]


RECORDING_NOTICE = "This call is recorded to help us serve you."
UNRECORDED = "Roomi did not understand the caller (calls are not recorded, so the words are not kept)."


def records_calls(settings: dict[str, Any]) -> bool:
    """Whether the hotel keeps call transcripts (and tells callers so); on unless turned off."""
    return (settings.get("voice_agent_settings") or {}).get("record_calls") is not False


def greeting(settings: dict[str, Any]) -> str:
    """The first sentence a caller hears, with the hotel's and the agent's names."""
    name = (settings.get("voice_agent_settings") or {}).get("greeting_name") or "Roomi"
    return f"Thank you for calling {settings['name']}, this is {name}. How can I help you today?"


def scrub(value: Any) -> Any:
    """The value with every card number in its text replaced by '[card ending NNNN]'."""
    if isinstance(value, str):
        return redact_card_numbers(value)
    if isinstance(value, dict):  # keys too: a caller's words can arrive as a key of the entities
        return {scrub(key) if isinstance(key, str) else key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and redact_card_numbers(str(value)) != str(value):
        return redact_card_numbers(str(value))
    return value


async def start(
    uow: UnitOfWork,
    *,
    clock: Clock,
    caller_id: str | None,
    livekit_room: str | None,
    call_type: str,
    agent_version: str | None = None,
) -> Started:
    """Open a call log (the caller's number kept masked only) and say how the agent should greet."""
    settings = await catalog.hotel_settings(uow.session)
    now = clock.now()
    record = CallLogRecord(
        session_id=f"session_{secrets.token_hex(12)}",
        call_type=call_type,
        caller_phone=mask_phone(caller_id),
        livekit_room=livekit_room,
        call_start=now,
        agent_version=agent_version,
        entities_extracted={},
        errors=[],
        turn_timings=[],
        created_at=now,
    )
    uow.session.add(record)
    await uow.commit()
    voice = {**(settings.get("voice_agent_settings") or {}), "record_calls": records_calls(settings)}
    if voice["record_calls"]:
        voice["recording_notice"] = voice.get("recording_notice") or RECORDING_NOTICE
    else:
        voice.pop("recording_notice", None)
    return Started(record, greeting(settings), voice)


async def add_transcript(uow: UnitOfWork, *, clock: Clock, session_id: str, entries: list[dict[str, Any]]) -> int:
    """Append transcript lines, card numbers redacted; returns how many the call now has.

    A hotel that does not record calls keeps no transcript: the lines are dropped here, whoever sends them.
    """
    record = await _open(uow, session_id)
    now = clock.now()
    if not records_calls(await catalog.hotel_settings(uow.session)):
        entries = []
    uow.session.add_all(
        CallTranscriptRecord(
            call_id=record.id,
            timestamp=entry.get("timestamp") or now,
            speaker=entry["speaker"],
            text=redact_card_numbers(entry["text"]),
            confidence=entry.get("confidence"),
        )
        for entry in entries
    )
    await uow.session.flush()
    count = (
        await uow.session.execute(select(func.count()).where(CallTranscriptRecord.call_id == record.id))
    ).scalar_one()
    await uow.commit()
    return count


async def add_intent(
    uow: UnitOfWork, *, clock: Clock, session_id: str, intent: str, confidence: float, entities: dict[str, Any]
) -> CallIntentRecord:
    """Log an intent the agent detected."""
    record = await _open(uow, session_id)
    if not records_calls(await catalog.hotel_settings(uow.session)):
        entities = {}  # what the caller said, which a hotel that does not record calls keeps nowhere
    intent_record = CallIntentRecord(
        call_id=record.id, timestamp=clock.now(), intent=intent, confidence=confidence, entities=scrub(entities)
    )
    uow.session.add(intent_record)
    await uow.commit()
    return intent_record


async def end(
    uow: UnitOfWork,
    *,
    clock: Clock,
    session_id: str,
    outcome: str,
    confirmation_number: str | None = None,
    guest_id: str | None = None,
    entities_extracted: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    turn_timings: list[dict[str, float]] | None = None,
    tools_used: list[dict[str, Any]] | None = None,
) -> Call:
    """Close the call: duration, outcome, the booking and guest it led to, and the tools used (kept with the entities)."""
    record = await _open(uow, session_id)
    session = uow.session
    booking = None
    if confirmation_number:
        booking = (
            await session.execute(
                select(BookingRecord).where(BookingRecord.confirmation_number == confirmation_number.strip().upper())
            )
        ).scalar_one_or_none()
        if booking is None:
            raise InvalidRequest(
                f"No booking has confirmation number {confirmation_number}.", field="confirmation_number"
            )
    guest = None
    if guest_id:
        guest = (
            await session.execute(select(GuestRecord).where(GuestRecord.guest_id == guest_id))
        ).scalar_one_or_none()
        if guest is None:
            raise InvalidRequest(f"No guest has id {guest_id}.", field="guest_id")
    elif booking is not None:
        guest = await session.get(GuestRecord, booking.primary_guest_id)
    now = clock.now()
    record.call_end = now
    record.duration_seconds = max(0, round((now - record.call_start).total_seconds()))
    record.outcome = outcome
    record.booking_id = booking.id if booking else None
    record.guest_id = guest.id if guest else None
    if not records_calls(await catalog.hotel_settings(session)):  # only what Roomi did, none of the caller's words
        entities_extracted = {}
        errors = [{**e, "message": UNRECORDED} if e.get("type") == "not_understood" else e for e in errors or []]
    record.entities_extracted = scrub(
        {**(entities_extracted or {}), **({"tools_used": tools_used} if tools_used else {})}
    )
    record.errors = [scrub({**e, "timestamp": (e.get("timestamp") or now).isoformat()}) for e in errors or []]
    record.turn_timings = list(turn_timings or [])
    await session.flush()
    call = await get(uow, session_id)
    await uow.commit()
    return call


async def get(uow: UnitOfWork, session_id: str) -> Call:
    """The call log with its transcript and intents, in order."""
    session = uow.session
    row = (
        await session.execute(
            select(CallLogRecord, BookingRecord.confirmation_number, GuestRecord.guest_id)
            .outerjoin(BookingRecord, BookingRecord.id == CallLogRecord.booking_id)
            .outerjoin(GuestRecord, GuestRecord.id == CallLogRecord.guest_id)
            .where(CallLogRecord.session_id == session_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"No voice session {session_id}.")
    record = row[0]
    transcript = (
        await session.execute(
            select(CallTranscriptRecord)
            .where(CallTranscriptRecord.call_id == record.id)
            .order_by(CallTranscriptRecord.id)
        )
    ).scalars()
    intents = (
        await session.execute(
            select(CallIntentRecord).where(CallIntentRecord.call_id == record.id).order_by(CallIntentRecord.id)
        )
    ).scalars()
    return Call(record, row[1], row[2], list(transcript), list(intents))


async def search(
    uow: UnitOfWork,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    outcome: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[Call]]:
    """Calls that started in [start, end), newest first, with the total before paging."""
    conditions = []
    if start is not None:
        conditions.append(CallLogRecord.call_start >= start)
    if end is not None:
        conditions.append(CallLogRecord.call_start < end)
    if outcome:
        conditions.append(CallLogRecord.outcome == outcome)
    total = (await uow.session.execute(select(func.count()).select_from(CallLogRecord).where(*conditions))).scalar_one()
    query = (
        select(CallLogRecord, BookingRecord.confirmation_number, GuestRecord.guest_id)
        .outerjoin(BookingRecord, BookingRecord.id == CallLogRecord.booking_id)
        .outerjoin(GuestRecord, GuestRecord.id == CallLogRecord.guest_id)
        .where(*conditions)
        .order_by(CallLogRecord.call_start.desc(), CallLogRecord.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await uow.session.execute(query)).all()
    return total, [Call(record, number, guest, [], []) for record, number, guest in rows]


async def _open(uow: UnitOfWork, session_id: str) -> CallLogRecord:
    record = (
        await uow.session.execute(select(CallLogRecord).where(CallLogRecord.session_id == session_id).with_for_update())
    ).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No voice session {session_id}.")
    if record.call_end is not None:
        raise Conflict(f"Voice session {session_id} has ended; its log can no longer change.")
    if record.transcript_purged_at is not None:
        raise Conflict(
            f"Voice session {session_id} is past the transcript retention period; its log can no longer change."
        )
    return record
