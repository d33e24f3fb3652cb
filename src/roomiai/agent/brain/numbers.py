"""Spoken numbers: cardinal and ordinal words to integers, and digits-in-text normalisation."""

from __future__ import annotations

import re

from ...domain.spoken_digits import TENS, UNITS  # the one vocabulary of number words

ORDINAL_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30}
SMALL_COUNTS = {"a": 1, "an": 1, "single": 1, "one": 1, "couple": 2, "pair": 2, "both": 2}

_WORD_RE = re.compile(
    r"\b(?:(?P<tens>twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[ -](?P<unit>one|two|three|four|five|six|seven|eight|nine"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))?"
    r"|(?P<ordtens>twentieth|thirtieth)"
    r"|(?P<single>zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth))\b"
)
_SPOKEN_YEAR_RE = re.compile(
    r"\b(?:twenty|two thousand(?: and)?) (?P<yy>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|(?:twenty|thirty)(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?)\b"
)
_YEAR_CONTEXT_RE = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
    r"|jun|jul|aug|sep|sept|oct|nov|dec|st|nd|rd|th|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|teenth|tieth|year|in|of),? $"
)
_ORDINAL_DIGITS_RE = re.compile(r"(\d+)(?:st|nd|rd|th)")
_HUNDRED_RE = re.compile(r"\b(\d{1,2}) hundred(?: and)?(?: (\d{1,2}))?\b")
_SECOND_IDIOM_RE = re.compile(r"\b(?:a|one|just a|wait a|hold on a) second\b")


def ordinal_suffix(n: int) -> str:
    """English ordinal suffix for n ("st", "nd", "rd", "th")."""
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def word_to_int(word: str) -> int | None:
    """Integer value of a single cardinal/ordinal word or digit string, else None."""
    w = word.lower().strip()
    if w.isdigit():
        return int(w)
    m = _ORDINAL_DIGITS_RE.fullmatch(w)
    if m:
        return int(m.group(1))
    for table in (UNITS, TENS, ORDINAL_UNITS, ORDINAL_TENS, SMALL_COUNTS):
        if w in table:
            return table[w]
    parts = w.replace("-", " ").split()
    if len(parts) == 2 and parts[0] in TENS:
        unit = UNITS.get(parts[1]) or ORDINAL_UNITS.get(parts[1])
        if unit and unit < 10:
            return TENS[parts[0]] + unit
    return None


def _replace(m: re.Match[str]) -> str:
    if m.group("ordtens"):
        n = ORDINAL_TENS[m.group("ordtens")]
        return f"{n}th"
    if m.group("tens"):
        n = TENS[m.group("tens")]
        unit = m.group("unit")
        if unit is None:
            return str(n)
        if unit in ORDINAL_UNITS:
            n += ORDINAL_UNITS[unit]
            return f"{n}{ordinal_suffix(n)}"
        return str(n + UNITS[unit])
    word = m.group("single")
    if word in UNITS:
        return str(UNITS[word])
    n = ORDINAL_UNITS[word]
    return f"{n}{ordinal_suffix(n)}"


def _year(m: re.Match[str]) -> str:
    if not _YEAR_CONTEXT_RE.search(m.string[max(0, m.start() - 12) : m.start()]):
        return m.group(0)
    yy = m.group("yy").replace("-", " ").split()
    value = UNITS.get(yy[0]) or TENS.get(yy[0], 0)
    if len(yy) > 1:
        value += UNITS[yy[1]]
    return str(2000 + value)


def digitise(text: str) -> str:
    """Rewrite number words as digits: "twenty fifth" -> "25th", "three nights" -> "3 nights"."""
    text = _SECOND_IDIOM_RE.sub(lambda m: m.group(0).replace("second", "moment"), text)
    text = _SPOKEN_YEAR_RE.sub(_year, text)
    text = _WORD_RE.sub(_replace, text)
    return _HUNDRED_RE.sub(lambda m: str(int(m.group(1)) * 100 + int(m.group(2) or 0)), text)
