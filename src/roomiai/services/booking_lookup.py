"""Finding a caller's bookings from what only the guest knows, before anything about them is said."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import select

from ..domain.contact import phone_digits
from ..domain.errors import InvalidRequest, NotFound
from ..domain.references import digits_only
from ..store.pii import session_keys
from ..store.tables import BookingRecord, GuestRecord
from ..store.uow import UnitOfWork
from . import bookings

CLOSED_STATUSES = ("cancelled", "checked_out", "no_show")
PHONE_DIGITS = 10
MAX_RESULTS = 10
NO_MATCH = "No booking matches those details."


def name_key(name: str | None) -> str:
    """A name compared without case or spaces."""
    return "".join((name or "").split()).casefold()


async def lookup(
    uow: UnitOfWork,
    *,
    today: dt.date,
    confirmation_number: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> list[bookings.Booking]:
    """Open bookings whose guest matches every detail given: a confirmation number with the last name, or the phone."""
    if not ((confirmation_number and last_name) or phone):
        raise InvalidRequest(
            "Give the confirmation number with the guest's last name, or the phone number on the booking."
        )
    query = (
        select(BookingRecord.confirmation_number, GuestRecord.last_name, GuestRecord.phone)
        .join(GuestRecord, GuestRecord.id == BookingRecord.primary_guest_id)
        .where(BookingRecord.status.not_in(CLOSED_STATUSES), BookingRecord.check_out_date >= today)
    )
    if confirmation_number:
        query = query.where(BookingRecord.confirmation_number == "".join(confirmation_number.split()).upper())
    digits = digits_only(phone or "")[-PHONE_DIGITS:]
    if phone:
        if len(digits) < PHONE_DIGITS:
            raise InvalidRequest("Give the whole phone number on the booking, with its area code.", field="phone")
        # the index narrows to guests sharing the last four digits; their decrypted phones decide
        query = query.where(GuestRecord.phone_tail_hash == session_keys(uow.session).phone_tail_hash(digits))
    rows = cast(
        list[tuple[str, str, dict | None]],
        (
            await uow.session.execute(query.order_by(BookingRecord.check_in_date, BookingRecord.confirmation_number))
        ).all(),
    )
    matches = [
        number
        for number, guest_last_name, guest_phone in rows
        if (not last_name or name_key(guest_last_name) == name_key(last_name))
        and (not phone or (phone_digits(guest_phone) or "")[-PHONE_DIGITS:] == digits)
    ]
    if not matches:
        raise NotFound(NO_MATCH)
    return [await bookings.get(uow, number) for number in matches[:MAX_RESULTS]]
