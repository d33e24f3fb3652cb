"""A caller's turn is capped at what a person says at once, wherever a turn comes in (issue 9, finding 14)."""

from __future__ import annotations

import pytest

from roomiai.domain.caller_turns import MAX_CALLER_TURN_CHARS, NOT_HEARD, TOO_LONG
from tests.agent.scripted_llm import ScriptedLLM
from tests.agent.test_chat_jsonl import GREETING, run_jsonl
from tests.conftest import headers

pytestmark = pytest.mark.agent

MEGABYTE = "book a room " * 90_000  # about 1 MB on one line


async def test_roomi_chat_jsonl_answers_a_megabyte_line_without_processing_it(container, client):
    brain = ScriptedLLM("Happy to help with that.")

    lines, session_id = await run_jsonl(container, brain, MEGABYTE + "\n", '{"caller": "' + MEGABYTE + '"}\n',
                                        "a room for tonight\n")

    assert lines == [{"agent": GREETING}, {"agent": TOO_LONG, "state": "scripted", "tools": []},
                     {"agent": TOO_LONG, "state": "scripted", "tools": []},
                     {"agent": "Happy to help with that.", "state": "scripted", "tools": []}]
    log = (await client.get(f"/v1/voice/session/{session_id}", headers=headers("staff"))).json()
    assert [t["text"] for t in log["transcript"] if t["speaker"] == "guest"] == [NOT_HEARD, NOT_HEARD, "a room for tonight"]


async def test_a_turn_at_the_limit_is_still_heard(container):
    brain = ScriptedLLM("Noted.")

    lines, _ = await run_jsonl(container, brain, "a" * MAX_CALLER_TURN_CHARS + "\n")

    assert lines[1]["agent"] == "Noted."


async def test_the_voice_api_refuses_a_caller_turn_over_the_limit(client):
    started = await client.post("/v1/voice/session/start", json={}, headers=headers("agent"))
    session = started.json()
    call_headers = {**headers("agent"), "X-Call-Session": session["session_id"], "X-Call-Key": session.get("call_key", "")}
    url = f"/v1/voice/session/{session['session_id']}/transcript"

    long_turn = await client.post(url, json={"speaker": "guest", "text": "x" * (MAX_CALLER_TURN_CHARS + 1)},
                                  headers=call_headers)
    long_reply = await client.post(url, json={"speaker": "agent", "text": "y" * (MAX_CALLER_TURN_CHARS + 1)},
                                   headers=call_headers)

    assert long_turn.status_code == 422 and "at most 2000 characters" in long_turn.json()["detail"], long_turn.text
    assert long_reply.status_code == 200, long_reply.text
