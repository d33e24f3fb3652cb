"""The secure card step against the real API and the local vault: the digits go to the gateway, never further;
a card-like number that is no card, and any card expiry, never reach the brain, a reply, the booking or the call log."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json

import httpx
import pytest
from livekit.agents import llm

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi
from roomiai.agent.call_state import CallState
from roomiai.agent.card_capture import ASK_EXPIRY, EXPIRY_TURNS, NOT_VALID, CardCapture, safe_words
from roomiai.agent.chat import chat_jsonl
from roomiai.agent.runtime import deterministic_brain, start_call
from roomiai.api.app import create_app
from roomiai.domain.spoken_digits import digit_groups
from tests.agent.scripted_llm import ScriptedLLM
from tests.conftest import TODAY, headers, token_for

pytestmark = pytest.mark.agent
CARD = "4111 1111 1111 1111"
HAS_BRAIN = importlib.util.find_spec("roomiai.agent.brain.llm") is not None


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


async def test_a_yes_with_a_card_in_the_same_breath_is_saved_and_the_yes_left_to_the_brain(capture):
    saved = await capture.take(f"yes, and put it on my card please: {CARD}, expiry 11/29")
    assert saved.reply is None and saved.safe_text.startswith("yes, and put it on my card please: [card ending 1111]")
    assert capture.state.card["last_four"] == "1111"


async def test_the_stay_dates_said_while_a_card_waits_for_its_expiry_are_left_to_the_brain(capture):
    await capture.take(f"I'll guarantee it with my card, {CARD}")
    dates = await capture.take("starting Jan 30, two nights")
    assert dates.reply is None and dates.safe_text == "starting Jan 30, two nights" and capture.waiting_for_expiry
    assert "ending in 1 1 1 1" in (await capture.take("it expires 12/28")).reply


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


async def test_a_card_like_number_that_is_not_a_card_is_asked_again_and_its_expiry_never_passed_on(capture):
    typo = await capture.take("4111-1111-1111-1112 expires 12/28")
    assert (typo.safe_text, typo.reply) == ("[card number] [card expiry]", NOT_VALID)
    assert not any(ch.isdigit() for ch in typo.reply + typo.safe_text) and not capture.waiting_for_expiry
    later = await capture.take("the 28th of December, 12/28")  # a bare expiry just after a card is not a date
    assert later.safe_text == "the 28th of December, [card expiry]" and later.reply is None
    assert capture.state.card is None


@pytest.mark.parametrize(
    ("said", "safe"),
    [
        ("card 5555.5555.5555.4444", "card [card ending 4444]"),
        ("four one one one one one one one one one one one one one one one", "[card ending 1111]"),
        ("4111 1111 um 1111 double one one one", "[card ending 1111]"),
    ],
)
async def test_a_card_in_any_form_is_captured_and_its_spoken_expiry_saves_it(capture, said, safe):
    asked = await capture.take(said)
    assert (asked.safe_text, asked.reply) == (safe, ASK_EXPIRY)
    saved = await capture.take("twelve twenty-eight")
    assert saved.safe_text == "[card expiry]" and "ending in" in saved.reply and capture.state.card is not None


async def test_an_expiry_after_its_cue_never_reaches_the_brain_even_with_no_card(capture):
    said = await capture.take("we arrive on the 20th, the card expires 12/28 and the cvv is 123")
    assert said.safe_text == "we arrive on the 20th, the card [card expiry] and the [security code]" and said.reply is None


BOOKING = ["Book a standard room from the 20th for 2 nights for 2 adults", "yes", "Ann Lee", "5551112222", "no"]


async def chat(container, *lines: str) -> tuple[list[dict], str]:
    """A whole call through the `roomi chat --jsonl` protocol, with the deterministic brain and the real API."""
    queue: asyncio.Queue = asyncio.Queue()
    for line in (*lines, None):
        queue.put_nowait(line)
    out = io.StringIO()
    async with RoomiApi.embedded(create_app(container), token_for("agent")) as api, \
            start_call(api, today=TODAY, make_brain=deterministic_brain) as text_call:
        await chat_jsonl(text_call, queue, out)
        session_id = text_call.state.session_id
    return [json.loads(line) for line in out.getvalue().splitlines()], session_id


def shows(text: str, number: str) -> bool:
    """Whether text holds the number's first twelve digits (never shown), however they are separated or spoken."""
    digits = "".join(group.digits for run in digit_groups(text) for group in run)
    return number[:12] in digits or number[:12] in "".join(ch for ch in text if ch.isdigit())


@pytest.mark.skipif(not HAS_BRAIN, reason="needs the deterministic brain (roomiai.agent.brain.llm)")
@pytest.mark.parametrize(
    ("number", "lines", "heard"),
    [
        # a valid card in dots at the special-requests step: tokenised, never a special request
        ("5555555555554444", [*BOOKING, "card 5555.5555.5555.4444", "12/28", "no", "yes"], "ending in 4 4 4 4"),
        # one digit wrong, with an expiry that once moved the stay to December 28
        ("4111111111111112", [*BOOKING, "4111-1111-1111-1112 expires 12/28", "no", "yes"], NOT_VALID),
        # read out in words
        ("4111111111111111", [*BOOKING, "my card is four one one one one one one one one one one one one one one one, "
                              "expiry twelve twenty-eight", "no", "yes"], "ending in 1 1 1 1"),
    ],
)
async def test_card_forms_said_in_a_chat_reach_no_reply_brain_booking_or_call_log(container, client, number, lines,
                                                                                  heard):
    replies, session_id = await chat(container, *lines)

    assert not any(shows(json.dumps(reply), number) for reply in replies), replies
    stays = [tool["arguments"] for reply in replies[1:] for tool in reply["tools"] if "check_in" in tool["arguments"]]
    assert {(stay["check_in"], stay["check_out"]) for stay in stays} == {("2026-01-20", "2026-01-22")}
    assert any(heard in reply["agent"] for reply in replies), replies
    assert not any("[card" in str(tool["arguments"]) for reply in replies[1:] for tool in reply["tools"])
    confirmation = replies[-1]["agent"].split("ROOMI-")[1][:12] if "ROOMI-" in replies[-1]["agent"] else None
    assert confirmation, replies[-1]
    booking = (await client.get(f"/v1/bookings/ROOMI-{confirmation}", headers=headers("admin"))).json()
    assert booking["special_requests"] == [] and not shows(json.dumps(booking), number)
    log = (await client.get(f"/v1/voice/session/{session_id}", headers=headers("staff"))).json()
    said = [line["text"] for line in log["transcript"] if line["speaker"] == "guest"]
    assert any("[card" in line for line in said) and not shows(json.dumps(log), number), said


async def test_text_handed_straight_to_the_session_reaches_the_brain_and_history_without_card_data(container):
    """Room chat and the keypad hand text to generate_reply, past the capture step: RoomiSession makes it safe."""
    seen: list[str] = []

    def answer(chat_ctx: llm.ChatContext) -> str:
        seen.append(next(item.text_content for item in reversed(chat_ctx.items) if getattr(item, "role", "") == "user"))
        return "Noted."

    async with RoomiApi.embedded(create_app(container), token_for("agent")) as api, \
            start_call(api, today=TODAY, make_brain=lambda *_: ScriptedLLM(answer)) as text_call:
        await text_call.session.generate_reply(user_input="typed: 4111-1111-1111-1112 expires 12/28, cvv 123")
        history = [item.text_content for item in text_call.session.history.items if item.type == "message"]

    assert seen == ["typed: [card number] [card expiry], [security code]"]
    assert not any(shows(text, "4111111111111112") or "12/28" in text for text in history), history
