"""Speakable sentences: dates, money and confirmation numbers as a receptionist would say them."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CURRENCY_WORDS = {"USD": ("dollars", "cents"), "EUR": ("euros", "cents"), "GBP": ("pounds", "pence")}
ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


THIS_YEAR: ContextVar[int | None] = ContextVar("roomi_this_year", default=None)
"""The hotel's current year during a turn: dates in another year are said with their year."""


def day(value: dt.date | str, *, weekday: bool = True) -> str:
    """2026-01-20 → 'Tuesday, January 20th' (', 2027' added for a date outside the current year)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    text = f"{d:%B} {d.day}{ORDINAL.get(d.day, 'th')}"
    if THIS_YEAR.get() not in (None, d.year):
        text += f", {d.year}"
    return f"{d:%A}, {text}" if weekday else text


def money(amount: float | int | str, currency: str = "USD") -> str:
    """1381.25 → '1,381 dollars and 25 cents'; 215.0 → '215 dollars'."""
    major_word, minor_word = CURRENCY_WORDS.get(currency, (currency, "cents"))
    cents = int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    major, minor = divmod(abs(cents), 100)
    text = f"{major:,} {major_word}"
    if minor:
        text += f" and {minor} {minor_word}"
    return ("minus " if cents < 0 else "") + text


def spell_reference(reference: str) -> str:
    """ROOMI-20260112-001 → 'R O O M I, 2 0 2 6 0 1 1 2, 0 0 1' so it can be written down."""
    return ", ".join(" ".join(part) for part in reference.split("-"))


def spell_digits(phone: str) -> str:
    """5551234567 or +15551234567 → '555 123 4567'."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[1:4]} {digits[4:7]} {digits[7:]}"
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def join_words(items: list[str], last: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def party(adults: int, children: int) -> str:
    text = f"{adults} adult{'s' if adults != 1 else ''}"
    if children:
        text += f" and {children} child{'ren' if children != 1 else ''}"
    return text


def nights(n: int) -> str:
    return f"{n} night{'s' if n != 1 else ''}"


def public_rate(option: dict[str, Any]) -> dict[str, Any]:
    """The rate anyone can book (BAR, else the cheapest without an eligibility condition)."""
    rates = option["rates"]
    return next((r for r in rates if r["rate_code"] == "BAR"), None) or next(
        (r for r in rates if not r.get("eligibility")), rates[0]
    )


def room_offer(option: dict[str, Any]) -> str:
    """'Deluxe Rooms from 199 dollars a night' at the public rate."""
    rate = public_rate(option)
    name = option["room_type"]
    plural = name if name.endswith("s") else name + "s"
    return f"{plural} from {money(rate['per_night'], rate['currency'])} a night"


def rate_sentence(option: dict[str, Any], rate: dict[str, Any], stay_nights: int) -> str:
    """What one room and rate costs for the stay, and its cancellation terms."""
    extra = ""
    if rate.get("includes"):
        extra = f", including {join_words(rate['includes'])}"
    eligibility = f" It's for {rate['eligibility']}." if rate.get("eligibility") else ""
    return (
        f"The {option['room_type']} at our {rate['name']} is {money(rate['per_night'], rate['currency'])} a night{extra}, "
        f"{money(rate['grand_total'], rate['currency'])} in total for {nights(stay_nights)} with taxes and fees. "
        f"{rate['cancellation']}{eligibility}"
    )


def read_back(prepared: dict[str, Any]) -> str:
    """The full read-back before the caller says yes."""
    room = prepared["room_type"]
    wishes = []
    if prepared.get("bed"):
        wishes.append(f"a {prepared['bed'].lower()} bed")
    if prepared.get("view"):
        wishes.append(f"a {prepared['view']} view")
    if wishes:
        room += " with " + join_words(wishes)
    contact = []
    if prepared.get("phone"):
        contact.append(f"phone {spell_digits(prepared['phone'])}")
    if prepared.get("email"):
        contact.append(f"email {spell_email(prepared['email'])}")
    rooms = prepared.get("rooms") or 1
    count = f"{rooms} rooms, each a " if rooms > 1 else "a "
    extras = ""
    occasion = prepared.get("special_occasion")
    requests = [r for r in prepared.get("special_requests") or [] if r != occasion]
    if requests:
        extras += f" I've also noted your request{'s' if len(requests) > 1 else ''}: {join_words(requests)}."
    if occasion:
        extras += f" And I've noted that it's your {occasion}."
    return (
        f"Let me read that back: {count}{room} at the {prepared['rate_name']}, checking in {day(prepared['check_in'])} "
        f"and checking out {day(prepared['check_out'])}, {nights(prepared['nights'])} for "
        f"{party(prepared['adults'], prepared.get('children') or 0)}, under {prepared['first_name']} {prepared['last_name']}"
        f"{', ' + join_words(contact) if contact else ''}.{extras} The total is "
        f"{money(prepared['grand_total'], prepared['currency'])} including taxes and fees. {prepared['cancellation']} "
        "Shall I confirm the booking?"
    )


def booked(result: dict[str, Any]) -> str:
    reference = result["confirmation_number"]
    sent_to = result.get("confirmation_email_sent_to")
    mail = f"I've sent the confirmation to {spell_email(sent_to)}. " if sent_to else ""
    return (
        f"You're all set. Your confirmation number is {reference}, that's {spell_reference(reference)}. {mail}"
        f"We look forward to welcoming you on {day(result['check_in'], weekday=False)}. "
        "Is there anything else I can help you with?"
    )


def spell_email(address: str) -> str:
    """An address as said on the phone: the name letter by letter, the domain as words, e.g. j o e dot b at mail dot com."""
    local, _, domain = address.partition("@")
    said = []
    for char in local:
        said.append({".": "dot", "_": "underscore", "-": "dash", "+": "plus"}.get(char, char))
    return f"{' '.join(said)} at {' dot '.join(domain.split('.'))}"


def booking_summary(booking: dict[str, Any]) -> str:
    return (
        f"I have your booking {booking['confirmation_number']}: a {booking['room_type']} from "
        f"{day(booking['check_in'])} to {day(booking['check_out'])}, {nights(booking['nights'])} for "
        f"{party(booking['adults'], booking.get('children') or 0)}, {money(booking['grand_total'], booking['currency'])} in total."
    )
