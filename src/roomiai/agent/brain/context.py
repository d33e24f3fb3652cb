"""What the agent's previous utterance asked: which slot, a yes/no question, a confirmation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import clean

_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.?!])\s+")
_WH_RE = re.compile(r"\b(?:what|when|which|how many|how long|where|who|whose)\b")
_SLOT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "check_out_date",
        re.compile(
            r"\b(?:check(?:ing)? ?out|leav(?:e|ing)|depart(?:ing|ure)?|until (?:when|what)|till when"
            r"|end date|last night|how long until|stay until)\b"
        ),
    ),
    (
        "check_in_date",
        re.compile(
            r"\b(?:check(?:ing)? ?in|arriv(?:e|ing|al)|get(?:ting)? there|go(?:ing)? there|start(?:ing)? date"
            r"|what (?:date|day|dates|days)|which (?:date|day|dates|days)|when (?:would|will|do|are|is|did)"
            r"|from when|from what date|come in|coming in|be there|your stay begin)\b"
        ),
    ),
    (
        "nights",
        re.compile(
            r"\b(?:how many (?:nights|days|night|day)|how long|number of (?:nights|days)|nights|for how many days)\b"
        ),
    ),
    ("rooms", re.compile(r"\b(?:how many rooms|number of rooms|rooms? (?:do|will|would) you (?:need|like|want))\b")),
    ("children", re.compile(r"\b(?:children|kids|any child|little ones)\b")),
    (
        "adults",
        re.compile(
            r"\b(?:how many (?:guests|people|persons|adults|of you|in your party|will be)|party size"
            r"|number of (?:guests|people|adults|persons)|for how many(?! (?:nights|days|rooms))|how many are"
            r"|guests will|who will be staying|how big is your party)\b"
        ),
    ),
    (
        "guest_name",
        re.compile(
            r"\b(?:(?:your|the|full|last|first) name|name (?:for|on|under) the|under (?:what|which) name"
            r"|what name|who (?:is|will) the (?:reservation|booking)|name,? please|who am i speaking"
            r"|who(?:'s| is) (?:calling|this))\b"
        ),
    ),
    (
        "phone_number",
        re.compile(
            r"\b(?:phone|telephone|contact number|(?:mobile|cell) (?:number)?|number (?:where|to reach|we can)"
            r"|call you|reach you|callback number)\b"
        ),
    ),
    ("email", re.compile(r"\be ?mail\b")),
    (
        "confirmation_number",
        re.compile(
            r"\b(?:confirmation (?:number|code)|booking (?:number|reference|code|id)|reference (?:number|code))\b"
        ),
    ),
    ("room_type", re.compile(r"\b(?:(?:what|which) (?:type|kind|sort) of room|room type|type of room)\b")),
    ("bed_preference", re.compile(r"\b(?:bed|beds|king or|queen or)\b")),
    ("smoking", re.compile(r"\bsmoking\b")),
    ("special_request", re.compile(r"\b(?:special requests?|any requests?|requests? or preferences)\b")),
]
_YES_NO_START_RE = re.compile(
    r"^(?:so |ok(?:ay)?,? |and |also,? |great,? |alright,? |sure,? |perfect,? )?(?:is|are|do|does|did|would|will|shall"
    r"|should|can|could|may|have|has|was|were|want|wanna|need|you want|you need|you would|you'd"
    r"|how does|how do you feel)\b"
)
_CONFIRM_RE = re.compile(
    r"\b(?:(?<!i can )(?<!i )(?<!hereby )confirm(?!ed|ation| (?:to )?you)|confirmation (?:details|of the following)|is (?:that|this|it|everything) (?:correct|right|ok|okay|good|fine|alright)"
    r"|correct\?|right\?|ok\?|okay\?|shall i|should i|would you like (?:me )?to (?:book|reserve|go ahead|proceed|make)"
    r"|do you want (?:me )?to (?:book|reserve|go ahead|proceed|make)|can i (?:book|reserve)"
    r"|want (?:me )?to (?:book|reserve)|like (?:me )?to (?:book|reserve)|to (?:book|reserve) (?:it|this|that|the)"
    r"|go ahead|proceed|does that (?:sound|work)|sound good|how does that sound|to recap|to summari[sz]e"
    r"|just to (?:check|verify|make sure)|let me (?:confirm|repeat|read)|(?:will|would) that be|is this what you)"
)
_ANYTHING_ELSE_RE = re.compile(
    r"\b(?:anything else|something else|anything more|any other|help you with|assist you with|can i do for you"
    r"|other (?:task|thing|help|request)|further (?:assistance|help)|more help|need more|still need"
    r"|help (?:with )?(?:anything|something)|another (?:task|thing)|need anything|else (?:i|we) can"
    r"|what else|do for you today|more to do|you need more|anything i can|how (?:can|may) i (?:help|assist)"
    r"|what can i do for you)\b"
)
_SUMMARY_RE = re.compile(
    r"\b(?:check(?:ing)? ?in|check(?:ing)? ?out|arriv|from .{3,20} (?:to|until|through)|for \d+ (?:days?|nights?|rooms?)"
    r"|\d+ rooms?|reservation (?:for|at)|room at|book(?:ing)? (?:a |\d )?rooms?)"
)
_PROPOSE_RE = re.compile(
    r"\b(?:(?:like|want|wanna|need|interested in) (?:me to )?(?:make |have |get )?(?:a |the |your )?(?:reservation|booking)"
    r"|(?:wanna|want to|like to|wish to|ready to|care to) (?:book|reserve|make)|(?:reserve|book) (?:it|this|that|the|a room)"
    r"|make (?:a|the) (?:reservation|booking)|with your permission)\b"
)
_DONE_RE = re.compile(
    r"\b(?:(?:has|have) been (?:made|booked|reserved|confirmed|placed|completed|done|changed|cancel+ed|updated)"
    r"|is (?:booked|reserved|confirmed|complete|done|successful|made|all set|cancel+ed|updated)"
    r"|was (?:successful|made|booked|reserved|completed|confirmed|a success)|successfully|you(?:'re| are) all set"
    r"|(?:booking|reservation) is (?:complete|made|confirmed|done|successful|all set)|i(?:'ve| have) (?:booked|reserved|made|cancel+ed|completed|confirmed|changed|updated|set up)"
    r"|you have (?:a|your) (?:reservation|room|booking)|got (?:a|your) (?:reservation|room)|enjoy your)\b"
)
_OFFER_RE = re.compile(
    r"\b(?:how about|what about|what do you think|there(?:'s| is) (?:a|an|the)|i found|i have found|found \d+"
    r"|one (?:option|choice) is|rated|rating|stars?|might (?:like|want|suit)"
    r"|i (?:can )?(?:suggest|recommend)|is a (?:nice|good|great)|are you ok with|you might)\b"
)

_DATE_WORD_RE = re.compile(
    r"\b(?:today|tomorrow|tonight|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}(?:st|nd|rd|th)"
    r"|\d+ (?:days?|nights?|rooms?))\b"
)

_REQUEST_VALUE_RE = re.compile(
    r"\b(?:may i (?:have|get|ask|take)|can i (?:have|get|take)|could i (?:have|get|take)|could you (?:give|tell|provide|spell)"
    r"|can you (?:give|tell|provide|spell)|would you (?:give|tell|provide|spell)|what(?:'s| is| are)? (?:your|the)"
    r"|please (?:give|tell|provide|spell|say)|how many|which|what)\b"
)
_ASKING_RE = re.compile(
    r"\b(?:please (?:tell|give|provide|say|spell|confirm|let)|tell me|give me|let me (?:have|know|get)|i(?:'ll| will)? need"
    r"|may i|can i|could i|could you|can you|what|when|which|how|who)\b"
)
_VERIFY_RE = re.compile(
    r"\b(?:will you|are you|is (?:it|that|this|your)|do you want|would you like|shall i|should i|did you|was it"
    r"|correct|right)\b"
)
_EXPLICIT_IN_RE = re.compile(r"\b(?:check(?:ing)? ?in|arriv\w*|get(?:ting)? there|start\w*|from when|begin\w*)\b")
_BOOKING_TOPIC_RE = re.compile(
    r"\b(?:hotel|room|rooms|reserv\w*|book\w*|stay|check(?:ing)? ?in|check(?:ing)? ?out|suite)\b"
)


@dataclass(frozen=True)
class AgentTurn:
    """What the agent's previous utterance was doing, as the NLU needs it."""

    asked_slots: frozenset[str]
    yes_no: bool
    confirm: bool
    anything_else: bool
    done: bool
    offer: bool
    question: bool
    dates: bool
    summary: bool = False
    about_booking: bool = False
    requests_value: bool = False

    @property
    def polar(self) -> bool:
        """True when a bare "yes"/"no" is an answer to this turn."""
        return self.yes_no or self.confirm or self.anything_else


def _last_question(text: str) -> str:
    sentences = [s for s in _SENTENCE_SPLIT_RE.split(text) if s.strip()]
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    if questions:
        return questions[-1]
    return sentences[-1] if sentences else ""


def read_agent_turn(previous_agent: str) -> AgentTurn:
    """Analyse the agent's previous utterance."""
    text = clean(previous_agent or "")
    if not text:
        return AgentTurn(frozenset(), False, False, False, False, False, False, False)
    last = _last_question(text)
    asked: set[str] = set()
    asking = last.rstrip().endswith("?") or bool(_ASKING_RE.search(last))
    for slot, pattern in _SLOT_PATTERNS:
        if asking and pattern.search(last):
            asked.add(slot)
    if "check_out_date" in asked and "check_in_date" in asked and not _EXPLICIT_IN_RE.search(last):
        asked.discard("check_in_date")
    question = "?" in text
    anything_else = bool(_ANYTHING_ELSE_RE.search(last))
    done = bool(_DONE_RE.search(text))
    confirm = (
        bool(_CONFIRM_RE.search(last))
        or bool(_PROPOSE_RE.search(last))
        or (
            not done
            and not anything_else
            and bool(_SUMMARY_RE.search(last))
            and not _wh_question(last)
            and bool(_DATE_WORD_RE.search(last))
        )
    )
    yes_no = bool(_YES_NO_START_RE.search(last)) and last.rstrip().endswith("?")
    offer = bool(_OFFER_RE.search(last)) and not confirm
    dates = bool(_DATE_WORD_RE.search(text))
    summary = confirm and bool(_DATE_WORD_RE.search(text)) and not bool(_PROPOSE_RE.search(last))
    about_booking = bool(_BOOKING_TOPIC_RE.search(text))
    requests_value = bool(asked) and bool(_REQUEST_VALUE_RE.search(last)) and not _VERIFY_RE.search(last)
    return AgentTurn(
        frozenset(asked),
        yes_no,
        confirm,
        anything_else,
        done,
        offer,
        question,
        dates,
        summary,
        about_booking,
        requests_value,
    )


def _wh_question(sentence: str) -> bool:
    return bool(_WH_RE.search(sentence))
