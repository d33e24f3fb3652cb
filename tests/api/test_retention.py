"""Retention: `roomi purge` deletes what callers said once calls are old enough; the call logs keep their figures."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select, update

from roomiai import cli
from roomiai.domain.errors import Conflict, InvalidRequest
from roomiai.services import calls
from roomiai.services.retention import purge_transcripts
from roomiai.store.tables import CallLogRecord, CallTranscriptRecord
from roomiai.store.uow import UnitOfWork
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api

ENTITIES = {"phone_number": "+13055550199", "guest_name": "Ada Quixote"}
TIMINGS = [{"stt_ms": 180.0, "llm_ttft_ms": 420.5}]


async def make_call(container, *, days_ago: int, lines: int = 2, recording: str | None = None, ended: bool = True) -> str:
    """A call that started `days_ago` days before now, with transcript lines, an intent and entities."""
    async with UnitOfWork(container.db, write=True) as uow:
        sid = (await calls.start(uow, clock=container.clock, caller_id="+13055550199", livekit_room=None,
                                 call_type="inbound")).record.session_id
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_transcript(uow, clock=container.clock, session_id=sid,
                                   entries=[{"speaker": "guest", "text": f"line {i} of {sid}"} for i in range(lines)])
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_intent(uow, clock=container.clock, session_id=sid, intent="book_room", confidence=0.8, entities=ENTITIES)
    if ended:
        async with UnitOfWork(container.db, write=True) as uow:
            await calls.end(uow, clock=container.clock, session_id=sid, outcome="transferred", entities_extracted=ENTITIES,
                            turn_timings=TIMINGS)
    async with UnitOfWork(container.db, write=True) as uow:
        moved = container.clock.now() - dt.timedelta(days=days_ago)
        await uow.session.execute(update(CallLogRecord).where(CallLogRecord.session_id == sid)
                                  .values(call_start=moved, audio_recording_url=recording))
        await uow.commit()
    return sid


async def purge(container, *, days: int = 90, dry_run: bool = False):
    async with UnitOfWork(container.db, write=True) as uow:
        return await purge_transcripts(uow, now=container.clock.now(), retention_days=days, dry_run=dry_run)


async def call_state(container, sid: str) -> dict:
    async with UnitOfWork(container.db) as uow:
        call = await calls.get(uow, sid)
        r = call.record
        return {
            "lines": len(call.transcript), "entities": r.entities_extracted, "intent_entities": [i.entities for i in call.intents],
            "intents": [i.intent for i in call.intents], "recording": r.audio_recording_url, "purged": r.transcript_purged_at,
            "outcome": r.outcome, "duration": r.duration_seconds, "timings": r.turn_timings,
        }


async def test_purge_deletes_old_transcripts_and_keeps_the_call_figures(container):
    old = await make_call(container, days_ago=120, lines=3, recording="s3://calls/old.wav")
    older_open = await make_call(container, days_ago=400, lines=1, ended=False)
    recent = await make_call(container, days_ago=89)
    before_recent = await call_state(container, recent)

    preview = await purge(container, dry_run=True)
    assert (preview.calls, preview.transcript_lines, preview.recordings, preview.dry_run) == (2, 4, 1, True)
    assert preview.describe().startswith("would purge the transcripts of 2 calls older than 90 days")
    assert "4 transcript lines, 1 recording reference," in preview.describe() and "nothing was changed" in preview.describe()
    assert (await call_state(container, old))["lines"] == 3

    report = await purge(container)
    assert (report.calls, report.transcript_lines, report.recordings, report.dry_run) == (2, 4, 1, False)
    assert report.first_call.date() == TODAY - dt.timedelta(days=400) and report.last_call.date() == TODAY - dt.timedelta(days=120)
    assert report.describe().startswith("purged the transcripts of 2 calls older than 90 days")

    purged = await call_state(container, old)
    assert purged["lines"] == 0 and purged["entities"] == {} and purged["intent_entities"] == [{}]
    assert purged["recording"] is None and purged["purged"] is not None
    assert (purged["outcome"], purged["duration"], purged["timings"], purged["intents"]) == ("transferred", 0, TIMINGS, ["book_room"])
    assert (await call_state(container, older_open))["lines"] == 0
    assert await call_state(container, recent) == before_recent
    async with UnitOfWork(container.db) as uow:
        assert (await uow.session.execute(select(func.count()).select_from(CallTranscriptRecord))).scalar_one() == 2

    again = await purge(container)
    assert again.calls == 0 and again.describe().startswith("no call transcripts older than 90 days")
    async with UnitOfWork(container.db, write=True) as uow:
        with pytest.raises(Conflict, match="past the transcript retention period"):
            await calls.add_transcript(uow, clock=container.clock, session_id=older_open, entries=[{"speaker": "guest", "text": "hi"}])


async def test_the_retention_is_at_least_a_day(container):
    with pytest.raises(InvalidRequest, match="at least one day"):
        await purge(container, days=0)


async def test_a_purged_call_still_reads_through_the_api(client, container):
    sid = await make_call(container, days_ago=200)
    await purge(container)
    response = await client.get(f"/v1/voice/session/{sid}", headers=headers("staff"))
    assert response.status_code == 200, response.text
    assert response.json()["transcript"] == [] and response.json()["entities_extracted"] == {}


async def roomi(*argv: str) -> int:
    """The command line, run as from a shell (its own event loop, in a thread)."""
    return await asyncio.to_thread(cli.main, list(argv))


async def test_roomi_purge_prints_what_it_purged(container, settings, monkeypatch, capsys):
    old = await make_call(container, days_ago=31, lines=2)
    monkeypatch.setenv("ROOMIAI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ROOMIAI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ROOMIAI_TODAY", TODAY.isoformat())
    monkeypatch.setenv("ROOMIAI_PII_KEY", settings.pii_key)  # the key the API wrote with
    monkeypatch.setenv("ROOMIAI_TRANSCRIPT_RETENTION_DAYS", "30")

    assert await roomi("purge", "--dry-run") == 0
    assert capsys.readouterr().out.startswith("would purge the transcripts of 1 call older than 30 days")
    assert await roomi("purge", "--days", "60") == 0
    assert capsys.readouterr().out.startswith("no call transcripts older than 60 days")
    assert (await call_state(container, old))["lines"] == 2
    assert await roomi("purge") == 0
    out = capsys.readouterr().out
    assert out.startswith("purged the transcripts of 1 call older than 30 days") and "2 transcript lines" in out
    assert (await call_state(container, old))["lines"] == 0
    assert await roomi("purge", "--days", "0") == 2
