"""Service requests from in-house guests: filed against a checked-in stay, then worked through to done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select

from ..clock import Clock
from ..domain.cards import redact_card_data, redact_card_numbers
from ..domain.errors import Conflict, DomainError, InvalidRequest, InvalidTransition, NotFound
from ..domain.lifecycle import BookingStatus
from ..domain.references import yearly_reference
from ..store.tables import BookingRecord, GuestRecord, RoomRecord, ServiceRequestRecord
from ..store.uow import UnitOfWork
from ..store.upsert import next_sequence
from .booking_lookup import name_key

MINUTES_TO_COMPLETE = {
    "housekeeping": {"normal": 30, "urgent": 15},
    "room_service": {"normal": 45, "urgent": 30},
    "maintenance": {"normal": 60, "urgent": 20},
    "concierge": {"normal": 15, "urgent": 10},
    "amenity": {"normal": 20, "urgent": 10},
}
NEXT_STATUSES = {
    "pending": {"in_progress", "cancelled"},
    "in_progress": {"completed", "cancelled"},
    "completed": set(),
    "cancelled": set(),
}
CLOSED = ("completed", "cancelled")
NO_GUEST = "No guest staying in the hotel matches that room or booking and that last name."


@dataclass
class ServiceRequest:
    """A request with the booking and guest it belongs to."""

    record: ServiceRequestRecord
    booking: BookingRecord | None
    guest: GuestRecord | None


def estimated_completion(request_type: str, priority: str, *, now: dt.datetime) -> dt.datetime:
    """When the hotel expects to have done a request of this type and priority."""
    return now + dt.timedelta(minutes=MINUTES_TO_COMPLETE[request_type][priority])


async def create(
    uow: UnitOfWork,
    *,
    clock: Clock,
    booking_ref: str | None,
    room_number: str | None,
    request_type: str,
    details: dict[str, Any],
    priority: str,
    guest_last_name: str | None = None,
) -> ServiceRequest:
    """File a request for a checked-in booking, found by reference or by the occupied room number.

    With `guest_last_name` (a caller's proof) a stay that does not match it, for whatever reason, is one NotFound.
    """
    session = uow.session
    if not (booking_ref or room_number):
        raise InvalidRequest(
            "Say which stay the request is for: give a confirmation_number, a booking_id or a room_number."
        )
    if guest_last_name is not None:
        booking, room_number = await _proven_stay(uow, booking_ref, room_number, guest_last_name)
    elif booking_ref:
        booking = await _booking(uow, booking_ref)
        room_number = _room_of(booking, room_number)
    else:
        assert room_number  # checked above: a reference or a room number
        booking = await _occupant(uow, room_number)
    now = clock.now()
    sequence = await next_sequence(session, f"service_request:{now.year}")
    record = ServiceRequestRecord(
        request_id=yearly_reference("SRV", now.year, sequence),
        booking_id=booking.id,
        room_number=room_number,
        guest_id=booking.primary_guest_id,
        request_type=request_type,
        request_details={**redact_card_data(details), "priority": priority},
        priority=priority,
        status="pending",
        estimated_completion=estimated_completion(request_type, priority, now=now),
        notes="",
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    await session.flush()
    guest = await session.get(GuestRecord, booking.primary_guest_id)
    await uow.commit()
    return ServiceRequest(record, booking, guest)


async def get(uow: UnitOfWork, request_id: str) -> ServiceRequest:
    query = _joined().where(ServiceRequestRecord.request_id == request_id.strip().upper())
    row = (await uow.session.execute(query)).first()
    if row is None:
        raise NotFound(f"No service request with id {request_id}.")
    return ServiceRequest(*row)


async def update(uow: UnitOfWork, *, clock: Clock, request_id: str, changes: dict[str, Any]) -> ServiceRequest:
    """Move the request along (pending → in_progress → completed, or cancelled), assign it, note it, rate it."""
    request = await get(uow, request_id)
    record = request.record
    now = clock.now()
    status = changes.get("status", record.status)
    if status != record.status:
        if status not in NEXT_STATUSES[record.status]:
            allowed = " or ".join(sorted(NEXT_STATUSES[record.status])) or "nothing else"
            raise InvalidTransition(
                f"Service request {record.request_id} is {record.status.replace('_', ' ')}; it can only become {allowed}."
            )
        record.status = status
        if status == "completed":
            record.completed_at = now
    if "assigned_to" in changes and changes["assigned_to"] != record.assigned_to:
        if record.status in CLOSED:
            raise Conflict(f"Service request {record.request_id} is {record.status}; it can no longer be reassigned.")
        record.assigned_to = changes["assigned_to"]
    if changes.get("guest_rating") is not None:
        if record.status != "completed":
            raise Conflict(
                f"Only a completed request can be rated; {record.request_id} is {record.status.replace('_', ' ')}."
            )
        record.guest_rating = changes["guest_rating"]
    if "notes" in changes:
        record.notes = redact_card_numbers(changes["notes"] or "")
    record.updated_at = now
    await uow.commit()
    return request


async def search(
    uow: UnitOfWork, *, status: str | None = None, room_number: str | None = None, limit: int = 50, offset: int = 0
) -> list[ServiceRequest]:
    """Requests by status and room, newest first."""
    query = _joined()
    if status:
        query = query.where(ServiceRequestRecord.status == status)
    if room_number:
        query = query.where(ServiceRequestRecord.room_number == room_number)
    query = query.order_by(ServiceRequestRecord.created_at.desc(), ServiceRequestRecord.request_id.desc())
    return [ServiceRequest(*row) for row in (await uow.session.execute(query.limit(limit).offset(offset))).all()]


def _joined() -> Select[ServiceRequestRecord, BookingRecord | None, GuestRecord | None]:
    return (
        select(ServiceRequestRecord, BookingRecord, GuestRecord)
        .outerjoin(BookingRecord, BookingRecord.id == ServiceRequestRecord.booking_id)
        .outerjoin(GuestRecord, GuestRecord.id == ServiceRequestRecord.guest_id)
    )


async def _proven_stay(
    uow: UnitOfWork, booking_ref: str | None, room_number: str | None, last_name: str
) -> tuple[BookingRecord, str]:
    """The in-house stay whose primary guest has this last name; nothing about a stay is said unless the name matches."""
    try:
        booking = await (_booking(uow, booking_ref) if booking_ref else _occupant(uow, room_number or ""))
    except DomainError:
        raise NotFound(NO_GUEST) from None
    guest = await uow.session.get(GuestRecord, booking.primary_guest_id)
    if not name_key(last_name) or guest is None or name_key(guest.last_name) != name_key(last_name):
        raise NotFound(NO_GUEST)
    return booking, _room_of(booking, room_number)


async def _booking(uow: UnitOfWork, reference: str) -> BookingRecord:
    text = reference.strip()
    query = select(BookingRecord).where(
        or_(BookingRecord.confirmation_number == text.upper(), BookingRecord.id == text)
    )
    booking = (await uow.session.execute(query)).scalar_one_or_none()
    if booking is None:
        raise NotFound(f"No booking {reference}.", field="confirmation_number")
    if booking.status != BookingStatus.CHECKED_IN.value:
        raise InvalidRequest(
            f"Booking {booking.confirmation_number} is {booking.status.replace('_', ' ')}, not checked in;"
            " service requests are for guests staying in the hotel.",
            field="confirmation_number",
        )
    return booking


def _room_of(booking: BookingRecord, room_number: str | None) -> str:
    if room_number is None:
        if len(booking.room_numbers) != 1:
            raise InvalidRequest(
                f"Booking {booking.confirmation_number} has rooms {', '.join(booking.room_numbers)}; say which room.",
                field="room_number",
            )
        return booking.room_numbers[0]
    if room_number not in booking.room_numbers:
        raise InvalidRequest(
            f"Room {room_number} is not a room of booking {booking.confirmation_number}"
            f" (its rooms: {', '.join(booking.room_numbers)}).",
            field="room_number",
        )
    return room_number


async def _occupant(uow: UnitOfWork, room_number: str) -> BookingRecord:
    room = (
        await uow.session.execute(select(RoomRecord).where(RoomRecord.room_number == room_number))
    ).scalar_one_or_none()
    if room is None:
        raise NotFound(f"The hotel has no room {room_number}.", field="room_number")
    in_house = (
        await uow.session.execute(select(BookingRecord).where(BookingRecord.status == BookingStatus.CHECKED_IN.value))
    ).scalars()
    for booking in in_house:
        if room_number in booking.room_numbers:
            return booking
    raise InvalidRequest(f"Room {room_number} has no guest checked in.", field="room_number")
