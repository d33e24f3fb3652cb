"""Questions about the hotel: answered from the hotel's own facts, each of several in one sentence, then back to the task."""

from __future__ import annotations

import re

from . import cues
from .asked import Asked
from .flow import Action, Flow, ToolResult
from .responses import money, rate_sentence
from .state import ConversationState as S
from .state import Task

QUESTION_START = re.compile(r"^\s*(?:can|could|do|does|is|are|what|when|where|how|may|will|would)\b")
STAY_QUESTION = re.compile(r"\b(available|availability|how much|price|cost|rate for|vacanc)")
ROOM_WORDS = re.compile(r"\b(rooms?|suites?|stay|nights?|book\w*)\b")
PRICE_QUESTION = re.compile(r"\b(total|how much|price|cost|what(?:'s| is| will) it (?:come|be)|with (?:the )?tax\w*)\b")
LEAD_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|great|perfect|sounds good|that'?s (?:great|fine|perfect)|please do|do it)\b")
TOPIC_QUESTION = re.compile(r"\b(?:what time|when (?:is|can|do)|is there|do you (?:have|allow|take)|how much is (?:the )?(?:parking|breakfast|wifi))\b")
PRICE_LATER = "I'll give you the full total, with taxes and fees, as soon as I've found the room for your dates."
TASK_INTENTS = {Task.BOOK: ("check_availability",), Task.MODIFY: ("modify_booking",), Task.CANCEL: ("cancel_booking",),
                Task.SERVICE: ("service_request",)}
DONT_KNOW = "I'm afraid I don't have that information, but the front desk can help."


class QuestionsFlow(Flow):
    """Answers hotel questions in the middle of any task and returns to where the call was."""

    def _has_stay_entities(self) -> bool:
        return any(k in self.entities for k in ("check_in_date", "check_out_date", "nights", "room_type"))

    def _hotel_question(self, intent: str, text: str, lower: str) -> Action | None:
        """hotel_info for each topic the caller asked about, or the price so far; None when this is no such question."""
        d = self.d
        task_intent = intent in TASK_INTENTS.get(d.task, ())
        asking = intent == "get_info" or (("?" in text or QUESTION_START.match(lower))
                                          and (intent in ("other", "book_room", "confirm", "deny") or task_intent
                                               or (intent == "service_request" and d.task is not Task.SERVICE)))
        topics = cues.topics_of(lower)
        if not asking and not (d.task is Task.NONE and intent == "other" and topics):  # "just the postcode please"
            return None
        wishes = d.task is Task.BOOK and any(k in self.entities for k in ("room_type", "bed_preference"))
        about_a_stay = STAY_QUESTION.search(lower) and (ROOM_WORDS.search(lower) or self._has_stay_entities())
        if topics and about_a_stay and d.task is Task.BOOK and TOPIC_QUESTION.search(lower):
            self._apply_stay(intent, lower, text)  # "what time is check-out, and what's a standard for the 20th?": both
            d.pending_after_tool, d.info_topics, d.info_answers, d.resume_booking = "resume", topics[1:], [], True
            return self._call("hotel_info", {"topic": topics[0]})
        asked_outright = "?" in text or bool(TOPIC_QUESTION.search(lower))
        if topics and not about_a_stay and not (wishes and not asked_outright) and not cues.first_match(cues.VIEWS, lower):
            # facts said in the same breath ("my number is ..., and is there parking?") are kept, and a yes to an offer counts
            self._asking = True  # "is breakfast included?" asks; it chooses no rate
            changed = self._apply(intent, lower, text) if d.task in (Task.BOOK, Task.MODIFY, Task.CANCEL) else False
            self._asking = False
            said_yes = bool(LEAD_YES.match(lower)) and d.asked in (Asked.BOOK_IT, Asked.ALTERNATIVE) and not changed
            d.pending_after_tool, d.info_topics, d.info_answers = "resume", topics[1:], []
            d.resume_booking, d.yes_after_answer = changed, said_yes
            return self._call("hotel_info", {"topic": topics[0]})
        if d.task is Task.BOOK and PRICE_QUESTION.search(lower) and not self._has_stay_entities() and not wishes:
            return self._price_so_far()
        return None

    def _price_so_far(self) -> Action:
        """'What's the total with tax?': the quoted total again, or when it will be known, then the same question."""
        d, s = self.d, self.d.stay
        if d.prepared:
            total = f"The total is {money(d.prepared['grand_total'], d.prepared['currency'])} including taxes and fees."
        elif d.availability and s.room_type:
            option = next((o for o in d.availability["options"] if o["room_type_code"] == s.room_type), None)
            rate = self._rate(option) if option else None
            total = rate_sentence(option, rate, d.availability["nights"]) if rate else PRICE_LATER
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
