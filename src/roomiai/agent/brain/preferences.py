"""Room preferences: room type words, bed preference, smoking and special requests."""

from __future__ import annotations

import re

DEFAULT_ROOM_TYPES = (
    "presidential suite",
    "junior suite",
    "family suite",
    "executive suite",
    "honeymoon suite",
    "penthouse",
    "suite",
    "deluxe",
    "superior",
    "executive",
    "standard",
    "economy",
    "premium",
    "family room",
    "studio",
    "single room",
    "double room",
    "accessible room",
    "classic",
)

_BED_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "TWIN",
        re.compile(
            r"\b(?:twin|twins|2 (?:separate |single |double |queen |king |full )?beds|2 doubles|2 queens"
            r"|2 kings|separate beds|double double|double queen|two beds)\b"
        ),
    ),
    ("KING", re.compile(r"\bking(?: size| sized)?(?! ?(?:s\b|'s|street|st\b|cross|road))\b")),
    ("QUEEN", re.compile(r"\bqueen(?: size| sized)?(?! ?(?:s\b|'s|street|st\b|anne|mary|road))\b")),
]
_NON_SMOKING_RE = re.compile(
    r"\b(?:non ?smok(?:ing|er|ers)|no smoking|nonsmoking|smoke free|smoking free|don't smoke|do not smoke"
    r"|not smoking|not a smok(?:ing|er)|without smoking|never smoke)\b"
)
_SMOKING_RE = re.compile(
    r"\b(?:smoking (?:room|allowed|floor|is fine|please|permitted)|(?:a|the) smoking|i smoke|we smoke|smokers?"
    r"|where i can smoke|can i smoke|allow(?:s|ed)? smoking|smoking$)\b"
)

_REQUESTS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"\b(?:high|higher|top|upper) floor\b"), "high floor"),
    (re.compile(r"\b(?:low|lower|ground|bottom|1st) floor\b"), "low floor"),
    (
        re.compile(
            r"\bquiet(?:er)? (?:room|side|area)\b|\baway from (?:the )?(?:elevators?|lifts?|ice machine|street|noise)\b"
        ),
        "quiet room",
    ),
    (
        re.compile(
            r"\b(?:extra|more|additional|spare) (?P<item>pillows?|blankets?|towels?|bed|sheets|toiletries|"
            r"soap|shampoo|hangers|toilet paper|coffee|water|duvet|linen|linens)\b"
        ),
        None,
    ),
    (re.compile(r"\blate check out\b|\bcheck out late\b|\blater check out\b"), "late check-out"),
    (re.compile(r"\bearly check in\b|\bcheck in early\b|\bearlier check in\b"), "early check-in"),
    (re.compile(r"\b(?:baby )?(?:crib|cot|bassinet)s?\b"), "crib"),
    (re.compile(r"\b(?:roll ?away|rollaway|folding) (?:bed|cot)\b|\bsofa bed\b"), "rollaway bed"),
    (re.compile(r"\bhigh chair\b"), "high chair"),
    (re.compile(r"\b(?:connecting|adjoining|adjacent) rooms?\b|\brooms? next to each other\b"), "connecting rooms"),
    (
        re.compile(r"\b(?P<view>ocean|sea|city|garden|pool|mountain|lake|river|park|beach|harbou?r|skyline) view\b"),
        None,
    ),
    (re.compile(r"\bbalcony\b"), "balcony"),
    (
        re.compile(
            r"\bwheelchair(?: accessible| access)?\b|\b(?:accessible|ada) room\b|\broll in shower\b"
            r"|\bgrab bars?\b|\bmobility\b"
        ),
        "accessible room",
    ),
    (
        re.compile(r"\b(?:hypoallergenic|feather free|allergy friendly|allergic to feathers)\b"),
        "hypoallergenic bedding",
    ),
    (re.compile(r"\bairport (?:shuttle|pick ?up|transfer|transport)\b"), "airport shuttle"),
    (re.compile(r"\bparking (?:space|spot)\b"), "parking space"),
    (re.compile(r"\b(?P<occasion>anniversary|birthday|honeymoon)\b"), None),
    (re.compile(r"\b(?:bath ?tub|a bath)\b"), "bathtub"),
    (re.compile(r"\b(?:fridge|refrigerator|mini ?fridge|microwave)\b"), "fridge"),
    (re.compile(r"\bwake ?up call\b"), "wake-up call"),
]


def room_type_pattern(words: list[str]) -> re.Pattern[str]:
    """Regex matching any of the room type words (longest first, optional plural, optional "room")."""
    alts = sorted({w.lower().strip() for w in words if w.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", " ") for w in alts)
    return re.compile(rf"\b(?P<rt>{body})(?:e?s)?\b")


_COUNT_BEFORE_RE = re.compile(r"\b\d+ $")
_NEGATED_BEFORE_RE = re.compile(
    r"(?:\bnot (?:a |an |the )?|\binstead of (?:a |an |the )?|\brather than (?:a |an |the )?"
    r"|\bno |\bdon't want (?:a |an |the )?)$"
)


def find_room_type(text: str, pattern: re.Pattern[str]) -> str | None:
    """The room type word said last and not negated ("a suite instead of the deluxe" -> suite)."""
    best = None
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 22) : m.start()]
        if _NEGATED_BEFORE_RE.search(before):
            continue
        word = m.group("rt")
        if word in ("single room", "double room") and _COUNT_BEFORE_RE.search(before):
            continue
        if re.match(r"\s+of\b", text[m.end() :]) or (
            word == "family" and re.search(r"\b(?:my|our|your|his|her|whole|with)\s+$", before)
        ):
            continue  # "a family of three", "with my family": people, not the Family Room
        best = word
    return best


def find_bed(text: str) -> str | None:
    """ "KING", "QUEEN" or "TWIN" when a bed preference is said."""
    for value, pattern in _BED_PATTERNS:
        for m in pattern.finditer(text):
            if _NEGATED_BEFORE_RE.search(text[max(0, m.start() - 22) : m.start()]):
                continue
            return value
    return None


def find_smoking(text: str) -> bool | None:
    """False for non-smoking, True for a smoking room, None when not said."""
    if _NON_SMOKING_RE.search(text):
        return False
    if _SMOKING_RE.search(text):
        return True
    return None


def find_special_requests(text: str) -> str | None:
    """Special requests as a short comma-separated text ("high floor, extra pillows")."""
    found: list[str] = []
    for pattern, label in _REQUESTS:
        m = pattern.search(text)
        if not m:
            continue
        if label is None:
            groups = m.groupdict()
            if groups.get("item"):
                label = f"extra {groups['item']}"
            elif groups.get("view"):
                label = f"{groups['view']} view"
            else:
                label = groups.get("occasion") or m.group(0)
        if label not in found:
            found.append(label)
    return ", ".join(found) if found else None
