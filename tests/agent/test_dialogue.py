"""The dialogue manager turn by turn, with tool outputs in the tools' documented shapes."""

import datetime as dt

import pytest

from roomiai.agent.brain.dialogue import Call, DialogueManager, Say

pytestmark = pytest.mark.agent

TODAY = dt.date(2026, 1, 12)
HOTEL = {
    "name": "Grand Hotel",
    "timezone": "America/New_York",
    "room_types": [
        {"code": "STD", "name": "Standard Room", "max_occupancy": 3, "beds": [{"code": "QUEEN"}, {"code": "TWIN"}], "views": ["city", "garden"]},
        {"code": "DLX", "name": "Deluxe Room", "max_occupancy": 3, "beds": [{"code": "KING"}, {"code": "TWIN"}], "views": ["city", "garden", "pool"]},
        {"code": "STE", "name": "Suite", "max_occupancy": 4, "beds": [{"code": "KING"}], "views": ["ocean", "city"]},
        {"code": "FAM", "name": "Family Room", "max_occupancy": 5, "beds": [{"code": "QUEEN"}, {"code": "KING"}], "views": ["garden", "pool"]},
    ],
}


def rate(code="BAR", name="Best Available Rate", per_night=215.0, total=1381.25):
    return {"rate_code": code, "name": name, "per_night": per_night, "room_total": per_night * 3, "taxes": 100.0, "fees": 45.0,
            "grand_total": total, "currency": "USD", "cancellation": "Free cancellation until 24 hours before arrival; one night's charge applies after that.",
            "refundable": True, "includes": [], "eligibility": ""}


def option(code, name, beds, views, rates):
    return {"room_type_code": code, "room_type": name, "available_count": 5, "beds": beds, "views": views, "max_occupancy": 3, "rates": rates}


def availability(check_in="2026-01-20", check_out="2026-01-23", options=None, unavailable=()):
    if options is None:
        options = [
            option("STD", "Standard Room", ["QUEEN", "TWIN"], ["city", "garden"], [rate(per_night=149.0, total=560.0)]),
            option("DLX", "Deluxe Room", ["KING", "TWIN"], ["city", "garden", "pool"],
                   [rate(per_night=199.0, total=745.0), rate("PKG_BB", "Bed and Breakfast", 229.0, 850.0)]),
        ]
    nights = (dt.date.fromisoformat(check_out) - dt.date.fromisoformat(check_in)).days
    return {"check_in": check_in, "check_out": check_out, "nights": nights, "adults": 2, "children": 0, "rooms": 1,
            "options": options, "unavailable": list(unavailable)}


@pytest.fixture
def dm():
    return DialogueManager(hotel=HOTEL, today=lambda: TODAY)


def say(action) -> str:
    assert isinstance(action, Say), action
    return action.text


def call(action, name) -> dict:
    assert isinstance(action, Call) and action.name == name, action
    return action.arguments


def book_until_availability(dm):
    assert "How many adults" in say(dm.on_user("Hi, I'd like to book a room from January 20th for three nights"))
    args = call(dm.on_user("me and my wife"), "check_availability")
    assert args == {"check_in": "2026-01-20", "check_out": "2026-01-23", "adults": 2, "children": 0, "rooms": 1}
    return args


def test_full_booking_conversation(dm):
    book_until_availability(dm)
    offer = say(dm.on_tool("check_availability", availability(), None))
    assert "Standard Rooms from 149 dollars a night" in offer and "Deluxe Rooms from 199 dollars" in offer
    assert dm.state == "room_selection"
    quote = say(dm.on_user("the deluxe with a king bed please"))
    assert "745 dollars in total for 3 nights" in quote and quote.endswith("Would you like to book it?")
    assert "name" in say(dm.on_user("yes please"))
    assert "phone" in say(dm.on_user("John Smith"))
    assert "email" in say(dm.on_user("five five five one two three four five six seven"))
    assert "special requests" in say(dm.on_user("john dot smith at gmail dot com"))
    args = call(dm.on_user("it's our anniversary, and a high floor please"), "prepare_booking")
    assert args["room_type"] == "DLX" and args["rate_code"] == "BAR" and args["bed"] == "KING"
    assert (args["first_name"], args["last_name"], args["phone"], args["email"]) == ("John", "Smith", "5551234567", "john.smith@gmail.com")
    assert args["special_occasion"] == "anniversary" and "high floor" in args["special_requests"]
    prepared = {**args, "rate_name": "Best Available Rate", "nights": 3, "per_night": 199.0, "grand_total": 745.0, "currency": "USD",
                "cancellation": "Free cancellation until 24 hours before arrival.", "room_type": "Deluxe Room", "room_type_code": "DLX"}
    readback = say(dm.on_tool("prepare_booking", prepared, None))
    assert "checking in Tuesday, January 20th" in readback and "745 dollars" in readback
    assert readback.endswith("Shall I confirm the booking?") and dm.state == "confirm_booking"
    call(dm.on_user("yes that's correct"), "confirm_booking")
    done = say(dm.on_tool("confirm_booking", {"confirmation_number": "ROOMI-20260112-001", "check_in": "2026-01-20",
                                              "email": "john.smith@gmail.com"}, None))
    assert "ROOMI-20260112-001" in done and "R O O M I, 2 0 2 6 0 1 1 2, 0 0 1" in done
    assert dm.state == "closing"
    call(dm.on_user("no that's all, thank you"), "end_call")
    assert "Thank you for calling Grand Hotel" in say(dm.on_tool("end_call", {"ended": True}, None))


def test_corrections_change_the_search(dm):
    book_until_availability(dm)
    say(dm.on_tool("check_availability", availability(), None))
    args = call(dm.on_user("sorry, actually make it four nights"), "check_availability")
    assert args["check_out"] == "2026-01-24"
    say(dm.on_tool("check_availability", availability(check_out="2026-01-24"), None))
    args = call(dm.on_user("no wait, check in on the 22nd"), "check_availability")
    assert (args["check_in"], args["check_out"]) == ("2026-01-22", "2026-01-26")


def test_several_details_at_once_skip_questions(dm):
    args = call(dm.on_user("Do you have a suite for two adults from February 3rd to the 6th?"), "check_availability")
    assert args == {"check_in": "2026-02-03", "check_out": "2026-02-06", "adults": 2, "children": 0, "rooms": 1}


def test_sold_out_room_type_offers_the_others(dm):
    call(dm.on_user("I need a suite for two adults from January 20th to the 23rd"), "check_availability")
    reply = say(dm.on_tool("check_availability", availability(unavailable=[{"room_type_code": "STE", "room_type": "Suite", "reason": "Sold out on 2026-01-21.", "code": "sold_out"}]), None))
    assert "can't offer the Suite" in reply and "sold out" in reply and "Deluxe Rooms from 199" in reply


def test_fully_booked_searches_nearby_dates(dm):
    call(dm.on_user("a room for two adults from January 20th to the 23rd"), "check_availability")
    nxt = call(dm.on_tool("check_availability", availability(options=[]), None), "check_availability")
    assert (nxt["check_in"], nxt["check_out"]) == ("2026-01-21", "2026-01-24")
    nxt = call(dm.on_tool("check_availability", availability("2026-01-21", "2026-01-24", options=[]), None), "check_availability")
    assert nxt["check_in"] == "2026-01-19"
    offer = say(dm.on_tool("check_availability", availability("2026-01-19", "2026-01-22"), None))
    assert "fully booked for those dates" in offer and "Monday, January 19th" in offer and offer.endswith("Would those dates work?")
    reply = say(dm.on_user("yes that works"))
    assert "Standard Rooms" in reply and dm.d.stay.check_in == dt.date(2026, 1, 19)


def test_info_question_mid_booking_resumes_the_question(dm):
    book_until_availability(dm)
    say(dm.on_tool("check_availability", availability(), None))
    assert call(dm.on_user("wait, do you have parking?"), "hotel_info") == {"topic": "parking"}
    reply = say(dm.on_tool("hotel_info", {"topic": "parking", "answer": "Valet parking is 35 dollars per night."}, None))
    assert reply.startswith("Valet parking is 35 dollars per night.") and "Which would you like?" in reply


def test_transfer_on_request_and_after_repeated_confusion(dm):
    assert call(dm.on_user("can I talk to a real person please"), "transfer_to_human")
    other = DialogueManager(hotel=HOTEL, today=lambda: TODAY)
    other.on_user("I want to book a room")
    assert "didn't catch" in say(other.on_user("blorp"))
    offer = say(other.on_user("flibber"))  # a second failure on the same question: the front desk is offered
    assert "front desk" in offer
    assert call(other.on_user("yes please"), "transfer_to_human")


def test_cancellation_needs_verification_then_a_yes(dm):
    assert "confirmation number" in say(dm.on_user("I need to cancel my reservation"))
    args = call(dm.on_user("it's ROOMI-20260112-001, last name Smith"), "find_booking")
    assert args == {"confirmation_number": "ROOMI-20260112-001", "last_name": "Smith"}
    booking = {"confirmation_number": "ROOMI-20260112-001", "status": "confirmed", "check_in": "2026-01-20", "check_out": "2026-01-23",
               "nights": 3, "room_type": "Deluxe Room", "room_type_code": "DLX", "rate_code": "BAR", "adults": 2, "children": 0,
               "guest_name": "John Smith", "grand_total": 745.0, "currency": "USD", "cancellation": "..."}
    assert call(dm.on_tool("find_booking", {"verified": True, "bookings": [booking]}, None), "quote_cancellation")
    quote = say(dm.on_tool("quote_cancellation", {"confirmation_number": "ROOMI-20260112-001", "free_cancellation": False,
                                                   "penalty": 223.88, "refund": 0, "currency": "USD", "deadline": "..."}, None))
    assert "penalty of 223 dollars and 88 cents" in quote and quote.endswith("Would you like me to cancel booking ROOMI-20260112-001?")
    call(dm.on_user("yes, go ahead"), "confirm_cancellation")
    done = say(dm.on_tool("confirm_cancellation", {"confirmation_number": "ROOMI-20260112-001", "cancellation_reference": "CXL-ROOMI-20260112-001",
                                                    "penalty": 223.88, "refund": 0, "currency": "USD"}, None))
    assert "CXL-ROOMI-20260112-001" in done


def test_three_failed_verifications_offer_a_transfer(dm):
    dm.on_user("I want to change my booking")
    for attempt in range(3):
        call(dm.on_user("confirmation ROOMI-20260112-009 and the last name is Jones"), "find_booking")
        reply = say(dm.on_tool("find_booking", None, "No booking matches those details."))
    assert "transfer you to the front desk" in reply
    assert call(dm.on_user("yes"), "transfer_to_human")


def test_modify_dates_keeps_the_length_and_quotes_first(dm):
    dm.on_user("I'd like to change my reservation")
    call(dm.on_user("ROOMI-20260112-001, Smith"), "find_booking")
    booking = {"confirmation_number": "ROOMI-20260112-001", "status": "confirmed", "check_in": "2026-01-20", "check_out": "2026-01-23",
               "nights": 3, "room_type": "Deluxe Room", "room_type_code": "DLX", "rate_code": "BAR", "adults": 2, "children": 0,
               "guest_name": "John Smith", "grand_total": 745.0, "currency": "USD", "cancellation": "..."}
    ask = say(dm.on_tool("find_booking", {"verified": True, "bookings": [booking]}, None))
    assert "What would you like to change?" in ask
    args = call(dm.on_user("can we move it to the 27th"), "quote_change")
    assert args == {"confirmation_number": "ROOMI-20260112-001", "check_in": "2026-01-27", "check_out": "2026-01-30"}
    quote = say(dm.on_tool("quote_change", {"confirmation_number": "ROOMI-20260112-001", "previous_total": 745.0, "new_total": 705.0,
                                            "difference": -40.0, "currency": "USD", "check_in": "2026-01-27", "check_out": "2026-01-30",
                                            "nights": 3, "room_type": "Deluxe Room", "changes": {}}, None))
    assert "40 dollars less than before" in quote and quote.endswith("Shall I make that change?")
    call(dm.on_user("yes"), "confirm_change")


def test_service_request_asks_for_the_room_and_the_guest_in_it(dm):
    assert "room number" in say(dm.on_user("Could you send up some extra towels please?"))
    assert say(dm.on_user("it's room 405")) == "And the last name of the guest staying in room 405?"
    args = call(dm.on_user("It's Hopper"), "request_service")
    assert args["request_type"] == "housekeeping" and args["room_number"] == "405" and args["items"] == ["towels"]
    assert args["last_name"] == "Hopper"


def test_a_refused_service_request_asks_for_room_and_name_again_then_offers_the_desk(dm):
    dm.on_user("Towels to room 405 please")
    call(dm.on_user("Smith"), "request_service")
    refused = "No guest staying in the hotel matches that room or booking and that last name."
    again = say(dm.on_tool("request_service", None, refused))
    assert "room number again" in again
    assert "last name" in say(dm.on_user("405"))
    assert call(dm.on_user("Jones"), "request_service")["last_name"] == "Jones"
    assert say(dm.on_tool("request_service", {"filed": False, "code": "cannot_check_now"}, None)) == (
        "I'm sorry, I can't check that for you right now. Would you like me to transfer you to the front desk?")
    assert call(dm.on_user("yes please"), "transfer_to_human")


def test_a_phone_number_leads_nowhere_unless_the_call_comes_from_it(dm):
    """The audit's attack: 'cancel my booking', another guest's phone number, 'yes'."""
    ask = say(dm.on_user("I want to cancel my booking"))
    assert "confirmation number and the last name" in ask and "phone" not in ask
    assert call(dm.on_user("my phone number is +1 305-555-0199"), "find_booking")["phone"].endswith("3055550199")
    refusal = say(dm.on_tool("find_booking", {"verified": False, "code": "phone_not_caller_id", "instruction": "..."}, None))
    assert "calling from that number" in refusal and "confirmation number and the last name" in refusal
    assert not isinstance(dm.on_user("yes"), Call)
    assert call(dm.on_user("ROOMI-20260112-001, last name Smith"), "find_booking") == {
        "confirmation_number": "ROOMI-20260112-001", "last_name": "Smith"}


def test_when_bookings_cannot_be_checked_roomi_says_so_and_offers_the_desk(dm):
    dm.on_user("I want to change my booking")
    call(dm.on_user("ROOMI-20260112-001, Smith"), "find_booking")
    reply = say(dm.on_tool("find_booking", {"verified": False, "code": "cannot_check_now", "instruction": "..."}, None))
    assert reply == "I'm sorry, I can't check that for you right now. Would you like me to transfer you to the front desk?"
    assert "couldn't find" not in reply and dm.d.verify_failures == 0
    assert call(dm.on_user("yes"), "transfer_to_human")


def test_plain_questions_are_answered_from_the_hotel(dm):
    assert call(dm.on_user("What time is check-out?"), "hotel_info") == {"topic": "check_out"}
    reply = say(dm.on_tool("hotel_info", {"topic": "check_out", "answer": "Check-out is at 11 in the morning."}, None))
    assert reply == "Check-out is at 11 in the morning. Is there anything else I can help you with?"
    assert call(dm.on_user("no, that's it, bye"), "end_call") == {}


def test_words_around_a_confirmation_number_are_not_taken_for_a_name(dm):
    dm.on_user("I want to cancel my reservation")
    assert "last name" in say(dm.on_user("my confirmation number is ROOMI-20260112-001"))
    assert call(dm.on_user("Berg"), "find_booking") == {"confirmation_number": "ROOMI-20260112-001", "last_name": "Berg"}


def test_goodbye_after_a_transfer_offer_ends_the_call(dm):
    dm.on_user("I want to book a room")
    for nonsense in ("blorp", "flibber", "zzz"):
        dm.on_user(nonsense)
    assert call(dm.on_user("bye"), "end_call") == {}
