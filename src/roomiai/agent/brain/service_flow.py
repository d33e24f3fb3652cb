"""A service request for a guest in the hotel: what is needed, the room, and the guest's name as proof."""

from __future__ import annotations

import datetime as dt
import re

from . import cues
from .asked import Asked
from .departments import DEPARTURE, FAULT, department_of, hours_request, is_urgent, items_of
from .flow import CANNOT_CHECK, CANNOT_CHECK_NOW, MAX_VERIFY_FAILURES, Action, Flow, ToolResult
from .normalise import normalise
from .questions import QUESTION_START, REQUEST_FORM
from .responses import join_words
from .state import ConversationState as S
from .state import Task
from .verification import HOLD

NOT_KNOWN = re.compile(
    r"\b(?:don'?t|do not|can'?t|cannot) (?:know|remember|recall|find)\b|\bnot sure\b|\bforgot\b|\bno idea\b"
)
ANSWER_LEAD = re.compile(
    r"^(?:(?:um+|uh+|oh|yes|yeah|sure|ok(?:ay)?|so|it'?s|its|it is|that'?s|we'?re|i'?m|we are|i am|in|room|number|the|my|our|is)[\s,.]+)+"
)


ASKS_FOR = re.compile(
    r"\b(?:need|want|would like|could|can|please|some|more|extra|another|bring|send|get|have|order)\b"
)
REQUEST_SPLIT = re.compile(r"\s*(?:[,;.]\s*(?:and\s+|also\s+|plus\s+)*|\s+(?:and also|and|also|plus)\s+)", re.I)


def _requests_in(text: str) -> list[tuple[str, str]]:
    """A repair and a thing to bring said in one breath, each with its words; anything else is one request."""
    found: list[tuple[str, str]] = []
    for clause in REQUEST_SPLIT.split(text):
        department = department_of(clause.lower()) if clause.strip() else None
        if department is None:
            if found:
                found[-1] = (found[-1][0], f"{found[-1][1]} and {clause.strip()}")
            continue
        if (
            found
            and department != found[-1][0]
            and not (
                (
                    "maintenance" in (department, found[-1][0])  # "red wine and two glasses": one order
                    and (ASKS_FOR.search(clause.lower()) or FAULT.search(clause.lower()))
                )
                or "concierge" in (department, found[-1][0])  # "towels and a taxi": two teams
            )
        ):
            department = found[-1][0]  # "the sink is leaking, the water is everywhere": one problem, said twice
        if found and found[-1][0] == department:
            found[-1] = (department, f"{found[-1][1]} and {clause.strip()}")
        elif any(d == department for d, _ in found):
            continue
        else:
            found.append((department, clause.strip()))
    return found


ASKED_CLAUSES = re.compile(r"[?;]\s*|[.,]\s+|\s+(?:(?:oh|and|also|plus)\s+)+")


def request_and_questions(text: str) -> tuple[str, list[str]]:
    """A request and hotel questions said in one breath ("clean room 202 and what time is breakfast"): the request's
    words and the topics asked; ("", []) when the caller did not do both."""
    request, topics = [], []
    for clause in (c for c in ASKED_CLAUSES.split(text) if c and c.strip()):
        lowered = clause.lower().strip()
        asked = cues.topics_of(lowered) if QUESTION_START.match(lowered) and not REQUEST_FORM.search(lowered) else []
        if asked and not DEPARTURE.search(lowered):
            topics += [t for t in asked if t not in topics]
        else:
            request.append(clause.strip())
    said = ", ".join(request)
    if not topics or not department_of(said.lower()):
        return "", []
    return said, topics


BARE_ROOM = re.compile(
    r"(?:\b(?:this is|it'?s|its|i'?m in|we'?re in|i am in|we are in|my room|our room|room is|number)[\s,]+|,\s*)(\d{3,4})\b(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|dollars|:|\.\d))"
)  # "this is 507, the shower won't drain", "locked out of my room, 208"


def _bare_room_number(text: str) -> str | None:
    """The room number a caller gives when asked for it, without the word 'room': '412', 'four-twelve', 'three oh five'."""
    for clause in reversed(re.split(r"[,;]|\.\s", text.lower())):  # "oh, let me see, it's two hundred and eight"
        lead = ANSWER_LEAD.sub("", clause.strip())
        room = cues.room_number_in(normalise("room " + lead).rstrip(".!? ")) if lead else None
        if room:
            return room
    return None


class ServiceFlow(Flow):
    """Files housekeeping, room service, maintenance and concierge requests for an in-house guest."""

    def _service_and_question(self, intent: str, text: str) -> Action | None:
        """A request and a question in one breath: the answer first, then the request goes on; None otherwise."""
        d = self.d
        if d.task is not Task.SERVICE or d.service.request_type is not None:
            return None
        said, topics = request_and_questions(text)
        if not topics and hours_request(text):  # "can I get a late checkout tomorrow": the hours, then the room
            said, topics = text, [t for t in cues.topics_of(text.lower()) if t in ("check_out", "check_in")]
        if not topics:
            return None
        d.service.after_answer = said
        d.pending_after_tool, d.info_topics, d.info_answers = "resume", topics[1:], []
        d.resume_booking = d.yes_after_answer = False
        return self._call("hotel_info", {"topic": topics[0]}, S.SERVICE_REQUEST)

    def _service_after_answer(self) -> Action:
        """The request said with the question that was just answered."""
        said, self.d.service.after_answer = self.d.service.after_answer or "", None
        return self._service("service_request", True, said.lower(), said)

    def _service(self, intent: str, changed: bool, lower: str, text: str) -> Action:
        sv = self.d.service
        kind = department_of(lower) or ("concierge" if DEPARTURE.search(lower) or hours_request(lower) else None)
        if self.d.asked == Asked.SERVICE_WHAT and intent == "deny" and not kind:
            return self._done("Alright. Is there anything else I can help you with?")
        said, asked_for = _requests_in(text), lower
        if len(said) > 1 and sv.request_type is None:  # "more towels, and the TV remote isn't working": one each
            kind, sv.more, asked_for = said[0][0], said[1:], said[0][1].lower()
        if kind and (sv.request_type is None or self.d.asked != Asked.ROOM_NUMBER):
            sv.request_type = kind
        if sv.request_type != "maintenance":
            sv.items += [item for item in items_of(asked_for) if item not in sv.items]
        room = cues.ROOM_NUMBER.search(lower) or BARE_ROOM.search(lower)
        spoken = None if room else cues.room_number_in(normalise(text))
        if room:
            sv.room_number = room.group(1) or room.group(2) if room.re is cues.ROOM_NUMBER else room.group(1)
        elif spoken:
            sv.room_number = spoken
        elif self.d.asked in (Asked.ROOM_NUMBER, Asked.SERVICE_NAME) and (bare := _bare_room_number(text)):
            sv.room_number = bare  # "four-twelve", "it's 305", "three oh five"
        if is_urgent(lower):
            sv.priority = "urgent"
        if kind or (intent == "service_request" and sv.description is None):  # "room 412 under Hopper" is no request
            sv.description = (said[0][1] if len(said) > 1 and sv.more else text)[:300]
        name = self._said_last_name(text, bare=self.d.asked == Asked.SERVICE_NAME and not (room or spoken))
        if name:
            sv.last_name = name
        given = room or spoken or name or (self.d.asked == Asked.ROOM_NUMBER and sv.room_number)
        if HOLD.search(lower) and not given and self.d.asked in (Asked.ROOM_NUMBER, Asked.SERVICE_NAME):
            return self._say("Of course, take your time. " + self._question(), S.SERVICE_REQUEST)
        if self.d.asked == Asked.ROOM_NUMBER and sv.room_number is None and sv.request_type and not kind:
            if NOT_KNOWN.search(lower):
                self.d.asked = Asked.TRANSFER
                return self._say(
                    "No problem: the front desk can find your room by your name. Would you like me to transfer you?",
                    S.SERVICE_REQUEST,
                )
            return self._unclear()  # asked once, then a narrower question, then the front desk: never the same again
        if sv.request_type is None:
            return self._ask(Asked.SERVICE_WHAT, "Of course. What can we bring you or take care of?", S.SERVICE_REQUEST)
        if sv.room_number is None:
            return self._ask(Asked.ROOM_NUMBER, "Certainly. What's your room number?", S.SERVICE_REQUEST)
        if sv.last_name is None:
            return self._ask(
                Asked.SERVICE_NAME,
                f"And the last name of the guest staying in room {sv.room_number}?",
                S.SERVICE_REQUEST,
            )
        return self._call(
            "request_service",
            {
                "request_type": sv.request_type,
                "room_number": sv.room_number,
                "last_name": sv.last_name,
                "items": sv.items or None,
                "description": sv.description,
                "priority": sv.priority,
            },
            S.SERVICE_REQUEST,
        )

    def _local_time(self, iso: str | None) -> str | None:
        if not iso:
            return None
        try:
            from zoneinfo import ZoneInfo

            moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(
                ZoneInfo(self.hotel.get("timezone", "UTC"))
            )
        except (ValueError, KeyError):
            return None
        return (
            moment.strftime("%-I:%M %p")
            .replace("AM", "in the morning")
            .replace("PM", "in the afternoon" if moment.hour < 18 else "in the evening")
        )

    # -- tool results ---------------------------------------------------------------------------

    def _on_request_service(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
        if (r.code or output.get("code")) == CANNOT_CHECK_NOW:
            d.asked = Asked.TRANSFER
            return self._say(CANNOT_CHECK, S.SERVICE_REQUEST)
        if r.failed:
            d.service.last_name = None  # the room stays: a corrected name alone, or a new room, tries again
            d.verify_failures += 1
            if d.verify_failures >= MAX_VERIFY_FAILURES:
                d.asked = Asked.TRANSFER
                return self._say(
                    f"I'm sorry, {r.sorry()} Would you like me to transfer you to the front desk?", S.SERVICE_REQUEST
                )
            return self._ask(
                Asked.SERVICE_NAME,
                f"I'm sorry, {r.sorry()} Could you give me the room number again, and the guest's last name?",
                S.SERVICE_REQUEST,
            )
        when = self._local_time(output.get("estimated_completion"))
        what = (
            join_words(d.service.items)
            or ("your late check-out request" if hours_request(d.service.description or "") else None)
            or output["request_type"].replace("_", " ")
        )
        again = "I've put that in" in (d.pending_answer or "")  # the second request of one breath
        lead = "And" if again else "I've put that in:"
        filed = (
            f"{lead} {what} for room {output['room_number']}, reference {output['request_id']}."
            f"{' Expect it by about ' + when + '.' if when else ''}"
        )
        sv = d.service
        if sv.more:  # the next request said in the same breath, for the same room and guest
            department, words = sv.more.pop(0)
            d.pending_answer = " ".join(p for p in (d.pending_answer, filed) if p)
            sv.request_type, sv.description = department, words[:300]
            sv.items = [] if department == "maintenance" else items_of(words.lower())
            sv.priority = "urgent" if is_urgent(words.lower()) else "normal"
            return self._call(
                "request_service",
                {
                    "request_type": department,
                    "room_number": sv.room_number,
                    "last_name": sv.last_name,
                    "items": sv.items or None,
                    "description": sv.description,
                    "priority": sv.priority,
                },
                S.SERVICE_REQUEST,
            )
        return self._done(f"{filed} Is there anything else I can help you with?")
