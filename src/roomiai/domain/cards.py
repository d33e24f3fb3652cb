"""Payment card rules: parsing, Luhn, brands, masking and redaction; no card data in messages."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from roomiai.domain.errors import InvalidRequest

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

_SEPARATORS = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"[0-9]+")
_EXPIRY = re.compile(r"(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})|(\d{2})(\d{2}|\d{4})")
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:(?:[ \t]*[-–,][ \t]*|[ \t]+)\d+)*(?!\d)")


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


def parse_card(
    *, number: str, expiry: str, cvv: str | None, name_on_card: str | None, today: dt.date
) -> CardDetails:
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


def redact_card_numbers(text: str) -> str:
    """Replace every Luhn-valid 13–19 digit card number in free text with '[card ending NNNN]'."""
    return _DIGIT_RUN.sub(_redact_run, text)


def _redact_run(match: re.Match[str]) -> str:
    run = match.group(0)
    groups = list(_DIGITS.finditer(run))
    pieces, position = [], 0
    for first, last, digits in _card_numbers_in_run(groups):
        pieces += [run[position : groups[first].start()], f"[card ending {digits[-4:]}]"]
        position = groups[last].end()
    return "".join(pieces) + run[position:]


def card_numbers_in(text: str) -> list[str]:
    """The Luhn-valid 13–19 digit card numbers in free text, as digits, in order."""
    found = []
    for match in _DIGIT_RUN.finditer(text):
        found += [digits for _, _, digits in _card_numbers_in_run(list(_DIGITS.finditer(match.group(0))))]
    return found


def _card_numbers_in_run(groups: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    """(first group, last group, digits) of each card number in a run of digit groups; longest numbers win."""
    candidates = []
    for first in range(len(groups)):
        digits = ""
        for last in range(first, len(groups)):
            digits += groups[last].group()
            if len(digits) > MAX_LENGTH:
                break
            if len(digits) >= MIN_LENGTH and luhn_valid(digits):
                candidates.append((-len(digits), first, last, digits))
    taken = [False] * len(groups)
    chosen = []
    for _, first, last, digits in sorted(candidates):
        if not any(taken[first : last + 1]):
            taken[first : last + 1] = [True] * (last + 1 - first)
            chosen.append((first, last, digits))
    return sorted(chosen)


_SPOKEN_EXPIRY = re.compile(
    r"(?i)\b(?:exp(?:iry|iration|ires?|ing)?(?:\s+date)?(?:\s+is)?[\s:,]*)"
    r"(0?[1-9]|1[0-2])\s*(?:[/\-.]|\s)\s*(20\d{2}|\d{2})\b"
)
_SLASH_EXPIRY = re.compile(r"(?<![\d/])(0?[1-9]|1[0-2])\s*/\s*(20\d{2}|\d{2})(?![\d/])")
_SECURITY_CODE = re.compile(r"(?i)\b(?:cvv2?|cvc2?|csc|security\s+code)\b\D{0,12}?(\d{3,4})\b")


def expiry_in(text: str) -> tuple[str, tuple[int, int]] | None:
    """A card expiry in free text ('expiry 12/28', 'expires 08 2027', '12/28') as (the words, (month, 2-or-4-digit year))."""
    match = _SPOKEN_EXPIRY.search(text) or _SLASH_EXPIRY.search(text)
    if match is None:
        return None
    return match.group(0), (int(match.group(1)), int(match.group(2)))


def security_code_in(text: str) -> tuple[str, str] | None:
    """A CVV said in free text ('the CVV is 123') as (the words, the digits)."""
    match = _SECURITY_CODE.search(text)
    return None if match is None else (match.group(0), match.group(1))


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
