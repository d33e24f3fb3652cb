"""Every call, spoken or typed, opens with the hotel's recording notice while its transcript is kept."""

import pytest

from roomiai.agent.recorder import with_recording_notice

pytestmark = pytest.mark.unit

GREETING = "Thank you for calling Grand Hotel, this is Roomi. How can I help you today?"


def test_the_notice_goes_before_the_question():
    voice = {"record_calls": True, "recording_notice": "Calls are recorded."}
    assert with_recording_notice(GREETING, voice) == (
        "Thank you for calling Grand Hotel, this is Roomi. Calls are recorded. How can I help you today?"
    )


def test_no_notice_when_the_hotel_keeps_no_transcript_or_gives_none():
    assert with_recording_notice(GREETING, {"record_calls": False, "recording_notice": "Recorded."}) == GREETING
    assert with_recording_notice(GREETING, {"record_calls": True}) == GREETING


def test_a_greeting_of_one_sentence_gets_the_notice_after_it():
    assert with_recording_notice("Hello!", {"recording_notice": "Recorded."}) == "Hello! Recorded."
