"""`roomi chat --jsonl`: the machine protocol, in process with a scripted brain and as a real subprocess."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from roomiai.agent.api_client import RoomiApi
from roomiai.agent.chat import HANGUP, caller_line, chat_jsonl
from roomiai.agent.runtime import CallSetupError, connect_api, start_call
from roomiai.api.app import create_app
from roomiai.config import Settings
from tests.agent.scripted_llm import ScriptedLLM, call
from tests.conftest import TODAY, headers, token_for

pytestmark = pytest.mark.agent

GREETING = "Thank you for calling Grand Hotel, this is Roomi. This call is recorded to help us serve you. How can I help you today?"
HAS_BRAIN = importlib.util.find_spec("roomiai.agent.brain.llm") is not None


def queue_of(*lines: str) -> asyncio.Queue:
    queue: asyncio.Queue = asyncio.Queue()
    for line in (*lines, None):
        queue.put_nowait(line)
    return queue


async def run_jsonl(container, brain: ScriptedLLM, *lines: str) -> tuple[list[dict], str]:
    out = io.StringIO()
    async with RoomiApi.embedded(create_app(container), token_for("agent")) as api, \
            start_call(api, today=TODAY, make_brain=lambda *_: brain, caller_id="+15551234567") as text_call:
        await chat_jsonl(text_call, queue_of(*lines), out)
        session_id = text_call.state.session_id
    return [json.loads(line) for line in out.getvalue().splitlines()], session_id


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Do you have parking?\n", "Do you have parking?"),
        ('{"caller": " a room for tonight "}\n', "a room for tonight"),
        ('{"hangup": true}\n', HANGUP),
        ('{"caller": ""}\n', None),
        ("{not json\n", "{not json"),
        ('["a", "list"]\n', '["a", "list"]'),
    ],
)
def test_each_input_line_is_caller_text_a_hangup_or_nothing(line, said):
    assert caller_line(line) == said


async def test_greeting_first_then_one_reply_per_caller_line_until_hangup(container, client):
    brain = ScriptedLLM("Hello! How can I help?", call("hotel_info", topic="parking"), "Valet parking is available.")

    lines, session_id = await run_jsonl(
        container, brain, "hi there\n", '{"caller": "Do you have parking?"}\n', "\n", '{"hangup": true}\n',
        '{"caller": "never read"}\n',
    )

    assert lines == [
        {"agent": GREETING},
        {"agent": "Hello! How can I help?", "state": "scripted", "tools": []},
        {"agent": "Valet parking is available.", "state": "scripted",
         "tools": [{"name": "hotel_info", "arguments": {"topic": "parking"}, "ok": True}]},
    ]
    log = (await client.get(f"/v1/voice/session/{session_id}", headers=headers("staff"))).json()
    assert log["call_end"] is not None and log["outcome"] == "inquiry_only"
    assert [t["speaker"] for t in log["transcript"]] == ["agent", "guest", "agent", "guest", "agent"]


async def test_the_call_ends_when_roomi_ends_it(container):
    brain = ScriptedLLM(call("end_call"), "Goodbye!")
    lines, _ = await run_jsonl(container, brain, "that's all, bye\n", "are you still there?\n")
    assert lines[1:] == [
        {"agent": "Goodbye!", "state": "scripted", "tools": [{"name": "end_call", "arguments": {}, "ok": True}]},
    ]


async def test_embedded_mode_sets_up_an_empty_database_and_pins_the_date(tmp_path):
    settings = Settings(data_dir=tmp_path, _env_file=None)
    async with connect_api(settings, today=dt.date(2026, 3, 2), environ={}) as (api, today):
        assert today == dt.date(2026, 3, 2)
        assert (await api.health())["today"] == "2026-03-02"
        assert (await api.hotel_info())["name"] == "Grand Hotel"
    async with connect_api(settings, environ={}) as (api, _):
        assert len((await api.room_types())["room_types"]) == 4


@pytest.mark.parametrize(
    ("environ", "today", "words"),
    [
        ({"API_URL": "http://127.0.0.1:9"}, None, "ROOMIAI_AGENT_TOKEN"),
        ({"API_URL": "http://127.0.0.1:9", "ROOMIAI_AGENT_TOKEN": "x"}, TODAY, "--today"),
    ],
)
async def test_production_mode_needs_a_token_and_keeps_the_api_date(tmp_path, environ, today, words):
    with pytest.raises(CallSetupError, match=words):
        async with connect_api(Settings(data_dir=tmp_path, _env_file=None), today=today, environ=environ):
            pass


def roomi_chat(tmp_path, stdin: str, caller_id: str = "+15551234567") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_") and k != "API_URL"}
    env.update(ROOMIAI_DATA_DIR=str(tmp_path), ROOMIAI_TODAY=TODAY.isoformat())
    return subprocess.run(
        [sys.executable, "-m", "roomiai.cli", "chat", "--jsonl", "--caller-id", caller_id],
        input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )


def call_logs(tmp_path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "roomiai.sqlite3") as db:
        return db.execute("SELECT id, outcome, call_end IS NOT NULL, caller_phone FROM call_logs").fetchall()


@pytest.mark.skipif(not HAS_BRAIN, reason="needs the deterministic brain (roomiai.agent.brain.llm)")
def test_roomi_chat_jsonl_speaks_only_json_lines_and_finalises_the_call_log(tmp_path):
    done = roomi_chat(tmp_path, 'hello\n{"caller": "Do you have parking?"}\n{"hangup": true}\n{"caller": "unread"}\n')

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == {"agent": GREETING}
    assert len(lines) == 3
    for line in lines[1:]:
        assert set(line) == {"agent", "state", "tools"} and line["agent"] and isinstance(line["state"], str)
        assert all(set(tool) == {"name", "arguments", "ok"} for tool in line["tools"])
    assert {"name": "hotel_info", "arguments": {"topic": "parking"}, "ok": True} in lines[2]["tools"]
    assert "Valet parking is 35 dollars per night" in lines[2]["agent"]
    [(call_id, outcome, ended, caller)] = call_logs(tmp_path)
    assert (outcome, ended, caller) == ("inquiry_only", 1, "+1555***4567")
    with sqlite3.connect(tmp_path / "roomiai.sqlite3") as db:
        speakers = [row[0] for row in db.execute(
            "SELECT speaker FROM call_transcript WHERE call_id = ? ORDER BY id", (call_id,))]
    assert speakers == ["agent", "guest", "agent", "guest", "agent"]


@pytest.mark.skipif(not HAS_BRAIN, reason="needs the deterministic brain (roomiai.agent.brain.llm)")
def test_end_of_input_ends_the_call_too(tmp_path):
    done = roomi_chat(tmp_path, "What time is check-out?\n")

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2 and "11 AM" in lines[1]["agent"]
    [(_, outcome, ended, _)] = call_logs(tmp_path)
    assert (outcome, ended) == ("inquiry_only", 1)


def test_unusable_input_objects_get_an_error_line_and_blank_lines_are_skipped():
    from roomiai.agent.chat import HANGUP, caller_line

    assert caller_line('{"caller": " hello "}') == "hello"
    assert caller_line('{"hangup": true}') is HANGUP
    assert caller_line("   ") is None
    assert caller_line("[1, 2]") == "[1, 2]"  # not an object: it is what the caller said
    for bad in ('{"caller": 42}', '{"hangup": "maybe"}', '{}', '{"hello": 1}'):
        with pytest.raises(ValueError, match='needs "caller" text'):
            caller_line(bad)


async def booked_in(tmp_path, *, phone: str) -> dict:
    """A booking made through the embedded API on the data folder `roomi chat` will use."""
    settings = Settings(data_dir=tmp_path, today=TODAY, _env_file=None)
    async with connect_api(settings, today=TODAY, environ={}) as (api, _):
        created = await api.create_booking({
            "check_in": "2026-01-20", "check_out": "2026-01-23", "room_type_id": "STD", "guests": {"adults": 2},
            "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "phone": {"country_code": "+1", "number": phone}},
        })
    return created["booking"]


@pytest.mark.skipif(not HAS_BRAIN, reason="needs the deterministic brain (roomiai.agent.brain.llm)")
def test_roomi_chat_jsonl_a_phone_number_the_call_does_not_come_from_reveals_and_cancels_nothing(tmp_path):
    """The audit's attack, as it was made: --caller-id +15550001111, another guest's number, then yes."""
    booking = asyncio.run(booked_in(tmp_path, phone="305-555-0199"))
    number = booking["confirmation_number"]

    done = roomi_chat(tmp_path, "I want to cancel my booking\nmy phone number is +1 305-555-0199\nyes\n"
                                '{"hangup": true}\n', caller_id="+15550001111")

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    spoken = " ".join(line["agent"] for line in lines)
    for secret in (number, "Hopper", "Grace", "Standard", f"{booking['pricing']['grand_total']:,.0f}"):
        assert secret not in spoken and secret not in done.stderr
    assert "calling from that number" in lines[2]["agent"] and "confirmation number" in lines[2]["agent"]
    tools = [tool["name"] for line in lines[1:] for tool in line["tools"]]
    assert "quote_cancellation" not in tools and "confirm_cancellation" not in tools
    with sqlite3.connect(tmp_path / "roomiai.sqlite3") as db:
        [(status,)] = db.execute("SELECT status FROM bookings WHERE confirmation_number = ?", (number,)).fetchall()
    assert status == "confirmed"
