"""Audit of the voice call log's new parts (tools used, not-understood turns, intents): no card, and with recording
off nothing the caller said is kept."""

from __future__ import annotations

import json

import pytest

from tests.api.test_voice_sessions import keyed, start
from tests.conftest import headers

pytestmark = pytest.mark.api
CARD, INVALID = "4111 1111 1111 1111", "4111-1111-1111-1112"


async def test_card_numbers_in_tool_results_errors_and_entity_keys_are_never_kept(client):
    session = await start(client)
    url = f"/v1/voice/session/{session['session_id']}"
    logged = await client.post(f"{url}/intent", headers=keyed(session), json={
        "intent": "booking", "confidence": 0.9, "entities": {"said": {CARD: "yes", "n": 4111111111111111}}})
    assert logged.status_code == 201, logged.text
    ended = await client.post(f"{url}/end", headers=keyed(session), json={
        "outcome": "inquiry_only",
        "entities_extracted": {"notes": {INVALID: CARD}},
        "errors": [{"type": "not_understood", "message": f"Roomi did not understand: my card is {CARD}"}],
        "tools_used": [{"name": "lookup_booking", "ok": False, "turn": 1, "result": f"no booking {INVALID}"}]})
    assert ended.status_code == 200, ended.text
    text = json.dumps((await client.get(url, headers=headers("staff"))).json())
    digits = "".join(ch for ch in text if ch.isdigit() or ch == " ")
    assert "4111" not in text.replace("[card ending 1111]", ""), text
    assert "41111111" not in digits.replace(" ", "")


async def test_with_recording_off_the_caller_s_words_are_not_kept_in_errors_or_entities(client):
    changed = await client.put("/v1/admin/settings", json={"voice_agent_settings": {"record_calls": False}},
                               headers=headers("admin"))
    assert changed.status_code == 200, changed.text
    session = await start(client)
    url = f"/v1/voice/session/{session['session_id']}"
    logged = await client.post(f"{url}/intent", headers=keyed(session), json={
        "intent": "booking", "confidence": 0.9, "entities": {"guest_name": "Ada Lovelace"}})
    assert logged.status_code == 201, logged.text
    ended = await client.post(f"{url}/end", headers=keyed(session), json={
        "outcome": "inquiry_only", "entities_extracted": {"guest_name": "Ada Lovelace"},
        "errors": [{"type": "not_understood", "message": "Roomi did not understand: Ada Lovelace, flat 3"}],
        "tools_used": [{"name": "check_availability", "ok": True, "turn": 1, "result": "2 rooms free"}]})
    assert ended.status_code == 200, ended.text
    log = (await client.get(url, headers=headers("staff"))).json()
    assert "Lovelace" not in json.dumps(log)
    assert [e["type"] for e in log["errors"]] == ["not_understood"]  # still findable among the calls that went wrong
    assert log["entities_extracted"]["tools_used"][0]["name"] == "check_availability"
