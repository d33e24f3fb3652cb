"""Has the caller finished? "My name is" and "It's 415 555" have not; "Sarah Connor." has.

A fast transcript lets Roomi take her turn soon after the caller stops, which would also cut off a caller who pauses
mid-sentence. This detector reads the words heard so far, and what Roomi asked last: a turn that stops on a word that
needs another (an article, a preposition, "is" after a noun, "can I bring"), on a comma, on a month without its day,
or on fewer digits than the number being given needs (a phone number asked for and 7 digits heard) is held for
`unfinished_turn_seconds` (livekit's endpointing max_delay) instead of the short delay; a finished one ("Thank you.",
"Yes, it is.", "What's it close to?") is not. It runs in microseconds and needs no model. A first half that is a
whole sentence by itself ("I'd like to book a room." ... "from the 20th") cannot be told apart by its words.
"""

from __future__ import annotations

import re

from livekit.agents import llm

from ..domain.spoken_digits import digit_runs

UNFINISHED, FINISHED = 0.0, 1.0
THRESHOLD = 0.5

SUBJECTS = frozenset("i we you they he she it that this there".split())
AUXILIARIES = frozenset("is are was were am be been being can could would will shall should may might must".split())
NEEDS_MORE = frozenset(  # never the last word of a sentence a caller means to end
    """
a an the my our your his their its mr mrs ms dr mister
to from for of in on at by with about into onto until till between than through during via per around after before
and or but because if plus nor whether although unless
it's that's there's here's what's i'm we're you're they're he's she's i'd we'd i'll we'll i've we've
like um uh er erm umm uhm dot
""".split()
)
PREPOSITIONS = frozenset("to from for of in on at by with about into like around after before".split())
WANTS_OBJECT = frozenset(  # "can I bring", "do you have", "I'd like to book", "I was wondering"
    "bring get have need want book reserve take add make give send put use find wondering calling".split()
)
PARTICLES = frozenset("in on out up off over back down by around".split())
PHRASAL = frozenset(  # "check in", "hold on", "look around": a particle that ends the verb, not a preposition
    "check checking checked come coming log sign signing pick picking drop dropping hold go carry turn move moving "
    "fill show call stop stopping set settle settling stay staying look looking get getting plug sit".split()
)
WH_WORDS = frozenset("what which who whom where when how why what's where's who's how's when's".split())
ASKING = AUXILIARIES | {"do", "does", "did"}
FRONT = frozenset(
    "yes yeah yep no nope sure okay ok oh well um uh so and but hi hello hey there morning afternoon evening".split()
)
ENDS_A_PRONOUN = frozenset("than as and do does did am are is".split())
ANSWERS = frozenset("yes yeah yep no nope sure".split())
TIME_WORDS = frozenset("day night week weekend morning evening month year soon long ever right".split())
NAME_NOUNS = frozenset("name surname number phone email address cell mobile".split())
INTRODUCERS = frozenset("my our the".split())  # "my number", "the name": the value comes next; "your number?" asks
MONTHS = frozenset("january february march april may june july august september october november december".split())
BEFORE_A_DATE = frozenset("on from until till to through arriving arrive leaving leave checking starting".split())
MIN_DIGITS = {"phone": 10, "confirmation": 11, "card": 15}
_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE_END = re.compile(r"[.?!]+\s+")
_DATE_QUESTION = re.compile(r"\b(?:dates?|when|check(?:ing)?[- ]in|check(?:ing)?[- ]out|arriv\w*|leav\w*)\b")
_ROOM_NUMBER = re.compile(r"\broom\s*(?:number\s*)?(?:is\s*)?$")
_NUMBER_CUES = [  # (kind, in the caller's words before the number, in Roomi's question)
    (
        "confirmation",
        re.compile(r"\b(?:confirmation|reference|booking number|reservation number)\b|\broomi\W*$"),
        re.compile(r"\b(?:confirmation|reference) (?:number|code)"),
    ),
    ("card", re.compile(r"\bcard\b"), re.compile(r"\bcard number")),
    (
        "phone",
        re.compile(r"\b(?:phone|cell|mobile|telephone|reach me|call me|contact|digits|number)\b"),
        re.compile(r"\b(?:phone|cell|mobile|contact) number|number to reach|reach you"),
    ),
]


def sounds_unfinished(text: str, *, asked: str = "") -> bool:
    """True when the words stop where a sentence cannot; `asked` is what Roomi said last ("What's your phone number?")."""
    stripped = text.strip().replace("\u2019", "'")
    if not stripped:
        return False
    if stripped.endswith((",", "-", ":")) and not stripped.endswith(("...", "\u2026")):
        return True  # Whisper's trailing "..." is no cue on its own ("No...", "a pool view..."): the words decide
    if number_cut_short(stripped, asked):
        return True
    sentence = _WORD.findall(_SENTENCE_END.split(stripped.lower())[-1])
    return bool(sentence) and dangles(sentence, date_asked=bool(_DATE_QUESTION.search(asked.lower())))


def dangles(words: list[str], *, date_asked: bool = False) -> bool:
    """The last word of this sentence needs another after it; `date_asked`: Roomi asked for a date."""
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    stranded = any(word in WH_WORDS for word in words[:-2])  # "What's it for?", "What can I bring?"
    if last in PARTICLES and before in PHRASAL:
        return False  # "Can I check in?", "hold on"
    if last in WANTS_OBJECT:
        return not stranded and words[0] not in ANSWERS and not _gap_before(words, 1)  # "all I need"
    if last in MONTHS and (last != "may" or before in PREPOSITIONS or before in BEFORE_A_DATE):
        no_day = not any(word[0].isdigit() for word in words[-4:-1])
        return (before in BEFORE_A_DATE or date_asked) and no_day  # "arriving on June", "January" to "what date?"
    if last in AUXILIARIES:
        return before not in SUBJECTS  # "My name is" vs "Yes, it is"
    if last == "you":
        return before in ASKING  # "could you" vs "thank you"
    if last in ("i", "we", "they", "he", "she"):
        return before not in ENDS_A_PRONOUN  # "yes, I" vs "my wife and I", "so do we"
    if last in NAME_NOUNS:
        owner = before if before in INTRODUCERS else (words[-3] if len(words) > 2 else "")
        return owner in INTRODUCERS and not _asks(words)  # "my number", "the name" vs "what's the address?"
    if last in PREPOSITIONS:
        if stranded or _gap_before(words, 2):
            return False  # "the room we talked about"
        if (last in ("after", "before") and before in TIME_WORDS) or (last == "of" and before in ("kind", "sort")):
            return False  # "the day after", "kind of"
        return not (last == "to" and words[0] in ANSWERS)  # "Yes, I'd love to."
    return last in NEEDS_MORE


def _asks(words: list[str]) -> bool:
    opening = next((word for word in words if word not in FRONT), "")
    return opening in ASKING or any(word in WH_WORDS for word in words)


def _gap_before(words: list[str], verb_words: int) -> bool:
    """ "all I need", "the one we talked about": noun, subject, verb with its object moved before them."""
    if len(words) < verb_words + 2:
        return False
    noun, subject = words[-verb_words - 2], words[-verb_words - 1]
    return (
        subject in (SUBJECTS - {"it", "that", "this", "there"}) | {"i'm", "we're", "you're", "they're", "i've"}
        and noun not in FRONT
        and noun not in NEEDS_MORE
        and noun not in ASKING
        and noun not in WH_WORDS
        and noun not in WANTS_OBJECT
    )


def number_cut_short(text: str, asked: str) -> bool:
    """The transcript ends in a number with fewer digits than the one the caller is giving ("It's 415 555")."""
    runs = digit_runs(text)
    if not runs:
        return False
    start, end, digits = runs[-1]
    if text[end:].strip(" .,;!?") != "":
        return False  # words after the number: it is not where the caller stopped
    kind = expected_number(text[:start].lower()[-40:], asked.lower())
    if kind:
        return len(digits) < MIN_DIGITS[kind]
    return 5 <= len(digits) <= 9  # a phone number read in groups, stopped between them


def expected_number(before: str, asked: str) -> str | None:
    """Which number the caller is reading out: from the words just before it, else from Roomi's question."""
    if _ROOM_NUMBER.search(before):
        return None  # "room 305", "room number 412"
    for kind, said, _ in _NUMBER_CUES:
        if said.search(before):
            return kind
    return next((kind for kind, _, question in _NUMBER_CUES if question.search(asked)), None)


def last_question(chat_ctx: llm.ChatContext) -> str:
    """What Roomi said last before the caller's words now being judged."""
    seen_caller = False
    for item in reversed(chat_ctx.items):
        if item.type != "message":
            continue
        if item.role == "user":
            seen_caller = True
        elif item.role == "assistant" and seen_caller:
            return item.text_content or ""
    return ""


class TranscriptTurnDetector:
    """livekit's turn-detector interface over `sounds_unfinished`, for the caller's latest words."""

    @property
    def model(self) -> str:
        return "unfinished-words"

    @property
    def provider(self) -> str:
        return "roomiai"

    async def unlikely_threshold(self, language: str | None) -> float | None:
        return THRESHOLD

    async def supports_language(self, language: str | None) -> bool:
        return True

    async def predict_end_of_turn(self, chat_ctx: llm.ChatContext, *, timeout: float | None = None) -> float:
        for item in reversed(chat_ctx.items):
            if item.type == "message" and item.role == "user":
                heard = item.text_content or ""
                return UNFINISHED if sounds_unfinished(heard, asked=last_question(chat_ctx)) else FINISHED
        return FINISHED
