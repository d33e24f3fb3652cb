"""Questions about the hotel: answered from the hotel's own facts, each of several in one sentence, then back to the task."""

from __future__ import annotations

import re
from typing import Any

from . import cues
from .answers import statement_and_question
from .asked import Asked
from .departments import department_of
from .entities import FOLLOWS
from .flow import Action, Flow, ToolResult
from .responses import join_words, money, public_rate, rate_sentence
from .room_questions import RoomQuestion, features_of, parse_topic, room_question, without_room_names
from .state import ConversationState as S
from .state import Task

QUESTION_START = re.compile(
    r"^\s*(?:(?:um+|uh+|so|and|oh|ok(?:ay)?|also|actually|sorry|wait|hang on|hmm+|just|please|yeah|like|well|quick question|one question"
    r"|before (?:i|we|you) [\w ]{1,20}?|first)\W+)*"
    r"(?:can|could|do|does|did|is|are|what|what'?s|whats|which|when|where|how|hows|may|will|would|tell me (?:more )?about"
    r"|is there|are there|any)\b"
)
STAY_QUESTION = re.compile(r"\b(available|availability|how much|price|cost|rate for|vacanc)")
ROOM_WORDS = re.compile(r"\b(rooms?|suites?|stay|nights?|book\w*)\b")
PRICE_QUESTION = re.compile(
    r"\b(total|how much|price|cost|what(?:'s| is| will) it (?:come|be)|with (?:the )?tax\w*|tax(?:es)? included|include\w* tax\w*"
    r"|(?:is|are) (?:that|this|it|those|these) (?:per|a|each|for the|for one|for 1) (?:night|person|stay)|per night\?)"
)
FOLLOW_UP = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|um+|uh+|oh|sorry|wait)\W+)*(?:is (?:that|it|this)|does (?:that|it|this)"
    r"|how much (?:is|does|would|will) (?:that|it|this)|what(?:'s| is| does) (?:that|it)|(?:and )?how much\W*$"
    r"|(?:what|how) about)\b"
)
IF_I_CANCEL = re.compile(
    r"\b(if (?:i|we)|what happens|would (?:i|we)|will (?:i|we) (?:be|get|have)|is there (?:a|any)|do (?:i|we) (?:get|have to)"
    r"|for free|free of charge|policy|penalty|fee|charged?)\b"
)
CANCEL_REQUEST = re.compile(
    r"\b(need to|want to|wanna|would like to|'d like to|have to|gotta|going to|please|go ahead)\b"
)
COMPARE_ASK = re.compile(r"\b(differen\w*|differ|compar\w*|versus|vs|tell me (?:more )?about|describe)\b")
IN_PLACE = re.compile(r"\b(?:on|in|at|from|onto) (?:the|my|our|a) (?:balcon\w*|room|tv|fridge)\b")
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
    r"|(?:we|i) (?:need|want|wanna|would like|'d like)|please (?:send|bring|arrange|get)|\border (?:a|an|some|two|the|me|us)\b)\b"
)
THAT_ROOM = re.compile(r"\b(?:that|this|it|that one|this one|the one you (?:said|quoted|offered|mentioned))\b")
CHEAPEST_ASK = re.compile(
    r"\b(cheapest|least expensive|most (?:affordable|economical|budget\w*)|lowest (?:price|rate|cost)\w*"
    r"|cheaper (?:rooms?|option)|budget (?:rooms?|option)|(?:best|lowest) (?:price|rate|deal)s?)\b"
)
CHEAPEST_LATER = "Prices change from night to night, so I'll find you the best rate for your dates."
ASKS_A_FAVOUR = re.compile(
    r"\b(?:(?:could|can|may|might|would) (?:we|i) (?:please |possibly |maybe |also )?(?:have|get|request|ask for|book|arrange)"
    r"|(?:could|can|would) (?:you|they) (?:please |possibly |maybe |also )?(?:have|get|put|add|arrange|book|bring|set up"
    r"|make sure|place|leave|include|organi[sz]e|note|mention)"
    r"|(?:would|will) (?:it|that) be (?:possible|ok(?:ay)?|alright|all right) (?:to|if)"
    r"|is (?:it|that) (?:possible|ok(?:ay)?|alright|all right) (?:to|if)|any chance (?:of|we|i|you)"
    r"|would you (?:mind|be able to))\b"
)
EXTRAS_ASKS = (Asked.EXTRAS, Asked.EXTRAS_WHAT)
NO_REQUEST_TOPICS = {"pets", "smoking", "cancellation", "deposit", "wifi", "pool", "fitness", "location", "postcode"}
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
            self._is_question(text, lower)
            and (
                intent in ("other", "book_room", "confirm", "deny")
                or task_intent
                or (intent == "service_request" and d.task is not Task.SERVICE)
                or (intent == "check_availability" and self._describes_a_room(lower))
            )
        )
        if d.task is Task.SERVICE and REQUEST_FORM.search(lower) and department_of(lower):
            return None  # "could we get a taxi to the airport?" asks for a taxi, not about the airport
        if (
            d.task is Task.BOOK
            and d.asked in EXTRAS_ASKS
            and (REQUEST_FORM.search(lower) or ASKS_A_FAVOUR.search(lower))
            and not NO_REQUEST_TOPICS & set(cues.topics_of(lower))  # "can I bring my dog?" asks the policy
        ):
            return None  # asked for special requests, "could we have a cot in the room?" is one, kept for the booking
        if (
            asking
            and CHEAPEST_ASK.search(lower)
            and not self._has_stay_entities()
            and (d.task is Task.NONE or (d.task is Task.BOOK and not d.availability and not d.prepared))
        ):
            # "what's your cheapest room?": the rate depends on the nights, so the backend quotes it for the dates
            d.task, d.misunderstood = Task.BOOK, 0
            d.asked = None if d.asked in (Asked.ANYTHING_ELSE, Asked.HOW_HELP) else d.asked
            d.pending_answer = CHEAPEST_LATER
            return None
        last_info, d.last_info = d.last_info, []
        if self._policy_not_cancel(lower):
            d.task, d.asked = Task.NONE, None  # "if my plans change can I cancel for free?" asks the policy
            asking = True
        clauses = [c for c in CLAUSES.split(lower) if c and c.strip()]
        just_begun = d.task is Task.SERVICE and d.asked is None and "?" in text
        rooms = (
            self._room_questions(clauses, text, lower, last_info) if asking or just_begun or d.task is Task.NONE else {}
        )
        if rooms and just_begun and any((q := parse_topic(t[0])) and q.codes for t in rooms.values()):
            d.task, asking = Task.NONE, True  # "minibar in the standard?" asks about a room type, nothing is brought
        topics = self._topics(clauses, rooms)
        if not topics and asking and FOLLOW_UP.search(lower) and not self._has_stay_entities():
            if not last_info and d.task is Task.BOOK and (d.availability or d.prepared) and self._price_context(lower):
                return self._price_so_far()  # "is that per night?" after a price
            rooms_told = [q for t in last_info if (q := parse_topic(t))]
            if (
                rooms_told
                and len(rooms_told) == len(last_info)
                and PRICE_QUESTION.search(lower)
                and (d.task is Task.NONE or (d.task is Task.BOOK and not d.availability and not d.prepared))
            ):
                # "tell me about the suite" … "how much is it?": the backend quotes it for the dates
                codes = {c for q in rooms_told for c in q.codes}
                d.task, d.asked, d.misunderstood, d.pending_answer = Task.BOOK, None, 0, CHEAPEST_LATER
                if len(codes) == 1 and not d.stay.room_type:
                    d.stay.room_type = codes.pop()
                return None
            topics = list(last_info)  # "is that per night?" after the parking answer: the same answer again
        if (
            d.task is Task.NONE
            and not topics
            and asking
            and PRICE_QUESTION.search(lower)
            and not self._has_stay_entities()
        ):
            # "what's the total with tax?": a quote needs the stay
            d.task, d.asked, d.misunderstood = Task.BOOK, None, 0
            d.pending_answer = "I can work out the total, with taxes and fees, as soon as I have your dates."
            return None
        if not asking and not (d.task is Task.NONE and intent == "other" and topics):  # "just the postcode please"
            return None
        wishes = d.task is Task.BOOK and not rooms and any(k in self.entities for k in ("room_type", "bed_preference"))
        stay_clauses = [c for c in clauses if self._asks_about_a_stay(c, alone=len(clauses) == 1)]
        about_a_stay = bool(stay_clauses)
        asked_topics = list(
            dict.fromkeys(t for c in clauses if c not in stay_clauses for t in self._topics([c], rooms))
        )
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
            and (rooms or not cues.first_match(cues.VIEWS, lower))
        ):
            if rooms:  # "does the suite have a bath?" chooses no room; facts said around it still count
                if d.task is Task.BOOK and d.asked is None and not self._stay_begun():
                    d.task = Task.NONE  # the room's name began no booking
                statements = [c for c in clauses if c not in rooms and not cues.topics_of(c)]
                self.entities = (
                    self.extractor.extract(
                        ", ".join(statements), today=self.today(), previous_agent=d.last_reply, hints=True
                    )
                    if statements
                    else {}
                )
                lower = ", ".join(statements)
            # facts said in the same breath ("my number is ..., and is there parking?") are kept, and a yes to an offer counts
            self._asking = True  # "is breakfast included?" asks; it chooses no rate
            self._dates_from_statements(clauses)
            if d.task is Task.BOOK and d.asked in EXTRAS_ASKS and not rooms:
                # asked for special requests, "is breakfast included?" is none; "we arrive late, and ..." still is
                said = [c for c in clauses if not cues.topics_of(c) and not self._is_question(c, c)]
                lower = text = ", ".join(said)
            changed = (
                self._apply(intent, lower, lower if rooms else text)
                if d.task in (Task.BOOK, Task.MODIFY, Task.CANCEL) and (lower or not (rooms or d.asked in EXTRAS_ASKS))
                else False
            )
            self._asking = False
            said_yes = self._yes_before_question(text) and d.asked in YES_THEN_ASK and not changed and not rooms
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

    def _describes_a_room(self, lower: str) -> bool:
        """'What's the family room like?' asks for a description, not for a stay (no dates, no party)."""
        question = room_question(lower, self.room_words)
        stay = any(k in self.entities for k in ("check_in_date", "check_out_date", "nights", "adults"))
        return question is not None and question.aspect == "describe" and not stay

    def _is_question(self, text: str, lower: str) -> bool:
        """A question, also after a lead: 'before I pick dates, do you allow dogs' ('?' or a question's first words)."""
        return (
            "?" in text
            or bool(QUESTION_START.match(lower))
            or any(QUESTION_START.match(piece) for piece in re.split(r"[,;:.]\s*|\s+-\s+", lower)[1:])
        )

    def _asks_about_rooms(self, text: str, lower: str) -> bool:
        """'Which one is bigger?' asks about the rooms; 'the bigger one' chooses among them."""
        return self._is_question(text, lower) and any(
            room_question(c, self.room_words) for c in CLAUSES.split(lower) if c and c.strip()
        )

    def _room_questions(self, clauses: list[str], text: str, lower: str, last_info: list[str]) -> dict[str, list[str]]:
        """Each clause that asks about the rooms themselves → its hotel_info topics ('does the suite have a tub and a balcony?')."""
        previous = next((q for t in last_info if (q := parse_topic(t))), None)
        found: dict[str, list[str]] = {}
        for clause in clauses:
            if not (
                self._is_question(clause, clause)
                or COMPARE_ASK.search(clause)
                or (len(clauses) == 1 and ("?" in text or previous))
            ):
                continue
            question: RoomQuestion | None = room_question(clause, self.room_words, previous=previous)
            if question is not None and not question.codes and self.d.asked == Asked.ROOM_TYPE and self.d.offered_rooms:
                question = RoomQuestion(question.aspect, tuple(self.d.offered_rooms), question.feature)  # "which one"
            current = self.d.stay.room_type
            if (
                question is not None
                and len(question.codes) == 1
                and current
                and current not in question.codes
                and question.aspect in ("describe", "size", "occupancy", "beds", "view")
                and THAT_ROOM.search(without_room_names(clause, self.room_words))
            ):
                # quoted a Suite: "what's the difference between that and the deluxe?" compares the two
                question = RoomQuestion(question.aspect, (current, *question.codes), question.feature)
            if question is not None:
                found[clause] = [question.topic()]
                if question.aspect == "feature":  # each feature asked in one breath: "a tub and a balcony?"
                    found[clause] += [
                        RoomQuestion("feature", question.codes, f).topic()
                        for f in features_of(clause)
                        if f != question.feature
                    ]
        return found

    def _topics(self, clauses: list[str], rooms: dict[str, list[str]]) -> list[str]:
        """The hotel_info topics asked, clause by clause: a room question, else the topics the clause names."""
        topics: list[str] = []
        for clause in clauses:
            if clause in rooms:
                topics += rooms[clause]
                continue
            named = cues.topics_of(clause)
            if "amenities" in named and len(named) > 1 and IN_PLACE.search(clause):
                named.remove("amenities")  # "can I smoke on the balcony?" asks about smoking, not balconies
            topics += named
        return list(dict.fromkeys(topics))

    def _stay_begun(self) -> bool:
        s = self.d.stay
        return bool(s.check_in or s.check_out or s.nights or s.adults or s.room_type or self.d.availability)

    def _price_context(self, lower: str) -> bool:
        """'is that per night?', 'does that include tax?', 'how much is that?' ask about the price just said."""
        return bool(PRICE_QUESTION.search(lower) or re.search(r"\b(night|tax\w*|fees?|include\w*|total|cost)\b", lower))

    def _policy_not_cancel(self, lower: str) -> bool:
        """A cancellation task only just begun by a question about the policy ('if I cancel, will I be charged?')."""
        d = self.d
        return (
            d.task is Task.CANCEL
            and d.asked is None
            and not d.verified
            and not d.confirmation_number
            and "cancellation" in cues.topics_of(lower)
            and bool(IF_I_CANCEL.search(lower))
            and not CANCEL_REQUEST.search(lower)
        )

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

    def _left(self, sentence: str, after: str = "") -> Action:
        """The task ends with nothing done; a question in the same breath is still answered ('... another time. When is check-in?');
        `after`: what followed the words that ended it ('keep it, just tell me about parking')."""
        _, question = statement_and_question(self._lower)
        after = after.strip(" ,.;:!-")
        asks_after = bool(after) and bool(
            QUESTION_START.match(after) or re.match(r"(?:\w+ ){0,2}(?:tell me|what about|how about)\b", after)
        )
        question = question or (after if asks_after else "")
        topics = cues.topics_of(question) if question else []
        if (
            not topics and asks_after
        ):  # "keep it, how about the spa": the hotel's facts answer, or she says she doesn't know
            topics = [after[:120]]
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
            if option and rate and d.asked == Asked.BOOK_IT:
                n = d.availability["nights"]
                total = (
                    f"It's {money(rate['per_night'], rate['currency'])} a night before taxes and fees, and "
                    f"{money(rate['grand_total'], rate['currency'])} in total for {n} night{'s' if n != 1 else ''} "
                    "with taxes and fees."
                )
        elif d.availability and d.availability.get("options"):
            total = self._totals(d.availability)
        else:
            total = PRICE_LATER
        return self._say(f"{total} {self._short_question()}", d.state)

    def _short_question(self) -> str:
        """Back to the task after an answer: the offer's question alone, not the whole offer again."""
        d = self.d
        if d.asked == Asked.BOOK_IT and d.task is Task.BOOK:
            return "Would you like to book it?"
        if d.asked == Asked.ROOM_TYPE and d.task is Task.BOOK and len(d.offered_rooms) > 1:
            return "Which would you like?"
        return self._question()

    def _totals(self, availability: dict[str, Any]) -> str:
        """'Those are nightly rates, before taxes and fees. For your 2 nights, with taxes and fees: ...' from the search."""
        options = availability["options"]
        n = availability["nights"]
        each = [
            f"the {o['room_type']} {money(public_rate(o)['grand_total'], public_rate(o)['currency'])}" for o in options
        ]
        return (
            f"Those are nightly rates for the room, before taxes and fees. For {n} night{'s' if n != 1 else ''} with taxes and fees, "
            f"{join_words(each)} in total."
        )

    # -- tool results ---------------------------------------------------------------------------

    def _on_hotel_info(self, r: ToolResult) -> Action:
        d = self.d
        d.info_answers.append((r.output or {}).get("answer") or DONT_KNOW)
        output = r.output or {}
        if output.get("answer") and output.get("topic"):
            d.info_done.append(output["topic"])
        if d.info_topics:
            d.pending_after_tool = "resume"
            return self._call("hotel_info", {"topic": d.info_topics.pop(0)})
        answer = " ".join(d.info_answers)
        d.last_info, d.info_done = d.info_done, []
        if d.yes_after_answer and d.task is Task.BOOK:
            d.yes_after_answer, d.pending_answer = False, answer
            return self._booking("confirm", False)
        if d.resume_booking and d.task is Task.BOOK:
            d.resume_booking, d.pending_answer = False, answer  # said before whatever the booking says next
            return self._booking_next()
        if d.task is Task.SERVICE and d.service.after_answer is not None:
            d.pending_answer = answer  # "clean room 202 and what time is breakfast": the request goes on
            return self._service_after_answer()
        if d.task in (Task.MODIFY, Task.CANCEL) and (d.resume_booking or d.asked is None):
            d.resume_booking, d.pending_answer = False, answer  # a task begun in the same breath goes on
            return self._existing("other", True)
        if d.task is Task.NONE:
            d.asked = Asked.ANYTHING_ELSE
            return self._say(f"{answer} Is there anything else I can help you with?", S.INTENT_DETECTION)
        return self._say(f"{answer} {self._short_question()}", d.state)
