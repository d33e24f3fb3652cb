"""What every task's part of the dialogue shares: the actions it returns, tool results, and how Roomi asks and says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .asked import Asked
from .entities import EntityExtractor
from .intents import IntentClassifier, IntentResult
from .responses import money
from .state import ConversationState as S
from .state import Dialogue, Task

MAX_MISUNDERSTOOD = 2  # failures on the same question before Roomi offers the front desk
MAX_VERIFY_FAILURES = 3
CANNOT_CHECK_NOW = "cannot_check_now"  # codes of tool results (agent/tools), never their wording
PHONE_NOT_CALLER_ID = "phone_not_caller_id"
CANNOT_CHECK = "I'm sorry, I can't check that for you right now. Would you like me to transfer you to the front desk?"
GO_AHEAD = {
    Asked.NAME: "Sure, go ahead: what's your first and last name?",
    Asked.LAST_NAME: "Sure, what's your last name?",
    Asked.PHONE: "Great, what's the phone number?",
    Asked.EMAIL: "Great, what's the email address?",
    Asked.CHECK_IN: "Sure, what date would you like to check in?",
    Asked.NIGHTS: "Sure, how many nights?",
    Asked.GUESTS: "Sure, how many adults, and any children?",
    Asked.VERIFY: "Go ahead: the confirmation number and the last name on the booking.",
    Asked.ROOM_NUMBER: "Go ahead, what's the room number?",
}

NARROWER = {
    Asked.TRANSFER: "Would you like me to connect you with someone at the front desk? Just say yes or no.",
    Asked.CHECK_IN: "Could you tell me just the check-in date, like 'March the 14th' or 'next Friday'?",
    Asked.CHECK_OUT: "Could you tell me just the check-out date, like 'the 17th'?",
    Asked.NIGHTS: "Could you tell me just the number of nights, like 'three nights'?",
    Asked.GUESTS: "Could you tell me how many people, like 'two adults and one child' or 'just me'?",
    Asked.ROOM_TYPE: "Which room would you like? You can just say its name, like 'the deluxe'.",
    Asked.BOOK_IT: "Would you like me to book it? Just say yes or no.",
    Asked.NAME: "Could you tell me your first and last name, like 'Maria Lopez'? You can spell it if that's easier.",
    Asked.FIRST_NAME: "Could you tell me just your first name, like 'Maria'?",
    Asked.LAST_NAME: "Could you tell me just your last name, like 'Lopez'? You can spell it letter by letter.",
    Asked.PHONE: "Could you tell me the phone number digit by digit, like '555 123 4567'?",
    Asked.EMAIL: "Could you spell the email address, like 'maria dot lopez at gmail dot com'? Or just say no.",
    Asked.EXTRAS: "Any special requests, like a high floor, or is it a special occasion? Or just say no.",
    Asked.CARD: "Could you read me the card number and then its expiry date, like 'twelve twenty-eight'?",
    Asked.READ_BACK: "Shall I confirm the booking? Just say yes, or tell me what to change, like 'four nights instead'.",
    Asked.WHAT_CHANGE: "What should I change: the dates, the room, the guests, or your details? Or say 'that's fine' to book it.",
    Asked.VERIFY: "Could you tell me the confirmation number, like 'ROOMI 2026 0112 001', and the last name on the booking?",
    Asked.CHANGE_WHAT: "What should change: the dates, the number of nights, the room or the guests? Or say 'keep it'.",
    Asked.CHANGE_CONFIRM: "Shall I make that change? Just say yes or no.",
    Asked.CANCEL_CONFIRM: "Shall I cancel the booking? Just say yes or no.",
    Asked.ROOM_NUMBER: "Could you tell me just the room number, like 'room 305'?",
    Asked.SERVICE_NAME: "Could you tell me just the last name of the guest in the room, like 'Lopez'?",
}


@dataclass
class Say:
    text: str


@dataclass
class Call:
    name: str
    arguments: dict[str, Any]


Action = Say | Call


@dataclass(frozen=True)
class ToolResult:
    """One tool's answer: its output, or its error with the error's stable code; `after` says how to read it."""

    output: dict[str, Any] | None
    error: str | None = None
    code: str | None = None
    after: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def data(self) -> dict[str, Any]:
        """The output of a tool that answered (read after `failed`); a result without one reads as empty."""
        return self.output if self.output is not None else {}

    def sorry(self) -> str:
        """The error as the middle of a sentence: 'I'm sorry, <this>'."""
        error = self.error or ""
        return error[:1].lower() + error[1:]


class Flow:
    """Base of every task's flow: the call's memory and the ways to answer; DialogueManager mixes the flows."""

    hotel: dict[str, Any]
    today: Callable[[], dt.date]
    room_types: dict[str, dict[str, Any]]
    room_words: dict[str, str]
    classifier: IntentClassifier
    extractor: EntityExtractor
    d: Dialogue
    intent: IntentResult | None
    entities: dict[str, Any]
    _lower: str
    _asking: bool = False  # this turn is a question: its words choose nothing (no rate from "is breakfast included?")

    if TYPE_CHECKING:  # each is defined by one of the flows DialogueManager mixes; declared here for the others

        def _apply(self, intent: str, lower: str, text: str) -> bool: ...
        def _apply_stay(self, intent: str, lower: str, text: str) -> bool: ...
        def _apply_change(self, lower: str) -> bool: ...
        def _has_stay_entities(self) -> bool: ...
        def _booking(self, intent: str, changed: bool) -> Action: ...
        def _booking_next(self) -> Action: ...
        def _rate(self, option: dict[str, Any]) -> dict[str, Any] | None: ...
        def _existing(self, intent: str, changed: bool) -> Action: ...
        def _said_last_name(self, text: str, *, bare: bool) -> str | None: ...
        def _change_answer(self, intent: str) -> Action | None: ...
        def _change_next(self, booking: dict[str, Any], changed: bool) -> Action: ...
        def _cancel_answer(self, intent: str) -> Action | None: ...
        def _cancel_next(self, booking: dict[str, Any]) -> Action: ...
        def _change_sentence(self, quote: dict[str, Any]) -> str: ...
        def _selected(self) -> dict[str, Any] | None: ...
        def _identifying(self, lower: str) -> bool: ...
        def _quote_again(self, sentence: str, state: S) -> Action: ...
        def _service_after_answer(self) -> Action: ...

    def _question(self) -> str:
        """Repeat what we are waiting for, so the caller knows where we are."""
        d = self.d
        if d.asked in (None, Asked.ANYTHING_ELSE, Asked.HOW_HELP):
            return (
                "Is there anything else I can help you with?"
                if d.task is Task.NONE
                else "How would you like to continue?"
            )
        if d.asked in (Asked.READ_BACK, Asked.WHAT_CHANGE) and d.prepared:
            return self._confirm_question(d.prepared)
        return d.last_question or "How can I help?"

    def _confirm_question(self, prepared: dict[str, Any]) -> str:
        """The read-back's question again, with the total: a yes counts only for a question that stated it."""
        return f"Shall I confirm the booking, at {money(prepared['grand_total'], prepared['currency'])} in total?"

    def _unclear(self) -> Action:
        """Not understood: first a narrower question with an example, and after two failures on the same thing the front desk."""
        d = self.d
        if d.unclear_on != d.asked:
            d.unclear_on, d.misunderstood = d.asked, 0
        d.misunderstood += 1
        if d.misunderstood >= MAX_MISUNDERSTOOD and d.asked != Asked.TRANSFER:
            d.asked = Asked.TRANSFER
            return self._say(
                "I'm sorry, I'm having trouble understanding. Would you like me to connect you with someone at the front desk?",
                d.state,
            )
        if d.task is Task.NONE and d.asked in (None, Asked.HOW_HELP):
            return self._say(
                "Sorry, I didn't quite catch that. I can book a room, check availability, change or cancel a booking, "
                "answer questions about the hotel, or send something to your room. What would you like to do?",
                S.INTENT_DETECTION,
            )
        narrower = NARROWER.get(d.asked) if d.asked else None
        if d.asked == Asked.READ_BACK and d.prepared:
            narrower = f"{self._confirm_question(d.prepared)} Just say yes, or tell me what to change, like 'four nights instead'."
        return self._say(
            f"Sorry, I didn't catch that. {narrower}"
            if narrower
            else "Sorry, I didn't catch that. " + self._question(),
            d.state,
        )

    def _ask(self, slot: Asked, text: str, state: S) -> Say:
        self.d.asked = slot
        self.d.last_question = text
        return self._say(text, state)

    def _say(self, text: str, state: S | None = None) -> Say:
        if state is not None:
            self.d.state = state
        if self.d.pending_answer:
            text, self.d.pending_answer = f"{self.d.pending_answer} {text}", None
        self.d.last_reply = text
        return Say(text)

    def _call(self, name: str, arguments: dict[str, Any], state: S | None = None) -> Call:
        if state is not None:
            self.d.state = state
        return Call(name, arguments)

    def _done(self, text: str, state: S = S.CLOSING) -> Say:
        """The task is finished: say so and ask whether there is anything else."""
        self.d.task, self.d.asked = Task.NONE, Asked.ANYTHING_ELSE
        return self._say(text, state)
