"""Guest profiles: found again by email or phone, created once, stay history kept current."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.references import digits_only, escape_like, yearly_reference
from ..store.tables import BookingRecord, GuestRecord, RoomTypeRecord
from ..store.uow import UnitOfWork
from ..store.locks import xact_lock
from ..store.upsert import next_sequence


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def phone_key(phone: dict[str, Any] | None) -> str | None:
    """Country code and number as digits only, e.g. 15551234567."""
    if not phone or not phone.get("number"):
        return None
    return digits_only(str(phone.get("country_code", ""))) + digits_only(str(phone["number"]))


async def find_existing(session: AsyncSession, *, email: str | None, phone: dict[str, Any] | None) -> GuestRecord | None:
    """The profile with this email, else the one with this phone."""
    keys = [(GuestRecord.email_key, email_key(email)), (GuestRecord.phone_key, phone_key(phone))]
    conditions = [column == value for column, value in keys if value]
    if not conditions:
        return None
    records = list((await session.execute(select(GuestRecord).where(or_(*conditions)).order_by(GuestRecord.created_at))).scalars())
    by_email = [r for r in records if email and r.email_key == email_key(email)]
    return (by_email or records or [None])[0]


async def create(session: AsyncSession, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """A new profile with the next G-YYYY-NNNNN id."""
    if not data.get("first_name") or not data.get("last_name"):
        raise InvalidRequest("A guest needs a first and a last name.", field="primary_guest")
    if data.get("phone"):
        data = {**data, "phone": clean_phone(data["phone"])}
    sequence = await next_sequence(session, f"guest:{now.year}")
    record = GuestRecord(
        guest_id=yearly_reference("G", now.year, sequence),
        email_key=email_key(data.get("email")),
        phone_key=phone_key(data.get("phone")),
        preferences=data.get("preferences") or {},
        communication_preferences=data.get("communication_preferences") or {},
        tags=data.get("tags") or [],
        created_at=now,
        updated_at=now,
        **{k: v for k, v in data.items() if k in _PLAIN_FIELDS and v is not None},
    )
    session.add(record)
    await session.flush()
    return record


_PLAIN_FIELDS = {
    "title", "first_name", "last_name", "email", "phone", "alternate_phone", "address", "date_of_birth",
    "nationality", "id_document", "loyalty", "notes",
}


def _same_person(record: GuestRecord, data: dict[str, Any]) -> bool:
    """A shared email or phone is not enough: families and colleagues share them, so the last name must match too."""
    return (record.last_name or "").strip().casefold() == str(data.get("last_name") or "").strip().casefold()


async def find_or_create(session: AsyncSession, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """Reuse the profile matching the email or phone, filling in what it lacked; otherwise create one."""
    keys = [f"guest-email:{k}" for k in [email_key(data.get("email"))] if k]
    keys += [f"guest-phone:{k}" for k in [phone_key(data.get("phone"))] if k]
    await xact_lock(session, *keys)  # one caller booking on two lines gets one profile
    record = await find_existing(session, email=data.get("email"), phone=data.get("phone"))
    if record is None or not _same_person(record, data):
        return await create(session, data=data, now=now)
    for field in ("title", "email", "phone"):
        if data.get(field) and not getattr(record, field):
            setattr(record, field, clean_phone(data[field]) if field == "phone" else data[field])
    record.email_key = email_key(record.email)
    record.phone_key = phone_key(record.phone)
    record.updated_at = now
    return record


async def get(session: AsyncSession, guest_id: str) -> GuestRecord:
    record = (await session.execute(select(GuestRecord).where(GuestRecord.guest_id == guest_id))).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No guest with id {guest_id}.")
    return record


async def search(
    session: AsyncSession, *, name: str | None = None, email: str | None = None, phone: str | None = None, limit: int = 50
) -> list[GuestRecord]:
    """Guests matching every given criterion; name matches first or last name, partly."""
    query = select(GuestRecord)
    if name:
        for word in name.split():
            pattern = f"%{escape_like(word.lower())}%"
            query = query.where(or_(GuestRecord.first_name.ilike(pattern, escape="\\"), GuestRecord.last_name.ilike(pattern, escape="\\")))
    if email:
        query = query.where(GuestRecord.email_key == email_key(email))
    if phone:
        digits = digits_only(phone)
        if len(digits) < 4:
            raise InvalidRequest("Give at least the last four digits of the phone number.", field="phone")
        query = query.where(GuestRecord.phone_key.like(f"%{digits}"))
    return list((await session.execute(query.order_by(GuestRecord.last_name, GuestRecord.first_name).limit(limit))).scalars())


def record_stay(record: GuestRecord, *, check_in: dt.date, check_out: dt.date, revenue_cents: int, now: dt.datetime) -> None:
    """Add a completed stay to the guest's history."""
    record.total_stays += 1
    record.total_nights += (check_out - check_in).days
    record.total_revenue_cents += revenue_cents
    record.first_stay = min(filter(None, [record.first_stay, check_in]))
    record.last_stay = max(filter(None, [record.last_stay, check_in]))
    record.updated_at = now


@dataclass
class GuestProfile:
    """A guest with their bookings, split into what is still ahead and what is over."""

    record: GuestRecord
    upcoming: list[tuple[BookingRecord, RoomTypeRecord]]
    past: list[tuple[BookingRecord, RoomTypeRecord]]


ACTIVE_STATUSES = ("pending", "confirmed", "checked_in")
PAST_SHOWN = 10


async def register(uow: UnitOfWork, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """Create a profile, or Conflict naming the profile that already has this email or phone."""
    born = data.get("date_of_birth")
    if born is not None and born >= now.date():
        raise InvalidRequest(f"The date of birth {born.isoformat()} is not in the past.", field="date_of_birth")
    if data.get("phone"):
        data = {**data, "phone": clean_phone(data["phone"])}
    if data.get("alternate_phone"):
        data = {**data, "alternate_phone": clean_phone(data["alternate_phone"])}
    existing = await find_existing(uow.session, email=data.get("email"), phone=data.get("phone"))
    if existing is not None:
        same_email = email_key(data.get("email")) is not None and existing.email_key == email_key(data.get("email"))
        what = f"email {data['email']}" if same_email else "this phone number"
        raise Conflict(f"A guest profile with {what} already exists: {existing.guest_id}.", field="email" if same_email else "phone")
    record = await create(uow.session, data=data, now=now)
    await uow.commit()
    return record


def clean_phone(phone: dict[str, Any]) -> dict[str, Any]:
    """Country code as +digits and number as digits, e.g. {"country_code": "+1", "number": "5551234567"}."""
    return {"country_code": "+" + digits_only(str(phone.get("country_code") or "1")), "number": digits_only(str(phone["number"]))}


async def find(
    uow: UnitOfWork, *, name: str | None = None, email: str | None = None, phone: str | None = None, limit: int = 50
) -> list[GuestRecord]:
    """Guests matching every given criterion; at least one is needed."""
    if not (name or email or phone):
        raise InvalidRequest("Give at least one of name, email or phone to search guests.")
    return await search(uow.session, name=name, email=email, phone=phone, limit=limit)


async def profile(uow: UnitOfWork, *, guest_id: str, today: dt.date) -> GuestProfile:
    """The guest and their bookings: upcoming (still to stay or in house) and the latest past ones."""
    record = await get(uow.session, guest_id)
    query = (
        select(BookingRecord, RoomTypeRecord)
        .join(RoomTypeRecord, RoomTypeRecord.id == BookingRecord.room_type_id)
        .where(BookingRecord.primary_guest_id == record.id)
    )
    upcoming, past = [], []
    for booking, room_type in (await uow.session.execute(query.order_by(BookingRecord.check_in_date))).all():
        ahead = booking.status in ACTIVE_STATUSES and booking.check_out_date >= today
        (upcoming if ahead else past).append((booking, room_type))
    return GuestProfile(record, upcoming, list(reversed(past))[:PAST_SHOWN])


async def update_preferences(uow: UnitOfWork, *, guest_id: str, preferences: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """Replace the guest's preferences."""
    record = await get(uow.session, guest_id)
    record.preferences = preferences
    record.updated_at = now
    await uow.commit()
    return record
