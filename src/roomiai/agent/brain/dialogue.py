"""The dialogue manager: from what the caller said to the next question or tool call; each task lives in its own flow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from . import cues
from .asked import Asked
from .booking_flow import BookingFlow
from .cancellation_flow import CancellationFlow
from .change_flow import ChangeFlow
from .departments import DEPARTURE, STAY_HOURS, department_of, hours_request, in_house_only
from .entities import EntityExtractor
from .flow import Action, Call, Say, ToolResult
from .heard import HeardFlow
from .intents import IntentClassifier, IntentResult
from .normalise import normalise
from .questions import QuestionsFlow
from .responses import THIS_YEAR
from .service_flow import ServiceFlow
from .state import ConversationState as S
from .state import Dialogue, Task
from .verification import VerificationFlow

__all__ = ["Action", "Call", "DialogueManager", "Say", "ToolResult"]

THANKS_BYE = re.compile(
    r"\b(bye|goodbye|that'?s all|that is all|nothing else|no thanks|no thank you|all good|i'?m good|i am good|have a (good|nice))\b"
)
GOODBYE = re.compile(r"\b(bye|goodbye|good bye|bye bye|hang up|have to go|gotta go|call (?:you )?back(?: later)?)\b")
GREETING = re.compile(r"^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?: there)?[\s,.!?]*$")
TASK_WORDS = re.compile(r"\b(book|reserv\w*|cancel\w*|change|modify|room|stay)\b")
FILLER = re.compile(r"^\s*(um+|uh+|hmm+|hold on|one (sec|second|moment)|wait|let me (see|think|check))[\s.,!]*$")
LEAVE = re.compile(
    r"\b(never ?mind|forget (?:it|about it|that)|keep it|leave it(?: as it is)?|i'?ll keep (?:it|the booking)"
    r"|don'?t (?:change|cancel|book) (?:it|anything)|no changes?(?: needed| then)?|changed my mind|not anymore"
    r"|(?:try|call|book) (?:again )?(?:another|some other) time|(?:i'?ll|we'?ll) (?:try|call back|think about it)|maybe later)\b"
)
JUST_LOOKING = re.compile(
    r"\b(just (?:gathering|looking|browsing|checking|asking|wondering|curious|getting (?:prices|information|an idea))"
    r"|gathering information|not ready to book|(?:don'?t|do not) want to book|(?:just|only) (?:asking|wanted to know)|just (?:a )?question"
    r"|(?:was|am|i'?m) (?:just|only) asking|all i (?:needed|wanted) to know|just (?:checking|getting) (?:the )?prices?"
    r"|(?:just )?shopping around|not (?:booking|looking to book)(?: (?:yet|today|now))?)\b"
)
TASK_SLOTS = (
    "check_in_date",
    "check_out_date",
    "nights",
    "adults",
    "children",
    "room_type",
    "guest_name",
    "phone_number",
    "email",
    "confirmation_number",
)
EXISTING = re.compile(
    r"\b(?:my|our|the|a|an) (?:existing |current )?(?:reservation|booking)\b(?! (?:for|from)\b)|\b(?:my|our) (?:current )?stay\b"
    r"|\b(?:reservation|booking) (?:i|we) (?:made|have|had)\b|\bi (?:booked|reserved|made a (?:reservation|booking))\b"
    r"|\b(?<!fully )(?<!all )booked (?:a |the |our |my |this )?(?:room|stay|it|us|me|him|her|them)\b"
)
BRING_UP = re.compile(r"\b(?:bring|send|brought|sent)(?: \w+)? (?:up|us|me|over)\b|\b(?:to|in|for) (?:my|our) room\b")
CANT_COME = re.compile(  # the whole party, not "one of us can't come"
    r"\b(?:i|we)\b(?:'m|'re| am| are| will|'ll)?[^.,;]{0,20}?\b(?:can'?t|cannot|won'?t|unable to|not able to|no longer|not)"
    r" (?:be )?(?:able to )?(?:come|coming|make it|making it|go|going|travel\w*|attend)\b"
)
LOOKUP = re.compile(
    r"\b(?:check|confirm|look up|verify|see|go over|remind me (?:of|about)|details (?:of|on|for))\b.{0,20}\b(?:my|our|the) (?:reservation|booking)\b"
    r"|\b(?:what|which) (?:dates?|days?|nights?|room)\b.{0,20}\b(?:my|our) (?:reservation|booking|stay)\b"
    r"|\bwhen (?:is|does|do)\b.{0,15}\b(?:my|our) (?:reservation|booking|stay)\b|\bdo (?:i|we) (?:still )?have (?:a|my|our) (?:reservation|booking)\b|\bis (?:my|our) (?:reservation|booking)\b"
    r"|\bdid (?:i|we|my \w+) (?:already )?(?:book|reserve|make a (?:reservation|booking))\b|\bhow much\b.{0,25}\b(?:my|our) (?:reservation|booking|stay)\b"
)
DETAILS_ASKED = re.compile(
    r"\b(?:check|confirm|verify|know|what are|tell me|remind me (?:of|about)|need|go over)\b.{0,12}\b(?:dates?|details|when it is)\b"
)
NEW_BOOKING = re.compile(
    r"\b(?:book|reserve) (?:a|another|one more|a new)\b|\bnew (?:booking|reservation)\b|\b(?:another|a) room\b"
)
CHANGE_WORD = re.compile(
    r"\b(?:modify|change|move|amend|alter|reschedul\w*|push|shift|extend|shorten|cut|update|switch|transfer|put)\b"
)
CANCEL_WORD = re.compile(r"\bcancel\w*\b")
TASKS = {
    "book_room": Task.BOOK,
    "check_availability": Task.BOOK,
    "modify_booking": Task.MODIFY,
    "cancel_booking": Task.CANCEL,
    "service_request": Task.SERVICE,
}


class DialogueManager(
    BookingFlow, VerificationFlow, ChangeFlow, CancellationFlow, ServiceFlow, QuestionsFlow, HeardFlow
):
    """Keeps the call's state; `on_user` and `on_tool` return the next action."""

    def __init__(self, *, hotel: dict[str, Any], today: Callable[[], dt.date]):
        self.hotel = hotel
        self.today = today
        self.room_types = {rt["code"]: rt for rt in hotel.get("room_types", [])}
        self.room_words = _room_words(hotel.get("room_types", []))
        self.classifier = IntentClassifier()
        self.extractor = EntityExtractor(room_type_words=self.room_words)
        self.d = Dialogue()
        self.intent: IntentResult | None = None
        self.entities: dict[str, Any] = {}
        self.shifts: list[int] = []
        self._lower = ""

    @property
    def state(self) -> str:
        return self.d.state.value

    # -- caller turns -------------------------------------------------------------------------

    def on_user(self, text: str, *, confidence: float | None = None) -> Action:
        """`confidence`: the speech recogniser's in this turn (None when typed); low, its details are read back first."""
        THIS_YEAR.set(self.today().year)
        d = self.d
        self.heard_confidence = confidence
        text = (text or "").strip()
        self.intent = self.classifier.classify(text, previous_agent=d.last_reply)
        self.entities = (
            self.extractor.extract(text, today=self.today(), previous_agent=d.last_reply, hints=True) if text else {}
        )
        intent, lower = self.intent.intent, text.lower()
        self._lower = lower
        if not text or FILLER.match(lower):
            return self._say("Take your time. " + self._question()) if text else self._unclear()
        if GREETING.match(lower):
            return self._say("Hello! " + (self._question() if d.task is not Task.NONE else "How can I help you today?"))
        if GOODBYE.search(lower) and not self._task_cue(intent) and not self._has_stay_entities():
            return self._call("end_call", {})
        if d.asked == Asked.TRANSFER and (
            TASK_WORDS.search(lower)
            or "confirmation_number" in self.entities
            or "phone_number" in self.entities
            or "email" in self.entities
        ):
            d.asked, d.misunderstood = None, 0
        if intent == "request_human" or (d.asked == Asked.TRANSFER and intent == "confirm"):
            return self._call(
                "transfer_to_human",
                {"reason": "caller asked for a person" if intent == "request_human" else "repeated misunderstanding"},
            )
        if d.asked == Asked.TRANSFER and intent == "deny":
            d.misunderstood, d.asked = 0, None
            return self._say("Alright, let's keep going. " + self._question())
        if d.asked == Asked.ANYTHING_ELSE and (
            intent == "deny" or (THANKS_BYE.search(lower) and not self._task_cue(intent))
        ):
            return self._call("end_call", {})
        if d.task is Task.NONE and THANKS_BYE.search(lower) and intent in ("other", "deny"):
            return self._call("end_call", {})

        ended = self._stay_ended(lower)  # "we checked out yesterday, I need the receipt"
        if ended is not None:
            return ended
        if d.asked == Asked.HEARD_RIGHT:
            heard = self._heard_answer(intent, lower, text)
            if heard is not None:
                return heard
        self._switch_task(intent, lower)
        leaving = self._leave_task(lower) if intent != "confirm" else None
        if leaving is not None:
            return leaving
        both = self._service_and_question(intent, text)  # "clean room 202 and what time is breakfast"
        if both is not None:
            return both
        question = (
            None
            if self._identifying(lower)
            or self._declines_card(lower)
            or self._about_contact(lower)
            or (self._room_described(lower) and not self._asks_about_rooms(text, lower))
            else self._hotel_question(intent, text, lower)
        )
        if question is not None:
            return question
        before = self._heard_values()
        changed = self._apply(intent, lower, text)
        read_back = self._heard_after_apply(before)
        if read_back is not None:
            return read_back
        if d.task is Task.BOOK:
            return self._booking(intent, changed)
        if d.task in (Task.MODIFY, Task.CANCEL):
            return self._existing(intent, changed)
        if d.task is Task.SERVICE:
            return self._service(intent, changed, lower, text)
        if d.asked == Asked.ANYTHING_ELSE and intent == "confirm":
            d.asked = Asked.HOW_HELP
            return self._say("Of course. What else can I do for you?")
        if changed and d.task is Task.NONE and self._gave_details:
            return self._details_noted()  # "hi, my name is Ivan Petrov and my number is ...": kept for what comes next
        return self._unclear()

    def _apply(self, intent: str, lower: str, text: str) -> bool:
        """Store the entities in the slots of the current task; True when anything changed."""
        if self.d.task in (Task.MODIFY, Task.CANCEL):
            return self._apply_existing(lower, text)
        if self.d.task is Task.SERVICE:
            return False
        return self._apply_stay(intent, lower, text)

    def _leave_task(self, lower: str) -> Action | None:
        """'Never mind', 'keep it', 'I'm just looking': the task ends with nothing done; None when the caller goes on."""
        d = self.d
        if d.task is Task.NONE or any(k in self.entities for k in TASK_SLOTS):
            return None
        if (
            d.task is Task.BOOK
            and JUST_LOOKING.search(lower)
            and d.stay.check_in
            and not d.availability
            and d.asked in (Asked.NIGHTS, Asked.CHECK_OUT, Asked.GUESTS)
        ):
            # "how much is a deluxe on Friday?" … "I'm just gathering information": the price is what they came for
            return self._say("Of course, nothing is booked unless you ask. To give you the price: " + self._question())
        if d.task is Task.BOOK and JUST_LOOKING.search(lower) and not d.prepared:
            d.stay = type(d.stay)()
            d.availability = d.availability_key = None
            return self._left("Of course, no problem. If you'd like to book later, just give us a call.")
        leave = LEAVE.search(lower)
        if not leave:
            return None
        left = {
            Task.BOOK: "No problem, I haven't booked anything.",
            Task.MODIFY: "Alright, your booking stays as it is.",
            Task.CANCEL: "Alright, your booking stays as it is.",
            Task.SERVICE: "Alright, I won't send anything.",
        }[d.task]
        d.change, d.quote = {}, None
        return self._left(left, lower[leave.end() :])

    def _task_cue(self, intent: str) -> bool:
        return intent in (
            "book_room",
            "check_availability",
            "modify_booking",
            "cancel_booking",
            "service_request",
            "get_info",
        )

    def _switch_task(self, intent: str, lower: str) -> None:
        d = self.d
        wanted = TASKS.get(intent)
        hours_among_questions = bool(
            d.task is Task.NONE
            and STAY_HOURS.search(lower)
            and len(cues.topics_of(lower)) > 1
            and not (cues.ROOM_NUMBER.search(lower) or cues.room_number_in(normalise(lower)))
        )  # "can I get a late checkout, how much is breakfast, and the pool hours?": questions, each answered
        if hours_among_questions and wanted is Task.SERVICE:
            wanted = None
        by_number = "confirmation_number" in self.entities and (
            d.task is Task.NONE or (d.task is Task.BOOK and not self._stay_begun() and not d.prepared)
        )  # "booking ROOMI-..., add a night"; "I have the number here, ROOMI ..." after a booking's first question
        if wanted in (Task.BOOK, None) and (EXISTING.search(lower) or by_number or LOOKUP.search(lower)):
            wanted = (
                Task.CANCEL
                if CANCEL_WORD.search(lower) or CANT_COME.search(lower)
                else Task.MODIFY
                if CHANGE_WORD.search(lower)
                or LOOKUP.search(lower)
                or by_number
                or (EXISTING.search(lower) and DETAILS_ASKED.search(lower))  # "she booked us a room, I need the dates"
                else wanted
            )
        if (
            wanted in (Task.BOOK, None)
            and not hours_among_questions
            and d.task in (Task.NONE, Task.SERVICE)
            and (department_of(lower) or DEPARTURE.search(lower) or hours_request(lower))
            and (
                # "a late checkout tomorrow": the stay one is on
                (hours_request(lower) and not self.entities.get("check_in_date"))
                or (
                    (cues.ROOM_NUMBER.search(lower) or cues.room_number_in(normalise(lower)))
                    and not self.entities.get("check_in_date")
                )
                or in_house_only(lower)  # "the people next door are so loud", "can I order room service"
                or BRING_UP.search(lower)  # "can someone bring us a crib"
            )
        ):
            wanted = Task.SERVICE  # "room seven oh one here, I'd like the room cleaned"
        if (
            wanted is None
            and (d.task is Task.NONE or d.asked == Asked.SERVICE_WHAT)
            and self._has_stay_entities()
            and not STAY_HOURS.search(lower)  # "a late check-out tomorrow" is about the stay the caller is on
        ):
            wanted = Task.BOOK
        if wanted is None or wanted is d.task or self._confirms_this_booking(lower):
            return
        if (
            wanted is Task.BOOK
            and d.task in (Task.MODIFY, Task.CANCEL)
            and (d.verified or not NEW_BOOKING.search(lower))
        ):
            return  # "change it to a suite" while changing a booking stays a change; "can you find it by my phone?" too
        if wanted is Task.MODIFY and d.task is Task.BOOK and d.stay.check_in and not EXISTING.search(lower):
            return  # "can we switch it to the deluxe actually" while booking changes the booking being made
        if wanted is Task.SERVICE and not (
            department_of(lower) or (DEPARTURE.search(lower) and cues.ROOM_NUMBER.search(lower)) or hours_request(lower)
        ):
            return  # "give me their phone number" asks for nothing to be brought
        if wanted is Task.SERVICE and d.task is Task.BOOK and d.asked in (Asked.EXTRAS, Asked.READ_BACK):
            return  # "extra pillows" while booking is a special request
        if wanted is Task.BOOK and d.booked:
            self._new_booking_slots()
        d.task, d.asked, d.misunderstood = wanted, None, 0
        if wanted is Task.SERVICE:
            d.service = type(d.service)()

    # -- tool results ---------------------------------------------------------------------------

    def on_tool(self, name: str, output: dict[str, Any] | None, error: str | None, code: str | None = None) -> Action:
        """The next action after a tool's result; `code` is the stable code of its error, when it failed."""
        THIS_YEAR.set(self.today().year)
        after, self.d.pending_after_tool = self.d.pending_after_tool, None
        handler = TOOL_RESULTS.get(name)
        if handler is None:
            return self._say("Sorry, something went wrong on my side. " + self._question(), S.ERROR)
        return handler(self, ToolResult(output, error, code, after))

    def _on_transfer(self, r: ToolResult) -> Action:
        self.d.asked = None
        return self._say("Of course. I'm transferring you to the front desk now; please stay on the line.", S.TRANSFER)

    def _on_end_call(self, r: ToolResult) -> Action:
        return self._say(f"Thank you for calling {self.hotel.get('name', 'us')}. Have a wonderful day!", S.CLOSING)


TOOL_RESULTS: dict[str, Callable[[DialogueManager, ToolResult], Action]] = {
    "check_availability": DialogueManager._on_check_availability,
    "prepare_booking": DialogueManager._on_prepare_booking,
    "confirm_booking": DialogueManager._on_confirm_booking,
    "find_booking": DialogueManager._on_find_booking,
    "quote_change": DialogueManager._on_quote_change,
    "confirm_change": DialogueManager._on_confirm_change,
    "quote_cancellation": DialogueManager._on_quote_cancellation,
    "confirm_cancellation": DialogueManager._on_confirm_cancellation,
    "hotel_info": DialogueManager._on_hotel_info,
    "request_service": DialogueManager._on_request_service,
    "transfer_to_human": DialogueManager._on_transfer,
    "end_call": DialogueManager._on_end_call,
}
"""How each tool's result is read: the tool's name → the flow's handler."""


def _room_words(room_types: list[dict[str, Any]]) -> dict[str, str]:
    """Words callers use for each room type, e.g. 'deluxe' and 'deluxe room' → DLX."""
    words: dict[str, str] = {}
    for rt in room_types:
        code, name = rt["code"], rt["name"].lower()
        words[name] = code
        words[code.lower()] = code
        base = name.replace(" room", "").strip()
        words[base] = code
        words[base + "s"] = code
    return words
