"""Helpers for behavioural tests of Roomi with her deterministic brain: a real AgentSession, the real Receptionist and
tools, the API in process on the test database; end states read back through the API.

Used by tests/agent/test_receptionist_flows.py, tests/agent/test_corpus.py and bench/agent_turns.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from livekit.agents import llm
from livekit.agents.voice.run_result import RunResult

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi
from roomiai.agent.runtime import TextCall, Turn, deterministic_brain, start_call
from roomiai.agent.tools.handoff import TransferHook

TODAY = dt.date(2026, 1, 12)  # a Monday, as in tests/conftest.py
CALLER = "+15551234567"

# "1,381 dollars and 25 cents", "215 dollars", "$35", "35.50 dollars", "40 USD"
MONEY_WORDS = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))? (?:dollars|USD)(?: and (\d{1,2}) cents)?")
MONEY_SIGN = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
CONFIRMATION = re.compile(r"\b(?:CXL-)?ROOMI-\d{8}-\d{3,}\b")


@dataclass
class FlowTurn:
    """What one caller line produced: Roomi's turn (as `roomi chat` reports it) and the livekit RunResult to expect on."""

    said: str
    turn: Turn
    result: RunResult | None

    @property
    def reply(self) -> str:
        return self.turn.reply

    @property
    def state(self) -> str:
        return self.turn.state

    @property
    def tools(self) -> list[dict[str, Any]]:
        return self.turn.tools

    @property
    def tool_names(self) -> list[str]:
        return [tool["name"] for tool in self.turn.tools]

    @property
    def expect(self):
        assert self.result is not None, "the turn did not reach the session"
        return self.result.expect


@dataclass
class Conversation:
    """One phone call in text with Roomi and her deterministic brain."""

    call: TextCall
    turns: list[FlowTurn] = field(default_factory=list)
    _results: list[RunResult] = field(default_factory=list)

    @property
    def session_id(self) -> str | None:
        return self.call.state.session_id

    @property
    def state(self):
        return self.call.state

    @property
    def history(self) -> llm.ChatContext:
        return self.call.session.history

    @property
    def over(self) -> bool:
        return self.call.over

    async def say(self, text: str) -> FlowTurn:
        """The caller says one line, exactly as `roomi chat` passes it on (TextCall.say: redaction, call log)."""
        before = len(self._results)
        turn = await self.call.say(text)
        result = self._results[-1] if len(self._results) > before else None
        flow = FlowTurn(text, turn, result)
        self.turns.append(flow)
        return flow

    async def script(self, *lines: str) -> list[FlowTurn]:
        return [await self.say(line) for line in lines]

    def tools_called(self) -> list[str]:
        return [name for turn in self.turns for name in turn.tool_names]

    def agent_messages(self) -> list[str]:
        return [item.text_content or "" for item in self.history.items if item.type == "message" and item.role == "assistant"]

    def tool_outputs(self) -> list[str]:
        return [item.output for item in self.history.items if item.type == "function_call_output"]


@asynccontextmanager
async def conversation(api: RoomiApi, *, today: dt.date = TODAY, caller_id: str | None = CALLER,
                       on_transfer: TransferHook | None = None) -> AsyncIterator[Conversation]:
    """Start a call with the deterministic brain (as `roomi chat` does); the call log is closed when the block ends."""
    async with start_call(api, today=today, make_brain=deterministic_brain, caller_id=caller_id,
                          on_transfer=on_transfer) as text_call:
        convo = Conversation(text_call)
        session = text_call.session
        run = session.run

        def run_and_keep(**kwargs: Any) -> RunResult:
            result = run(**kwargs)
            convo._results.append(result)
            return result

        session.run = run_and_keep  # type: ignore[method-assign]  # keep each RunResult for result.expect
        yield convo


def agent_api(app, token: str) -> RoomiApi:
    """The agent's API client on an in-process app."""
    return RoomiApi(EMBEDDED_URL, token, transport=httpx.ASGITransport(app=app))


# -- money said vs money the tools returned -----------------------------------------------------------------------


def amounts_said(text: str) -> set[Decimal]:
    """Every money amount in a sentence, as Decimal: '1,381 dollars and 25 cents' → 1381.25."""
    found: set[Decimal] = set()
    for match in MONEY_WORDS.finditer(text):
        whole, decimals, cents = match.groups()
        value = Decimal(whole.replace(",", ""))
        if decimals:
            value += Decimal(decimals.ljust(2, "0")) / 100
        if cents:
            value += Decimal(cents) / 100
        found.add(value)
    for match in MONEY_SIGN.finditer(text):
        whole, decimals = match.groups()
        found.add(Decimal(whole.replace(",", "")) + (Decimal(decimals.ljust(2, "0")) / 100 if decimals else 0))
    return found


def _numbers_in(value: Any, into: set[Decimal]) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        into.add(abs(Decimal(str(value))).quantize(Decimal("0.01")))
    elif isinstance(value, str):
        into.update(amount.quantize(Decimal("0.01")) for amount in amounts_said(value))
    elif isinstance(value, dict):
        for item in value.values():
            _numbers_in(item, into)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _numbers_in(item, into)


def amounts_in_outputs(outputs: list[str]) -> set[Decimal]:
    """Every number in the tools' outputs (JSON values, and money written inside text answers)."""
    found: set[Decimal] = set()
    for output in outputs:
        try:
            _numbers_in(json.loads(output), found)
        except ValueError:
            _numbers_in(output, found)
    return found


def assert_money_from_tools(items: list[llm.ChatItem] | llm.ChatContext, greeting: str = "") -> None:
    """Each money amount and confirmation number in Roomi's messages appears in some tool output of the same call."""
    items = items.items if isinstance(items, llm.ChatContext) else items
    outputs = [item.output for item in items if item.type == "function_call_output"]
    known = amounts_in_outputs(outputs)
    references = {ref for output in outputs for ref in CONFIRMATION.findall(output)}
    for item in items:
        if item.type != "message" or item.role != "assistant":
            continue
        text = item.text_content or ""
        for amount in amounts_said(text):
            assert amount.quantize(Decimal("0.01")) in known, (
                f"Roomi said {amount} but no tool output of this call has it:\n{text}\nknown: {sorted(known)}")
        for ref in CONFIRMATION.findall(text):
            assert ref in references, f"Roomi said {ref} but no tool output of this call has it:\n{text}"


def speakable(text: str) -> bool:
    """No markdown, lists or URLs in a reply meant to be spoken."""
    return not re.search(r"(\*\*|__|`|^\s*[-*•]\s|^\s*\d+\.\s|https?://|www\.|\[[^\]]*\]\()", text, re.MULTILINE)


# -- setting the hotel up through the API ------------------------------------------------------------------------


async def book_directly(client: httpx.AsyncClient, headers: dict[str, str], *, check_in: dt.date, nights: int = 2,
                        room_type: str = "STD", rate_code: str | None = None, adults: int = 2,
                        first_name: str = "Grace", last_name: str = "Hopper", phone: str | None = "5552223333",
                        email: str | None = None) -> dict[str, Any]:
    """A booking made at the front desk before the call."""
    guest: dict[str, Any] = {"first_name": first_name, "last_name": last_name}
    if phone:
        guest["phone"] = {"country_code": "+1", "number": phone}
    if email:
        guest["email"] = email
    body: dict[str, Any] = {
        "check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
        "room_type_id": room_type, "guests": {"adults": adults}, "primary_guest": guest,
    }
    if rate_code:
        body["rate_code"] = rate_code
    response = await client.post("/v1/bookings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def sell_out(client: httpx.AsyncClient, headers: dict[str, str], *, room_type: str, check_in: dt.date,
                   nights: int, last_name: str = "Blocker") -> int:
    """Book every free room of a type for the nights (a group block); returns how many bookings it took."""
    made = 0
    while True:
        params = {"check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=nights)).isoformat(),
                  "adults": 1, "room_type": room_type}
        found = (await client.get("/v1/rooms/availability", params=params, headers=headers)).json()
        option = next((o for o in found["options"] if o["room_type_code"] == room_type), None)
        if option is None:
            return made
        count = min(option["available_count"], 9)
        body = {
            "check_in": params["check_in"], "check_out": params["check_out"], "room_type_id": room_type,
            "rooms": count, "guests": {"adults": count},
            "primary_guest": {"first_name": "Group", "last_name": last_name, "email": f"{last_name.lower()}{made}@example.com"},
        }
        response = await client.post("/v1/bookings", json=body, headers=headers)
        assert response.status_code == 201, response.text
        made += 1


async def booking(client: httpx.AsyncClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    response = await client.get(f"/v1/bookings/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def bookings_of(client: httpx.AsyncClient, headers: dict[str, str], last_name: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/bookings/search", params={"guest_name": last_name}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["bookings"]


async def call_log(client: httpx.AsyncClient, headers: dict[str, str], session_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/voice/session/{session_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def check_in(client: httpx.AsyncClient, headers: dict[str, str], number: str) -> str:
    """The guest arrives: the front desk checks them in; returns their room number."""
    response = await client.post(f"/v1/bookings/{number}/check-in", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["room_numbers"][0]
