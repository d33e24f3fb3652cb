"""SQLAlchemy tables. Money is integer cents; instants are stored in UTC."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .pii import Encrypted


def new_id() -> str:
    return uuid.uuid4().hex[:24]


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as naive UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: UTCDateTime}


class HotelSettingsRecord(Base):
    __tablename__ = "hotel_settings"
    hotel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime]


class RoomTypeRecord(Base):
    __tablename__ = "room_types"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    type_code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    base_occupancy: Mapped[int]
    max_occupancy: Mapped[int]
    max_adults: Mapped[int | None]
    extra_person_cents: Mapped[int] = mapped_column(default=0)
    bed_configurations: Mapped[list[Any]] = mapped_column(default=list)
    amenities: Mapped[list[Any]] = mapped_column(default=list)
    size_sqft: Mapped[int | None]
    view_options: Mapped[list[Any]] = mapped_column(default=list)
    is_smoking_available: Mapped[bool] = mapped_column(default=False)
    is_accessible: Mapped[bool] = mapped_column(default=False)
    images: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class RoomRecord(Base):
    __tablename__ = "rooms"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    room_number: Mapped[str] = mapped_column(String(16), unique=True)
    floor: Mapped[int]
    room_type_id: Mapped[str] = mapped_column(ForeignKey("room_types.id"), index=True)
    bed_configuration: Mapped[str] = mapped_column(String(16))
    view: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="available")
    is_smoking: Mapped[bool] = mapped_column(default=False)
    is_accessible: Mapped[bool] = mapped_column(default=False)
    features: Mapped[list[Any]] = mapped_column(default=list)
    connecting_room: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class RatePlanRecord(Base):
    __tablename__ = "rate_plans"
    __table_args__ = (UniqueConstraint("rate_code", "room_type_id"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    rate_code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    room_type_id: Mapped[str] = mapped_column(ForeignKey("room_types.id"), index=True)
    base_rate_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    rate_type: Mapped[str] = mapped_column(String(16), default="per_night")
    includes: Mapped[list[Any]] = mapped_column(default=list)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    day_of_week_rates: Mapped[dict[str, Any]] = mapped_column(default=dict)
    min_stay: Mapped[int] = mapped_column(default=1)
    max_stay: Mapped[int] = mapped_column(default=30)
    advance_booking_days: Mapped[int] = mapped_column(default=0)
    cancellation_policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_refundable: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class InventoryRecord(Base):
    """Rooms sold per night in one pool: "*" (the whole room type), "bed:KING", "view:city" or "bed:KING|view:city"."""

    __tablename__ = "inventory"
    room_type_id: Mapped[str] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    stay_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    pool: Mapped[str] = mapped_column(String(48), primary_key=True)
    total: Mapped[int]
    sold: Mapped[int] = mapped_column(default=0)
    blocked: Mapped[int] = mapped_column(default=0)


class GuestRecord(Base):
    """Contact, address, birth date and ID document are encrypted; email and phone are found by keyed hashes."""

    __tablename__ = "guests"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    guest_id: Mapped[str] = mapped_column(String(24), unique=True)
    title: Mapped[str | None] = mapped_column(String(16))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str | None] = mapped_column(Encrypted("guests.email"))
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[dict[str, Any] | None] = mapped_column(Encrypted("guests.phone", "json"))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_tail_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    alternate_phone: Mapped[dict[str, Any] | None] = mapped_column(Encrypted("guests.alternate_phone", "json"))
    address: Mapped[dict[str, Any] | None] = mapped_column(Encrypted("guests.address", "json"))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Encrypted("guests.date_of_birth", "date"))
    nationality: Mapped[str | None] = mapped_column(String(64))
    id_document: Mapped[dict[str, Any] | None] = mapped_column(Encrypted("guests.id_document", "json"))
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    loyalty: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    communication_preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total_stays: Mapped[int] = mapped_column(default=0)
    total_nights: Mapped[int] = mapped_column(default=0)
    total_revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    first_stay: Mapped[dt.date | None]
    last_stay: Mapped[dt.date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    # the e-mail addresses and phones this guest gave before the current ones: [{"email"|"phone": ..., "until": iso}]
    contact_history: Mapped[list[Any] | None] = mapped_column(Encrypted("guests.contact_history", "json"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class BookingRecord(Base):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_dates", "check_in_date", "check_out_date"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    confirmation_number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    booking_source: Mapped[str] = mapped_column(String(16), default="phone")
    booking_channel: Mapped[str] = mapped_column(String(16), default="direct")
    check_in_date: Mapped[dt.date]
    check_out_date: Mapped[dt.date]
    nights: Mapped[int]
    actual_check_in: Mapped[dt.datetime | None]
    actual_check_out: Mapped[dt.datetime | None]
    primary_guest_id: Mapped[str] = mapped_column(ForeignKey("guests.id"), index=True)
    additional_guests: Mapped[list[Any]] = mapped_column(default=list)
    adults: Mapped[int]
    children: Mapped[int] = mapped_column(default=0)
    infants: Mapped[int] = mapped_column(default=0)
    room_type_id: Mapped[str] = mapped_column(ForeignKey("room_types.id"))
    rooms_count: Mapped[int] = mapped_column(default=1)
    room_numbers: Mapped[list[Any]] = mapped_column(default=list)
    bed_configuration: Mapped[str | None] = mapped_column(String(16))
    view: Mapped[str | None] = mapped_column(String(16))
    rate_code: Mapped[str] = mapped_column(String(16))
    pricing: Mapped[dict[str, Any]]
    grand_total_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_status: Mapped[str] = mapped_column(String(16), default="pending")
    payment_method: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deposit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    deposit_paid: Mapped[bool] = mapped_column(default=False)
    special_occasion: Mapped[str | None] = mapped_column(String(64))
    estimated_arrival: Mapped[str | None] = mapped_column(String(5))
    special_requests: Mapped[list[Any]] = mapped_column(default=list)
    room_preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cancellation_policy: Mapped[dict[str, Any]]
    policies_accepted: Mapped[bool] = mapped_column(default=False)
    policies_accepted_at: Mapped[dt.datetime | None]
    cancellation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    voice_session_id: Mapped[str | None] = mapped_column(String(64))
    # the contact given for this booking, as the guest gave it (the profile may hold newer ones)
    contact_email: Mapped[str | None] = mapped_column(Encrypted("bookings.contact_email"))
    contact_email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    contact_phone: Mapped[dict[str, Any] | None] = mapped_column(Encrypted("bookings.contact_phone", "json"))
    contact_phone_tail_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class BookingEventRecord(Base):
    """The booking's modification history, one row per action."""

    __tablename__ = "booking_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime]
    by: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(Text)


class OutboxMessageRecord(Base):
    """A message to a guest, written in the transaction of the change it tells about and delivered afterwards.

    status: queued (due at next_attempt_at), sending (claimed by a sender at claimed_at), sent, failed (permanently).
    `content` is the whole message as sent (an RFC 5322 e-mail, or an SMS text), encrypted like other guest data.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(Encrypted("outbox_messages.recipient"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Encrypted("outbox_messages.content"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    claimed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class PaymentRecord(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    payment_id: Mapped[str] = mapped_column(String(24), unique=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    guest_id: Mapped[str] = mapped_column(ForeignKey("guests.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_type: Mapped[str] = mapped_column(String(16))
    payment_method: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    processor: Mapped[str] = mapped_column(String(32))
    processor_response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    refund_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    processed_at: Mapped[dt.datetime | None]


class ServiceRequestRecord(Base):
    __tablename__ = "service_requests"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(String(24), unique=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    room_number: Mapped[str | None] = mapped_column(String(16))
    guest_id: Mapped[str | None] = mapped_column(ForeignKey("guests.id"))
    request_type: Mapped[str] = mapped_column(String(24))
    request_details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    assigned_to: Mapped[str | None] = mapped_column(String(80))
    estimated_completion: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    guest_rating: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class CallLogRecord(Base):
    """One call; its transcript and what was extracted from it are encrypted and purged after the retention period."""

    __tablename__ = "call_logs"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(String(64), unique=True)
    call_type: Mapped[str] = mapped_column(String(16), default="inbound")
    caller_phone: Mapped[str | None] = mapped_column(String(32))
    livekit_room: Mapped[str | None] = mapped_column(String(128))
    call_start: Mapped[dt.datetime] = mapped_column(index=True)
    call_end: Mapped[dt.datetime | None]
    duration_seconds: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(24), index=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"))
    guest_id: Mapped[str | None] = mapped_column(ForeignKey("guests.id"))
    entities_extracted: Mapped[dict[str, Any]] = mapped_column(
        Encrypted("call_logs.entities_extracted", "json"), default=dict
    )
    agent_version: Mapped[str | None] = mapped_column(String(32))
    errors: Mapped[list[Any]] = mapped_column(default=list)
    turn_timings: Mapped[list[Any]] = mapped_column(default=list)
    audio_recording_url: Mapped[str | None] = mapped_column(Text)
    transcript_purged_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]


class CallTranscriptRecord(Base):
    __tablename__ = "call_transcript"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("call_logs.id", ondelete="CASCADE"), index=True)
    timestamp: Mapped[dt.datetime]
    speaker: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Encrypted("call_transcript.text"))
    confidence: Mapped[float | None]


class CallIntentRecord(Base):
    __tablename__ = "call_intents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("call_logs.id", ondelete="CASCADE"), index=True)
    timestamp: Mapped[dt.datetime]
    intent: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float]
    entities: Mapped[dict[str, Any]] = mapped_column(Encrypted("call_intents.entities", "json"), default=dict)


class UserRecord(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    # every token names the version it was issued under; a role, password or status change bumps it
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RefreshTokenRecord(Base):
    __tablename__ = "refresh_tokens"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)


class SequenceRecord(Base):
    """Counters behind human-readable references (per day or per year)."""

    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class RoomBlockRecord(Base):
    """A room taken out of inventory for the nights from `start_date` up to the night before `end_date`."""

    __tablename__ = "room_blocks"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
