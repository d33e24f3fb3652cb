"""Questions about the hotel: answered from the hotel's own facts, each of several in one sentence, then back to the task."""

from __future__ import annotations

import re

from . import cues
from .answers import statement_and_question
from .asked import Asked
from .departments import department_of
from .entities import FOLLOWS
from .flow import Action, Flow, ToolResult
from .responses import money, rate_sentence
from .state import ConversationState as S
from .state import Task

QUESTION_START = re.compile(r"^\s*(?:can|could|do|does|is|are|what|when|where|how|may|will|would)\b")
STAY_QUESTION = re.compile(r"\b(available|availability|how much|price|cost|rate for|vacanc)")
ROOM_WORDS = re.compile(r"\b(rooms?|suites?|stay|nights?|book\w*)\b")
PRICE_QUESTION = re.compile(r"\b(total|how much|price|cost|what(?:'s| is| will) it (?:come|be)|with (?:the )?tax\w*)\b")
LEAD_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|great|perfect|sounds good|that'?s (?:great|fine|perfect)|please do|do it)\b"
)
TOPIC_QUESTION = re.compile(
    r"\b(?:what time|when (?:is|can|do)|is there|do you (?:have|allow|take)|how much is (?:the )?(?:parking|breakfast|wifi))\b"
)
CLAUSES = re.compile(
    r"[?.!;]\s*|,\s*(?:and\s+|also\s+)?(?=(?:what|what's|how|when|where|is|are|do|does|can|could|will|would|and)\b)"
    r"|\s+and\s+(?=(?:what|what's|how|when|where|is|are|do|does|can|could|will|would)\b)"
)
STAY_WORDS = re.compile(
    r"\b(tonight|tomorrow|today|weekend|next|this (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week)"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july"
    r"|august|september|october|november|december|\d{1,2}(?:st|nd|rd|th)|nights?|a week|per night|a night)\b"
)
DATE_KEYS = ("check_in_date", "check_out_date", "nights", FOLLOWS)
PRICE_LATER = "I'll give you the full total, with taxes and fees, as soon as I've found the room for your dates."
TASK_INTENTS = {
    Task.BOOK: ("check_availability",),
    Task.MODIFY: ("modify_booking",),
    Task.CANCEL: ("cancel_booking",),
    Task.SERVICE: ("service_request",),
}
REQUEST_FORM = re.compile(
    r"\b(?:(?:could|can|may|would) (?:we|i|you|someone|somebody) (?:please )?(?:get|have|order|arrange|book|send|bring|call)"
    r"|(?:we|i) (?:need|want|would like|'d like)|please (?:send|bring|arrange|get))\b"
)
YES_THEN_ASK = (
    Asked.BOOK_IT,
    Asked.ALTERNATIVE,
    Asked.ROOM_TYPE,
    Asked.READ_BACK,
    Asked.WHAT_CHANGE,
)  # a yes that counts after the answer
DONT_KNOW = "I'm afraid I don't have that information, but the front desk can help."


class QuestionsFlow(Flow):
    """Answers hotel questions in the middle of any task and returns to where the call was."""

    def _has_stay_entities(self) -> bool:
        return any(k in self.entities for k in ("check_in_date", "check_out_date", "nights", "room_type"))

    def _hotel_question(self, intent: str, text: str, lower: str) -> Action | None:
        """hotel_info for each topic the caller asked about, or the price so far; None when this is no such question."""
        d = self.d
        task_intent = intent in TASK_INTENTS.get(d.task, ())
        asking = intent == "get_info" or (
            ("?" in text or QUESTION_START.match(lower))
            and (
                intent in ("other", "book_room", "confirm", "deny")
                or task_intent
                or (intent == "service_request" and d.task is not Task.SERVICE)
            )
        )
        if d.task is Task.SERVICE and REQUEST_FORM.search(lower) and department_of(lower):
            return None  # "could we get a taxi to the airport?" asks for a taxi, not about the airport
        topics = cues.topics_of(lower)
        if not asking and not (d.task is Task.NONE and intent == "other" and topics):  # "just the postcode please"
            return None
        wishes = d.task is Task.BOOK and any(k in self.entities for k in ("room_type", "bed_preference"))
        clauses = [c for c in CLAUSES.split(lower) if c and c.strip()]
        stay_clauses = [c for c in clauses if self._asks_about_a_stay(c, alone=len(clauses) == 1)]
        about_a_stay = bool(stay_clauses)
        asked_topics = list(dict.fromkeys(t for c in clauses if c not in stay_clauses for t in cues.topics_of(c)))
        if asked_topics and about_a_stay and d.task in (Task.BOOK, Task.NONE):
            if d.task is Task.NONE:
                d.task, d.asked, d.misunderstood = Task.BOOK, None, 0  # the price of a stay is a quote to prepare
            # "what time is check-out, and what's a standard for the 20th?": both; only the stay's clauses give its facts
            # (the 20th is no check-out date) and choose a rate or view
            stay_text = ", ".join(stay_clauses)  # clause by clause: "one night, before we go on" is no "night before"
            self.entities = self.extractor.extract(
                stay_text, today=self.today(), previous_agent=d.last_reply, hints=True
            )
            self._apply_stay(intent, stay_text, stay_text)
            d.pending_after_tool, d.info_topics, d.info_answers, d.resume_booking = "resume", asked_topics[1:], [], True
            return self._call("hotel_info", {"topic": asked_topics[0]})
        asked_outright = "?" in text or bool(TOPIC_QUESTION.search(lower))
        if (
            topics
            and not about_a_stay
            and not (wishes and not asked_outright)
            and not cues.first_match(cues.VIEWS, lower)
        ):
            # facts said in the same breath ("my number is ..., and is there parking?") are kept, and a yes to an offer counts
            self._asking = True  # "is breakfast included?" asks; it chooses no rate
            self._dates_from_statements(clauses)
            changed = self._apply(intent, lower, text) if d.task in (Task.BOOK, Task.MODIFY, Task.CANCEL) else False
            self._asking = False
            said_yes = self._yes_before_question(text) and d.asked in YES_THEN_ASK and not changed
            d.pending_after_tool, d.info_topics, d.info_answers = "resume", topics[1:], []
            d.resume_booking, d.yes_after_answer = changed, said_yes
            return self._call("hotel_info", {"topic": topics[0]})
        if d.task is Task.BOOK and PRICE_QUESTION.search(lower) and not self._has_stay_entities() and not wishes:
            return self._price_so_far()
        if d.task is Task.NONE and about_a_stay and not asked_topics:
            d.task, d.asked, d.misunderstood = Task.BOOK, None, 0  # "how much is a room?": a quote needs the dates
            return None
        if (
            intent == "get_info"
            and not topics
            and not about_a_stay
            and not self._has_stay_entities()
            and not PRICE_QUESTION.search(lower)
            and not cues.first_match(cues.VIEWS, lower)
            and (d.asked is None or "?" in text or QUESTION_START.match(lower))  # "the cheapest one" answers an offer
        ):
            # "is there a spa?": no topic of ours, so the hotel's own facts answer it, or Roomi says she does not know
            d.pending_after_tool, d.info_topics, d.info_answers = "resume", [], []
            d.resume_booking = d.yes_after_answer = False
            return self._call("hotel_info", {"topic": text[:120]})
        return None

    def _yes_before_question(self, text: str) -> bool:
        """'Yes please. What time is check-in?': the yes answers Roomi's question, whatever the caller asks next."""
        statement, question = statement_and_question(text)
        if self.d.asked not in (Asked.READ_BACK, Asked.WHAT_CHANGE) and LEAD_YES.match(text.lower()):
            return True  # a booking's yes must be a clear one: "ok, but ..." is not
        return bool(
            question
            and not re.search(r"\bbut\b", text.lower())
            and self.classifier.classify(statement, previous_agent=self.d.last_reply).intent == "confirm"
        )

    def _left(self, sentence: str) -> Action:
        """The task ends with nothing done; a question in the same breath is still answered ('... another time. When is check-in?')."""
        _, question = statement_and_question(self._lower)
        topics = cues.topics_of(question) if question else []
        done = self._done(f"{sentence} Is there anything else I can help you with?")
        if not topics:
            return done
        d = self.d
        d.pending_after_tool, d.info_topics, d.info_answers = "resume", topics[1:], [sentence]
        d.resume_booking = d.yes_after_answer = False
        return self._call("hotel_info", {"topic": topics[0]})

    def _dates_from_statements(self, clauses: list[str]) -> None:
        """Dates come only from what is not a hotel question: 'what time is check-out, and a standard for the 20th?'."""
        statements = [c for c in clauses if not cues.topics_of(c)]
        if not statements or len(statements) == len(clauses):
            return
        found = self.extractor.extract(
            ", ".join(statements), today=self.today(), previous_agent=self.d.last_reply, hints=True
        )
        for key in DATE_KEYS:
            self.entities.pop(key, None)
            if key in found:
                self.entities[key] = found[key]

    def _asks_about_a_stay(self, clause: str, *, alone: bool) -> bool:
        """'how much is a deluxe this Friday' asks about a stay; 'how much is breakfast' does not."""
        if not STAY_QUESTION.search(clause):
            return False
        return bool(
            ROOM_WORDS.search(clause)
            or STAY_WORDS.search(clause)
            or any(w in clause for w in self.room_words)
            or (alone and self._has_stay_entities())
        )

    def _price_so_far(self) -> Action:
        """'What's the total with tax?': the quoted total again, or when it will be known, then the same question."""
        d, s = self.d, self.d.stay
        if d.prepared:
            total = f"The total is {money(d.prepared['grand_total'], d.prepared['currency'])} including taxes and fees."
        elif d.availability and s.room_type:
            option = next((o for o in d.availability["options"] if o["room_type_code"] == s.room_type), None)
            rate = self._rate(option) if option else None
            total = rate_sentence(option, rate, d.availability["nights"]) if option and rate else PRICE_LATER
        else:
            total = PRICE_LATER
        return self._say(f"{total} {self._question()}", d.state)

    # -- tool results ---------------------------------------------------------------------------

    def _on_hotel_info(self, r: ToolResult) -> Action:
        d = self.d
        d.info_answers.append((r.output or {}).get("answer") or DONT_KNOW)
        if d.info_topics:
            d.pending_after_tool = "resume"
            return self._call("hotel_info", {"topic": d.info_topics.pop(0)})
        answer = " ".join(d.info_answers)
        if d.yes_after_answer and d.task is Task.BOOK:
            d.yes_after_answer, d.pending_answer = False, answer
            return self._booking("confirm", False)
        if d.resume_booking and d.task is Task.BOOK:
            d.resume_booking, d.pending_answer = False, answer  # said before whatever the booking says next
            return self._booking_next()
        if d.resume_booking and d.task in (Task.MODIFY, Task.CANCEL):
            d.resume_booking, d.pending_answer = False, answer
            return self._existing("other", True)
        if d.task is Task.NONE:
            d.asked = Asked.ANYTHING_ELSE
            return self._say(f"{answer} Is there anything else I can help you with?", S.INTENT_DETECTION)
        return self._say(f"{answer} {self._question()}", d.state)
