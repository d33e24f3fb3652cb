"""Long sentences reach the local voice in phrases, so the first audio does not wait for the whole sentence."""

import pytest

from roomiai.voice.phrasing import PhraseTokenizer, phrases

pytestmark = pytest.mark.voice

OFFER = ("For Friday, January 16th to Sunday, January 18th, 2 adults, I have Standard Rooms from 179 dollars a night, "
         "Deluxe Rooms from 239 dollars a night. Which would you like?")


def test_a_long_sentence_is_cut_at_commas_and_nothing_is_lost():
    parts = phrases(OFFER)
    assert parts[0] == "For Friday, January 16th to Sunday,"
    assert parts[-1] == "Which would you like?"
    assert " ".join(parts) == OFFER
    assert all(len(part) >= 20 for part in parts)


def test_short_sentences_are_spoken_whole():
    assert phrases("Wonderful. May I have your first and last name?") == ["Wonderful. May I have your first and last name?"]


async def test_the_stream_emits_the_first_phrase_before_the_sentence_ends():
    stream = PhraseTokenizer().stream()
    stream.push_text("For Friday, January 16th to Sunday, January 18th, 2 adults, I have ")
    stream.push_text("Standard Rooms from 179 dollars a night.")
    stream.end_input()
    tokens = [data.token async for data in stream]
    assert tokens[0] == "For Friday, January 16th to Sunday,"
    assert " ".join(tokens).startswith("For Friday, January 16th to Sunday, January 18th, 2 adults,")
