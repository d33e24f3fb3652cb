"""Entity extraction from caller utterances: dates, stay length, party, rooms, contact details."""

from __future__ import annotations

import datetime as dt
import re

from .context import AgentTurn, read_agent_turn
from .corrections import corrected, split_correction, without_retracted
from .dates import DateMention, find_dates, resolve_day
from .names import find_name
from .normalise import clean, normalise
from .numbers import SMALL_COUNTS
from .party import find_party
from .preferences import (
    DEFAULT_ROOM_TYPES,
    find_bed,
    find_room_type,
    find_smoking,
    find_special_requests,
    room_type_pattern,
)
from .spoken import find_confirmation, find_email, find_phone

FOLLOWS = "check_out_follows"
_CARD_PLACEHOLDER_RE = re.compile(r"\[card (?:ending \d{4}|number|expiry)\]")
_NIGHTS_RE = re.compile(
    r"\b(?P<n>\d{1,2}|a|an|one|a single|single|a couple of|a couple|couple of) "
    r"(?:more |extra |full |whole |additional |consecutive )?(?P<unit>nights?|days?|evenings?|weeks?)"
    r"(?:'s?)?\b(?! ?(?:from now|later|ago|before|after|in advance|notice|prior|earlier|early|away|out"
    r"|a week|per|old|of the week))"
)
_DAYS_LATER_RE = re.compile(  # a departure said from the arrival: "leave the day after", "out 3 days later"
    r"\b(?:check(?:ing)? ?out|checkout|leav(?:e|ing)|go(?:ing)? home|head(?:ing)? (?:home|off)|depart(?:ing)?|out)"
    r"(?: on)? (?:the (?:day after|next day|following day)(?! tomorrow| that| next)|(?P<n>\d{1,2}|a couple of|two|three) days? "
    r"(?:later|after(?: that| arriving| we arrive| i arrive)?))\b"
)
_NIGHTS_WEEKEND_RE = re.compile(r"\b(?:for|over) the weekend\b|\bweekend stay\b")
_NIGHTS_BEFORE_SKIP_RE = re.compile(r"\b(?:in|within|after|every|than|next|last|first|past|the|those|these|per|by)\s*$")
_NEGATED_RE = re.compile(
    r"\b(?:not|rather than|instead of|than)(?: (?:checking|check|arriving|leaving|coming|staying|starting)(?: in| out)?)?"
    r"(?: on| for| from| until| till)?(?: the)?\s*$"
)
_ONE_NIGHT_RE = re.compile(
    r"\b(?:for|just|only) (?:this |next |the )?(?:tonight|(?:tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday) night)\b"
    r"(?! (?:and|to|till|until|through)\b)"
)
_PRONOUN_ONE_RE = re.compile(  # "the standard one": a pronoun, no count
    r"\b(?:the|that|this|standard|deluxe|suite|family|cheaper|cheapest|bigger|smaller|other|same|king|queen|twin|regular"
    r"|have|got|take|want|need|get|any)\s+1$"
)  # "a suite if you have one"
_JUST_THE_RE = re.compile(r"(?:^|\b(?:just|only|for|stay|staying)\s+)the\s*$")  # "just the one night" is a count
_A_NIGHT_BEFORE_RE = re.compile(r"\b(?:for|just|only|stay|staying|extra|another|make it)\s*$")
_FOR_BEFORE_RE = re.compile(r"\bfor\s*$")
_BARE_WORD_ANSWERS = [
    (re.compile(rf"\b{words}\b"), value)
    for words, value in (
        ("just me", 1),
        ("myself", 1),
        ("a couple", 2),
        ("a week", 7),
        ("a night", 1),
        ("none", 0),
        ("no kids", 0),
        ("no children", 0),
        ("no", 0),
    )
]
_PRICE_BEFORE_RE = re.compile(r"\b(?:price|cost|rate|how much|pay|charge|costs|fee)\b(?:\s+\w+){0,4}\s*$")
_ROOMS_RE = re.compile(
    r"\b(?P<n>\d{1,2}|a couple of|a couple|couple of|a pair of) "
    r"(?:(?!(?:stars?|nights?|days?|weeks?|people|persons?|guests?|adults?|kids?|children|and|or|for|in|at|with|to"
    r"|on|by|per|from|the|a|an|is|are|of|bedrooms?|bed)\b)[a-z']+\s){0,3}(?:rooms?|suites?|bedrooms?)\b"
    r"(?! ?(?:number|service|suite|apartment|house|flat|condo|villa|home|unit))"
)
_BARE_NUMBER_RE = re.compile(r"(?<![\d/.:$])\b(?P<n>\d{1,2})\b(?![\d/:]|[.,]\d|st\b|nd\b|rd\b|th\b| ?%)")
_FILLER_WORDS_RE = re.compile(r"[a-z']+")

_OUT_CUE_RE = re.compile(
    r"\b(?:check(?:ing|ed)? ?out|checkout|leav(?:e|es|ing)|depart(?:s|ing|ure)?|until|till|til|through|thru"
    r"|up to|end(?:s|ing)? (?:on|by)?|end|return(?:ing)?|go(?:ing)? (?:back )?home|fly(?:ing)? (?:back|out)"
    r"|(?:and|,|then) out|out on|stay(?:ing)? (?:un)?til|last night"
    r"|(?:go|goes|run|runs|last|lasts|extend|extended|extending) (?:to|until|till|through))\b"
)
_IN_CUE_RE = re.compile(
    r"\b(?:check(?:ing|ed)? ?in|checkin|arriv(?:e|es|ing|al)|from|start(?:s|ing)?|beginning|begin(?:s)?"
    r"|get(?:ting)? (?:there|in)|go(?:ing)? there|com(?:e|ing)(?: in)?|be there|land(?:ing)?|starting"
    r"|stay(?:ing)? (?:on|from)|in on|in date|get here|go(?:ing)? to the hotel|get(?:ting)? to the hotel)\b"
)
_RANGE_TO_RE = re.compile(r"(?:\bto|-|\band)\s*(?:the\s*)?$")
_OUT_AFTER_RE = re.compile(r"^\W*(?:(?:will|would|is|as|for|be)\s+)*(?:the\s+|my\s+)?(?:check ?out|departure)\b")
_IN_AFTER_RE = re.compile(r"^\W*(?:(?:will|would|is|as|for|be)\s+)*(?:the\s+|my\s+)?(?:check ?in|arrival)\b")
_CONFIRM_LEAD_RE = re.compile(r"^(?:yes|yeah|yep|yup|right|correct|exactly|that's right|that is right|sure)\b")


_AND_RE = re.compile(r"(?: nights?)?\s*(?:,\s*)?(?:and|&|plus)\s+(?:the\s+)?|\s*,\s*")
_NIGHTS_OF_RE = re.compile(r"\bnights? of (?:the )?$|\bnights? (?:on )?$")
_NIGHTS_AFTER_RE = re.compile(r"^(?: of \w+)? nights?\b")
_WRITTEN_EMAIL_RE = re.compile(r"\S+@\S+")
_LETTERS_ONLY_RE = re.compile(r"[a-z](?:[\s.\-]+[a-z])+", re.I)
_COUNTED_NOUN_RE = re.compile(  # "one of your suites", "one thing: ..." count no one
    r"\s*(?:adults?|grown ?ups?|kids?|children|child|people|persons?|guests?|nights?|days?|weeks?|rooms?|of us"
    r"|of (?:the|your|those|these|them)|(?:more )?things?|questions?|sec(?:ond)?s?|moments?|minutes?)\b"
)
_TRAILING_PARTY_RE = re.compile(
    r"\bfor (?P<n>\d{1,2})(?: (?:please|thanks|thank you))?(?:\W*$|\s*[,;.]\s*(?=[a-z]))"  # "... for 2, we're on a budget"
)


def _within(stay: tuple[dt.date, dt.date], day: dt.date) -> dt.date:
    """'the weekend after next, arriving Friday': the weekday said is the one inside that weekend."""
    start, end = stay
    for offset in range((end - start).days + 1):
        candidate = start + dt.timedelta(days=offset)
        if candidate.weekday() == day.weekday():
            return candidate
    return day


class EntityExtractor:
    """Pulls booking slots out of one caller utterance."""

    def __init__(self, *, room_type_words: dict[str, str] | None = None) -> None:
        words = list(room_type_words) if room_type_words else list(DEFAULT_ROOM_TYPES)
        self._room_types = room_type_pattern(words)

    def extract(
        self, utterance: str, *, today: dt.date, previous_agent: str = "", hints: bool = False
    ) -> dict[str, object]:
        """Entities said in the utterance; dates resolved against today.

        With `hints`, also how a departure was said (`check_out_follows`: "day" for "the 4th", "weekday" for
        "Sunday"), which the dialogue uses when the arrival is corrected later; it is no entity of the blueprint's.
        """
        found = self._extract(utterance, today=today, previous_agent=previous_agent)
        if not hints:
            found.pop(FOLLOWS, None)
        return found

    def _extract(self, utterance: str, *, today: dt.date, previous_agent: str = "") -> dict[str, object]:
        utterance = _CARD_PLACEHOLDER_RE.sub("card", utterance)  # "[card ending 1881]" is not a departure cue
        parts = split_correction(utterance)
        if parts:  # "three nights, no wait, four": the later words win
            return corrected(*(self._extract(part, today=today, previous_agent=previous_agent) for part in parts))
        turn = read_agent_turn(previous_agent)
        cleaned = clean(utterance)
        norm = without_retracted(normalise(utterance))
        out: dict[str, object] = {}
        mentions = find_dates(norm, today)
        said = [d for d in mentions if not _NEGATED_RE.search(norm[max(0, d.start - 20) : d.start])]
        self._dates(norm, said, turn, out, today, previous_agent)
        spans = [(d.start, d.end) for d in mentions]
        self._nights(norm, turn, out, spans)
        if "nights" in out and "check_out_date" in out and any(d.end_value == out["check_out_date"] for d in said):
            del out["check_out_date"]  # "the weekend after next, for 5 nights": the nights said beat the weekend's end
        rooms = [m for m in _ROOMS_RE.finditer(norm) if not any(s <= m.start() < e for s, e in spans)]
        if rooms:
            out["rooms"] = _count(rooms[-1].group("n"))
        out.update(find_party(norm))
        if "adults" not in out and "nights" not in turn.asked_slots:
            trailing = _TRAILING_PARTY_RE.search(norm)
            if (
                trailing
                and not any(s <= trailing.start("n") < e for s, e in spans)
                and 0 < int(trailing.group("n")) <= 20
            ):
                out["adults"] = int(trailing.group("n"))
        self._bare_number(norm, turn, out, spans)
        room_type = find_room_type(norm, self._room_types)
        if room_type:
            out["room_type"] = room_type
        bed = find_bed(norm)
        if bed:
            out["bed_preference"] = bed
        smoking = find_smoking(norm)
        if smoking is not None:
            out["smoking"] = smoking
        request = find_special_requests(norm)
        if request:
            out["special_request"] = request
        confirmation = find_confirmation(cleaned, asked="confirmation_number" in turn.asked_slots)
        if confirmation:
            out["confirmation_number"] = confirmation
        email = find_email(cleaned)
        if email:
            out["email"] = email
        phone = find_phone(cleaned, asked="phone_number" in turn.asked_slots)
        if phone and not (confirmation and phone in confirmation.replace("-", "").replace("ROOMI", "")):
            out["phone_number"] = phone
        name = find_name(utterance, asked="guest_name" in turn.asked_slots)
        if name and email and name.lower().replace(" ", "") in email.replace(".", "").replace("_", ""):
            outside = find_name(_WRITTEN_EMAIL_RE.sub(" ", utterance), asked="guest_name" in turn.asked_slots)
            name = name if outside == name else None  # a name only spelled inside the email is not a name given
        if name and not _LETTERS_ONLY_RE.fullmatch(name):  # "R-O-O-M-I" is letters being spelled, not a name
            out["guest_name"] = name
        return out

    def _dates(
        self,
        norm: str,
        mentions: list[DateMention],
        turn: AgentTurn,
        out: dict[str, object],
        today: dt.date,
        previous_agent: str,
    ) -> None:
        if not mentions:
            return
        agent_dates: set[dt.date] = set()
        if previous_agent and _CONFIRM_LEAD_RE.search(norm):
            agent_dates = {d.value for d in find_dates(normalise(previous_agent), today)}
        prev_end = 0
        prev: DateMention | None = None
        assigned: list[tuple[DateMention, str, bool]] = []
        for idx, d in enumerate(mentions):
            if d.end_value is not None:
                out["check_in_date"] = d.value
                out["check_out_date"] = d.end_value
                if d.kind.startswith("weekend"):
                    out[FOLLOWS] = "weekday"  # "the weekend after next ... arriving the 6th": that Sunday
                prev_end, prev = d.end, d
                continue
            seen = dict(out)
            seen.update({r: x.value for x, r, _ in assigned})
            role, explicit = self._role(
                norm, d, prev, prev_end, mentions[idx + 1] if idx + 1 < len(mentions) else None, turn, seen
            )
            if prev is not None and prev.value == d.value and role == "check_out_date" and not explicit:
                prev_end = d.end
                continue
            prev_end, prev = d.end, d
            assigned.append((d, role, explicit))
        if (
            len(assigned) >= 2
            and all(r == "check_out_date" for _, r, _ in assigned)
            and (not assigned[0][2] or assigned[0][0].value < assigned[-1][0].value)
        ):  # two departures: the first is the arrival
            assigned[0] = (assigned[0][0], "check_in_date", False)
        ranges = [(d.value, d.end_value) for d in mentions if d.end_value is not None]
        for d, role, _ in assigned:
            if d.value in agent_dates:
                continue
            out[role] = _within(ranges[-1], d.value) if ranges and d.kind == "bare_weekday" else d.value
        check_in, check_out = out.get("check_in_date"), out.get("check_out_date")
        if (
            isinstance(check_in, dt.date)
            and isinstance(check_out, dt.date)
            and check_out <= check_in
            and ranges
            and ranges[-1][0] <= check_in <= ranges[-1][1]
            and today <= check_in - dt.timedelta(days=7) < check_out
        ):
            check_in = out["check_in_date"] = check_in - dt.timedelta(
                days=7
            )  # "the weekend after next, until the 18th": the nearer one
        if isinstance(check_in, dt.date) and isinstance(check_out, dt.date) and check_out <= check_in:
            later = [d for d, r, _ in assigned if r == "check_out_date" and d.value == check_out]
            if later and later[-1].kind == "bare_weekday":
                out["check_out_date"] = check_out + dt.timedelta(days=7 * ((check_in - check_out).days // 7 + 1))
            elif later and later[-1].day_only:
                fixed = resolve_day(later[-1].value.day, today, after=check_in)
                if fixed is not None:
                    out["check_out_date"] = fixed
        last_night = out.get("check_out_date")
        listed = self._nights_listed(norm, assigned) and isinstance(last_night, dt.date)
        if listed and isinstance(last_night, dt.date):
            out["check_out_date"] = last_night + dt.timedelta(days=1)  # "the nights of the 22nd and 23rd": out the 24th
        departures = [d for d, r, _ in assigned if r == "check_out_date"]
        if departures:
            out.pop(FOLLOWS, None)
        if (
            departures
            and "check_out_date" in out
            and (departures[-1].day_only or departures[-1].kind in ("bare_weekday", "until_weekend"))
        ):
            # "checking out on the 4th / on Sunday": the next 4th or Sunday after whatever arrival is settled on
            out[FOLLOWS] = "day" if departures[-1].day_only else "weekday"
        if "check_out_date" not in out or listed:
            out.pop(FOLLOWS, None)

    @staticmethod
    def _nights_listed(norm: str, assigned: list[tuple[DateMention, str, bool]]) -> bool:
        """The nights themselves were named ('the nights of Friday and Saturday', 'the 3rd and 4th nights')."""
        if len(assigned) != 2 or [r for _, r, _ in assigned] != ["check_in_date", "check_out_date"]:
            return False
        first, last = assigned[0][0], assigned[1][0]
        joined = _AND_RE.fullmatch(norm[first.end : last.start])
        named = _NIGHTS_OF_RE.search(norm[max(0, first.start - 16) : first.start]) or _NIGHTS_AFTER_RE.match(
            norm[last.end :]
        )
        return bool(joined and named)

    @staticmethod
    def _role(
        norm: str,
        d: DateMention,
        prev: DateMention | None,
        prev_end: int,
        nxt: DateMention | None,
        turn: AgentTurn,
        out: dict[str, object],
    ) -> tuple[str, bool]:
        left = norm[max(prev_end, d.start - 60) : d.start]
        best_in = best_out = -1
        for m in _IN_CUE_RE.finditer(left):
            best_in = m.end()
        for m in _OUT_CUE_RE.finditer(left):
            best_out = m.end()
        if best_out > best_in:
            return "check_out_date", True
        if best_in > best_out:
            return "check_in_date", True
        if prev is not None and _RANGE_TO_RE.search(left):
            return "check_out_date", True
        right = norm[d.end : nxt.start if nxt else len(norm)]
        if _OUT_AFTER_RE.search(right):
            return "check_out_date", True
        if _IN_AFTER_RE.search(right):
            return "check_in_date", True
        if prev is not None and "check_in_date" in out:
            return "check_out_date", False
        if "check_out_date" in turn.asked_slots and "check_in_date" not in turn.asked_slots:
            return "check_out_date", False
        return "check_in_date", False

    @staticmethod
    def _nights(norm: str, turn: AgentTurn, out: dict[str, object], spans: list[tuple[int, int]]) -> None:
        asked = "nights" in turn.asked_slots
        value = None
        for m in _NIGHTS_RE.finditer(norm):
            if any(s <= m.start() < e for s, e in spans):
                continue
            before = norm[max(0, m.start() - 12) : m.start()]
            if _NIGHTS_BEFORE_SKIP_RE.search(before) and not (
                _JUST_THE_RE.search(before) and (m.group("n") in ("1", "one") or asked or m.group("n").isdigit())
            ):  # "just the one night", "oh, just the two nights I think"
                continue
            if _PRICE_BEFORE_RE.search(norm[max(0, m.start() - 30) : m.start()]) and "check_in_date" not in out:
                continue  # "how much for one night?" asks the rate; with a date it is the stay
            if _NEGATED_RE.search(norm[max(0, m.start() - 20) : m.start()]):
                continue  # "4 nights, not 3": the value taken back
            n_word = m.group("n")
            if not n_word[0].isdigit() and n_word not in ("one",):
                if not (
                    asked
                    or _A_NIGHT_BEFORE_RE.search(before)
                    or norm[m.end() : m.end() + 5].startswith((" stay", "'s stay"))
                ):
                    continue
                if (
                    m.group("unit").startswith("day")
                    and n_word in ("a", "an")
                    and not asked
                    and not _FOR_BEFORE_RE.search(before)
                ):
                    continue
            n = _count(n_word)
            if m.group("unit").startswith("week"):
                n *= 7
            if 0 < n <= 60:
                value = n
        later = _DAYS_LATER_RE.search(norm) if value is None else None
        if later and not any(s <= later.start() < e for s, e in spans):
            value = _count(later.group("n")) if later.group("n") else 1  # "leave the day after": from the arrival
        if value is None and _NIGHTS_WEEKEND_RE.search(norm) and "check_in_date" not in out:
            value = 2
        if value is None and _ONE_NIGHT_RE.search(norm):
            value = 1  # "a room for this Friday night", "just tonight"
        if value is not None:
            out["nights"] = value

    @staticmethod
    def _bare_number(norm: str, turn: AgentTurn, out: dict[str, object], spans: list[tuple[int, int]]) -> None:
        slots = [s for s in ("nights", "rooms", "adults", "children") if s in turn.asked_slots and s not in out]
        if not slots:
            return
        numbers = [
            m
            for m in _BARE_NUMBER_RE.finditer(norm)
            if not any(s <= m.start() < e for s, e in spans)
            and not _COUNTED_NOUN_RE.match(norm[m.end() :])
            and not _PRONOUN_ONE_RE.search(norm[: m.end()])
        ]
        n_words = len(_FILLER_WORDS_RE.findall(norm))
        if slots == ["adults", "children"] and len(numbers) == 2 and n_words <= 8:
            out["adults"], out["children"] = (int(m.group("n")) for m in numbers)
            return
        if len(numbers) == 1 and n_words <= 8:
            value = int(numbers[0].group("n"))
            if 0 < value <= 60 or (value == 0 and slots[0] == "children"):
                out[slots[0]] = value
            return
        if not numbers and n_words <= 4:
            for pattern, value in _BARE_WORD_ANSWERS:
                if pattern.search(norm):
                    if value == 0 and slots[0] != "children":
                        continue
                    if slots[0] == "children" and value == 1 and "adults" in out:
                        continue  # "just me" said the adults; it is no child
                    out[slots[0]] = value
                    return


def _count(word: str) -> int:
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word.startswith(("a couple", "couple", "a pair")):
        return 2
    return SMALL_COUNTS.get(word.split()[-1], 1)
