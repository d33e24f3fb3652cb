"""Has the caller finished? Unfinished and finished turns in many phrasings (none of them bench/voice's lines), with
and without what Roomi asked last, and the turn detector that tells livekit to wait longer for the unfinished ones."""

from __future__ import annotations

import pytest
from livekit.agents import llm

from roomiai.voice.turn_end import FINISHED, UNFINISHED, TranscriptTurnDetector, sounds_unfinished

pytestmark = pytest.mark.voice

PHONE_QUESTION = "Thank you, Ada. What's the best phone number to reach you?"
CONFIRMATION_QUESTION = "Go ahead: the confirmation number and the last name on the booking."

UNFINISHED_TURNS = [
    "I'm looking for a room for the",
    "We'd like to arrive on the",
    "Could I get",
    "Do you have",
    "I was wondering if",
    "Hi, I was wondering",
    "We need a room with",
    "My email is john dot",
    "My email is sarah at",
    "The last name is",
    "It's under the name",
    "My last name",
    "So we",
    "Two adults and",
    "Two adults, and, um",
    "I'll be checking in on",
    "From the fifth until",
    "We're arriving March",
    "Checking out on June",
    "How much is",
    "Is there a",
    "Can you tell me about",
    "I'd like a room that's",
    "It's for two adults plus",
    "Could you",
    "I'd like to speak with",
    "The booking's under Mrs",
    "A king bed or",
    "Let me think, um",
    "My cell is",
    "Hi, I'm calling about",
    "Good morning, I'm calling about",
    "Yes, I",
    "We'd like",
    "The room is",
    "Can we bring",
    "I would like to book",
    "What about",
    "The phone number is 212 555",
    "You can reach me at 646",
    "My number is oh two oh",
    "The confirmation number is ROOMI 2026 0112",
    "Uh, it's 917 555",
    "Okay so the dates are",
    "We were hoping to stay until",
]

FINISHED_TURNS = [
    "Thank you.",
    "Yes, that's right.",
    "No, that's all.",
    "Can I check in early?",
    "Can I check in?",
    "What time is check out?",
    "Where are you located?",
    "What's it close to?",
    "Which floor is the gym on?",
    "Who am I speaking with?",
    "That's the room we talked about.",
    "That's everything I need.",
    "Yes, it's the one I'm calling from.",
    "It's the card we booked with.",
    "Yes, I have.",
    "Yes, it is.",
    "No, I don't think so.",
    "Okay then.",
    "Sounds good, book it.",
    "Sarah Connor.",
    "Two adults and one child.",
    "Just me.",
    "Just my wife and I.",
    "From the fifth to the eighth of March.",
    "The twentieth of June.",
    "Hold on.",
    "Can I look around?",
    "Three nights.",
    "My number is 415 555 0199.",
    "Room 412.",
    "Is breakfast included?",
    "Yes, I'd love to.",
    "Kind of.",
    "The day after.",
    "Do you have parking?",
    "What do you have?",
    "Could I speak to a person?",
    "I want to cancel my reservation.",
    "Mm-hmm.",
    "See you.",
    "What's your address?",
    "Can I have the hotel's phone number?",
    "What's the phone number?",
    "I'd like a double room in May.",
    "We have two kids.",
    "Is it pet friendly?",
    "Do you take cards?",
    "No...",  # Whisper closes a trailing-off answer with an ellipsis: the words decide, not the dots
    "The Deluxe, with a pool view...",
    "",
]


@pytest.mark.parametrize("heard", UNFINISHED_TURNS)
def test_a_turn_that_stops_where_a_sentence_cannot_is_unfinished(heard):
    assert sounds_unfinished(heard)
    assert sounds_unfinished(heard.lower() + ".")  # Whisper often closes a fragment with a full stop


@pytest.mark.parametrize("heard", FINISHED_TURNS)
def test_a_turn_that_can_end_there_is_finished(heard):
    assert not sounds_unfinished(heard)


@pytest.mark.parametrize(
    ("heard", "asked"),
    [
        ("It's 718 555.", PHONE_QUESTION),
        ("Sure. Seven one eight, five five five.", PHONE_QUESTION),
        ("It's 0 20.", PHONE_QUESTION),
        ("ROOMI 2026 0112", CONFIRMATION_QUESTION),
        ("It's ROOMI 20260112", CONFIRMATION_QUESTION),
    ],
)
def test_fewer_digits_than_the_number_roomi_asked_for_is_unfinished(heard, asked):
    assert sounds_unfinished(heard, asked=asked)


@pytest.mark.parametrize(
    ("heard", "asked"),
    [
        ("It's 718 555 0142.", PHONE_QUESTION),
        ("Oh two oh, seven nine four six, oh nine five eight.", PHONE_QUESTION),  # a London number, 11 digits
        ("Plus 44 20 7946 0958.", PHONE_QUESTION),
        ("ROOMI 2026 0112 001", CONFIRMATION_QUESTION),
        ("Three.", "How many nights will you be staying?"),
        ("The 14th.", "What date would you like to check in?"),
        ("I'm in room 305.", "Which room are you in?"),
    ],
)
def test_a_number_as_long_as_the_one_asked_for_is_finished(heard, asked):
    assert not sounds_unfinished(heard, asked=asked)


def test_the_same_short_number_waits_only_when_a_phone_number_was_asked_for():
    assert sounds_unfinished("It's 4412.", asked=PHONE_QUESTION)
    assert sounds_unfinished("It's 4412.", asked="Could you say the phone number again, digit by digit?")
    assert not sounds_unfinished("It's 4412.", asked="Which room are you in?")
    greeting = "Thank you for calling the Mobile Bay Inn, this is Roomi. How can I help?"
    assert not sounds_unfinished("A room for 2.", asked=greeting)  # "Mobile" in a name is not a phone question


def test_a_month_without_its_day_waits_when_roomi_asked_for_a_date():
    asked = "What date would you like to check in?"
    assert sounds_unfinished("January.", asked=asked) and sounds_unfinished("Um, in March.", asked=asked)
    assert not sounds_unfinished("January 20th.", asked=asked) and not sounds_unfinished("The 3rd of March.", asked=asked)
    assert not sounds_unfinished("In March.", asked="Is there anything else I can help you with?")


def conversation(*lines: tuple[str, str]) -> llm.ChatContext:
    chat = llm.ChatContext()
    for role, text in lines:
        chat.add_message(role=role, content=text)
    return chat


async def test_the_detector_reads_the_callers_words_against_roomis_last_question():
    detector = TranscriptTurnDetector()
    threshold = await detector.unlikely_threshold("en")
    asked = conversation(("assistant", "How can I help?"), ("user", "I'd like to book."), ("assistant", PHONE_QUESTION))
    assert await detector.predict_end_of_turn(conversation(*asked_lines(asked), ("user", "It's 917 555"))) < threshold
    assert await detector.predict_end_of_turn(conversation(*asked_lines(asked), ("user", "It's 917 555 0101"))) == FINISHED
    # an earlier question does not count once the caller has answered it and Roomi moved on
    moved_on = conversation(*asked_lines(asked), ("user", "917 555 0101"), ("assistant", "And how many nights?"),
                            ("user", "It's 4412."))
    assert await detector.predict_end_of_turn(moved_on) == FINISHED
    assert await detector.predict_end_of_turn(conversation(("user", "My name is"))) == UNFINISHED
    assert await detector.predict_end_of_turn(llm.ChatContext()) == FINISHED


def asked_lines(chat: llm.ChatContext) -> list[tuple[str, str]]:
    return [(item.role, item.text_content or "") for item in chat.items if item.type == "message"]
