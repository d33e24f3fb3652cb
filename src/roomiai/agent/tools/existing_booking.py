"""Existing bookings: verify the caller, then quote and (after a yes) make changes and cancellations."""

from __future__ import annotations

from typing import Any

from livekit.agents import llm

from ...domain.references import digits_only
from ..api_client import ApiError, RoomiApi
from ..call_state import CallState
from .common import (
    LOOKUP_LIMITED,
    api_errors,
    caller_said_phone,
    cannot_check_now,
    mark_read_back,
    normalise_confirmation,
    redact,
    refusal,
    require_yes,
    result,
)

MAX_VERIFICATION_FAILURES = 3
VERIFICATION_FAILED = "verification_failed"
NO_MATCH = "No booking matches those details."
OFFER_TRANSFER = "Offer to transfer the caller to the front desk."
VERIFY_FIRST = (
    "Verify the caller first: find the booking with its confirmation number and the guest's last name "
    "(or with the phone number on it, when the call comes from that number)."
)
PHONE_NOT_SAID = (
    "Look up only a phone number the caller said in this call, never the number they are calling from; "
    "ask them for the phone number on the booking."
)
PHONE_NOT_CALLER_ID = "phone_not_caller_id"
PHONE_PROVES_NOTHING = (
    "A phone number proves who the caller is only when the call comes from it, and this call does "
    "not: ask for the confirmation number and the last name on the booking instead."
)
PHONE_DIGITS = 10
NOTHING_PENDING = "There is no {} waiting for confirmation; quote it and read it back first."


async def find_booking(
    api: RoomiApi,
    state: CallState,
    history: llm.ChatContext,
    *,
    confirmation_number: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> str:
    """Verify the caller against the booking's details; a match unlocks those bookings for this call.

    A phone number counts only when the caller said it and the call comes from it (its caller ID): anyone can say
    another guest's number.
    """
    if phone and not caller_said_phone(history, phone):
        raise refusal(PHONE_NOT_SAID, "phone_not_said")
    if phone and not is_caller_id(state, phone):
        return phone_proves_nothing()
    if state.verification_failures >= MAX_VERIFICATION_FAILURES:
        raise refusal(
            f"The caller could not be verified after {MAX_VERIFICATION_FAILURES} attempts. {OFFER_TRANSFER}",
            VERIFICATION_FAILED,
        )
    try:
        found = await api.lookup_bookings(
            confirmation_number=redact(confirmation_number), last_name=redact(last_name), phone=phone
        )
    except ApiError as exc:
        if exc.code == LOOKUP_LIMITED:
            return cannot_check_now(verified=False)
        if exc.code == PHONE_NOT_CALLER_ID:
            return phone_proves_nothing()
        if exc.status != 404:
            raise refusal(exc.detail, exc.code or "refused") from None
        state.verification_failures += 1
        if state.verification_failures >= MAX_VERIFICATION_FAILURES:
            raise refusal(f"{NO_MATCH} {OFFER_TRANSFER}", VERIFICATION_FAILED) from None
        raise refusal(NO_MATCH, "not_found") from None
    bookings = found["bookings"]
    for booking in bookings:
        state.verified.add(booking["confirmation_number"])
        state.verified_last_names[booking["confirmation_number"]] = booking["guest_last_name"]
    return result({"verified": True, "bookings": [_summary(booking) for booking in bookings]})


async def quote_change(
    api: RoomiApi,
    state: CallState,
    history: llm.ChatContext,
    *,
    confirmation_number: str,
    check_in: str | None = None,
    check_out: str | None = None,
    room_type: str | None = None,
    adults: int | None = None,
    children: int | None = None,
) -> str:
    """Price a change of a verified booking without making it, and keep it pending for a yes."""
    number = _verified(state, confirmation_number)
    guests = {key: value for key, value in (("adults", adults), ("children", children)) if value is not None}
    changes: dict[str, Any] = {
        key: value
        for key, value in (("check_in", check_in), ("check_out", check_out), ("room_type_id", room_type))
        if value
    }
    if guests:
        changes["guests"] = guests
    if not changes:
        raise refusal("Ask what should change: the dates, the room type or the number of guests.", "nothing_to_change")
    with api_errors():
        preview = await api.modify_booking(number, changes, last_name=_last_name(state, number), preview=True)
    state.pending_change = {"confirmation_number": number, "changes": changes}
    booking, price = preview["booking"], preview["price_change"]
    mark_read_back(state, history, "change", amount=price["new_total"])
    return result(
        {
            **_changed_stay(number, booking, price),
            "previous_total": price["previous_total"],
            "changes": price["changes"],
        }
    )


async def confirm_change(api: RoomiApi, state: CallState, history: llm.ChatContext) -> str:
    """Make the pending change once the caller said yes."""
    pending = state.pending_change
    if pending is None:
        raise refusal(NOTHING_PENDING.format("change"), "nothing_pending")
    require_yes(state, history, "change")
    number = pending["confirmation_number"]
    with api_errors(on_refusal=lambda: setattr(state, "pending_change", None)):
        modified = await api.modify_booking(number, pending["changes"], last_name=_last_name(state, number))
    state.pending_change = None
    state.settle("booking_modified", number)
    booking, price = modified["booking"], modified["price_change"]
    return result(_changed_stay(number, booking, price))


async def quote_cancellation(
    api: RoomiApi, state: CallState, history: llm.ChatContext, *, confirmation_number: str
) -> str:
    """What cancelling a verified booking would cost now, kept pending for a yes."""
    number = _verified(state, confirmation_number)
    with api_errors():
        preview = await api.cancel_booking(number, last_name=_last_name(state, number), preview=True)
    state.pending_cancellation = {"confirmation_number": number}
    mark_read_back(state, history, "cancellation", amount=preview["penalty"] or None)
    return result(
        {
            "confirmation_number": number,
            "free_cancellation": preview["free_cancellation"],
            "penalty": preview["penalty"],
            "refund": preview["refund"]["amount"],
            "currency": preview["currency"],
            "deadline": preview["deadline"],
        }
    )


async def confirm_cancellation(
    api: RoomiApi, state: CallState, history: llm.ChatContext, *, reason: str | None = None
) -> str:
    """Cancel the pending booking once the caller said yes."""
    pending = state.pending_cancellation
    if pending is None:
        raise refusal(NOTHING_PENDING.format("cancellation"), "nothing_pending")
    require_yes(state, history, "cancellation")
    number = pending["confirmation_number"]
    with api_errors(on_refusal=lambda: setattr(state, "pending_cancellation", None)):
        cancelled = await api.cancel_booking(
            number, last_name=_last_name(state, number), reason=redact(reason) if reason else None
        )
    state.pending_cancellation = None
    state.settle("booking_cancelled", number)
    return result(
        {
            "confirmation_number": number,
            "cancellation_reference": cancelled["cancellation_reference"],
            "penalty": cancelled["penalty"],
            "refund": cancelled["refund"]["amount"],
            "currency": cancelled["currency"],
        }
    )


def _changed_stay(number: str, booking: dict[str, Any], price: dict[str, Any]) -> dict[str, Any]:
    """The stay and its new price after a change, as the caller hears it."""
    return {
        "confirmation_number": number,
        "new_total": price["new_total"],
        "difference": price["difference"],
        "currency": booking["pricing"]["currency"],
        "check_in": booking["check_in_date"],
        "check_out": booking["check_out_date"],
        "nights": booking["nights"],
        "room_type": booking["room_type"],
    }


def is_caller_id(state: CallState, phone: str) -> bool:
    """Whether `phone` is the number this call comes from (its last ten digits)."""
    said, caller = digits_only(phone)[-PHONE_DIGITS:], digits_only(state.caller_id or "")[-PHONE_DIGITS:]
    return len(said) == PHONE_DIGITS and said == caller


def phone_proves_nothing() -> str:
    """The distinct result for a phone number that is not the caller ID: nothing was looked up, ask for the rest."""
    return result({"verified": False, "code": PHONE_NOT_CALLER_ID, "instruction": PHONE_PROVES_NOTHING})


def _verified(state: CallState, confirmation_number: str) -> str:
    number = normalise_confirmation(confirmation_number)
    if number not in state.verified or number not in state.verified_last_names:
        raise refusal(VERIFY_FIRST, "verify_first")
    return number


def _last_name(state: CallState, number: str) -> str:
    """The last name this call verified the booking with: the API asks for it as proof."""
    return state.verified_last_names[number]


def _summary(booking: dict[str, Any]) -> dict[str, Any]:
    return {
        "confirmation_number": booking["confirmation_number"],
        "status": booking["status"],
        "check_in": booking["check_in_date"],
        "check_out": booking["check_out_date"],
        "nights": booking["nights"],
        "room_type": booking["room_type"],
        "room_type_code": booking["room_type_code"],
        "rate_code": booking["rate_code"],
        "adults": booking["guests"]["adults"],
        "children": booking["guests"]["children"],
        "guest_name": booking["guest_name"],
        "grand_total": booking["pricing"]["grand_total"],
        "currency": booking["pricing"]["currency"],
        "cancellation": booking["cancellation_policy"]["description"],
    }
