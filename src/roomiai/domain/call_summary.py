"""One line that says what happened on a call, from its outcome, booking, intents and the caller's words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

TOPICS = (  # (words a caller uses, what the line says); the first that matches wins
    (r"\bgroup\b|\b(?:1\d|[2-9]\d) (?:people|guests|rooms)\b", "a group rate"),
    (r"\bpark(?:ing)?\b|\bgarage\b|\bvalet\b", "parking"),
    (r"\bbreakfast\b", "breakfast"),
    (r"\bpool\b|\bgym\b|\bspa\b|\bfitness\b", "the facilities"),
    (r"\bwi-?fi\b|\binternet\b", "Wi-Fi"),
    (r"\bpets?\b|\bdogs?\b|\bcats?\b", "pets"),
    (r"\bcheck[- ]?out\b", "check-out"),
    (r"\bcheck[- ]?in\b", "check-in"),
    (r"\bairport\b|\bshuttle\b|\btaxi\b", "getting here"),
    (r"\bcancel", "cancelling"),
    (r"\brestaurant\b|\bdinner\b|\bbar\b", "the restaurant"),
    (r"\bprice\b|\brate\b|\bcost\b|\bhow much\b", "prices"),
    (r"\bavailab|\bfree rooms?\b|\bvacanc", "availability"),
    (r"\bperson\b|\bhuman\b|\bmanager\b|\bsomeone\b|\bfront desk\b", "a person"),
)
_TOPICS = [(re.compile(words, re.IGNORECASE), topic) for words, topic in TOPICS]
QUOTE_CHARS = 60


@dataclass(frozen=True)
class CallFacts:
    outcome: str | None
    ended: bool
    confirmation_number: str | None = None
    room_type_code: str | None = None
    check_in: dt.date | None = None
    check_out: dt.date | None = None
    intents: tuple[str, ...] = ()
    caller_lines: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default=())


def stay_span(check_in: dt.date, check_out: dt.date) -> str:
    """'15–18 Dec', '30 Dec–2 Jan'."""
    if (check_in.year, check_in.month) == (check_out.year, check_out.month):
        return f"{check_in.day}–{check_out.day} {check_out:%b}"
    return f"{check_in.day} {check_in:%b}–{check_out.day} {check_out:%b}"


def topic_of(lines: tuple[str, ...]) -> str | None:
    for line in lines:
        for pattern, topic in _TOPICS:
            if pattern.search(line):
                return topic
    return None


def quoted(lines: tuple[str, ...]) -> str | None:
    for line in lines:
        text = " ".join(line.split())
        if len(text) > 3:
            return f"“{text[:QUOTE_CHARS]}{'…' if len(text) > QUOTE_CHARS else ''}”"
    return None


def summary(call: CallFacts) -> str:
    """e.g. "Booked DLX 15–18 Dec, ROOMI-…", "Asked about parking", "Transferred: wanted a group rate"."""
    booking = ""
    if call.confirmation_number:
        span = f" {stay_span(call.check_in, call.check_out)}" if call.check_in and call.check_out else ""
        booking = f"{call.room_type_code or ''}{span}, {call.confirmation_number}".strip()
    about = topic_of(call.caller_lines)
    said = quoted(call.caller_lines)
    outcome = call.outcome
    if not call.ended:
        return f"In progress{': ' + about if about else ''}"
    if outcome == "booking_completed":
        return f"Booked {booking}" if booking else "Booked a stay"
    if outcome == "booking_modified":
        return f"Changed {booking}" if booking else "Changed a booking"
    if outcome == "booking_cancelled":
        return f"Cancelled {booking}" if booking else "Cancelled a booking"
    if outcome == "booking_failed":
        return "Booking failed" + (f": {call.errors[0]}" if call.errors else "")
    if outcome == "service_request":
        return f"Service request{': ' + about if about and about != 'a person' else ''}"
    if outcome == "transferred":
        return f"Transferred: wanted {about}" if about else f"Transferred{': ' + said if said else ''}"
    if outcome == "abandoned":
        return f"Hung up before finishing{': ' + about if about else ''}"
    if "not understood" in call.errors and said:
        return f"Not understood: {said}"
    if call.errors:
        return f"Went wrong: {call.errors[0]}"
    if "book_room" in call.intents or "check_availability" in call.intents:
        return f"Asked about availability{' and ' + about if about and about not in ('availability', 'prices') else ''}"
    if about:
        return f"Asked about {about}"
    if "other" in call.intents and said:
        return f"Not understood: {said}"
    return "Asked a question" if call.caller_lines else "Said nothing"
