"""Entity extraction: dates, stay length, party, rooms, contact details, preferences, corrections."""

import datetime as dt

import pytest

from roomiai.agent.brain.entities import EntityExtractor

pytestmark = pytest.mark.agent

TODAY = dt.date(2026, 3, 10)  # a Tuesday
EX = EntityExtractor()
D = dt.date


def extract(utterance, previous_agent="", today=TODAY, *, hints=False):
    return EX.extract(utterance, today=today, previous_agent=previous_agent, hints=hints)


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("I need a room tomorrow", {"check_in_date": D(2026, 3, 11)}),
        ("a room for tonight please", {"check_in_date": D(2026, 3, 10), "nights": 1}),
        ("checking in today", {"check_in_date": D(2026, 3, 10)}),
        ("the day after tomorrow", {"check_in_date": D(2026, 3, 12)}),
        ("next Friday", {"check_in_date": D(2026, 3, 13)}),
        ("this Sunday", {"check_in_date": D(2026, 3, 15)}),
        ("Monday next week", {"check_in_date": D(2026, 3, 16)}),
        ("arriving next tuesday", {"check_in_date": D(2026, 3, 17)}),
        ("the 25th", {"check_in_date": D(2026, 3, 25)}),
        ("on the twenty fifth", {"check_in_date": D(2026, 3, 25)}),
        ("on the 5th", {"check_in_date": D(2026, 4, 5)}),
        ("January twentieth", {"check_in_date": D(2027, 1, 20)}),
        ("Jan 20", {"check_in_date": D(2027, 1, 20)}),
        ("1/20", {"check_in_date": D(2027, 1, 20)}),
        ("20th of January", {"check_in_date": D(2027, 1, 20)}),
        ("april third", {"check_in_date": D(2026, 4, 3)}),
        ("the 13th of this month", {"check_in_date": D(2026, 3, 13)}),
        ("the 2nd of next month", {"check_in_date": D(2026, 4, 2)}),
        ("in two weeks", {"check_in_date": D(2026, 3, 24)}),
        ("march 13th twenty twenty six", {"check_in_date": D(2026, 3, 13)}),
        ("from the 20th for three nights", {"check_in_date": D(2026, 3, 20), "nights": 3}),
        ("from the 20th to the 23rd", {"check_in_date": D(2026, 3, 20), "check_out_date": D(2026, 3, 23)}),
        ("from March 28th to April 2nd", {"check_in_date": D(2026, 3, 28), "check_out_date": D(2026, 4, 2)}),
        ("the 30th to the 2nd", {"check_in_date": D(2026, 3, 30), "check_out_date": D(2026, 4, 2)}),
        ("march 20 to 23", {"check_in_date": D(2026, 3, 20), "check_out_date": D(2026, 3, 23)}),
        ("checking out on the 14th", {"check_out_date": D(2026, 3, 14)}),
        ("we're arriving January twentieth and leaving the twenty fifth",
         {"check_in_date": D(2027, 1, 20), "check_out_date": D(2027, 1, 25)}),
        ("I want to check out on the 14th and check in on the 11th",
         {"check_in_date": D(2026, 3, 11), "check_out_date": D(2026, 3, 14)}),
        ("check in today and out tomorrow", {"check_in_date": D(2026, 3, 10), "check_out_date": D(2026, 3, 11)}),
        ("I'll stay until Friday", {"check_out_date": D(2026, 3, 13)}),
        ("this weekend", {"check_in_date": D(2026, 3, 13), "check_out_date": D(2026, 3, 15)}),
        ("next weekend", {"check_in_date": D(2026, 3, 20), "check_out_date": D(2026, 3, 22)}),
        ("I want a room for 2 nights", {"nights": 2}),
        ("for a week", {"nights": 7}),
        ("just one night", {"nights": 1}),
        ("a three night stay", {"nights": 3}),
    ],
)
def test_dates_and_stay_length(utterance, expected):
    got = extract(utterance)
    assert {k: got[k] for k in got if k in ("check_in_date", "check_out_date", "nights")} == expected


@pytest.mark.parametrize(
    "utterance",
    [
        "that's all for today, thanks",
        "not today",
        "how are you doing today",
        "I'll take the first one",
        "can you find me a hotel first",
        "is the front desk open 24/7",
        "how much is it for a single night",
        "the second floor would be great",
    ],
)
def test_no_false_dates(utterance):
    got = extract(utterance)
    assert "check_in_date" not in got and "check_out_date" not in got and "nights" not in got


@pytest.mark.parametrize(
    ("previous_agent", "utterance", "expected"),
    [
        ("What date will you check out?", "the 14th", {"check_out_date": D(2026, 3, 14)}),
        ("When will you be leaving?", "on Thursday", {"check_out_date": D(2026, 3, 12)}),
        ("When would you like to check in?", "the 14th", {"check_in_date": D(2026, 3, 14)}),
        ("How many nights?", "three", {"nights": 3}),
        ("How long will you be staying?", "a week", {"nights": 7}),
        ("How many guests?", "two", {"adults": 2}),
        ("How many rooms do you need?", "just one", {"rooms": 1}),
        ("How many children?", "none", {"children": 0}),
        ("How many adults and how many children?", "two and two", {"adults": 2, "children": 2}),
        ("What date would you like to check in?", "friday the 20th", {"check_in_date": D(2026, 3, 20)}),
        ("Can I get a phone number?", "five five five, one two three, four five six seven",
         {"phone_number": "5551234567"}),
        ("What's the best number to reach you?", "five five five eight six seven five three oh nine",
         {"phone_number": "5558675309"}),
        ("And the name for the reservation?", "John Smith", {"guest_name": "John Smith"}),
        ("May I have your name please?", "sure it's Maria Lopez", {"guest_name": "Maria Lopez"}),
        ("What's your email address?", "it's j underscore smith at yahoo dot com", {"email": "j_smith@yahoo.com"}),
        ("Do you have your confirmation number?", "roomi two zero two six zero three one five zero four two",
         {"confirmation_number": "ROOMI-20260315-042"}),
    ],
)
def test_previous_agent_tells_which_slot(previous_agent, utterance, expected):
    assert extract(utterance, previous_agent) == expected


@pytest.mark.parametrize(("utterance", "follows"), [
    ("from March 3rd, checking out on the 7th", "day"), ("arriving Friday, leaving on Sunday", "weekday"),
    ("from March 3rd to March 7th", None), ("arriving Friday for 2 nights", None), ("this weekend", "weekday"),
])
def test_how_the_departure_was_said_is_kept_for_a_later_correction(utterance, follows):
    assert extract(utterance, hints=True).get("check_out_follows") == follows
    assert "check_out_follows" not in extract(utterance)  # no entity of the blueprint's: nlu-eval and call logs omit it


@pytest.mark.parametrize(
    ("previous_agent", "utterance", "expected"),
    [
        ("Okay, checking in on the 20th. Is that right?", "no, the 22nd", {"check_in_date": D(2026, 3, 22)}),
        ("And you're checking out on the 25th?", "no, the 27th", {"check_out_date": D(2026, 3, 27)}),
        ("Two nights, is that right?", "actually make it three nights", {"nights": 3}),
        ("A deluxe room, correct?", "sorry, a suite", {"room_type": "suite"}),
        ("Shall I book it?", "no wait, make it two rooms", {"rooms": 2}),
        ("", "I'd like a suite instead of the deluxe", {"room_type": "suite"}),
    ],
)
def test_corrections_extract_the_new_value(previous_agent, utterance, expected):
    got = extract(utterance, previous_agent)
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("me and my wife and two kids", {"adults": 2, "children": 2}),
        ("just me", {"adults": 1, "children": 0}),
        ("four people", {"adults": 4}),
        ("a family of five", {"adults": 5}),
        ("a family of five, three of them kids", {"adults": 2, "children": 3}),
        ("2 adults and a child", {"adults": 2, "children": 1}),
        ("two adults and three children", {"adults": 2, "children": 3}),
        ("my wife and I", {"adults": 2}),
        ("there are 6 of us", {"adults": 6}),
        ("a room for two", {"adults": 2}),
        ("me, my husband and our son", {"adults": 2, "children": 1}),
        ("i'm travelling alone", {"adults": 1, "children": 0}),
        ("no kids, just the two of us", {"adults": 2, "children": 0}),
        ("me and my two kids", {"adults": 1, "children": 2}),
        ("it should be me and my kid", {"adults": 1, "children": 1}),
        ("sorry, I got that wrong - it's just me and my daughter. the deluxe please", {"adults": 1, "children": 1}),
        ("me plus three children for 2 nights", {"adults": 1, "children": 3}),
        ("myself with my 2 little ones", {"adults": 1, "children": 2}),
        ("me and the kids", {"adults": 1}),
        ("me and my son and his friend", {}),
    ],
)
def test_party(utterance, expected):
    got = extract(utterance)
    assert {k: got[k] for k in got if k in ("adults", "children")} == expected


@pytest.mark.parametrize(
    ("utterance", "rooms"),
    [
        ("I need two rooms", 2),
        ("book 3 hotel rooms", 3),
        ("one room please", 1),
        ("a total of four rooms", 4),
        ("two adjoining rooms", 2),
        ("I need a 2 room hotel there", 2),
        ("a couple of rooms", 2),
    ],
)
def test_rooms(utterance, rooms):
    assert extract(utterance)["rooms"] == rooms


@pytest.mark.parametrize(
    "utterance",
    ["I need a hotel room", "a 3 star hotel", "send towels to room 405", "a two bedroom suite", "room service"],
)
def test_rooms_only_when_a_count_is_said(utterance):
    assert "rooms" not in extract(utterance)


@pytest.mark.parametrize(
    ("utterance", "phone"),
    [
        ("my number is five five five one two three four five six seven", "5551234567"),
        ("it's (555) 123-4567", "5551234567"),
        ("call me at 555 123 4567", "5551234567"),
        ("my cell is 555-867-5309", "5558675309"),
        ("double five five one two three four five six seven", "5551234567"),
        ("my phone number is oh seven seven double oh one two three four five six", "07700123456"),
        ("you can reach me on +44 20 7946 0958", "442079460958"),
    ],
)
def test_phone_numbers(utterance, phone):
    assert extract(utterance)["phone_number"] == phone


@pytest.mark.parametrize(
    ("utterance", "email"),
    [
        ("my email is john dot smith at gmail dot com", "john.smith@gmail.com"),
        ("John.Smith@Gmail.com is my email", "john.smith@gmail.com"),
        ("send it to mary underscore jones at example dot co dot uk please", "mary_jones@example.co.uk"),
        ("j o h n at example dot com", "john@example.com"),
        ("it's anna dash lee at hotel dash mail dot org", "anna-lee@hotel-mail.org"),
    ],
)
def test_emails(utterance, email):
    assert extract(utterance)["email"] == email


@pytest.mark.parametrize(
    ("utterance", "number"),
    [
        ("my confirmation number is ROOMI-20260315-042", "ROOMI-20260315-042"),
        ("it's roomi 20260315 042", "ROOMI-20260315-042"),
        ("roomi two zero two six zero three one five zero four two", "ROOMI-20260315-042"),
        ("roomi dash two zero two six zero four one one dash zero zero seven", "ROOMI-20260411-007"),
        ("roomi twenty twenty six oh three fifteen oh four two", "ROOMI-20260315-042"),
        ("my confirmation number is 2026 0315 042", "ROOMI-20260315-042"),
    ],
)
def test_confirmation_numbers(utterance, number):
    got = extract(utterance)
    assert got["confirmation_number"] == number
    assert "phone_number" not in got


@pytest.mark.parametrize(
    ("utterance", "name"),
    [
        ("my name is John Smith", "John Smith"),
        ("my name is john smith and I'd like to book a room", "John Smith"),
        ("it's under Smith", "Smith"),
        ("the reservation is under garcia", "Garcia"),
        ("this is Sarah Johnson calling about my reservation", "Sarah Johnson"),
        ("Hi this is Tom Baker", "Tom Baker"),
        ("last name is O'Brien", "O'Brien"),
    ],
)
def test_guest_names(utterance, name):
    assert extract(utterance)["guest_name"] == name


@pytest.mark.parametrize(
    "utterance",
    ["this is great", "i'm looking for a room", "it's under a hundred dollars I hope", "i'm fine thanks",
     "this is for my wife and me"],
)
def test_no_false_names(utterance):
    assert "guest_name" not in extract(utterance)


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("Can I get a king room", {"bed_preference": "KING"}),
        ("a queen bed please", {"bed_preference": "QUEEN"}),
        ("two beds please", {"bed_preference": "TWIN"}),
        ("a room with two doubles", {"bed_preference": "TWIN"}),
        ("twin beds", {"bed_preference": "TWIN"}),
        ("I'd like a suite", {"room_type": "suite"}),
        ("the deluxe king room", {"room_type": "deluxe", "bed_preference": "KING"}),
        ("do you have a family room", {"room_type": "family room"}),
        ("a non-smoking room", {"smoking": False}),
        ("nonsmoking please", {"smoking": False}),
        ("a smoking room if you have one", {"smoking": True}),
    ],
)
def test_room_preferences(utterance, expected):
    got = extract(utterance)
    assert {k: got[k] for k in got if k in ("bed_preference", "room_type", "smoking")} == expected


def test_hotel_vocabulary_for_room_types():
    ex = EntityExtractor(room_type_words={"ocean suite": "OSU", "standard": "STD", "loft": "LFT"})
    assert ex.extract("can I get the ocean suite", today=TODAY)["room_type"] == "ocean suite"
    assert ex.extract("two lofts please", today=TODAY)["room_type"] == "loft"
    assert "room_type" not in ex.extract("a deluxe room", today=TODAY)


@pytest.mark.parametrize(
    ("utterance", "wanted"),
    [
        ("I'd like a high floor", "high floor"),
        ("could we have extra pillows", "extra pillows"),
        ("late check-out if possible", "late check-out"),
        ("we'll need a crib for the baby", "crib"),
        ("a quiet room away from the elevator", "quiet room"),
    ],
)
def test_special_requests(utterance, wanted):
    assert wanted in extract(utterance)["special_request"]


def test_full_booking_sentence():
    got = extract("i want to book a room for 2 nights starting the 5th for me and my girlfriend, "
                  "king bed, non smoking, on a high floor")
    assert got == {
        "check_in_date": D(2026, 4, 5), "nights": 2, "adults": 2, "bed_preference": "KING",
        "smoking": False, "special_request": "high floor",
    }


def test_only_entities_said_are_emitted():
    assert extract("thanks, that's all") == {}
    assert extract("yes please", "Shall I book it?") == {}


def test_dates_follow_today():
    sunday = dt.date(2026, 3, 15)
    assert extract("next friday", today=sunday)["check_in_date"] == D(2026, 3, 20)
    assert extract("this weekend", today=dt.date(2026, 3, 14)) == {
        "check_in_date": D(2026, 3, 14), "check_out_date": D(2026, 3, 15)}
    assert extract("the 3rd", today=dt.date(2026, 12, 20))["check_in_date"] == D(2027, 1, 3)
    assert extract("February 2nd", today=dt.date(2026, 12, 20))["check_in_date"] == D(2027, 2, 2)
