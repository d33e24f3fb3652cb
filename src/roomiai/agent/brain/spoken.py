"""Spoken or typed phone numbers, e-mail addresses and RoomiAI confirmation numbers."""

from __future__ import annotations

import re

from ...domain.spoken_digits import DIGIT_WORDS, digit_runs

_WRITTEN_EMAIL_RE = re.compile(r"[a-z0-9][a-z0-9._%+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
_TLDS = {
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "io",
    "co",
    "uk",
    "us",
    "ca",
    "de",
    "fr",
    "info",
    "biz",
    "me",
    "ai",
    "au",
    "in",
    "nl",
    "es",
    "it",
    "ie",
    "nz",
    "app",
    "dev",
    "mail",
    *"mil jp cn kr br mx ch be se dk fi pl pt gr za sg hk ae il eu tv ru tr ar cl cz ng ke ph my id".split(),
}
_EMAIL_STOP = {
    "is",
    "it's",
    "its",
    "email",
    "e",
    "mail",
    "address",
    "my",
    "the",
    "me",
    "it",
    "that",
    "yes",
    "yeah",
    "sure",
    "ok",
    "okay",
    "send",
    "to",
    "please",
    "was",
    "use",
    "you",
    "can",
    "reach",
    "at",
    "on",
    "and",
    "so",
    "well",
    "oh",
    "um",
    "uh",
    "that's",
    "thats",
    "be",
    "would",
    "should",
    "will",
    "write",
    "down",
    "confirmation",
    "just",
    "here",
    "i",
    "i'm",
    "our",
    "address's",
    "email's",
    "name's",
    "it'll",
    "there",
    "right",
    "correct",
    # the words around a corrected or added address: "add paula at ...", "make it bob at ...", "no, sorry, ann at ..."
    "add",
    "put",
    "make",
    "change",
    "update",
    "try",
    "instead",
    "actually",
    "sorry",
    "wait",
    "no",
    "not",
    "new",
    "rather",
    "for",
    "of",
    "with",
    "under",
}
_EMAIL_SYMBOLS = {"dot": ".", "period": ".", "point": ".", "underscore": "_", "dash": "-", "hyphen": "-", "plus": "+"}
_PAUSE_RE = re.compile(r"[,;:?!]\s+|\s+-\s+")
_ROOM_BEFORE_RE = re.compile(r"\broom $")
_EMAIL_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|@")
_DOTS = {"dot", "period", "point"}
_LOCAL_DIGITS = {w: d for w, d in DIGIT_WORDS.items() if w not in ("o", "oh")}
_PHONE_CUE_RE = re.compile(r"\b(?:phone|number|cell|mobile|call me|call back|reach me|contact|telephone|digits|dial)\b")
_CONF_WRITTEN_RE = re.compile(r"\broomi[\s\-_]*(\d{4})[\s\-_]*(\d{2})[\s\-_]*(\d{2})[\s\-_]*(\d{1,4})\b")
_CONF_PREFIX_RE = re.compile(r"\b(?:roomi|roomie|roomy|rumi|roomey|roomee|room e|room i|roomai)\b")
_CONF_CUE_RE = re.compile(
    r"\b(?:confirmation|booking|reservation|reference) (?:number|code|id|no|#)\b|\bconfirmation\b"
)


def find_phone(text: str, *, asked: bool = False) -> str | None:
    """Phone number as digits from cleaned text ("five five five, one two three..."), else None."""
    cue = asked or bool(_PHONE_CUE_RE.search(text))
    best = None
    for s, _e, digits in digit_runs(text):
        before = text[max(0, s - 12) : s]
        if _CONF_PREFIX_RE.search(before) or _ROOM_BEFORE_RE.search(before):
            continue
        if 10 <= len(digits) <= 15 or (cue and 7 <= len(digits) <= 15):
            best = digits
    return best


def find_email(cleaned: str) -> str | None:
    """E-mail address, written or spoken ("john dot smith at gmail dot com"), else None."""
    m = _WRITTEN_EMAIL_RE.search(cleaned)
    if m:
        return m.group(0).strip(".")
    for part in _PAUSE_RE.split(cleaned):  # "Sam Lee, 555 898 7878, sam at lee dot io": the address is one phrase
        found = _spoken_email(part)
        if found:
            return found
    return None


def _spoken_email(cleaned: str) -> str | None:
    toks = _EMAIL_TOKEN_RE.findall(cleaned.replace("at sign", "@"))
    for i, tok in enumerate(toks):
        if tok not in ("at", "@") or i == 0:
            continue
        domain = _spoken_domain(toks, i + 1)
        if domain is None:
            continue
        local = _spoken_local(toks, i)
        if local:
            return f"{local}@{domain}"
    return None


def _spoken_domain(toks: list[str], j: int) -> str | None:
    labels: list[str] = []
    label: list[str] = []
    while j < len(toks):
        tok = toks[j]
        if tok in _DOTS:
            if not label:
                return None
            labels.append("".join(label))
            label = []
        elif tok in ("dash", "hyphen"):
            label.append("-")
        elif tok == "@" or len(label) >= 3:
            return None
        else:
            label.append(tok)
        j += 1
        nxt = toks[j] if j < len(toks) else ""
        if labels and label and "".join(label) in _TLDS and nxt not in _DOTS:
            return ".".join(labels + ["".join(label)])
    return None


def _spoken_local(toks: list[str], i: int) -> str:
    pieces: list[str] = []
    k = i - 1
    while k >= 0 and len(pieces) < 40:
        tok = toks[k]
        spelling = (
            len(tok) == 1
            and len(pieces) >= 2
            and len(pieces[-1]) == 1
            and len(pieces[-2]) == 1
            and tok != "i"
            or (tok == "i" and k > 0 and len(toks[k - 1]) == 1)
            or _in_spelled_run(toks, k)
        )  # "k e n j i", "e l i z a", "d u n n e": spelled letters
        if tok in _EMAIL_STOP and not spelling:
            break
        pieces.append(_EMAIL_SYMBOLS.get(tok) or _LOCAL_DIGITS.get(tok, tok))
        k -= 1
    return "".join(reversed(pieces)).strip(".-_+")


def _in_spelled_run(toks: list[str], k: int) -> bool:
    """Whether toks[k] is one of at least three single letters in a row ("a l s a y e d")."""

    def letter(j: int) -> bool:
        return 0 <= j < len(toks) and len(toks[j]) == 1 and toks[j].isalpha()

    if not letter(k):
        return False
    lo, hi = k, k
    while letter(lo - 1):
        lo -= 1
    while letter(hi + 1):
        hi += 1
    return hi - lo >= 2


def find_confirmation(text: str, *, asked: bool = False) -> str | None:
    """Confirmation number as "ROOMI-YYYYMMDD-NNN" from written or spoken text, else None."""
    m = _CONF_WRITTEN_RE.search(text)
    if m:
        y, mo, d, seq = m.groups()
        return f"ROOMI-{y}{mo}{d}-{int(seq):03d}"
    prefixes = [p.end() for p in _CONF_PREFIX_RE.finditer(text)]
    cue = asked or bool(_CONF_CUE_RE.search(text))
    for s, _e, digits in digit_runs(text):
        near_prefix = any(0 <= s - p <= 8 for p in prefixes)
        if not (near_prefix or cue):
            continue
        if len(digits) >= 9 and (near_prefix or len(digits) in (11, 12)):
            date, seq = digits[:8], digits[8:]
            if not (date.startswith("20") and 1 <= int(date[4:6]) <= 12 and 1 <= int(date[6:8]) <= 31):
                continue
            return f"ROOMI-{date}-{int(seq):03d}"
    return None
