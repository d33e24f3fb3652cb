"""The secure card step against the real API and the local vault: the digits go to the gateway, never further."""

from __future__ import annotations

import httpx
import pytest

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi
from roomiai.agent.call_state import CallState
from roomiai.agent.card_capture import ASK_EXPIRY, EXPIRY_TURNS, CardCapture, safe_words
from roomiai.api.app import create_app
from tests.conftest import TODAY, token_for

pytestmark = pytest.mark.agent
CARD = "4111 1111 1111 1111"


@pytest.fixture
async def capture(container):
    async with RoomiApi(EMBEDDED_URL, token_for("agent"), transport=httpx.ASGITransport(app=create_app(container))) as api:
        yield CardCapture(api, CallState(session_id="test-call", today=TODAY))


async def test_words_without_a_card_are_left_to_the_brain(capture):
    assert await capture.take("a room for two next friday, 2 nights") is None


async def test_a_card_alone_asks_for_the_expiry_then_is_saved_and_only_its_last_four_said(capture):
    asked = await capture.take(f"my card is {CARD}")
    assert (asked.safe_text, asked.reply) == ("my card is [card ending 1111]", ASK_EXPIRY)
    assert capture.waiting_for_expiry and "4111" not in repr(capture)

    saved = await capture.take("twelve, um, 12/28")
    assert saved.reply == "Thank you, I've saved the Visa ending in 1 1 1 1. It will guarantee your booking."
    assert capture.state.card["last_four"] == "1111" and capture.state.card["payment_token"].startswith("tok_")
    assert "1111 1111" not in saved.safe_text and not capture.waiting_for_expiry


async def test_a_card_inside_a_longer_answer_leaves_the_answer_to_the_brain_and_waits_for_the_expiry(capture):
    mixed = await capture.take(f"The deluxe, for Ada Lovelace, phone 555 987 6543, and my card is {CARD}.")
    assert mixed.reply is None and "[card ending 1111]" in mixed.safe_text and "555 987 6543" in mixed.safe_text
    assert (await capture.take("yes")).reply is None  # still waiting, the brain answers
    saved = await capture.take("the expiry is 08 2029")
    assert "ending in 1 1 1 1" in saved.reply and capture.state.card is not None


async def test_a_number_whose_expiry_never_comes_is_forgotten(capture):
    await capture.take(f"card {CARD}")
    for _ in range(EXPIRY_TURNS):
        await capture.take("no")
    assert not capture.waiting_for_expiry
    assert await capture.take("12/28") is None  # now just words for the brain (a date, perhaps)


async def test_an_expired_card_is_refused_with_the_gateways_reason_and_forgotten(capture):
    refused = await capture.take(f"card {CARD}, expires 01/20")
    assert refused.reply.startswith("I'm sorry, the card expired in 01/2020.") and "again" in refused.reply
    assert capture.state.card is None and not capture.waiting_for_expiry


def test_the_security_code_and_expiry_never_reach_the_brain_either():
    assert safe_words(f"{CARD} expiry 12/28 and the cvv is 123") == "[card ending 1111] [card expiry] and the [security code]"
