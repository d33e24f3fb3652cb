"""Casual callers with an existing booking or a request from their room (issue 15): one test per pattern, several phrasings.

Each test drives the DialogueManager turn by turn with tool outputs in the tools' documented shapes and checks what
Roomi does next (the tool and its arguments, or what she asks), never her exact wording.
"""

import pytest
from tests.agent.test_dialogue import HOTEL, TODAY, call, say
from tests.agent.test_dialogue_robustness import BOOKING

from roomiai.agent.brain.dialogue import Call, DialogueManager, Say

pytestmark = pytest.mark.agent

CONF = BOOKING["confirmation_number"]
CANCEL_QUOTE = {"confirmation_number": CONF, "free_cancellation": False, "penalty": 199.0, "refund": 546.0, "currency": "USD"}


@pytest.fixture
def dm():
    return DialogueManager(hotel=HOTEL, today=lambda: TODAY)


def verified(dm, opening="I need to change my booking"):
    say(dm.on_user(opening))
    call(dm.on_user(f"{CONF}, Hopper"), "find_booking")
    return dm.on_tool("find_booking", {"bookings": [BOOKING]}, None)


@pytest.mark.parametrize("said, last_name", [
    ("it's under her name, Fischer", "Fischer"),
    ("the booking is under my husband, Mr Patel", "Patel"),
    ("under the name of okonkwo", "Okonkwo"),
])
def test_last_name_said_with_under(dm, said, last_name):
    say(dm.on_user("I want to cancel my reservation"))
    say(dm.on_user(said))
    assert dm.d.last_name == last_name


@pytest.mark.parametrize("said", [
    "quick one need to push my reservation back a week ROOMI-20260112-001 hopper",
    "cancel my reservation ROOMI-20260112-001 hopper",
])
def test_last_name_right_after_the_number(dm, said):
    args = call(dm.on_user(said), "find_booking")
    assert args == {"confirmation_number": CONF, "last_name": "Hopper"}


@pytest.mark.parametrize("said", ["oh the number... hang on... ROOMI 20260112 001", "yeah that works ROOMI-20260112-001"])
def test_words_around_a_number_are_no_last_name(dm, said):
    say(dm.on_user("hi it's mrs Hopper, i want to cancel my room"))
    assert call(dm.on_user(said), "find_booking")["last_name"] == "Hopper"


@pytest.mark.parametrize("correction, expected", [
    ("oh sorry it's under Hopper", {"confirmation_number": "ROOMI-20260112-009", "last_name": "Hopper"}),
    ("sorry, ROOMI 2026 0112 001", {"confirmation_number": CONF, "last_name": "Smith"}),
])
def test_a_corrected_detail_keeps_the_other(dm, correction, expected):
    say(dm.on_user("cancel my booking please"))
    call(dm.on_user("ROOMI-20260112-009 Smith"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    assert call(dm.on_user(correction), "find_booking") == expected


@pytest.mark.parametrize("no_number, then", [
    ("i don't have the confirmation number", "i'm not calling from that phone"),
    ("I didn't write the number down", "no i don't know it"),
    ("i dont have it on me, the number, the name is Lovelace", "uhh i think it was for the week before christmas"),
    ("oh I don't know any number dear, my name is Brown", "I don't know, my daughter did all that"),
])
def test_no_number_ends_at_the_front_desk_never_a_loop(dm, no_number, then):
    say(dm.on_user("I'd like to cancel my reservation"))
    assert dm.d.asked == "verify"
    say(dm.on_user(no_number))
    assert dm.d.asked == "phone"
    say(dm.on_user(then))
    assert dm.d.asked == "front_desk"
    assert call(dm.on_user("yes please"), "transfer_to_human")


def test_declined_front_desk_waits_for_the_number_without_asking_for_the_name_again(dm):
    say(dm.on_user("hey so i gotta cancel my reservation"))
    say(dm.on_user("i don't have the number on me, my last name is Okonkwo"))
    say(dm.on_user("i think it was for like the week before christmas"))
    reply = say(dm.on_user("no"))
    assert dm.d.asked == "verify" and "last name" not in reply
    assert call(dm.on_user("found it, ROOMI 2026 0112 001"), "find_booking")["last_name"] == "Okonkwo"


@pytest.mark.parametrize("said", ["can you look it up by my phone number", "can you find it with the number I'm calling from"])
def test_phone_lookup_is_no_hotel_question(dm, said):
    say(dm.on_user("i need to cancel my booking"))
    action = dm.on_user(said)
    assert isinstance(action, Say) and dm.d.asked == "phone", action


def test_this_number_asks_for_it_said_once_then_the_front_desk(dm):
    say(dm.on_user("i need to cancel my booking"))
    say(dm.on_user("look it up by my phone"))
    say(dm.on_user("it's the number i'm calling from"))
    assert dm.d.asked == "phone"
    say(dm.on_user("this one"))
    assert dm.d.asked == "front_desk"


def test_the_same_question_is_never_asked_three_times(dm):
    say(dm.on_user(f"i want to cancel my booking {CONF}"))
    replies = [say(dm.on_user(line)) for line in ("actually no can i just change the dates instead", "move it to the 20th")]
    assert len(set(replies + [dm.d.last_reply])) > 1 and dm.d.asked in ("last_name", "transfer")


@pytest.mark.parametrize("question", ["what's the penalty if i do", "how much is that", "oh wait, is there a fee?", "silva"])
def test_neither_yes_nor_no_to_a_cancellation_quote_hears_the_amount_again(dm, question):
    verified(dm, "i want to cancel my booking")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    reply = say(dm.on_user(question))
    assert "199 dollars" in reply and dm.d.asked == "cancel_confirm"
    call(dm.on_user("ok fine go ahead"), "confirm_cancellation")


def test_no_to_cancelling_with_a_change_instead_goes_on_to_the_change(dm):
    verified(dm, "i want to cancel my booking")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    reply = say(dm.on_user("actually no can i just change the dates instead"))
    assert dm.d.task == "modify" and dm.d.asked == "change_what", reply


@pytest.mark.parametrize("said, check_in, check_out", [
    ("can i leave a day earlier", "2026-01-20", "2026-01-22"),
    ("we'll arrive a day early", "2026-01-19", "2026-01-23"),
    ("push it back a week", "2026-01-27", "2026-01-30"),
    ("we need to move it by a day, like come in a day later", "2026-01-21", "2026-01-24"),
    ("bring it forward by two days", "2026-01-18", "2026-01-21"),
    ("can we stay a day longer", "2026-01-20", "2026-01-24"),
    ("postpone it by 3 days", "2026-01-23", "2026-01-26"),
])
def test_relative_date_changes(dm, said, check_in, check_out):
    verified(dm)
    args = call(dm.on_user(said), "quote_change")
    assert (args["check_in"], args["check_out"]) == (check_in, check_out)


@pytest.mark.parametrize("said, key, value", [
    ("we need to add a kid", "children", 1),
    ("my sister is coming too, can we add another adult", "adults", 3),
])
def test_added_guests_count_from_the_booking(dm, said, key, value):
    verified(dm)
    assert call(dm.on_user(said), "quote_change")[key] == value


@pytest.mark.parametrize("said", ["ok thanks that's all", "no, that's fine, i was just checking", "nothing, thanks"])
def test_nothing_to_change_ends_kindly(dm, said):
    verified(dm, "hi can you just check my reservation details")
    say(dm.on_user(said))
    assert dm.d.task == "none" and dm.d.asked == "anything_else"


@pytest.mark.parametrize("opening, task", [
    ("hello dear, my daughter booked a room for me and now I can't come", "cancel"),
    ("hi can you just check my reservation details", "modify"),
    ("hi i want to stay one more day, booking ROOMI-20260112-001, name Hopper", "modify"),
])
def test_existing_booking_openings(dm, opening, task):
    dm.on_user(opening)
    assert dm.d.task == task


@pytest.mark.parametrize("answer, room", [("four-twelve", "412"), ("it's three oh five", "305"), ("uh we're in eleven oh two", "1102"),
                                          ("412", "412")])
def test_bare_room_numbers(dm, answer, room):
    say(dm.on_user("theres water leaking from the ceiling in my bathroom"))
    assert dm.d.asked == "room_number"
    say(dm.on_user(answer))
    assert dm.d.service.room_number == room and dm.d.asked == "service_name"


@pytest.mark.parametrize("said, kind", [
    ("the people next door are really loud, can someone do something", "concierge"),
    ("hello, I am in room 409, there is a lot of noise from upstairs, I cannot sleep", "concierge"),
    ("can i order some room service", "room_service"),
    ("can someone bring us a crib", "amenity"),
])
def test_in_house_requests_said_casually(dm, said, kind):
    say(dm.on_user(said))
    assert dm.d.task == "service" and dm.d.service.request_type == kind and dm.d.asked in ("room_number", "service_name")


def test_a_failed_service_check_keeps_the_room(dm):
    say(dm.on_user("need extra pillows room 202"))
    call(dm.on_user("smith"), "request_service")
    say(dm.on_tool("request_service", None, "No guest staying in the hotel matches that room and last name.", "not_found"))
    args = call(dm.on_user("oh sorry it's Lopez"), "request_service")
    assert (args["room_number"], args["last_name"]) == ("202", "Lopez")


@pytest.mark.parametrize("insist", ["it's definitely right", "yes i'm sure", "that's correct"])
def test_insisting_on_details_that_match_nothing_offers_the_front_desk(dm, insist):
    say(dm.on_user("cancel booking"))
    call(dm.on_user("ROOMI-20260112-009 jones"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    say(dm.on_user(insist))
    assert dm.d.asked == "transfer"
    assert call(dm.on_user("yes"), "transfer_to_human")


def test_a_phone_number_after_a_miss_is_looked_up_by_itself(dm):
    say(dm.on_user("cancel my reservation please"))
    call(dm.on_user("ROOMI-20260112-999, Smith"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    assert call(dm.on_user("my phone is 555 000 1111"), "find_booking") == {"phone": "5550001111"}


@pytest.mark.parametrize("said", ["hang on let me find it", "one sec, looking for it", "give me a minute"])
def test_hold_on_while_looking_for_the_number_is_no_misunderstanding(dm, said):
    say(dm.on_user("need to change my reservation"))
    reply = say(dm.on_user(said))
    assert "take your time" in reply.lower() and dm.d.misunderstood == 0
    call(dm.on_user("ok here it is ROOMI-20260112-001, Hopper"), "find_booking")


@pytest.mark.parametrize("said", ["That would be splendid, thank you.", "thank you"])
def test_thanks_to_a_change_quote_is_no_no(dm, said):
    verified(dm)
    args = call(dm.on_user("push it back a week"), "quote_change")
    quote = {**args, "room_type": "Deluxe Room", "nights": 3, "new_total": 745.0, "difference": 0.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    action = dm.on_user(said)
    if isinstance(action, Call):  # "that would be splendid" to "shall I make the change?" is a yes
        assert action.name == "confirm_change"
        return
    assert dm.d.quote is not None and dm.d.asked == "change_confirm" and "745 dollars" in say(action)


@pytest.mark.parametrize("said", ["ok then no", "nope", "no that's it"])
def test_no_to_what_should_change_keeps_the_booking(dm, said):
    verified(dm)
    say(dm.on_user(said))
    assert dm.d.task == "none" and dm.d.asked == "anything_else"


def test_yes_to_what_should_change_asks_what(dm):
    verified(dm)
    say(dm.on_user("sure"))
    assert dm.d.asked == "change_what" and dm.d.misunderstood == 0


@pytest.mark.parametrize("said", ["can we switch to a king bed", "could we get a sea view instead", "can you put us on a higher floor"])
def test_what_a_booking_change_cannot_do_goes_to_the_front_desk(dm, said):
    verified(dm)
    say(dm.on_user(said))
    assert dm.d.asked == "transfer"


@pytest.mark.parametrize("said", ["hey can i get a late checkout tomorrow", "is an early check-in possible tomorrow?"])
def test_a_late_checkout_with_a_date_starts_no_booking(dm, said):
    assert call(dm.on_user(said), "hotel_info")
    assert dm.d.task != "book"


@pytest.mark.parametrize("name", ["King", "Young", "white"])
def test_surnames_that_are_also_words(dm, name):
    say(dm.on_user("my key card stopped working, im in room two oh two"))
    assert call(dm.on_user(name), "request_service")["last_name"] == name.capitalize()


def test_a_changed_party_is_said_back_with_the_quote(dm):
    verified(dm)
    args = call(dm.on_user("we need to add a kid"), "quote_change")
    quote = {**args, "check_in": BOOKING["check_in"], "check_out": BOOKING["check_out"], "room_type": "Deluxe Room",
             "nights": 3, "new_total": 745.0, "difference": 0.0, "currency": "USD"}
    assert "2 adults and 1 child" in say(dm.on_tool("quote_change", quote, None))


@pytest.mark.parametrize("said", ["change booking ROOMI-20260112-001 hopper to the suite",
                                  "i'd like to cancel reservation room e 2026 0112 001 hopper"])
def test_last_name_after_a_number_in_a_longer_sentence(dm, said):
    assert call(dm.on_user(said), "find_booking")["last_name"] == "Hopper"


@pytest.mark.parametrize("opening", ["what dates is my booking for", "when is our reservation again?"])
def test_asking_what_the_booking_is_looks_it_up(dm, opening):
    dm.on_user(opening)
    assert dm.d.task == "modify" and dm.d.asked == "verify"


@pytest.mark.parametrize("said", ["one of us can't come anymore so it's just one person now, booking ROOMI-20260112-001 Hopper",
                                  "my friend can't make it, so we're just 1 adult now, booking ROOMI-20260112-001 Hopper"])
def test_one_guest_dropping_out_is_a_change_not_a_cancellation(dm, said):
    call(dm.on_user(said), "find_booking")
    assert dm.d.task == "modify"


@pytest.mark.parametrize("said", ["we want two rooms instead of one", "could we have connecting rooms"])
def test_more_rooms_on_a_booking_goes_to_the_front_desk(dm, said):
    verified(dm)
    say(dm.on_user(said))
    assert dm.d.asked == "transfer"


@pytest.mark.parametrize("said", ["i don't know the room number, we just checked in", "not sure, sorry"])
def test_a_guest_without_their_room_number_is_offered_the_front_desk(dm, said):
    say(dm.on_user("can i get extra blankets"))
    say(dm.on_user(said))
    assert dm.d.asked == "transfer"


def test_a_room_number_is_never_asked_for_a_third_time(dm):
    say(dm.on_user("can i get extra blankets"))
    replies = [say(dm.on_user(line)) for line in ("purple", "what")]
    assert len({*replies, "Certainly. What's your room number?"}) == 3 and dm.d.asked == "transfer"


@pytest.mark.parametrize("answer, room", [("oh, let me see, it's two hundred and eight", "208"), ("hmm, um, four-twelve", "412")])
def test_a_room_number_at_the_end_of_a_ramble(dm, answer, room):
    say(dm.on_user("hello dear, the heating in my room is not working and I am quite cold"))
    say(dm.on_user(answer))
    assert dm.d.service.room_number == room and dm.d.asked == "service_name"


def test_a_spelled_prefix_with_grouped_digits_is_a_confirmation_number_not_a_phone(dm):
    say(dm.on_user("sorry my english, I want cancel the room. Number is R O O M I 2026 0112 001"))
    assert dm.d.confirmation_number == CONF and dm.d.phone is None and dm.d.last_name is None


@pytest.mark.parametrize("said", ["wait what's the difference in price", "hold on, how much more is that?"])
def test_a_question_about_a_change_quote_keeps_it(dm, said):
    verified(dm)
    args = call(dm.on_user("switch it to the suite"), "quote_change")
    quote = {**args, "check_in": BOOKING["check_in"], "check_out": BOOKING["check_out"], "room_type": "Suite",
             "nights": 3, "new_total": 1167.0, "difference": 422.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    assert "422 dollars" in say(dm.on_user(said)) and dm.d.quote is not None


@pytest.mark.parametrize("said", ["we'd like to arrive a day early and also add my mum", "add my husband please"])
def test_a_relative_joining_is_one_more_adult(dm, said):
    verified(dm)
    assert call(dm.on_user(said), "quote_change")["adults"] == 3


@pytest.mark.parametrize("opening", ["hi did i already book a room with you? name's Kim", "how much am i paying for my booking"])
def test_questions_about_ones_own_booking_look_it_up(dm, opening):
    say(dm.on_user(opening))
    assert dm.d.task == "modify" and dm.d.asked == "verify"


@pytest.mark.parametrize("said, kind", [
    ("we're in room 310 and need to check out a day early", "concierge"),
    ("the tap in the bathroom keeps dripping all night", "maintenance"),
    ("the toilet won't flush", "maintenance"),
])
def test_in_house_problems_said_without_asking(dm, said, kind):
    say(dm.on_user(said))
    assert dm.d.task == "service" and dm.d.service.request_type == kind


@pytest.mark.parametrize("said", ["Yes, please make a reservation for me.", "yes do it for us"])
def test_a_yes_to_a_change_with_for_me_changes_no_party(dm, said):
    verified(dm)
    args = call(dm.on_user("switch it to the standard"), "quote_change")
    quote = {**args, "check_in": BOOKING["check_in"], "check_out": BOOKING["check_out"], "room_type": "Standard Room",
             "nights": 3, "new_total": 600.0, "difference": -145.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    call(dm.on_user(said), "confirm_change")


@pytest.mark.parametrize("said", ["hi, Hopper here, booking ROOMI-20260112-001, we'd like to arrive a day early",
                                  "hopper here, ROOMI 2026 0112 001, can we add a night"])
def test_name_here_is_the_last_name(dm, said):
    assert call(dm.on_user(said), "find_booking")["last_name"] == "Hopper"


def test_a_yes_the_tool_refuses_hears_the_quote_again_not_the_tools_words(dm):
    verified(dm, "i want to cancel my booking")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    call(dm.on_user("yes"), "confirm_cancellation")
    reply = say(dm.on_tool("confirm_cancellation", None, "The caller's yes came with a change or a doubt.", "not_confirmed"))
    assert "199 dollars" in reply and "doubt" not in reply and dm.d.asked == "cancel_confirm"
    call(dm.on_user("yes please"), "confirm_cancellation")


def test_two_requests_in_one_breath_are_both_filed(dm):
    say(dm.on_user("room 401, a leak under the sink, and could you send up some extra towels"))
    args = call(dm.on_user("Lopez"), "request_service")
    assert (args["request_type"], args["room_number"], args["description"]) == ("maintenance", "401", "a leak under the sink")
    first = {"request_id": "SRV-1", "request_type": "maintenance", "room_number": "401"}
    second = call(dm.on_tool("request_service", first, None), "request_service")
    assert (second["request_type"], second["room_number"], second["last_name"]) == ("housekeeping", "401", "Lopez")
    assert second["items"] == ["towels"]
    reply = say(dm.on_tool("request_service", {"request_id": "SRV-2", "request_type": "housekeeping", "room_number": "401"}, None))
    assert "SRV-1" in reply and "SRV-2" in reply


def test_one_problem_said_twice_is_one_request(dm):
    say(dm.on_user("the sink is leaking, the water is everywhere"))
    assert dm.d.service.request_type == "maintenance" and not dm.d.service.more


def test_an_order_with_what_goes_with_it_is_one_request(dm):
    say(dm.on_user("Hello, room 701 here. I'd like a bottle of red wine and two glasses brought up please"))
    assert dm.d.service.request_type == "room_service" and not dm.d.service.more


@pytest.mark.parametrize("said, topic, request_type, room", [
    ("clean room 202 and what time is breakfast", "breakfast", "housekeeping", "202"),
    ("hi this is room 202, can you clean the room and what time is breakfast", "breakfast", "housekeeping", "202"),
    ("can i get extra towels in 305 and is the pool open today", "pool", "housekeeping", "305"),
    ("hey um could someone bring up two pillows to room 410, also whats the wifi password", "wifi", "housekeeping", "410"),
    ("room 118 here, the ac isnt working, oh and when is checkout", "check_out", "maintenance", "118"),
    ("what time does the restaurant close and can you send some towels to 212", "restaurant", "housekeeping", "212"),
])
def test_a_request_and_a_question_in_one_breath_both_count(dm, said, topic, request_type, room):
    assert call(dm.on_user(said), "hotel_info")["topic"] == topic
    reply = say(dm.on_tool("hotel_info", {"topic": topic, "answer": "ANSWER."}, None))
    assert reply.startswith("ANSWER.") and dm.d.asked == "service_name"
    args = call(dm.on_user("Hopper"), "request_service")
    assert (args["request_type"], args["room_number"], args["last_name"]) == (request_type, room, "Hopper")


@pytest.mark.parametrize("opening, said, topic", [
    ("I want to cancel my booking", "no, keep it, just tell me about parking", "parking"),
    ("I want to change my booking", "actually never mind, is there parking though", "parking"),
    ("i need to cancel my reservation", "forget it, what about breakfast", "breakfast"),
    ("I want to change my booking", "leave it as it is. whats the wifi like", "wifi"),
])
def test_keeping_the_booking_still_answers_the_question(dm, opening, said, topic):
    say(dm.on_user(opening))
    assert call(dm.on_user(said), "hotel_info")["topic"] == topic
    reply = say(dm.on_tool("hotel_info", {"topic": topic, "answer": "ANSWER."}, None))
    assert "stays as it is" in reply and "ANSWER." in reply and dm.d.task == "none"


def test_keeping_the_booking_after_the_quote_still_answers_the_question(dm):
    verified(dm, "I want to cancel my booking")
    assert call(dm.on_user("no keep it. whats the parking like"), "hotel_info")["topic"] == "parking"


@pytest.mark.parametrize("correction", [
    "sorry, it's zero zero one",
    "sorry the last bit is oh oh one",
    "no it ends in 001",
    "oh I misread, the last three are double oh one",
])
def test_a_corrected_part_of_the_number_keeps_the_rest(dm, correction):
    say(dm.on_user("cancel my booking please"))
    call(dm.on_user("ROOMI-20260112-009 Hopper"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    assert call(dm.on_user(correction), "find_booking") == {"confirmation_number": CONF, "last_name": "Hopper"}


def test_a_corrected_date_part_of_the_number_keeps_the_rest(dm):
    say(dm.on_user("cancel my booking please"))
    call(dm.on_user("ROOMI-20260121-001 Hopper"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    assert call(dm.on_user("sorry the middle bit is 2026 0112"), "find_booking")["confirmation_number"] == CONF


@pytest.mark.parametrize("said, room_answer", [
    ("can i get a late checkout tomorrow", "four twelve"),
    ("can i get a late checkout tomorrow", "we're in 412"),
    ("id like to check out late tomorrow if thats ok", "it's room 412"),
    ("is it possible to get a later check-out today please", "412"),
])
def test_a_late_check_out_for_the_stay_one_is_on_asks_for_the_room(dm, said, room_answer):
    assert call(dm.on_user(said), "hotel_info")["topic"] == "check_out"
    say(dm.on_tool("hotel_info", {"topic": "check_out", "answer": "Check-out is by 11."}, None))
    assert dm.d.asked == "room_number"
    say(dm.on_user(room_answer))
    args = call(dm.on_user("Hopper"), "request_service")
    assert (args["request_type"], args["room_number"], args["last_name"]) == ("concierge", "412", "Hopper")
    assert "late" in args["description"]


@pytest.mark.parametrize("said", ["do you offer late checkout", "what time is checkout", "how late can we check out"])
def test_asking_about_late_check_out_files_nothing(dm, said):
    assert call(dm.on_user(said), "hotel_info")["topic"] == "check_out"
    say(dm.on_tool("hotel_info", {"topic": "check_out", "answer": "Check-out is by 11."}, None))
    assert dm.d.task == "none"


def test_room_and_name_in_one_answer_with_under(dm):
    call(dm.on_user("can i get a late checkout tomorrow"), "hotel_info")
    say(dm.on_tool("hotel_info", {"topic": "check_out", "answer": "Check-out is by 11."}, None))
    assert call(dm.on_user("room 412 under hopper"), "request_service")["last_name"] == "Hopper"


@pytest.mark.parametrize("said, first, second", [
    ("room 305, towels and a taxi please", "housekeeping", "concierge"),
    ("can you send towels and get me a taxi to the airport, room 305", "housekeeping", "concierge"),
    ("room 305 here, extra pillows and a wake up call at 7", "housekeeping", "concierge"),
])
def test_a_thing_to_bring_and_a_front_desk_errand_are_two_requests(dm, said, first, second):
    say(dm.on_user(said))
    one = call(dm.on_user("Hopper"), "request_service")
    assert one["request_type"] == first and one["room_number"] == "305"
    two = call(dm.on_tool("request_service", {**one, "request_id": "SR-1"}, None), "request_service")
    assert two["request_type"] == second and two["room_number"] == "305"


@pytest.mark.parametrize("said", ["room 305, a bottle of red wine and two glasses please", "room 305, a crib and more towels"])
def test_one_order_in_one_breath_stays_one_request(dm, said):
    say(dm.on_user(said))
    one = call(dm.on_user("Hopper"), "request_service")
    say(dm.on_tool("request_service", {**one, "request_id": "SR-1"}, None))


@pytest.mark.parametrize("said", [
    "hi i stayed with you last week and i think i was charged twice",
    "I checked out yesterday and I left my phone charger in the room",
    "can i get a receipt for my stay last week",
    "hello, i stayed at your hotel last week and i left my glasses behind",
    "I need a copy of my bill please, we checked out on sunday",
])
def test_a_stay_that_has_ended_goes_to_the_front_desk(dm, said):
    reply = say(dm.on_user(said))
    assert dm.d.asked == "transfer" and "front desk" in reply
    assert call(dm.on_user("yes please"), "transfer_to_human")


def test_a_stay_that_has_ended_said_after_a_failed_lookup_goes_to_the_front_desk(dm):
    say(dm.on_user("I want to change my booking"))
    call(dm.on_user("ROOMI-20261203-004 hopper"), "find_booking")
    say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    say(dm.on_user("oh we already checked out on friday, i just need the bill"))
    assert dm.d.asked == "transfer"


def test_the_number_of_an_ended_stay_finds_nothing_and_offers_the_front_desk(dm):
    say(dm.on_user("can i get a receipt for my stay last week"))
    call(dm.on_user("ROOMI-20261203-004 hopper"), "find_booking")
    reply = say(dm.on_tool("find_booking", None, "No booking matches those details.", "not_found"))
    assert dm.d.asked == "transfer" and "ended" in reply


@pytest.mark.parametrize("said", [
    "we stayed with you last year and loved it, do you have a room for march 3rd",
    "hi we stayed here last summer, id like to book again",
])
def test_a_past_stay_said_while_booking_again_is_a_booking(dm, said):
    dm.on_user(said)
    assert dm.d.task == "book"


@pytest.mark.parametrize("said", ["hmm ok no, keep it then", "ok, actually never mind", "ok on second thought don't cancel it", "alright leave it"])
def test_an_ok_that_keeps_the_booking_never_cancels_it(dm, said):
    verified(dm, "i need to cancel")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    reply = say(dm.on_user(said))
    assert "stays as it is" in reply and dm.d.task == "none"


@pytest.mark.parametrize("said", ["ok no, leave it as it is", "okay never mind then"])
def test_an_ok_that_keeps_the_booking_never_changes_it(dm, said):
    verified(dm)
    args = call(dm.on_user("push it back a week"), "quote_change")
    quote = {**args, "room_type": "Deluxe Room", "nights": 3, "new_total": 745.0, "difference": 0.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    assert isinstance(dm.on_user(said), Say) and dm.d.quote is None


def test_the_cancellation_quote_says_which_stay(dm):
    verified(dm, "i need to cancel")
    reply = say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    assert "January 20th" in reply and "January 23rd" in reply


FEBRUARY = {**BOOKING, "confirmation_number": "ROOMI-20260201-004", "check_in": "2026-02-14", "check_out": "2026-02-16",
            "room_type": "Standard Room", "room_type_code": "STD"}


@pytest.mark.parametrize("said", ["the february one", "no, i meant the one in february", "sorry the february booking"])
def test_another_booking_named_at_the_quote_is_that_one(dm, said):
    say(dm.on_user("i need to cancel one of my bookings"))
    say(dm.on_user("can you look it up by my phone"))
    call(dm.on_user("555 123 4567"), "find_booking")
    say(dm.on_tool("find_booking", {"bookings": [BOOKING, FEBRUARY]}, None))
    call(dm.on_user("the january one"), "quote_cancellation")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    assert call(dm.on_user(said), "quote_cancellation")["confirmation_number"] == FEBRUARY["confirmation_number"]


@pytest.mark.parametrize("said", ["the february one", "no, the one in february"])
def test_a_month_the_found_booking_is_not_in_asks_for_that_bookings_number(dm, said):
    verified(dm, "i need to cancel")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    reply = say(dm.on_user(said))
    assert dm.d.asked == "verify" and "February" in reply and dm.d.last_name == "Hopper" and not dm.d.verified
    assert call(dm.on_user("ROOMI-20260201-004"), "find_booking") == {
        "confirmation_number": "ROOMI-20260201-004", "last_name": "Hopper"}


def test_move_it_to_another_month_is_still_a_change(dm):
    verified(dm)
    args = call(dm.on_user("push it back a week"), "quote_change")
    quote = {**args, "room_type": "Deluxe Room", "nights": 3, "new_total": 745.0, "difference": 0.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    assert call(dm.on_user("actually can we move it to february 10th instead"), "quote_change")


@pytest.mark.parametrize("opening, number", [
    ("hello dear, my daughter booked a room for me, i need to check the dates", "i have the number here, ROOMI 20260112 001"),
    ("my husband made a booking, can you tell me the dates", "ROOMI-20260112-001"),
])
def test_someone_elses_booking_looked_up_for_its_dates(dm, opening, number):
    say(dm.on_user(opening))
    assert dm.d.task == "modify" and dm.d.asked == "verify"
    say(dm.on_user(number))
    call(dm.on_user("grace hopper"), "find_booking")
    reply = say(dm.on_tool("find_booking", {"bookings": [BOOKING]}, None))
    assert "January 20th" in reply and "Would you like to change anything?" in reply


def test_a_confirmation_number_after_a_booking_was_taken_for_a_new_one_looks_it_up(dm):
    say(dm.on_user("hi i need to check something about my room"))  # whatever the opening became, the number finds it
    assert call(dm.on_user(f"{CONF} hopper"), "find_booking")


@pytest.mark.parametrize("opening", [
    "i want to change the name on my booking",
    "hi, can i transfer my booking to my brother",
    "i need to change the guest name on the reservation",
])
def test_a_change_only_the_front_desk_makes_said_before_the_lookup_is_remembered(dm, opening):
    say(dm.on_user(opening))
    call(dm.on_user(f"{CONF} hopper"), "find_booking")
    reply = say(dm.on_tool("find_booking", {"bookings": [BOOKING]}, None))
    assert dm.d.asked == "transfer" and "front desk" in reply


@pytest.mark.parametrize("said, room", [
    ("yeah hi this is 507 the shower wont drain", "507"),
    ("i'm locked out of my room, 208", "208"),
    ("its 1204, can we get more pillows", "1204"),
])
def test_a_bare_room_number_in_the_request_is_the_room(dm, said, room):
    reply = say(dm.on_user(said))
    assert dm.d.asked == "service_name" and room in reply
    assert call(dm.on_user("Patel"), "request_service")["room_number"] == room


@pytest.mark.parametrize("said", ["a taxi at 5am please, room 302", "wake up call at 630 please, room 302"])
def test_a_time_is_no_room_number(dm, said):
    say(dm.on_user(said))
    assert call(dm.on_user("Rossi"), "request_service")["room_number"] == "302"


@pytest.mark.parametrize("said, kind", [
    ("hello room service? i wanna order a club sandwich and fries to 311", "room_service"),
    ("hello, i'm in 311, whats the wifi password and also the tv remote doesn't work", "maintenance"),
])
def test_a_request_said_around_a_question_is_still_filed(dm, said, kind):
    action = dm.on_user(said)
    if isinstance(action, Call):
        action = dm.on_tool("hotel_info", {"topic": action.arguments["topic"], "answer": "ANSWER."}, None)
    assert dm.d.asked == "service_name", action
    args = call(dm.on_user("Kowalski"), "request_service")
    assert (args["request_type"], args["room_number"]) == (kind, "311")


def test_checked_out_this_morning_is_a_stay_that_has_ended_whatever_date_is_said(dm):
    say(dm.on_user("we checked out this morning and i think i left my laptop charger"))
    assert dm.d.asked == "transfer" and dm.d.task == "none"


def test_checked_out_your_website_is_no_ended_stay(dm):
    dm.on_user("hi we checked out your website and want a room for march 3rd")
    assert dm.d.task == "book"


def test_keeping_the_booking_with_a_question_of_no_known_topic_still_asks_the_hotel(dm):
    say(dm.on_user("I want to cancel my booking"))
    assert call(dm.on_user("dont cancel it. how about the spa, whats open"), "hotel_info")["topic"].startswith("how about")


@pytest.mark.parametrize("vague", ["one of the deluxe rooms", "the deluxe one", "it's a deluxe room"])
def test_two_bookings_of_the_same_room_are_told_apart_by_their_dates(dm, vague):
    later = {**BOOKING, "confirmation_number": "ROOMI-20260112-002", "check_in": "2026-02-19", "check_out": "2026-02-21"}
    say(dm.on_user("I have to cancel my stay, I don't have the confirmation number with me"))
    call(dm.on_user("It's 555 000 1111"), "find_booking")
    assert "more than one booking" in say(dm.on_tool("find_booking", {"bookings": [BOOKING, later]}, None))
    narrower = say(dm.on_user(vague))
    assert "didn't catch" not in narrower and "January 20th" in narrower and "February 19th" in narrower, narrower
    assert call(dm.on_user("the one in february"), "quote_cancellation")["confirmation_number"] == "ROOMI-20260112-002"
