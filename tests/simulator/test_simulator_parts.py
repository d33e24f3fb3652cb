"""The simulator's own parts: what the caller hears in Roomi's replies, how facts are said, what the grader counts."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from tests.agent.scripted_llm import ScriptedLLM, call
from tests.simulator import phrasing as say
from tests.simulator.caller import Ask, Caller, asks_of, days_mentioned
from tests.simulator.goals import KINDS, make_goal
from tests.simulator.grader import card_leaks, service_problems
from tests.simulator.hotel import sim_hotel
from tests.simulator.runner import run_call

pytestmark = pytest.mark.simulator


@pytest.mark.parametrize(("reply", "asks"), [
    ("What date would you like to check in?", [Ask.CHECK_IN]),
    ("When are you arriving, and how many nights?", [Ask.CHECK_IN, Ask.NIGHTS]),
    ("Great. And when will you be checking out?", [Ask.NIGHTS]),
    ("How many guests will be staying with us?", [Ask.PARTY]),
    ("I have Standard Rooms and Suites. Which would you like?", [Ask.ROOM_TYPE]),
    ("Could I get the name for the reservation, please?", [Ask.NAME]),
    ("Thanks, Anna. And your surname?", [Ask.LAST_NAME]),
    ("What's a good phone number for you?", [Ask.PHONE]),
    ("Shall I send the confirmation by e-mail?", [Ask.EMAIL]),
    ("Do you have your booking reference handy?", [Ask.CONFIRMATION]),
    ("Which room are you in?", [Ask.ROOM_NUMBER]),
    ("The total is 400 dollars. Shall I go ahead and book it?", [Ask.CONFIRM]),
    ("Is there anything else I can do for you?", [Ask.ANYTHING_ELSE]),
    ("I can't find that booking. Would you like me to connect you with the front desk?", [Ask.TRANSFER]),
    ("Parking is 35 dollars a night.", []),
])
def test_the_caller_hears_what_a_reply_asks_from_generic_cues(reply, asks):
    assert asks_of(reply) == asks


def test_dates_in_a_reply_are_read_in_any_usual_form():
    assert days_mentioned("From Tuesday, February 3rd to Feb 5, 2026", 2026) == {dt.date(2026, 2, 3), dt.date(2026, 2, 5)}


@pytest.mark.parametrize(("word", "spelled"), [
    ("van der Berg", "V A N space D E R space B E R G"),
    ("O'Neill", "O apostrophe N E I double L"),
    ("Smith-Jones", "S M I T H dash J O N E S"),
])
def test_names_are_spelled_with_space_dash_apostrophe_and_double_letters(word, spelled):
    class Always(random.Random):
        def random(self) -> float:
            return 0.0

        def choice(self, seq):
            return seq[0]

    assert say.spell_word(word, Always()) == spelled


def test_room_numbers_are_said_as_people_say_them():
    said = {say.say_room_number("305", random.Random(i)) for i in range(60)}
    assert {"three oh five", "three-oh-five", "305"} <= said
    assert "four-twelve" in {say.say_room_number("412", random.Random(i)) for i in range(60)}


def test_relative_dates_name_the_right_day():
    monday = dt.date(2026, 1, 12)
    said = {say.say_day(monday + dt.timedelta(days=7), monday, random.Random(i)) for i in range(80)}
    assert "a week from today" in said
    assert say.weekend_after_next(monday) == dt.date(2026, 1, 23)
    assert "this Friday" in {say.say_day(dt.date(2026, 1, 16), monday, random.Random(i)) for i in range(80)}


def test_goals_are_reproducible_from_the_seed_and_differ_between_seeds():
    assert make_goal("book", seed=4, index=2) == make_goal("book", seed=4, index=2)
    assert len({(g.first, g.last, g.check_in, g.phone) for g in (make_goal("book", seed=s, index=0) for s in range(20))}) > 15


def test_a_read_back_with_the_wrong_party_is_caught_as_a_misunderstanding():
    goal = make_goal("book", seed=1, index=0)
    goal.adults, goal.children = 1, 0
    caller = Caller(goal)
    caller.given["party"] = 0
    line = caller.next_line("For Tuesday, February 3rd to Thursday, February 5th, 1 adult and 1 child, I have "
                            "Standard Rooms. Which would you like?")
    assert any(p.startswith("misunderstood party") for p in caller.problems)
    assert line.startswith(("No, that's not right", "Hmm, no"))


def test_a_fact_asked_for_again_is_a_reask():
    caller = Caller(make_goal("book", seed=1, index=3))
    caller.next_line("How many nights will you be staying?")
    caller.next_line("Sorry, how many nights will you be staying?")
    assert any(p.startswith("re-asked nights") for p in caller.problems)


def test_card_digits_beyond_the_last_four_are_leaks():
    card = "4111 1111 1111 1111"
    assert card_leaks(card, ["the Visa ending in 1 1 1 1"]) == []
    assert card_leaks(card, ["card 4111-1111-1111-1111 saved"])
    assert card_leaks(card, ["number 411111 and more"])


def test_every_kind_makes_a_caller_who_can_open_the_call():
    for kind in KINDS:
        goal = make_goal(kind, seed=9, index=0)
        goal.existing_number, goal.room_number, goal.wrong_number = "ROOMI-20260112-001", "305", "ROOMI-20260112-901"
        assert Caller(goal).opening().strip()


def test_the_grader_fails_a_call_that_books_nothing(tmp_path):
    """A brain that only says goodbye: the booking caller's call must fail on the end state."""
    goal = make_goal("book", seed=5, index=0)

    async def go():
        async with sim_hotel(today=goal.today, folder=tmp_path) as hotel:
            return await run_call(hotel, goal, make_brain=lambda *_: ScriptedLLM(call("end_call"), "Goodbye!"))

    verdict = asyncio.run(go())
    assert not verdict.passed and "no booking made" in verdict.reasons


def test_the_grader_judges_only_the_request_the_call_filed():
    """The call's own request decides, by id: a room reused by many calls under a pinned clock has older ones."""
    goal = make_goal("service_request", seed=1, index=0)
    goal.service = ("someone to look at a leak under the sink", "maintenance", "urgent")
    right = {"request_id": "SRV-2026-00009", "request_type": "maintenance", "priority": "urgent"}
    assert service_problems(goal, [right]) == []
    assert service_problems(goal, []) == ["no service request filed for the room"]
    assert service_problems(goal, [right, {**right, "request_id": "SRV-2026-00010"}]) == ["2 service requests filed"]
    assert service_problems(goal, [{**right, "request_type": "housekeeping", "priority": "normal"}]) == [
        "service request filed as housekeeping, wanted maintenance", "service request filed as normal, wanted urgent"]
