"""prepare_booking and confirm_booking: a new reservation is priced by the API, read back, and made only after a yes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from livekit.agents import llm
from pydantic import validate_email
from pydantic_core import PydanticCustomError

from ...domain.references import digits_only
from ..api_client import RoomiApi
from ..call_state import CallState
from .common import api_errors, mark_read_back, redact, refusal, require_yes, result

NOTHING_PENDING = "There is no booking waiting for confirmation; prepare it and read it back first."
NATIONAL_DIGITS = 10
CONTACT_INVALID = "contact_invalid"


async def prepare_booking(
    api: RoomiApi,
    state: CallState,
    history: llm.ChatContext,
    *,
    check_in: str,
    check_out: str,
    room_type: str,
    rate_code: str,
    adults: int,
    first_name: str,
    last_name: str,
    children: int = 0,
    rooms: int = 1,
    phone: str | None = None,
    email: str | None = None,
    bed: str | None = None,
    view: str | None = None,
    special_requests: list[str] | None = None,
    special_occasion: str | None = None,
) -> str:
    """Price the stay through availability, keep the booking request pending, and return what to read back."""
    first_name, last_name = redact(first_name.strip()), redact(last_name.strip())
    missing = [
        what
        for what, given in (
            ("the guest's first name", first_name),
            ("the guest's last name", last_name),
            ("a phone number or an email address", phone or email),
        )
        if not given
    ]
    if missing:
        raise refusal(f"Ask the caller for {' and '.join(missing)} before booking.", "missing_details")
    guest: dict[str, Any] = {"first_name": first_name, "last_name": last_name}
    if email:
        guest["email"] = _email(email)
    if phone:
        guest["phone"] = _phone(phone)
    with api_errors():
        found = await api.availability(
            check_in=check_in, check_out=check_out, adults=adults, children=children, rooms=rooms, room_type=room_type
        )
    option = _option(found, room_type)
    rate = _rate(option, rate_code)
    bed, view = _wish(option, "beds_available", bed, "bed"), _wish(option, "views_available", view, "view")
    requests = [redact(text.strip()) for text in special_requests or [] if text.strip()]
    occasion = redact(special_occasion.strip()) if special_occasion and special_occasion.strip() else None
    body = {
        "check_in": found["date_range"]["check_in"],
        "check_out": found["date_range"]["check_out"],
        "room_type_id": option["room_type_code"],
        "rate_code": rate["rate_code"],
        "rooms": rooms,
        "bed_configuration": bed,
        "view": view,
        "guests": {"adults": adults, "children": children},
        "primary_guest": guest,
        "special_requests": requests,
        "special_occasion": occasion,
        "accept_policies": True,
        "voice_session_id": state.session_id,
        "booking_source": "voice_agent",
    }
    state.pending_booking = {key: value for key, value in body.items() if value is not None}
    mark_read_back(state, history, "booking", amount=rate["grand_total"])
    return result(
        {
            "room_type": option["room_type"],
            "room_type_code": option["room_type_code"],
            "rate_code": rate["rate_code"],
            "rate_name": rate["name"],
            "check_in": body["check_in"],
            "check_out": body["check_out"],
            "nights": found["date_range"]["nights"],
            "adults": adults,
            "children": children,
            "rooms": rooms,
            "bed": bed,
            "view": view,
            "per_night": rate["per_night"],
            "grand_total": rate["grand_total"],
            "currency": rate["currency"],
            "cancellation": rate["cancellation"],
            "first_name": first_name,
            "last_name": last_name,
            "phone": phone_text(guest.get("phone")),
            "email": guest.get("email"),
            "special_requests": requests,
            "special_occasion": occasion,
        }
    )


async def confirm_booking(api: RoomiApi, state: CallState, history: llm.ChatContext) -> str:
    """Make the pending booking once the caller said yes; a retried request books only once."""
    body = state.pending_booking
    if body is None:
        raise refusal(NOTHING_PENDING, "nothing_pending")
    require_yes(state, history, "booking")
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
    if state.card is not None:  # the card the caller gave through the secure step guarantees the booking
        body = {**body, "payment_token": state.card["payment_token"]}
    with api_errors(on_refusal=lambda: _refused(state)):
        created = await api.create_booking(body, idempotency_key=f"{state.session_id}:{len(state.booked)}:{digest}")
    booking = created["booking"]
    number = booking["confirmation_number"]
    state.pending_booking = None
    state.booked.append(number)
    state.verified.add(number)
    state.verified_last_names[number] = booking["guest_last_name"]
    state.settle("booking_completed", number)
    guest = body["primary_guest"]
    return result(
        {
            "confirmation_number": number,
            "status": booking["status"],
            "room_type": booking["room_type"],
            "check_in": booking["check_in_date"],
            "check_out": booking["check_out_date"],
            "nights": booking["nights"],
            "guest_name": booking["guest_name"],
            "grand_total": booking["pricing"]["grand_total"],
            "currency": booking["pricing"]["currency"],
            "email": guest.get("email"),
            "phone": phone_text(guest.get("phone")),
            **confirmation_email(created),
        }
    )


def confirmation_email(created: dict) -> dict[str, str | None]:
    """Whether a confirmation e-mail was queued, and to which address: only then may the caller be told it was sent."""
    to = created.get("confirmation_email_to") if created.get("confirmation_email") in ("queued", "sent") else None
    return {
        "confirmation_email_sent_to": to,
        "confirmation_email_note": f"A confirmation e-mail to {to} is on its way."
        if to
        else "No confirmation e-mail was sent; do not say one was.",
    }


def _refused(state: CallState) -> None:
    state.pending_booking = None
    state.settle("booking_failed")


def phone_text(phone: dict[str, str] | None) -> str | None:
    return f"{phone['country_code']}{phone['number']}" if phone else None


def _phone(text: str) -> dict[str, str]:
    digits = digits_only(text)
    if not NATIONAL_DIGITS - 3 <= len(digits) <= NATIONAL_DIGITS + 4:
        raise refusal(
            "That phone number does not look complete; ask the caller to repeat it with the area code.", CONTACT_INVALID
        )
    if len(digits) <= NATIONAL_DIGITS:
        return {"country_code": "+1", "number": digits}
    return {"country_code": "+" + digits[:-NATIONAL_DIGITS], "number": digits[-NATIONAL_DIGITS:]}


def _email(text: str) -> str:
    try:
        return validate_email(text.strip())[1]
    except PydanticCustomError:
        raise refusal("That email address is not valid; ask the caller to spell it again.", CONTACT_INVALID) from None


def _option(found: dict[str, Any], room_type: str) -> dict[str, Any]:
    wanted = room_type.strip().upper()
    for option in found["options"]:
        if wanted in (option["room_type_code"].upper(), option["room_type_id"].upper()):
            return option
    for unavailable in found["unavailable"]:
        if wanted in (unavailable["room_type_code"].upper(), unavailable["room_type_id"].upper()):
            raise refusal(unavailable["reason"], "room_unavailable")
    raise refusal(f"The room type {room_type} is not available for this stay.", "room_unavailable")


def _rate(option: dict[str, Any], rate_code: str) -> dict[str, Any]:
    for rate in option["rates"]:
        if rate["rate_code"].upper() == rate_code.strip().upper():
            return rate
    offered = ", ".join(rate["rate_code"] for rate in option["rates"])
    raise refusal(
        f"The {rate_code} rate cannot be booked for this stay of a {option['room_type']}; "
        f"it can be booked at {offered}.",
        "rate_unavailable",
    )


def _wish(option: dict[str, Any], field: str, wish: str | None, what: str) -> str | None:
    if not wish:
        return None
    free = option[field]
    for value in free:
        if value.lower() == wish.strip().lower():
            return value
    choices = " or ".join(free) or "no other choice"
    raise refusal(
        f"No {option['room_type']} with that {what} ({wish}) is free for this stay; free: {choices}.",
        "wish_unavailable",
    )
