"""Guests' messages about their bookings: written to the outbox with the booking change, listed and resent by staff."""

from __future__ import annotations

import datetime as dt
import email.policy
import html
from dataclasses import dataclass
from decimal import Decimal
from email import message_from_bytes
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.calendar_invite import StayEvent, calendar
from ..domain.contact import phone_digits
from ..domain.errors import InvalidRequest, NotFound
from ..messaging.mail import Mail
from ..messaging.templates import Block
from ..store.tables import BookingEventRecord, BookingRecord, OutboxMessageRecord, new_id
from . import catalog

if TYPE_CHECKING:
    from .bookings import Booking

CONFIRMED, MODIFIED, CANCELLED = "booking_confirmed", "booking_modified", "booking_cancelled"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
SHOWN_STATUS = {"queued": "queued", "sending": "queued", "sent": "sent", "failed": "failed"}
TEMPLATE_VARIABLES = {
    "hotel_name",
    "hotel_address",
    "hotel_phone",
    "hotel_email",
    "hotel_website",
    "guest_name",
    "guest_first_name",
    "guest_last_name",
    "confirmation_number",
    "status",
    "check_in_date",
    "check_in_time",
    "check_out_date",
    "check_out_time",
    "nights",
    "room_type",
    "room_details",
    "guests",
    "nightly",
    "charges",
    "room_total",
    "taxes",
    "fees",
    "grand_total",
    "currency",
    "payment",
    "cancellation_terms",
    "cancellation_deadline",
    "special_requests",
    "cancellation_reference",
    "cancelled_at",
    "penalty",
    "refund",
    "refund_status",
    "today",
    "changes",
    "previous_total",
    "difference",
    "stay_details",
}


@dataclass
class Queued:
    """What was queued for one booking change: the e-mail's address and status (None: no e-mail)."""

    email_to: str | None = None
    email_status: str | None = None


def money(cents: int, currency: str) -> str:
    amount = f"{Decimal(cents) / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{currency} {amount}"


def _day(day: dt.date) -> str:
    return f"{day:%A}, {day.day} {day:%B %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _rows(lines: list[tuple[str, str]]) -> Block:
    text = "\n".join(f"  {label:<34} {amount:>12}" for label, amount in lines)
    cell = 'style="padding: 2px 12px 2px 0;"'
    html_rows = "\n".join(
        f'<tr><td {cell}>{_escape(label)}</td><td style="text-align: right;">{_escape(amount)}</td></tr>'
        for label, amount in lines
    )
    return Block(text, html_rows)


def _escape(value: str) -> str:
    return html.escape(value)


def _address(settings: dict[str, Any]) -> str:
    a = settings.get("address") or {}
    if isinstance(a, str):
        return a
    region = " ".join(x for x in (a.get("state"), a.get("postal_code")) if x)
    return ", ".join(x for x in (a.get("street"), a.get("city"), region, a.get("country")) if x)


def booking_variables(booking: Booking, settings: dict[str, Any], *, now: dt.datetime, tz) -> dict[str, Any]:
    """Every template variable of a booking message (documented in messaging/templates/README.md)."""
    r, g, hotel, p = booking.record, booking.guest, booking.hotel, booking.record.pricing
    cur = r.currency
    bed_names = {b["code"]: b["description"] for b in booking.room_type.bed_configurations}
    details = [
        bed_names.get(r.bed_configuration, r.bed_configuration) if r.bed_configuration else None,
        f"{r.view} view" if r.view else None,
        _plural(r.rooms_count, "room") if r.rooms_count > 1 else None,
    ]
    people = [_plural(r.adults, "adult")] + (
        [_plural(r.children, "child").replace("childs", "children")] if r.children else []
    )
    people += [_plural(r.infants, "infant")] if r.infants else []
    charges = [(f"{x['name']}", money(x["cents"], cur)) for x in p["packages"]]
    charges += [(f"Discount {x['code']}", "-" + money(x["cents"], cur)) for x in p["discounts"]]
    charges += [(x["name"], money(x["cents"], cur)) for x in p["taxes"]]
    charges += [(x["name"], money(x["cents"], cur)) for x in p["fees"]]
    nightly = []
    for n in p["nightly"]:
        day = dt.date.fromisoformat(n["date"])
        extra = f" + {money(n['extra_person_cents'], cur)} extra person" if n["extra_person_cents"] else ""
        nightly.append((f"{day:%a} {day.day} {day:%b %Y}{extra}", money(n["rate_cents"], cur)))
    if r.rooms_count > 1:
        nightly.append((f"rates per room, {r.rooms_count} rooms: room total", money(p["room_total_cents"], cur)))
    method = r.payment_method or {}
    payment = (
        f"{str(method.get('card_type') or 'card').title()} ending in {method['card_last_four']}"
        if method.get("card_last_four")
        else "no card on file; payment at the hotel"
    )
    if r.deposit_paid:
        payment += f"; deposit of {money(r.deposit_cents, cur)} paid"
    policy = r.cancellation_policy
    if not policy.get("refundable", True):
        deadline = f"This rate is non-refundable: cancelling costs {money(policy['penalty_cents'], cur)}."
    elif policy.get("deadline"):
        until = dt.datetime.fromisoformat(policy["deadline"]).astimezone(tz)
        deadline = (
            f"Free cancellation until {_day(until.date())} {until:%H:%M} ({hotel.timezone}); after that it costs "
            f"{money(policy['penalty_cents'], cur)}."
        )
    else:
        deadline = "Free cancellation."
    requests = ", ".join(r.special_requests)
    cancellation = r.cancellation or {}
    refund = cancellation.get("refund") or {}
    return {
        "hotel_name": hotel.name,
        "hotel_address": _address(settings),
        "hotel_phone": str(settings.get("phone") or ""),
        "hotel_email": str(settings.get("email") or ""),
        "hotel_website": str(settings.get("website") or ""),
        "guest_name": " ".join(x for x in (g.first_name, g.last_name) if x),
        "guest_first_name": g.first_name,
        "guest_last_name": g.last_name,
        "confirmation_number": r.confirmation_number,
        "status": r.status.replace("_", " "),
        "check_in_date": _day(r.check_in_date),
        "check_in_time": hotel.check_in_time.strftime("%H:%M"),
        "check_out_date": _day(r.check_out_date),
        "check_out_time": hotel.check_out_time.strftime("%H:%M"),
        "nights": _plural(r.nights, "night"),
        "room_type": booking.room_type.name,
        "room_details": "".join(f", {d}" for d in details if d),
        "guests": ", ".join(people),
        "nightly": _rows(nightly),
        "charges": _rows(charges),
        "room_total": money(p["room_total_cents"], cur),
        "taxes": money(p["taxes_cents"], cur),
        "fees": money(p["fees_cents"], cur),
        "grand_total": money(r.grand_total_cents, cur),
        "currency": cur,
        "payment": payment,
        "cancellation_terms": policy.get("description", ""),
        "cancellation_deadline": deadline,
        "special_requests": Block(
            f"Special requests: {requests}" if requests else "",
            f"<p>Special requests: {_escape(requests)}</p>" if requests else "",
        ),
        "cancellation_reference": str(cancellation.get("cancellation_reference", "")),
        "cancelled_at": _cancelled_at(cancellation, tz),
        "penalty": money(int(cancellation.get("penalty_cents", 0)), cur),
        "refund": money(round(Decimal(str(refund.get("amount", 0))) * 100), cur),
        "refund_status": {
            "processing": "on its way, about 5 days",
            "none": "nothing to refund",
            "failed": "the hotel will refund you directly",
        }.get(refund.get("status", "none"), "pending"),
        "today": _day(now.astimezone(tz).date()),
    }


def _cancelled_at(cancellation: dict[str, Any], tz) -> str:
    if not cancellation.get("cancelled_at"):
        return ""
    at = dt.datetime.fromisoformat(cancellation["cancelled_at"]).astimezone(tz)
    return f"{_day(at.date())} {at:%H:%M}"


CHANGE_LABELS = {
    "check_in": "Check-in",
    "check_out": "Check-out",
    "room_type": "Room type",
    "rate_code": "Rate",
    "adults": "Adults",
    "children": "Children",
    "infants": "Infants",
    "rooms": "Rooms",
    "bed_configuration": "Bed",
    "view": "View",
    "special_requests": "Special requests",
    "special_occasion": "Occasion",
    "estimated_arrival": "Arrival time",
    "room_preferences": "Room preferences",
    "additional_guests": "Other guests",
    "grand_total": "Total",
}


def _change_variables(summary: dict[str, Any], currency: str) -> dict[str, Any]:
    def shown(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(str(v if not isinstance(v, dict) else v.get("first_name", v)) for v in value) or "none"
        return "none" if value in (None, "", {}) else str(value)

    lines = [
        (CHANGE_LABELS.get(k, k), f"{shown(before)} → {shown(after)}")
        for k, (before, after) in summary["changes"].items()
        if k != "grand_total"
    ]
    return {
        "changes": _rows(lines),
        "previous_total": money(round(Decimal(str(summary["previous_total"])) * 100), currency),
        "difference": money(round(Decimal(str(summary["difference"])) * 100), currency),
    }


def stay_calendar(booking: Booking, settings: dict[str, Any], *, domain: str, now: dt.datetime, tz) -> str:
    r, hotel = booking.record, booking.hotel
    sequence = sum(1 for e in booking.history if e.action in ("modified", "cancelled"))
    return calendar(
        StayEvent(
            uid=f"{r.confirmation_number.lower()}@{domain}",
            sequence=sequence,
            starts_at=dt.datetime.combine(r.check_in_date, hotel.check_in_time, tzinfo=tz),
            ends_at=dt.datetime.combine(r.check_out_date, hotel.check_out_time, tzinfo=tz),
            summary=f"Stay at {hotel.name} ({r.confirmation_number})",
            location=_address(settings),
            description=f"Confirmation {r.confirmation_number}: {booking.room_type.name}, {_plural(r.nights, 'night')}. "
            f"{hotel.name} {settings.get('phone') or ''}".strip(),
            stamp=now,
            cancelled=r.status == "cancelled",
        )
    )


def recipient(booking: Booking) -> str | None:
    """The booking's own e-mail address, else (bookings made before it was kept) the guest profile's."""
    return booking.record.contact_email or booking.guest.email


async def queue_booking_messages(
    session: AsyncSession,
    *,
    mail: Mail | None,
    booking: Booking,
    kind: str,
    actor: str,
    now: dt.datetime,
    tz,
    summary: dict[str, Any] | None = None,
) -> Queued:
    """The e-mail (and SMS, where a transport is plugged in) about this change, added to the caller's transaction."""
    to = recipient(booking)
    if mail is None or not to:
        return Queued()
    settings = await catalog.hotel_settings(session)
    variables = booking_variables(booking, settings, now=now, tz=tz)
    if summary is not None and kind == MODIFIED:
        variables.update(_change_variables(summary, booking.record.currency))
    else:
        variables.update(
            {
                "changes": Block("", ""),
                "previous_total": variables["grand_total"],
                "difference": money(0, booking.record.currency),
            }
        )
    domain = mail.domain(settings.get("email"))
    message_id = f"<{kind.removeprefix('booking_')}.{new_id()}@{domain}>"
    composed = mail.compose(
        kind=kind,
        variables=variables,
        hotel_name=booking.hotel.name,
        hotel_email=settings.get("email"),
        recipient=to,
        message_id=message_id,
        now=now,
        ics=stay_calendar(booking, settings, domain=domain, now=now, tz=tz),
    )
    session.add(
        _message(
            booking.record,
            channel="email",
            kind=kind,
            to=to,
            subject=composed.subject,
            content=composed.message.decode("ascii", errors="surrogateescape"),
            message_id=message_id,
            actor=actor,
            now=now,
        )
    )
    phone = phone_digits(booking.record.contact_phone or booking.guest.phone)
    if mail.sms and phone:
        session.add(
            _message(
                booking.record,
                channel="sms",
                kind=kind,
                to=f"+{phone}",
                subject="",
                content=mail.sms_text(kind=kind, variables=variables),
                message_id=f"<sms.{new_id()}@{domain}>",
                actor=actor,
                now=now,
            )
        )
    return Queued(email_to=to, email_status="queued")


def _message(
    record: BookingRecord,
    *,
    channel: str,
    kind: str,
    to: str,
    subject: str,
    content: str,
    message_id: str,
    actor: str,
    now: dt.datetime,
) -> OutboxMessageRecord:
    return OutboxMessageRecord(
        message_id=message_id,
        booking_id=record.id,
        channel=channel,
        kind=kind,
        recipient=to,
        subject=subject[:200],
        content=content,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )


async def email_status(session: AsyncSession, booking_id: str) -> tuple[str | None, str | None]:
    """The latest e-mail about a booking: (status as guests' messages show it, address), or (None, None)."""
    latest = (
        await session.execute(
            select(OutboxMessageRecord)
            .where(OutboxMessageRecord.booking_id == booking_id, OutboxMessageRecord.channel == "email")
            .order_by(OutboxMessageRecord.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return (SHOWN_STATUS[latest.status], latest.recipient) if latest else (None, None)


async def messages_of(session: AsyncSession, booking_id: str) -> list[OutboxMessageRecord]:
    query = select(OutboxMessageRecord).where(OutboxMessageRecord.booking_id == booking_id)
    return list((await session.execute(query.order_by(OutboxMessageRecord.created_at))).scalars())


async def resend(
    session: AsyncSession, *, booking: Booking, message_id: str, to: str | None, actor: str, now: dt.datetime
) -> OutboxMessageRecord:
    """A copy of one of the booking's e-mails, queued now under a new Message-ID, to the same or a corrected address."""
    original = (
        await session.execute(
            select(OutboxMessageRecord).where(
                OutboxMessageRecord.id == message_id, OutboxMessageRecord.booking_id == booking.record.id
            )
        )
    ).scalar_one_or_none()
    if original is None:
        raise NotFound(f"Booking {booking.record.confirmation_number} has no message {message_id}.")
    if original.channel != "email":
        raise InvalidRequest("Only e-mails can be resent.", field="message_id")
    message = message_from_bytes(original.content.encode("ascii", errors="surrogateescape"), policy=email.policy.SMTP)
    domain = original.message_id.rstrip(">").rpartition("@")[2] or "roomiai.invalid"
    new_message_id = f"<resent.{new_id()}@{domain}>"
    address = to or original.recipient
    for header, value in (
        ("To", address),
        ("Message-ID", new_message_id),
        ("Date", format_datetime(now.astimezone(dt.UTC))),
    ):
        del message[header]
        message[header] = value
    copy = _message(
        booking.record,
        channel="email",
        kind=original.kind,
        to=address,
        subject=original.subject,
        content=message.as_bytes().decode("ascii", errors="surrogateescape"),
        message_id=new_message_id,
        actor=actor,
        now=now,
    )
    session.add(copy)
    session.add(
        BookingEventRecord(
            booking_id=booking.record.id,
            action="email_resent",
            at=now,
            by=actor,
            changes={"message": original.id, "kind": original.kind, "new_address": to is not None},
        )
    )
    await session.flush()
    return copy
