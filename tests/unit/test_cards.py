import datetime as dt

import pytest

from roomiai.domain.cards import (
    CARD_NUMBER,
    CardDetails,
    card_brand,
    card_like_in,
    card_numbers_in,
    check_card,
    expiry_in,
    luhn_valid,
    mask_card,
    parse_card,
    redact_card_data,
    redact_card_numbers,
    security_code_in,
)
from roomiai.domain.errors import InvalidRequest

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 1, 20)


def with_check_digit(prefix: str) -> str:
    """Complete a prefix with the digit that makes it pass Luhn."""
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


def parse(number="4111 1111 1111 1111", expiry="12/27", cvv="123", name="Jane Guest", today=TODAY):
    return parse_card(number=number, expiry=expiry, cvv=cvv, name_on_card=name, today=today)


def refused(**kwargs) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        parse(**kwargs)
    return caught.value


def assert_hidden(exc: InvalidRequest, *secrets: str) -> None:
    shown = " ".join([str(exc), repr(exc), exc.detail, *map(str, exc.args)])
    for secret in secrets:
        assert secret not in shown
    assert exc.__cause__ is None and exc.__context__ is None


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "visa"),
        ("4242424242424242", "visa"),
        ("4222222222222", "visa"),
        (with_check_digit("4" + "0" * 17), "visa"),
        ("5555555555554444", "mastercard"),
        ("5105105105105100", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("2720990000000007", "mastercard"),
        ("378282246310005", "amex"),
        ("371449635398431", "amex"),
        ("6011111111111117", "discover"),
        ("6011000990139424", "discover"),
        (with_check_digit("644564456445644"), "discover"),
        (with_check_digit("652345678901234"), "discover"),
        (with_check_digit("622126000000000"), "discover"),
        ("30569309025904", "diners"),
        ("38520000023237", "diners"),
        ("3056930009020004", "diners"),
        ("3530111333300000", "jcb"),
        ("3566002020360505", "jcb"),
        ("6200000000000005", "unionpay"),
        (with_check_digit("620550000000000000"), "unionpay"),
        (with_check_digit("675964982643845"), "unknown"),
    ],
)
def test_valid_numbers_are_accepted_with_their_brand(number, brand):
    card = parse(number=number, cvv="1234" if brand == "amex" else "123")
    assert card.number == number
    assert card.brand == brand == card_brand(number)
    assert card.last_four == number[-4:]


def test_spaces_and_dashes_are_stripped():
    assert parse(number=" 4111-1111 1111-1111 ").number == "4111111111111111"
    assert parse(number="3782 822463 10005", cvv="1234").number == "378282246310005"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Please give the card number."),
        ("   ", "Please give the card number."),
        ("4111 1111 1111 111x", "The card number may contain only digits."),
        ("4111.1111.1111.1111", "The card number may contain only digits."),
        ("４１１１１１１１１１１１１１１１", "The card number may contain only digits."),
        ("411111111111", "A card number has 13 to 19 digits; this one has 12."),
        ("41111111111111111111", "A card number has 13 to 19 digits; this one has 20."),
        ("4111111111111112", "The card number is not valid (check the digits)."),
        ("4111111111111121", "The card number is not valid (check the digits)."),
        (with_check_digit("41111111111111"), "A Visa card number has 13, 16 or 19 digits; this one has 15."),
        (with_check_digit("55555555555544"), "A Mastercard card number has 16 digits; this one has 15."),
        (with_check_digit("378282246310005"), "An American Express card number has 15 digits; this one has 16."),
        (with_check_digit("601111111111"), "A Discover card number has 16 to 19 digits; this one has 13."),
        (with_check_digit("353011133330"), "A JCB card number has 16 to 19 digits; this one has 13."),
        (with_check_digit("620000000000"), "A UnionPay card number has 16 to 19 digits; this one has 13."),
    ],
)
def test_invalid_numbers_are_refused_without_echoing_them(number, message):
    exc = refused(number=number)
    assert exc.detail == message
    assert exc.field == "card_number"
    digits = number.replace(" ", "")
    if len(digits) >= 4:
        assert_hidden(exc, number, digits, digits[-8:])


def test_luhn():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert luhn_valid("0")
    assert not luhn_valid("")
    assert not luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("411111111111111a")
    swapped = "4111111111111111"[:5] + "2" + "4111111111111111"[6:]
    assert not luhn_valid(swapped)


@pytest.mark.parametrize(
    ("expiry", "month", "year"),
    [
        ("12/27", 12, 2027),
        ("12/2027", 12, 2027),
        ("12-27", 12, 2027),
        ("1227", 12, 2027),
        (" 03 / 28 ", 3, 2028),
        ("3/28", 3, 2028),
        ("01-2026", 1, 2026),
        ("012026", 1, 2026),
    ],
)
def test_expiry_formats(expiry, month, year):
    card = parse(expiry=expiry)
    assert (card.exp_month, card.exp_year) == (month, year)


def test_card_is_valid_through_the_last_day_of_its_expiry_month():
    assert parse(expiry="01/26", today=dt.date(2026, 1, 31)).exp_month == 1
    assert refused(expiry="01/26", today=dt.date(2026, 2, 1)).detail == "The card expired in 01/2026."
    assert parse(expiry="02/28", today=dt.date(2028, 2, 29)).exp_year == 2028


@pytest.mark.parametrize(
    ("expiry", "message"),
    [
        ("03/24", "The card expired in 03/2024."),
        ("12/2025", "The card expired in 12/2025."),
        ("13/27", "The expiry month must be between 01 and 12."),
        ("00/27", "The expiry month must be between 01 and 12."),
        ("12/99", "The expiry year 2099 is too far in the future."),
        ("", "Please give the card's expiry date (MM/YY)."),
        ("next year", "The expiry date must look like MM/YY, for example 08/27."),
        ("12/7", "The expiry date must look like MM/YY, for example 08/27."),
        ("2027-12-01", "The expiry date must look like MM/YY, for example 08/27."),
    ],
)
def test_bad_or_expired_expiry_is_refused(expiry, message):
    exc = refused(expiry=expiry)
    assert exc.detail == message
    assert exc.field == "expiry"
    assert_hidden(exc, "4111111111111111", "123")


@pytest.mark.parametrize(("cvv", "expected"), [("123", "123"), (" 456 ", "456"), (None, None), ("", None)])
def test_cvv_is_optional_and_three_digits_for_most_brands(cvv, expected):
    assert parse(cvv=cvv).cvv == expected


@pytest.mark.parametrize("cvv", ["12", "1234", "12a", "abc"])
def test_bad_cvv_is_refused_without_echoing_it(cvv):
    exc = refused(cvv=cvv)
    assert exc.detail == "The security code (CVV) of this card must be 3 digits."
    assert exc.field == "cvv"
    assert_hidden(exc, cvv, "4111111111111111")


def test_amex_cvv_has_four_digits():
    assert parse(number="378282246310005", cvv="7391").cvv == "7391"
    exc = refused(number="378282246310005", cvv="739")
    assert exc.detail == "The security code (CVV) of an American Express card must be 4 digits."
    assert_hidden(exc, "739", "378282246310005")


def test_name_on_card_is_tidied():
    assert parse(name="  Jane   Guest ").name_on_card == "Jane Guest"
    assert parse(name="  ").name_on_card is None
    assert refused(name="x" * 101).field == "name_on_card"


def test_repr_and_str_show_only_brand_and_last_four():
    card = parse(number="4242 4242 4242 4242", cvv="987")
    for shown in (repr(card), str(card), f"{card}", repr([card]), repr({"card": card})):
        assert "4242424242424242" not in shown
        assert "987" not in shown
        assert "4242" in shown
    assert repr(card) == "CardDetails(brand='visa', last_four='4242')"
    assert str(card) == "Visa ending 4242"


def test_exception_raised_while_holding_a_card_does_not_show_it():
    card = parse(number="5555555555554444", cvv="321")
    exc = InvalidRequest(f"Could not use {card}")
    assert_hidden(exc, "5555555555554444", "321")


def test_check_card_rechecks_cards_built_by_hand():
    check_card(CardDetails(number="4111111111111111", exp_month=12, exp_year=2027, cvv="123", name_on_card=None))
    bad = [
        CardDetails(number="4111111111111112", exp_month=12, exp_year=2027, cvv=None, name_on_card=None),
        CardDetails(number="4111 1111 1111 1111", exp_month=12, exp_year=2027, cvv=None, name_on_card=None),
        CardDetails(number="4111111111111111", exp_month=13, exp_year=2027, cvv=None, name_on_card=None),
        CardDetails(number="4111111111111111", exp_month=12, exp_year=2027, cvv="12", name_on_card=None),
        CardDetails(number="378282246310005", exp_month=12, exp_year=2027, cvv="123", name_on_card=None),
    ]
    for card in bad:
        with pytest.raises(InvalidRequest) as caught:
            check_card(card)
        assert_hidden(caught.value, card.number, card.number.replace(" ", ""))


@pytest.mark.parametrize(
    ("number", "masked"),
    [("4111111111114471", "•••• 4471"), ("4111 1111 1111 4471", "•••• 4471"), ("12", "••••"), ("", "••••")],
)
def test_mask_card(number, masked):
    assert mask_card(number) == masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My card is 4111111111111111.", "My card is [card ending 1111]."),
        ("It's 4111 1111 1111 1111, expiring 12/27.", "It's [card ending 1111], expiring 12/27."),
        ("card 5555-5555-5555-4444 please", "card [card ending 4444] please"),
        ("amex 3782 822463 10005 cvv 1234", "amex [card ending 0005] cvv 1234"),
        ("four two: 4 2 4 2 4 2 4 2 4 2 4 2 4 2 4 2 ok", "[card ending 4242] 4 2 ok"),  # the words are digits too
        ("as spoken 4,242,424,242,424,242 thanks", "as spoken [card ending 4242] thanks"),
        ("visa 4111 - 1111 - 1111 - 1111", "visa [card ending 1111]"),
        (
            "two cards: 4111111111111111 and 5555555555554444",
            "two cards: [card ending 1111] and [card ending 4444]",
        ),
        ("for 2 adults 4111 1111 1111 1111", "for 2 adults [card ending 1111]"),
        ("card4111111111111111exp", "card[card ending 1111]exp"),
        ("line one 4111111111111111\n1111 next", "line one [card ending 1111]\n1111 next"),
    ],
)
def test_redact_card_numbers(text, expected):
    assert redact_card_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Call me on +1 415 555 0134 please.",
        "My number is 07700 900123 or +44 20 7946 0958.",
        "From 2026-01-20 to 2026-01-23, two nights.",
        "Your confirmation number is ROOMI-20260120-001.",
        "Room 1204 for 2 adults at $1,250.00 total.",
        "From 15 12 2026 to 18 12 2026, party of 4, rooms 405 and 406.",
        "Call +1 305-555-0199 about ROOMI-20261201-048, +1 305-555-0199.",
        "Stay 12/15/2026-12/18/2026 or 2026-12-15/2026-12-18.",
        "Logged at 2026-01-12 10:30:00.123456+00:00 for $12,345.67.",
        "Two of us, for three nights, and one child of nine.",
        "Already [card ending 1111] redacted.",
        "",
    ],
)
def test_redact_leaves_ordinary_numbers_alone(text):
    assert redact_card_numbers(text) == text


@pytest.mark.parametrize("number", ["4111111111111111", "378282246310005", "6011111111111117", "30569309025904"])
@pytest.mark.parametrize("template", ["the card is {} thanks", "for 2 nights {} 12 27", "room 12 {} 3 digits 987"])
def test_redact_hides_the_card_among_other_numbers(number, template):
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    redacted = redact_card_numbers(template.format(spaced))
    assert number[:-4] not in redacted.replace(" ", "")
    assert "[card ending" in redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 5555.5555.5555.4444", "card [card ending 4444]"),
        ("4111/1111/1111/1111", "[card ending 1111]"),
        ("mixed 4111.1111-1111/1111,", "mixed [card ending 1111],"),
        ("four one one one one one one one one one one one one one one one", "[card ending 1111]"),
        ("Four One One One, um, one one one one, double one one one, uh one one one one", "[card ending 1111]"),
        ("five five five five, five five five five, triple five five, four four double four", "[card ending 4444]"),
        ("4111 one one one one 1111 one one one one", "[card ending 1111]"),
        ("３７８２ ８２２４６３ １０００５", "[card ending 0005]"),  # full-width digits
        ("4222222222222", "[card ending 2222]"),  # 13 digits
        ("it's 4111 1111 1111 1111 12/28", "it's [card ending 1111] 12/28"),  # the expiry stays for the capture
    ],
)
def test_card_numbers_in_any_form_are_redacted(text, expected):
    assert redact_card_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111-1111-1111-1112 expires 12/28",  # one digit wrong: fails Luhn
        "5555 5555 5555 4445",
        "four one one one one one one one one one one one one one one two",
        "oh one two three four five six seven eight nine oh one two",  # 13 digits, not a card
        "1234567890123456789",  # 19 digits
        "12345678901234567890123",  # longer than any card
        "4111 1111 1111 1112 0000 0000",  # more digits than a card has, and no card among them
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6",
    ],
)
def test_every_other_run_of_13_or_more_digits_is_card_like_and_loses_every_digit(text):
    redacted = redact_card_numbers(text)
    assert CARD_NUMBER in redacted
    digits = [c.digits for c in card_like_in(text)]
    assert digits and all(len(d) >= 13 for d in digits)
    assert not any(d[:6] in "".join(ch for ch in redacted if ch.isdigit()) for d in digits)


def test_only_valid_card_numbers_are_captured_and_a_card_like_number_shows_no_digit():
    text = "first 4111-1111-1111-1112 then four one one one one one one one one one one one one one one one"
    assert card_numbers_in(text) == ["4111111111111111"]
    assert [card.valid for card in card_like_in(text)] == [False, True]
    assert "1112" not in repr(card_like_in(text)) and "4111" not in repr(card_like_in(text))


def test_stored_values_are_redacted_in_lists_dicts_and_numbers():
    value = {"requests": ["card 5555.5555.5555.4444", "high floor"], "number": 4111111111111112, "nights": 2,
             "nested": {"note": "four one one one one one one one one one one one one one one one"}}
    assert redact_card_data(value) == {"requests": ["card [card ending 4444]", "high floor"], "number": CARD_NUMBER,
                                       "nights": 2, "nested": {"note": "[card ending 1111]"}}


@pytest.mark.parametrize(
    ("text", "words", "month_year"),
    [
        ("expires 12/28", "expires 12/28", (12, 28)),
        ("and the expiry is 08 2029", "expiry is 08 2029", (8, 2029)),
        ("expiry twelve twenty-eight", "expiry twelve twenty-eight", (12, 28)),
        ("Valid thru 12/28.", "Valid thru 12/28", (12, 28)),
        ("good through oh eight twenty seven", "good through oh eight twenty seven", (8, 27)),
        ("expiration date: December 2028", "expiration date: December 2028", (12, 2028)),
        ("exp 1228", "exp 1228", (12, 28)),
    ],
)
def test_an_expiry_after_its_cue_is_found_written_or_spoken(text, words, month_year):
    assert expiry_in(text, uncued=False) == (words, month_year)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("12/28", ("12/28", (12, 28))),
        ("twelve twenty eight", ("twelve twenty eight", (12, 28))),
        ("uh, it's oh eight twenty-seven", ("oh eight twenty-seven", (8, 27))),
        ("from the 20th for 2 nights", None),
        ("no, 2 adults and 1 child in a king room, and we arrive around 9", None),
        ("starting Jan 30, two nights", None),  # not month 3 of year 02
        ("thirty, two", None),
        ("arriving 12/28 for two nights", None),  # a stay, even with a card just said
        ("zero eight two seven", ("zero eight two seven", (8, 27))),
    ],
)
def test_an_expiry_without_its_cue_is_found_only_when_asked_for(text, found):
    assert expiry_in(text) == found
    assert expiry_in(text, uncued=False) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the cvv is 123", ("cvv is 123", "123")),
        ("security code one two three", ("security code one two three", "123")),
        ("CVC: 4 4 4 4", ("CVC: 4 4 4 4", "4444")),
        ("the cvv is on the back", None),
    ],
)
def test_a_security_code_is_found_written_or_spoken(text, found):
    assert security_code_in(text) == found
