"""Guest profiles: found again by email or phone (through their keyed hashes), created once, stay history kept current."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.cards import redact_card_data
from ..domain.contact import PHONE_TAIL_DIGITS, clean_phone, normal_email, phone_digits
from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.references import digits_only, escape_like, yearly_reference
from ..store.locks import xact_lock
from ..store.pii import session_keys
from ..store.tables import BookingRecord, GuestRecord, RoomTypeRecord, new_id
from ..store.uow import UnitOfWork
from ..store.upsert import next_sequence


def index_contact(session: AsyncSession, record: GuestRecord) -> None:
    """Set the profile's search hashes from its (plaintext, in memory) email and phone."""
    keys, digits = session_keys(session), phone_digits(record.phone)
    record.email_hash = keys.email_hash(record.email)
    record.phone_hash = keys.phone_hash(digits)
    record.phone_tail_hash = keys.phone_tail_hash(digits)


def phone_search_digits(phone: str) -> str:
    """The digits of a searched phone number, or InvalidRequest when fewer than the last four are given."""
    digits = digits_only(phone)
    if len(digits) < PHONE_TAIL_DIGITS:
        raise InvalidRequest("Give at least the last four digits of the phone number.", field="phone")
    return digits


def phone_ends_with(phone: dict[str, Any] | None, digits: str) -> bool:
    """Whether the stored phone (country code and number) ends with these digits."""
    return (phone_digits(phone) or "").endswith(digits)


async def find_existing(
    session: AsyncSession, *, email: str | None, phone: dict[str, Any] | None
) -> GuestRecord | None:
    """The profile with this email, else the one with this phone."""
    keys = session_keys(session)
    email_hash, phone_hash = keys.email_hash(email), keys.phone_hash(phone_digits(phone))
    pairs = [(GuestRecord.email_hash, email_hash), (GuestRecord.phone_hash, phone_hash)]
    conditions = [column == value for column, value in pairs if value]
    if not conditions:
        return None
    records = list(
        (await session.execute(select(GuestRecord).where(or_(*conditions)).order_by(GuestRecord.created_at))).scalars()
    )
    by_email = [r for r in records if email_hash and r.email_hash == email_hash]
    matches = by_email or records
    return matches[0] if matches else None


async def create(session: AsyncSession, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """A new profile with the next G-YYYY-NNNNN id."""
    record = new_profile(data=data, session=session, now=now)
    number(record, await next_sequence(session, sequence_name(now)), now=now)
    session.add(record)
    await session.flush()
    return record


def new_profile(*, session: AsyncSession, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """A profile not yet stored nor numbered (see `number`)."""
    if not data.get("first_name") or not data.get("last_name"):
        raise InvalidRequest("A guest needs a first and a last name.", field="primary_guest")
    if data.get("phone"):
        data = {**data, "phone": clean_phone(data["phone"])}
    record = GuestRecord(
        id=new_id(),
        preferences=redact_card_data(data.get("preferences") or {}),
        communication_preferences=data.get("communication_preferences") or {},
        tags=data.get("tags") or [],
        created_at=now,
        updated_at=now,
        **{
            k: redact_card_data(v) if k in FREE_TEXT_FIELDS else v
            for k, v in data.items()
            if k in _PLAIN_FIELDS and v is not None
        },
    )
    index_contact(session, record)
    return record


def sequence_name(now: dt.datetime) -> str:
    return f"guest:{now.year}"


def number(record: GuestRecord, sequence: int, *, now: dt.datetime) -> None:
    record.guest_id = yearly_reference("G", now.year, sequence)


FREE_TEXT_FIELDS = {"notes", "address"}  # what a caller may say anything into: card-like numbers are redacted
_PLAIN_FIELDS = {
    "title",
    "first_name",
    "last_name",
    "email",
    "phone",
    "alternate_phone",
    "address",
    "date_of_birth",
    "nationality",
    "id_document",
    "loyalty",
    "notes",
}


def _same_person(record: GuestRecord, data: dict[str, Any]) -> bool:
    """A shared email or phone is not enough: families and colleagues share them, so the last name must match too."""
    return (record.last_name or "").strip().casefold() == str(data.get("last_name") or "").strip().casefold()


async def find_or_create(session: AsyncSession, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """Reuse the profile matching the email or phone, filling in what it lacked; otherwise create one."""
    record = await find_or_new(session, data=data, now=now)
    if record.guest_id is None:
        number(record, await next_sequence(session, sequence_name(now)), now=now)
        session.add(record)
        await session.flush()
    return record


async def find_or_new(session: AsyncSession, *, data: dict[str, Any], now: dt.datetime) -> GuestRecord:
    """The profile matching the email or phone, filled in with what it lacked; else a new one, not yet numbered nor
    added to the session (the caller numbers it and adds it with its own rows)."""
    keys = session_keys(session)
    locks = [f"guest-email:{h}" for h in [keys.email_hash(data.get("email"))] if h]
    locks += [f"guest-phone:{h}" for h in [keys.phone_hash(phone_digits(data.get("phone")))] if h]
    await xact_lock(session, *locks)  # one caller booking on two lines gets one profile
    record = await find_existing(session, email=data.get("email"), phone=data.get("phone"))
    if record is None or not _same_person(record, data):
        return new_profile(session=session, data=data, now=now)
    if data.get("title") and not record.title:
        record.title = data["title"]
    update_contact(
        record, email=data.get("email"), phone=clean_phone(data["phone"]) if data.get("phone") else None, now=now
    )
    index_contact(session, record)
    record.updated_at = now
    return record


def update_contact(record: GuestRecord, *, email: str | None, phone: dict[str, Any] | None, now: dt.datetime) -> None:
    """The e-mail and phone just given become the profile's; the ones they replace go to its contact history."""
    history = list(record.contact_history or [])
    if email and normal_email(email) != normal_email(record.email):
        if record.email:
            history.append({"email": record.email, "until": now.isoformat()})
        record.email = email
    if phone and phone_digits(phone) != phone_digits(record.phone):
        if record.phone:
            history.append({"phone": record.phone, "until": now.isoformat()})
        record.phone = phone
    if history != (record.contact_history or []):
        record.contact_history = history


async def get(session: AsyncSession, guest_id: str) -> GuestRecord:
    record = (await session.execute(select(GuestRecord).where(GuestRecord.guest_id == guest_id))).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No guest with id {guest_id}.")
    return record


async def search(
    session: AsyncSession,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    limit: int = 50,
) -> list[GuestRecord]:
    """Guests matching every given criterion; name matches first or last name, partly, and phone its last digits."""
    keys = session_keys(session)
    query = select(GuestRecord)
    if name:
        for word in name.split():
            pattern = f"%{escape_like(word.lower())}%"
            query = query.where(
                or_(
                    GuestRecord.first_name.ilike(pattern, escape="\\"),
                    GuestRecord.last_name.ilike(pattern, escape="\\"),
                )
            )
    if email:
        query = query.where(GuestRecord.email_hash == keys.email_hash(email))
    digits = phone_search_digits(phone) if phone else None
    if digits:  # the index finds the few guests with these last four digits; the decrypted phones decide
        query = query.where(GuestRecord.phone_tail_hash == keys.phone_tail_hash(digits))
    else:
        query = query.limit(limit)
    records = (await session.execute(query.order_by(GuestRecord.last_name, GuestRecord.first_name))).scalars()
    return [r for r in records if not digits or phone_ends_with(r.phone, digits)][:limit]


def record_stay(
    record: GuestRecord, *, check_in: dt.date, check_out: dt.date, revenue_cents: int, now: dt.datetime
) -> None:
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
        email_hash = session_keys(uow.session).email_hash(data.get("email"))
        same_email = email_hash is not None and existing.email_hash == email_hash
        what = f"email {data['email']}" if same_email else "this phone number"
        raise Conflict(
            f"A guest profile with {what} already exists: {existing.guest_id}.",
            field="email" if same_email else "phone",
        )
    record = await create(uow.session, data=data, now=now)
    await uow.commit()
    return record


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
    upcoming: list[tuple[BookingRecord, RoomTypeRecord]] = []
    past: list[tuple[BookingRecord, RoomTypeRecord]] = []
    for booking, room_type in (await uow.session.execute(query.order_by(BookingRecord.check_in_date))).all():
        ahead = booking.status in ACTIVE_STATUSES and booking.check_out_date >= today
        (upcoming if ahead else past).append((booking, room_type))
    return GuestProfile(record, upcoming, list(reversed(past))[:PAST_SHOWN])


async def update_preferences(
    uow: UnitOfWork, *, guest_id: str, preferences: dict[str, Any], now: dt.datetime
) -> GuestRecord:
    """Replace the guest's preferences."""
    record = await get(uow.session, guest_id)
    record.preferences = redact_card_data(preferences)
    record.updated_at = now
    await uow.commit()
    return record
