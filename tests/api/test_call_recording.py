"""The hotel's recording notice: said in the greeting by default, and with recording off no transcript is kept."""

from __future__ import annotations

import pytest

from tests.conftest import headers

from .test_voice_sessions import keyed, start

pytestmark = pytest.mark.api


async def test_calls_are_recorded_by_default_and_the_agent_is_told_the_notice_to_say(client):
    session = await start(client)
    assert session["settings"]["record_calls"] is True
    assert session["settings"]["recording_notice"] == "This call is recorded to help us serve you."

    url = f"/v1/voice/session/{session['session_id']}"
    stored = await client.post(f"{url}/transcript", json={"speaker": "guest", "text": "Hello"}, headers=keyed(session))
    assert stored.status_code in (200, 201), stored.text
    log = (await client.get(url, headers=headers("staff"))).json()
    assert [line["text"] for line in log["transcript"]] == ["Hello"]


async def test_a_hotel_that_turns_recording_off_gives_no_notice_and_keeps_no_transcript(client):
    changed = await client.put("/v1/admin/settings", json={"voice_agent_settings": {"record_calls": False}},
                               headers=headers("admin"))
    assert changed.status_code == 200, changed.text
    session = await start(client)
    assert session["settings"]["record_calls"] is False and session["settings"]["recording_notice"] is None

    url = f"/v1/voice/session/{session['session_id']}"
    stored = await client.post(f"{url}/transcript", json={"speaker": "guest", "text": "My name is Ada Lovelace"},
                               headers=keyed(session))
    assert stored.status_code in (200, 201), stored.text
    ended = await client.post(f"{url}/end", json={"outcome": "inquiry_only"}, headers=keyed(session))
    assert ended.status_code == 200, ended.text
    log = (await client.get(url, headers=headers("staff"))).json()
    assert log["transcript"] == [] and log["outcome"] == "inquiry_only"


async def test_the_hotel_words_its_own_notice_within_limits(client):
    notice = "Calls are recorded for quality and training."
    changed = await client.put("/v1/admin/settings", json={"voice_agent_settings": {"recording_notice": notice}},
                               headers=headers("admin"))
    assert changed.status_code == 200, changed.text
    assert (await start(client))["settings"]["recording_notice"] == notice

    too_long = await client.put("/v1/admin/settings", json={"voice_agent_settings": {"recording_notice": "x" * 301}},
                                headers=headers("admin"))
    assert too_long.status_code == 422
    assert too_long.json()["code"] and "recording_notice" in too_long.json()["detail"]
