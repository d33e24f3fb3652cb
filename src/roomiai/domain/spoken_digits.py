"""Digits in written or spoken words ('4111 1111', 'four one one one', 'double one', 'oh five', 'um' between groups)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}

_TOKEN_RE = re.compile(r"\d+|[a-z][a-z']*|[+(),.\-/#]")
_FILLERS = {"uh", "um", "umm", "uhm", "erm", "er", "ah", "hmm", "and", "then"}
_SEPARATORS = {",", "-", ".", "(", ")", "+", "/", "#", "dash", "hyphen", "space", "slash"}
_MULTIPLIERS = {"double": 2, "triple": 3, "treble": 3}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class DigitGroup:
    """One written number or spoken digit word of a run: where it is, its digits, and the text before it in the run."""

    start: int
    end: int
    digits: str
    joiner: str  # the text between this group and the one before it ('' for the run's first group)


def digit_groups(text: str) -> list[list[DigitGroup]]:
    """Runs of spoken or written digits, each as its groups; separators and fillers between groups keep a run going."""
    text = text.translate(_ASCII_LOWER)  # same length, so positions hold in the original text
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    runs: list[list[DigitGroup]] = []
    run: list[DigitGroup] = []
    pending_mult, pending_start = 1, -1
    i = 0

    def flush() -> None:
        nonlocal run
        if run:
            runs.append(run)
        run = []

    while i < len(tokens):
        tok, s, e = tokens[i]
        digits, consumed = _digits_at(tokens, i, in_run=bool(run))
        if digits is None and tok in _MULTIPLIERS and _next_is_digit(tokens, i):
            pending_mult, pending_start = _MULTIPLIERS[tok], s
            i += 1
            continue
        if digits is not None:
            start = pending_start if pending_start >= 0 else s
            end = tokens[i + consumed - 1][2]
            joiner = text[run[-1].end : start] if run else ""
            run.append(DigitGroup(start, end, digits * pending_mult if len(digits) == 1 else digits, joiner))
            pending_mult, pending_start = 1, -1
            i += consumed
            continue
        if run and (tok in _SEPARATORS or tok in _FILLERS):
            i += 1
            continue
        flush()
        pending_mult, pending_start = 1, -1
        i += 1
    flush()
    return runs


def digit_runs(text: str) -> list[tuple[int, int, str]]:
    """Runs of spoken or written digits as (char start, char end, digits)."""
    return [(run[0].start, run[-1].end, "".join(group.digits for group in run)) for run in digit_groups(text)]


def _digits_at(tokens: list[tuple[str, int, int]], i: int, *, in_run: bool) -> tuple[str | None, int]:
    """The digits token i stands for and how many tokens it takes ('twenty-eight' takes three), or (None, 1)."""
    tok = tokens[i][0]
    if tok.isdigit():
        return "".join(str(unicodedata.decimal(char)) for char in tok), 1
    if tok in TENS:
        for skip in (1, 2):  # 'twenty eight', 'twenty-eight'
            if i + skip < len(tokens) and (skip == 1 or tokens[i + 1][0] == "-"):
                unit = UNITS.get(tokens[i + skip][0], 0)
                if 0 < unit < 10:
                    return str(TENS[tok] + unit), skip + 1
        return str(TENS[tok]), 1
    if tok in UNITS and UNITS[tok] >= 10:
        return str(UNITS[tok]), 1
    if tok in DIGIT_WORDS and (tok not in ("o", "oh") or in_run or _next_is_digit(tokens, i)):
        return DIGIT_WORDS[tok], 1
    if tok == "hundred" and in_run:
        return "00", 1
    if tok == "thousand" and in_run:
        return "000", 1
    return None, 1


def _next_is_digit(tokens: list[tuple[str, int, int]], i: int) -> bool:
    if i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1][0]
    return nxt.isdigit() or nxt in DIGIT_WORDS and nxt not in ("o",) or nxt in ("oh",)
