"""/v1/bookings: create, read, search, modify, cancel, and check-in / check-out / no-show."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Query
from fastapi.responses import JSONResponse

from ..domain.cards import parse_card
from ..domain.errors import InvalidRequest
from ..services import bookings, guest_messages
from ..services.bookings import Booking, BookingDraft
from .booking_proof import Guard, GuestLastName, check_proof, proven_booking
from .deps import AnyRole, BookingClient, ContainerDep, ReadUow, Staff, WriteUow, booking_context
from .schemas.bookings import (
    BookingCancel,
    BookingCancelled,
    BookingCreate,
    BookingCreated,
    BookingMessages,
    BookingModified,
    BookingModify,
    BookingRead,
    BookingSearchResult,
    BookingSummary,
    CheckIn,
    HistoryEntry,
    MessageRead,
    MessageResend,
    PricingRead,
)
from .schemas.common import money

router = APIRouter(prefix="/v1/bookings", tags=["bookings"])
Confirmation = Annotated[str, Path(max_length=40, description="e.g. ROOMI-20260120-001")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


@router.post(
    "",
    status_code=201,
    response_model=BookingCreated,
    summary="Create a reservation",
    responses={429: {"description": "too many booking requests from this client; see Retry-After"}},
)
async def create_booking(
    body: BookingCreate,
    principal: BookingClient,
    uow: WriteUow,
    c: ContainerDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    card = card_token = None
    if body.payment is not None and body.payment_token is not None:
        raise InvalidRequest("Give either a card (payment) or a saved card (payment_token), not both.", field="payment")
    if body.payment_token is not None:
        card_token = await c.gateway.card(body.payment_token)
    if body.payment is not None:
        card = parse_card(
            number=body.payment.card_number,
            expiry=body.payment.expiry,
            cvv=body.payment.cvv,
            name_on_card=body.payment.name_on_card,
            today=c.clock.today(),
        )
    idem = None
    if idempotency_key:
        fingerprint = body.model_dump(mode="json", exclude={"payment"})
        fingerprint["card"] = f"{card.brand}:{card.last_four}:{card.exp_month}/{card.exp_year}" if card else None
        idem = bookings.Idempotency(principal.actor, idempotency_key, bookings.request_hash(fingerprint))
    draft = BookingDraft(
        check_in=body.check_in,
        check_out=body.check_out,
        room_type=body.room_type_id,
        rate_code=body.rate_code,
        adults=body.guests.adults,
        children=body.guests.children,
        infants=body.guests.infants,
        rooms=body.rooms,
        primary_guest=body.primary_guest.model_dump(mode="json", exclude_none=True),
        bed_configuration=body.bed_configuration,
        view=body.view,
        additional_guests=[g.model_dump(exclude_none=True) for g in body.additional_guests],
        special_requests=body.special_requests,
        special_occasion=body.special_occasion,
        estimated_arrival=body.estimated_arrival,
        room_preferences=body.room_preferences.model_dump(exclude_none=True) if body.room_preferences else {},
        packages=body.packages,
        discount_code=body.discount_code,
        card=card,
        card_token=card_token,
        accept_policies=body.accept_policies,
        voice_session_id=body.voice_session_id,
        booking_source=body.booking_source,
        booking_channel=body.booking_channel,
    )
    result = await bookings.create(
        uow,
        ctx=booking_context(c, principal),
        draft=draft,
        idempotency=idem,
        render=lambda booking: BookingCreated(
            booking=booking_read(booking),
            confirmation_email_sent=booking.email_status == "sent",
            confirmation_email=booking.email_status,
            confirmation_email_to=booking.email_to,
        ).model_dump(mode="json"),
    )
    _wake_outbox(c)
    return JSONResponse(result.body, status_code=result.status_code)


def _wake_outbox(c) -> None:
    if c.outbox is not None:
        c.outbox.wake()


@router.get("/search", response_model=BookingSearchResult, summary="Find bookings by guest and dates")
async def search_bookings(
    uow: ReadUow,
    _: Staff,
    guest_name: Annotated[str | None, Query(max_length=80)] = None,
    email: Annotated[str | None, Query(max_length=254)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: Annotated[
        str | None, Query(pattern="^(pending|confirmed|checked_in|checked_out|cancelled|no_show)$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> BookingSearchResult:
    rows = await bookings.search(
        uow,
        guest_name=guest_name,
        email=email,
        phone=phone,
        date_from=date_from,
        date_to=date_to,
        status=status,
        limit=limit,
    )
    return BookingSearchResult(
        count=len(rows),
        bookings=[
            BookingSummary(
                confirmation_number=b.confirmation_number,
                status=b.status,
                check_in_date=b.check_in_date,
                check_out_date=b.check_out_date,
                nights=b.nights,
                room_type=rt.name,
                guest_name=f"{g.first_name} {g.last_name}",
                grand_total=money(b.grand_total_cents),
                currency=b.currency,
            )
            for b, g, rt in rows
        ],
    )


@router.get("/{confirmation_number}", response_model=BookingRead, summary="A booking by confirmation number")
async def get_booking(
    confirmation_number: Confirmation,
    uow: ReadUow,
    principal: AnyRole,
    guard: Guard,
    guest_last_name: GuestLastName = None,
) -> BookingRead:
    return booking_read(
        await proven_booking(
            uow, principal=principal, guard=guard, confirmation=confirmation_number, last_name=guest_last_name
        )
    )


@router.put("/{confirmation_number}", response_model=BookingModified, summary="Change dates, room, guests or requests")
async def modify_booking(
    confirmation_number: Confirmation,
    body: BookingModify,
    uow: WriteUow,
    c: ContainerDep,
    principal: AnyRole,
    guard: Guard,
    preview: Annotated[bool, Query(description="price the change without making it")] = False,
    guest_last_name: GuestLastName = None,
) -> BookingModified:
    await check_proof(
        uow, principal=principal, guard=guard, confirmation=confirmation_number, last_name=guest_last_name
    )
    booking, summary = await bookings.modify(
        uow,
        ctx=booking_context(c, principal),
        confirmation=confirmation_number,
        changes=body.changes(),
        reason=body.modification_reason,
        preview=preview,
    )
    _wake_outbox(c)
    return BookingModified(preview=preview, price_change=summary, booking=booking_read(booking))


@router.delete("/{confirmation_number}", response_model=BookingCancelled, summary="Cancel a booking")
async def cancel_booking(
    confirmation_number: Confirmation,
    uow: WriteUow,
    c: ContainerDep,
    principal: AnyRole,
    guard: Guard,
    body: Annotated[BookingCancel | None, Body()] = None,
    preview: Annotated[bool, Query(description="show penalty and refund without cancelling")] = False,
    guest_last_name: GuestLastName = None,
) -> BookingCancelled:
    await check_proof(
        uow, principal=principal, guard=guard, confirmation=confirmation_number, last_name=guest_last_name
    )
    booking, summary = await bookings.cancel(
        uow,
        ctx=booking_context(c, principal),
        confirmation=confirmation_number,
        reason=body.cancellation_reason if body else None,
        preview=preview,
    )
    _wake_outbox(c)
    return BookingCancelled(preview=preview, confirmation_email=None if preview else booking.email_status, **summary)


@router.get(
    "/{confirmation_number}/messages", response_model=BookingMessages, summary="The guest's messages about a booking"
)
async def booking_messages(
    confirmation_number: Confirmation, uow: ReadUow, c: ContainerDep, _: Staff
) -> BookingMessages:
    booking = await bookings.get(uow, confirmation_number)
    messages = await guest_messages.messages_of(uow.session, booking.record.id)
    return BookingMessages(
        confirmation_number=booking.record.confirmation_number,
        delivery=c.mail.transport if c.mail else None,
        count=len(messages),
        messages=[message_read(m) for m in messages],
    )


@router.post(
    "/{confirmation_number}/messages/{message_id}/resend",
    status_code=202,
    response_model=MessageRead,
    summary="Send one of the guest's e-mails again (a new Message-ID), optionally to a corrected address",
)
async def resend_message(
    confirmation_number: Confirmation,
    message_id: Annotated[str, Path(max_length=40)],
    uow: WriteUow,
    c: ContainerDep,
    principal: Staff,
    body: Annotated[MessageResend | None, Body()] = None,
) -> MessageRead:
    if c.outbox is None:
        raise InvalidRequest("Guests' e-mails are off on this server (ROOMIAI_MAIL_DELIVERY); nothing can be resent.")
    booking = await bookings.get(uow, confirmation_number, for_update=True)
    copy = await guest_messages.resend(
        uow.session,
        booking=booking,
        message_id=message_id,
        to=body.to if body else None,
        actor=principal.actor,
        now=c.clock.now(),
    )
    await uow.commit()
    _wake_outbox(c)
    return message_read(copy)


def message_read(m) -> MessageRead:
    return MessageRead(
        id=m.id,
        message_id=m.message_id,
        channel=m.channel,
        kind=m.kind,
        recipient=m.recipient,
        subject=m.subject,
        status=m.status,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at if m.status == "queued" else None,
        last_error=m.last_error,
        sent_at=m.sent_at,
        created_by=m.created_by,
        created_at=m.created_at,
    )


@router.post("/{confirmation_number}/check-in", response_model=BookingRead, summary="Guest arrived: assign rooms")
async def check_in(
    confirmation_number: Confirmation,
    uow: WriteUow,
    c: ContainerDep,
    principal: Staff,
    body: Annotated[CheckIn | None, Body()] = None,
) -> BookingRead:
    booking = await bookings.check_in(
        uow,
        ctx=booking_context(c, principal),
        confirmation=confirmation_number,
        room_numbers=body.room_numbers if body else None,
    )
    return booking_read(booking)


@router.post("/{confirmation_number}/check-out", response_model=BookingRead, summary="Guest departed")
async def check_out(confirmation_number: Confirmation, uow: WriteUow, c: ContainerDep, principal: Staff) -> BookingRead:
    return booking_read(
        await bookings.check_out(uow, ctx=booking_context(c, principal), confirmation=confirmation_number)
    )


@router.post("/{confirmation_number}/no-show", response_model=BookingRead, summary="Guest did not arrive")
async def no_show(confirmation_number: Confirmation, uow: WriteUow, c: ContainerDep, principal: Staff) -> BookingRead:
    return booking_read(
        await bookings.mark_no_show(uow, ctx=booking_context(c, principal), confirmation=confirmation_number)
    )


def booking_read(booking: Booking) -> BookingRead:
    r, g, hotel = booking.record, booking.guest, booking.hotel
    p = r.pricing
    bed_names = {b["code"]: b["description"] for b in booking.room_type.bed_configurations}
    method = {k: v for k, v in (r.payment_method or {}).items() if k != "token"} or None
    return BookingRead(
        confirmation_number=r.confirmation_number,
        status=r.status,
        check_in=f"{r.check_in_date.isoformat()}T{hotel.check_in_time.isoformat('minutes')}:00",
        check_out=f"{r.check_out_date.isoformat()}T{hotel.check_out_time.isoformat('minutes')}:00",
        check_in_date=r.check_in_date,
        check_out_date=r.check_out_date,
        nights=r.nights,
        room_type_id=booking.room_type.id,
        room_type_code=booking.room_type.type_code,
        room_type=booking.room_type.name,
        rooms=r.rooms_count,
        room_numbers=r.room_numbers,
        rate_code=r.rate_code,
        view=r.view,
        bed=bed_names.get(r.bed_configuration, r.bed_configuration) if r.bed_configuration else None,
        guest_id=g.guest_id,
        guest_name=" ".join(x for x in (f"{g.title}." if g.title else None, g.first_name, g.last_name) if x),
        guest_last_name=g.last_name,
        guests={"adults": r.adults, "children": r.children, "infants": r.infants},
        pricing=PricingRead(
            room_total=money(p["room_total_cents"]),
            packages=money(p["packages_cents"]),
            package_lines=[{"code": x["code"], "name": x["name"], "price": money(x["cents"])} for x in p["packages"]],
            discounts=money(p["discount_cents"]),
            discount_lines=[
                {"code": x["code"], "type": x["type"], "amount": -money(x["cents"])} for x in p["discounts"]
            ],
            taxes=money(p["taxes_cents"]),
            tax_lines=[{"name": x["name"], "amount": money(x["cents"])} for x in p["taxes"]],
            fees=money(p["fees_cents"]),
            fee_lines=[{"name": x["name"], "amount": money(x["cents"])} for x in p["fees"]],
            grand_total=money(p["grand_total_cents"]),
            currency=p["currency"],
            nightly=[
                {"date": n["date"], "rate": money(n["rate_cents"]), "extra_person": money(n["extra_person_cents"])}
                for n in p["nightly"]
            ],
        ),
        payment_status=r.payment_status,
        payment_method=method,
        cancellation_policy={
            "type": r.cancellation_policy["type"],
            "deadline": r.cancellation_policy["deadline"],
            "penalty": money(r.cancellation_policy["penalty_cents"]),
            "refundable": r.cancellation_policy["refundable"],
            "description": r.cancellation_policy["description"],
        },
        cancellation={k: v for k, v in r.cancellation.items() if k != "penalty_cents"} if r.cancellation else None,
        special_requests=r.special_requests,
        special_occasion=r.special_occasion,
        estimated_arrival=r.estimated_arrival,
        booking_source=r.booking_source,
        created_at=r.created_at,
        modification_history=[
            HistoryEntry(action=e.action, timestamp=e.at, modified_by=e.by, changes=e.changes, reason=e.reason)
            for e in booking.history
        ],
        confirmation_email=booking.email_status,
    )
