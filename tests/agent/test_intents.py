"""Intent classifier: realistic caller utterances, with and without the agent's previous turn."""

import pytest

from roomiai.agent.brain.intents import INTENTS, IntentClassifier, IntentResult

pytestmark = pytest.mark.agent

CLF = IntentClassifier()

ANYTHING_ELSE = "Is there anything else I can help you with?"
SHALL_I_BOOK = "Shall I go ahead and book that for you?"
CONFIRM_DETAILS = "So that's a deluxe room from March 20th to March 23rd for 2 adults. Is that correct?"
BREAKFAST = "Would you like breakfast included?"
GREETING = "Thank you for calling the Grand Hotel, this is Roomi. How can I help you today?"
BOOKED = "Your reservation is confirmed. The confirmation number is ROOMI-20260320-004."


@pytest.mark.parametrize(
    "utterance",
    [
        "I'd like to book a room",
        "Hi, I'd like to book a room for tomorrow night",
        "I need a room tonight",
        "can I reserve a king room from the 20th for three nights",
        "I want to make a reservation for two adults next Friday",
        "yeah i wanna book a double room for me and my husband from march twentieth to march twenty second",
        "we're arriving January twentieth and leaving the twenty fifth",
        "book me a suite for the weekend please",
        "i'd like to get a room for three nights starting the fifth",
    ],
)
def test_book_room(utterance):
    assert CLF.classify(utterance).intent == "book_room"


@pytest.mark.parametrize(
    "utterance",
    [
        "do you have any rooms available next friday",
        "Do you have availability for March 3rd to 5th?",
        "is there a room free this weekend",
        "can you check if you have a suite for two nights",
        "I'm looking for a hotel room",
        "any vacancies for tomorrow",
        "do you have a king room for two nights starting Friday?",
    ],
)
def test_check_availability(utterance):
    assert CLF.classify(utterance).intent == "check_availability"


@pytest.mark.parametrize(
    "utterance",
    [
        "I need to change my dates",
        "can I move my reservation to Friday",
        "I'd like to modify my booking",
        "I want to extend my stay by one night",
        "we'd like to arrive a day earlier",
        "can i change the reservation to two rooms",
        "can you add breakfast to my reservation",
        "I need to reschedule",
        "i need to change the name on my booking",
    ],
)
def test_modify_booking(utterance):
    assert CLF.classify(utterance).intent == "modify_booking"


@pytest.mark.parametrize(
    "utterance",
    [
        "I want to cancel my booking",
        "I need to cancel",
        "please cancel my reservation",
        "cancel the room for the 20th",
        "I have a booking ROOMI-20260411-007 and need to cancel it",
        "i'd like to cancel my reservation under smith",
    ],
)
def test_cancel_booking(utterance):
    assert CLF.classify(utterance).intent == "cancel_booking"


@pytest.mark.parametrize(
    "utterance",
    [
        "let me talk to a person",
        "operator",
        "front desk please",
        "representative",
        "can I speak to a manager",
        "i want to speak to a real person",
        "transfer me please",
        "get me a human",
        "can i talk to someone at the front desk",
    ],
)
def test_request_human(utterance):
    assert CLF.classify(utterance).intent == "request_human"


@pytest.mark.parametrize(
    "utterance",
    [
        "can I get extra towels sent up to room 405",
        "the AC in my room is broken",
        "housekeeping please",
        "I'd like to order room service",
        "the toilet in room 212 is clogged",
        "my key card doesn't work",
        "there's no hot water",
        "could you send housekeeping to 1204",
        "can someone bring up a couple of extra blankets",
        "i lost my key",
        "can I get room service",
    ],
)
def test_service_request(utterance):
    assert CLF.classify(utterance).intent == "service_request"


@pytest.mark.parametrize(
    "utterance",
    [
        "what time is check-out",
        "do you have parking",
        "are pets allowed",
        "is breakfast included",
        "what's the wifi password",
        "where are you located",
        "what's your cancellation policy",
        "how much is a king room per night",
        "is there a pool",
        "what is the check in time?",
        "do you have an airport shuttle",
        "is room service available",
        "can I bring my dog",
        "What's their phone number?",
        "is the front desk open 24 hours",
        "what happens if I cancel",
    ],
)
def test_get_info(utterance):
    assert CLF.classify(utterance).intent == "get_info"


@pytest.mark.parametrize(
    ("previous_agent", "utterance"),
    [
        (SHALL_I_BOOK, "yes please"),
        (CONFIRM_DETAILS, "yeah that's right"),
        (SHALL_I_BOOK, "sounds good"),
        (BREAKFAST, "sure"),
        (CONFIRM_DETAILS, "yes, that's right. does it have wifi?"),
        (CONFIRM_DETAILS, "correct"),
        (SHALL_I_BOOK, "go ahead"),
        (CONFIRM_DETAILS, "yep"),
        (SHALL_I_BOOK, "Please do."),
        ("Will you be checking in on March 6th?", "yes"),
        ("Would you like a reservation?", "Yes. My check in date will be March 3rd."),
        (SHALL_I_BOOK, "You heard perfectly. Thanks."),
        (CONFIRM_DETAILS, "you got it right, thank you"),
    ],
)
def test_confirm(previous_agent, utterance):
    assert CLF.classify(utterance, previous_agent=previous_agent).intent == "confirm"


@pytest.mark.parametrize(
    ("previous_agent", "utterance"),
    [
        (ANYTHING_ELSE, "nope"),
        (ANYTHING_ELSE, "no that's all thanks"),
        (ANYTHING_ELSE, "no thank you bye"),
        (ANYTHING_ELSE, "that's it"),
        (BREAKFAST, "no"),
        (SHALL_I_BOOK, "not right now"),
        (SHALL_I_BOOK, "yes, but maybe later"),
        (CONFIRM_DETAILS, "no, the 22nd"),
        (CONFIRM_DETAILS, "actually make it three nights"),
        (SHALL_I_BOOK, "cancel that"),
        ("", "no"),
    ],
)
def test_deny(previous_agent, utterance):
    assert CLF.classify(utterance, previous_agent=previous_agent).intent == "deny"


@pytest.mark.parametrize(
    ("previous_agent", "utterance"),
    [
        (BOOKED, "thanks bye"),
        (BOOKED, "Thank you for making the reservation."),
        ("", "hello"),
        (BOOKED, "great, thank you so much"),
        (BOOKED, "that's all I needed, have a good day"),
    ],
)
def test_other(previous_agent, utterance):
    assert CLF.classify(utterance, previous_agent=previous_agent).intent == "other"


@pytest.mark.parametrize(
    ("previous_agent", "utterance", "intent"),
    [
        (ANYTHING_ELSE, "yes what time is breakfast", "get_info"),
        (ANYTHING_ELSE, "yeah i'd like to book another room", "book_room"),
        (ANYTHING_ELSE, "actually yes can i get a wake up call at six", "service_request"),
        (ANYTHING_ELSE, "no, but I need to cancel my other reservation", "cancel_booking"),
        (BOOKED, "thanks for your help, can you also book me a room for tomorrow", "book_room"),
        ("Would you like to book tickets?", "No, but find me a hotel room there.", "check_availability"),
        ("May I have your name please?", "sure it's Maria Lopez", "other"),
        ("How many nights will you be staying?", "three", "other"),
        (GREETING, "yeah hi um what time is check in", "get_info"),
        (GREETING, "hi i'd like to book a room for next weekend", "book_room"),
        (GREETING, "hello do you have anything available tonight", "check_availability"),
        (ANYTHING_ELSE, "actually is parking included", "get_info"),
        (BOOKED + " " + ANYTHING_ELSE, "yes can i get a late checkout on sunday", "service_request"),
        ("I found your booking for March 20 to 22. What would you like to change?", "can we move it to the 27th",
         "modify_booking"),
    ],
)
def test_previous_agent_changes_the_reading(previous_agent, utterance, intent):
    assert CLF.classify(utterance, previous_agent=previous_agent).intent == intent


@pytest.mark.parametrize(
    "utterance",
    ["", "   ", "...", "um", "I'D LIKE TO BOOK A ROOM!!!", "what???", "12345", "a" * 2000],
)
def test_any_input_gives_a_known_intent_and_bounded_confidence(utterance):
    result = CLF.classify(utterance, previous_agent="Anything else?")
    assert isinstance(result, IntentResult)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0


def test_yes_depends_on_the_question():
    assert CLF.classify("sure", previous_agent=BREAKFAST).intent == "confirm"
    assert CLF.classify("no", previous_agent=BREAKFAST).intent == "deny"
    assert CLF.classify("yes", previous_agent=ANYTHING_ELSE).intent == "confirm"
    assert CLF.classify("that's all", previous_agent=ANYTHING_ELSE).intent == "deny"
    assert CLF.classify("that's all", previous_agent=BOOKED).intent == "other"


def test_strong_rules_are_more_confident_than_fallback():
    strong = CLF.classify("let me talk to a person")
    weak = CLF.classify("hmm okay so")
    assert strong.confidence > weak.confidence
    assert weak.intent == "other"
