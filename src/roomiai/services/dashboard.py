"""The front office's day at a glance: arrivals, rooms, calls and room revenue, in the hotel's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select

from ..clock import Clock
from ..domain.lifecycle import BookingStatus
from ..domain.pools import ALL
from ..store.tables import BookingRecord, CallLogRecord, InventoryRecord, RoomRecord
from ..store.uow import UnitOfWork
from . import catalog

NOT_ARRIVING = (BookingStatus.CANCELLED.value, BookingStatus.NO_SHOW.value)
EARNING = (BookingStatus.CONFIRMED.value, BookingStatus.CHECKED_IN.value, BookingStatus.CHECKED_OUT.value)


@dataclass(frozen=True)
class Dashboard:
    date: dt.date
    arrivals: int
    departures: int
    in_house: int
    available_rooms: int
    occupancy_rate: float
    calls_today: int
    bookings_completed: int
    conversion_rate: float
    avg_call_duration: int
    revenue_today_cents: int
    revenue_mtd_cents: int


def ratio(part: int, whole: int) -> float:
    """part / whole rounded to four places; 0 when there is nothing to divide by."""
    return round(part / whole, 4) if whole else 0.0


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of `day` and of the day after, at the hotel."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz), dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(0), tzinfo=tz
    )


def nightly_revenue_cents(
    pricing: dict[str, Any], *, rooms: int, first: dt.date, last: dt.date, held_until: dt.date
) -> dict[dt.date, int]:
    """Room revenue per night from `first` to `last` (inclusive) of the nights held before `held_until`."""
    revenue = {}
    for night in pricing["nightly"]:
        date = dt.date.fromisoformat(night["date"])
        if first <= date <= last and date < held_until:
            revenue[date] = (night["rate_cents"] + night["extra_person_cents"]) * rooms
    return revenue


def held_until(*, status: str, check_out: dt.date, departed_on: dt.date | None) -> dt.date:
    """The first night a booking no longer holds: its check-out date, or the day the guest left early."""
    if status == BookingStatus.CHECKED_OUT.value and departed_on is not None:
        return min(check_out, departed_on)
    return check_out


async def summary(uow: UnitOfWork, *, clock: Clock) -> Dashboard:
    """Today's figures from the bookings, the inventory and the call logs."""
    today, tz = clock.today(), clock.tz
    session = uow.session
    arrivals = await _count(uow, BookingRecord.check_in_date == today, BookingRecord.status.not_in(NOT_ARRIVING))
    departures = await _count(uow, BookingRecord.check_out_date == today, BookingRecord.status.in_(EARNING))
    in_house = await _count(uow, BookingRecord.status == BookingStatus.CHECKED_IN.value)
    in_service = (
        await session.execute(
            select(func.count()).select_from(RoomRecord).where(RoomRecord.status.not_in(catalog.OUT_OF_INVENTORY))
        )
    ).scalar_one()
    sold, blocked = (
        await session.execute(
            select(
                func.coalesce(func.sum(InventoryRecord.sold), 0), func.coalesce(func.sum(InventoryRecord.blocked), 0)
            ).where(InventoryRecord.stay_date == today, InventoryRecord.pool == ALL)
        )
    ).one()

    start, end = day_bounds(today, tz)
    calls_today, completed, average = cast(
        tuple[int, int, float | None],
        (
            await session.execute(
                select(
                    func.count(),
                    func.count().filter(CallLogRecord.outcome == "booking_completed"),
                    func.avg(CallLogRecord.duration_seconds),
                ).where(CallLogRecord.call_start >= start, CallLogRecord.call_start < end)
            )
        ).one(),
    )

    revenue_today, revenue_mtd = await _revenue(uow, today=today, tz=tz)
    return Dashboard(
        date=today,
        arrivals=arrivals,
        departures=departures,
        in_house=in_house,
        available_rooms=max(0, in_service - sold - blocked),
        occupancy_rate=ratio(sold, in_service),
        calls_today=calls_today,
        bookings_completed=completed,
        conversion_rate=ratio(completed, calls_today),
        avg_call_duration=round(average or 0),
        revenue_today_cents=revenue_today,
        revenue_mtd_cents=revenue_mtd,
    )


async def _count(uow: UnitOfWork, *conditions) -> int:
    return (await uow.session.execute(select(func.count()).select_from(BookingRecord).where(*conditions))).scalar_one()


async def _revenue(uow: UnitOfWork, *, today: dt.date, tz: dt.tzinfo) -> tuple[int, int]:
    """Room revenue of tonight and of the month so far, plus cancellation penalties charged on those days."""
    month_start = today.replace(day=1)
    staying = (  # only the columns needed: whole records would decrypt every guest's contact details
        await uow.session.execute(
            select(
                BookingRecord.pricing,
                BookingRecord.rooms_count,
                BookingRecord.status,
                BookingRecord.check_out_date,
                BookingRecord.actual_check_out,
            ).where(
                BookingRecord.status.in_(EARNING),
                BookingRecord.check_in_date <= today,
                BookingRecord.check_out_date > month_start,
            )
        )
    ).all()
    by_day: dict[dt.date, int] = {}
    for booking in staying:
        departed = booking.actual_check_out.astimezone(tz).date() if booking.actual_check_out else None
        nights = nightly_revenue_cents(
            booking.pricing,
            rooms=booking.rooms_count,
            first=month_start,
            last=today,
            held_until=held_until(status=booking.status, check_out=booking.check_out_date, departed_on=departed),
        )
        for night, cents in nights.items():
            by_day[night] = by_day.get(night, 0) + cents

    cancelled = (
        await uow.session.execute(
            select(BookingRecord.cancellation).where(
                BookingRecord.status == BookingStatus.CANCELLED.value,
                BookingRecord.updated_at >= day_bounds(month_start, tz)[0],
            )
        )
    ).scalars()
    for stored in cancelled:
        cancellation = stored or {}
        if not cancellation.get("penalty_cents") or not cancellation.get("cancelled_at"):
            continue
        day = dt.datetime.fromisoformat(cancellation["cancelled_at"]).astimezone(tz).date()
        if month_start <= day <= today:
            by_day[day] = by_day.get(day, 0) + cancellation["penalty_cents"]
    return by_day.get(today, 0), sum(by_day.values())
