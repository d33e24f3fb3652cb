"""Date expressions in normalised caller text, resolved against today's date."""

# Conventions (those of the SGD data the brain is tuned on, see shared/data/README.md):
# - "next Thursday", "Thursday" and "this coming Thursday" mean the first Thursday after today;
#   "this Thursday" / "Thursday this week" is the first from today (today itself on a Thursday);
#   "Thursday next week" is the Thursday of the next calendar week (weeks start on Monday).
# - "the 9th": the 9th of this month, or of the next month having a 9th once it has passed.
# - "March 5th" (no year): the next March 5th on or after today, so an earlier month is next year.
# - "this weekend": check-in on the coming Friday (today when today is Friday or Saturday) and
#   check-out on the Sunday after it (Monday when asked on a Sunday); "next weekend" is the
#   weekend after that. Vague spans ("next week", "in a few days") give no date.

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

HOLIDAYS = (  # days with a fixed date, as callers name them
    (re.compile(r"(?:christmas|xmas) eve"), (12, 24)),
    (re.compile(r"christmas|xmas|christmas day|xmas day"), (12, 25)),
    (re.compile(r"boxing day"), (12, 26)),
    (re.compile(r"new ?years? eve|nye"), (12, 31)),
    (re.compile(r"new ?years? day"), (1, 1)),
    (re.compile(r"valentines(?: day)?"), (2, 14)),
    (re.compile(r"halloween"), (10, 31)),
    (re.compile(r"independence day"), (7, 4)),
)

_MONTH = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY_ORD = r"(?P<day>[12]\d|3[01]|0?[1-9])(?P<suf>st|nd|rd|th)?"
_YEAR = r"(?:,? (?:of )?(?P<year>20\d\d))?"
_NOT_UNIT = (
    r"(?! ?(?:%|percent|rooms?|nights?|days?|weeks?|people|persons?|adults?|guests?|kids?"
    r"|children|child|beds?|stars?|floors?|years?|hours?|minutes?|am\b|pm\b|o'clock|dollars?"
    r"|of us|of them|bucks))"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "offset_from",
        re.compile(
            r"\b(?P<n>\d{1,2}|a|an|one|a couple of) (?P<unit>days?|weeks?) (?:from|after|on) "
            r"(?P<anchor>now|today|tonight|tomorrow|" + _WEEKDAY[7:-1] + r")\b"
        ),
    ),
    (
        "week_anchor",
        re.compile(
            r"\ba week (?P<anchor>today|tomorrow|tonight|(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
            r"|\b(?:this time|this day|the same day|same day|(?P<anchor2>today|tomorrow)) next week\b"
        ),
    ),
    ("weekend_after_next", re.compile(r"\b(?:the )?week ?end after next\b")),
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "holiday",
        re.compile(
            r"\b(?P<holiday>christmas eve|christmas day|christmas|xmas eve|xmas day|xmas|boxing day"
            r"|new ?year'?s? eve|nye|new ?year'?s? day|valentine'?s(?: day)?|halloween|independence day)\b"
            r"(?! (?:market|markets|party|parties|dinner|lunch|menu|tree|lights|decorations|special|package|deal|offer|weekend|week|holidays?|break|season|period|time)\b)"
        ),
    ),
    ("slash", re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?(?![\d/])")),
    (
        "day_range_month",  # "from 26 to 28 december", "the 3rd-5th of may": both days in the month said after them
        re.compile(
            r"\b(?:the )?(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)? ?(?:to|-|until|till|through|thru) ?(?:the )?"
            rf"(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)? (?:of )?{_MONTH}\b{_YEAR}"
        ),
    ),
    (
        "until_weekend",  # "staying until the weekend": out on the Saturday, after the arrival
        re.compile(r"(?:(?<=until )|(?<=till )|(?<=til )|(?<=up to ))(?:the |this )?week ?end\b(?! after next)"),
    ),
    ("the_weekend", re.compile(r"\b(?:for|over) the week ?end\b")),
    ("weekday_month_day", re.compile(rf"\b{_WEEKDAY},? (?:the )?{_MONTH} (?:the )?{_DAY_ORD}\b{_NOT_UNIT}{_YEAR}")),
    ("weekday_day_month", re.compile(rf"\b{_WEEKDAY},? (?:the )?{_DAY_ORD} (?:day )?(?:of )?{_MONTH}\b{_YEAR}")),
    ("weekday_day", re.compile(rf"\b{_WEEKDAY},? (?:the )?(?P<day>[12]\d|3[01]|0?[1-9])(?P<suf>st|nd|rd|th)\b")),
    ("month_day", re.compile(rf"\b{_MONTH} (?:the )?{_DAY_ORD}\b{_NOT_UNIT}{_YEAR}")),
    ("day_month", re.compile(rf"\b(?:the )?{_DAY_ORD} (?:day )?(?:of )?{_MONTH}\b{_YEAR}")),
    (
        "day_this_month",
        re.compile(
            rf"\b(?:the )?{_DAY_ORD} (?:day )?of (?P<which>this|the|next|the next|the following|the coming)"
            r" month\b"
        ),
    ),
    ("day_after_tomorrow", re.compile(r"\b(?:the )?day after tomorrow\b")),
    ("tomorrow", re.compile(r"\b(?:tomorrow|tmrw|tmr|2morrow)\b")),
    ("today", re.compile(r"\b(?:today|tonight|this (?:evening|afternoon|morning)|later today)\b")),
    (
        "weekend",
        re.compile(
            r"\b(?P<which>this|next|this coming|coming|the following)"
            r" week ?end\b"
        ),
    ),
    ("weekday_after_next", re.compile(rf"\b{_WEEKDAY} after next\b")),
    (
        "next_week_weekday",
        re.compile(rf"\b(?:on )?{_WEEKDAY},? (?:of )?(?P<which>next|this|the following|the coming) week\b"),
    ),
    (
        "next_weekday",
        re.compile(rf"\b(?P<which>next|this|this coming|coming|the coming|following|the following) {_WEEKDAY}\b"),
    ),
    ("bare_weekday", re.compile(rf"\b{_WEEKDAY}s?\b")),
    (
        "in_n",
        re.compile(
            r"\b(?:in|after) (?P<n>\d{1,2}|a|an|one|a couple of) (?P<unit>days?|weeks?|months?)"
            r"(?: time)?\b(?! (?:stay|trip))"
        ),
    ),
    ("n_from_now", re.compile(r"\b(?P<n>\d{1,2}|a|an|one) (?P<unit>days?|weeks?) from (?:now|today)\b")),
    (
        "ordinal_day",
        re.compile(
            r"\b(?:(?P<the>the|on) )?(?P<day>[12]\d|3[01]|0?[1-9])(?P<suf>st|nd|rd|th)\b"
            r"(?! ?(?:floor|time|row|century|birthday|anniversary|place|of us|person|(?:1|one)\b(?! (?:nights?|days?|weeks?|adults?|guests?|people|persons?))|option|thoughts?|guess|look|opinion"
            r"|choice|hotel|suggestion|step|thing|name|room|line|number|digit))"
        ),
    ),
    (
        "the_number",
        re.compile(
            rf"\b(?:on|for|from|until|till|to|by) the (?P<day>[12]\d|3[01]|0?[1-9])\b{_NOT_UNIT}"
            r"(?![.,]?\d)"
        ),
    ),
]
_SKIP_WEEKDAY_RE = re.compile(r"\b(?:every|last|past) $")
_ORDINAL_SUFFIX_RE = re.compile(r"\d(?:st|nd|rd|th)\b")
_RANGE_AFTER_RE = re.compile(r"\s*(?:to|through|thru|until|till|-)\s*(?:the\s+)?\d")
_SKIP_DAY_RE = re.compile(r"\b(?:room|suite|number|floor|unit|option|page) $")
_DAY_PREP_RE = re.compile(
    r"\b(?:for|from|until|till|til|to|by|through|thru|starting|start|and|or|at|in|before|after|is|be|was"
    r"|arriv\w*|leav\w*|check(?:ing)? (?:in|out)|date|it|make|change|than|instead|not|no|rather)\s*,?\s*$|[,:]\s*$"
)
_QUESTION_AFTER_RE = re.compile(
    r"^\s*(?:[-,;:.]\s*)?(?:of all\b|(?:is|are|do|does|can|could|would|what|how|where|when|which|who|why|will)\b)"
)
_ALONE_RE = re.compile(r"^\W*(?:(?:no|yes|yeah|ok|okay|sorry|actually|um|uh|oh|well|maybe|just|only|i mean|the)\W+)*$")
_SKIP_TODAY_BEFORE_RE = re.compile(r"\b(?:not|doing|all|done|it|enough|else|everything|that)\s+(?:for\s+)?$")
_WHEN_BOOKED_RE = re.compile(r"\b(?:earlier|booked|made|reserved|called|spoke|rang)\b[^.?!]{0,40}$")
_SKIP_TODAY_CLOSING_RE = re.compile(r"\b(?:for|not|all) today\b")
_BOOKING_WORD_RE = re.compile(
    r"\b(?:room|rooms|book|booking|reserv\w*|check(?:ing)? (?:in|out)|stay|hotel|night|arriv\w*|leav\w*|depart\w*)\b"
)
_RANGE_CONNECTOR_RE = re.compile(
    r"^,? ?(?:to|till|til|until|through|thru|-|and|up to|up until|till the|through to)\s*(?:the )?$"
)
_BARE_RANGE_END_RE = re.compile(
    r"^,? ?(?:to|till|til|until|through|thru|-|up to)\s*(?:the )?(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
    + _NOT_UNIT
    + r"(?![.,]?\d)"
)


@dataclass(frozen=True)
class DateMention:
    """A date found in text: span, resolved value, and whether it was a day number alone."""

    start: int
    end: int
    value: dt.date
    kind: str
    day_only: bool = False
    end_value: dt.date | None = None


def _add_months(d: dt.date, months: int) -> tuple[int, int]:
    m = d.month - 1 + months
    return d.year + m // 12, m % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    if day > calendar.monthrange(year, month)[1] or day < 1:
        return None
    return dt.date(year, month, day)


def resolve_day(day: int, today: dt.date, *, after: dt.date | None = None) -> dt.date | None:
    """Day of month alone: this month, or the next month having that day once it has passed."""
    floor = after or today
    year, month = floor.year, floor.month
    for _ in range(14):
        d = _safe_date(year, month, day)
        if d is not None and (d > floor if after else d >= floor):
            return d
        year, month = _add_months(dt.date(year, month, 1), 1)
    return None


def following(check_out: dt.date, said_as: str, check_in: dt.date, today: dt.date) -> dt.date:
    """The departure said as a bare day ("the 4th") or weekday ("Sunday"), moved to the first one after `check_in`."""
    if said_as == "weekday":
        return check_in + dt.timedelta(days=(check_out.weekday() - check_in.weekday()) % 7 or 7)
    return resolve_day(check_out.day, today, after=check_in) or check_out


def resolve_month_day(month: int, day: int, today: dt.date, year: int | None = None) -> dt.date | None:
    """Month and day: this year, or next year when that month is already past."""
    if year is not None:
        return _safe_date(year, month, day)
    d = _safe_date(today.year, month, day)
    if d is None or d < today:
        return _safe_date(today.year + 1, month, day) or d
    return d


def next_weekday(wd: int, today: dt.date, *, include_today: bool = False) -> dt.date:
    """First date with weekday wd after today (or from today when include_today)."""
    delta = (wd - today.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today + dt.timedelta(days=delta)


def weekend(today: dt.date, *, weeks_ahead: int = 0) -> tuple[dt.date, dt.date]:
    """Check-in and check-out dates for "this weekend" (Friday to Sunday)."""
    wd = today.weekday()
    friday = today + dt.timedelta(days=4 - wd) if wd < 4 else today - dt.timedelta(days=wd - 4)
    if weeks_ahead:
        start = friday + dt.timedelta(days=7 * weeks_ahead)
        return start, start + dt.timedelta(days=2)
    start = max(friday, today)
    end = friday + dt.timedelta(days=2)
    return start, end if end > start else start + dt.timedelta(days=1)


def _count(token: str) -> int:
    if token.isdigit():
        return int(token)
    return 2 if token == "a couple of" else 1


def _resolve_weekday(kind: str, g: dict[str, str], today: dt.date) -> dt.date:
    """A weekday pattern's date: every one of these patterns captures the weekday."""
    wd = WEEKDAYS[g["wd"]]
    if kind == "weekday_after_next":
        return next_weekday(wd, today) + dt.timedelta(days=7)
    if kind == "next_week_weekday":
        if g["which"] == "this":
            return next_weekday(wd, today, include_today=True)
        monday_next = today + dt.timedelta(days=7 - today.weekday())
        return monday_next + dt.timedelta(days=wd)
    if kind == "next_weekday" and g["which"].startswith("this"):
        return next_weekday(wd, today, include_today=True)
    return next_weekday(wd, today)


def _resolve(kind: str, m: re.Match[str], today: dt.date) -> tuple[dt.date | None, bool, dt.date | None]:
    g = m.groupdict()
    if kind == "iso":
        return _safe_date(int(g["y"]), int(g["m"]), int(g["d"])), False, None
    if kind == "slash":
        a, b = int(g["a"]), int(g["b"])
        if m.group(0) == "24/7":
            return None, False, None
        year = None
        if g.get("y"):
            year = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
        month, day = (a, b) if a <= 12 else (b, a)
        if month > 12:
            return None, False, None
        return resolve_month_day(month, day, today, year), False, None
    if kind == "day_range_month":
        year = int(g["year"]) if g.get("year") else None
        start = resolve_month_day(MONTHS[g["month"]], int(g["day"]), today, year)
        end = _safe_date(start.year, start.month, int(g["day2"])) if start else None
        return (start, False, end) if start and end and end > start else (None, False, None)
    if kind == "until_weekend":
        return next_weekday(5, today), False, None
    if kind == "the_weekend":
        start, end = weekend(today)
        return start, False, end
    if kind == "holiday":
        name = g["holiday"].replace("'", "")
        month, day = next(md for pattern, md in HOLIDAYS if pattern.fullmatch(name))
        return resolve_month_day(month, day, today), False, None
    if kind == "weekday_day":
        return resolve_day(int(g["day"]), today), True, None
    if kind in ("month_day", "day_month", "weekday_month_day", "weekday_day_month"):
        year = int(g["year"]) if g.get("year") else None
        month = MONTHS[g["month"]]
        return resolve_month_day(month, int(g["day"]), today, year), False, None
    if kind == "day_this_month":
        which = g["which"]
        day = int(g["day"])
        if which in ("this", "the"):
            d = _safe_date(today.year, today.month, day)
            if d is not None and d < today:
                d = resolve_day(day, today)
            return d, False, None
        y, mo = _add_months(today, 1)
        return _safe_date(y, mo, day), False, None
    if kind in ("offset_from", "week_anchor"):
        anchor = (g["anchor"] or g.get("anchor2") or "today").replace("on ", "")  # "this time next week": a week today
        start = {"now": today, "today": today, "tonight": today, "tomorrow": today + dt.timedelta(days=1)}.get(anchor)
        if start is None:
            start = next_weekday(WEEKDAYS[anchor], today)
        n, unit = (_count(g["n"]), g["unit"]) if kind == "offset_from" else (1, "week")
        return start + dt.timedelta(days=7 * n if unit.startswith("week") else n), False, None
    if kind == "weekend_after_next":
        start, end = weekend(today, weeks_ahead=2)
        return start, False, end
    if kind == "day_after_tomorrow":
        return today + dt.timedelta(days=2), False, None
    if kind == "tomorrow":
        return today + dt.timedelta(days=1), False, None
    if kind == "today":
        return today, False, None
    if kind == "weekend":
        ahead = 1 if g["which"] in ("next", "the following") else 0
        start, end = weekend(today, weeks_ahead=ahead)
        return start, False, end
    if kind in ("weekday_after_next", "next_week_weekday", "next_weekday", "bare_weekday"):
        return _resolve_weekday(kind, g, today), False, None
    if kind in ("in_n", "n_from_now"):
        n = _count(g["n"])
        unit = g["unit"]
        if unit.startswith("week"):
            return today + dt.timedelta(days=7 * n), False, None
        if unit.startswith("month"):
            y, mo = _add_months(today, n)
            return _safe_date(y, mo, min(today.day, calendar.monthrange(y, mo)[1])), False, None
        return today + dt.timedelta(days=n), False, None
    if kind in ("ordinal_day", "the_number"):
        return resolve_day(int(g["day"]), today), True, None
    return None, False, None


def find_dates(text: str, today: dt.date) -> list[DateMention]:
    """All non-overlapping date mentions in normalised text, in order of appearance."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            before = text[max(0, s - 10) : s]
            if kind == "bare_weekday" and _SKIP_WEEKDAY_RE.search(before):
                continue
            if kind == "ordinal_day" and not m.group("the"):
                suffixed = bool(_ORDINAL_SUFFIX_RE.search(text[s:e]))
                starts_range = bool(_RANGE_AFTER_RE.match(text[e:]))
                if (_SKIP_DAY_RE.search(before) and not suffixed) or not (
                    _DAY_PREP_RE.search(before) or _ALONE_RE.match(text[:s]) or (suffixed and starts_range)
                ):
                    continue
                if not _DAY_PREP_RE.search(before) and _QUESTION_AFTER_RE.match(text[e:]):
                    continue  # "sorry, first - is there parking?": "first" of all, not the 1st
            if kind == "today" and _WHEN_BOOKED_RE.search(text[max(0, s - 50) : s]):
                continue  # "I booked it earlier today": when the booking was made, not a date of the stay
            if kind == "today" and (
                _SKIP_TODAY_BEFORE_RE.search(before)
                or (_SKIP_TODAY_CLOSING_RE.search(text) and not _BOOKING_WORD_RE.search(text))
            ):
                continue
            value, day_only, end_value = _resolve(kind, m, today)
            if value is None:
                continue
            taken.append((s, e))
            found.append(DateMention(s, e, value, kind, day_only, end_value))
    found.sort(key=lambda d: d.start)
    return _link_ranges(text, found, today)


def _link_ranges(text: str, found: list[DateMention], today: dt.date) -> list[DateMention]:
    """Resolve "March 8th to the 14th" / "the 20th to the 23rd of May" against each other."""
    out = list(found)
    i = 0
    while i < len(out):
        cur = out[i]
        nxt = out[i + 1] if i + 1 < len(out) else None
        if nxt is not None and _RANGE_CONNECTOR_RE.match(text[cur.end : nxt.start].strip() or "-"):
            if nxt.day_only and not cur.day_only:
                v = resolve_day(nxt.value.day, today, after=cur.value)
                if v is not None:
                    out[i + 1] = DateMention(nxt.start, nxt.end, v, nxt.kind, True)
            elif cur.day_only and not nxt.day_only and nxt.kind.endswith(("month_day", "day_month")):
                v = _safe_date(nxt.value.year, nxt.value.month, cur.value.day)
                if v is not None and v < nxt.value:
                    out[i] = DateMention(cur.start, cur.end, v, cur.kind, True)
            elif cur.day_only and nxt.day_only and nxt.value <= cur.value:
                v = resolve_day(nxt.value.day, today, after=cur.value)
                if v is not None:
                    out[i + 1] = DateMention(nxt.start, nxt.end, v, nxt.kind, True)
        elif nxt is None or nxt.start > cur.end:
            tail = text[cur.end : nxt.start if nxt else len(text)]
            m = _BARE_RANGE_END_RE.match(tail)
            if m and cur.end_value is None:
                v = resolve_day(int(m.group("day")), today, after=cur.value)
                if v is not None:
                    out.insert(
                        i + 1, DateMention(cur.end + m.start("day"), cur.end + m.end("day"), v, "range_end", True)
                    )
        i += 1
    return out
