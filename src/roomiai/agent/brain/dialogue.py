"""The dialogue manager: from what the caller said to the next question or tool call, for every task."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import cues
from .entities import EntityExtractor
from .intents import IntentClassifier, IntentResult
from .names import COMMON_WORDS
from .names import title_word
from .responses import (
    THIS_YEAR,
    booked, booking_summary, day, join_words, money, nights, party, public_rate, rate_sentence, read_back, room_offer,
    spell_reference,
)
from .state import ConversationState as S
from .state import Dialogue, Task

MAX_MISUNDERSTOOD = 3
MAX_VERIFY_FAILURES = 3
ALTERNATIVE_SHIFTS = (1, -1, 2, -2, 7)
THANKS_BYE = re.compile(r"\b(bye|goodbye|that'?s all|that is all|nothing else|no thanks|no thank you|all good|i'?m good|i am good|have a (good|nice))\b")
RELATIVE_NIGHTS = re.compile(
    r"\b(?:add(?:ing)?|extra|another|more|extend\w*|longer|additional|(?P<fewer>less|fewer|shorter|shorten|cut|remove))\b"
    r"(?=.*\bnights?\b)|\bnights?\b.*\b(?:more|extra|longer|(?P<fewer2>less|fewer|shorter))\b")
MONTH_OR_RELATIVE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    r"|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow"
    r"|tonight|next|this|week|weeks|month|months|weekend|\d{1,2}/\d{1,2})\b")
CHEAPEST = re.compile(r"\b(cheapest|least expensive|lowest price|most affordable|whatever'?s cheapest|budget)\b")
GOODBYE = re.compile(r"\b(bye|goodbye|good bye|bye bye|hang up|have to go|gotta go|call (?:you )?back(?: later)?)\b")
GREETING = re.compile(r"^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))(?: there)?[\s,.!?]*$")
TASK_WORDS = re.compile(r"\b(book|reserv\w*|cancel\w*|change|modify|room|stay)\b")
QUESTION_START = re.compile(r"^\s*(?:can|could|do|does|is|are|what|when|where|how|may|will|would)\b")
FILLER = re.compile(r"^\s*(um+|uh+|hmm+|hold on|one (sec|second|moment)|wait|let me (see|think|check))[\s.,!]*$")
NO_EMAIL = re.compile(r"\b(no (email|e-mail)|don'?t have (one|an email|email)|skip|not? (need|necessary)|rather not|no thanks)\b")
NOTHING = re.compile(r"^\s*(no|nope|none|nothing|not really|no thanks|no thank you|that'?s it|that'?s all|we'?re good|i'?m good)\b")
NAME_PREFIX = re.compile(r"^(it'?s|it is|my name is|name is|this is|i'?m|i am|the name is|under)\s+", re.I)
WORD_NAME = re.compile(r"^[A-Za-z][A-Za-z'\-]+(?: [A-Za-z][A-Za-z'\-]+){0,2}$")
CONFIRMATION_LIKE = re.compile(r"\b(?:roomi|room ?e)[\s-]*\d[\d\s-]{7,}\d\b|\bconfirmation(?: number)?(?: is)?\b", re.I)
ORDINALS = {"first": 0, "1st": 0, "earlier": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1, "later": -1}
NOT_NAMES = set(
    "my is it its it's the a an of for and or under name last first number confirmation booking reservation code "
    "yes yeah no nope ok okay please thanks thank you hi hello hey sure here that this that's is it me i i'm we "
    "our reference phone on file sorry um uh well so just".split()
)
LAST_NAME = re.compile(r"\b(?:last name|surname|family name)(?: is|'s)?[:,]?\s+([A-Za-z][A-Za-z'\-]+)", re.I)
GO_AHEAD = {
    "name": "Sure, go ahead: what's your first and last name?",
    "last_name": "Sure, what's your last name?",
    "phone": "Great, what's the phone number?",
    "email": "Great, what's the email address?",
    "check_in": "Sure, what date would you like to check in?",
    "nights": "Sure, how many nights?",
    "guests": "Sure, how many adults, and any children?",
    "verify": "Go ahead: the confirmation number and the last name on the booking.",
    "room_number": "Go ahead, what's the room number?",
}
PHONE_NOT_CALLER_ID = "phone_not_caller_id"  # codes of tool results (agent/tools), never their wording
CANNOT_CHECK_NOW = "cannot_check_now"
CANNOT_CHECK = "I'm sorry, I can't check that for you right now. Would you like me to transfer you to the front desk?"
WHAT_TO_CHANGE = [
    (re.compile(r"\bdates?\b|\bday\b|check ?-?in|arriv"), "check_in", "Sure. What date would you like to check in?", S.COLLECT_DATES),
    (re.compile(r"\bnights?\b|how long|check ?-?out|leav"), "nights", "Sure. How many nights would you like?", S.COLLECT_DATES),
    (re.compile(r"\bname\b"), "name", "Sure. What name should the booking be under?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\bphone|number\b"), "phone", "Sure. What phone number should we use?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\be-?mail\b"), "email", "Sure. What email address should we use?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\broom\b|\bbed\b|\bview\b"), "room_type", "Sure. Which room would you like?", S.ROOM_SELECTION),
    (re.compile(r"\bguests?\b|\bpeople\b|\badults?\b|\bkids?\b|\bchildren\b"), "guests", "Sure. How many adults and children will be staying?", S.COLLECT_GUESTS),
]


@dataclass
class Say:
    text: str


@dataclass
class Call:
    name: str
    arguments: dict[str, Any]


Action = Say | Call


class DialogueManager:
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

    def on_user(self, text: str) -> Action:
        THIS_YEAR.set(self.today().year)
        d = self.d
        text = (text or "").strip()
        self.intent = self.classifier.classify(text, previous_agent=d.last_reply)
        self.entities = self.extractor.extract(text, today=self.today(), previous_agent=d.last_reply) if text else {}
        intent, lower = self.intent.intent, text.lower()
        self._lower = lower
        if not text or FILLER.match(lower):
            return self._say("Take your time. " + self._question()) if text else self._unclear()
        if GREETING.match(lower):
            return self._say("Hello! " + (self._question() if d.task is not Task.NONE else "How can I help you today?"))
        if GOODBYE.search(lower) and not self._task_cue(intent) and not self._has_stay_entities():
            return self._call("end_call", {})
        if d.asked == "transfer" and TASK_WORDS.search(lower):
            d.asked, d.misunderstood = None, 0
        if intent == "request_human" or (d.asked == "transfer" and intent == "confirm"):
            return self._call("transfer_to_human", {"reason": "caller asked for a person" if intent == "request_human" else "repeated misunderstanding"})
        if d.asked == "transfer" and intent == "deny":
            d.misunderstood, d.asked = 0, None
            return self._say("Alright, let's keep going. " + self._question())
        if d.asked == "anything_else" and (intent == "deny" or (THANKS_BYE.search(lower) and not self._task_cue(intent))):
            return self._call("end_call", {})
        if d.task is Task.NONE and THANKS_BYE.search(lower) and intent in ("other", "deny"):
            return self._call("end_call", {})

        self._switch_task(intent, lower)
        if intent == "get_info" or ("?" in text or QUESTION_START.match(lower)) and intent in ("other", "book_room", "confirm", "deny"):
            topics = cues.topics_of(lower)
            topic = topics[0] if topics else None
            wishes = d.task is Task.BOOK and any(k in self.entities for k in ("room_type", "bed_preference"))
            if topic and not self._is_stay_question(lower) and not wishes and not cues.first_match(cues.VIEWS, lower):
                d.pending_after_tool, d.info_topics, d.info_answers = "resume", topics[1:], []
                return self._call("hotel_info", {"topic": topic})
        changed = self._apply(intent, lower, text)
        if d.task is Task.BOOK:
            return self._booking(intent, changed)
        if d.task in (Task.MODIFY, Task.CANCEL):
            return self._existing(intent, changed)
        if d.task is Task.SERVICE:
            return self._service(intent, changed, lower, text)
        if d.asked == "anything_else" and intent == "confirm":
            d.asked = "how_help"
            return self._say("Of course. What else can I do for you?")
        return self._unclear()

    def _task_cue(self, intent: str) -> bool:
        return intent in ("book_room", "check_availability", "modify_booking", "cancel_booking", "service_request", "get_info")

    def _switch_task(self, intent: str, lower: str) -> None:
        d = self.d
        wanted = {
            "book_room": Task.BOOK, "check_availability": Task.BOOK, "modify_booking": Task.MODIFY,
            "cancel_booking": Task.CANCEL, "service_request": Task.SERVICE,
        }.get(intent)
        if wanted is None and d.task is Task.NONE and self._has_stay_entities():
            wanted = Task.BOOK
        if wanted is None or wanted is d.task:
            return
        if wanted is Task.BOOK and d.task in (Task.MODIFY, Task.CANCEL) and d.verified:
            return  # "change it to a suite" while changing a booking stays a change
        if wanted is Task.SERVICE and d.task is Task.BOOK and d.asked in ("extras", "read_back"):
            return  # "extra pillows" while booking is a special request
        if wanted is Task.BOOK and d.booked:
            self._new_booking_slots()
        d.task, d.asked, d.misunderstood = wanted, None, 0
        if wanted is Task.SERVICE:
            d.service = type(d.service)()

    def _new_booking_slots(self) -> None:
        d = self.d
        d.stay, d.availability, d.availability_key, d.prepared, d.booked = type(d.stay)(), None, None, None, None
        d.guest = type(d.guest)(first_name=d.guest.first_name, last_name=d.guest.last_name, phone=d.guest.phone, email=d.guest.email)

    def _has_stay_entities(self) -> bool:
        return any(k in self.entities for k in ("check_in_date", "check_out_date", "nights", "room_type"))

    def _is_stay_question(self, lower: str) -> bool:
        return bool(re.search(r"\b(available|availability|how much|price|cost|rate for|vacanc)", lower))

    # -- applying what was said ----------------------------------------------------------------

    def _apply(self, intent: str, lower: str, text: str) -> bool:
        """Store the entities in the slots of the current task; True when anything changed."""
        d, e = self.d, self.entities
        if d.task in (Task.MODIFY, Task.CANCEL):
            return self._apply_existing(lower, text)
        if d.task is Task.SERVICE:
            return False
        before = (d.stay.__dict__.copy(), d.guest.__dict__.copy())
        s = d.stay
        new_in, new_out, new_nights = e.get("check_in_date"), e.get("check_out_date"), e.get("nights")
        if s.check_in and not MONTH_OR_RELATIVE.search(lower):
            new_in = self._in_month_discussed(new_in, s.check_in)
            new_out = self._in_month_discussed(new_out, (new_in or s.check_in), after=new_in or s.check_in)
        if d.asked == "check_out" and new_in and not new_out and not new_nights:
            new_in, new_out = None, new_in
        if new_in:
            length = s.nights or ((s.check_out - s.check_in).days if s.check_in and s.check_out else None)
            s.check_in = new_in
            if s.check_out and s.check_out <= new_in:
                s.check_out = new_in + dt.timedelta(days=length) if length else None
        if new_nights:
            s.nights, s.check_out = int(new_nights), None
        if new_out:
            s.check_out, s.nights = new_out, None
            if s.check_in is None and new_nights:
                s.check_in = new_out - dt.timedelta(days=int(new_nights))
        if "adults" in e:
            s.adults = int(e["adults"])
            if "children" not in e and d.asked in ("guests", None):
                s.children = s.children or 0
        if "children" in e:
            s.children = int(e["children"])
        if "rooms" in e and int(e["rooms"]) > 0:
            s.rooms = min(int(e["rooms"]), 9)
        if "room_type" in e:
            code = self.room_words.get(str(e["room_type"]).lower())
            if code and code != s.room_type:
                s.room_type, s.bed, s.view = code, s.bed if self._bed_fits(code, s.bed) else None, None
        if "bed_preference" in e:
            s.bed = str(e["bed_preference"])
        view = cues.first_match(cues.VIEWS, lower)
        if view:
            s.view = view
        rate = cues.first_match(cues.RATES, lower)
        if rate:
            s.rate_code = rate
        g = d.guest
        if "guest_name" in e:
            self._set_name(str(e["guest_name"]))
        elif d.asked in ("name", "last_name") and intent in ("other", "confirm"):
            self._name_from_text(text)
        if "phone_number" in e and len(str(e["phone_number"])) >= 7:
            g.phone = str(e["phone_number"])
        if "email" in e:
            g.email, g.no_email = str(e["email"]), False
        elif d.asked == "email" and (intent == "deny" or NO_EMAIL.search(lower)):
            g.no_email = True
        if "special_request" in e:
            for item in str(e["special_request"]).split(", "):
                if item and item not in g.special_requests and not cues.OCCASIONS.fullmatch(item):
                    g.special_requests.append(item)
        occasion = cues.OCCASIONS.search(lower)
        if occasion:
            g.occasion = occasion.group(1)
        if d.asked in ("extras", "extras_what"):
            g.asked_extras = True
            if not ("special_request" in e or occasion or NOTHING.match(lower) or intent in ("deny", "confirm")):
                g.special_requests.append(text[:120])
        return (d.stay.__dict__, d.guest.__dict__) != before

    def _in_month_discussed(self, said: dt.date | None, anchor: dt.date, *, after: dt.date | None = None) -> dt.date | None:
        """A bare day ('the 15th') belongs to the month of the stay being discussed, not to today's month."""
        if said is None or (said.year, said.month) == (anchor.year, anchor.month):
            return said
        month_start = anchor.replace(day=1)
        for _ in range(2):
            try:
                candidate = month_start.replace(day=said.day)
            except ValueError:
                return said
            if candidate >= self.today() and (after is None or candidate > after):
                return candidate
            month_start = (month_start + dt.timedelta(days=32)).replace(day=1)
        return said

    def _bed_fits(self, code: str, bed: str | None) -> bool:
        return bed is None or bed in [b["code"] for b in self.room_types.get(code, {}).get("beds", [])]

    def _set_name(self, name: str) -> None:
        parts = [p for p in re.split(r"\s+", name.strip()) if p]
        if not parts:
            return
        g = self.d.guest
        parts = [title_word(p) for p in parts]
        if len(parts) == 1:
            if self.d.asked == "last_name" or g.first_name:
                g.last_name = parts[0]
            else:
                g.first_name = parts[0]
        else:
            g.first_name, g.last_name = parts[0], " ".join(parts[1:])

    def _name_from_text(self, text: str) -> None:
        candidate = NAME_PREFIX.sub("", text.strip().rstrip(".!")).strip()
        if WORD_NAME.match(candidate) and not any(w.lower() in COMMON_WORDS for w in candidate.split()):
            self._set_name(candidate)

    # -- booking -------------------------------------------------------------------------------

    def _booking(self, intent: str, changed: bool) -> Action:
        d, s = self.d, self.d.stay
        if d.asked == "alternative" and d.alternative_offer:
            if intent == "confirm" and not changed:
                offer, d.alternative_offer = d.alternative_offer, None
                s.check_in = dt.date.fromisoformat(offer["check_in"])
                s.check_out, s.nights = dt.date.fromisoformat(offer["check_out"]), None
                d.availability, d.availability_key = offer, s.search_key()
                d.asked = None
                return self._booking_next()
            if intent == "deny" and not changed:
                d.alternative_offer, d.asked = None, "check_in"
                s.check_in = s.check_out = s.nights = None
                return self._say("No problem. Which other dates would work for you?", S.COLLECT_DATES)
        if d.asked == "year_check" and not changed:
            if intent == "deny":
                s.check_in = s.check_out = s.nights = None
                return self._ask("check_in", "No problem. What date would you like to check in?", S.COLLECT_DATES)
            if intent == "confirm":
                d.asked = None
                return self._booking_next()
        if d.asked == "book_it" and not changed:
            if intent == "confirm":
                s.rate_code = d.offered_rate
                d.accepted_rate, d.asked = (d.offered_rate, s.room_type), None
                return self._booking_next()
            if intent == "deny":
                d.asked = "room_or_rate"
                return self._say("No problem. Would you like a different room type or rate, or other dates?", S.ROOM_SELECTION)
        if d.asked == "read_back" and d.prepared:
            if intent == "confirm" and not changed:
                return self._call("confirm_booking", {}, S.CONFIRM_BOOKING)
            if not changed:
                if intent == "deny":
                    d.asked = "what_change"
                    return self._say("Of course. What would you like to change?", S.CONFIRM_BOOKING)
                return self._unclear()
        if d.asked == "what_change" and not changed:
            if intent == "deny":
                d.asked = "read_back"
                return self._say("Alright. Shall I go ahead and confirm the booking as I read it?", S.CONFIRM_BOOKING)
            for pattern, slot, question, state in WHAT_TO_CHANGE:
                if pattern.search(self._lower):
                    return self._ask(slot, question, state)
        if d.asked == "extras" and intent == "confirm" and not self.entities and not cues.OCCASIONS.search(self._lower):
            return self._ask("extras_what", "Of course. What would you like us to arrange?", S.COLLECT_GUEST_INFO)
        if intent == "confirm" and not changed and d.asked in GO_AHEAD:
            return self._ask(d.asked, GO_AHEAD[d.asked], d.state)
        if intent == "confirm" and not changed and d.asked == "room_type" and d.offered_rooms:
            if len(d.offered_rooms) == 1:
                s.room_type = d.offered_rooms[0]
                return self._booking_next()
            names = [self.room_types.get(code, {}).get("name", code) for code in d.offered_rooms]
            return self._ask("room_type", f"Which would you like: the {join_words(names, 'or the')}?", S.ROOM_SELECTION)
        if not changed and d.asked:
            return self._unclear()
        d.misunderstood = 0
        return self._booking_next()

    def _booking_next(self) -> Action:
        d, s, g = self.d, self.d.stay, self.d.guest
        if s.check_in is None:
            return self._ask("check_in", "What date would you like to check in?", S.COLLECT_DATES)
        if s.resolved_check_out() is None:
            return self._ask("nights", f"Checking in {day(s.check_in)}. How many nights will you be staying?", S.COLLECT_DATES)
        if self._just_passed(s.check_in) and d.year_checked != s.check_in:
            d.year_checked = s.check_in
            return self._ask("year_check", f"{day(s.check_in.replace(year=s.check_in.year - 1), weekday=False)} has already passed "
                             f"this year. Did you mean {day(s.check_in, weekday=False)}, or another date?", S.COLLECT_DATES)
        if s.check_in < self.today():
            s.check_in = None
            return self._ask("check_in", f"That date has already passed; today is {day(self.today())}. What date would you like to check in?", S.COLLECT_DATES)
        if s.adults is None:
            return self._ask("guests", "How many adults will be staying, and will any children be with you?", S.COLLECT_GUESTS)
        if d.availability is None or d.availability_key != s.search_key():
            d.prepared = None
            return self._call("check_availability", self._availability_args(s.check_in, s.resolved_check_out()), S.CHECK_AVAILABILITY)
        options = d.availability["options"]
        if not options:
            return self._search_alternatives()
        if s.room_type is None and CHEAPEST.search(self._lower):
            s.room_type = min(options, key=lambda o: public_rate(o)["grand_total"])["room_type_code"]
        if s.room_type is None:
            return self._offer_rooms(options)
        option = next((o for o in options if o["room_type_code"] == s.room_type), None)
        if option is None:
            return self._room_unavailable(options)
        if s.bed and s.bed not in option["beds"]:
            wanted, s.bed = s.bed, None
            return self._ask("bed", f"I'm sorry, a {wanted.lower()} bed isn't available in the {option['room_type']} for those dates. "
                             f"It comes with {join_words([b.lower() for b in option['beds']], 'or')} beds. Which would you prefer?", S.ROOM_SELECTION)
        if s.view and s.view not in option["views"]:
            wanted, s.view = s.view, None
            return self._ask("view", f"I'm sorry, a {wanted} view isn't available in the {option['room_type']} for those dates; "
                             f"I can offer a {join_words(option['views'], 'or')} view. Which would you like?", S.ROOM_SELECTION)
        rate = self._rate(option)
        if rate is None:
            names = join_words([r["name"] for r in option["rates"]], "or")
            wanted, s.rate_code = s.rate_code, None
            return self._ask("rate", f"I'm sorry, that rate isn't available for this stay. I can offer the {names}. Which would you like?", S.RATE_SELECTION)
        if not self._rate_accepted(rate):
            d.offered_rate = rate["rate_code"]
            return self._ask("book_it", rate_sentence(option, rate, d.availability["nights"]) + " Would you like to book it?", S.RATE_SELECTION)
        s.rate_code = rate["rate_code"]
        if not (g.first_name and g.last_name):
            if g.first_name and not g.last_name:
                return self._ask("last_name", f"Thank you, {g.first_name}. And your last name?", S.COLLECT_GUEST_INFO)
            return self._ask("name", "Wonderful. May I have your first and last name?", S.COLLECT_GUEST_INFO)
        if not g.phone:
            return self._ask("phone", f"Thank you, {g.first_name}. What's the best phone number to reach you?", S.COLLECT_GUEST_INFO)
        if not g.email and not g.no_email:
            return self._ask("email", "And an email address for the confirmation? You can say no if you'd rather not.", S.COLLECT_GUEST_INFO)
        if not g.asked_extras:
            return self._ask("extras", "Do you have any special requests, or is it a special occasion?", S.COLLECT_GUEST_INFO)
        if d.prepared is None or self._prepared_stale():
            d.prepared_args = self._prepare_args()
            return self._call("prepare_booking", d.prepared_args, S.CONFIRM_BOOKING)
        return self._read_back()

    def _just_passed(self, check_in: dt.date) -> bool:
        """A day that was a few weeks ago, which date resolution moved to next year."""
        today = self.today()
        try:
            last_year = check_in.replace(year=check_in.year - 1)
        except ValueError:
            return False
        return check_in.year > today.year and dt.timedelta(0) < today - last_year <= dt.timedelta(days=90)

    def _rate(self, option: dict[str, Any]) -> dict[str, Any] | None:
        s = self.d.stay
        if s.rate_code:
            return next((r for r in option["rates"] if r["rate_code"] == s.rate_code), None)
        return public_rate(option)

    def _rate_accepted(self, rate: dict[str, Any]) -> bool:
        d = self.d
        return d.accepted_rate == (rate["rate_code"], d.stay.room_type)

    def _availability_args(self, check_in: dt.date, check_out: dt.date) -> dict[str, Any]:
        s = self.d.stay
        return {"check_in": check_in.isoformat(), "check_out": check_out.isoformat(), "adults": s.adults,
                "children": s.children or 0, "rooms": s.rooms}

    def _prepare_args(self) -> dict[str, Any]:
        s, g = self.d.stay, self.d.guest
        args = {
            "check_in": s.check_in.isoformat(), "check_out": s.resolved_check_out().isoformat(), "room_type": s.room_type,
            "rate_code": s.rate_code, "adults": s.adults, "children": s.children or 0, "rooms": s.rooms,
            "first_name": g.first_name, "last_name": g.last_name, "phone": g.phone, "email": g.email,
            "bed": s.bed, "view": s.view, "special_requests": list(g.special_requests), "special_occasion": g.occasion,
        }
        return args

    def _prepared_stale(self) -> bool:
        return self.d.prepared_args != self._prepare_args()

    def _offer_rooms(self, options: list[dict[str, Any]]) -> Action:
        s = self.d.stay
        stay = f"For {day(s.check_in)} to {day(s.resolved_check_out())}, {party(s.adults, s.children or 0)}"
        offers = join_words([room_offer(o) for o in options[:4]])
        self.d.offered_rooms = [o["room_type_code"] for o in options[:4]]
        return self._ask("room_type", f"{stay}, I have {offers}. Which would you like?", S.ROOM_SELECTION)

    def _room_unavailable(self, options: list[dict[str, Any]]) -> Action:
        s = self.d.stay
        name = self.room_types.get(s.room_type, {}).get("name", "room")
        reason = next((u["reason"] for u in self.d.availability.get("unavailable", []) if u["room_type_code"] == s.room_type), "")
        why = "it's sold out for those dates" if reason.startswith("Sold out") else (reason.rstrip(".").lower() or "it isn't available")
        if reason and not reason.startswith("Sold out"):
            why = reason.rstrip(".")
            why = why[0].lower() + why[1:]
        s.room_type = None
        offers = join_words([room_offer(o) for o in options[:3]], "or")
        self.d.offered_rooms = [o["room_type_code"] for o in options[:3]]
        return self._ask("room_type", f"I'm sorry, I can't offer the {name}: {why}. I do have {offers}. Would one of those work?", S.ROOM_SELECTION)

    def _search_alternatives(self) -> Action:
        d, s = self.d, self.d.stay
        unavailable = d.availability.get("unavailable", [])
        too_big = unavailable and all("sleeps at most" in u["reason"] or "at most" in u["reason"] and "adults" in u["reason"] for u in unavailable)
        if too_big:
            largest = max((rt.get("max_occupancy", 0) for rt in self.room_types.values()), default=0)
            return self._ask("guests", f"Our largest rooms sleep {largest} guests. Would you like to book more than one room? Just tell me how many rooms.", S.COLLECT_GUESTS)
        self.shifts = [shift for shift in ALTERNATIVE_SHIFTS if s.check_in + dt.timedelta(days=shift) >= self.today()]
        d.alternatives = []
        return self._next_alternative()

    def _next_alternative(self) -> Action:
        s = self.d.stay
        length = (s.resolved_check_out() - s.check_in).days
        if not self.shifts:
            self.d.asked = "check_in"
            s.check_in = s.check_out = s.nights = None
            return self._say("I'm sorry, we're fully booked on and around those dates. Would you like to try other dates?", S.COLLECT_DATES)
        shift = self.shifts.pop(0)
        start = s.check_in + dt.timedelta(days=shift)
        self.d.pending_after_tool = "alternative"
        return self._call("check_availability", self._availability_args(start, start + dt.timedelta(days=length)), S.CHECK_AVAILABILITY)

    # -- existing bookings ----------------------------------------------------------------------

    def _apply_existing(self, lower: str, text: str) -> bool:
        d, e = self.d, self.entities
        changed = False
        if "confirmation_number" in e:
            d.confirmation_number, changed = str(e["confirmation_number"]), True
        last_name = self._said_last_name(text, bare=d.asked in ("verify", "last_name") or "confirmation_number" in e)
        if last_name:
            d.last_name, changed = last_name, True
        if "phone_number" in e and len(str(e["phone_number"])) >= 7:
            d.phone, changed = str(e["phone_number"]), True
        if d.task is Task.MODIFY:
            c = d.change
            relative = RELATIVE_NIGHTS.search(lower)
            if relative:
                extra = int(e.get("nights") or 1)
                fewer = relative.group("fewer") or relative.group("fewer2")
                c["extra_nights"], changed = -extra if fewer else extra, True
            for key, name in (("check_in_date", "check_in"), ("check_out_date", "check_out"), ("nights", "nights"),
                              ("adults", "adults"), ("children", "children")):
                if key in e and not (relative and key == "nights"):
                    c[name], changed = e[key], True
            if "room_type" in e and self.room_words.get(str(e["room_type"]).lower()):
                c["room_type"], changed = self.room_words[str(e["room_type"]).lower()], True
        return changed

    def _said_last_name(self, text: str, *, bare: bool) -> str | None:
        """A last name the caller said ('last name Hopper', 'Grace Hopper'), or their bare words when one was asked for."""
        said_last = LAST_NAME.search(text)
        if said_last:
            return said_last.group(1).title()
        if "guest_name" in self.entities:
            return str(self.entities["guest_name"]).split()[-1].title()
        if bare:
            rest = CONFIRMATION_LIKE.sub(" ", text)
            rest = NAME_PREFIX.sub("", re.sub(r"[,.!?]", " ", rest).strip()).strip()
            words = [w for w in rest.split() if w.lower() not in NOT_NAMES]
            if len(words) in (1, 2) and WORD_NAME.match(" ".join(words)):
                return words[-1].title()
        return None

    def _existing(self, intent: str, changed: bool) -> Action:
        d = self.d
        if not d.verified and d.booked and not d.confirmation_number and d.guest.last_name:
            d.confirmation_number, d.last_name = d.booked["confirmation_number"], d.guest.last_name
        if d.asked == "change_confirm" and d.quote and not changed:
            if intent == "confirm":
                return self._call("confirm_change", {}, S.MODIFICATION)
            if intent == "deny":
                d.quote, d.change, d.asked = None, {}, "change_what"
                return self._say("No problem, I haven't changed anything. What would you like to change instead?", S.MODIFICATION)
        if d.asked == "cancel_confirm" and d.quote and not changed:
            if intent == "confirm":
                return self._call("confirm_cancellation", {"reason": "cancelled by the guest over the phone"}, S.CANCELLATION)
            if intent == "deny":
                d.quote, d.asked = None, "anything_else"
                return self._say("Alright, your booking stays as it is. Is there anything else I can help you with?", S.CLOSING)
        if not d.verified:
            if intent == "confirm" and not changed and d.asked in ("verify", "last_name"):
                return self._ask(d.asked, GO_AHEAD[d.asked], S.VERIFICATION)
            if d.confirmation_number and d.last_name:
                return self._call("find_booking", {"confirmation_number": d.confirmation_number, "last_name": d.last_name}, S.VERIFICATION)
            if d.phone and not d.confirmation_number:
                return self._call("find_booking", {"phone": d.phone}, S.VERIFICATION)
            if d.confirmation_number:
                return self._ask("last_name", "Thank you. And the last name on the booking?", S.VERIFICATION)
            what = "change" if d.task is Task.MODIFY else "cancel"
            if d.asked == "verify" and not changed:
                return self._unclear()
            return self._ask("verify", f"I can help you {what} your booking. Could I have your confirmation number and the last name on the booking?",
                             S.VERIFICATION)
        booking = self._selected()
        if booking is None and d.asked == "which_booking":
            booking = self._pick_booking()
            if booking is None:
                return self._unclear()
            d.confirmation_number = booking["confirmation_number"]
        if booking is None:
            return self._ask("which_booking", "I found more than one booking: " + join_words(
                [f"{b['confirmation_number']} from {day(b['check_in'], weekday=False)}" for b in d.verified], "and") + ". Which one do you mean?", S.VERIFICATION)
        if d.task is Task.CANCEL:
            if d.quote is None:
                return self._call("quote_cancellation", {"confirmation_number": booking["confirmation_number"]}, S.CANCELLATION)
            return self._unclear()
        if not d.change:
            if d.asked == "change_what" and not changed:
                return self._unclear()
            return self._ask("change_what", booking_summary(booking) + " What would you like to change?", S.MODIFICATION)
        return self._call("quote_change", self._change_args(booking), S.MODIFICATION)

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
        said = self.entities.get("check_in_date") or self.entities.get("check_out_date")
        for booking in bookings:
            start = dt.date.fromisoformat(booking["check_in"])
            if said == start or start.strftime("%B").lower() in lower:
                return booking
        return None

    def _change_args(self, booking: dict[str, Any]) -> dict[str, Any]:
        c = self.d.change
        args: dict[str, Any] = {"confirmation_number": booking["confirmation_number"]}
        check_in = c.get("check_in")
        length = int(c["nights"]) if c.get("nights") else booking["nights"]
        if c.get("extra_nights"):
            length = max(1, booking["nights"] + c["extra_nights"])
        if check_in:
            args["check_in"] = check_in.isoformat()
        if c.get("check_out"):
            args["check_out"] = c["check_out"].isoformat()
        elif check_in or c.get("nights") or c.get("extra_nights"):
            start = check_in or dt.date.fromisoformat(booking["check_in"])
            args["check_out"] = (start + dt.timedelta(days=length)).isoformat()
        for key in ("room_type", "adults", "children"):
            if key in c:
                args[key] = c[key]
        return args

    # -- service requests -----------------------------------------------------------------------

    def _service(self, intent: str, changed: bool, lower: str, text: str) -> Action:
        sv = self.d.service
        kind = cues.first_match(cues.SERVICE_TYPES, lower)
        if kind and (sv.request_type is None or self.d.asked != "room_number"):
            sv.request_type = kind
        if sv.request_type in ("housekeeping", "amenity", "room_service"):
            sv.items += [m.group(1) for m in cues.ITEMS.finditer(lower) if m.group(1) not in sv.items]
        room = cues.ROOM_NUMBER.search(lower)
        if room:
            sv.room_number = room.group(1) or room.group(2)
        elif self.d.asked == "room_number" and re.fullmatch(r"\s*\d{3,4}\s*", lower):
            sv.room_number = lower.strip()
        if cues.URGENT.search(lower):
            sv.priority = "urgent"
        if kind or intent == "service_request":
            sv.description = text[:300]
        name = self._said_last_name(text, bare=self.d.asked == "service_name" and not room)
        if name:
            sv.last_name = name
        if sv.request_type is None:
            return self._ask("service_what", "Of course. What can we bring you or take care of?", S.SERVICE_REQUEST)
        if sv.room_number is None:
            return self._ask("room_number", "Certainly. What's your room number?", S.SERVICE_REQUEST)
        if sv.last_name is None:
            return self._ask("service_name", f"And the last name of the guest staying in room {sv.room_number}?", S.SERVICE_REQUEST)
        return self._call("request_service", {
            "request_type": sv.request_type, "room_number": sv.room_number, "last_name": sv.last_name,
            "items": sv.items or None, "description": sv.description, "priority": sv.priority,
        }, S.SERVICE_REQUEST)

    # -- tool results ---------------------------------------------------------------------------

    def on_tool(self, name: str, output: dict[str, Any] | None, error: str | None) -> Action:
        THIS_YEAR.set(self.today().year)
        d = self.d
        after, d.pending_after_tool = d.pending_after_tool, None
        if name == "check_availability":
            if error:
                d.stay.check_in = d.stay.check_out = d.stay.nights = None
                return self._ask("check_in", f"{error} What dates would you like instead?", S.COLLECT_DATES)
            if after == "alternative":
                return self._alternative_result(output)
            d.availability, d.availability_key = output, d.stay.search_key()
            return self._booking_next()
        if name == "prepare_booking":
            if error:
                return self._prepare_failed(error)
            d.prepared = output
            return self._read_back()
        if name == "confirm_booking":
            if error:
                d.prepared = None
                d.availability = None
                return self._say(f"I'm sorry, I couldn't complete the booking: {error} Let me check again.", S.CHECK_AVAILABILITY)
            d.booked, d.task, d.asked = output, Task.NONE, "anything_else"
            return self._say(booked(output), S.CLOSING)
        if name == "find_booking":
            return self._found(output, error)
        if name == "quote_change":
            if error:
                d.change, d.asked = {}, "change_what"
                return self._say(f"I'm sorry, I can't make that change: {error} Is there another change I can look at?", S.MODIFICATION)
            d.quote, d.asked = output, "change_confirm"
            return self._say(self._change_sentence(output), S.MODIFICATION)
        if name == "confirm_change":
            if error:
                d.quote, d.change, d.asked = None, {}, "change_what"
                return self._say(f"I'm sorry, the change didn't go through: {error} Would you like to try something else?", S.MODIFICATION)
            d.task, d.asked, d.quote, d.change = Task.NONE, "anything_else", None, {}
            return self._say(
                f"Done. Your booking {output['confirmation_number']} is now from {day(output['check_in'])} to {day(output['check_out'])} "
                f"in a {output['room_type']}, {money(output['new_total'], output['currency'])} in total. Is there anything else I can help you with?", S.CLOSING)
        if name == "quote_cancellation":
            if error:
                d.task, d.asked = Task.NONE, "anything_else"
                return self._say(f"I'm sorry, {error[0].lower() + error[1:]} Is there anything else I can help you with?", S.CLOSING)
            d.quote, d.asked = output, "cancel_confirm"
            return self._say(self._cancel_sentence(output), S.CANCELLATION)
        if name == "confirm_cancellation":
            if error:
                d.asked = "anything_else"
                return self._say(f"I'm sorry, the cancellation didn't go through: {error} Is there anything else I can help you with?", S.CLOSING)
            d.task, d.asked, d.quote = Task.NONE, "anything_else", None
            ref = output["cancellation_reference"]
            refund = f" A refund of {money(output['refund'], output['currency'])} is on its way." if output.get("refund") else ""
            return self._say(f"Your booking is cancelled. Your cancellation reference is {ref}, that's {spell_reference(ref)}.{refund} "
                             "Is there anything else I can help you with?", S.CLOSING)
        if name == "hotel_info":
            d.info_answers.append((output or {}).get("answer") or "I'm afraid I don't have that information, but the front desk can help.")
            if d.info_topics:
                d.pending_after_tool = "resume"
                return self._call("hotel_info", {"topic": d.info_topics.pop(0)})
            answer = " ".join(d.info_answers)
            if d.task is Task.NONE:
                d.asked = "anything_else"
                return self._say(f"{answer} Is there anything else I can help you with?", S.INTENT_DETECTION)
            return self._say(f"{answer} {self._question()}", d.state)
        if name == "request_service":
            if (output or {}).get("code") == CANNOT_CHECK_NOW:
                d.asked = "transfer"
                return self._say(CANNOT_CHECK, S.SERVICE_REQUEST)
            if error:
                d.service.room_number = d.service.last_name = None
                d.verify_failures += 1
                if d.verify_failures >= MAX_VERIFY_FAILURES:
                    d.asked = "transfer"
                    return self._say(f"I'm sorry, {error[0].lower() + error[1:]} Would you like me to transfer you to the front desk?", S.SERVICE_REQUEST)
                return self._ask("room_number", f"I'm sorry, {error[0].lower() + error[1:]} Could you give me the room number again?", S.SERVICE_REQUEST)
            d.task, d.asked = Task.NONE, "anything_else"
            when = self._local_time(output.get("estimated_completion"))
            what = join_words(d.service.items) or output["request_type"].replace("_", " ")
            return self._say(f"I've put that in: {what} for room {output['room_number']}, reference {output['request_id']}."
                             f"{' Expect it by about ' + when + '.' if when else ''} Is there anything else I can help you with?", S.CLOSING)
        if name == "transfer_to_human":
            d.asked = None
            return self._say("Of course. I'm transferring you to the front desk now; please stay on the line.", S.TRANSFER)
        if name == "end_call":
            return self._say(f"Thank you for calling {self.hotel.get('name', 'us')}. Have a wonderful day!", S.CLOSING)
        return self._say("Sorry, something went wrong on my side. " + self._question(), S.ERROR)

    def _alternative_result(self, output: dict[str, Any] | None) -> Action:
        d, s = self.d, self.d.stay
        options = (output or {}).get("options", [])
        if s.room_type:
            options = [o for o in options if o["room_type_code"] == s.room_type] or []
        if not options:
            return self._next_alternative()
        d.alternative_offer = output
        offers = join_words([room_offer(o) for o in options[:2]], "and")
        d.asked = "alternative"
        return self._say(f"I'm sorry, we're fully booked for those dates. I do have availability from {day(output['check_in'])} "
                         f"to {day(output['check_out'])}, with {offers}. Would those dates work?", S.CHECK_AVAILABILITY)

    def _prepare_failed(self, error: str) -> Action:
        d = self.d
        lowered = error.lower()
        if "phone" in lowered or "email" in lowered:
            d.guest.phone = None
            return self._ask("phone", f"{error} What's the best phone number to reach you?", S.COLLECT_GUEST_INFO)
        d.availability, d.stay.rate_code = None, None
        return self._say(f"I'm sorry, {error[0].lower() + error[1:]} Let me see what else I can offer.", S.ROOM_SELECTION)

    def _found(self, output: dict[str, Any] | None, error: str | None) -> Action:
        d = self.d
        code = (output or {}).get("code")
        if code == CANNOT_CHECK_NOW:
            d.asked = "transfer"
            return self._say(CANNOT_CHECK, S.VERIFICATION)
        if code == PHONE_NOT_CALLER_ID:
            d.phone = None
            return self._ask("verify", "I'm sorry, I can only use a phone number to find a booking when you're calling from that number. "
                             "Could I have your confirmation number and the last name on the booking?", S.VERIFICATION)
        if error:
            d.verify_failures += 1
            d.confirmation_number = d.last_name = d.phone = None
            if d.verify_failures >= MAX_VERIFY_FAILURES:
                d.asked = "transfer"
                return self._say("I'm sorry, I still can't find a booking with those details. Would you like me to transfer you to the front desk?", S.VERIFICATION)
            return self._ask("verify", "I'm sorry, I couldn't find a booking matching those details. Could you give me the confirmation number "
                             "and the last name on the booking again?", S.VERIFICATION)
        d.verified = output["bookings"]
        return self._existing("other", True)

    def _change_sentence(self, quote: dict[str, Any]) -> str:
        diff = quote["difference"]
        if diff > 0:
            delta = f"that's {money(diff, quote['currency'])} more than before"
        elif diff < 0:
            delta = f"that's {money(-diff, quote['currency'])} less than before"
        else:
            delta = "the same as before"
        return (f"I can change it to a {quote['room_type']} from {day(quote['check_in'])} to {day(quote['check_out'])}, "
                f"{nights(quote['nights'])}. The new total is {money(quote['new_total'], quote['currency'])}, {delta}. Shall I make that change?")

    def _cancel_sentence(self, quote: dict[str, Any]) -> str:
        if quote["free_cancellation"]:
            cost = "You can cancel it free of charge."
        else:
            cost = f"Cancelling now carries a penalty of {money(quote['penalty'], quote['currency'])} under the rate's cancellation policy."
        refund = f" You'll be refunded {money(quote['refund'], quote['currency'])}." if quote.get("refund") else ""
        return f"{cost}{refund} Would you like me to cancel booking {quote['confirmation_number']}?"

    def _local_time(self, iso: str | None) -> str | None:
        if not iso:
            return None
        try:
            from zoneinfo import ZoneInfo

            moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(self.hotel.get("timezone", "UTC")))
        except (ValueError, KeyError):
            return None
        return moment.strftime("%-I:%M %p").replace("AM", "in the morning").replace("PM", "in the afternoon" if moment.hour < 18 else "in the evening")

    # -- replies --------------------------------------------------------------------------------

    def _question(self) -> str:
        """Repeat what we are waiting for, so the caller knows where we are."""
        d = self.d
        if d.asked in (None, "anything_else", "how_help"):
            return "Is there anything else I can help you with?" if d.task is Task.NONE else "How would you like to continue?"
        return d.last_question or "How can I help?"

    def _unclear(self) -> Action:
        d = self.d
        d.misunderstood += 1
        if d.misunderstood >= MAX_MISUNDERSTOOD:
            d.asked = "transfer"
            return self._say("I'm sorry, I'm having trouble understanding. Would you like me to connect you with someone at the front desk?", d.state)
        if d.task is Task.NONE and d.asked in (None, "how_help"):
            return self._say("Sorry, I didn't quite catch that. I can book a room, check availability, change or cancel a booking, "
                             "answer questions about the hotel, or send something to your room. What would you like to do?", S.INTENT_DETECTION)
        return self._say("Sorry, I didn't catch that. " + self._question(), d.state)

    def _read_back(self) -> Say:
        reply = self._ask("read_back", read_back(self.d.prepared), S.CONFIRM_BOOKING)
        self.d.last_question = "Shall I confirm the booking?"
        return reply

    def _ask(self, slot: str, text: str, state: S) -> Say:
        self.d.asked = slot
        self.d.last_question = text
        return self._say(text, state)

    def _say(self, text: str, state: S | None = None) -> Say:
        if state is not None:
            self.d.state = state
        self.d.last_reply = text
        return Say(text)

    def _call(self, name: str, arguments: dict[str, Any], state: S | None = None) -> Call:
        if state is not None:
            self.d.state = state
        return Call(name, arguments)


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
