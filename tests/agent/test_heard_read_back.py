"""Details from a turn the ears were unsure of (confirmation and phone numbers, dates, surnames) are read back first."""

import pytest
from livekit.agents import llm

from roomiai.agent.brain.dialogue import DialogueManager
from roomiai.agent.brain.heard import spell_letters, spell_phone
from roomiai.agent.brain.llm import DeterministicLLM
from roomiai.agent.call_state import CallState
from roomiai.agent.runtime import brain_for
from roomiai.config import Settings
from tests.agent.test_dialogue import HOTEL, TODAY, availability, call, say

pytestmark = pytest.mark.agent

UNSURE, SURE = 0.3, 0.9
NUMBER_AND_NAME = "it's ROOMI-20260112-001, last name Smith"
READ_BACK = ("Just to be sure, I heard the confirmation number R O O M I, 2 0 2 6 0 1 1 2, 0 0 1 and the last name "
             "Smith, S M I T H. Is that right?")


@pytest.fixture
def dm():
    return DialogueManager(hotel=HOTEL, today=lambda: TODAY)


def to_verification(dm) -> None:
    say(dm.on_user("I'd like to cancel my booking", confidence=SURE))


def test_an_unsure_confirmation_number_and_surname_are_spelled_back_before_the_lookup(dm):
    to_verification(dm)
    assert say(dm.on_user(NUMBER_AND_NAME, confidence=UNSURE)) == READ_BACK
    assert call(dm.on_user("yes, that's right", confidence=SURE), "find_booking") == {
        "confirmation_number": "ROOMI-20260112-001", "last_name": "Smith"}


@pytest.mark.parametrize("confidence", [None, SURE, 0.45])
def test_typed_or_clearly_heard_details_are_used_at_once(dm, confidence):
    to_verification(dm)
    assert call(dm.on_user(NUMBER_AND_NAME, confidence=confidence), "find_booking")["last_name"] == "Smith"


def test_a_no_forgets_what_was_misheard_and_asks_again(dm):
    to_verification(dm)
    say(dm.on_user(NUMBER_AND_NAME, confidence=UNSURE))
    again = say(dm.on_user("no", confidence=SURE))
    assert again == "Sorry about that. Could you give me the confirmation number and the last name again, slowly?"
    assert dm.d.confirmation_number is None and dm.d.last_name is None
    assert call(dm.on_user("ROOMI-20260112-001, Smyth", confidence=SURE), "find_booking") == {
        "confirmation_number": "ROOMI-20260112-001", "last_name": "Smyth"}


def test_a_clear_correction_replaces_the_surname_and_the_number_is_still_checked(dm):
    to_verification(dm)
    say(dm.on_user(NUMBER_AND_NAME, confidence=UNSURE))
    check = say(dm.on_user("no, the last name is Smyth", confidence=SURE))
    assert check == "Just to be sure, I heard the confirmation number R O O M I, 2 0 2 6 0 1 1 2, 0 0 1. Is that right?"
    assert call(dm.on_user("yes", confidence=SURE), "find_booking")["last_name"] == "Smyth"


def test_an_unsure_phone_number_is_read_back_digit_by_digit(dm):
    say(dm.on_user("I need to change my booking, can you find it by my phone number", confidence=SURE))
    assert say(dm.on_user("my phone number is 305 555 0199", confidence=UNSURE)) == \
        "Just to be sure, I heard the phone number 3 0 5, 5 5 5, 0 1 9 9. Is that right?"
    assert call(dm.on_user("yes", confidence=SURE), "find_booking") == {"phone": "3055550199"}


def test_an_answer_that_is_neither_yes_nor_no_repeats_the_read_back(dm):
    to_verification(dm)
    say(dm.on_user(NUMBER_AND_NAME, confidence=UNSURE))
    assert say(dm.on_user("hmm what", confidence=SURE)) == f"Sorry, I didn't catch that. {READ_BACK}"
    assert call(dm.on_user("yes", confidence=SURE), "find_booking")


def test_booking_an_unsure_surname_is_spelled_back_and_a_correction_taken(dm):
    call(dm.on_user("I'd like to book a room from the 20th to the 23rd for two adults", confidence=SURE),
         "check_availability")
    say(dm.on_tool("check_availability", availability(), None))
    say(dm.on_user("the deluxe please", confidence=SURE))
    say(dm.on_user("yes", confidence=SURE))
    assert dm.d.asked == "name"
    assert say(dm.on_user("My name is Laura Bandit", confidence=UNSURE)) == \
        "Just to be sure, I heard the last name Bandit, B A N D I T. Is that right?"
    nxt = say(dm.on_user("no, it's Bennett, B E N N E T T", confidence=SURE))
    assert (dm.d.guest.first_name, dm.d.guest.last_name) == ("Laura", "Bennett")
    assert "phone" in nxt


def test_booking_unsure_dates_are_read_back_before_the_availability_search(dm):
    say(dm.on_user("I'd like to book a room", confidence=SURE))
    assert say(dm.on_user("from the twentieth for three nights", confidence=UNSURE)) == \
        "Just to be sure, I heard check-in on Tuesday, January 20th. Is that right?"
    assert "adults" in say(dm.on_user("yes", confidence=SURE))
    assert call(dm.on_user("two adults", confidence=SURE), "check_availability")["check_in"] == "2026-01-20"


def test_booking_a_misheard_check_in_date_is_asked_for_again(dm):
    say(dm.on_user("I'd like to book a room", confidence=SURE))
    say(dm.on_user("from the twentieth for three nights", confidence=UNSURE))
    assert say(dm.on_user("no", confidence=SURE)) == "Sorry about that. What date would you like to check in?"
    assert dm.d.stay.check_in is None


def test_the_turn_confidence_reaches_the_brain_with_the_callers_message():
    """livekit's ChatMessage.transcript_confidence (the STT's, averaged over the turn) is what the brain reads."""
    brain = DeterministicLLM(hotel=HOTEL, today=lambda: TODAY)
    chat = llm.ChatContext()
    chat.items.append(llm.ChatMessage(role="user", content=["I'd like to cancel my booking"], transcript_confidence=SURE))
    brain.next_action(chat)
    chat.add_message(role="assistant", content=brain.dialogue.d.last_reply)
    chat.items.append(llm.ChatMessage(role="user", content=[NUMBER_AND_NAME], transcript_confidence=UNSURE))
    assert say(brain.next_action(chat)) == READ_BACK


def test_the_threshold_is_the_hotels_setting():
    brain = DeterministicLLM(hotel=HOTEL, today=lambda: TODAY, read_back_below=0.2)
    chat = llm.ChatContext()
    chat.add_message(role="user", content="I'd like to cancel my booking")
    brain.next_action(chat)
    chat.add_message(role="assistant", content=brain.dialogue.d.last_reply)
    chat.items.append(llm.ChatMessage(role="user", content=[NUMBER_AND_NAME], transcript_confidence=UNSURE))
    assert call(brain.next_action(chat), "find_booking")


def test_spelling_names_and_numbers():
    assert spell_letters("O'Brien-Smith") == "O, apostrophe, B R I E N, hyphen, S M I T H"
    assert spell_phone("+1 (305) 555-0199") == "3 0 5, 5 5 5, 0 1 9 9"
    assert spell_phone("44 20 7946 0958") == "4 4 2, 0 7 9, 4 6 0, 9 5 8"


def test_the_brain_built_from_the_settings_takes_their_threshold(tmp_path):
    make_brain = brain_for("deterministic", Settings(data_dir=tmp_path, read_back_below=0.2, _env_file=None))
    brain = make_brain(None, CallState(today=TODAY), HOTEL)
    assert brain.dialogue.read_back_below == 0.2
