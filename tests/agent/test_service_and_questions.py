"""Service requests filed with the department the request is for, and hotel questions answered (issue 15).

Each test drives the DialogueManager turn by turn, as tests/agent/test_dialogue_robustness.py does, and checks the
tool Roomi calls and its arguments, never her exact wording.
"""

import pytest

from roomiai.agent.brain.departments import department_of, is_urgent
from roomiai.agent.brain.dialogue import Call, DialogueManager, Say
from roomiai.agent.brain.intents import IntentClassifier
from tests.agent.test_dialogue import HOTEL, TODAY, call, say

pytestmark = pytest.mark.agent


@pytest.fixture
def dm():
    return DialogueManager(hotel=HOTEL, today=lambda: TODAY)


def filed(dm, opening: str, last_name: str = "Hopper") -> dict:
    """The request_service arguments after the caller's opening and, when asked, the guest's last name."""
    action = dm.on_user(opening)
    if isinstance(action, Say):
        assert "last name" in action.text, action.text
        action = dm.on_user(last_name)
    return call(action, "request_service")


@pytest.mark.parametrize(("opening", "department", "priority"), [
    ("Hi, I'm in room 401 and there's a leak under the sink", "maintenance", "urgent"),
    ("Room 401 here, there's no hot water in the shower", "maintenance", "urgent"),
    ("This is room 305, the TV won't turn on", "maintenance", "normal"),
    ("room 305, the toilet is blocked", "maintenance", "normal"),
    ("Hello, room 305 here. We've run out of toilet paper", "housekeeping", "normal"),
    ("Hi, room 212, could we get fresh sheets on the bed", "housekeeping", "normal"),
    ("Hello, room 701 here. I'd like a toothbrush please", "amenity", "normal"),
    ("This is room 401, can I get a wake-up call at six tomorrow", "concierge", "normal"),
    ("Room 118, could you send up a bottle of red wine and two glasses", "room_service", "normal"),
    ("I'm in room 901, the hair dryer is broken", "maintenance", "normal"),
])
def test_service_request_a_request_goes_to_the_department_it_is_for(dm, opening, department, priority):
    args = filed(dm, opening)
    assert (args["request_type"], args["priority"]) == (department, priority)


def test_service_request_a_taxi_asked_for_as_a_question_is_ordered_not_explained(dm):
    """'Could we get a taxi to the airport?' from a room wants a taxi, not the airport directions."""
    args = filed(dm, "This is room 701, could we get a taxi to the airport at eight?")
    assert args["request_type"] == "concierge" and args["room_number"] == "701"


def test_service_request_a_late_checkout_question_stays_a_question(dm):
    """Control: a guest asking about late check-out hears the policy; nothing is filed."""
    assert call(dm.on_user("can I get a late checkout?"), "hotel_info") == {"topic": "check_out"}


@pytest.mark.parametrize(("text", "department"), [
    ("more coffee pods for the machine", "housekeeping"),
    ("two coffees and some orange juice", "room_service"),
    ("the air conditioning is making a rattling noise", "maintenance"),
    ("somebody to help with our luggage", "concierge"),
    ("a crib for the baby", "amenity"),
    ("can someone change the sheets, my son spilled juice on them", "housekeeping"),
    ("the key card stopped working, I can't get in", "concierge"),
    ("none of the outlets near the desk have power", "maintenance"),
    ("what's the weather like", None),
])
def test_service_request_departments_follow_what_the_request_is_for(text, department):
    assert department_of(text) == department


def test_service_request_a_caller_who_says_it_cannot_wait_is_urgent():
    assert is_urgent("towels right away please") and not is_urgent("some towels when you have a moment")
    assert is_urgent("water is dripping from the ceiling") and not is_urgent("please empty the bin, it's overflowing")


def answered(dm, action) -> tuple[list[str], str]:
    """The topics Roomi looks up one after another, and what she says once she has the answers."""
    topics = []
    while isinstance(action, Call) and action.name == "hotel_info":
        topics.append(action.arguments["topic"])
        action = dm.on_tool("hotel_info", {"topic": topics[-1], "answer": f"<{topics[-1]} answer>"}, None)
    return topics, say(action)


def test_questions_two_questions_in_one_breath_are_both_answered(dm):
    topics, reply = answered(dm, dm.on_user("how early can we get into the room, and how much is breakfast?"))
    assert topics == ["check_in", "breakfast"] and "<check_in answer> <breakfast answer>" in reply


def test_questions_a_hotel_question_and_a_price_question_are_both_taken(dm):
    """The wifi is answered, then the price question goes on with the date already given."""
    topics, reply = answered(dm, dm.on_user("is the wifi free? how much is the deluxe for the day after tomorrow?"))
    assert topics == ["wifi"] and reply.startswith("<wifi answer>")
    assert dm.d.stay.check_in == TODAY.replace(day=14) and "how many nights" in reply.lower()


def test_questions_a_topic_question_before_a_priced_stay_keeps_the_stay(dm):
    topics, reply = answered(dm, dm.on_user(
        "how early can we get into the room, and what would a standard room cost arriving one week from today, five nights?"))
    assert topics == ["check_in"] and "adults" in reply
    assert dm.d.stay.nights == 5 and dm.d.stay.room_type == "STD"


def test_questions_breakfast_inside_a_price_question_is_a_rate_wish_not_a_question(dm):
    """Control: 'a deluxe with breakfast this Friday' asks for a stay; breakfast is no separate question."""
    assert "nights" in say(dm.on_user("how much is a deluxe room with breakfast this Friday"))


GREETING = "How can I help you today?"
ANYTHING_ELSE = "Is there anything else I can help you with?"
SHALL_I = "Shall I confirm the booking?"


@pytest.mark.parametrize(("previous", "utterance", "intent"), [
    (GREETING, "Just the postcode please", "get_info"),
    (GREETING, "and the street address?", "get_info"),
    (GREETING, "do rooms come with a kettle", "get_info"),
    (GREETING, "what's the earliest I can check in", "get_info"),
    (ANYTHING_ELSE, "yes actually, could you send up some ice", "service_request"),
    (GREETING, "our heating isn't working and it's freezing in here", "service_request"),
    (GREETING, "we're arriving a day later than planned, can you change that on my booking", "modify_booking"),
    (GREETING, "can you put me down for a room on the 14th", "book_room"),
    (SHALL_I, "mhm, sounds right", "confirm"),
    (ANYTHING_ELSE, "actually yes can i get a wake up call at six", "service_request"),  # control: a request, not a question
    (GREETING, "do you have a room for tonight", "check_availability"),  # control: a stay, not a facility
])
def test_intents_phrasings_the_development_set_does_not_have(previous, utterance, intent):
    assert IntentClassifier().classify(utterance, previous_agent=previous).intent == intent


def test_questions_a_question_about_something_without_a_topic_is_looked_up_not_misheard(dm):
    """'Is there a spa?' goes to the hotel's facts; when they say nothing Roomi says so, and never 'didn't catch'."""
    assert call(dm.on_user("is there a spa?"), "hotel_info") == {"topic": "is there a spa?"}
    reply = say(dm.on_tool("hotel_info", {"topic": "is there a spa?", "answer": None, "known_topics": ["parking"]}, None))
    assert "don't have that information" in reply and "didn't" not in reply


def test_questions_an_unknown_question_mid_booking_is_answered_then_the_booking_goes_on(dm):
    say(dm.on_user("I'd like to book a room"))
    call(dm.on_user("do you have laundry service?"), "hotel_info")
    reply = say(dm.on_tool("hotel_info", {"topic": "laundry", "answer": None, "known_topics": []}, None))
    assert "don't have that information" in reply and "check in" in reply


@pytest.mark.parametrize(("utterance", "topic"), [
    ("are children allowed", "children"),
    ("do you have cribs available", "children"),
    ("is there a minibar in the room", "amenities"),
])
def test_questions_policy_and_room_questions_reach_their_topic(dm, utterance, topic):
    assert call(dm.on_user(utterance), "hotel_info") == {"topic": topic}


def test_questions_how_much_is_a_room_asks_for_the_dates_of_the_quote(dm):
    reply = say(dm.on_user("how much is a room?"))
    assert "check in" in reply and "didn't" not in reply


def test_questions_breakfast_asked_beside_a_price_question_chooses_no_rate(dm):
    """'Is breakfast included, and how much is the family room for the 17th?': breakfast is asked, not the B&B rate."""
    topics, _ = answered(dm, dm.on_user("is breakfast included, and how much is the family room for February seventeenth?"))
    assert topics == ["breakfast"] and dm.d.stay.room_type == "FAM" and dm.d.stay.rate_code is None


@pytest.mark.parametrize("leaving", [
    "no, that's ok, I'll try another time. oh, and what are the pool hours?",
    "no thanks, I was just checking prices. when can I check in?",
])
def test_questions_a_question_asked_while_leaving_a_booking_is_still_answered(dm, leaving):
    say(dm.on_user("I'd like to book a room"))
    action = dm.on_user(leaving)
    topics, reply = answered(dm, action)
    assert topics and reply.startswith(("No problem", "Of course")) and reply.endswith("anything else I can help you with?")
    assert dm.d.task == "none"


def test_questions_a_date_in_the_price_question_is_not_taken_for_the_check_out_asked_about(dm):
    """'Can I get a late checkout? How much is a family room for Mar 15?': March 15th is the arrival."""
    topics, reply = answered(dm, dm.on_user("can I get a late checkout? how much is family room, please for Mar 15?"))
    assert topics == ["check_out"] and dm.d.stay.check_in == TODAY.replace(month=3, day=15)
    assert "check in" not in reply.lower()


def test_questions_a_date_beside_a_check_out_question_is_the_arrival(dm):
    """'What time is check-out, and what's a standard for the 20th?': the 20th is not the check-out asked about."""
    topics, reply = answered(dm, dm.on_user("what time is check-out, and what's a standard for the 20th?"))
    assert topics == ["check_out"] and dm.d.stay.check_in == TODAY.replace(day=20) and "nights" in reply
