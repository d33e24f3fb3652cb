"""Booking use cases: create, read, search, modify, cancel, and the front-desk status changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from ..clock import Clock
from ..domain import cancellation, lifecycle
from ..domain.cancellation import describe, penalty_cents
from ..domain.cards import CardDetails, redact_card_data
from ..domain.contact import clean_phone, phone_digits
from ..domain.errors import Conflict, InvalidRequest, NotFound, PaymentDeclined
from ..domain.hotel import HotelTerms
from ..domain.lifecycle import BookingStatus
from ..domain.pools import pools_for
from ..domain.pricing import CancellationTerms, Quote, discount_problem, percent_of, quote_stay, restriction_problem
from ..domain.references import cancellation_reference, confirmation_number, escape_like, yearly_reference
from ..domain.stay import Stay, make_stay
from ..messaging.mail import Mail
from ..payments.port import CardToken, PaymentGateway
from ..store.locks import xact_lock
from ..store.pii import session_keys
from ..store.tables import (
    BookingEventRecord,
    BookingRecord,
    GuestRecord,
    IdempotencyRecord,
    PaymentRecord,
    RoomBlockRecord,
    RoomRecord,
    RoomTypeRecord,
    new_id,
)
from ..store.uow import UnitOfWork
from ..store.upsert import next_sequence, next_sequences
from . import catalog, guest_messages, guests, inventory

log = logging.getLogger("roomiai.bookings")


@dataclass
class BookingDraft:
    check_in: dt.date
    check_out: dt.date
    room_type: str
    rate_code: str
    adults: int
    primary_guest: dict[str, Any]
    children: int = 0
    infants: int = 0
    rooms: int = 1
    bed_configuration: str | None = None
    view: str | None = None
    additional_guests: list[dict[str, Any]] = field(default_factory=list)
    special_requests: list[str] = field(default_factory=list)
    special_occasion: str | None = None
    estimated_arrival: str | None = None
    room_preferences: dict[str, Any] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)
    discount_code: str | None = None
    card: CardDetails | None = None
    card_token: CardToken | None = None  # a card the gateway already holds (taken earlier in the call)
    accept_policies: bool = False
    voice_session_id: str | None = None
    booking_source: str = "phone"
    booking_channel: str = "direct"


@dataclass
class Booking:
    """A booking with what it refers to, as the API shows it."""

    record: BookingRecord
    guest: GuestRecord
    room_type: RoomTypeRecord
    history: list[BookingEventRecord]
    hotel: HotelTerms
    email_status: str | None = None  # the latest e-mail to the guest about it: queued, sent, failed; None: none
    email_to: str | None = None


@dataclass(frozen=True)
class Idempotency:
    scope: str
    key: str
    request_hash: str


@dataclass
class Replay:
    status_code: int
    body: dict[str, Any]


@dataclass
class Context:
    """What every use case needs besides the unit of work."""

    clock: Clock
    gateway: PaymentGateway
    horizon_days: int
    actor: str
    mail: Mail | None = None  # None: no messages to guests


def request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


async def replay(uow: UnitOfWork, idem: Idempotency | None) -> Replay | None:
    """The stored response for a retried request, or None for a new key."""
    if idem is None:
        return None
    record = await uow.session.get(IdempotencyRecord, (idem.scope, idem.key))
    if record is None:
        return None
    if record.request_hash != idem.request_hash:
        raise Conflict("This Idempotency-Key was already used for a different booking request; use a new key.")
    return Replay(record.status_code, record.response)


async def create(
    uow: UnitOfWork,
    *,
    ctx: Context,
    draft: BookingDraft,
    idempotency: Idempotency | None = None,
    render: Callable[[Booking], dict[str, Any]],
) -> Replay:
    """Price the stay, take the inventory, store guest and booking in one transaction."""
    # A card given with this request is deleted unless the booking holds it. A card saved earlier (card_token) is
    # kept when the booking fails: the caller retries with it rather than reading the number out again.
    fresh = (
        await ctx.gateway.tokenize(draft.card) if draft.card and draft.card_token is None else None
    )  # before any lock
    stored = False
    try:
        result, stored = await _create(
            uow, ctx=ctx, draft=draft, token=draft.card_token or fresh, idempotency=idempotency, render=render
        )
    finally:
        if fresh is not None and not stored:
            await forget_card(ctx.gateway, fresh.token)
    return result


async def forget_card(gateway: PaymentGateway, token: str) -> None:
    """Delete a card no booking holds; a failure is logged (roomi purge retries), never raised over the real answer."""
    try:
        await gateway.forget(token)
    except Exception:  # noqa: BLE001 - the booking's own outcome is what the caller must hear
        log.warning("a card no booking holds could not be deleted from the %s gateway", gateway.name, exc_info=True)


async def _create(
    uow: UnitOfWork,
    *,
    ctx: Context,
    draft: BookingDraft,
    token: CardToken | None,
    idempotency: Idempotency | None,
    render: Callable[[Booking], dict[str, Any]],
) -> tuple[Replay, bool]:
    """The booking made with the card's token; also whether it was stored now (False for a replay)."""
    if idempotency is not None:
        # concurrent retries with one key wait here for the first to commit, then replay its answer
        await xact_lock(uow.session, f"idempotency:{idempotency.scope}:{idempotency.key}")
    previous = await replay(uow, idempotency)
    if previous is not None:
        return previous, False
    session = uow.session
    hotel = await catalog.load_hotel(session)
    today, now = ctx.clock.today(), ctx.clock.now()
    room_type = await catalog.room_type(session, draft.room_type)
    plan = await catalog.rate_plan(session, room_type_id=room_type.id, rate_code=draft.rate_code)
    stay = make_stay(draft.check_in, draft.check_out, today=today, horizon_days=ctx.horizon_days)
    _check_wishes(room_type, bed=draft.bed_configuration, view=draft.view)
    quote = _quote(
        hotel,
        room_type,
        plan,
        stay=stay,
        today=today,
        adults=draft.adults,
        children=draft.children,
        rooms=draft.rooms,
        packages=draft.packages,
        discount_code=draft.discount_code,
    )
    if hotel.deposit_required and token is None:
        raise InvalidRequest("This hotel needs a card to guarantee the booking.", field="payment")

    guest = await guests.find_or_new(session, data=draft.primary_guest, now=now)
    # the rows every booking contends for come last, so they are held for the fewest statements before COMMIT:
    # the room type's nights (PostgreSQL: its lock), then the day's confirmation counter (and the year's guest one)
    await inventory.take(
        session,
        room_type_id=room_type.id,
        stay=stay,
        rooms=draft.rooms,
        pools=pools_for(draft.bed_configuration, draft.view),
        label=room_type.name,
    )
    counter = f"booking:{today:%Y%m%d}"
    numbers = await next_sequences(session, [counter] + ([guests.sequence_name(now)] if guest.guest_id is None else []))
    if guest.guest_id is None:
        guests.number(guest, numbers[guests.sequence_name(now)], now=now)
        session.add(guest)
        await session.flush()  # the unit of work orders tables by relationships, and these have none: by hand
    number = confirmation_number(today, numbers[counter])
    arrival = hotel.arrival(stay.check_in, ctx.clock.tz)
    terms = plan.terms.cancellation
    deadline = cancellation.deadline(terms, arrival=arrival)
    record = BookingRecord(
        id=new_id(),
        confirmation_number=number,
        status=BookingStatus.CONFIRMED.value,
        booking_source=draft.booking_source,
        booking_channel=draft.booking_channel,
        check_in_date=stay.check_in,
        check_out_date=stay.check_out,
        nights=stay.nights,
        primary_guest_id=guest.id,
        additional_guests=redact_card_data(draft.additional_guests),
        adults=draft.adults,
        children=draft.children,
        infants=draft.infants,
        room_type_id=room_type.id,
        rooms_count=draft.rooms,
        room_numbers=[],
        bed_configuration=draft.bed_configuration,
        view=draft.view,
        rate_code=plan.record.rate_code,
        pricing=pricing_document(quote, packages=draft.packages, discount_code=draft.discount_code),
        grand_total_cents=quote.grand_total_cents,
        currency=quote.currency,
        payment_status="pending",
        payment_method=_payment_method(token),
        special_occasion=redact_card_data(draft.special_occasion),
        estimated_arrival=redact_card_data(draft.estimated_arrival),
        special_requests=redact_card_data(draft.special_requests),
        room_preferences=redact_card_data(draft.room_preferences),
        cancellation_policy=_policy_document(terms, deadline=deadline, quote=quote),
        policies_accepted=draft.accept_policies,
        policies_accepted_at=now if draft.accept_policies else None,
        created_by=ctx.actor,
        voice_session_id=draft.voice_session_id,
        created_at=now,
        updated_at=now,
    )
    _keep_contact(session, record, draft.primary_guest)
    session.add(record)
    await session.flush()
    if token is not None and hotel.deposit_required and hotel.deposit_percentage > 0:
        await _charge_deposit(uow, ctx=ctx, hotel=hotel, record=record, token=token, now=now)
    history = [_event(record, "created", ctx.actor, now, {"grand_total": quote.grand_total_cents / 100})]
    session.add(history[0])
    booking = Booking(record, guest, room_type, history, hotel)
    queued = await guest_messages.queue_booking_messages(
        session,
        mail=ctx.mail,
        booking=booking,
        kind=guest_messages.CONFIRMED,
        actor=ctx.actor,
        now=now,
        tz=ctx.clock.tz,
    )
    booking.email_status, booking.email_to = queued.email_status, queued.email_to
    await session.flush()  # the event and messages: the answer shows what was stored
    result = Replay(201, render(booking))
    if idempotency is not None:
        session.add(
            IdempotencyRecord(
                scope=idempotency.scope,
                key=idempotency.key,
                request_hash=idempotency.request_hash,
                status_code=result.status_code,
                response=result.body,
                created_at=now,
            )
        )
    await uow.commit()
    return result, True


async def get(uow: UnitOfWork, confirmation: str, *, for_update: bool = False) -> Booking:
    """The booking with its guest, room type and history; `for_update` locks it until the transaction ends."""
    session = uow.session
    query = select(BookingRecord).where(BookingRecord.confirmation_number == confirmation.strip().upper())
    record = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No booking with confirmation number {confirmation}.")
    guest = await session.get_one(GuestRecord, record.primary_guest_id)
    room_type = await session.get_one(RoomTypeRecord, record.room_type_id)
    history = list(
        (
            await session.execute(
                select(BookingEventRecord)
                .where(BookingEventRecord.booking_id == record.id)
                .order_by(BookingEventRecord.id)
            )
        ).scalars()
    )
    email_status, email_to = await guest_messages.email_status(session, record.id)
    return Booking(record, guest, room_type, history, await catalog.load_hotel(session), email_status, email_to)


def _keep_contact(session, record: BookingRecord, contact: dict[str, Any]) -> None:
    """The e-mail and phone given for this booking, as given, found again by their search hashes."""
    keys = session_keys(session)
    record.contact_email = contact.get("email") or None
    record.contact_email_hash = keys.email_hash(record.contact_email)
    record.contact_phone = clean_phone(contact["phone"]) if contact.get("phone") else None
    record.contact_phone_tail_hash = keys.phone_tail_hash(phone_digits(record.contact_phone))


async def search(
    uow: UnitOfWork,
    *,
    guest_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str | None = None,
    limit: int = 50,
    confirmation: str | None = None,
    source: str | None = None,
    arrival: dt.date | None = None,
    offset: int = 0,
) -> list[tuple[BookingRecord, GuestRecord, RoomTypeRecord]]:
    """Bookings whose guest matches (email by its hash, phone by its last digits) and whose stay overlaps the date range."""
    keys = session_keys(uow.session)
    query = (
        select(BookingRecord, GuestRecord, RoomTypeRecord)
        .join(GuestRecord, GuestRecord.id == BookingRecord.primary_guest_id)
        .join(RoomTypeRecord, RoomTypeRecord.id == BookingRecord.room_type_id)
    )
    if guest_name:
        for word in guest_name.split():
            pattern = f"%{escape_like(word.lower())}%"
            query = query.where(
                or_(
                    GuestRecord.first_name.ilike(pattern, escape="\\"),
                    GuestRecord.last_name.ilike(pattern, escape="\\"),
                )
            )
    if email:
        wanted = keys.email_hash(email)
        query = query.where(or_(GuestRecord.email_hash == wanted, BookingRecord.contact_email_hash == wanted))
    digits = guests.phone_search_digits(phone) if phone else None
    if digits:
        tail = keys.phone_tail_hash(digits)
        query = query.where(or_(GuestRecord.phone_tail_hash == tail, BookingRecord.contact_phone_tail_hash == tail))
    if date_from:
        query = query.where(BookingRecord.check_out_date > date_from)
    if date_to:
        query = query.where(BookingRecord.check_in_date <= date_to)
    if status:
        query = query.where(BookingRecord.status == status)
    if confirmation:
        query = query.where(
            BookingRecord.confirmation_number.like(f"%{escape_like(confirmation.strip().upper())}%", escape="\\")
        )
    if source:
        query = query.where(BookingRecord.booking_source == source)
    if arrival:
        query = query.where(BookingRecord.check_in_date == arrival)
    query = query.order_by(BookingRecord.check_in_date, BookingRecord.confirmation_number)
    if not digits:
        return [(b, g, r) for b, g, r in (await uow.session.execute(query.limit(limit).offset(offset))).all()]
    rows = (await uow.session.execute(query)).all()
    return [
        (b, g, r)
        for b, g, r in rows
        if guests.phone_ends_with(g.phone, digits) or guests.phone_ends_with(b.contact_phone, digits)
    ][offset : offset + limit]


MODIFIABLE_FIELDS = {
    "check_in",
    "check_out",
    "room_type",
    "rate_code",
    "bed_configuration",
    "view",
    "adults",
    "children",
    "infants",
    "rooms",
    "special_requests",
    "special_occasion",
    "estimated_arrival",
    "room_preferences",
    "additional_guests",
}
REPRICING_FIELDS = {
    "check_in",
    "check_out",
    "room_type",
    "rate_code",
    "bed_configuration",
    "view",
    "adults",
    "children",
    "rooms",
}


async def modify(
    uow: UnitOfWork,
    *,
    ctx: Context,
    confirmation: str,
    changes: dict[str, Any],
    reason: str | None,
    preview: bool = False,
) -> tuple[Booking, dict[str, Any]]:
    """Apply changes; dates, room or guests re-check inventory and re-price. A preview changes nothing."""
    unknown = set(changes) - MODIFIABLE_FIELDS
    if unknown:
        raise InvalidRequest(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    booking = await get(uow, confirmation, for_update=True)
    record, session = booking.record, uow.session
    lifecycle.ensure_modifiable(BookingStatus(record.status))
    today, now = ctx.clock.today(), ctx.clock.now()
    before = _snapshot(booking)
    reprice = any(k in changes and changes[k] != before.get(k) for k in REPRICING_FIELDS)
    if reprice:
        check_in = changes.get("check_in", record.check_in_date)
        check_out = changes.get("check_out", record.check_out_date)
        if "check_in" in changes and "check_out" not in changes and check_out <= check_in:
            check_out = check_in + dt.timedelta(days=record.nights)
        stay = make_stay(check_in, check_out, today=today, horizon_days=ctx.horizon_days)
        room_type = (
            await catalog.room_type(session, changes["room_type"]) if "room_type" in changes else booking.room_type
        )
        type_changed = room_type.id != record.room_type_id
        bed = changes.get("bed_configuration", None if type_changed else record.bed_configuration)
        view = changes.get("view", None if type_changed else record.view)
        _check_wishes(room_type, bed=bed, view=view)
        plan = await catalog.rate_plan(
            session, room_type_id=room_type.id, rate_code=changes.get("rate_code", record.rate_code)
        )
        adults = changes.get("adults", record.adults)
        children = changes.get("children", record.children)
        rooms = changes.get("rooms", record.rooms_count)
        quote = _quote(
            booking.hotel,
            room_type,
            plan,
            stay=stay,
            today=today,
            adults=adults,
            children=children,
            rooms=rooms,
            packages=record.pricing.get("package_codes", []),
            discount_code=record.pricing.get("discount_code"),
        )
        await inventory.lock(session, [record.room_type_id, room_type.id])
        await _release_from(uow, record, record.check_in_date)
        await inventory.take(
            session,
            room_type_id=room_type.id,
            stay=stay,
            rooms=rooms,
            pools=pools_for(bed, view),
            label=room_type.name,
        )
        terms = plan.terms.cancellation
        record.check_in_date, record.check_out_date, record.nights = stay.check_in, stay.check_out, stay.nights
        record.room_type_id, record.rate_code, record.bed_configuration, record.view = (
            room_type.id,
            plan.record.rate_code,
            bed,
            view,
        )
        record.adults, record.children, record.rooms_count = adults, children, rooms
        record.pricing = pricing_document(
            quote, packages=record.pricing.get("package_codes", []), discount_code=record.pricing.get("discount_code")
        )
        record.grand_total_cents = quote.grand_total_cents
        record.cancellation_policy = _policy_document(
            terms,
            deadline=cancellation.deadline(terms, arrival=booking.hotel.arrival(stay.check_in, ctx.clock.tz)),
            quote=quote,
        )
        booking.room_type = room_type
    for key in (
        "infants",
        "special_requests",
        "special_occasion",
        "estimated_arrival",
        "room_preferences",
        "additional_guests",
    ):
        if key in changes:
            setattr(record, key, redact_card_data(changes[key]))
    after = _snapshot(booking)
    diff = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    if not diff:
        raise InvalidRequest("The request changes nothing in this booking.")
    summary: dict[str, Any] = {
        "previous_total": before["grand_total"],
        "new_total": after["grand_total"],
        "difference": round(after["grand_total"] - before["grand_total"], 2),
        "changes": diff,
    }
    if preview:
        return booking, summary
    record.updated_at = now
    event = _event(record, "modified", ctx.actor, now, diff, reason)
    session.add(event)
    booking.history.append(event)
    await _tell_guest(uow, ctx=ctx, booking=booking, kind=guest_messages.MODIFIED, now=now, summary=summary)
    await uow.commit()
    return booking, summary


async def _tell_guest(
    uow: UnitOfWork,
    *,
    ctx: Context,
    booking: Booking,
    kind: str,
    now: dt.datetime,
    summary: dict[str, Any] | None = None,
) -> None:
    queued = await guest_messages.queue_booking_messages(
        uow.session,
        mail=ctx.mail,
        booking=booking,
        kind=kind,
        actor=ctx.actor,
        now=now,
        tz=ctx.clock.tz,
        summary=summary,
    )
    if queued.email_status:
        booking.email_status, booking.email_to = queued.email_status, queued.email_to


async def cancel(
    uow: UnitOfWork, *, ctx: Context, confirmation: str, reason: str | None, preview: bool = False
) -> tuple[Booking, dict[str, Any]]:
    """Cancel under the rate's policy: penalty, refund of what was paid beyond it, inventory released."""
    reason = redact_card_data(reason)
    booking = await get(uow, confirmation, for_update=True)
    record, session = booking.record, uow.session
    now, today = ctx.clock.now(), ctx.clock.today()
    lifecycle.ensure_transition(
        BookingStatus(record.status),
        BookingStatus.CANCELLED,
        today=today,
        check_in=record.check_in_date,
        check_out=record.check_out_date,
    )
    policy = record.cancellation_policy
    terms = _terms_from_document(policy)
    paid = await _paid_cents(uow, record)
    outcome = cancellation.cancel_outcome(
        terms,
        arrival=booking.hotel.arrival(record.check_in_date, ctx.clock.tz),
        now=now,
        first_night_cents=record.pricing["first_night_with_tax_cents"],
        grand_total_cents=record.grand_total_cents,
        paid_cents=paid,
    )
    reference = cancellation_reference(record.confirmation_number)
    summary: dict[str, Any] = {
        "cancellation_reference": reference,
        "free_cancellation": outcome.within_free_period,
        "deadline": outcome.deadline.isoformat() if outcome.deadline else None,
        "penalty": outcome.penalty_cents / 100,
        "paid": paid / 100,
        "refund": {
            "eligible": outcome.refund_cents > 0,
            "amount": outcome.refund_cents / 100,
            "status": "processing" if outcome.refund_cents > 0 else "none",
            "estimated_days": 5 if outcome.refund_cents > 0 else 0,
        },
        "currency": record.currency,
    }
    if preview:
        return booking, summary
    await _release_from(uow, record, record.check_in_date)
    if outcome.refund_cents > 0:
        refunded = await _refund(
            uow, ctx=ctx, record=record, amount_cents=outcome.refund_cents, reason=reason or "cancellation", now=now
        )
        if refunded < outcome.refund_cents:  # the processor refused: the front desk must refund by hand
            record.payment_status = "refund_failed"
            summary["refund"]["status"] = "failed"
        else:
            record.payment_status = "refunded" if outcome.penalty_cents == 0 else "partial"
    record.status = BookingStatus.CANCELLED.value
    record.cancellation = {
        **summary,
        "reason": reason,
        "cancelled_at": now.isoformat(),
        "penalty_cents": outcome.penalty_cents,
    }
    record.updated_at = now
    event = _event(
        record,
        "cancelled",
        ctx.actor,
        now,
        {"penalty": summary["penalty"], "refund": summary["refund"]["amount"]},
        reason,
    )
    session.add(event)
    booking.history.append(event)
    await _tell_guest(uow, ctx=ctx, booking=booking, kind=guest_messages.CANCELLED, now=now)
    await uow.commit()
    return booking, summary


async def check_in(
    uow: UnitOfWork, *, ctx: Context, confirmation: str, room_numbers: list[str] | None = None
) -> Booking:
    """Mark the guest arrived and assign rooms (the ones given, or free ones matching the wishes)."""
    booking, today, now = await _begin_transition(
        uow, ctx=ctx, confirmation=confirmation, target=BookingStatus.CHECKED_IN
    )
    record = booking.record
    await inventory.lock(uow.session, [record.room_type_id])  # two check-ins must not pick the same free room
    rooms = await _assign_rooms(uow, record, room_numbers)
    for room in rooms:
        room.status, room.updated_at = "occupied", now
    record.room_numbers = [room.room_number for room in rooms]
    record.actual_check_in = now
    return await _finish_transition(
        uow, ctx=ctx, booking=booking, target=BookingStatus.CHECKED_IN, now=now, changes={"rooms": record.room_numbers}
    )


async def check_out(uow: UnitOfWork, *, ctx: Context, confirmation: str) -> Booking:
    """Close the stay: rooms freed (remaining nights back on sale), guest history updated."""
    booking, today, now = await _begin_transition(
        uow, ctx=ctx, confirmation=confirmation, target=BookingStatus.CHECKED_OUT
    )
    record = booking.record
    await _release_from(uow, record, max(today, record.check_in_date))
    rooms = (
        await uow.session.execute(select(RoomRecord).where(RoomRecord.room_number.in_(record.room_numbers)))
    ).scalars()
    for room in rooms:
        if room.status == "occupied":  # a room staff took out of service during the stay stays out
            room.status, room.updated_at = "available", now
    departure = min(max(today, record.check_in_date + dt.timedelta(days=1)), record.check_out_date)
    stayed = (departure - record.check_in_date).days
    guests.record_stay(
        booking.guest,
        check_in=record.check_in_date,
        check_out=departure,
        revenue_cents=record.grand_total_cents * stayed // record.nights,
        now=now,
    )
    record.actual_check_out = now
    return await _finish_transition(uow, ctx=ctx, booking=booking, target=BookingStatus.CHECKED_OUT, now=now)


async def mark_no_show(uow: UnitOfWork, *, ctx: Context, confirmation: str) -> Booking:
    """The guest did not arrive: remaining nights go back on sale."""
    booking, today, now = await _begin_transition(uow, ctx=ctx, confirmation=confirmation, target=BookingStatus.NO_SHOW)
    await _release_from(uow, booking.record, max(today, booking.record.check_in_date))
    return await _finish_transition(uow, ctx=ctx, booking=booking, target=BookingStatus.NO_SHOW, now=now)


async def _begin_transition(uow: UnitOfWork, *, ctx: Context, confirmation: str, target: BookingStatus):
    """The locked booking, once the lifecycle allows the change today."""
    booking = await get(uow, confirmation, for_update=True)
    record = booking.record
    today, now = ctx.clock.today(), ctx.clock.now()
    lifecycle.ensure_transition(
        BookingStatus(record.status),
        target,
        today=today,
        check_in=record.check_in_date,
        check_out=record.check_out_date,
    )
    return booking, today, now


async def _finish_transition(
    uow: UnitOfWork,
    *,
    ctx: Context,
    booking: Booking,
    target: BookingStatus,
    now: dt.datetime,
    changes: dict[str, Any] | None = None,
) -> Booking:
    record = booking.record
    record.status, record.updated_at = target.value, now
    event = _event(record, target.value, ctx.actor, now, changes or {})
    uow.session.add(event)
    booking.history.append(event)
    await uow.commit()
    return booking


async def _release_from(uow: UnitOfWork, record: BookingRecord, start: dt.date) -> None:
    await inventory.release(
        uow.session,
        room_type_id=record.room_type_id,
        start=start,
        end=record.check_out_date,
        rooms=record.rooms_count,
        pools=pools_for(record.bed_configuration, record.view),
    )


def pricing_document(quote: Quote, *, packages: list[str], discount_code: str | None) -> dict[str, Any]:
    """The quote as stored on the booking, in cents."""
    return {
        "currency": quote.currency,
        "rooms": quote.rooms,
        "nightly": [
            {"date": n.date.isoformat(), "rate_cents": n.rate_cents, "extra_person_cents": n.extra_person_cents}
            for n in quote.nightly
        ],
        "room_total_cents": quote.room_total_cents,
        "packages": [{"code": p.kind, "name": p.name, "cents": p.cents} for p in quote.packages],
        "discounts": [{"code": d.name, "type": d.kind, "cents": d.cents} for d in quote.discounts],
        "taxes": [{"name": t.name, "type": t.kind, "cents": t.cents} for t in quote.taxes],
        "fees": [{"name": f.name, "per": f.kind, "cents": f.cents} for f in quote.fees],
        "packages_cents": quote.packages_cents,
        "discount_cents": quote.discount_cents,
        "taxes_cents": quote.taxes_cents,
        "fees_cents": quote.fees_cents,
        "grand_total_cents": quote.grand_total_cents,
        "first_night_with_tax_cents": quote.first_night_with_tax_cents(),
        "package_codes": list(packages),
        "discount_code": discount_code,
    }


def _quote(
    hotel: HotelTerms,
    room_type: RoomTypeRecord,
    plan: catalog.RatePlan,
    *,
    stay: Stay,
    today: dt.date,
    adults: int,
    children: int,
    rooms: int,
    packages: list[str],
    discount_code: str | None,
) -> Quote:
    terms = catalog.room_type_terms(room_type)
    per_room = -(-(adults + children) // rooms)
    adults_per_room = min(per_room, -(-adults // rooms))
    restricted = restriction_problem(
        rate=plan.terms,
        room_type=terms,
        stay=stay,
        today=today,
        adults=adults_per_room,
        children=per_room - adults_per_room,
    )
    if restricted:
        raise InvalidRequest(restricted.message, field="rate_code")
    unknown = [code for code in packages if code not in hotel.packages]
    if unknown:
        raise InvalidRequest(
            f"Unknown package {', '.join(unknown)}; the hotel offers {', '.join(hotel.packages) or 'none'}.",
            field="packages",
        )
    discount = None
    if discount_code:
        discount = hotel.discounts.get(discount_code.strip().upper())
        if discount is None:
            raise InvalidRequest(f"The discount code {discount_code} is not valid.", field="discount_code")
        problem = discount_problem(discount, stay=stay, today=today)
        if problem:
            raise InvalidRequest(problem, field="discount_code")
    return quote_stay(
        stay=stay,
        room_type=terms,
        rate=plan.terms,
        adults=adults,
        children=children,
        rooms=rooms,
        taxes=hotel.taxes,
        fees=hotel.fees,
        packages=tuple(hotel.packages[c] for c in packages),
        discount=discount,
    )


def _check_wishes(room_type: RoomTypeRecord, *, bed: str | None, view: str | None) -> None:
    beds = [b["code"] for b in room_type.bed_configurations]
    if bed and bed not in beds:
        raise InvalidRequest(
            f"A {room_type.name} comes with {' or '.join(beds)} beds, not {bed}.", field="bed_configuration"
        )
    if view and view not in room_type.view_options:
        raise InvalidRequest(
            f"A {room_type.name} has a {' or '.join(room_type.view_options)} view, not {view}.", field="view"
        )


def _policy_document(terms, *, deadline: dt.datetime | None, quote: Quote) -> dict[str, Any]:
    return {
        "type": terms.type,
        "free_cancellation_hours": terms.free_cancellation_hours,
        "penalty_type": terms.penalty_type,
        "penalty_amount": terms.penalty_amount,
        "refundable": terms.refundable,
        "deadline": deadline.isoformat() if deadline else None,
        "penalty_cents": penalty_cents(
            terms, first_night_cents=quote.first_night_with_tax_cents(), grand_total_cents=quote.grand_total_cents
        ),
        "description": describe(terms),
    }


def _terms_from_document(policy: dict[str, Any]):
    return CancellationTerms(
        type=policy["type"],
        free_cancellation_hours=policy["free_cancellation_hours"],
        penalty_type=policy["penalty_type"],
        penalty_amount=policy["penalty_amount"],
        refundable=policy["refundable"],
    )


def _payment_method(token: CardToken | None) -> dict[str, Any] | None:
    if token is None:
        return None
    return {
        "type": "credit_card",
        "card_type": token.brand,
        "card_last_four": token.last_four,
        "expiry": f"{token.exp_month:02d}/{token.exp_year % 100:02d}",
        "token": token.token,
    }


def _snapshot(booking: Booking) -> dict[str, Any]:
    r = booking.record
    return {
        "check_in": r.check_in_date,
        "check_out": r.check_out_date,
        "room_type": booking.room_type.type_code,
        "rate_code": r.rate_code,
        "bed_configuration": r.bed_configuration,
        "view": r.view,
        "adults": r.adults,
        "children": r.children,
        "infants": r.infants,
        "rooms": r.rooms_count,
        "special_requests": list(r.special_requests),
        "special_occasion": r.special_occasion,
        "estimated_arrival": r.estimated_arrival,
        "room_preferences": dict(r.room_preferences),
        "additional_guests": list(r.additional_guests),
        "grand_total": r.grand_total_cents / 100,
    }


def _event(record: BookingRecord, action: str, actor: str, now: dt.datetime, changes: dict, reason: str | None = None):
    return BookingEventRecord(
        booking_id=record.id,
        action=action,
        at=now,
        by=actor,
        changes=json.loads(json.dumps(changes, default=str)),
        reason=redact_card_data(reason),
    )


async def _paid_cents(uow: UnitOfWork, record: BookingRecord) -> int:
    rows = (await uow.session.execute(select(PaymentRecord).where(PaymentRecord.booking_id == record.id))).scalars()
    total = 0
    for payment in rows:
        if payment.status != "completed":
            continue
        total += -payment.amount_cents if payment.payment_type == "refund" else payment.amount_cents
    return total


async def _charge_deposit(
    uow, *, ctx: Context, hotel: HotelTerms, record: BookingRecord, token: CardToken, now
) -> None:
    amount = percent_of(record.grand_total_cents, hotel.deposit_percentage)
    result = await ctx.gateway.charge(
        token=token.token,
        amount_cents=amount,
        currency=record.currency,
        description=f"Deposit {record.confirmation_number}",
        idempotency_key=f"deposit:{record.id}",
    )
    if result.status != "completed":
        raise PaymentDeclined(
            "The card was declined, so the booking was not made. Please try another card.", field="payment"
        )
    await _record_payment(uow, record=record, kind="deposit", amount_cents=amount, result=result, now=now)
    record.deposit_cents, record.deposit_paid = amount, True
    record.payment_status = "partial" if amount < record.grand_total_cents else "paid"


async def _refund(uow, *, ctx: Context, record: BookingRecord, amount_cents: int, reason: str, now) -> int:
    """Refund across the booking's charges; returns the cents the processor actually refunded."""
    charges = (
        await uow.session.execute(
            select(PaymentRecord).where(
                PaymentRecord.booking_id == record.id,
                PaymentRecord.payment_type != "refund",
                PaymentRecord.status == "completed",
            )
        )
    ).scalars()
    remaining = amount_cents
    for charge in charges:
        if remaining <= 0:
            break
        part = min(remaining, charge.amount_cents)
        result = await ctx.gateway.refund(
            transaction_id=charge.transaction_id, amount_cents=part, currency=record.currency, reason=reason
        )
        await _record_payment(
            uow, record=record, kind="refund", amount_cents=part, result=result, now=now, reason=reason
        )
        if result.status == "completed":
            remaining -= part
        else:
            log.warning("refund of %s on booking %s failed", part, record.confirmation_number)
            break
    return amount_cents - max(remaining, 0)


async def _record_payment(
    uow, *, record: BookingRecord, kind: str, amount_cents: int, result, now, reason: str | None = None
):
    sequence = await next_sequence(uow.session, f"payment:{now.year}")
    method = {k: v for k, v in (record.payment_method or {}).items() if k != "token"}
    uow.session.add(
        PaymentRecord(
            payment_id=yearly_reference("PAY", now.year, sequence),
            booking_id=record.id,
            guest_id=record.primary_guest_id,
            amount_cents=amount_cents,
            currency=record.currency,
            payment_type=kind,
            payment_method=method,
            status=result.status,
            transaction_id=result.transaction_id,
            processor=result.processor,
            processor_response=result.response,
            refund_reason=reason,
            created_at=now,
            processed_at=now,
        )
    )


async def _assign_rooms(uow: UnitOfWork, record: BookingRecord, wanted: list[str] | None) -> list[RoomRecord]:
    session = uow.session
    blocked = select(RoomBlockRecord.room_id).where(
        RoomBlockRecord.start_date < record.check_out_date, RoomBlockRecord.end_date > record.check_in_date
    )
    query = select(RoomRecord).where(RoomRecord.room_type_id == record.room_type_id, RoomRecord.id.not_in(blocked))
    candidates = list(
        (await session.execute(query.order_by(RoomRecord.floor.desc(), RoomRecord.room_number))).scalars()
    )
    if wanted:
        by_number = {room.room_number: room for room in candidates}
        chosen = []
        for number in wanted:
            room = by_number.get(number)
            if room is None:
                raise InvalidRequest(
                    f"Room {number} is not a room of this booking's type, or it is blocked during the stay.",
                    field="room_numbers",
                )
            if room.status != "available":
                raise Conflict(f"Room {number} is {room.status.replace('_', ' ')}.")
            chosen.append(room)
        if len(chosen) != record.rooms_count:
            raise InvalidRequest(f"This booking needs {record.rooms_count} room numbers.", field="room_numbers")
        return chosen
    free = [room for room in candidates if room.status == "available"]
    free.sort(
        key=lambda room: (
            (room.bed_configuration != (record.bed_configuration or room.bed_configuration))
            + (room.view != (record.view or room.view))
        )
    )
    if len(free) < record.rooms_count:
        raise Conflict("No clean room of this type is free right now; assign one by hand or try again later.")
    return free[: record.rooms_count]
