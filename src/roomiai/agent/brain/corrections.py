"""A caller correcting themselves in one breath: "three nights, no wait, four" and "the two of us, not three"."""

from __future__ import annotations

import datetime as dt
import re

from .dates import resolve_day

# "X, no wait, Y" / "X, sorry, no, Y" / "X, I mean, Y": what follows the marker replaces what came before it
MARKER = re.compile(
    r"[\s,;.!-]*\b(?:no,? wait|wait,? no|sorry,? no|no,? sorry|actually,? no|no,? actually|oh,? no|i mean|i meant|scratch that"
    r"|make (?:that|it)|or rather|correction)\b[\s,;:.!-]*",
    re.I,
)
# "X, not Y" / "X rather than Y" / "X instead of Y": the part after the negation is retracted, up to the clause's end
RETRACTED = re.compile(
    r"(?:^|,\s*|\s+)(?:and )?(?:not|rather than|instead of)\s+(?:(?:checking|check|arriving|leaving|coming|staying|starting|for|from|on)"
    r"(?: in| out)?\s+)?(?=(?:the|a|an|\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|just|only|me|my|us|our|we)\b)[^,.;!?]*",
    re.I,
)
PARTY = ("adults", "children")


def split_correction(text: str) -> tuple[str, str] | None:
    """(what was said before the first correction marker, what follows it); None without a marker after some words."""
    for m in MARKER.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if re.search(r"\w", before) and re.search(r"\w", after):
            return before, after
    return None


def after_correction(text: str) -> str:
    """The words after the last correction marker: what the caller finally meant."""
    while (parts := split_correction(text)) is not None:
        text = parts[1]
    return text


def without_retracted(text: str) -> str:
    """The text with its retracted parts ("not three grown-ups") left out."""
    return RETRACTED.sub(" ", text)


def corrected(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    """Entities of a correction: the later words win, and a party or stay length said again replaces the earlier one whole."""
    out = dict(before)
    check_in, check_out = before.get("check_in_date"), after.get("check_out_date")
    if (
        isinstance(check_in, dt.date)
        and isinstance(check_out, dt.date)
        and "check_in_date" not in after
        and check_out <= check_in
    ):
        if after.get("check_out_follows") == "weekday":  # "checking out Monday, no, Tuesday": the one after arrival
            later: dt.date | None = check_out + dt.timedelta(days=7 * ((check_in - check_out).days // 7 + 1))
        else:
            later = resolve_day(check_out.day, check_in, after=check_in)  # "from May 22nd, ..., no, until the 24th"
        after = {**after, "check_out_date": later} if later else after
    if any(k in after for k in PARTY):
        for k in PARTY:
            out.pop(k, None)
    if "nights" in after:
        out.pop("check_out_date", None)
    if "check_out_date" in after:
        out.pop("nights", None)
    out.update(after)
    return out
