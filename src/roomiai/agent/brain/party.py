"""Party size: adults and children from "me and my wife and two kids", "a family of five"."""

from __future__ import annotations

import re

from .numbers import SMALL_COUNTS

_N = r"(?P<n>\d{1,2}|a|an|one|single|couple of|pair of)"
_KIDS = r"(?:kids?|children|child|childs|infants?|bab(?:y|ies)|toddlers?|teens?|teenagers?|little ones?|minors?)"
_ADULT_COMPANIONS = (
    r"wife|husband|partner|girlfriend|boyfriend|friend|colleague|coworker|co worker|spouse|fianc[eé]e?"
    r"|mom|mum|mother|dad|father|sister|brother|boss|assistant|mother in law|father in law|grandma"
    r"|grandmother|grandpa|grandfather|aunt|uncle|cousin|roommate|buddy|other half|plus one|date"
)
_ADULT_GROUPS = r"parents|grandparents|in laws"
_CHILD_COMPANIONS = r"son|daughter|kid|child|baby|boy|girl|toddler|infant|little one"

_ADULTS_RE = re.compile(rf"\b{_N} (?:grown ups?|adults?)\b")
_CHILDREN_RE = re.compile(
    rf"\b{_N} (?:of (?:them|whom|us) (?:are |being |will be )?)?(?:young |small |little )?{_KIDS}\b"
)
_NO_CHILDREN_RE = re.compile(rf"\b(?:no|without|zero|0) {_KIDS}\b|\bjust adults\b|\badults only\b")
_PEOPLE_RE = re.compile(
    r"\b(?P<n>\d{1,2}) (?:people|persons?|ppl|guests?|pax|travell?ers|individuals|occupants|visitors|heads)\b"
    r"|\b(?:party|group|family|team) of (?P<n2>\d{1,2})\b"
    r"|\b(?:we are|we're|we will be|we'll be|there are|there will be|there'll be|it's|it will be|it'll be) "
    r"(?P<n3>\d{1,2})(?![ ,\-]*\d)(?: of us)?\b(?! ?(?:rooms?|nights?|days?|st|nd|rd|th|am|pm|o'clock))"
    r"|\b(?P<n4>\d{1,2}) of us\b"
    r"|\b(?:room|reservation|booking|table|bed) for (?P<n5>\d{1,2})\b"
    r"(?! ?(?:nights?|days?|weeks?|rooms?|st\b|nd\b|rd\b|th\b|am\b|pm\b|o'clock|[:/.]\d))"
    r"|\b(?:for|sleeps?|accommodate|fit) (?P<n6>\d{1,2}) (?:people|persons|guests|adults)\b"
)
_SOLO_RE = re.compile(
    r"\b(?:just (?:me|myself|1 person|1 guest|1 adult|one person)|only me|only myself|by myself|on my own"
    r"|(?:travell?ing|going|coming|staying|be) (?:alone|solo)|just for me|just the 1 of me|myself only"
    r"|single traveller|single person|1 person|1 guest|1 adult|solo trip|i'm alone|i am alone|i'll be alone"
    r"|just (?:the )?(?:1|one) of (?:me|us)|it's (?:just|only) me|(?:just|only) me (?:travell?ing|staying|coming)"
    r"|me alone|(?:just|only) (?:for )?myself|(?:just|only) be me|be (?:just|only) me|(?:just|only) (?:the )?me)\b"
)
_SELF_AND_N_RE = re.compile(  # "me and 2 buddies", "myself plus three colleagues": the caller and that many adults
    rf"\b(?:me|myself|i),? (?:and|plus|with|\+) (?:my |our )?(?P<n>\d{{1,2}}) (?:other )?(?:more )?(?:{_ADULT_COMPANIONS}|mates?"
    r"|pals?|buddies|guys|girls|ladies|gents|folks|people|persons|others|adults|grown ups)s?\b"
)
_COUPLE_RE = re.compile(
    r"\b(?:(?:me|myself|i),? (?:and )?(?:my|the|a) (?:" + _ADULT_COMPANIONS + r")"
    r"|(?:my|the) (?:" + _ADULT_COMPANIONS + r") and (?:i|me|myself)"
    r"|with (?:my|the) (?:" + _ADULT_COMPANIONS + r")"
    r"|(?:my|the) (?:" + _ADULT_COMPANIONS + r")(?:, | )(?:me|myself)"
    r"|(?:a|just a|we're a|we are a|for a) couple\b(?! of))"
)
_ADULT_MENTION_RE = re.compile(
    rf"\b(?:my|our|the|a) (?P<n>\d{{1,2}} )?(?P<who>{_ADULT_COMPANIONS}|{_ADULT_GROUPS})s?\b"
)
_CHILD_MENTION_RE = re.compile(
    rf"\b(?:my|our|the|a|an|1|with) (?P<n>\d{{1,2}} )?(?:young |little |small |teenage |baby )?"
    rf"(?P<who>{_CHILD_COMPANIONS}|children|kids|sons|daughters|boys|girls|babies)\b"
)
_PARENT_AND_CHILD_RE = re.compile(
    r"(?:^|[,.;:!?-]|\b(?:be|is|it'?s|was|for|just|only|make it|make that|that'?s))\W*(?:(?:just|only)\W+)*"
    rf"(?:me|myself|i),? (?:and|with|plus) (?:(?:my|our|the|a) )?(?P<n>\d{{1,2}} )?(?:young |little |small )?"
    rf"(?P<who>(?:{_CHILD_COMPANIONS}|children)s?)\b(?!'s| (?:and|with|plus)\b)"
)
# "me and my kid", alone or as one clause of a longer sentence: one adult, with the child or children named
_SELF_RE = re.compile(r"\b(?:me|myself|i)\b")
_COUPLE_WORD_RE = re.compile(r"\bcouple\b(?! of)")
_FAMILY_RE = re.compile(r"\bfamily of (?P<n>\d{1,2})\b")


def _n(value: str | None) -> int:
    if value is None:
        return 1
    value = value.strip()
    if value.isdigit():
        return int(value)
    return SMALL_COUNTS.get(value.split()[0], 1)


def find_party(text: str) -> dict[str, int]:
    """Adults and children said in normalised text (digits already rewritten)."""
    out: dict[str, int] = {}
    m = _ADULTS_RE.search(text)
    if m:
        out["adults"] = _n(m.group("n"))
    m = _CHILDREN_RE.search(text)
    if m:
        out["children"] = _n(m.group("n"))
    elif _NO_CHILDREN_RE.search(text):
        out["children"] = 0
    if "adults" not in out:
        m = _FAMILY_RE.search(text)
        total = None
        if m:
            total = int(m.group("n"))
        else:
            m = _PEOPLE_RE.search(text)
            if m:
                total = int(next(v for v in m.groups() if v))
        if total is None and (with_n := _SELF_AND_N_RE.search(text)):
            total = 1 + int(with_n.group("n")) + out.get("children", 0)
        if total is not None and 0 < total <= 40:
            kids = out.get("children", 0)
            out["adults"] = total - kids if total > kids else total
        elif _COUPLE_RE.search(text):
            out.update(_companions(text, out.get("children")))
        elif parent := _PARENT_AND_CHILD_RE.search(text):
            out["adults"] = 1
            if parent.group("n") or not parent.group("who").endswith(("s", "children")):
                out.setdefault("children", _n(parent.group("n")))  # "me and the kids": how many is still to ask
        elif _SOLO_RE.search(text):
            out["adults"] = 1
            out.setdefault("children", 0)  # "just me": nobody else, no children either
    return out


def _companions(text: str, children: int | None) -> dict[str, int]:
    adults = 1 if _SELF_RE.search(text) else 0
    for m in _ADULT_MENTION_RE.finditer(text):
        who = m.group("who")
        n = _n(m.group("n")) if m.group("n") else (2 if who in ("parents", "grandparents", "in laws") else 1)
        adults += n
    if _COUPLE_WORD_RE.search(text) and adults < 2:
        adults = 2
    out = {"adults": max(adults, 1)}
    if children is None:
        kids = 0
        for m in _CHILD_MENTION_RE.finditer(text):
            who = m.group("who")
            if m.group("n"):
                kids += _n(m.group("n"))
            elif who in ("children", "kids", "sons", "daughters", "boys", "girls", "babies"):
                kids = -1000
            else:
                kids += 1
        if kids > 0:
            out["children"] = kids
    return out
