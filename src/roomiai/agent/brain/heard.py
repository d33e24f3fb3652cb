"""Words Roomi may have misheard: numbers, dates and surnames from a turn the ears were unsure of are read back first.

The speech recogniser's confidence in a caller's turn (0 to 1; None for typed turns) comes with the turn. Below
`read_back_below` (ROOMIAI_READ_BACK_BELOW), whatever identifying detail that turn gave (a confirmation number, a phone
number, a surname, a stay date) is read back digit by digit or letter by letter, and used only after the caller's yes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .asked import Asked
from .flow import Action, Flow, Say
from .responses import day, join_words, spell_reference
from .state import Task

UNSURE_BELOW = 0.45  # Whisper: exp(average token log-probability); Deepgram: its own; ROOMIAI_READ_BACK_BELOW
REASK = {
    "confirmation_number": (Asked.VERIFY, "Sorry about that. Could you read me the confirmation number again, slowly?"),
    "last_name": (Asked.LAST_NAME, "Sorry about that. Could you spell the last name for me, letter by letter?"),
    "phone": (Asked.PHONE, "Sorry about that. Could you say the phone number again, digit by digit?"),
    "guest_last_name": (Asked.LAST_NAME, "Sorry about that. Could you spell your last name for me, letter by letter?"),
    "guest_phone": (Asked.PHONE, "Sorry about that. Could you say your phone number again, digit by digit?"),
    "check_in": (Asked.CHECK_IN, "Sorry about that. What date would you like to check in?"),
    "check_out": (Asked.CHECK_OUT, "Sorry about that. What date would you like to check out?"),
}
SLOT_ENTITIES = {"confirmation_number", "phone_number", "guest_name", "check_in_date", "check_out_date"}


def unsure(confidence: float | None, below: float = UNSURE_BELOW) -> bool:
    """Whether a turn heard with this confidence needs its details read back (typed turns never do)."""
    return confidence is not None and confidence < below


def spell_letters(name: str) -> str:
    """'Bennett' → 'B E N N E T T'; "O'Brien-Smith" → 'O, apostrophe, B R I E N, hyphen, S M I T H'."""
    parts: list[str] = []
    word = ""
    for ch in name.strip():
        if ch.isalpha():
            word += ch.upper() + " "
            continue
        if word:
            parts.append(word.strip())
            word = ""
        if ch in "-'’":
            parts.append("hyphen" if ch == "-" else "apostrophe")
    if word:
        parts.append(word.strip())
    return ", ".join(parts)


def spell_phone(phone: str) -> str:
    """'+1 305 555 0199' → '3 0 5, 5 5 5, 0 1 9 9': each digit on its own, in the usual groups."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    groups = (
        [digits[:3], digits[3:6], digits[6:]]
        if len(digits) == 10
        else [digits[i : i + 3] for i in range(0, len(digits), 3)]
    )
    return ", ".join(" ".join(group) for group in groups if group)


def heard_words(slot: str, value: Any) -> str:
    """One detail as it is read back."""
    if slot == "confirmation_number":
        return f"the confirmation number {spell_reference(str(value))}"
    if slot in ("last_name", "guest_last_name"):
        return f"the last name {value}, {spell_letters(str(value))}"
    if slot in ("phone", "guest_phone"):
        return f"the phone number {spell_phone(str(value))}"
    when = day(value) if isinstance(value, dt.date | str) else str(value)
    return f"check-in on {when}" if slot == "check_in" else f"check-out on {when}"


class HeardFlow(Flow):
    """Reads back what an unsure turn gave before any tool uses it; DialogueManager calls the two hooks."""

    heard_confidence: float | None = None
    read_back_below: float = UNSURE_BELOW

    def _heard_values(self) -> dict[str, Any]:
        """The details of the current task that a misheard word would spoil."""
        d = self.d
        if d.task is Task.BOOK:
            return {
                "guest_last_name": d.guest.last_name,
                "guest_phone": d.guest.phone,
                "check_in": d.stay.check_in,
                "check_out": d.stay.check_out,
            }
        if d.task in (Task.MODIFY, Task.CANCEL):
            return {"confirmation_number": d.confirmation_number, "last_name": d.last_name, "phone": d.phone}
        return {}

    def _note_heard(self, before: dict[str, Any]) -> bool:
        """Mark the details this turn set as unsure (or as sure); True when an unsure one was set now."""
        d, now = self.d, self._heard_values()
        fresh = {slot for slot, value in now.items() if value is not None and value != before.get(slot)}
        d.unsure = {slot for slot in d.unsure if slot in now and now[slot] is not None}
        if not unsure(self.heard_confidence, self.read_back_below):
            d.unsure -= fresh
            return False
        d.unsure |= fresh
        return bool(fresh)

    def _read_heard(self) -> Say:
        """'Just to be sure, I heard ... Is that right?'"""
        values = self._heard_values()
        said = [heard_words(slot, values[slot]) for slot in values if slot in self.d.unsure]
        return self._ask(
            Asked.HEARD_RIGHT, f"Just to be sure, I heard {join_words(said)}. Is that right?", self.d.state
        )

    def _heard_after_apply(self, before: dict[str, Any]) -> Action | None:
        """After an unsure turn's details were stored: the read-back, before anything uses them."""
        return self._read_heard() if self._note_heard(before) else None

    def _heard_answer(self, intent: str, lower: str, text: str) -> Action | None:
        """The caller's answer to the read-back: yes goes on, no asks again, a correction replaces what was misheard."""
        d = self.d
        values = self._heard_values()
        slots = [slot for slot in values if slot in d.unsure]
        if not slots:
            d.asked = None
            return None
        if intent == "confirm" and not SLOT_ENTITIES & set(self.entities):
            d.unsure.clear()
            return self._heard_resume()
        reask, question = REASK[slots[0]]
        if len(slots) > 1 and d.task in (Task.MODIFY, Task.CANCEL):
            reask, question = (
                Asked.VERIFY,
                "Sorry about that. Could you give me the confirmation number and the last name again, slowly?",
            )
        d.asked = reask  # so that a bare surname or number in this answer is read as the one asked for
        before = self._heard_values()
        if self._apply(intent, lower, text):
            return self._heard_after_apply(before) or (self._read_heard() if d.unsure else self._heard_resume())
        if intent == "deny":
            self._forget(slots)
            return self._ask(reask, question, d.state)
        d.asked = Asked.HEARD_RIGHT
        return self._unclear()

    def _forget(self, slots: list[str]) -> None:
        d = self.d
        for slot in slots:
            target, attribute = {
                "guest_last_name": (d.guest, "last_name"),
                "guest_phone": (d.guest, "phone"),
                "check_in": (d.stay, "check_in"),
                "check_out": (d.stay, "check_out"),
            }.get(slot, (d, slot))
            setattr(target, attribute, None)
        d.unsure.clear()

    def _heard_resume(self) -> Action:
        """Carry on with the task as if the confirmed details had just been given."""
        d = self.d
        d.asked, d.misunderstood = None, 0
        if d.task is Task.BOOK:
            return self._booking_next()
        return self._existing("other", True)
