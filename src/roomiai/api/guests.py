"""/v1/guests: create, search and read profiles, and update preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..services import guests
from ..store.tables import BookingRecord, GuestRecord, RoomTypeRecord
from .deps import ContainerDep, ReadUow, Staff, WriteUow
from .schemas.common import money
from .schemas.guests import (
    GuestBooking,
    GuestCreate,
    GuestRead,
    GuestSearchResult,
    GuestSummary,
    Preferences,
    PreferencesRead,
    StayHistory,
)

router = APIRouter(prefix="/v1/guests", tags=["guests"])
GuestId = Annotated[str, Path(max_length=24, description="e.g. G-2026-00001")]


@router.post("", status_code=201, response_model=GuestRead, summary="Create a guest profile")
async def create_guest(body: GuestCreate, uow: WriteUow, c: ContainerDep, _: Staff) -> GuestRead:
    data = {**body.model_dump(mode="json", exclude_none=True), "date_of_birth": body.date_of_birth}
    record = await guests.register(uow, data=data, now=c.clock.now())
    return guest_read(guests.GuestProfile(record, [], []))


@router.get("/search", response_model=GuestSearchResult, summary="Find guests by name, email or phone")
async def search_guests(
    uow: ReadUow,
    _: Staff,
    name: Annotated[str | None, Query(max_length=80)] = None,
    email: Annotated[str | None, Query(max_length=254)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> GuestSearchResult:
    records = await guests.find(uow, name=name, email=email, phone=phone, limit=limit)
    return GuestSearchResult(count=len(records), guests=[_summary(r) for r in records])


@router.get("/{guest_id}", response_model=GuestRead, summary="A guest profile with stay history and bookings")
async def get_guest(guest_id: GuestId, uow: ReadUow, c: ContainerDep, _: Staff) -> GuestRead:
    return guest_read(await guests.profile(uow, guest_id=guest_id, today=c.clock.today()))


@router.put("/{guest_id}/preferences", response_model=PreferencesRead, summary="Replace a guest's preferences")
async def update_preferences(
    guest_id: GuestId, body: Preferences, uow: WriteUow, c: ContainerDep, _: Staff
) -> PreferencesRead:
    record = await guests.update_preferences(
        uow, guest_id=guest_id, preferences=body.model_dump(mode="json", exclude_none=True), now=c.clock.now()
    )
    return PreferencesRead(guest_id=record.guest_id, preferences=record.preferences, updated_at=record.updated_at)


def guest_read(profile: guests.GuestProfile) -> GuestRead:
    g = profile.record
    document = dict(g.id_document) if g.id_document else None
    if document:
        document["number"] = "*" * max(0, len(document["number"]) - 4) + document["number"][-4:]
    return GuestRead(
        guest_id=g.guest_id,
        title=g.title,
        first_name=g.first_name,
        last_name=g.last_name,
        email=g.email,
        phone=g.phone,
        alternate_phone=g.alternate_phone,
        address=g.address,
        date_of_birth=g.date_of_birth,
        nationality=g.nationality,
        id_document=document,
        preferences=g.preferences,
        loyalty=g.loyalty,
        communication_preferences=g.communication_preferences,
        stay_history=StayHistory(
            total_stays=g.total_stays,
            total_nights=g.total_nights,
            total_revenue=money(g.total_revenue_cents),
            first_stay=g.first_stay,
            last_stay=g.last_stay,
        ),
        notes=g.notes,
        tags=g.tags,
        contact_history=g.contact_history or [],
        upcoming_bookings=[_booking(b, rt) for b, rt in profile.upcoming],
        past_bookings=[_booking(b, rt) for b, rt in profile.past],
        created_at=g.created_at,
        updated_at=g.updated_at,
    )


def _booking(b: BookingRecord, room_type: RoomTypeRecord) -> GuestBooking:
    return GuestBooking(
        confirmation_number=b.confirmation_number,
        status=b.status,
        check_in_date=b.check_in_date,
        check_out_date=b.check_out_date,
        nights=b.nights,
        room_type=room_type.name,
        room_numbers=b.room_numbers,
        grand_total=money(b.grand_total_cents),
        currency=b.currency,
    )


def _summary(g: GuestRecord) -> GuestSummary:
    return GuestSummary(
        guest_id=g.guest_id,
        name=f"{g.first_name} {g.last_name}",
        email=g.email,
        phone=g.phone,
        loyalty_tier=(g.loyalty or {}).get("tier"),
        total_stays=g.total_stays,
        last_stay=g.last_stay,
    )
