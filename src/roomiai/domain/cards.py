"""Payment card rules: parsing, Luhn, brands, masking, card-like numbers in free text and their redaction."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from roomiai.domain.errors import InvalidRequest
from roomiai.domain.spoken_digits import DigitGroup, digit_groups

BRAND_NAMES = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
    "unknown": "card",
}

BRAND_LENGTHS: dict[str, tuple[int, ...]] = {
    "visa": (13, 16, 19),
    "mastercard": (16,),
    "amex": (15,),
    "discover": tuple(range(16, 20)),
    "diners": tuple(range(14, 20)),
    "jcb": tuple(range(16, 20)),
    "unionpay": tuple(range(16, 20)),
    "unknown": tuple(range(13, 20)),
}

MIN_LENGTH, MAX_LENGTH = 13, 19
MAX_YEARS_AHEAD = 20
MASK = "••••"
CARD_NUMBER = "[card number]"  # a card-like number that is not a valid card: no digit of it is kept

_SEPARATORS = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"[0-9]+")
_EXPIRY = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})|(\d{2})(\d{2}|\d{4})")


@dataclass(frozen=True, repr=False)
class CardDetails:
    """A card as the guest gave it; only brand and last four ever show."""

    number: str
    exp_month: int
    exp_year: int
    cvv: str | None
    name_on_card: str | None

    @property
    def brand(self) -> str:
        return card_brand(self.number)

    @property
    def last_four(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"CardDetails(brand={self.brand!r}, last_four={self.last_four!r})"

    def __str__(self) -> str:
        return f"{BRAND_NAMES[self.brand]} ending {self.last_four}"


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    if not digits or not _DIGITS.fullmatch(digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_brand(number: str) -> str:
    """The brand a card number belongs to, from its leading digits."""
    digits = _SEPARATORS.sub("", str(number or ""))
    if not _DIGITS.fullmatch(digits):
        return "unknown"

    def prefix(length: int) -> int:
        return int(digits[:length]) if len(digits) >= length else -1

    if prefix(2) in (34, 37):
        return "amex"
    if 300 <= prefix(3) <= 305 or prefix(4) == 3095 or prefix(2) in (36, 38, 39):
        return "diners"
    if 3528 <= prefix(4) <= 3589:
        return "jcb"
    if digits[0] == "4":
        return "visa"
    if 51 <= prefix(2) <= 55 or 2221 <= prefix(4) <= 2720:
        return "mastercard"
    if prefix(4) == 6011 or 644 <= prefix(3) <= 649 or prefix(2) == 65 or 622126 <= prefix(6) <= 622925:
        return "discover"
    if prefix(2) == 62 or 8100 <= prefix(4) <= 8171:
        return "unionpay"
    return "unknown"


def mask_card(number: str) -> str:
    """The card shown as a mask and its last four digits, e.g. '•••• 4471'."""
    digits = "".join(ch for ch in str(number or "") if ch.isascii() and ch.isdigit())
    return f"{MASK} {digits[-4:]}" if len(digits) >= 4 else MASK


def parse_card(*, number: str, expiry: str, cvv: str | None, name_on_card: str | None, today: dt.date) -> CardDetails:
    """Validate what a guest gave and return the card; InvalidRequest says what to fix."""
    digits = normalize_number(number)
    exp_month, exp_year = parse_expiry(expiry, today=today)
    brand = card_brand(digits)
    return CardDetails(
        number=digits,
        exp_month=exp_month,
        exp_year=exp_year,
        cvv=normalize_cvv(cvv, brand=brand),
        name_on_card=_normalize_name(name_on_card),
    )


def check_card(card: CardDetails) -> None:
    """Re-check a card built elsewhere: number, expiry month and CVV format."""
    if normalize_number(card.number) != card.number:
        raise InvalidRequest("The card number may contain only digits.", field="card_number")
    if not 1 <= card.exp_month <= 12:
        raise InvalidRequest("The expiry month must be between 01 and 12.", field="expiry")
    if card.cvv is not None and normalize_cvv(card.cvv, brand=card.brand) != card.cvv:
        raise InvalidRequest("The security code (CVV) may contain only digits.", field="cvv")


def normalize_number(number: str | None) -> str:
    """The card number as bare digits, or InvalidRequest without echoing it."""
    digits = _SEPARATORS.sub("", str(number or ""))
    if not digits:
        raise InvalidRequest("Please give the card number.", field="card_number")
    if not _DIGITS.fullmatch(digits):
        raise InvalidRequest("The card number may contain only digits.", field="card_number")
    if not MIN_LENGTH <= len(digits) <= MAX_LENGTH:
        raise InvalidRequest(
            f"A card number has {MIN_LENGTH} to {MAX_LENGTH} digits; this one has {len(digits)}.",
            field="card_number",
        )
    brand = card_brand(digits)
    lengths = BRAND_LENGTHS[brand]
    if len(digits) not in lengths:
        name = BRAND_NAMES[brand]
        article = "An" if brand == "amex" else "A"
        raise InvalidRequest(
            f"{article} {name} card number has {_describe_lengths(lengths)}; this one has {len(digits)}.",
            field="card_number",
        )
    if not luhn_valid(digits):
        raise InvalidRequest("The card number is not valid (check the digits).", field="card_number")
    return digits


def parse_expiry(expiry: str | None, *, today: dt.date) -> tuple[int, int]:
    """(month, four-digit year) from 'MM/YY', 'MM/YYYY', 'MM-YY' or 'MMYY'; refuses expired cards."""
    text = str(expiry or "").strip()
    if not text:
        raise InvalidRequest("Please give the card's expiry date (MM/YY).", field="expiry")
    match = _EXPIRY.fullmatch(text)
    if match is None:
        raise InvalidRequest("The expiry date must look like MM/YY, for example 08/27.", field="expiry")
    month_text, year_text = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    month, year = int(month_text), int(year_text)
    if len(year_text) == 2:
        year += 2000
    if not 1 <= month <= 12:
        raise InvalidRequest("The expiry month must be between 01 and 12.", field="expiry")
    last_day = dt.date(year, month, calendar.monthrange(year, month)[1])
    if last_day < today:
        raise InvalidRequest(f"The card expired in {month:02d}/{year}.", field="expiry")
    if year > today.year + MAX_YEARS_AHEAD:
        raise InvalidRequest(f"The expiry year {year} is too far in the future.", field="expiry")
    return month, year


def normalize_cvv(cvv: str | None, *, brand: str) -> str | None:
    """The CVV as digits (3, or 4 for American Express), None when not given."""
    text = _SEPARATORS.sub("", str(cvv)) if cvv is not None else ""
    if not text:
        return None
    length = 4 if brand == "amex" else 3
    if not _DIGITS.fullmatch(text) or len(text) != length:
        card = "an American Express card" if brand == "amex" else "this card"
        raise InvalidRequest(f"The security code (CVV) of {card} must be {length} digits.", field="cvv")
    return text


def is_card_number(digits: str) -> bool:
    """Whether bare digits are a card number a gateway would take: Luhn-valid, of a length its brand issues."""
    return (
        MIN_LENGTH <= len(digits) <= MAX_LENGTH
        and luhn_valid(digits)
        and len(digits) in BRAND_LENGTHS[card_brand(digits)]
    )


@dataclass(frozen=True, repr=False)
class CardLike:
    """A card-like number in free text: 13 or more digits however separated or spoken; `valid` when a card number."""

    start: int
    end: int
    digits: str
    valid: bool

    @property
    def placeholder(self) -> str:
        return f"[card ending {self.digits[-4:]}]" if self.valid else CARD_NUMBER

    def __repr__(self) -> str:
        return f"CardLike(start={self.start}, end={self.end}, valid={self.valid})"


def card_like_in(text: str) -> list[CardLike]:
    """Every card-like number in free text, in order: valid card numbers and any other run of 13 or more digits."""
    found = []
    for run in digit_groups(text):
        found += [
            CardLike(run[first].start, run[last].end, digits, valid) for first, last, digits, valid in _card_like(run)
        ]
    return found


def card_numbers_in(text: str) -> list[str]:
    """The valid card numbers in free text (written or spoken), as digits, in order."""
    return [card.digits for card in card_like_in(text) if card.valid]


def redact_card_numbers(text: str) -> str:
    """Free text with every card number as '[card ending NNNN]' and any other card-like run of digits as '[card number]'."""
    pieces, position = [], 0
    for card in card_like_in(text):
        pieces += [text[position : card.start], card.placeholder]
        position = card.end
    return "".join(pieces) + text[position:]


def redact_card_data(value: Any) -> Any:
    """A stored or logged value (text, numbers, lists, dicts) with every card-like number redacted."""
    if isinstance(value, str):
        return redact_card_numbers(value)
    if isinstance(value, dict):
        return {key: redact_card_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_card_data(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= MIN_LENGTH:
        return redact_card_numbers(str(value))
    return value


def _card_like(groups: list[DigitGroup]) -> list[tuple[int, int, str, bool]]:
    """(first group, last group, digits, valid) of the card-like numbers in one run of digit groups."""
    digits = _digits(groups)
    if len(digits) < MIN_LENGTH:
        return []
    if is_card_number(digits):
        return [(0, len(groups) - 1, digits, True)]
    found, start = [], 0
    for first, last in [*_dates_and_times(groups), (len(groups), len(groups))]:
        found += _cards_between(groups, start, first)  # '12/15/2026 - 12/18/2026' is two dates, not a card
        start = last + 1
    return found


def _cards_between(groups: list[DigitGroup], lo: int, hi: int) -> list[tuple[int, int, str, bool]]:
    """The card numbers in groups[lo:hi], and any 13 or more digits left around them as card-like numbers."""
    found, rest, i = [], lo, lo
    while i < hi:
        last = _card_at(groups, i, lo, hi)
        if last is None:
            i += 1
            continue
        found += _left_over(groups, rest, i)
        found.append((i, last, _digits(groups[i : last + 1]), True))
        rest = i = last + 1
    return found + _left_over(groups, rest, hi)


def _card_at(groups: list[DigitGroup], i: int, lo: int, hi: int) -> int | None:
    """The last group of the longest card number starting at group i: all of groups[lo:hi], or inside it one of a
    known brand and more than 13 digits (13 inside a longer run is too often a misheard 16-digit card)."""
    digits, best = "", None
    for last in range(i, hi):
        digits += groups[last].digits
        if len(digits) > MAX_LENGTH:
            break
        whole = (i, last) == (lo, hi - 1)
        if is_card_number(digits) and (whole or len(digits) > MIN_LENGTH and card_brand(digits) != "unknown"):
            best = last
    return best


def _left_over(groups: list[DigitGroup], lo: int, hi: int) -> list[tuple[int, int, str, bool]]:
    digits = _digits(groups[lo:hi])
    return [(lo, hi - 1, digits, False)] if len(digits) >= MIN_LENGTH else []


def _digits(groups: list[DigitGroup]) -> str:
    return "".join(group.digits for group in groups)


def _dates_and_times(groups: list[DigitGroup]) -> list[tuple[int, int]]:
    """(first, last) groups of the dates, times, addresses and references standing alone in a run: '12/15/2026'."""
    pieces, i = [], 0
    while i < len(groups):
        size = _date_or_time_at(groups, i)
        if size:
            pieces.append((i, i + size - 1))
            i += size
        else:
            i += 1
    return pieces


def _date_or_time_at(groups: list[DigitGroup], i: int) -> int:
    """How many groups from i make an isolated date (d/m/y, m/d/y, y-m-d), time (h:mm, h:mm:ss, yyyy:hh:mm:ss), IPv4 address or the
    digits of a confirmation number (20261201-048); 0 when none."""
    for size, separators in ((3, "/-."), (2, ":"), (3, ":"), (2, "-"), (4, "."), (4, ":")):
        if i + size > len(groups):
            continue
        part = groups[i : i + size]
        joiners = {group.joiner.strip() for group in part[1:]}
        if len(joiners) != 1 or (sep := joiners.pop()) not in separators or not sep:
            continue
        outside = [groups[i].joiner.strip()] + ([groups[i + size].joiner.strip()] if i + size < len(groups) else [])
        if sep in outside:
            continue  # '11/11/11/11' is not a date standing on its own
        if _is_date_time_or_reference(sep, [group.digits for group in part]):
            return size
    return 0


def _is_date_time_or_reference(separator: str, parts: list[str]) -> bool:
    if separator == ":":
        return _is_time(parts)
    if len(parts) == 4:
        return all(len(part) <= 3 and int(part) <= 255 for part in parts)
    return _is_date(parts) if len(parts) == 3 else separator == "-" and _is_reference(parts)


def _is_date(parts: list[str]) -> bool:
    sizes = [len(part) for part in parts]
    if sizes == [4, 2, 2]:
        return parts[0][:2] in ("19", "20") and 1 <= int(parts[1]) <= 12 and 1 <= int(parts[2]) <= 31
    if sizes[0] <= 2 and sizes[1] <= 2 and sizes[2] in (2, 4):
        first, second = int(parts[0]), int(parts[1])
        year_ok = sizes[2] == 2 or parts[2][:2] in ("19", "20")
        return year_ok and 1 <= min(first, second) <= 12 and max(first, second) <= 31
    return False


def _is_reference(parts: list[str]) -> bool:
    date, sequence = parts
    return len(date) == 8 and len(sequence) <= 4 and _is_date([date[:4], date[4:6], date[6:]])


def _is_time(parts: list[str]) -> bool:
    if len(parts[0]) == 4 and parts[0][:2] in ("19", "20"):
        parts = parts[1:]  # '05/Dec/2026:14:05:12', the access-log timestamp of aiohttp and Apache
    return (
        len(parts) >= 2
        and len(parts[0]) <= 2
        and int(parts[0]) <= 23
        and all(len(part) == 2 and int(part) <= 59 for part in parts[1:])
    )


_EXPIRY_CUE = re.compile(
    r"(?i)\b(?:exp(?:iry|iration|ires?|ired|iring|ing)?|valid\s+(?:thru|through|till|until|to)"
    r"|good\s+(?:thru|through|till|until))\b\.?(?:\s+date)?(?:\s+(?:is|of|on|in|at))?[\s:,.\-]*"
)
_MONTH_NAME = re.compile(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b[\s,]*(?:of\s+)?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SLASH_EXPIRY = re.compile(r"(?<![\d/])(0?[1-9]|1[0-2])\s*/\s*(20\d{2}|\d{2})(?![\d/])")
_SECURITY_CODE_CUE = re.compile(r"(?i)\b(?:cvv2?|cvc2?|csc|cid|security\s+code|card\s+code)\b")
_WORD = re.compile(r"[^\W\d_]+")
_STAY_WORDS = re.compile(
    r"(?i)\b(?:nights?|arriv\w*|check(?:ing)?[ -]?(?:in|out)|stay(?:ing)?|starting|from|until|till|leaving|depart\w*"
    r"|weekend)\b"
)
BARE_EXPIRY_WORDS = 3  # other words an expiry said on its own may come with ('it's twelve twenty-eight')
CODE_GAP = 16  # characters between 'CVV' and its digits ('the CVV is', 'CVV number:')


def expiry_in(text: str, *, uncued: bool = True) -> tuple[str, tuple[int, int]] | None:
    """A card expiry in free text as (the words, (month, 2-or-4-digit year)).

    Said after a cue ('expiry 12/28', 'expires twelve twenty-eight', 'valid thru 08/2027', 'exp December 28') it is
    always one; with `uncued`, so is '12/28' anywhere and a month and year said on their own ('twelve twenty-eight').
    """
    for cue in _EXPIRY_CUE.finditer(text):
        found = _month_and_year_at(text, cue.end())
        if found is not None:
            end, month_year = found
            return text[cue.start() : end], month_year
    if not uncued or _STAY_WORDS.search(text):
        return None  # "arriving 12/28 for two nights" is a stay, even just after a card
    if (match := _SLASH_EXPIRY.search(text)) is not None:
        return match.group(0), (int(match.group(1)), int(match.group(2)))
    runs = digit_groups(text)
    if len(runs) == 1 and (parsed := _month_and_year(runs[0])) is not None:
        end, month_year = parsed
        other = _WORD.findall(text[: runs[0][0].start] + " " + text[end:])
        if len([word for word in other if word.lower() not in ("um", "uh", "er", "erm", "and")]) <= BARE_EXPIRY_WORDS:
            return text[runs[0][0].start : end], month_year
    return None


def security_code_in(text: str) -> tuple[str, str] | None:
    """A CVV said in free text ('the CVV is 123', 'security code one two three') as (the words, the digits)."""
    for cue in _SECURITY_CODE_CUE.finditer(text):
        rest = text[cue.end() :]
        runs = digit_groups(rest)
        if not runs:
            continue
        run = runs[0]
        digits = "".join(group.digits for group in run)
        if run[0].start <= CODE_GAP and not any(ch.isdigit() for ch in rest[: run[0].start]) and len(digits) in (3, 4):
            return text[cue.start() : cue.end() + run[-1].end], digits
    return None


def _month_and_year_at(text: str, position: int) -> tuple[int, tuple[int, int]] | None:
    """(end, (month, year)) of an expiry starting at `position`: '12/28', 'twelve twenty-eight', 'December 2028'."""
    rest = text[position:]
    name = _MONTH_NAME.match(rest)
    offset = name.end() if name else 0
    runs = digit_groups(rest[offset:])
    if not runs or rest[offset : offset + runs[0][0].start].strip(" ,"):
        return None
    if name:
        year = "".join(group.digits for group in runs[0])
        if len(year) == 2 or len(year) == 4 and year.startswith("20"):
            return position + offset + runs[0][-1].end, (_MONTHS.index(name.group(1).lower()) + 1, int(year))
        return None
    parsed = _month_and_year(runs[0])
    if parsed is None:
        return None
    return position + offset + parsed[0], parsed[1]


def _month_and_year(run: list[DigitGroup]) -> tuple[int, tuple[int, int]] | None:
    """(end, (month, year)) read from the start of a run of digits: '12/28', '08 2029', '1228', 'oh eight twenty-seven'."""
    if len(run) >= 2 and len(run[0].digits) <= 2 and len(run[1].digits) in (2, 4):
        month, year, end = run[0].digits, run[1].digits, run[1].end
    else:
        digits = "".join(group.digits for group in run)
        if not 3 <= len(digits) <= 6:
            return None
        split = 1 if len(digits) in (3, 5) else 2
        bounds = {sum(len(group.digits) for group in run[:i]) for i in range(1, len(run))}
        if len(run) > 1 and split not in bounds:
            return None  # "30, two" is not month 3 of year 02: the month is whole groups ('oh eight', 'twenty-seven')
        month, year, end = digits[:split], digits[split:], run[-1].end
    if not 1 <= int(month) <= 12 or len(year) == 4 and not year.startswith("20"):
        return None
    return end, (int(month), int(year))


def _normalize_name(name: str | None) -> str | None:
    text = " ".join(str(name or "").split())
    if len(text) > 100:
        raise InvalidRequest("The name on the card is too long.", field="name_on_card")
    return text or None


def _describe_lengths(lengths: tuple[int, ...]) -> str:
    if len(lengths) == 1:
        return f"{lengths[0]} digits"
    if lengths == tuple(range(lengths[0], lengths[-1] + 1)):
        return f"{lengths[0]} to {lengths[-1]} digits"
    return f"{', '.join(map(str, lengths[:-1]))} or {lengths[-1]} digits"
