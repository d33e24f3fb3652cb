"""Text normalisation shared by the intent classifier and the entity extractor."""

from __future__ import annotations

import re

from .numbers import digitise

_QUOTES_RE = re.compile(r"[\u2018\u2019\u02bc`\u00b4]")
_DQUOTES_RE = re.compile(r"[\u201c\u201d]")
_DASHES_RE = re.compile(r"[\u2010-\u2015]")
_HYPHEN_WORD_RE = re.compile(r"(?<=[a-z])-(?=[a-z])")
_CHECKIN_RE = re.compile(r"\bcheck(in|out)s?\b")
_CHECKED_RE = re.compile(r"\bcheck(ing|ed)(in|out)\b")
_SPACES_RE = re.compile(r"\s+")
_ORDINAL_SPACE_RE = re.compile(r"\b(\d{1,2}) (st|nd|rd|th)\b")
_WORD_RE = re.compile(r"[a-z0-9']+")


def clean(text: str) -> str:
    """Lower-case, unify quotes and dashes, split hyphenated words, collapse spaces."""
    t = text.lower()
    t = _QUOTES_RE.sub("'", t)
    t = _DQUOTES_RE.sub('"', t)
    t = _DASHES_RE.sub("-", t)
    t = _HYPHEN_WORD_RE.sub(" ", t)
    t = _CHECKIN_RE.sub(lambda m: "check " + m.group(1), t)
    t = _CHECKED_RE.sub(lambda m: f"check{m.group(1)} {m.group(2)}", t)
    return _SPACES_RE.sub(" ", t).strip()


def normalise(text: str) -> str:
    """clean() plus spoken numbers rewritten as digits ("twenty fifth" -> "25th")."""
    t = digitise(clean(text))
    return _ORDINAL_SPACE_RE.sub(r"\1\2", t)


def words(text: str) -> list[str]:
    """Word tokens of an already-cleaned text."""
    return _WORD_RE.findall(text)
