"""Questions asked casually (issue 15): about the rooms, prices and policies, alone, as follow-ups, or in the middle of a task.

The dialogue tests drive the DialogueManager turn by turn and check the tool Roomi calls and the state she returns to,
not her wording; the tool tests read the answers the real hotel_info tool builds from the demo hotel's facts.
"""

from __future__ import annotations

import json

import httpx
import pytest
from tests.agent.test_dialogue import HOTEL, TODAY, availability, call, say
from tests.conftest import token_for

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi
from roomiai.agent.brain.asked import Asked
from roomiai.agent.brain.dialogue import Call, DialogueManager
from roomiai.agent.brain.room_questions import RoomQuestion, parse_topic
from roomiai.agent.brain.state import Task
from roomiai.agent.call_state import CallState
from roomiai.agent.tools import info
from roomiai.api.app import create_app

pytestmark = pytest.mark.agent


@pytest.fixture
def dm():
    return DialogueManager(hotel=HOTEL, today=lambda: TODAY)


def at_the_offer(dm) -> None:
    """A booking up to the offer of the Standard and the Deluxe Room (20-23 January, two adults)."""
    call(dm.on_user("I'd like a room from January 20th for three nights for two adults"), "check_availability")
    say(dm.on_tool("check_availability", availability(), None))
    assert dm.d.asked == Asked.ROOM_TYPE


def answered(dm, action, answer: str = "The answer.") -> tuple[str, str]:
    """The topic asked and Roomi's words after the tool answers it."""
    topic = call(action, "hotel_info")["topic"]
    return topic, say(dm.on_tool("hotel_info", {"topic": topic, "answer": answer}, None))


# -- questions about the rooms themselves are answered, never taken for a choice ---------------------------------------

ROOM_QUESTIONS = [
    ("whats the difference between the deluxe and the standard", "rooms describe: DLX STD"),
    ("please what is different standard room and deluxe room", "rooms describe: STD DLX"),
    ("so like what do you get with the deluxe compared to the standard", "rooms describe: DLX STD"),
    ("which room is bigger, the deluxe or the standard", "rooms size: DLX STD"),
    ("is the standard room smaller than the deluxe?", "rooms size: STD DLX"),
    ("how big is the deluxe", "rooms size: DLX"),
    ("does the suite have a bath", "rooms feature tub: STE"),
    ("um does the deluxe come with a balcony", "rooms feature balcony: DLX"),
    ("quick question does the deluxe have a view", "rooms view: DLX"),
    ("how many people fit in the family room?", "rooms occupancy: FAM"),
    ("tell me about the family room", "rooms describe: FAM"),
]


@pytest.mark.parametrize("said, topic", ROOM_QUESTIONS)
def test_room_questions_at_the_opening_are_answered(dm, said, topic):
    asked, reply = answered(dm, dm.on_user(said))
    assert asked == topic
    assert dm.d.task is Task.NONE and dm.d.stay.room_type is None  # no booking was begun by naming a room
    assert reply.startswith("The answer.") and "anything else" in reply


@pytest.mark.parametrize("said, topic", ROOM_QUESTIONS[:9])
def test_room_questions_at_the_offer_choose_no_room_and_the_offer_stands(dm, said, topic):
    at_the_offer(dm)
    asked, reply = answered(dm, dm.on_user(said))
    assert asked == topic
    assert dm.d.stay.room_type is None and dm.d.asked == Asked.ROOM_TYPE
    assert reply.startswith("The answer.") and "Which would you like?" in reply
    dm.on_user("ok the deluxe then")
    assert dm.d.stay.room_type == "DLX"


@pytest.mark.parametrize(
    "said, aspect",
    [
        ("which one is bigger", "size"),
        ("which is better for a family", "occupancy"),
        ("what's the difference between them?", "describe"),
    ],
)
def test_which_one_at_the_offer_is_about_the_rooms_offered(dm, said, aspect):
    at_the_offer(dm)
    topic = call(dm.on_user(said), "hotel_info")["topic"]
    assert parse_topic(topic) == RoomQuestion(aspect, ("STD", "DLX"))


def test_a_room_follow_up_keeps_the_aspect(dm):
    answered(dm, dm.on_user("how big is the deluxe"))
    assert call(dm.on_user("what about the suite"), "hotel_info")["topic"] == "rooms size: STE"


# -- follow-ups: "and the postcode?", "what about for kids?", "is that per night?" ------------------------------------------


@pytest.mark.parametrize(
    "first, first_topic, follow_up, topic",
    [
        ("where are you located", "location", "just the postcode please", "postcode"),
        ("whats the address", "location", "and the postcode?", "postcode"),
        ("whats the address", "location", "what's the zip", "postcode"),
        ("do you allow pets", "pets", "what about for kids?", "children"),
        ("how much is parking", "parking", "is that per night?", "parking"),
        ("how much is breakfast", "breakfast", "is that per person?", "breakfast"),
        ("what time is check in", "check_in", "and how much is that if we come early", "check_in"),
        ("is breakfast included", "breakfast", "and does it cost extra?", "breakfast"),
    ],
)
def test_follow_up_questions_are_answered(dm, first, first_topic, follow_up, topic):
    assert answered(dm, dm.on_user(first))[0] == first_topic
    assert call(dm.on_user(follow_up), "hotel_info")["topic"] == topic


def test_a_bare_follow_up_with_nothing_answered_before_is_not_an_old_answer(dm):
    answered(dm, dm.on_user("how much is parking"))
    say(dm.on_user("I'd like to book a room"))
    assert not isinstance(dm.on_user("is that per night?"), Call)


# -- prices asked about what was just quoted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "is that per night",
        "hmm what's the total gonna be with tax and everything?",
        "does that include tax?",
        "and with taxes how much is it",
    ],
)
def test_a_price_question_at_the_offer_gives_each_rooms_total(dm, said):
    at_the_offer(dm)
    reply = say(dm.on_user(said))
    assert "560 dollars" in reply and "745 dollars" in reply  # each room's grand total, from the search
    assert dm.d.asked == Asked.ROOM_TYPE and dm.d.stay.room_type is None


@pytest.mark.parametrize("said", ["is that including tax", "is that per night?", "what's the total with tax"])
def test_a_price_question_at_book_it_gives_the_total_once(dm, said):
    at_the_offer(dm)
    say(dm.on_user("the deluxe"))
    assert dm.d.asked == Asked.BOOK_IT
    reply = say(dm.on_user(said))
    assert reply.count("745 dollars") == 1 and reply.endswith("Would you like to book it?")
    say(dm.on_user("yes"))
    assert dm.d.asked == Asked.NAME


@pytest.mark.parametrize(
    "said", ["hmm what's the total gonna be with tax and everything?", "how much will it cost me in total"]
)
def test_a_price_question_before_any_dates_asks_for_them(dm, said):
    reply = say(dm.on_user(said))
    assert dm.d.task is Task.BOOK and dm.d.asked == Asked.CHECK_IN and "taxes" in reply


# -- policies and facts the hotel has -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said, topic",
    [
        ("zip code?", "postcode"),
        ("whats ur email address", "email"),
        ("can i get your email", "email"),
        ("do you need a deposit to book", "deposit"),
        ("do i have to pay anything up front", "deposit"),
        ("do kids cost extra", "children"),
        ("are kids free", "children"),
        ("can i smoke on the balcony", "smoking"),
        ("whats the hotels phone number", "phone"),
    ],
)
def test_policy_and_fact_questions_reach_their_topic(dm, said, topic):
    assert answered(dm, dm.on_user(said))[0] == topic


@pytest.mark.parametrize(
    "said",
    [
        "like if my plans change can i cancel for free",
        "what happens if i cancel, do i get charged",
        "if we had to cancel would there be a fee?",
    ],
)
def test_a_question_about_cancelling_is_the_policy_not_a_cancellation(dm, said):
    topic, reply = answered(dm, dm.on_user(said))
    assert topic == "cancellation" and dm.d.task is Task.NONE and "anything else" in reply


def test_control_a_cancellation_with_a_question_stays_a_cancellation(dm):
    topic, reply = answered(dm, dm.on_user("I need to cancel my booking. Is there a cancellation fee?"))
    assert topic == "cancellation" and dm.d.task is Task.CANCEL and "confirmation number" in reply


# -- a question in the middle of a booking: answered, then the same question again -----------------------------------------


@pytest.mark.parametrize(
    "opening, asked, question, topic",
    [
        ("I'd like to make a reservation", Asked.CHECK_IN, "before i pick dates, do you allow dogs", "pets"),
        ("I'd like to make a reservation", Asked.CHECK_IN, "sorry, one thing - is there parking", "parking"),
        ("a room from January 20th for 3 nights please", Asked.GUESTS, "what about kids, are they free?", "children"),
        (
            "a room from January 20th for 3 nights please",
            Asked.GUESTS,
            "um wait do you charge for the kids",
            "children",
        ),
    ],
)
def test_a_question_while_a_slot_is_asked_is_answered_and_the_slot_asked_again(dm, opening, asked, question, topic):
    say(dm.on_user(opening))
    assert dm.d.asked == asked
    before = dm.d.last_question
    got, reply = answered(dm, dm.on_user(question))
    assert got == topic and dm.d.asked == asked and reply.endswith(before)


# -- the hotel_info tool: answers from the hotel's own facts ----------------------------------------------------------------


@pytest.fixture
async def api(container):
    async with RoomiApi(
        EMBEDDED_URL, token_for("agent"), transport=httpx.ASGITransport(app=create_app(container))
    ) as client:
        yield client


async def answer_of(api, topic: str, state: CallState | None = None) -> dict:
    return json.loads(await info.hotel_info(api, state or CallState(), topic=topic))


async def test_the_tool_answers_rooms_from_the_room_types(api):
    state = CallState()
    describe = (await answer_of(api, "rooms describe: DLX STD", state))["answer"]
    assert "400 square foot" in describe and "300 square foot" in describe and "mini bar" in describe
    size = (await answer_of(api, "rooms size: STD STE", state))["answer"]
    assert size.startswith("The Suite is the largest, at 700 square feet") and "300" in size
    assert (await answer_of(api, "rooms feature tub: STE", state))["answer"].startswith("Yes, the Suite has")
    no = (await answer_of(api, "rooms feature balcony: STD", state))["answer"]
    assert no.startswith("No, the Standard Room doesn't have a balcony") and "Suite" in no
    assert "Family Room sleeps up to five" in (await answer_of(api, "rooms occupancy", state))["answer"]
    # the LLM brain passes the caller's words: a named room's question is answered the same way
    assert (await answer_of(api, "does the suite have a bath", state))["answer"].startswith("Yes, the Suite has")


async def test_the_tool_answers_postcode_email_deposit_and_a_phone_said_digit_by_digit(api):
    state = CallState()
    assert (await answer_of(api, "postcode", state))["answer"] == "The postcode is 33139."
    assert (await answer_of(api, "zip code", state))["topic"] == "postcode"
    assert "f r o n t d e s k at grandhotel dot example" in (await answer_of(api, "email", state))["answer"]
    assert (await answer_of(api, "deposit", state))[
        "answer"
    ] == "No deposit is needed to book; payment is taken at the hotel."
    assert (await answer_of(api, "phone", state))["answer"] == "The front desk number is 305 555 0100."


async def test_a_fact_the_hotel_lacks_is_not_invented(api):
    state = CallState()
    facts = await api.hotel_info()
    state.hotel_facts = {**facts, "postal_code": None, "email": None}
    assert (await answer_of(api, "postcode", state))["answer"] is None
    assert (await answer_of(api, "email", state))["answer"] is None


@pytest.mark.parametrize(
    "said, topic",
    [
        ("deluxe vs suite?", "rooms describe: DLX STE"),
        ("good afternoon, my grandchildren are coming with us, do little ones stay for free?", "children"),
        ("what email can i write to", "email"),
        ("need your zip for the gps", "postcode"),
        ("do any of the rooms have a balcony", "rooms feature balcony"),
        ("what size bed is in the suite", "rooms beds: STE"),
        ("minibar in the standard?", "rooms feature mini bar: STD"),
        ("can 5 people sleep in one room", "rooms occupancy 5"),
    ],
)
def test_questions_written_after_the_fixes(dm, said, topic):
    assert answered(dm, dm.on_user(said))[0] == topic


def test_how_much_after_an_answer_at_the_offer_asks_about_that_answer(dm):
    at_the_offer(dm)
    answered(dm, dm.on_user("is breakfast included"))
    assert call(dm.on_user("how much is it"), "hotel_info")["topic"] == "breakfast"
    assert dm.d.stay.room_type is None


@pytest.mark.parametrize(
    "said", ["I'm just gathering information", "just checking prices for now", "not ready to book yet"]
)
def test_just_looking_before_the_price_still_gets_the_price(dm, said):
    say(dm.on_user("No, I just have a question: how much is a deluxe room for this Friday night?"))
    assert dm.d.asked == Asked.GUESTS
    reply = say(dm.on_user(said))
    assert dm.d.task is Task.BOOK and dm.d.asked == Asked.GUESTS and "price" in reply
    call(dm.on_user("two adults"), "check_availability")


# -- round two: the cheapest room, a request asked as a question, pleased thanks, one kind of view ---------------------


@pytest.mark.parametrize(
    "said",
    [
        "what's your cheapest room",
        "whats the cheapest room you have",
        "um which room is the most affordable?",
        "what are your lowest rates",
        "hi, whats the least expensive room you got",
    ],
)
def test_the_cheapest_room_is_quoted_for_dates_never_a_price_of_her_own(dm, said):
    reply = say(dm.on_user(said))
    assert dm.d.task is Task.BOOK and dm.d.asked == Asked.CHECK_IN and "dollar" not in reply
    call(dm.on_user("the 20th of january for 2 nights, two adults"), "check_availability")  # the backend quotes it


@pytest.mark.parametrize(
    "said, wanted",
    [
        ("could we have a cot in the room please", "crib"),  # the extractor names a cot a crib
        ("would it be possible to get a crib for the baby?", "crib"),
        ("can you put us on a high floor?", "high floor"),
        ("is it possible to have a room away from the lift", "quiet room"),
        ("any chance of extra pillows?", "pillows"),
    ],
)
def test_a_special_request_asked_as_a_question_is_kept_as_the_request(dm, said, wanted):
    from tests.agent.test_casual_booking import finish, to_book_it

    to_book_it(dm)
    answers = {Asked.BOOK_IT: "yes", Asked.NAME: "Ben Stone", Asked.PHONE: "555 232 4545", Asked.EMAIL: "no"}
    answers[Asked.EXTRAS] = said
    args = finish(dm, answers)
    assert any(wanted in r.lower() for r in args["special_requests"]), args["special_requests"]


@pytest.mark.parametrize(
    "said",
    [
        "is breakfast included?",
        "do you have parking?",
        "no, no special requests. one thing: can I bring my dog?",
        "can we get wifi in the room, and is it free",
    ],
)
def test_a_hotel_question_at_the_special_requests_is_answered_and_is_no_request(dm, said):
    from tests.agent.test_casual_booking import to_book_it

    to_book_it(dm)
    for line in ("yes", "Ben Stone", "555 232 4545", "no"):
        dm.on_user(line)
    assert dm.d.asked == Asked.EXTRAS
    topic = call(dm.on_user(said), "hotel_info")["topic"]
    action = dm.on_tool("hotel_info", {"topic": topic, "answer": "The answer."}, None)
    assert dm.d.guest.special_requests == []
    if isinstance(action, Call):  # the requests were asked: on to the read-back
        assert call(action, "prepare_booking")["special_requests"] == []


PLEASED = ["That would be splendid, thank you.", "marvellous, thanks", "that'd be fab cheers", "that would be superb"]


@pytest.mark.parametrize("said", PLEASED)
def test_pleased_thanks_to_a_change_quote_is_a_yes(dm, said):
    from tests.agent.test_casual_existing import verified

    verified(dm)
    args = call(dm.on_user("push it back a week"), "quote_change")
    quote = {**args, "room_type": "Deluxe Room", "nights": 3, "new_total": 745.0, "difference": 0.0, "currency": "USD"}
    say(dm.on_tool("quote_change", quote, None))
    call(dm.on_user(said), "confirm_change")


@pytest.mark.parametrize("said", PLEASED)
def test_pleased_thanks_to_a_cancellation_quote_is_a_yes(dm, said):
    from tests.agent.test_casual_existing import CANCEL_QUOTE, verified

    verified(dm, "i want to cancel my booking")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    call(dm.on_user(said), "confirm_cancellation")


@pytest.mark.parametrize("said", ["thank you", "no thank you", "that would be too expensive, thank you"])
def test_control_thanks_alone_or_displeased_is_no_yes(dm, said):
    from tests.agent.test_casual_existing import CANCEL_QUOTE, verified

    verified(dm, "i want to cancel my booking")
    say(dm.on_tool("quote_cancellation", CANCEL_QUOTE, None))
    action = dm.on_user(said)
    assert not (isinstance(action, Call) and action.name == "confirm_cancellation")


@pytest.mark.parametrize(
    "said, topic",
    [
        ("which rooms have an ocean view", "rooms view ocean"),
        ("do any of the rooms look out over the sea", "rooms view sea"),
        ("is there a room with a view of the pool?", "rooms view pool"),
        ("does the standard have a garden view", "rooms view garden: STD"),
        ("which rooms have a view", "rooms view"),
    ],
)
def test_a_question_about_one_kind_of_view_asks_for_that_view(dm, said, topic):
    assert answered(dm, dm.on_user(said))[0] == topic
    assert parse_topic(topic).topic() == topic


async def test_the_tool_answers_which_rooms_have_a_view(api):
    state = CallState()
    assert (await answer_of(api, "rooms view ocean", state))["answer"] == "The Suite has an ocean view."
    assert (await answer_of(api, "rooms view sea", state))["answer"] == "The Suite has an ocean view."
    no = (await answer_of(api, "rooms view ocean: STD", state))["answer"]
    assert no.startswith("No, the Standard Room has a city or garden view") and "Suite has an ocean view" in no
    assert (await answer_of(api, "rooms view mountain", state))["answer"].startswith("None of our rooms")
    assert "Deluxe Room" in (await answer_of(api, "rooms view", state))["answer"]  # views in general: every room's


# -- round two, unseen calls: what broke and is fixed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "said, topics",
    [
        (
            "does the family room have a bath tub and a balcony",
            ["rooms feature tub: FAM", "rooms feature balcony: FAM"],
        ),
        ("does the deluxe have a minibar and a safe?", ["rooms feature mini bar: DLX", "rooms feature safe: DLX"]),
        ("do any rooms have a fridge and a microwave?", ["rooms feature fridge", "rooms feature microwave"]),
    ],
)
def test_each_feature_asked_in_one_breath_is_answered(dm, said, topics):
    action = dm.on_user(said)
    for topic in topics:
        assert call(action, "hotel_info")["topic"] == topic
        action = dm.on_tool("hotel_info", {"topic": topic, "answer": f"About {topic}."}, None)
    assert all(f"About {t}." in say(action) for t in topics)


@pytest.mark.parametrize(
    "said, topic",
    [
        ("which rooms sleep four", "rooms occupancy 4"),
        ("any rooms that fit 5 people?", "rooms occupancy 5"),
        ("is the standard big enough for four of us", "rooms occupancy 4: STD"),
        ("does the deluxe fit three", "rooms occupancy 3: DLX"),
        ("how many people fit in the family room?", "rooms occupancy: FAM"),
    ],
)
def test_a_party_size_asks_which_rooms_fit_it(dm, said, topic):
    assert answered(dm, dm.on_user(said))[0] == topic


async def test_the_tool_answers_which_rooms_fit_a_party(api):
    state = CallState()
    four = (await answer_of(api, "rooms occupancy 4", state))["answer"]
    assert "Family Room up to five" in four and "Suite up to four" in four and "Deluxe" not in four
    no = (await answer_of(api, "rooms occupancy 4: STD", state))["answer"]
    assert no.startswith("No, the Standard Room sleeps up to three") and "Family Room" in no
    assert (await answer_of(api, "rooms occupancy 9", state))["answer"].startswith("None of our rooms sleeps 9 people")


@pytest.mark.parametrize(
    "first, follow_up",
    [
        ("is smoking allowed on the balcony", "what about in the room"),
        ("is parking free?", "and how about for a motorbike"),
        ("is parking free?", "what about overnight"),
    ],
)
def test_what_about_after_an_answer_asks_the_same_topic_again(dm, first, follow_up):
    topic, _ = answered(dm, dm.on_user(first))
    assert answered(dm, dm.on_user(follow_up))[0] == topic


@pytest.mark.parametrize(
    "first, price, room",
    [
        ("tell me about the suite", "how much is it", "STE"),
        ("what's the family room like?", "and how much would that be", "FAM"),
        ("which room would you recommend for a couple", "ok how much is that per night", None),
    ],
)
def test_the_price_after_a_room_description_is_quoted_for_dates(dm, first, price, room):
    answered(dm, dm.on_user(first))
    reply = say(dm.on_user(price))
    assert dm.d.task is Task.BOOK and dm.d.asked == Asked.CHECK_IN and "dollar" not in reply
    assert dm.d.stay.room_type == room


@pytest.mark.parametrize(
    "said, topic",
    [
        ("whats the difference between that and the deluxe", "rooms describe: STD DLX"),
        ("is it bigger than the deluxe?", "rooms size: STD DLX"),
        ("how does this one compare to the suite", "rooms describe: STD STE"),
    ],
)
def test_that_room_compared_with_a_named_one_is_the_room_quoted(dm, said, topic):
    from tests.agent.test_casual_booking import to_room_offer

    to_room_offer(dm)
    say(dm.on_user("the standard"))
    assert dm.d.asked == Asked.BOOK_IT and dm.d.stay.room_type == "STD"
    assert answered(dm, dm.on_user(said))[0] == topic
    assert dm.d.asked == Asked.BOOK_IT and dm.d.stay.room_type == "STD"


@pytest.mark.parametrize(
    "said, topics",
    [
        ("whats your phone number and email", ["phone", "email"]),
        ("can i get your email address and phone number", ["email", "phone"]),
        ("what's the hotel's number, and your email?", ["phone", "email"]),
    ],
)
def test_contact_details_asked_together_are_each_answered(dm, said, topics):
    action = dm.on_user(said)
    for topic in topics:
        assert call(action, "hotel_info")["topic"] == topic
        action = dm.on_tool("hotel_info", {"topic": topic, "answer": f"About {topic}."}, None)
    say(action)


@pytest.mark.parametrize(
    "said, topic",
    [
        ("is the deluxe quieter than the standard", "rooms describe: DLX STD"),
        ("is the suite nicer than the deluxe?", "rooms describe: STE DLX"),
        ("can you tell me whats included in the suite", "rooms describe: STE"),
        ("what's the family room like?", "rooms describe: FAM"),
        ("do you have rooms with a kitchen", "rooms feature kitchen"),
        ("does the suite come with a fireplace?", "rooms feature fireplace: STE"),
    ],
)
def test_rooms_compared_or_asked_about_in_other_words_are_answered(dm, said, topic):
    asked, _ = answered(dm, dm.on_user(said))
    assert asked == topic and dm.d.task is Task.NONE


async def test_the_tool_says_a_feature_no_room_lists_is_not_there(api):
    answer = (await answer_of(api, "rooms feature kitchen", CallState()))["answer"]
    assert answer.startswith("None of our rooms lists a kitchen")


@pytest.mark.parametrize(
    "said",
    [
        "Do you have a suite for Valentine's weekend, February 13th for two nights, two adults?",
        "have you got a family room for four people on the 20th",
        "is the deluxe free for two nights from friday",
    ],
)
def test_control_a_room_asked_for_with_a_stay_is_a_search_not_a_room_question(dm, said):
    action = dm.on_user(said)
    assert not (isinstance(action, Call) and action.name == "hotel_info")
    assert dm.d.task is Task.BOOK


@pytest.mark.parametrize("said", [
    "can I get a late checkout, how much is breakfast, and what are the pool hours?",
    "could we get a late check-out? and is parking free, and do you allow dogs?",
    "can i get an early check in and what time does the pool close",
    "Hi, I have a question: can I get a late checkout, do you have parking, and how early can we get into the room?",
])
def test_late_checkout_asked_among_other_questions_is_answered_not_filed(dm, said):
    action, topics = dm.on_user(said), []
    while isinstance(action, Call):
        topics.append(action.arguments.get("topic"))
        action = dm.on_tool(action.name, {"topic": topics[-1], "answer": f"About {topics[-1]}."}, None)
    assert len(topics) >= 2 and dm.d.task is Task.NONE, (topics, action)
    assert "room number" not in say(action)
