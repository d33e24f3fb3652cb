"""Questions about the rooms themselves: which rooms, and what about them (size, beds, view, who fits, a feature)."""

from __future__ import annotations

import re
from dataclasses import dataclass

ASPECTS: list[tuple[str, re.Pattern[str]]] = [
    ("beds", re.compile(r"\b(beds?|king|queen|twins?|double|sofa ?bed|bunks?)\b")),
    (
        "size",
        re.compile(
            r"\b(how big|big(?:ger|gest)?|large(?:r|st)?|small(?:er|est)?|size|square (?:feet|foot|met(?:er|re)s?)"
            r"|sq ?ft|spacious|roomy|space|room to move)\b"
        ),
    ),
    (
        "occupancy",
        re.compile(
            r"\b(how many (?:people|persons|guests|adults|of us)|sleeps?|fits?|capacity|occupancy"
            r"|(?:for|with) (?:a |the |my |our |small |young |big )*(?:famil(?:y|ies)|kids|children|child|toddlers?))\b"
        ),
    ),
    ("view", re.compile(r"\b(views?|look out|overlook\w*|ocean|sea|window)\b")),
]
PARTY_SIZE = re.compile(
    r"\b(?:sleeps?|fits?|for|takes?|holds?|accommodates?|with|of us|room for|are)\s+(?:up to\s+)?(\d|one|two|three|four|five|six|seven|eight)\b"
    r"(?!\s*(?:nights?|days?|weeks?|rooms?|beds?|am|pm|o'?clock))"
    r"|\b(\d|two|three|four|five|six|seven|eight)\s+(?:people|persons|guests|adults|of us)\b"
)
COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
OCCUPANCY = re.compile(r"famil(?:y|ies)")  # a room's short name that is also a word for the guests
SLEEPS = re.compile(r"\b(sleeps?|fit|fits)\b")
BOOKING = re.compile(
    r"\b(reserv\w*|book(?:ing)?|i need a room|i'?d like a room|looking for a room"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight) (?:adults?|people|kids|children|nights?))\b"
)
FEATURES: list[tuple[str, re.Pattern[str]]] = [
    ("tub", re.compile(r"\b(bath ?tubs?|baths?|tubs?|soak\w*|jacuzzi|whirlpool)\b")),
    ("balcony", re.compile(r"\b(balcon(?:y|ies)|terrace|patio)\b")),
    ("mini bar", re.compile(r"\b(mini ?bar)\b")),
    ("fridge", re.compile(r"\b(fridge|refrigerator)\b")),
    ("coffee", re.compile(r"\b(coffee(?: maker| machine)?|kettle|tea)\b")),
    ("espresso", re.compile(r"\b(espresso|nespresso)\b")),
    ("safe", re.compile(r"\b(?:a|the|in-?room) (safe)\b")),
    ("bathrobe", re.compile(r"\b((?:bath)?robes?)\b")),
    ("tv", re.compile(r"\b(tv|television)\b")),
    ("wifi", re.compile(r"\b(wi-?fi|internet)\b")),
    ("microwave", re.compile(r"\b(microwave)\b")),
    ("sitting area", re.compile(r"\b(sitting area|seating area|sofa|couch|living (?:room|area))\b")),
]
COMPARE = re.compile(
    r"\b(differen\w*|differ|compare\w*|comparison|vs|versus|better|best|recommend\w*|suggest\w*|upgrade"
    r"|tell me (?:more )?about|describe|what(?:'s| is| are) (?:the )?\w+(?: \w+)? like|what do you get|what comes with"
    r"|what(?:'s| is) in (?:the|a)|what(?:'?s| is| do you get| comes?) (?:included|with)|(?!cheaper|pricier|dearer|costlier)\w+er than)\b"
)
WHICH_ROOMS = re.compile(
    r"\b(?:which|what|any|all|every|each|none) (?:of (?:the|your) )?(?:rooms?|suites?|ones?|types?)\b|\bwhich (?:has|have|comes?)\b"
)
GENERIC_ROOM = re.compile(
    r"\b(rooms?|suites?|which (?:one|ones|is|would|do|has|have)|the other one|that one|this one|it)\b"
)
BOTH = re.compile(r"\b(them|both|the two|those two|these two|either)\b")  # "what's the difference between them?"
VIEW_KIND = re.compile(
    r"\b(ocean|sea|beach|pool|garden|city|mountains?|lake|river|park|courtyard|harbou?r|skyline|marina)"
    r"(?:[- ](?:views?|facing|side|front))?\b|\b(?:views?|look(?:s|ing)? out) (?:of|on|onto|over|at) (?:the )?(\w+)"
)


UNLISTED = re.compile(
    r"\b(?:with|have|has|got|come with|includes?) (?:a|an|its own|their own|a private|private) "
    r"(?!(?:room|suite|view|bed|nice|good|big|large|small|lot|few|couple)\b)([a-z]{4,})\b(?!\s+(?:view|bed)s?\b)"
)  # a thing asked of the rooms that FEATURES does not list: "do you have rooms with a kitchen?"


@dataclass(frozen=True)
class RoomQuestion:
    """What a caller asks about which rooms: an aspect (size, occupancy, beds, view, feature, describe)."""

    aspect: str
    codes: tuple[str, ...] = ()
    feature: str | None = None

    def topic(self) -> str:
        """The hotel_info topic for it, e.g. 'rooms size: DLX STD' or 'rooms feature tub: STE'."""
        aspect = f"{self.aspect} {self.feature}" if self.feature else self.aspect
        return f"rooms {aspect}: {' '.join(self.codes)}".rstrip(": ").rstrip()


TOPIC = re.compile(r"^rooms (size|occupancy|beds|view|describe|feature)(?: ([a-z0-9 ]+?))?(?::\s*([A-Z0-9_ ]*))?$")


def parse_topic(topic: str) -> RoomQuestion | None:
    """The RoomQuestion a 'rooms ...' topic names, else None."""
    m = TOPIC.match(topic.strip())
    if not m:
        return None
    codes = tuple((m.group(3) or "").split())
    if m.group(1) == "feature" and not m.group(2):
        return None
    return RoomQuestion(m.group(1), codes, m.group(2) if m.group(1) in ("feature", "view", "occupancy") else None)


def rooms_named(lower: str, room_words: dict[str, str]) -> tuple[str, ...]:
    """Room type codes a sentence names, in the order said ('the deluxe or the standard' → DLX, STD)."""
    found: list[tuple[int, str]] = []
    covered: list[range] = []
    for word, code in sorted(room_words.items(), key=lambda item: -len(item[0])):
        for m in re.finditer(rf"\b{re.escape(word)}\b", lower):
            if not _names_a_room(word, lower, m):
                continue
            if not any(m.start() in span for span in covered):
                found.append((m.start(), code))
                covered.append(range(m.start(), m.end()))
    return tuple(dict.fromkeys(code for _, code in sorted(found)))


def party_size(lower: str) -> str | None:
    """How many must fit ('which rooms sleep four' → '4'), or None when the question names no number."""
    m = PARTY_SIZE.search(lower)
    if not m:
        return None
    said = m.group(1) or m.group(2)
    return str(COUNTS.get(said, said))


def view_kind(lower: str) -> str | None:
    """The view asked for ('which rooms have an ocean view' → ocean), or None for views in general."""
    m = VIEW_KIND.search(lower)
    kind = m and (m.group(1) or m.group(2))
    return kind if kind and kind not in ("the", "a", "it", "room", "rooms") else None


def features_of(lower: str) -> list[str]:
    """Every feature a clause names, in the order of FEATURES."""
    return [name for name, pattern in FEATURES if pattern.search(lower)]


def feature_of(lower: str) -> str | None:
    for name, pattern in FEATURES:
        if pattern.search(lower):
            return name
    return None


def room_question(
    lower: str, room_words: dict[str, str], *, previous: RoomQuestion | None = None
) -> RoomQuestion | None:
    """The room question in a clause, or None: 'does the suite have a bath' → feature tub of STE."""
    if BOOKING.search(lower) and not COMPARE.search(lower) and not SLEEPS.search(lower):
        return None  # "can I reserve a room, 1 adult and no children" asks for a room, not about one
    codes = rooms_named(lower, room_words)
    if not codes and not GENERIC_ROOM.search(lower) and not (BOTH.search(lower) and COMPARE.search(lower)):
        return None
    rest = re.sub(r"\s+", " ", without_room_names(lower, room_words))  # "the family room" asks about no family
    which = codes or re.search(r"\b(which|what|any|all|every|each|rooms?|suites?|one|ones|it)\b", rest)  # which rooms
    feature = feature_of(rest)
    if feature and (codes or WHICH_ROOMS.search(rest)):  # "is there a minibar in the room?" is the amenities question
        return RoomQuestion("feature", codes, feature)
    party = party_size(rest)
    if (
        party
        and which
        and re.search(r"\b(?:big|large|enough|room for|space for|sleeps?|fits?|holds?|takes?|accommodates?)\b", lower)
    ):
        return RoomQuestion("occupancy", codes, party)  # "is the standard big enough for four of us?"
    for aspect, pattern in ASPECTS:
        if pattern.search(rest) and which:
            detail = view_kind(rest) if aspect == "view" else party_size(rest) if aspect == "occupancy" else None
            return RoomQuestion(aspect, codes, detail)
    unlisted = UNLISTED.search(rest)
    if unlisted and (codes or WHICH_ROOMS.search(rest) or re.search(r"\brooms? with\b", rest)):
        return RoomQuestion("feature", codes, unlisted.group(1))  # "rooms with a kitchen?": the rooms' own facts say
    if COMPARE.search(rest) and (codes or re.search(r"\brooms?\b", rest) or BOTH.search(rest)):
        return RoomQuestion("describe", codes)
    if (
        previous
        and codes
        and re.search(r"^\W*(?:and |so |ok(?:ay)? |um+ )?(?:what|how) about\b|^\W*and (?:the|a|for the)\b", lower)
    ):
        # "how big is the deluxe?" … "what about the suite?"
        return RoomQuestion(previous.aspect, codes, previous.feature)
    return None


def without_room_names(lower: str, room_words: dict[str, str]) -> str:
    for word in sorted(room_words, key=len, reverse=True):

        def placeholder(m: re.Match[str], word: str = word) -> str:
            return " room " if _names_a_room(word, m.string, m) else m.group(0)

        lower = re.sub(rf"\b{re.escape(word)}\b", placeholder, lower)
    return lower


def _names_a_room(word: str, lower: str, m: re.Match[str]) -> bool:
    """'better for a family' speaks of the guests; 'the family' and 'family room' name the room."""
    if not OCCUPANCY.fullmatch(word):
        return True
    return bool(re.match(r"\s+rooms?\b", lower[m.end() :])) or lower[: m.start()].endswith("the ")
