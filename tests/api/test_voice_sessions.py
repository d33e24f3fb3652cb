"""Voice sessions: the call log the agent keeps, with masked caller numbers and redacted card numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, text, update

from roomiai.api.voice_keys import CALL_KEY_HEADER, call_key
from roomiai.domain.references import mask_phone
from roomiai.store.tables import CallLogRecord
from roomiai.store.uow import UnitOfWork
from tests.conftest import SECRET, TODAY, headers

pytestmark = pytest.mark.api

CALLER = "+15551234567"
CARD = "4111 1111 1111 1111"


async def start(client, role: str = "agent", **body) -> dict:
    payload = {"caller_id": CALLER, "livekit_room": "room_abc123", **body}
    response = await client.post("/v1/voice/session/start", json=payload, headers=headers(role))
    assert response.status_code == 201, response.text
    return response.json()


def keyed(session: dict, role: str = "agent") -> dict[str, str]:
    """Headers of a write to the call log `session` opened: the role's token and the call's key."""
    return {**headers(role), CALL_KEY_HEADER: session["call_key"]}


async def book(client) -> dict:
    body = {
        "check_in": TODAY.isoformat(),
        "check_out": (TODAY + dt.timedelta(days=1)).isoformat(),
        "room_type_id": "STD",
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
    }
    response = await client.post("/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]


async def test_start_greets_from_the_hotel_settings_and_stores_only_a_masked_number(client, container):
    session = await start(client)

    assert re.fullmatch(r"session_[0-9a-f]{24}", session["session_id"])
    assert session["greeting"] == "Thank you for calling Grand Hotel, this is Roomi. How can I help you today?"
    assert session["settings"]["voice_id"] == "aura-2-thalia-en" and session["settings"]["language"] == "en-US"

    log = (await client.get(f"/v1/voice/session/{session['session_id']}", headers=headers("staff"))).json()
    assert log["caller_phone"] == "+1555***4567" == mask_phone(CALLER)
    assert log["livekit_room"] == "room_abc123" and log["call_type"] == "inbound"
    assert log["call_end"] is None and log["outcome"] is None

    async with UnitOfWork(container.db) as uow:
        stored = (await uow.session.execute(select(CallLogRecord.caller_phone))).scalars().all()
        dump = "\n".join(str(row) for row in (await uow.session.execute(text("SELECT * FROM call_logs"))).all())
    assert stored == ["+1555***4567"]
    assert "5551234567" not in dump and "1234567" not in dump


async def test_greeting_follows_the_settings(client):
    response = await client.put(
        "/v1/admin/settings", json={"name": "Seaside Inn", "voice_agent_settings": {"greeting_name": "Mia"}}, headers=headers("admin")
    )
    assert response.status_code == 200, response.text
    session = await start(client, caller_id=None)
    assert session["greeting"] == "Thank you for calling Seaside Inn, this is Mia. How can I help you today?"


async def test_transcript_intents_and_end(client, container):
    session = await start(client)
    sid = session["session_id"]
    url = f"/v1/voice/session/{sid}"

    one = await client.post(f"{url}/transcript", json={"speaker": "agent", "text": session["greeting"]}, headers=keyed(session))
    assert one.status_code == 200 and one.json() == {"session_id": sid, "stored": 1, "transcript_length": 1}
    batch = {
        "entries": [
            {"speaker": "guest", "text": "I'd like a room for tonight", "confidence": 0.93},
            {"speaker": "guest", "text": f"My card is {CARD}, expiry 12/28", "timestamp": "2026-01-12T12:00:05-05:00"},
        ]
    }
    two = await client.post(f"{url}/transcript", json=batch, headers=keyed(session))
    assert two.json() == {"session_id": sid, "stored": 2, "transcript_length": 3}

    intent = await client.post(
        f"{url}/intent", json={"intent": "book_room", "confidence": 0.91, "entities": {"guest_count": 2, "note": f"card {CARD}"}},
        headers=keyed(session),
    )
    assert intent.status_code == 201
    assert intent.json()["entities"] == {"guest_count": 2, "note": "card [card ending 1111]"}

    booking = await book(client)
    async with UnitOfWork(container.db, write=True) as uow:
        started = (await uow.session.execute(select(CallLogRecord).where(CallLogRecord.session_id == sid))).scalar_one()
        await uow.session.execute(
            update(CallLogRecord).where(CallLogRecord.session_id == sid).values(call_start=started.call_start - dt.timedelta(seconds=185))
        )
        await uow.commit()

    ended = await client.post(
        f"{url}/end",
        json={
            "outcome": "booking_completed",
            "confirmation_number": booking["confirmation_number"],
            "entities_extracted": {"room_type": "STD", "guest_count": 2},
            "errors": [{"type": "stt_timeout", "message": f"retry after {CARD}"}],
            "turn_timings": [{"stt_ms": 180, "llm_ttft_ms": 420.5, "tts_ttfb_ms": 150}],
        },
        headers=keyed(session),
    )
    assert ended.status_code == 200, ended.text
    log = ended.json()
    assert log["outcome"] == "booking_completed"
    assert 185 <= log["duration_seconds"] <= 190
    assert log["confirmation_number"] == booking["confirmation_number"] and log["guest_id"] == booking["guest_id"]
    assert [(t["speaker"], t["text"]) for t in log["transcript"]] == [
        ("agent", session["greeting"]),
        ("guest", "I'd like a room for tonight"),
        ("guest", "My card is [card ending 1111], expiry 12/28"),
    ]
    assert log["transcript"][1]["confidence"] == 0.93
    assert dt.datetime.fromisoformat(log["transcript"][2]["timestamp"]) == dt.datetime(2026, 1, 12, 17, 0, 5, tzinfo=dt.timezone.utc)
    assert [(i["intent"], i["confidence"]) for i in log["intents_detected"]] == [("book_room", 0.91)]
    assert log["errors"][0]["type"] == "stt_timeout" and log["errors"][0]["message"] == "retry after [card ending 1111]"
    assert log["turn_timings"] == [{"stt_ms": 180, "llm_ttft_ms": 420.5, "tts_ttfb_ms": 150}]
    assert log["entities_extracted"] == {"room_type": "STD", "guest_count": 2}

    async with UnitOfWork(container.db) as uow:
        rows = []
        for table in ("call_transcript", "call_intents", "call_logs"):
            rows += (await uow.session.execute(text(f"SELECT * FROM {table}"))).all()
    dump = "\n".join(map(str, rows))
    assert "[card ending 1111]" in dump
    assert "4111" not in dump and "1111 1111" not in dump

    read = (await client.get(url, headers=headers("staff"))).json()
    instant = dt.datetime.fromisoformat
    assert instant(read.pop("call_end")) == instant(log.pop("call_end"))
    assert read == log


async def test_an_ended_session_cannot_change(client):
    session = await start(client)
    sid = session["session_id"]
    url = f"/v1/voice/session/{sid}"
    assert (await client.post(f"{url}/end", json={"outcome": "abandoned"}, headers=keyed(session))).status_code == 200

    for path, body in (
        ("end", {"outcome": "inquiry_only"}),
        ("transcript", {"speaker": "guest", "text": "hello?"}),
        ("intent", {"intent": "greeting", "confidence": 0.5}),
    ):
        response = await client.post(f"{url}/{path}", json=body, headers=keyed(session))
        assert response.status_code == 409, path
        assert f"{sid} has ended" in response.json()["detail"]
    log = (await client.get(url, headers=headers("staff"))).json()
    assert log["outcome"] == "abandoned" and log["transcript"] == [] and log["intents_detected"] == []


async def test_end_refuses_unknown_references(client):
    session = await start(client)
    sid = session["session_id"]
    for body, words in (
        ({"outcome": "booking_completed", "confirmation_number": "ROOMI-20260112-999"}, "ROOMI-20260112-999"),
        ({"outcome": "inquiry_only", "guest_id": "G-2026-99999"}, "G-2026-99999"),
    ):
        response = await client.post(f"/v1/voice/session/{sid}/end", json=body, headers=keyed(session))
        assert response.status_code == 422
        assert words in response.json()["detail"]
    log = (await client.get(f"/v1/voice/session/{sid}", headers=headers("staff"))).json()
    assert log["call_end"] is None


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("transcript", {"speaker": "caller", "text": "hi"}, "entries.0.speaker"),
        ("transcript", {"speaker": "guest", "text": ""}, "entries.0.text"),
        ("transcript", {"speaker": "guest", "text": "hi", "confidence": 1.5}, "entries.0.confidence"),
        ("transcript", {"speaker": "guest", "text": "hi", "timestamp": "2026-01-12T12:00:00"}, "timezone"),
        ("transcript", {"entries": []}, "entries"),
        ("transcript", {"entries": [{"speaker": "guest", "text": "hi"}] * 51}, "entries"),
        ("intent", {"intent": "book_room", "confidence": 2}, "confidence"),
        ("intent", {"intent": "Book Room!", "confidence": 0.5}, "intent"),
        ("end", {"outcome": "hung_up"}, "outcome"),
        ("end", {"outcome": "abandoned", "turn_timings": [{"stt_ms": -1}]}, "turn_timings"),
        ("end", {"outcome": "abandoned", "turn_timings": [{"stt_ms": 1}] * 501}, "turn_timings"),
        ("end", {"outcome": "abandoned", "errors": [{"message": "no type"}]}, "errors.0.type"),
    ],
)
async def test_bad_input_is_explained(client, path, body, words):
    session = await start(client)
    response = await client.post(f"/v1/voice/session/{session['session_id']}/{path}", json=body, headers=keyed(session))
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]


async def test_bad_start_and_unknown_sessions(client):
    response = await client.post("/v1/voice/session/start", json={"caller_id": "call me maybe"}, headers=headers("agent"))
    assert response.status_code == 422 and "caller_id" in response.json()["detail"]
    unknown = await client.get("/v1/voice/session/session_nope", headers=headers("staff"))
    assert unknown.status_code == 404 and "session_nope" in unknown.json()["detail"]
    for method, path, body in (
        ("post", "/transcript", {"speaker": "guest", "text": "hi"}),
        ("post", "/intent", {"intent": "greeting", "confidence": 0.5}),
        ("post", "/end", {"outcome": "abandoned"}),
    ):
        response = await client.request(
            method, f"/v1/voice/session/session_nope{path}", **({"json": body} if body else {}),
            headers={**headers("agent"), CALL_KEY_HEADER: call_key(SECRET, "session_nope", None)},
        )
        assert response.status_code == 404, path
        assert "session_nope" in response.json()["detail"]


async def test_roles(client):
    sid = (await start(client, role="admin"))["session_id"]
    writes = (
        ("/v1/voice/session/start", {"caller_id": CALLER}),
        (f"/v1/voice/session/{sid}/transcript", {"speaker": "guest", "text": "hi"}),
        (f"/v1/voice/session/{sid}/intent", {"intent": "greeting", "confidence": 0.5}),
        (f"/v1/voice/session/{sid}/end", {"outcome": "abandoned"}),
    )
    for url, body in writes:
        assert (await client.post(url, json=body)).status_code == 401, url
        forbidden = await client.post(url, json=body, headers=headers("staff"))
        assert forbidden.status_code == 403, url
        assert "staff role cannot" in forbidden.json()["detail"]
    assert (await client.get(f"/v1/voice/session/{sid}")).status_code == 401
    for role in ("admin", "staff"):
        assert (await client.get(f"/v1/voice/session/{sid}", headers=headers(role))).status_code == 200
    read_back = await client.get(f"/v1/voice/session/{sid}", headers=headers("agent"))
    assert read_back.status_code == 403, "the agent writes call logs but never reads another call's transcript"


async def test_a_call_log_takes_writes_only_from_the_call_that_opened_it(client):
    mine, theirs = await start(client), await start(client, caller_id="+13055550199")
    url = f"/v1/voice/session/{theirs['session_id']}"
    forged = call_key("not-" + SECRET, theirs["session_id"], "+13055550199")
    log_part = theirs["call_key"].split(".")[0]
    one_off = log_part[:-1] + ("0" if log_part[-1] != "0" else "1")
    writes = (("transcript", {"speaker": "guest", "text": "I am the manager, cancel everything"}),
              ("intent", {"intent": "cancel_booking", "confidence": 0.9}),
              ("end", {"outcome": "abandoned"}))

    for key in (None, mine["call_key"], forged, one_off, "é".encode()):
        for path, body in writes:
            sent = headers("agent") if key is None else {**headers("agent"), CALL_KEY_HEADER: key}
            response = await client.post(f"{url}/{path}", json=body, headers=sent)
            assert response.status_code == 403, (key, path, response.text)
            assert response.json()["code"] == "call_key_refused" and CALL_KEY_HEADER in response.json()["detail"]
    untouched = (await client.get(url, headers=headers("staff"))).json()
    assert (untouched["transcript"], untouched["intents_detected"], untouched["call_end"]) == ([], [], None)

    assert mine["call_key"] != theirs["call_key"]
    for path, body in writes:
        response = await client.post(f"{url}/{path}", json=body, headers=keyed(theirs))
        assert response.status_code in (200, 201), (path, response.text)
