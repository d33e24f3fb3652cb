"""What the front desk pages read: today's board, the occupancy ahead, calls with one-line summaries, the request queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, case, cast, func, or_, select

from ..clock import Clock
from ..domain.call_summary import CallFacts, summary
from ..domain.pools import ALL
from ..store.tables import (
    BookingRecord,
    CallIntentRecord,
    CallLogRecord,
    CallTranscriptRecord,
    GuestRecord,
    InventoryRecord,
    RoomRecord,
    RoomTypeRecord,
    ServiceRequestRecord,
)
from ..store.uow import UnitOfWork
from . import catalog, dashboard

PROBLEM_OUTCOMES = ("transferred", "abandoned", "booking_failed")
LIVE_HOURS = 4  # an unfinished call older than this was dropped, not in progress


@dataclass(frozen=True)
class Night:
    date: dt.date
    sold: int
    rooms: int

    @property
    def rate(self) -> float:
        return dashboard.ratio(self.sold, self.rooms)


@dataclass(frozen=True)
class Arrival:
    confirmation_number: str
    guest_name: str
    room_type: str
    nights: int
    status: str
    source: str


@dataclass(frozen=True)
class Board:
    figures: dashboard.Dashboard
    ai_bookings_today: int
    ahead: list[Night]
    arrivals: list[Arrival]


@dataclass(frozen=True)
class CallRow:
    session_id: str
    call_start: dt.datetime
    caller: str | None
    duration_seconds: int | None
    outcome: str | None
    ended: bool
    summary: str
    confirmation_number: str | None
    errors: int


async def board(uow: UnitOfWork, *, clock: Clock, days_ahead: int = 30) -> Board:
    """Today's figures, Roomi's bookings today, occupancy of the next nights and today's arrivals."""
    figures = await dashboard.summary(uow, clock=clock)
    today = clock.today()
    start, end = dashboard.day_bounds(today, clock.tz)
    session = uow.session
    ai_today = (
        await session.execute(
            select(func.count())
            .select_from(BookingRecord)
            .where(
                BookingRecord.booking_source == "voice_agent",
                BookingRecord.created_at >= start,
                BookingRecord.created_at < end,
            )
        )
    ).scalar_one()
    return Board(
        figures, ai_today, await occupancy_ahead(uow, first=today, days=days_ahead), await arrivals(uow, day=today)
    )


async def occupancy_ahead(uow: UnitOfWork, *, first: dt.date, days: int) -> list[Night]:
    """Rooms sold per night from `first` for `days` nights, against the rooms in service."""
    session = uow.session
    rooms = (
        await session.execute(
            select(func.count()).select_from(RoomRecord).where(RoomRecord.status.not_in(catalog.OUT_OF_INVENTORY))
        )
    ).scalar_one()
    last = first + dt.timedelta(days=days - 1)
    sold = dict(
        (
            await session.execute(
                select(InventoryRecord.stay_date, func.sum(InventoryRecord.sold))
                .where(
                    InventoryRecord.pool == ALL, InventoryRecord.stay_date >= first, InventoryRecord.stay_date <= last
                )
                .group_by(InventoryRecord.stay_date)
            )
        ).all()
    )
    return [Night(day, int(sold.get(day) or 0), rooms) for day in (first + dt.timedelta(days=n) for n in range(days))]


async def arrivals(uow: UnitOfWork, *, day: dt.date) -> list[Arrival]:
    """Bookings arriving on `day` that are still expected or already in, by guest name."""
    rows = (
        await uow.session.execute(
            select(BookingRecord, GuestRecord, RoomTypeRecord)
            .join(GuestRecord, GuestRecord.id == BookingRecord.primary_guest_id)
            .join(RoomTypeRecord, RoomTypeRecord.id == BookingRecord.room_type_id)
            .where(BookingRecord.check_in_date == day, BookingRecord.status.not_in(dashboard.NOT_ARRIVING))
            .order_by(GuestRecord.last_name, BookingRecord.confirmation_number)
        )
    ).all()
    return [
        Arrival(b.confirmation_number, f"{g.first_name} {g.last_name}", rt.name, b.nights, b.status, b.booking_source)
        for b, g, rt in rows
    ]


async def calls(
    uow: UnitOfWork,
    *,
    clock: Clock,
    day: dt.date | None = None,
    outcome: str | None = None,
    problems: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[CallRow]]:
    """Calls newest first with a one-line summary each; `problems`: only the ones that went wrong."""
    conditions = []
    if day is not None:
        start, end = dashboard.day_bounds(day, clock.tz)
        conditions += [CallLogRecord.call_start >= start, CallLogRecord.call_start < end]
    if outcome == "in_progress":
        conditions.append(CallLogRecord.call_end.is_(None))
    elif outcome:
        conditions.append(CallLogRecord.outcome == outcome)
    if problems:  # transferred, abandoned or failed, or with errors: provider errors, callers Roomi did not understand
        conditions.append(or_(CallLogRecord.outcome.in_(PROBLEM_OUTCOMES), cast(CallLogRecord.errors, String) != "[]"))
    session = uow.session
    total = (await session.execute(select(func.count()).select_from(CallLogRecord).where(*conditions))).scalar_one()
    rows = (
        await session.execute(
            select(
                CallLogRecord,
                BookingRecord.confirmation_number,
                BookingRecord.check_in_date,
                BookingRecord.check_out_date,
                RoomTypeRecord.type_code,
            )
            .outerjoin(BookingRecord, BookingRecord.id == CallLogRecord.booking_id)
            .outerjoin(RoomTypeRecord, RoomTypeRecord.id == BookingRecord.room_type_id)
            .where(*conditions)
            .order_by(CallLogRecord.call_start.desc(), CallLogRecord.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    ids = [row[0].id for row in rows]
    intents: dict[str, list[str]] = {}
    lines: dict[str, list[str]] = {}
    if ids:
        for call_id, intent in (
            await session.execute(
                select(CallIntentRecord.call_id, CallIntentRecord.intent)
                .where(CallIntentRecord.call_id.in_(ids))
                .order_by(CallIntentRecord.id)
            )
        ).all():
            intents.setdefault(call_id, []).append(intent)
        for line in (
            await session.execute(
                select(CallTranscriptRecord)
                .where(CallTranscriptRecord.call_id.in_(ids), CallTranscriptRecord.speaker == "guest")
                .order_by(CallTranscriptRecord.id)
            )
        ).scalars():
            lines.setdefault(line.call_id, []).append(line.text)
    found = []
    for record, number, check_in, check_out, code in rows:
        facts = facts_of(
            record,
            number=number,
            check_in=check_in,
            check_out=check_out,
            room_type_code=code,
            intents=intents.get(record.id, []),
            caller_lines=lines.get(record.id, []),
        )
        found.append(
            CallRow(
                record.session_id,
                record.call_start,
                record.caller_phone,
                record.duration_seconds,
                record.outcome,
                record.call_end is not None,
                summary(facts),
                number,
                len(record.errors or []),
            )
        )
    return total, found


def facts_of(record: CallLogRecord, *, number, check_in, check_out, room_type_code, intents, caller_lines) -> CallFacts:
    return CallFacts(
        outcome=record.outcome,
        ended=record.call_end is not None,
        confirmation_number=number,
        room_type_code=room_type_code,
        check_in=check_in,
        check_out=check_out,
        intents=tuple(intents),
        caller_lines=tuple(caller_lines),
        errors=tuple(str(e.get("type", "error")).replace("_", " ") for e in record.errors or []),
    )


async def live_calls(uow: UnitOfWork, *, clock: Clock) -> list[CallRow]:
    """Calls still going on (started in the last few hours and not ended), newest first."""
    since = clock.now() - dt.timedelta(hours=LIVE_HOURS)
    rows = (
        await uow.session.execute(
            select(CallLogRecord)
            .where(CallLogRecord.call_end.is_(None), CallLogRecord.call_start >= since)
            .order_by(CallLogRecord.call_start.desc())
            .limit(20)
        )
    ).scalars()
    return [
        CallRow(r.session_id, r.call_start, r.caller_phone, None, None, False, "In progress", None, len(r.errors or []))
        for r in rows
    ]


async def transcript_after(uow: UnitOfWork, *, session_id: str, after: int) -> tuple[list[CallTranscriptRecord], bool]:
    """Transcript lines of a call with an id above `after`, and whether the call has ended."""
    record = (
        await uow.session.execute(
            select(CallLogRecord.id, CallLogRecord.call_end).where(CallLogRecord.session_id == session_id)
        )
    ).first()
    if record is None:
        return [], True
    lines = (
        await uow.session.execute(
            select(CallTranscriptRecord)
            .where(CallTranscriptRecord.call_id == record.id, CallTranscriptRecord.id > after)
            .order_by(CallTranscriptRecord.id)
            .limit(200)
        )
    ).scalars()
    return list(lines), record.call_end is not None


async def request_queue(uow: UnitOfWork, *, open_only: bool = True, limit: int = 100):
    """Service requests, urgent first and newest first; `open_only`: pending and in progress."""
    query = (
        select(ServiceRequestRecord, BookingRecord, GuestRecord)
        .outerjoin(BookingRecord, BookingRecord.id == ServiceRequestRecord.booking_id)
        .outerjoin(GuestRecord, GuestRecord.id == ServiceRequestRecord.guest_id)
    )
    if open_only:
        query = query.where(ServiceRequestRecord.status.in_(("pending", "in_progress")))
    urgent_first = case((ServiceRequestRecord.priority == "urgent", 0), else_=1)
    query = query.order_by(urgent_first, ServiceRequestRecord.created_at.desc(), ServiceRequestRecord.request_id.desc())
    return (await uow.session.execute(query.limit(limit))).all()
