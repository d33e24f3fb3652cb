"""An existing booking: who the caller is (confirmation number and last name, or their own phone), and which booking."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...domain.spoken_digits import DIGIT_WORDS, TENS, UNITS, digit_runs
from . import cues
from .asked import Asked
from .booking_flow import NAME_PREFIX, WORD_NAME
from .change_flow import NOT_ON_A_BOOKING
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
from .spoken import find_confirmation
from .state import ConversationState as S
from .state import Task

SPELLED_ROOMI = re.compile(r"\br[\s.,-]+o[\s.,-]+o[\s.,-]+m[\s.,-]+(?:i|e|y)\b", re.I)
CONFIRMATION_LIKE = re.compile(r"\b(?:roomi|room ?e)[\s-]*\d[\d\s-]{7,}\d\b|\bconfirmation(?: number)?(?: is)?\b", re.I)
BY_PHONE = re.compile(
    r"\b(?:calling from|(?:by|with|under|use|using|on) (?:my|the|this) (?:phone|cell|mobile|number)|phone number on (?:it|the booking)"
    r"|look (?:it )?up by (?:my )?(?:phone|number))\b"
)
NO_NUMBER = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|didn'?t|did not|can'?t|cannot|couldn'?t|haven'?t|have not|never)(?: \w+){0,2}? "
    r"(?:have|find|remember|know|recall|got|get|keep|kept|write|wrote|note|save|saved|bring|brought|receive|received)\b"
    r"|\b(?:lost|forgot|forgotten|misplaced|deleted|no idea)\b|\bnot (?:on|with) me\b"
    r"|\bno (?:confirmation|reference|booking number|number)\b"
)
NOT_THIS_PHONE = re.compile(
    r"\bnot (?:calling )?(?:from|on) (?:that|the same|this|my|the) (?:phone|number|cell|mobile)"
    r"|\b(?:a |another |different )(?:phone|number|cell|mobile)\b|\b(?:work|office|hotel|friend'?s|someone else'?s) (?:phone|number)\b"
)
THIS_NUMBER = re.compile(
    r"\b(?:this|the same|same) (?:number|phone|one)\b|\b(?:number|one|phone) i'?m (?:calling|ringing) (?:from|on)\b"
    r"|\bcalling from (?:it|that one)\b|\bcaller ?id\b|\byou (?:can )?see (?:it|my number)\b"
)
SAY_THE_NUMBER = "For your security, I need you to say the number on the booking, digit by digit, like '555 123 4567'."
HOLD = re.compile(
    r"\b(?:hang on|hold on|one (?:sec|second|moment|minute)|let me (?:find|check|look|get|grab|see)|give me a (?:sec|second|moment|minute)"
    r"|just a (?:sec|second|moment|minute)|bear with me|wait a (?:sec|second|moment|minute)|looking for it)\b"
)
SURNAME_WORDS = frozenset(
    "king young white brown green black gray grey long little love day hall hill wood rich may price rose page bell best "
    "church cook cross fox frost hope knight lane marsh moon park power reed rice sharp short stone swift wall ward west wise".split()
)
INSIST = re.compile(
    r"\b(?:definitely|certain|i'?m sure|that'?s (?:right|correct|what i said)|it is right|it'?s right|correct)\b"
)
CHANGE_ASKED = re.compile(
    r"\b(?:modify|change|move|amend|alter|reschedul\w*|push|shift|extend|shorten|cut|update|switch|add|upgrade|postpone|bring|transfer|put)\b"
)
QUOTE_MONEY = re.compile(r"\b(?:penalty|fee|fees|charge\w*|cost\w*|refund\w*|how much|pay|price|total|free)\b")
WHY = re.compile(r"\bwhy (?:do|would|d'?)? ?you need\b|\bwhat (?:do you need )?(?:it|that|this) for\b|^\s*why\b")
_RELATION = (
    r"(?:husband|wife|partner|son|daughter|mother|mom|mum|father|dad|sister|brother|friend|boss|colleague)(?:'s)?"
)
_SURNAME = r"((?:(?:van|von|der|den|de|del|la|le|di|da|du|st)\s+)*[A-Za-z][A-Za-z'\-]+)"
UNDER_NAME = re.compile(
    r"\bunder (?:(?:his|her|their|my|our) (?:"
    + _RELATION
    + r",? (?:(?:last |family |sur)?name,? )?|(?:last |family |sur)?name,? )"
    r"|the (?:last |family |sur)?name(?: of)?,? )(?:(?:mr|mrs|ms|miss|dr)\.? )?" + _SURNAME,
    re.I,
)
UNDER_BARE = re.compile(
    r"\bunder (?:(?:mr|mrs|ms|miss|dr)\.? )?" + _SURNAME, re.I
)  # "it's under Hopper": only for a booking
NAME_HERE = re.compile(
    r"(?:^|[,.!] |\b(?:hi|hello|hey|yes|yeah|morning|evening)[,.!]? )(?:(?:mr|mrs|ms|miss|dr)\.? )?([A-Za-z][A-Za-z'\-]+) here\b",
    re.I,
)  # "hi, Campbell here"
TITLED = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.? ([A-Za-z][A-Za-z'\-]+)", re.I)
AFTER_NUMBER = re.compile(
    r"\b(?:roomi|room ?e)[\s-]*\d[\d\s-]{7,}\d[,.]?\s+(?:and\s+)?(?:(?:the\s+)?(?:last\s+)?name(?:\s+is|'s)?\s+)?(?:it'?s\s+)?"
    r"([A-Za-z][A-Za-z'\-]+)(?=\s*(?:$|[,.!?;]|\b(?:and|to|for|from|please|thanks|i|we|can|could|would)\b))",
    re.I,
)
ENDED_STAY = re.compile(
    r"\b(?:i|we)(?: have|'ve)? (?:already |just )?(?:checked out|stayed (?:with you|at your|here|there|at the)"
    r"|were (?:staying )?(?:with you|there|guests) (?:last|on|in|earlier|over))\b"
    r"|\b(?:my|our|the) (?:last|previous|past|recent) (?:stay|visit)\b|\b(?:stay|visit|we left|i left) (?:last|earlier this) (?:week|month|weekend|year|night)\b"
)
CHECKED_OUT = re.compile(
    r"\b(?:i|we)(?: have|'ve)? (?:already |just )?checked out\b(?! (?:the|your|you|some|a|an|those|these|it|online|reviews?|photos?|pictures?|websites?)\b)"
)  # "we checked out your website" is no stay
AFTER_STAY = re.compile(
    r"\b(?:receipts?|invoices?|folio|(?:final|itemi[sz]ed|copy of (?:my|our|the)) bill|charged (?:me )?(?:twice|two times|double|wrong\w*|incorrectly|too much)"
    r"|double[- ]charged|overcharged|lost (?:and|&) found|left (?:my|our|a|an|some|the)\b.{0,40}\bbehind)\b"
)
BILLING_SAY = (
    "Receipts, charges on your card and anything left behind are looked after by the front desk. "
    "Would you like me to transfer you?"
)
ENDED_STAY_SAY = (
    "I'm sorry, I can only look up current and upcoming bookings, so I can't see a stay that has ended. "
    "The front desk can help with receipts, charges and anything left behind: would you like me to transfer you?"
)
MONTH = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\b(?! (?:be|i|we)\b)"
)
NUMBER_PARTS = re.compile(r"ROOMI-(\d{8})-(\d{3})")
PART_CUE = re.compile(
    r"\b(?:sorry|ends? (?:in|with)|ending|last (?:bit|part|digits|three|numbers?|few|one)|at the end|(?:i|i've) (?:meant|misread|said)"
    r"|should (?:be|have been)|actually|mistake|wrong|not \w+ \w+ \w+,? (?:it'?s|but))\b"
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

    _new_identity = False  # this turn gave a confirmation number, last name or phone not heard before

    def _apply_existing(self, lower: str, text: str) -> bool:
        """Store what identifies the booking, and for a change what should change; True when anything changed."""
        d, e = self.d, self.entities
        changed = False
        if "confirmation_number" not in e and SPELLED_ROOMI.search(text):  # "R O O M I 2026 1030 009"
            number = find_confirmation(SPELLED_ROOMI.sub("ROOMI", text), asked=True)
            if number:
                e["confirmation_number"] = number
                e.pop("phone_number", None)
        if "confirmation_number" not in e and (corrected := self._number_part_corrected(lower)):
            e["confirmation_number"] = corrected  # "sorry, it's zero zero eight": the rest of the number stands
        if "confirmation_number" in e:
            d.confirmation_number, changed = str(e["confirmation_number"]), True
            d.no_number = False
        elif not d.verified and (NO_NUMBER.search(lower) or BY_PHONE.search(lower)):
            d.no_number = True
        last_name = self._said_last_name(
            text,
            bare=(d.asked in (Asked.VERIFY, Asked.LAST_NAME) or "confirmation_number" in e)
            and (not d.last_name or d.asked == Asked.LAST_NAME or d.tried is not None)
            and not HOLD.search(lower),
        )
        if last_name and last_name != d.last_name:
            d.last_name, changed = last_name, True
        if "phone_number" in e and len(str(e["phone_number"])) >= 7 and "confirmation_number" not in e:
            d.phone, changed = str(e["phone_number"]), True
        self._new_identity = changed
        if CHANGE_ASKED.search(lower) or d.change or d.task is not Task.MODIFY:
            d.lookup = False
        elif (
            d.asked is None and not d.verified
        ):  # "what dates is my booking for?": the booking is read, then a question
            d.lookup = True
        if d.task is Task.MODIFY and not d.verified and NOT_ON_A_BOOKING.search(lower):
            d.desk_change = True  # "I want to change the name on my booking": said once, remembered past the lookup
        if d.task is Task.MODIFY:
            changed = self._apply_change(lower) or changed
        return changed

    def _stay_ended(self, lower: str) -> Action | None:
        """A stay that has ended (a receipt, a charge, something left behind): the front desk's, which Roomi cannot see."""
        d = self.d
        if d.verified or d.task is Task.BOOK or d.asked == Asked.TRANSFER:
            return None
        after = AFTER_STAY.search(lower) or CHECKED_OUT.search(lower)
        if not (after or ENDED_STAY.search(lower)):
            return None
        if (
            not after
            and (d.task is Task.NONE)
            and (
                self._has_stay_entities()
                or (self.intent is not None and self.intent.intent not in ("other", "get_info"))
            )
        ):
            return None  # "we stayed with you last year and loved it, a room for March?" books again
        ended = bool(ENDED_STAY.search(lower))
        d.task, d.asked, d.misunderstood, d.stay_ended = Task.NONE, Asked.TRANSFER, 0, ended
        return self._say(ENDED_STAY_SAY if ended else BILLING_SAY, S.INTENT_DETECTION)

    def _number_part_corrected(self, lower: str) -> str | None:
        """The number heard with the part the caller corrects: its last three digits or its eight-digit date."""
        d = self.d
        parts = NUMBER_PARTS.fullmatch(d.confirmation_number or "")
        if not parts or d.verified or (d.tried is None and not PART_CUE.search(lower)):
            return None
        runs = [digits for _, _, digits in digit_runs(lower) if len(digits) in (3, 8)]
        if len(runs) != 1:  # "it ends in 008, not 009" is no single correction; "the last three are ..." is
            return None
        return f"ROOMI-{parts[1]}-{runs[0]}" if len(runs[0]) == 3 else f"ROOMI-{runs[0]}-{parts[2]}"

    def _identifying(self, lower: str) -> bool:
        """This turn is about finding the caller's booking ('look it up by my phone'), not a question about the hotel."""
        d = self.d
        return (
            d.task in (Task.MODIFY, Task.CANCEL)
            and not d.verified
            and (
                bool(
                    BY_PHONE.search(lower) or THIS_NUMBER.search(lower) or NO_NUMBER.search(lower) or WHY.search(lower)
                )
                or (d.asked is None and not d.confirmation_number and not cues.topics_of(lower))  # "check my booking"
            )
        ) or (d.asked in (Asked.CANCEL_CONFIRM, Asked.CHANGE_CONFIRM) and bool(QUOTE_MONEY.search(lower)))

    def _said_last_name(self, text: str, *, bare: bool) -> str | None:
        """A last name the caller said ('last name Hopper', 'Grace Hopper'), or their bare words when one was asked for."""
        with_spelling = name_with_spelling(text)
        if with_spelling:
            return last_name_of(with_spelling)
        said_last = LAST_NAME_CUE.search(text)
        if said_last:
            return spelled_form(said_last.group(1).lower()) if said_last.group(1).islower() else said_last.group(1)
        cues_here = (UNDER_NAME, AFTER_NUMBER, TITLED, NAME_HERE) + (
            (UNDER_BARE,)
            if self.d.task in (Task.MODIFY, Task.CANCEL)
            or (self.d.task is Task.SERVICE and self.d.asked in (Asked.ROOM_NUMBER, Asked.SERVICE_NAME))
            else ()
        )
        for cue in cues_here:  # "it's under her name, Fischer", "ROOMI-... hernandez"
            said = cue.search(text)
            if said and _name_word(said.group(1).split()[-1]):
                return spelled_form(said.group(1).lower()) if said.group(1).islower() else said.group(1)
        if "guest_name" in self.entities:
            return last_name_of(str(self.entities["guest_name"]))
        if bare:
            rest = CONFIRMATION_LIKE.sub(" ", spelled(text)[1])
            for part in [p for p in re.split(r"[,.!?;:]|\s-\s", rest) if p.strip()][-1:]:
                # "R O O M I 2026...-001. Kim": the last words only ("sorry my english, ... number is ..." names no one)
                part = NAME_PREFIX.sub("", part.strip()).strip()
                words = part.split()
                while words and (
                    words[0].lower() in NOT_NAMES or words[0].lower() in NUMBER_WORDS or _has_digit(words[0])
                ):
                    words.pop(0)  # "and the name is", "two zero one, Kim": only what leads up to the name is dropped
                while words and words[-1].lower() in NOT_NAMES:
                    words.pop()  # "Kim please"
                if any(w.lower() in NOT_NAMES or w.lower() in NUMBER_WORDS or _has_digit(w) for w in words):
                    continue  # "hang on", "yeah that works": words around a name, not a name
                joined = " ".join(words)
                if (
                    len(words) in (1, 2, 3)
                    and WORD_NAME.match(joined)
                    and not any(w.lower() in COMMON_WORDS and w.lower() not in SURNAME_WORDS for w in words)
                ):
                    return last_name_of(spelled_form(joined.lower()) if joined.islower() else joined)
        return None

    def _existing(self, intent: str, changed: bool) -> Action:
        d = self.d
        if not d.verified and d.booked and not d.confirmation_number and d.guest.last_name:
            d.confirmation_number, d.last_name = d.booked["confirmation_number"], d.guest.last_name
        if d.asked in (Asked.CHANGE_CONFIRM, Asked.CANCEL_CONFIRM) and d.quote and d.verified:
            other = self._other_booking_meant()
            if other is not None:
                return other
        if d.asked == Asked.CHANGE_CONFIRM and d.quote and not changed:
            answer = self._change_answer(intent)
            if answer is not None:
                return answer
            return self._quote_again(self._change_sentence(d.quote), S.MODIFICATION)
        if d.asked == Asked.CANCEL_CONFIRM and d.quote and not changed:
            answer = self._cancel_answer(intent)
            if answer is not None:
                return answer
        if not d.verified:
            return self._verify(intent, changed)
        booking = self._selected()
        if booking is None and d.asked == Asked.WHICH_BOOKING:
            booking = self._pick_booking()
            if booking is None and (alike := self._alike_bookings()):
                return self._ask(  # "the deluxe one" when both are Deluxe Rooms: the dates tell them apart
                    Asked.WHICH_BOOKING,
                    f"More than one of them is {_with_article(alike[0].get('room_type') or 'room')}. "
                    f"Which day does yours start: {join_words([day(b['check_in'], weekday=False) for b in alike], 'or')}?",
                    S.VERIFICATION,
                )
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
        d, lower = self.d, self._lower
        new = self._new_identity
        if d.asked == Asked.FRONT_DESK:
            answer = self._front_desk_answer(intent)
            if answer is not None:
                return answer
        if intent == "confirm" and not new and d.asked in (Asked.VERIFY, Asked.LAST_NAME) and d.tried is None:
            return self._ask(d.asked, GO_AHEAD[d.asked], S.VERIFICATION)
        if d.phone and "phone_number" in self.entities and "confirmation_number" not in self.entities:
            return self._call(
                "find_booking", {"phone": d.phone}, S.VERIFICATION
            )  # "my phone is ...": look it up by that
        if (
            d.confirmation_number
            and d.last_name
            and ((d.confirmation_number, d.last_name) != d.tried or "confirmation_number" in self.entities)
        ):  # a new detail, or the number read again: look again (three misses and the front desk is offered)
            return self._call(
                "find_booking", {"confirmation_number": d.confirmation_number, "last_name": d.last_name}, S.VERIFICATION
            )
        if d.phone and not d.confirmation_number:
            return self._call("find_booking", {"phone": d.phone}, S.VERIFICATION)
        if HOLD.search(lower) and not new and d.asked in (Asked.VERIFY, Asked.LAST_NAME, Asked.PHONE):
            return self._say("Of course, take your time. " + self._question(), S.VERIFICATION)
        why = "I need them to find your booking and make sure it's yours. " if WHY.search(lower) else ""
        if why and d.asked in (Asked.VERIFY, Asked.LAST_NAME, Asked.PHONE):
            return self._say(why + self._question(), S.VERIFICATION)
        if d.tried is not None and not new and (intent == "confirm" or INSIST.search(lower)):
            d.asked = Asked.TRANSFER  # "it's definitely right": no use asking again
            return self._say(
                "I'm sorry, I can't find an upcoming booking with those details. The front desk can look into it: "
                "would you like me to transfer you?",
                S.VERIFICATION,
            )
        if d.tried is not None and not new:
            return self._unclear()  # the same details again: a narrower question, then the front desk
        if d.confirmation_number and not d.last_name:
            if d.asked == Asked.LAST_NAME and not new:
                return self._unclear()
            return self._ask(Asked.LAST_NAME, "Thank you. And the last name on the booking?", S.VERIFICATION)
        if d.no_number and not d.confirmation_number:
            return self._without_number(intent, new)
        if d.last_name:
            if d.asked == Asked.VERIFY and not new:
                return self._unclear()
            return self._ask(
                Asked.VERIFY,
                f"Thank you. And the confirmation number of the booking under {d.last_name}? If you "
                "don't have it, I can look it up by the phone number you're calling from.",
                S.VERIFICATION,
            )
        what = "change" if d.task is Task.MODIFY else "cancel"
        if d.asked == Asked.VERIFY and not changed:
            return self._unclear()
        offer = (
            "I can check what cancelling it would cost."
            if d.task is Task.CANCEL and QUOTE_MONEY.search(lower)
            else "I can look that up for you."
            if d.task is Task.MODIFY and not CHANGE_ASKED.search(lower) and not d.change
            else f"I can help you {what} your booking."
        )
        return self._ask(
            Asked.VERIFY,
            f"{offer} Could I have your confirmation number and the last name on the booking?",
            S.VERIFICATION,
        )

    def _without_number(self, intent: str, new: bool) -> Action:
        """No confirmation number: the phone on the booking when the call comes from it, else the front desk, never a loop."""
        d, lower = self.d, self._lower
        if d.asked != Asked.PHONE:
            return self._ask(
                Asked.PHONE,
                "No problem. I can find it by the phone number on the booking, as long as you're "
                "calling from that number. What's the phone number?",
                S.VERIFICATION,
            )
        if (
            THIS_NUMBER.search(lower)
            and not NOT_THIS_PHONE.search(lower)
            and intent != "deny"
            and d.last_question != SAY_THE_NUMBER
        ):
            return self._ask(Asked.PHONE, SAY_THE_NUMBER, S.VERIFICATION)
        return self._front_desk_offer()

    def _front_desk_offer(self, sorry: str = "") -> Action:
        """The booking cannot be found here: the front desk can look it up by name and dates."""
        return self._ask(
            Asked.FRONT_DESK,
            f"{sorry}Without the confirmation number I can't look the booking up myself, but the front desk can find it "
            "by your name and dates. Would you like me to transfer you? If you find the confirmation number, just read it to me.",
            S.VERIFICATION,
        )

    def _front_desk_answer(self, intent: str) -> Action | None:
        """The caller's answer to the front desk offer; None when they gave details to look the booking up with."""
        d = self.d
        if self._new_identity:
            return None
        if intent == "confirm":
            return self._call("transfer_to_human", {"reason": "caller has no confirmation number"})
        if intent == "deny" or d.misunderstood:
            d.no_number, d.misunderstood = False, 0
            return self._ask(
                Asked.VERIFY,
                "Alright. If you find the confirmation number, just read it to me"
                + ("." if d.last_name else ", with the last name on the booking."),
                S.VERIFICATION,
            )
        d.unclear_on, d.misunderstood = Asked.FRONT_DESK, 1
        return self._say(
            "Sorry, I didn't catch that. Shall I transfer you to the front desk? Just say yes or no.", S.VERIFICATION
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

    def _other_booking_meant(self) -> Action | None:
        """At a quote, 'the February one' means another booking than the one quoted: that one, or its number asked for."""
        d, lower = self.d, self._lower
        month = MONTH.search(lower)
        quoted = self._selected()
        if month is None or quoted is None:
            return None
        months = {dt.date.fromisoformat(quoted[k]).strftime("%B").lower() for k in ("check_in", "check_out")}
        if month.group(0) in months or d.task is Task.MODIFY and CHANGE_ASKED.search(lower):
            return None  # "move it to February" is a change, not another booking
        d.quote, d.change = None, {}
        picked = self._pick_booking() if len(d.verified) > 1 else None
        if picked is not None:
            d.confirmation_number = picked["confirmation_number"]
            return self._cancel_next(picked) if d.task is Task.CANCEL else self._change_next(picked, False)
        d.verified, d.confirmation_number, d.tried = [], None, None  # the last name stands
        return self._ask(
            Asked.VERIFY,
            f"The booking {quoted['confirmation_number']} is the one from {day(quoted['check_in'])}. "
            f"For your booking in {month.group(0).capitalize()}, could I have its confirmation number?",
            S.VERIFICATION,
        )

    def _alike_bookings(self) -> list[dict[str, Any]]:
        """The bookings of the room type the caller named, when that names more than one."""
        room = self.room_words.get(str(self.entities.get("room_type", "")).lower())
        alike = [b for b in self.d.verified if room and b.get("room_type_code") == room]
        return alike if len(alike) > 1 else []

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
            if d.no_number:
                return self._front_desk_offer(
                    "I'm sorry, I can only use a phone number to find a booking when you're calling from that number. "
                )
            return self._ask(
                Asked.VERIFY,
                "I'm sorry, I can only use a phone number to find a booking when you're calling from that number. "
                "Could I have your confirmation number and the last name on the booking?",
                S.VERIFICATION,
            )
        if r.failed:
            d.verify_failures += 1
            by_phone, d.phone = d.phone is not None, None
            d.tried = (d.confirmation_number, d.last_name)
            if d.verify_failures >= MAX_VERIFY_FAILURES:
                d.asked = Asked.TRANSFER
                return self._say(
                    "I'm sorry, I still can't find a booking with those details. Would you like me to transfer you to the front desk?",
                    S.VERIFICATION,
                )
            if by_phone:
                return self._front_desk_offer("I'm sorry, I couldn't find a booking under that phone number. ")
            if d.stay_ended:  # the number of a stay that has ended finds nothing: it is closed
                d.asked = Asked.TRANSFER
                return self._say(
                    "I'm sorry, I couldn't find a current or upcoming booking with those details; a stay that has "
                    "ended is for the front desk. Would you like me to transfer you?",
                    S.VERIFICATION,
                )
            return self._ask(
                Asked.VERIFY,
                "I'm sorry, I couldn't find an upcoming booking with those details. Could you check the confirmation "
                "number for me, or spell the last name?",
                S.VERIFICATION,
            )
        d.verified, d.tried = r.data["bookings"], None
        return self._existing("other", True)


def _name_word(word: str) -> bool:
    """A word that can be a last name: not a common word, a filler or a number."""
    lower = word.lower()
    return (
        (lower not in COMMON_WORDS or lower in SURNAME_WORDS)
        and lower not in NOT_NAMES
        and lower not in NUMBER_WORDS
        and len(lower) > 1
    )


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _with_article(noun: str) -> str:
    """'a Deluxe Room', 'an Ocean Suite'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
