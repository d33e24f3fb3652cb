"""An existing booking: who the caller is (confirmation number and last name, or their own phone), and which booking."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...domain.spoken_digits import DIGIT_WORDS, TENS, UNITS
from .asked import Asked
from .booking_flow import NAME_PREFIX, WORD_NAME
from .flow import (
    CANNOT_CHECK,
    CANNOT_CHECK_NOW,
    GO_AHEAD,
    MAX_VERIFY_FAILURES,
    PHONE_NOT_CALLER_ID,
    Action,
    Flow,
    ToolResult,
)
from .names import COMMON_WORDS, LAST_NAME_CUE, last_name_of, name_with_spelling, spelled, spelled_form
from .responses import day, join_words
from .state import ConversationState as S
from .state import Task

CONFIRMATION_LIKE = re.compile(r"\b(?:roomi|room ?e)[\s-]*\d[\d\s-]{7,}\d\b|\bconfirmation(?: number)?(?: is)?\b", re.I)
BY_PHONE = re.compile(
    r"\b(?:calling from|(?:by|with|under|use|using|on) (?:my|the|this) (?:phone|cell|mobile|number)|phone number on (?:it|the booking)"
    r"|look (?:it )?up by (?:my )?(?:phone|number))\b"
)
NO_NUMBER = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|can'?t|cannot) (?:have|find|remember|know|recall)(?: (?:it|the|my|a|that))?(?: confirmation)?(?: number)?\b"
    r"|\b(?:lost|forgot|no idea (?:of|about)?) (?:the|my)? ?(?:confirmation )?(?:number|email)\b"
)
NUMBER_WORDS = {*DIGIT_WORDS, *TENS, *UNITS, "double", "triple", "hundred", "dash"}
ORDINALS = {"first": 0, "1st": 0, "earlier": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1, "later": -1}
NOT_NAMES = set(
    "my is it its it's the a an of for and or under name last first number confirmation booking reservation code "
    "yes yeah no nope ok okay please thanks thank you hi hello hey sure here that this that's is it me i i'm we "
    "our reference phone on file sorry um uh well so just".split()
)


class VerificationFlow(Flow):
    """Finds the caller's booking before anything about it is said or changed, then hands over to change or cancel."""

    def _apply_existing(self, lower: str, text: str) -> bool:
        """Store what identifies the booking, and for a change what should change; True when anything changed."""
        d, e = self.d, self.entities
        changed = False
        if "confirmation_number" in e:
            d.confirmation_number, changed = str(e["confirmation_number"]), True
        last_name = self._said_last_name(
            text, bare=d.asked in (Asked.VERIFY, Asked.LAST_NAME) or "confirmation_number" in e
        )
        if last_name:
            d.last_name, changed = last_name, True
        if "phone_number" in e and len(str(e["phone_number"])) >= 7:
            d.phone, changed = str(e["phone_number"]), True
        if d.task is Task.MODIFY:
            changed = self._apply_change(lower) or changed
        return changed

    def _said_last_name(self, text: str, *, bare: bool) -> str | None:
        """A last name the caller said ('last name Hopper', 'Grace Hopper'), or their bare words when one was asked for."""
        with_spelling = name_with_spelling(text)
        if with_spelling:
            return last_name_of(with_spelling)
        said_last = LAST_NAME_CUE.search(text)
        if said_last:
            return spelled_form(said_last.group(1).lower()) if said_last.group(1).islower() else said_last.group(1)
        if "guest_name" in self.entities:
            return last_name_of(str(self.entities["guest_name"]))
        if bare:
            rest = CONFIRMATION_LIKE.sub(" ", spelled(text)[1])
            for part in reversed(
                [p for p in re.split(r"[,.!?;:]|\s-\s", rest) if p.strip()]
            ):  # "R O O M I 2026...-001. Kim"
                part = NAME_PREFIX.sub("", part.strip()).strip()
                words = [
                    w
                    for w in part.split()
                    if w.lower() not in NOT_NAMES
                    and w.lower() not in NUMBER_WORDS
                    and not any(ch.isdigit() for ch in w)
                ]
                joined = " ".join(words)
                if (
                    len(words) in (1, 2, 3)
                    and WORD_NAME.match(joined)
                    and not any(w.lower() in COMMON_WORDS for w in words)
                ):
                    return last_name_of(spelled_form(joined.lower()) if joined.islower() else joined)
        return None

    def _existing(self, intent: str, changed: bool) -> Action:
        d = self.d
        if not d.verified and d.booked and not d.confirmation_number and d.guest.last_name:
            d.confirmation_number, d.last_name = d.booked["confirmation_number"], d.guest.last_name
        if d.asked == Asked.CHANGE_CONFIRM and d.quote and not changed:
            answer = self._change_answer(intent)
            if answer is not None:
                return answer
        if d.asked == Asked.CANCEL_CONFIRM and d.quote and not changed:
            answer = self._cancel_answer(intent)
            if answer is not None:
                return answer
        if not d.verified:
            return self._verify(intent, changed)
        booking = self._selected()
        if booking is None and d.asked == Asked.WHICH_BOOKING:
            booking = self._pick_booking()
            if booking is None:
                return self._unclear()
            d.confirmation_number = booking["confirmation_number"]
            if d.change.get("room_type") == booking.get("room_type_code"):
                del d.change["room_type"]  # the room named which booking, it asked for no change
                changed = bool(d.change)
        if booking is None:
            return self._ask(
                Asked.WHICH_BOOKING,
                "I found more than one booking: "
                + join_words(
                    [
                        f"{b['confirmation_number']}, {_with_article(b.get('room_type') or 'room')} from {day(b['check_in'], weekday=False)}"
                        for b in d.verified
                    ],
                    "and",
                )
                + ". Which one do you mean?",
                S.VERIFICATION,
            )
        if d.task is Task.CANCEL:
            return self._cancel_next(booking)
        return self._change_next(booking, changed)

    def _verify(self, intent: str, changed: bool) -> Action:
        d = self.d
        if intent == "confirm" and not changed and d.asked in (Asked.VERIFY, Asked.LAST_NAME):
            return self._ask(d.asked, GO_AHEAD[d.asked], S.VERIFICATION)
        if d.confirmation_number and d.last_name:
            return self._call(
                "find_booking", {"confirmation_number": d.confirmation_number, "last_name": d.last_name}, S.VERIFICATION
            )
        if d.phone and not d.confirmation_number:
            return self._call("find_booking", {"phone": d.phone}, S.VERIFICATION)
        if d.confirmation_number:
            return self._ask(Asked.LAST_NAME, "Thank you. And the last name on the booking?", S.VERIFICATION)
        if BY_PHONE.search(self._lower) or NO_NUMBER.search(self._lower):
            return self._ask(
                Asked.PHONE,
                "No problem. I can find it by the phone number on the booking, as long as you're "
                "calling from that number. What's the phone number?",
                S.VERIFICATION,
            )
        if d.last_name:
            return self._ask(
                Asked.VERIFY,
                f"Thank you. And the confirmation number of the booking under {d.last_name}? If you "
                "don't have it, I can look it up by the phone number you're calling from.",
                S.VERIFICATION,
            )
        what = "change" if d.task is Task.MODIFY else "cancel"
        if d.asked == Asked.VERIFY and not changed:
            return self._unclear()
        return self._ask(
            Asked.VERIFY,
            f"I can help you {what} your booking. Could I have your confirmation number and the last name on the booking?",
            S.VERIFICATION,
        )

    def _selected(self) -> dict[str, Any] | None:
        d = self.d
        if len(d.verified) == 1:
            return d.verified[0]
        if d.confirmation_number:
            match = [b for b in d.verified if b["confirmation_number"] == d.confirmation_number]
            if match:
                return match[0]
        return None

    def _pick_booking(self) -> dict[str, Any] | None:
        """The booking the caller means by a month, a date or 'the first/second one'."""
        lower, bookings = self._lower, self.d.verified
        for word, index in ORDINALS.items():
            if re.search(rf"\b{word}\b", lower) and bookings:
                return bookings[index] if -len(bookings) <= index < len(bookings) else None
        room = self.room_words.get(str(self.entities.get("room_type", "")).lower())
        of_room = [b for b in bookings if b.get("room_type_code") == room]
        if room and len(of_room) == 1:
            return of_room[0]  # "the family room one"
        said = self.entities.get("check_in_date") or self.entities.get("check_out_date")
        for booking in bookings:
            start = dt.date.fromisoformat(booking["check_in"])
            if said == start or start.strftime("%B").lower() in lower:
                return booking
        return None

    # -- tool results ---------------------------------------------------------------------------

    def _on_find_booking(self, r: ToolResult) -> Action:
        d = self.d
        code = r.code or (r.output or {}).get("code")
        if code == CANNOT_CHECK_NOW:
            d.asked = Asked.TRANSFER
            return self._say(CANNOT_CHECK, S.VERIFICATION)
        if code == PHONE_NOT_CALLER_ID:
            d.phone = None
            return self._ask(
                Asked.VERIFY,
                "I'm sorry, I can only use a phone number to find a booking when you're calling from that number. "
                "Could I have your confirmation number and the last name on the booking?",
                S.VERIFICATION,
            )
        if r.failed:
            d.verify_failures += 1
            d.confirmation_number = d.last_name = d.phone = None
            if d.verify_failures >= MAX_VERIFY_FAILURES:
                d.asked = Asked.TRANSFER
                return self._say(
                    "I'm sorry, I still can't find a booking with those details. Would you like me to transfer you to the front desk?",
                    S.VERIFICATION,
                )
            return self._ask(
                Asked.VERIFY,
                "I'm sorry, I couldn't find a booking matching those details. Could you give me the confirmation number "
                "and the last name on the booking again?",
                S.VERIFICATION,
            )
        d.verified = r.data["bookings"]
        return self._existing("other", True)


def _with_article(noun: str) -> str:
    """'a Deluxe Room', 'an Ocean Suite'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
