"""Calls: the list with one-line summaries and filters, a call's page, and a call in progress live (server-sent events)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Annotated, get_args

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from ...api.deps import ContainerDep, ReadUow
from ...api.schemas.voice import Outcome
from ...domain.call_summary import summary
from ...domain.errors import InvalidRequest
from ...services import calls as call_log
from ...services import front_desk
from ...store.tables import BookingRecord, RoomTypeRecord
from ...store.uow import UnitOfWork
from .render import DeskRoute, page
from .session import User

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)
OUTCOMES = ("in_progress", *get_args(Outcome))
PAGE = 50
POLL_SECONDS = 0.5  # how often a live call's transcript is read; the agent may write it from another process
STREAM_POLLS = 600  # then the stream ends and the browser reconnects, so no proxy holds it open forever
SessionId = Annotated[str, Path(max_length=64)]


@router.get("/calls")
async def list_calls(
    request: Request,
    user: User,
    uow: ReadUow,
    c: ContainerDep,
    day_text: Annotated[str | None, Query(alias="day", max_length=10)] = None,
    outcome: Annotated[str | None, Query(max_length=24)] = None,
    problems: Annotated[bool, Query()] = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
):
    outcome = outcome if outcome in OUTCOMES else None
    day = _day(day_text)  # the filter form sends day= when no day is chosen
    total, rows = await front_desk.calls(
        uow, clock=c.clock, day=day, outcome=outcome, problems=problems, limit=PAGE, offset=(page_number - 1) * PAGE
    )
    live = await front_desk.live_calls(uow, clock=c.clock)
    return page(
        request,
        "calls.html",
        rows=rows,
        live=live,
        total=total,
        day=day,
        outcome=outcome,
        problems=problems,
        outcomes=OUTCOMES,
        page_number=page_number,
        pages=max(1, -(-total // PAGE)),
    )


@router.get("/calls/{session_id}")
async def call_page(request: Request, session_id: SessionId, user: User, uow: ReadUow):
    call = await call_log.get(uow, session_id)
    record = call.record
    booking = None
    if record.booking_id:
        booking = (
            await uow.session.execute(
                select(
                    BookingRecord.confirmation_number,
                    BookingRecord.check_in_date,
                    BookingRecord.check_out_date,
                    BookingRecord.status,
                    RoomTypeRecord.type_code,
                    RoomTypeRecord.name,
                )
                .join(RoomTypeRecord, RoomTypeRecord.id == BookingRecord.room_type_id)
                .where(BookingRecord.id == record.booking_id)
            )
        ).first()
    facts = front_desk.facts_of(
        record,
        number=call.confirmation_number,
        check_in=booking.check_in_date if booking else None,
        check_out=booking.check_out_date if booking else None,
        room_type_code=booking.type_code if booking else None,
        intents=[i.intent for i in call.intents],
        caller_lines=[t.text for t in call.transcript if t.speaker == "guest"],
    )
    tools = (record.entities_extracted or {}).get("tools_used") or []
    return page(
        request,
        "call.html",
        call=call,
        record=record,
        booking=booking,
        summary=summary(facts),
        tools=tools,
        last_line=call.transcript[-1].id if call.transcript else 0,
    )


@router.get("/calls/{session_id}/events")
async def call_events(
    request: Request, session_id: SessionId, user: User, c: ContainerDep, after: Annotated[int, Query(ge=0)] = 0
):
    """New transcript lines as server-sent events (`line`), then `ended` once the call is over."""
    last = (
        int(request.headers.get("last-event-id", "0") or 0)
        if request.headers.get("last-event-id", "").isdigit()
        else after
    )

    async def stream():
        nonlocal last
        yield "retry: 2000\n\n"
        for _ in range(STREAM_POLLS):
            if await request.is_disconnected():
                return
            async with UnitOfWork(c.db, write=False) as uow:  # read while the session is open (the text is decrypted)
                lines, ended = await front_desk.transcript_after(uow, session_id=session_id, after=last)
                found = [
                    (
                        line.id,
                        json.dumps(
                            {
                                "speaker": line.speaker,
                                "text": line.text,
                                "at": line.timestamp.astimezone(c.clock.tz).strftime("%H:%M:%S"),
                            }
                        ),
                    )
                    for line in lines
                ]
            for line_id, data in found:
                last = line_id
                yield f"id: {line_id}\nevent: line\ndata: {data}\n\n"
            if ended:
                yield "event: ended\ndata: {}\n\n"
                return
            await asyncio.sleep(POLL_SECONDS)

    return events(stream())


@router.get("/live/events")
async def live_events(request: Request, user: User, c: ContainerDep):
    """The calls in progress as server-sent events (`calls`), sent again whenever they change."""

    async def stream():
        yield "retry: 2000\n\n"
        sent = None
        for _ in range(STREAM_POLLS):
            if await request.is_disconnected():
                return
            async with UnitOfWork(c.db, write=False) as uow:
                live = await front_desk.live_calls(uow, clock=c.clock)
            now = [
                {
                    "session_id": r.session_id,
                    "caller": r.caller or "unknown number",
                    "started": r.call_start.astimezone(c.clock.tz).strftime("%H:%M:%S"),
                }
                for r in live
            ]
            if now != sent:
                sent = now
                yield f"event: calls\ndata: {json.dumps(now)}\n\n"
            await asyncio.sleep(POLL_SECONDS)

    return events(stream())


def events(stream) -> StreamingResponse:
    return StreamingResponse(stream, media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest("The day must look like 2026-01-31.", field="day") from None
