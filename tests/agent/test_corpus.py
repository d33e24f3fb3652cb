"""The conversation corpus (tests/agent/corpus/*.json), each call run through `roomi chat --jsonl` as a subprocess.

Every conversation gets its own copy of one hotel database, set up once from corpus/_setup.json (bookings made at the
front desk, a guest in house, sold-out dates). The subprocesses run in parallel; then, per conversation:

- test_corpus_protocol: greeting first, one reply per caller line until the call ends, states of the brain's
  ConversationState, tools of the Receptionist, the call log written line by line, and no card number anywhere;
- test_corpus_end_state: what the call left in the database, read back through the API (bookings made, changed or
  cancelled, service requests, the call's outcome) and, optionally, the tools it used.

A conversation with "xfail" is one the brain gets wrong today: its end-state test must still fail (strict).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from livekit.agents import llm

from roomiai.agent.brain.state import ConversationState
from roomiai.agent.receptionist import Receptionist
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.clock import Clock
from roomiai.config import Settings
from roomiai.payments.local_vault import LocalVault
from roomiai.services.auth import access_token, wall_clock
from roomiai.demo.seed import seed_demo
from roomiai.store.uow import UnitOfWork
from tests.agent import flow_helpers as fh

pytestmark = pytest.mark.agent

CORPUS = Path(__file__).parent / "corpus"
SETUP_FILE = CORPUS / "_setup.json"
TODAY = dt.date(2026, 1, 12)
HOTEL_TZ = "America/New_York"
STATES = {state.value for state in ConversationState}
TOOLS = {tool.id for tool in llm.find_function_tools(Receptionist)}
CALL_ENDERS = ("end_call", "transfer_to_human")
PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)(?:\.(room))?\}")
CARD_LIKE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
SUBPROCESS_TIMEOUT_S = 90
WALL: dict[str, float] = {}
EXPECT_KEYS = {"booking", "no_booking", "cancelled", "unchanged", "modified", "service_request", "no_service_request",
               "outcome", "ended", "tools", "tools_not", "final_state"}


def load_corpus() -> list[dict[str, Any]]:
    conversations = []
    for path in sorted(CORPUS.glob("*.json")):
        if path.name.startswith("_"):
            continue
        convo = json.loads(path.read_text())
        convo.setdefault("id", path.stem)
        assert convo["id"] == path.stem, f"{path.name}: the id must be the file name"
        unknown = set(convo.get("expect", {})) - EXPECT_KEYS
        assert not unknown, f"{path.name}: unknown expectations {unknown}"
        conversations.append(convo)
    return conversations


CONVERSATIONS = load_corpus()


# --------------------------------------------------------------------------------------- the hotel, set up once


@dataclass
class Hotel:
    """The set-up database every conversation starts from, and what the set-up made."""

    path: Path
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → booking as the front desk made it
    rooms: dict[str, str] = field(default_factory=dict)  # name → room number of a guest in house
    existing: set[str] = field(default_factory=set)  # every confirmation number made by the set-up

    def fill(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            name, what = match.groups()
            return self.rooms[name] if what == "room" else self.bookings[name]["confirmation_number"]
        return PLACEHOLDER.sub(value, text)


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, today=TODAY, _env_file=None)



async def open_api(data_dir: Path):
    """The API in process on a conversation's database, with a staff token; returns (client, close)."""
    container = build_container(settings_for(data_dir), clock=Clock(HOTEL_TZ, pinned_date=TODAY))
    token = access_token(secret=container.secret, subject="corpus", role="admin", minutes=30, now=wall_clock())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)), base_url="http://roomi.corpus",
                               headers={"Authorization": f"Bearer {token}"})

    async def close() -> None:
        await client.aclose()
        await container.db.dispose()
        if isinstance(container.gateway, LocalVault):
            container.gateway.close()

    return client, close


async def build_hotel(path: Path) -> Hotel:
    """Seed the demo hotel as `roomi chat` does, then make the set-up's bookings through the API."""
    setup = json.loads(SETUP_FILE.read_text())
    settings = settings_for(path)
    container = build_container(settings, clock=Clock(HOTEL_TZ, pinned_date=TODAY))
    await container.db.migrate()
    async with UnitOfWork(container.db, write=True) as uow:
        await seed_demo(uow, now=Clock(HOTEL_TZ, pinned_date=TODAY).now())
    await container.db.dispose()
    if isinstance(container.gateway, LocalVault):
        container.gateway.close()

    hotel = Hotel(path)
    client, close = await open_api(path)
    try:
        for name, spec in setup["bookings"].items():
            spec = dict(spec)
            spec.pop("note", None)
            in_house = spec.pop("checked_in", False)
            check_in = dt.date.fromisoformat(spec.pop("check_in"))
            booking = await fh.book_directly(client, {}, check_in=check_in, **spec)
            if in_house:
                hotel.rooms[name] = await fh.check_in(client, {}, booking["confirmation_number"])
            hotel.bookings[name] = await fh.booking(client, {}, booking["confirmation_number"])
        for block in setup["sold_out"]:
            for code in block["room_types"]:
                await fh.sell_out(client, {}, room_type=code, check_in=dt.date.fromisoformat(block["check_in"]),
                                  nights=block["nights"])
        found = (await client.get("/v1/bookings/search", params={"date_from": "2026-01-01", "limit": 200})).json()
        hotel.existing = {b["confirmation_number"] for b in found["bookings"]}
    finally:
        await close()
    return hotel


# ------------------------------------------------------------------------------------------- running the calls


@dataclass
class Run:
    convo: dict[str, Any]
    data_dir: Path
    said: list[Any]  # each input line: caller text, None (blank), or "HANGUP"
    stdin: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def caller_lines(convo: dict[str, Any], hotel: Hotel) -> list[Any]:
    """The conversation's input as what each line says: text, None for a blank line, or HANGUP."""
    said = []
    for line in convo["lines"]:
        if isinstance(line, dict) and line.get("hangup"):
            said.append("HANGUP")
        elif isinstance(line, dict):
            said.append(hotel.fill(line["text"]) + line.get("pad", "") * line.get("times", 0))
        else:
            said.append(hotel.fill(line) if line.strip() else None)
    return said


def jsonl(said: list[Any]) -> str:
    lines = []
    for text in said:
        if text == "HANGUP":
            lines.append(json.dumps({"hangup": True}))
        elif text is None:
            lines.append("")
        else:
            lines.append(json.dumps({"caller": text}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def run_call(convo: dict[str, Any], hotel: Hotel, workdir: Path) -> Run:
    data_dir = workdir / convo["id"]
    shutil.copytree(hotel.path, data_dir)
    said = caller_lines(convo, hotel)
    stdin = jsonl(said)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_") and k != "API_URL"}
    env.update(ROOMIAI_DATA_DIR=str(data_dir))
    command = [sys.executable, "-m", "roomiai.cli", "chat", "--jsonl", "--today", TODAY.isoformat()]
    if convo.get("caller_id"):
        command += ["--caller-id", convo["caller_id"]]
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, cwd=data_dir,
                          timeout=SUBPROCESS_TIMEOUT_S, check=False)
    return Run(convo, data_dir, said, stdin, done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture(scope="session")
def hotel(tmp_path_factory) -> Hotel:
    path = tmp_path_factory.mktemp("corpus-hotel")
    return asyncio.run(build_hotel(path))


@pytest.fixture(scope="session")
def runs(hotel, tmp_path_factory) -> dict[str, Run]:
    """Every conversation, one `roomi chat --jsonl` process each, as many at a time as there are CPUs."""
    workdir = tmp_path_factory.mktemp("corpus-calls")
    started, cpu = time.perf_counter(), _children_cpu()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = list(pool.map(lambda convo: run_call(convo, hotel, workdir), CONVERSATIONS))
    WALL["calls"], WALL["cpu"] = time.perf_counter() - started, _children_cpu() - cpu
    return {run.convo["id"]: run for run in done}


def params(*, with_xfail: bool) -> list[Any]:
    out = []
    for convo in CONVERSATIONS:
        marks = [pytest.mark.xfail(strict=True, reason=convo["xfail"])] if with_xfail and convo.get("xfail") else []
        out.append(pytest.param(convo["id"], id=convo["id"], marks=marks))
    return out


# -------------------------------------------------------------------------------------------------- protocol


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def card_numbers(texts: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for match in CARD_LIKE.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if 13 <= len(digits) <= 19 and luhn(digits):
                found.add(digits)
    return found


def test_the_corpus_is_big_and_varied():
    assert len(CONVERSATIONS) >= 30
    kinds = {convo["id"].split("-")[0] for convo in CONVERSATIONS}
    assert {"book", "modify", "cancel", "info", "service", "transfer", "bad", "soldout", "hangup"} <= kinds, kinds


@pytest.mark.parametrize("name", params(with_xfail=False))
async def test_corpus_protocol(name, runs):
    run = runs[name]
    assert run.returncode == 0, run.stderr[-3000:]
    messages = run.messages
    assert messages and set(messages[0]) == {"agent"} and messages[0]["agent"], messages[:1]
    replies = messages[1:]

    expected = 0
    over = False
    for text in run.said:
        if text == "HANGUP":
            break
        if text is None:
            continue
        expected += 1
        if expected > len(replies):
            break
        reply = replies[expected - 1]
        if any(tool["name"] in CALL_ENDERS and tool["ok"] for tool in reply["tools"]):
            over = True
            break
    assert len(replies) == expected, f"{len(replies)} replies to {expected} caller lines"

    for reply in replies:
        assert set(reply) == {"agent", "state", "tools"}, reply
        assert isinstance(reply["agent"], str) and reply["agent"].strip(), reply
        assert fh.speakable(reply["agent"]), reply["agent"]
        assert reply["state"] in STATES, reply["state"]
        for tool in reply["tools"]:
            assert set(tool) == {"name", "arguments", "ok"} and tool["name"] in TOOLS, tool
            assert isinstance(tool["arguments"], dict) and isinstance(tool["ok"], bool), tool
    if over and replies[-1]["tools"][-1]["name"] == "transfer_to_human":
        assert replies[-1]["state"] == "transfer"

    client, close = await open_api(run.data_dir)
    try:
        calls = await client.get("/v1/admin/calls", params={"limit": 5})
        assert calls.status_code == 200, calls.text
        [summary] = calls.json()["calls"]
        log = (await client.get(f"/v1/voice/session/{summary['session_id']}")).json()
    finally:
        await close()
    assert log["call_end"] is not None, "the call log is closed when the call ends"
    spoken = [line for line in log["transcript"]]
    assert [line["speaker"] for line in spoken] == ["agent"] + ["guest", "agent"] * len(replies)
    assert [line["text"] for line in spoken if line["speaker"] == "agent"] == [m["agent"][:4000] for m in messages]

    cards = card_numbers([t for t in run.said if isinstance(t, str)])
    if cards:
        stored = b"".join(p.read_bytes() for p in run.data_dir.iterdir() if p.is_file())
        for digits in cards:
            assert digits not in run.stdout.replace(" ", "").replace("-", "")
            assert digits.encode() not in stored, "a card number reached the database"
            assert digits not in json.dumps(log).replace(" ", "").replace("-", "")


# ------------------------------------------------------------------------------------------------- end state


async def voice_bookings(client: httpx.AsyncClient, hotel: Hotel) -> list[dict[str, Any]]:
    """The bookings the call made (all bookings the set-up did not make; each must come from the receptionist)."""
    found = (await client.get("/v1/bookings/search", params={"date_from": "2026-01-01", "limit": 200})).json()
    assert found["count"] < 200
    new = [b["confirmation_number"] for b in found["bookings"] if b["confirmation_number"] not in hotel.existing]
    full = [(await client.get(f"/v1/bookings/{number}")).json() for number in new]
    assert all(b["booking_source"] == "voice_agent" for b in full), [b["booking_source"] for b in full]
    return full


async def check_booking(client: httpx.AsyncClient, booking: dict[str, Any], want: dict[str, Any]) -> None:
    got = {
        "room_type_code": booking["room_type_code"], "check_in": booking["check_in_date"],
        "check_out": booking["check_out_date"], "nights": booking["nights"], "adults": booking["guests"]["adults"],
        "children": booking["guests"]["children"], "rooms": booking["rooms"], "rate_code": booking["rate_code"],
        "guest_name": booking["guest_name"], "special_occasion": booking["special_occasion"], "view": booking["view"],
        "status": booking["status"],
    }
    for key, value in want.items():
        if key == "bed":
            assert value.lower() in (booking["bed"] or "").lower(), ("bed", booking["bed"], value)
        elif key == "special_requests":
            for request in value:
                assert any(request in said for said in booking["special_requests"]), (booking["special_requests"], request)
        elif key in ("email", "phone"):
            guest = (await client.get(f"/v1/guests/{booking['guest_id']}")).json()
            stored = guest.get(key)
            stored = stored["number"] if key == "phone" and stored else stored
            assert stored == value, (key, stored, value)
        else:
            assert key in got, f"unknown booking expectation {key}"
            assert got[key] == value, (key, got[key], value)


@pytest.mark.parametrize("name", params(with_xfail=True))
async def test_corpus_end_state(name, runs, hotel):
    run = runs[name]
    want = run.convo.get("expect", {})
    assert run.returncode == 0, run.stderr[-3000:]
    replies = run.messages[1:]
    tools = [tool["name"] for reply in replies for tool in reply["tools"]]

    client, close = await open_api(run.data_dir)
    try:
        made = await voice_bookings(client, hotel)
        if "booking" in want:
            wanted = want["booking"] if isinstance(want["booking"], list) else [want["booking"]]
            assert len(made) == len(wanted), f"bookings made: {[(b['room_type_code'], b['check_in_date']) for b in made]}"
            for booking, spec in zip(sorted(made, key=lambda b: b["confirmation_number"]), wanted):
                await check_booking(client, booking, spec)
        if want.get("no_booking"):
            assert made == [], f"booked {[(b['confirmation_number'], b['check_in_date']) for b in made]}"

        for ref in _names(want.get("cancelled")):
            stored = (await client.get(f"/v1/bookings/{hotel.bookings[ref]['confirmation_number']}")).json()
            assert stored["status"] == "cancelled", (ref, stored["status"])
            assert stored["cancellation"]["penalty"] is not None
        for ref in _names(want.get("unchanged")):
            before = hotel.bookings[ref]
            stored = (await client.get(f"/v1/bookings/{before['confirmation_number']}")).json()
            keys = ("status", "check_in_date", "check_out_date", "room_type_code", "guests")
            assert {k: stored[k] for k in keys} == {k: before[k] for k in keys}, ref
            assert stored["pricing"]["grand_total"] == before["pricing"]["grand_total"]
        if "modified" in want:
            spec = dict(want["modified"])
            before = hotel.bookings[spec.pop("ref")]
            stored = (await client.get(f"/v1/bookings/{before['confirmation_number']}")).json()
            assert stored["status"] == "confirmed"
            await check_booking(client, stored, spec)
            assert stored["modification_history"][-1]["action"] != "created", "nothing was changed"

        requests = (await client.get("/v1/services/requests", params={"limit": 50})).json()["requests"]
        if "service_request" in want:
            spec = dict(want["service_request"])
            assert len(requests) == 1, requests
            request = requests[0]
            room = spec.pop("room", None)
            if room:
                assert request["room_number"] == hotel.rooms[room]
            if "items" in spec:
                assert request["request_details"].get("items", []) == spec.pop("items")
            for key, value in spec.items():
                assert request[key] == value, (key, request[key], value)
        if want.get("no_service_request"):
            assert requests == []

        if "outcome" in want:
            [summary] = (await client.get("/v1/admin/calls", params={"limit": 5})).json()["calls"]
            assert summary["outcome"] == want["outcome"]
    finally:
        await close()

    if "ended" in want:
        ended = bool(replies) and any(t["name"] in CALL_ENDERS and t["ok"] for t in replies[-1]["tools"])
        assert ended == want["ended"], f"call ended: {ended}"
    if "tools" in want:
        rest = iter(tools)
        missing = [name for name in want["tools"] if not any(name == used for used in rest)]
        assert not missing, f"tools used {tools}, expected in order {want['tools']}"
    for unwanted in want.get("tools_not", []):
        assert unwanted not in tools, f"{unwanted} was called: {tools}"
    if "final_state" in want:
        assert replies[-1]["state"] == want["final_state"]


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def test_corpus_timing_report(runs, capsys):
    """Not an assertion on time: prints how long the calls took, for the record."""
    took = sorted(run.seconds for run in runs.values())
    with capsys.disabled():
        print(f"\ncorpus: {len(took)} calls in {WALL.get('calls', 0):.1f} s on {os.cpu_count()} CPUs "
              f"({WALL.get('cpu', 0) / len(took):.1f} CPU-s per call); per process median {took[len(took) // 2]:.1f} s, "
              f"slowest {took[-1]:.1f} s")
