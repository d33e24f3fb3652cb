"""/v1/admin: the dashboard, the call logs and the hotel's settings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ValidationError

from ..domain.errors import InvalidRequest
from ..services import calls, dashboard, hotel_settings
from .deps import Admin, ContainerDep, ReadUow, Staff, WriteUow
from .errors import describe_validation
from .schemas.admin import (
    CallList,
    DashboardRead,
    HotelSettingsDocument,
    HotelSettingsRead,
    HotelSettingsUpdate,
    RevenueStats,
    TodayStats,
    VoiceAgentStats,
)
from .schemas.common import money
from .schemas.voice import Outcome
from .voice import call_summary

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.get("/dashboard", response_model=DashboardRead, summary="Today's arrivals, rooms, calls and revenue")
async def get_dashboard(uow: ReadUow, c: ContainerDep, _: Staff) -> DashboardRead:
    d = await dashboard.summary(uow, clock=c.clock)
    return DashboardRead(
        date=d.date,
        today=TodayStats(
            arrivals=d.arrivals,
            departures=d.departures,
            in_house=d.in_house,
            available_rooms=d.available_rooms,
            occupancy_rate=d.occupancy_rate,
        ),
        voice_agent=VoiceAgentStats(
            calls_today=d.calls_today,
            bookings_completed=d.bookings_completed,
            conversion_rate=d.conversion_rate,
            avg_call_duration=d.avg_call_duration,
        ),
        revenue=RevenueStats(today=money(d.revenue_today_cents), mtd=money(d.revenue_mtd_cents)),
    )


@router.get("/calls", response_model=CallList, summary="Call logs by date (hotel time) and outcome, newest first")
async def list_calls(
    uow: ReadUow,
    c: ContainerDep,
    _: Staff,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    outcome: Outcome | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> CallList:
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest(f"date_from ({date_from}) is after date_to ({date_to}).", field="date_from")
    start = dashboard.day_bounds(date_from, c.clock.tz)[0] if date_from else None
    end = dashboard.day_bounds(date_to, c.clock.tz)[1] if date_to else None
    total, found = await calls.search(uow, start=start, end=end, outcome=outcome, limit=limit, offset=offset)
    return CallList(total=total, limit=limit, offset=offset, calls=[call_summary(call) for call in found])


@router.get("/settings", response_model=HotelSettingsRead, summary="The hotel's settings")
async def get_settings(uow: ReadUow, _: Staff) -> HotelSettingsRead:
    return _read(await hotel_settings.get(uow))


@router.put("/settings", response_model=HotelSettingsRead, summary="Change some sections of the hotel's settings")
async def update_settings(body: HotelSettingsUpdate, uow: WriteUow, c: ContainerDep, _: Admin) -> HotelSettingsRead:
    updated = await hotel_settings.update(
        uow, clock=c.clock, patch=body.model_dump(mode="json", exclude_unset=True), validate=_validated
    )
    return _read(updated)


def _validated(document: dict[str, Any]) -> dict[str, Any]:
    try:
        return HotelSettingsDocument.model_validate(document).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidRequest(describe_validation(list(exc.errors()))[1]) from None


def _read(settings: hotel_settings.HotelSettings) -> HotelSettingsRead:
    return HotelSettingsRead(**settings.data, updated_at=settings.updated_at)
