"""The caller: holds a goal, reads each of Roomi's replies for what she asks (generic cues, any brain), decides what to say.

It never reads the brain's state to decide; `Turn.state` is kept in the transcript for diagnosis only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from enum import StrEnum

from . import phrasing as say
from .goals import Goal

MAX_TURNS = 30
HANG_UP_AFTER = 5  # the same question this many times and a caller gives up


class Ask(StrEnum):
    """What one of Roomi's replies asks the caller for."""

    CHECK_IN = "check_in"
    NIGHTS = "nights"
    PARTY = "party"
    ROOM_TYPE = "room_type"
    NAME = "name"
    LAST_NAME = "last_name"
    PHONE = "phone"
    EMAIL = "email"
    CONFIRMATION = "confirmation_number"
    ROOM_NUMBER = "room_number"
    REQUESTS = "special_requests"
    CARD = "card"
    CHANGE_WHAT = "what_to_change"
    SERVICE_WHAT = "what_service"
    TRANSFER = "transfer_offer"
    CONFIRM = "yes_or_no"
    ANYTHING_ELSE = "anything_else"


CUES: tuple[tuple[Ask, re.Pattern[str]], ...] = tuple((ask, re.compile(pattern)) for ask, pattern in (
    (Ask.CONFIRMATION, r"confirmation (number|code)|booking (number|reference)|reference number"),
    (Ask.ROOM_NUMBER, r"room number|which room (are you|you're)|what room (are you|you're)"),
    (Ask.CARD, r"\b(credit|debit)? ?card\b"),
    (Ask.CHANGE_WHAT, r"what would you like to change|what (should|shall|can) i change|what do you want to change"),
    (Ask.CHECK_IN, r"check(ing)?[- ]?in\b (date|day)|what date|which date|what dates|new dates|when (would|will|are|do) you "
                   r"(like to |want to |plan to |be )?(arriv|come|check(ing)?[- ]?in\b|stay|visit)|arriv(e|ing|al)\b|\bwhen\b.*\bstay"),
    (Ask.NIGHTS, r"how many nights|how long|check(ing)?[- ]?out|depart|leav(e|ing)\b|how many days"),
    (Ask.PARTY, r"how many (adults|guests|people|of you|persons)|\bchildren\b|\bkids\b|who (will|'ll) be|party size|"
                r"how many (will|are) (be )?(staying|travel)"),
    (Ask.ROOM_TYPE, r"which (room|type|one|would you)|what (kind|type) of room|room type|which of (these|those)|"
                    r"(prefer|like)\b.*\b(standard|deluxe|suite|family)"),
    (Ask.LAST_NAME, r"last name|surname|family name"),
    (Ask.NAME, r"\bname\b|who (is|am i) (speaking|talking)"),
    (Ask.PHONE, r"phone|number (to|where|we can|i can) reach|contact number|call you back|best number"),
    (Ask.EMAIL, r"e-?mail"),
    (Ask.REQUESTS, r"special request|special occasion|anything (special|we should know)|any requests"),
    (Ask.SERVICE_WHAT, r"what (do you need|can (we|i) (bring|send|get|do|take care)|would you like us to)|"
                       r"what would you like (sent|brought|us)"),
    (Ask.TRANSFER, r"(transfer|connect|put) you|front desk|a colleague|(speak|talk) (to|with) (someone|a person|staff|"
                   r"the team|reception)"),
    (Ask.ANYTHING_ELSE, r"anything else|something else|else (can|may) i|other questions|help you with today"),
))
QUESTION_START = re.compile(r"^(shall|should|would|do|can|may|is|are|does|did|could|will|want|okay|ok|all right)\b")
YES_NO = re.compile(r"is that (right|correct|ok)|(would|do) you (like|want) (me )?to|shall i|should i|can i go ahead|"
                    r"(would|do) you like it|sound good|okay\?$")
DIDNT_CATCH = re.compile(r"didn't (quite )?catch|did not catch|didn't understand|could you (say|repeat)|sorry, i")
MONTHS = "|".join(calendar.month_name[1:] + calendar.month_abbr[1:])
DAY_MENTION = re.compile(rf"\b({MONTHS})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?")
ROOM_NAMES = {"STD": re.compile(r"standard", re.I), "DLX": re.compile(r"deluxe", re.I),
              "STE": re.compile(r"\bsuite\b", re.I), "FAM": re.compile(r"family room", re.I)}
TOPIC_ANSWER = {
    "parking": r"park", "breakfast": r"breakfast", "wifi": r"wi-?fi|internet", "pets": r"\b(dogs?|pets?)\b",
    "pool": r"\bpool\b", "check_in_time": r"check-?in|\b3 ?(pm|p\.m\.)|15:00|three", "check_out_time": r"check-?out|\b11\b",
    "cancellation": r"cancel", "airport": r"airport|taxi|shuttle", "price": r"\d+ dollars|\$\d+",
}
BOOKING_DONE = re.compile(r"ROOMI-\d{8}-\d+|confirmation number is|you're all set|you are all set", re.I)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def asks_of(reply: str) -> list[Ask]:
    """What a reply asks for: cues read in its questions (the last sentence when none ends with '?')."""
    questions = [s for s in sentences(reply) if s.endswith("?")] or sentences(reply)[-1:]
    found: list[Ask] = []
    for question in questions:
        lowered = question.lower()
        matched = [ask for ask, cue in CUES if cue.search(lowered)]
        if Ask.LAST_NAME in matched and Ask.NAME in matched:
            matched.remove(Ask.NAME if "first" not in lowered else Ask.LAST_NAME)
        if Ask.PHONE in matched and Ask.CONFIRMATION in matched:
            matched.remove(Ask.PHONE)
        if Ask.ROOM_NUMBER in matched and Ask.ROOM_TYPE in matched:
            matched.remove(Ask.ROOM_TYPE)
        if Ask.TRANSFER in matched and Ask.ANYTHING_ELSE in matched:
            matched.remove(Ask.ANYTHING_ELSE)
        if not matched and (QUESTION_START.search(lowered) or YES_NO.search(lowered)):
            matched = [Ask.CONFIRM]
        elif YES_NO.search(lowered) and Ask.CONFIRM not in matched and not set(matched) & (FACT_ASKS | {Ask.TRANSFER}):
            matched.append(Ask.CONFIRM)
        found += [ask for ask in matched if ask not in found]
    return found


FACT_ASKS = {Ask.CHECK_IN, Ask.NIGHTS, Ask.PARTY, Ask.ROOM_TYPE, Ask.NAME, Ask.LAST_NAME, Ask.PHONE, Ask.EMAIL,
             Ask.CONFIRMATION, Ask.ROOM_NUMBER}


def joined(parts: list[str]) -> str:
    """Parts of one caller line as sentences."""
    out = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        out += (part if not out else (" " if out[-1] in ".?!" else ". ") + part)
    return out


def days_mentioned(reply: str, year: int) -> set[dt.date]:
    found = set()
    for month, day, given_year in DAY_MENTION.findall(reply):
        number = next(i for i in range(1, 13) if month.lower() in (calendar.month_name[i].lower(), calendar.month_abbr[i].lower()))
        try:
            found.add(dt.date(int(given_year) if given_year else year, number, int(day)))
        except ValueError:
            continue
    return found


@dataclass
class Line:
    """One exchange: what the caller said and what Roomi answered, with her state for diagnosis only."""

    caller: str
    roomi: str
    state: str = ""
    tools: list[str] = field(default_factory=list)


@dataclass
class Caller:
    """A goal-driven caller; `next_line(reply)` is what they say after Roomi's reply; None once they are done."""

    goal: Goal
    rng: random.Random = field(init=False)
    given: dict[str, int] = field(default_factory=dict)  # fact → the turn the caller gave it
    asked: dict[Ask, int] = field(default_factory=dict)  # how often Roomi asked each thing
    problems: list[str] = field(default_factory=list)  # re-asks and misunderstandings found while talking
    pending_corrections: list[tuple[str, object, str]] = field(default_factory=list)
    questions_left: list[str] = field(default_factory=list)
    question_asked: str | None = None
    unanswered: list[str] = field(default_factory=list)
    transfer_offered: bool = False
    done_task: bool = False
    turn: int = 0
    said_wrong: dict[str, object] = field(default_factory=dict)
    kept: bool = False
    last_line: str = ""
    heard: dict[str, int] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)  # facts said in words people read two ways ("the weekend after next")

    def __post_init__(self) -> None:
        self.rng = random.Random(f"caller/{self.goal.label}")
        self.pending_corrections = list(self.goal.corrections)
        self.questions_left = list(self.goal.questions)

    # ------------------------------------------------------------------------------------------- facts as said

    @property
    def booking_kind(self) -> bool:
        return self.goal.kind in ("book", "book_corrections", "book_one_breath", "sold_out", "card_data", "transfer")

    def _wrong(self, fact: str, when: str | None = None) -> object | None:
        for planned in self.pending_corrections:
            if planned[0] == fact and (when is None or planned[2] == when):
                return planned[1]
        return None

    def stay_check_in(self) -> dt.date:
        g = self.goal
        return g.new_check_in if g.new_check_in and g.kind in ("change_dates", "caller_id") else g.check_in

    def stay_nights(self) -> int:
        g = self.goal
        return g.new_nights if g.new_nights and g.kind in ("change_dates", "caller_id") else g.nights

    def fact_text(self, fact: str) -> str:
        """The caller's answer for one fact, with a planned mistake and its correction where the goal has one."""
        g, rng = self.goal, self.rng
        self.given[fact] = self.turn
        wrong = self._wrong(fact)
        right = self._say_fact(fact, None)
        if wrong is None:
            return right
        planned = next(p for p in self.pending_corrections if p[0] == fact)
        wrong_text = self._say_fact(fact, wrong)
        if planned[2] == "same_breath":
            self.pending_corrections.remove(planned)
            return f"{wrong_text}, {rng.choice(('no wait', 'sorry, no', 'actually no', 'I mean'))}, {right}"
        self.said_wrong[fact] = wrong
        return wrong_text

    def _say_fact(self, fact: str, value: object | None) -> str:
        g, rng = self.goal, self.rng
        if fact == "check_in":
            text = say.say_check_in(value if value is not None else self.stay_check_in(), g.today, rng)
            if "weekend after next" in text:
                self.ambiguous.add("check_in")
            return text
        if fact == "nights":
            nights = value if value is not None else self.stay_nights()
            return say.say_nights(nights, self.stay_check_in(), g.today, rng)
        if fact == "party":
            adults, children = value if value is not None else (g.adults, g.children)
            return say.say_party(adults, children, rng)
        if fact == "room_type":
            return say.say_room(value if value is not None else self.wanted_room(), rng)
        if fact == "last":
            return say.say_name(g.first, value if value is not None else g.last, rng, spell_p=g.spell_p)
        raise KeyError(fact)

    def wanted_room(self) -> str:
        g = self.goal
        if g.kind == "change_room":
            return g.new_room_type or g.room_type
        return g.room_type

    def correction_text(self, fact: str) -> str:
        """'no, X not Y': the caller puts right what they said wrong."""
        wrong = self.said_wrong.pop(fact)
        self.pending_corrections = [p for p in self.pending_corrections if p[0] != fact]
        rng = self.rng
        right = self._say_fact(fact, None)
        lead = rng.choice(("Sorry, I got that wrong - ", "Oh wait, ", "Actually, correction: ", "No sorry, ", "Hang on, "))
        if fact == "last":
            return lead + f"the last name is {self.goal.last}, not {wrong}. " + (
                f"{say.spell_word(self.goal.last, rng)}." if rng.random() < 0.4 else "")
        wrong_text = self._say_fact(fact, wrong)
        return lead + rng.choice((f"{right}, not {wrong_text}.", f"it should be {right}.", f"make that {right}."))

    # ------------------------------------------------------------------------------------------- the call

    def opening(self) -> str:
        """The caller's first line."""
        self.last_line = self._opening()
        return self.last_line

    def _opening(self) -> str:
        g, rng = self.goal, self.rng
        if g.kind == "questions":
            return self._questions(first=True)
        if g.kind in ("change_dates", "change_room"):
            line = rng.choice(say.OPENINGS["modify"])
            if rng.random() < g.volunteer_p:
                line += f". {say.say_confirmation(g.existing_number, rng, lead='My confirmation number is ')}"
                self.given["confirmation_number"] = 0
            return line
        if g.kind in ("cancel", "cancel_keep", "failed_verification"):
            return rng.choice(say.OPENINGS["cancel"])
        if g.kind == "caller_id":
            return rng.choice(say.OPENINGS["modify" if g.new_check_in else "cancel"]) + rng.choice(
                ("", ". I don't have the confirmation number with me", ", it's under the number I'm calling from"))
        if g.kind == "service_request":
            self.given["room_number"] = 0
            what = g.service[0]
            return rng.choice((f"Hi, I'm in room {say.say_room_number(g.room_number, rng)} and we need {what}",
                               f"This is room {say.say_room_number(g.room_number, rng)}, could we get {what}?",
                               f"Hello, room {say.say_room_number(g.room_number, rng)} here. I'd like {what} please"))
        if g.kind == "transfer" and g.ask_human_at == 0:
            return rng.choice(say.HUMAN)
        line = say.book_opening(rng)
        if g.kind == "card_data" and rng.random() < 0.3:
            line += f". I'll guarantee it with my card, {g.card}"
        if rng.random() < g.volunteer_p:
            extras = self._volunteer(limit=4 if g.kind == "book_one_breath" else 2)
            if extras:
                line = line.rstrip(".!") + ", " + extras
        return line

    def _volunteer(self, limit: int) -> str:
        """Facts not asked for yet, given unprompted."""
        order = [f for f in ("check_in", "nights", "party", "room_type") if f not in self.given]
        if self.goal.kind == "book_one_breath":
            chosen = order
        else:
            chosen = [f for f in order if self.rng.random() < 0.6][:limit]
        if "nights" in chosen and "check_in" not in chosen and "check_in" not in self.given:
            chosen.remove("nights")
        return ", ".join(self.fact_text(f) for f in chosen)

    def _questions(self, *, first: bool = False) -> str:
        rng, g = self.rng, self.goal
        take = rng.choice((1, 1, 2, 3)) if not first else rng.choice((1, 2, 3))
        batch, self.questions_left = self.questions_left[:take], self.questions_left[take:]
        said = []
        for topic in batch:
            if topic == "price":
                self.given.update(room_type=self.turn, check_in=self.turn)
                said.append(rng.choice((f"how much is {say.say_room(g.room_type, rng)} for {say.say_day(g.check_in, g.today, rng)}",
                                        f"what would {say.say_room(g.room_type, rng)} cost {say.say_stay(g.check_in, g.nights, g.today, rng)}",
                                        f"what's the total gonna be for {say.say_room(g.room_type, rng)} {say.say_check_in(g.check_in, g.today, rng)}")))
            else:
                said.append(rng.choice(say.QUESTIONS[topic]))
        self.unanswered += batch
        text = say.join_questions(said, rng)
        return (rng.choice(("Hi there - ", "Hello, ", "Hi, I have a question: ", "")) if first else "") + text

    def hear(self, reply: str) -> None:
        """Check Roomi's reply against what the caller asked and said: answered questions, re-asks."""
        lowered = reply.lower()
        for topic in list(self.unanswered):
            if re.search(TOPIC_ANSWER[topic], lowered) and not DIDNT_CATCH.search(lowered[:40]):
                self.unanswered.remove(topic)

    def next_line(self, reply: str) -> str | None:
        """What the caller says next, or None to hang up."""
        self.turn += 1
        g, rng = self.goal, self.rng
        self.hear(reply)
        if self.unanswered and not any(a in FACT_ASKS for a in asks_of(reply)):
            topics = ", ".join(self.unanswered)
            self.problems.append(f"question not answered: {topics}")
            self.unanswered = []
        asks = asks_of(reply)
        for ask in asks:
            self.asked[ask] = self.asked.get(ask, 0) + 1
        self._check_reasks(asks, reply)
        self.heard[reply] = self.heard.get(reply, 0) + 1
        if self.heard[reply] >= HANG_UP_AFTER or any(
                times >= HANG_UP_AFTER for ask, times in self.asked.items() if ask not in (Ask.ANYTHING_ELSE,)):
            self.problems.append("the caller hung up: Roomi kept asking the same thing")
            return None
        if BOOKING_DONE.search(reply):
            self.done_task = True
        if Ask.TRANSFER in asks:
            self.transfer_offered = True
        parts: list[str] = []
        corrected = False
        for fact in self.read_back_errors(reply):
            corrected = True
            if fact in self.said_wrong:
                parts.append(self.correction_text(fact))
            elif fact not in self.given or fact in self.ambiguous:  # a length Roomi assumed, or a date said ambiguously
                if fact in self.ambiguous:
                    self.ambiguous.discard(fact)
                    self.given[fact] = self.turn
                    said = "arriving " + say.say_day(self.stay_check_in(), self.goal.today, self.rng)
                else:
                    said = self.fact_text(fact)
                parts.append(self.rng.choice(("Actually, ", "Oh, I mean ")) + said + ".")
            else:
                self.problems.append(f"misunderstood {fact}: {reply[:160]}")
                parts.append(self.rng.choice(("No, that's not right: ", "Hmm, no - ")) + self._say_fact(fact, None) + ".")
            break
        # a correction planned for the next turn comes first, whatever was asked
        for fact, _, when in list(self.pending_corrections):
            if when == "next_turn" and fact in self.said_wrong:
                parts.append(self.correction_text(fact))
        if corrected and asks == [Ask.CONFIRM]:
            return " ".join(parts)
        if g.kind == "transfer" and g.ask_human_at and self.turn >= g.ask_human_at and "human" not in self.given:
            self.given["human"] = self.turn
            return rng.choice(say.HUMAN)
        answer = self.answer(asks, reply)
        if answer is None:
            return None
        parts.append(answer)
        if self.booking_kind and g.question_p and rng.random() < g.question_p and self.turn > 1 and not self.done_task:
            topic = rng.choice(tuple(say.QUESTIONS))
            self.unanswered.append(topic)
            parts.append(rng.choice(say.QUESTION_LEADS) + rng.choice(say.QUESTIONS[topic]) + "?")
        self.last_line = joined(parts)
        return self.last_line

    def _check_reasks(self, asks: list[Ask], reply: str) -> None:
        g = self.goal
        if g.kind == "failed_verification":
            return
        for ask in asks:
            fact = {Ask.CHECK_IN: "check_in", Ask.NIGHTS: "nights", Ask.PARTY: "party", Ask.ROOM_TYPE: "room_type",
                    Ask.NAME: "last", Ask.LAST_NAME: "last", Ask.PHONE: "phone", Ask.EMAIL: "email",
                    Ask.CONFIRMATION: "confirmation_number", Ask.ROOM_NUMBER: "room_number"}.get(ask)
            if fact is None or fact not in self.given:
                continue
            if fact == "phone" and g.phone[-4:] in re.sub(r"\D", "", reply):
                continue  # "is 305 555 0188 the best number?" confirms, it does not re-ask
            if fact == "room_type" and self.goal.kind == "sold_out":
                continue
            if fact in ("check_in", "nights") and {"check_in", "nights"} & set(self.said_wrong):
                continue  # the caller's own dates are still wrong ("from the 7th, leaving the 7th"): asking again is fair
            if fact == "check_in" and "nights" in self.given and g.kind in ("change_dates", "caller_id") and not self.given.get("new_dates"):
                continue
            self.problems.append(f"re-asked {fact} (given at turn {self.given[fact]}) at turn {self.turn}")
        for ask, times in self.asked.items():
            if times == 3 and ask not in (Ask.CONFIRM, Ask.ANYTHING_ELSE, Ask.TRANSFER):
                self.problems.append(f"asked {ask} three times")

    # ------------------------------------------------------------------------------------------- answers

    def answer(self, asks: list[Ask], reply: str) -> str | None:
        g, rng = self.goal, self.rng
        lowered = reply.lower()
        facts = [a for a in asks if a in FACT_ASKS]
        if Ask.TRANSFER in asks and (g.kind in ("failed_verification", "transfer") or "human" in self.given):
            return rng.choice(("yes please", "yes, put me through", "ok, please transfer me"))
        if g.kind == "questions" and "price" not in self.unanswered and Ask.ROOM_TYPE in asks and "room_type" in self.given:
            return rng.choice(("no thanks, that's all I needed to know", "no, I was just asking, thanks"))
        if facts:
            return self._facts(facts)
        if Ask.CHANGE_WHAT in asks:
            return self._what_to_change()
        if Ask.SERVICE_WHAT in asks and g.service:
            return f"{g.service[0]}, please"
        if Ask.CARD in asks:
            return self._card()
        if Ask.REQUESTS in asks:
            return rng.choice(say.NO_REQUESTS)
        if Ask.CONFIRM in asks:
            return self._yes_or_no(reply)
        if Ask.ANYTHING_ELSE in asks or self.done_task:
            if self.questions_left:
                return self._questions()
            return say.closing(rng) if self.turn < MAX_TURNS else None
        if Ask.TRANSFER in asks:
            return rng.choice(say.NO_THANKS)
        if self.questions_left:
            return self._questions()
        if DIDNT_CATCH.search(lowered) and self.last_line:
            return self.last_line
        if g.kind == "questions":
            return say.closing(rng)
        return rng.choice(("okay, thanks", "great", "alright", "okay, what else do you need from me?"))

    def _facts(self, facts: list[Ask]) -> str:
        g, rng = self.goal, self.rng
        said: list[str] = []
        for ask in facts:
            if ask == Ask.CHECK_IN:
                text = self.fact_text("check_in")
                if rng.random() < max(g.volunteer_p, 0.5) and "nights" not in self.given:
                    text += ", " + self.fact_text("nights")
                said.append(text)
            elif ask == Ask.NIGHTS:
                said.append(self.fact_text("nights"))
            elif ask == Ask.PARTY:
                said.append(self.fact_text("party"))
            elif ask == Ask.ROOM_TYPE:
                said.append(self._room_choice())
            elif ask in (Ask.NAME, Ask.LAST_NAME):
                said.append(self._name(ask))
            elif ask == Ask.PHONE:
                self.given["phone"] = self.turn
                said.append(say.say_phone(g.phone, rng))
            elif ask == Ask.EMAIL:
                self.given["email"] = self.turn
                said.append(say.say_email(g.email, rng) if g.email else rng.choice(say.NO_EMAIL))
            elif ask == Ask.CONFIRMATION:
                said.append(self._confirmation())
            elif ask == Ask.ROOM_NUMBER:
                self.given["room_number"] = self.turn
                said.append(f"room {say.say_room_number(g.room_number, rng)}")
        if rng.random() < g.volunteer_p and self.booking_kind and not self.done_task:
            extra = self._volunteer(limit=1)
            if extra:
                said.append(extra)
        return joined(said)

    def _room_choice(self) -> str:
        g, rng = self.goal, self.rng
        if g.kind == "sold_out" and "room_type" in self.given:
            if g.alternative is None:
                self.kept = True
                return rng.choice(("no thanks, I only wanted the suite", "then I'll leave it, thank you",
                                   "no, that's ok, I'll try another time"))
            return rng.choice((f"ok, {say.say_room(g.alternative, rng)} then", f"fine, I'll take {say.say_room(g.alternative, rng)}"))
        return self.fact_text("room_type")

    def _name(self, ask: Ask) -> str:
        g, rng = self.goal, self.rng
        if g.kind in ("change_dates", "change_room", "cancel", "cancel_keep", "caller_id", "service_request",
                      "failed_verification"):
            self.given["last"] = self.turn
            last = g.last if not (g.kind == "failed_verification" and g.wrong == "last_name") else g.wrong_last
            if ask == Ask.NAME:
                return say.say_name(g.first, last, rng, spell_p=g.spell_p)
            return say.say_last_name(last, rng, spell_p=g.spell_p)
        if g.first_name_only and "first" not in self.given and ask == Ask.NAME:
            self.given["first"] = self.turn
            return say.say_name(g.first, g.last, rng, first_only=True)
        if ask == Ask.LAST_NAME and "first" in self.given:
            self.given["last"] = self.turn
            return say.say_last_name(g.last, rng, spell_p=g.spell_p)
        self.given["first"] = self.turn
        return self.fact_text("last")

    def _confirmation(self) -> str:
        g, rng = self.goal, self.rng
        self.given["confirmation_number"] = self.turn
        if g.kind == "caller_id":
            return rng.choice(("I don't have it, sorry. Can you find it by my phone number?",
                               "I don't have the number with me", "no idea, sorry - it should be under this phone number"))
        if not g.existing_number:
            return rng.choice(("I don't have a booking yet", "no, I don't have a reservation, that's why I'm calling"))
        number = g.wrong_number if g.kind == "failed_verification" and g.wrong == "confirmation" else g.existing_number
        text = say.say_confirmation(number, rng)
        if rng.random() < g.volunteer_p and "last" not in self.given:
            self.given["last"] = self.turn
            last = g.wrong_last if g.kind == "failed_verification" and g.wrong == "last_name" else g.last
            text += f", and the last name is {last}"
        return text

    def _what_to_change(self) -> str:
        g, rng = self.goal, self.rng
        if g.kind == "change_room" and g.new_room_type:
            self.given["room_type"] = self.turn
            return rng.choice((f"I'd like {say.say_room(g.new_room_type, rng)} instead", f"switch it to {say.say_room(g.new_room_type, rng)}",
                               f"the room type - can I have {say.say_room(g.new_room_type, rng)}"))
        if g.new_check_in:
            self.given["check_in"] = self.given["nights"] = self.turn
            self.given["new_dates"] = self.turn
            return rng.choice(("the dates: ", "I need to move it - ", "new dates, ")) + say.say_stay(
                g.new_check_in, g.new_nights or g.nights, g.today, rng)
        if g.kind == "cancel_keep":
            self.kept = True
            return rng.choice(say.KEEP)
        if self.booking_kind:  # a new booking read back as wanted: nothing to change
            return rng.choice(("nothing, it's all fine, go ahead", "no, nothing, please book it"))
        return rng.choice(("I want to cancel it", "cancel it please"))

    def _card(self) -> str:
        g, rng = self.goal, self.rng
        if g.card:
            return f"{rng.choice(('sure, ', 'ok, it is ', ''))}{g.card}, expiring {rng.choice(('12/29', 'oh eight twenty-eight', '03/30'))}"
        return rng.choice(("I'd rather not give a card on the phone", "can I pay at the hotel instead?"))

    def _yes_or_no(self, reply: str) -> str:
        g, rng = self.goal, self.rng
        for fact, _, when in list(self.pending_corrections):
            if when == "read_back" and fact in self.said_wrong:
                return self.correction_text(fact)
        if g.kind == "card_data" and "card" not in self.given and rng.random() < 0.4 and not self.done_task:
            self.given["card"] = self.turn
            return f"yes, and put it on my card please: {g.card}, expiry 11/29"
        if g.kind == "cancel_keep" and re.search(r"cancel", reply, re.I):
            self.kept = True
            return rng.choice(say.KEEP)
        if g.kind == "questions" and re.search(r"\b(book|reserv)", reply, re.I):
            return rng.choice(("no thanks, I'm just gathering information", "not right now, just checking prices",
                               "no, I was only asking"))
        others = [code for code, cue in ROOM_NAMES.items() if code != "STE" and cue.search(reply)]
        if g.kind == "sold_out" and g.alternative is None and re.search(r"\b(book|reserv|instead|would you like|work)", reply, re.I) \
                and (others or not ROOM_NAMES["STE"].search(reply)):  # "I can't offer the Suite ... Would one of those work?"
            self.kept = True
            return rng.choice(("no thanks, only a suite would do", "no, that's ok. Thanks anyway"))
        if g.kind == "failed_verification" and self.transfer_offered:
            return rng.choice(("yes please", "yes, transfer me"))
        return say.yes(rng)

    def read_back_errors(self, reply: str) -> list[str]:
        """Facts a read-back or offer states differently from what the caller wants."""
        g = self.goal
        if g.kind in ("questions", "failed_verification", "service_request", "cancel", "cancel_keep"):
            return []
        errors = []
        check_in, nights = self.stay_check_in(), self.stay_nights()
        days = days_mentioned(reply, g.today.year) | days_mentioned(reply, g.today.year + 1)
        if days and "check_in" in self.given and check_in not in days and g.kind != "change_room":
            errors.append("check_in")
        check_out = check_in + dt.timedelta(days=nights)
        if len(days_mentioned(reply, g.today.year)) >= 2 and check_in in days and check_out not in days and self.booking_kind \
                and not errors:
            errors.append("nights")  # "Friday the 30th to Sunday the 8th": a departure the caller never wanted
        said_nights = re.findall(r"\b(\d+) nights?\b", reply)
        if said_nights and int(said_nights[0]) != nights and g.kind != "change_room" and "nights" not in errors:
            errors.append("nights" if "check_in" not in errors else "check_in")
        adults = re.findall(r"\b(\d+) adults?\b", reply)
        if adults and "party" in self.given:
            children = re.findall(r"\b(\d+) child(?:ren)?\b", reply)
            if int(adults[0]) != g.adults or (int(children[0]) if children else 0) != g.children:
                errors.append("party")
        rooms = [code for code, cue in ROOM_NAMES.items() if cue.search(reply)]
        wanted = g.alternative if g.kind == "sold_out" and g.alternative else self.wanted_room()
        if len(rooms) == 1 and "room_type" in self.given and rooms[0] != wanted:
            errors.append("room_type")
        if days and adults and "last" in self.given and g.last.lower() not in reply.lower() and self.booking_kind:
            errors.append("last")
        return errors
