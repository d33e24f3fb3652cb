"""Roomi's tools driven through AgentSession.run by a scripted brain; end states are checked in the database via the API."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import asynccontextmanager

import httpx
import pytest
from livekit.agents import llm
from sqlalchemy import text

from roomiai.agent.api_client import EMBEDDED_URL, ApiError, RoomiApi
from roomiai.agent.call_state import CallState
from roomiai.agent.receptionist import Receptionist
from roomiai.agent.runtime import start_call
from roomiai.agent.tools.common import NOT_CONFIRMED
from roomiai.api.app import create_app
from roomiai.store.uow import UnitOfWork
from tests.agent.scripted_llm import ScriptedLLM, call, last_output
from tests.conftest import TODAY, headers, token_for

pytestmark = pytest.mark.agent

CALLER = "+15551234567"
CARD = "4111 1111 1111 1111"
STAY = {"check_in": "2026-01-20", "check_out": "2026-01-22"}
GUEST = {"first_name": "Ada", "last_name": "Lovelace", "phone": "(555) 987-6543"}


class Transport(httpx.AsyncBaseTransport):
    """The in-process app, counting requests; it can lose the response of the first booking it makes."""

    def __init__(self, app, *, lose_first_booking: bool = False):
        self.inner = httpx.ASGITransport(app=app)
        self.lose_first_booking = lose_first_booking
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        response = await self.inner.handle_async_request(request)
        if self.lose_first_booking and (request.method, request.url.path) == ("POST", "/v1/bookings"):
            self.lose_first_booking = False
            await response.aread()
            raise httpx.ReadTimeout("the response was lost", request=request)
        return response


@pytest.fixture
def transport(container):
    return Transport(create_app(container))


@pytest.fixture
async def api(transport):
    async with RoomiApi(EMBEDDED_URL, token_for("agent"), transport=transport) as client:
        yield client


@asynccontextmanager
async def roomi(api, *steps, caller_id=CALLER, on_transfer=None):
    brain = ScriptedLLM(*steps)
    async with start_call(api, today=TODAY, make_brain=lambda *_: brain, caller_id=caller_id,
                          on_transfer=on_transfer) as text_call:
        yield text_call


def output(turn, index=-1) -> dict:
    return turn.tools[index]


def said(ctx) -> str:
    """A reply that reads the tool's output back and asks the caller to go ahead, as a brain would."""
    return f"Here is what I have: {json.dumps(last_output(ctx))}. Shall I go ahead?"


def reread(ctx) -> str:
    """Read the prepared booking's total back again, as a brain must before a yes counts."""
    prepared = next(json.loads(item.output) for item in reversed(ctx.items)
                    if item.type == "function_call_output" and item.name == "prepare_booking" and not item.is_error)
    return f"The total is {prepared['grand_total']} dollars. Shall I book it?"


async def ask(roomi_call, line: str):
    """The caller says a line; Roomi's turn and the latest tool output of the call, parsed."""
    turn = await roomi_call.say(line)
    return turn, last_output(roomi_call.session.history)


async def bookings_of(client, last_name: str) -> list[dict]:
    response = await client.get("/v1/bookings/search", params={"guest_name": last_name}, headers=headers("staff"))
    assert response.status_code == 200, response.text
    return response.json()["bookings"]


async def call_log(client, session_id: str) -> dict:
    response = await client.get(f"/v1/voice/session/{session_id}", headers=headers("staff"))
    assert response.status_code == 200, response.text
    return response.json()


async def book_directly(client, *, check_in=TODAY, nights=2, last_name="Hopper", phone="5552223333") -> dict:
    body = {
        "check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
        "room_type_id": "STD", "guests": {"adults": 2},
        "primary_guest": {"first_name": "Grace", "last_name": last_name, "phone": {"country_code": "+1", "number": phone}},
    }
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def test_a_booking_is_priced_by_the_api_read_back_and_made_only_after_a_yes(api, client):
    prepare = call("prepare_booking", **STAY, room_type="DLX", rate_code="BAR", adults=2, **GUEST,
                   special_requests=["high floor"])
    async with roomi(api, call("check_availability", **STAY, adults=2), said, prepare, said,
                     call("confirm_booking"), reread, call("confirm_booking"), said) as roomi_call:
        _, quote = await ask(roomi_call, "A room for two from the 20th to the 22nd, please")
        options = quote["options"]
        dlx_bar = next(r for o in options if o["room_type_code"] == "DLX" for r in o["rates"] if r["rate_code"] == "BAR")

        _, prepared = await ask(roomi_call, "Deluxe please, for Ada Lovelace, phone 555 987 6543, high floor")
        assert prepared["grand_total"] == dlx_bar["grand_total"] and prepared["phone"] == "+15559876543"
        assert roomi_call.state.pending_booking["booking_source"] == "voice_agent"

        unsure, refusal = await ask(roomi_call, "Hmm, what was the cancellation policy again?")
        assert unsure.tools == [{"name": "confirm_booking", "arguments": {}, "ok": False}]
        assert refusal == f"{NOT_CONFIRMED} [code: not_confirmed]"
        assert await bookings_of(client, "Lovelace") == []

        done, confirmed = await ask(roomi_call, "Yes, that's right, book it")
        assert done.tools == [{"name": "confirm_booking", "arguments": {}, "ok": True}]
        session_id = roomi_call.state.session_id

    booking = (await client.get(f"/v1/bookings/{confirmed['confirmation_number']}", headers=headers("staff"))).json()
    assert booking["pricing"]["grand_total"] == confirmed["grand_total"] == prepared["grand_total"]
    assert booking["booking_source"] == "voice_agent" and booking["special_requests"] == ["high floor"]
    assert booking["guest_name"] == "Ada Lovelace" and booking["room_type_code"] == "DLX"
    log = await call_log(client, session_id)
    assert log["outcome"] == "booking_completed" and log["confirmation_number"] == confirmed["confirmation_number"]
    assert log["call_end"] is not None


async def test_confirming_in_the_same_turn_as_the_read_back_is_refused(api, client):
    prepare = call("prepare_booking", **STAY, room_type="STD", rate_code="BAR", adults=1, **GUEST)
    async with roomi(api, prepare, call("confirm_booking"), "Shall I book it?") as roomi_call:
        result = await roomi_call.session.run(user_input="Yes, book a standard room for Ada Lovelace")

        result.expect.next_event().is_function_call(name="prepare_booking")
        result.expect.next_event().is_function_call_output(is_error=False)
        result.expect.next_event().is_function_call(name="confirm_booking")
        result.expect.next_event().is_function_call_output(output=f"{NOT_CONFIRMED} [code: not_confirmed]", is_error=True)
        result.expect.next_event().is_message(role="assistant")
        result.expect.no_more_events()
    assert await bookings_of(client, "Lovelace") == []


async def test_nothing_to_confirm_and_unbookable_requests_are_refused_with_a_reason(api, client):
    async with roomi(
        api,
        call("confirm_booking"), "-",
        call("prepare_booking", **STAY, room_type="STD", rate_code="BAR", adults=1, first_name="Ada", last_name=""),
        "-",
        call("prepare_booking", check_in="2026-01-20", check_out="2026-01-21", room_type="STD", rate_code="PKG_BB",
             adults=1, **GUEST), "-",
        call("prepare_booking", **STAY, room_type="STD", rate_code="BAR", adults=3, children=1, **GUEST), "-",
        call("check_availability", check_in="2026-01-22", check_out="2026-01-20", adults=1), "-",
    ) as roomi_call:
        nothing = await roomi_call.say("yes")
        no_name = await roomi_call.say("book it")
        bed_and_breakfast = await roomi_call.say("one night with breakfast")
        too_many = await roomi_call.say("three adults and a child in a standard")
        backwards = await roomi_call.say("from the 22nd to the 20th")
        history = roomi_call.session.history.items
        errors = [item.output for item in history if item.type == "function_call_output"]

    assert [t.tools[0]["ok"] for t in (nothing, no_name, bed_and_breakfast, too_many, backwards)] == [False] * 5
    assert errors[0].startswith("There is no booking waiting for confirmation")
    assert errors[1] == ("Ask the caller for the guest's last name and a phone number or an email address before booking. "
                         "[code: missing_details]")
    assert errors[2].startswith("The PKG_BB rate cannot be booked for this stay of a Standard Room; it can be booked at")
    assert errors[3] == "A Standard Room sleeps at most 3 guests. [code: room_unavailable]"
    assert errors[4] == "Check-out (2026-01-20) must be after check-in (2026-01-22). [code: invalid_request]"
    assert roomi_call.state.pending_booking is None
    assert await bookings_of(client, "Lovelace") == []


async def test_a_lost_response_is_retried_and_books_once(container, client):
    transport = Transport(create_app(container), lose_first_booking=True)
    prepare = call("prepare_booking", **STAY, room_type="STE", rate_code="BAR", adults=2, **GUEST)
    async with RoomiApi(EMBEDDED_URL, token_for("agent"), transport=transport) as api, \
            roomi(api, prepare, said, call("confirm_booking"), call("confirm_booking"), said) as roomi_call:
        await roomi_call.say("A suite for Ada Lovelace, the 20th to the 22nd")
        done, confirmed = await ask(roomi_call, "yes please")

    assert [t["ok"] for t in done.tools] == [False, True]
    assert transport.requests.count("POST /v1/bookings") == 2
    assert len(await bookings_of(client, "Lovelace")) == 1
    assert roomi_call.state.booked == [confirmed["confirmation_number"]]


async def test_existing_bookings_need_verification_before_they_are_shown_changed_or_cancelled(api, client):
    booking = await book_directly(client, check_in=dt.date(2026, 1, 20))
    number = booking["confirmation_number"]
    async with roomi(
        api,
        call("quote_change", confirmation_number=number, check_out="2026-01-23"), "-",
        call("quote_cancellation", confirmation_number=number), "-",
        call("find_booking", confirmation_number=number.lower(), last_name="hopper"), said,
        call("quote_change", confirmation_number=number, check_out="2026-01-23"), said,
        call("confirm_change"), said,
    ) as roomi_call:
        early_change = await roomi_call.say(f"Please extend {number} by a night")
        early_cancel = await roomi_call.say(f"Or just cancel {number}")
        _, verified = await ask(roomi_call, f"It's {number}, last name Hopper")
        _, quote = await ask(roomi_call, "Add a night please")
        changed = await roomi_call.say("yes")
        session_id = roomi_call.state.session_id

    refusals = [t.tools[0] for t in (early_change, early_cancel)]
    assert [t["ok"] for t in refusals] == [False, False]
    assert verified["verified"] is True and verified["bookings"][0]["confirmation_number"] == number
    assert verified["bookings"][0]["grand_total"] == booking["pricing"]["grand_total"]
    stored = (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()
    assert changed.tools[0]["ok"] is True
    assert stored["check_out_date"] == "2026-01-23" and stored["nights"] == 3
    assert stored["pricing"]["grand_total"] == quote["new_total"] and quote["previous_total"] == booking["pricing"]["grand_total"]
    assert (await call_log(client, session_id))["outcome"] == "booking_modified"


async def test_three_failed_verifications_offer_a_transfer(api, client):
    booking = await book_directly(client)
    transfers = []

    async def on_transfer(number, reason):
        transfers.append((number, reason))

    wrong = call("find_booking", confirmation_number=booking["confirmation_number"], last_name="Smith")
    async with roomi(api, wrong, "-", wrong, "-", wrong, "-",
                     call("find_booking", confirmation_number=booking["confirmation_number"], last_name="Hopper"), "-",
                     call("transfer_to_human", reason="could not verify the caller"), "Transferring you now.",
                     on_transfer=on_transfer) as roomi_call:
        for _ in range(3):
            await roomi_call.say("It's under Smith")
        late = await roomi_call.say("Oh, it is Hopper actually")
        transferred = await roomi_call.say("Yes, put me through")
        errors = [i.output for i in roomi_call.session.history.items if i.type == "function_call_output" and i.is_error]
        assert roomi_call.over
        session_id = roomi_call.state.session_id

    assert errors[:2] == ["No booking matches those details. [code: not_found]"] * 2
    assert errors[2] == "No booking matches those details. Offer to transfer the caller to the front desk. [code: verification_failed]"
    assert errors[3].endswith("Offer to transfer the caller to the front desk. [code: verification_failed]")
    assert late.tools[0]["ok"] is False
    assert roomi_call.state.verified == set()
    assert transferred.tools == [
        {"name": "transfer_to_human", "arguments": {"reason": "could not verify the caller"}, "ok": True},
    ]
    assert transfers == [("+13055550100", "could not verify the caller")]
    assert (await call_log(client, session_id))["outcome"] == "transferred"


async def test_the_number_calling_is_not_looked_up_unless_the_caller_says_it(api, client):
    await book_directly(client, phone="5551234567")
    async with roomi(api, call("find_booking", phone=CALLER), "-", call("find_booking", phone=CALLER), "-",
                     caller_id=CALLER) as roomi_call:
        unsaid, refusal = await ask(roomi_call, "I'd like to check my booking")
        said, found = await ask(roomi_call, "It's under five five five, one two three, four five six seven")

    assert unsaid.tools[0]["ok"] is False and refusal.startswith("Look up only a phone number the caller said")
    assert said.tools[0]["ok"] is True and found["verified"] is True
    assert roomi_call.state.verification_failures == 0


async def test_the_cancellation_penalty_comes_from_the_backend(api, client):
    booking = await book_directly(client, check_in=TODAY, nights=2)
    number = booking["confirmation_number"]
    expected = (await client.request("DELETE", f"/v1/bookings/{number}", params={"preview": "true"},
                                     headers=headers("staff"))).json()
    async with roomi(
        api,
        call("find_booking", phone="+1 555 222 3333"), said,
        call("quote_cancellation", confirmation_number=number), said,
        call("confirm_cancellation", reason=f"plans changed, refund to {CARD}"), said,
        caller_id="+15552223333",  # the guest calls from the phone on the booking: that proves who they are
    ) as roomi_call:
        await roomi_call.say("My number is 555 222 3333")
        _, quoted = await ask(roomi_call, "I need to cancel")
        done, cancelled = await ask(roomi_call, "yes, cancel it")
        session_id = roomi_call.state.session_id

    assert expected["free_cancellation"] is False and expected["penalty"] > 0
    assert quoted == {"confirmation_number": number, "free_cancellation": False, "penalty": expected["penalty"],
                      "refund": 0.0, "currency": "USD", "deadline": expected["deadline"]}
    assert cancelled["cancellation_reference"] == f"CXL-{number}" and cancelled["penalty"] == expected["penalty"]
    stored = (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()
    assert stored["status"] == "cancelled" and stored["cancellation"]["penalty"] == expected["penalty"]
    assert stored["cancellation"]["reason"] == "plans changed, refund to [card ending 1111]"
    assert done.tools[0]["arguments"]["reason"] == "plans changed, refund to [card ending 1111]"
    assert (await call_log(client, session_id))["outcome"] == "booking_cancelled"


async def test_a_service_request_is_filed_for_the_guest_in_the_room(api, client):
    booking = await book_directly(client)
    stay = (await client.post(f"/v1/bookings/{booking['confirmation_number']}/check-in", headers=headers("staff"))).json()
    room = stay["room_numbers"][0]
    request = call("request_service", request_type="housekeeping", room_number=room, last_name="hopper",
                   items=["towels", "pillows"], description=f"also my card {CARD} is on the desk")
    async with roomi(api, request, said) as roomi_call:
        _, filed = await ask(roomi_call, f"Room {room}, could I get towels and pillows?")
        session_id = roomi_call.state.session_id

    assert set(filed) == {"request_id", "request_type", "room_number", "status", "estimated_completion"}
    stored = (await client.get(f"/v1/services/requests/{filed['request_id']}", headers=headers("staff"))).json()
    assert stored["room_number"] == room and stored["confirmation_number"] == booking["confirmation_number"]
    assert stored["request_details"]["items"] == ["towels", "pillows"]
    assert stored["request_details"]["description"] == "also my card [card ending 1111] is on the desk"
    assert (await call_log(client, session_id))["outcome"] == "service_request"


async def test_a_spoken_phone_number_that_is_not_the_caller_id_proves_nothing(api, client, transport):
    """The audit's attack: a caller said another guest's number, heard the booking, and cancelled it with a yes."""
    booking = await book_directly(client, phone="3055550199")
    number = booking["confirmation_number"]
    async with roomi(api, call("find_booking", phone="+1 305-555-0199"), said,
                     call("quote_cancellation", confirmation_number=number), said,
                     call("confirm_cancellation"), said, caller_id="+15550001111") as roomi_call:
        _, found = await ask(roomi_call, "My phone number is +1 305-555-0199")
        quote = await roomi_call.say("I want to cancel my booking")
        confirm = await roomi_call.say("yes")

    assert found == {"verified": False, "code": "phone_not_caller_id", "instruction": found["instruction"]}
    assert "confirmation number and the last name" in found["instruction"]
    assert [quote.tools[0]["ok"], confirm.tools[0]["ok"]] == [False, False]
    assert roomi_call.state.verified == set() and roomi_call.state.verification_failures == 0
    assert "POST /v1/bookings/lookup" not in transport.requests  # refused by the tool, before the API
    assert (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).json()["status"] == "confirmed"


async def test_the_api_refuses_a_phone_lookup_for_another_number_even_if_a_tool_would_ask(api, client):
    await book_directly(client, phone="3055550199")
    async with roomi(api, caller_id="+15550001111"):
        with pytest.raises(ApiError) as refused:
            await api.lookup_bookings(phone="+1 305 555 0199")
    assert refused.value.status == 403 and refused.value.code == "phone_not_caller_id"


async def test_a_caller_locked_out_hears_that_roomi_cannot_check_and_other_callers_are_not(api, client, container):
    container.lookup_throttle.failures_allowed = 1
    booking = await book_directly(client)
    number = booking["confirmation_number"]
    wrong = call("find_booking", confirmation_number=number, last_name="Smith")
    right = call("find_booking", confirmation_number=number, last_name="Hopper")
    async with roomi(api, wrong, "-", right, "-") as guesser:
        await guesser.say("It's under Smith")
        _, limited = await ask(guesser, "Hopper then")
    async with roomi(api, right, said) as real_guest:
        _, found = await ask(real_guest, f"It's {number}, last name Hopper")

    assert limited["code"] == "cannot_check_now" and limited["verified"] is False
    assert "front desk" in limited["instruction"] and guesser.state.verified == set()
    assert found["verified"] is True and found["bookings"][0]["confirmation_number"] == number


async def test_a_service_request_needs_the_name_of_the_guest_in_the_room(api, client):
    booking = await book_directly(client)
    stay = (await client.post(f"/v1/bookings/{booking['confirmation_number']}/check-in", headers=headers("staff"))).json()
    room = stay["room_numbers"][0]
    async with roomi(api, call("request_service", request_type="amenity", room_number=room, items=["towels"]), "-",
                     call("request_service", request_type="amenity", room_number=room, items=["towels"],
                          last_name="Smith"), "-") as roomi_call:
        nameless = await roomi_call.say(f"Towels for room {room}")
        wrong = await roomi_call.say("The name is Smith")
        errors = [i.output for i in roomi_call.session.history.items if i.type == "function_call_output" and i.is_error]

    assert [nameless.tools[0]["ok"], wrong.tools[0]["ok"]] == [False, False]
    assert errors[0].startswith("Ask the caller for the last name of the guest staying in the room")
    assert errors[1] == "No guest staying in the hotel matches that room or booking and that last name. [code: not_found]"
    assert "checked in" not in errors[1] and room not in errors[1]
    assert (await client.get("/v1/services/requests", headers=headers("staff"))).json()["count"] == 0


async def test_hotel_questions_are_answered_from_the_hotel_facts_read_once(api, transport):
    async with roomi(api, call("hotel_info", topic="dogs"), said, call("hotel_info", topic="checkout"), said,
                     call("hotel_info", topic="spa"), said) as roomi_call:
        _, pets = await ask(roomi_call, "Can I bring my dog?")
        _, checkout = await ask(roomi_call, "When is checkout?")
        _, spa = await ask(roomi_call, "Do you have a spa?")

    assert pets == {"topic": "pets", "answer": "Dogs up to 25 pounds are welcome for a fee of 75 dollars per stay. "
                    "Service animals are always welcome at no charge."}
    assert checkout["topic"] == "check_out" and checkout["answer"].startswith("Check-out is by 11 AM.")
    assert "until 2 PM can be arranged for 40 dollars" in checkout["answer"]
    assert spa["answer"] is None and {"parking", "pets", "check_in", "room_types"} <= set(spa["known_topics"])
    assert transport.requests.count("GET /v1/hotel") == 1


async def test_a_question_about_what_the_rooms_have_is_answered_from_the_room_types(api):
    async with roomi(api, call("hotel_info", topic="do rooms come with a kettle"), said,
                     call("hotel_info", topic="is there a spa?"), said) as roomi_call:
        _, kettle = await ask(roomi_call, "Do rooms come with a kettle?")
        _, spa = await ask(roomi_call, "Is there a spa?")

    assert kettle["topic"] == "amenities" and kettle["answer"].startswith("In every room: WiFi, TV and safe.")
    assert "The Suite adds mini bar, espresso machine, bathrobes, soaking tub and balcony." in kettle["answer"]
    assert spa["answer"] is None  # never invented: the dialogue says it does not know


async def test_the_call_log_has_transcript_intents_and_outcome_without_card_or_full_caller_numbers(api, client, container):
    seen_by_brain = []

    def remember(ctx):
        seen_by_brain.append(json.dumps(ctx.to_dict()))
        return "Thank you, goodbye!"

    async with roomi(api, call("end_call"), remember) as roomi_call:
        turn = await roomi_call.say(f"My card is {CARD}, that's all, bye")
        assert roomi_call.over and turn.reply == "Thank you, goodbye!"
        session_id = roomi_call.state.session_id

    log = await call_log(client, session_id)
    assert log["caller_phone"] == "+1555***4567" and log["outcome"] == "inquiry_only"
    assert [(t["speaker"], t["text"]) for t in log["transcript"]] == [
        ("agent", "Thank you for calling Grand Hotel, this is Roomi. This call is recorded to help us serve you. How can I help you today?"),
        ("guest", "My card is [card ending 1111], that's all, bye"),
        ("agent", "Thank you, goodbye!"),
    ]
    assert len(log["intents_detected"]) == 1 and 0 < log["intents_detected"][0]["confidence"] <= 1
    assert len(log["turn_timings"]) == 1 and log["turn_timings"][0]["agent_ms"] >= 0
    assert "4111" not in seen_by_brain[0] and "[card ending 1111]" in seen_by_brain[0]
    async with UnitOfWork(container.db) as uow:
        rows = []
        for table in ("call_transcript", "call_intents", "call_logs"):
            rows += (await uow.session.execute(text(f"SELECT * FROM {table}"))).all()
    dump = "\n".join(map(str, rows))
    assert "4111" not in dump and "5551234567" not in dump


async def test_a_card_number_in_a_spoken_turn_is_redacted_before_the_brain_hears_it(api):
    receptionist = Receptionist(api=api, state=CallState(), instructions="Be brief.")
    message = llm.ChatMessage(role="user", content=[f"the deluxe for Ada Lovelace, and charge {CARD} please"])

    await receptionist.on_user_turn_completed(llm.ChatContext(), message)

    assert message.text_content == "the deluxe for Ada Lovelace, and charge [card ending 1111] please"
    assert receptionist.cards.waiting_for_expiry  # the number went to the secure step, which waits for its expiry


async def test_a_yes_to_another_question_or_with_a_change_does_not_book(api, client):
    prepare = call("prepare_booking", **STAY, room_type="STD", rate_code="BAR", adults=1, **GUEST)
    other_question = lambda ctx: "Would you like breakfast with that?"  # noqa: E731
    wrong_total = lambda ctx: "That comes to 1 dollar in total. Shall I book it?"  # noqa: E731
    async with roomi(api, prepare, other_question, call("confirm_booking"), wrong_total, call("confirm_booking"), reread,
                     call("confirm_booking"), said) as roomi_call:
        await ask(roomi_call, "A standard room for one from the 20th to the 22nd, for Ada Lovelace, phone 555 987 6543")
        breakfast, refusal = await ask(roomi_call, "yes")
        assert breakfast.tools[0]["ok"] is False and "must state the total" in refusal
        wrong, refusal = await ask(roomi_call, "yes please")
        assert wrong.tools[0]["ok"] is False and "must state the total" in refusal
        change, refusal = await ask(roomi_call, "yes, but make it a deluxe room")
        assert change.tools[0]["ok"] is False and ("change" in refusal or refusal.startswith(NOT_CONFIRMED))
    assert await bookings_of(client, "Lovelace") == []


async def test_a_yes_then_a_question_books_and_a_change_asked_as_a_question_does_not(api, client):
    prepare = call("prepare_booking", **STAY, room_type="STD", rate_code="BAR", adults=1, **GUEST)
    async with roomi(api, prepare, said, call("confirm_booking"), reread, call("confirm_booking"), said) as roomi_call:
        await ask(roomi_call, "A standard room for one from the 20th to the 22nd, for Ada Lovelace, phone 555 987 6543")
        change, refusal = await ask(roomi_call, "Yes. Could we switch to a deluxe room?")
        assert change.tools[0]["ok"] is False and "change" in refusal
        assert await bookings_of(client, "Lovelace") == []
        done, _ = await ask(roomi_call, "Yes, that's right. Actually, what time is check-in?")  # the yes answers the read-back
        assert done.tools == [{"name": "confirm_booking", "arguments": {}, "ok": True}]
    assert len(await bookings_of(client, "Lovelace")) == 1
