"""Retention: what callers said is deleted after the configured number of days; the call's outcome and timings stay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from ..domain.errors import InvalidRequest
from ..store.tables import CallIntentRecord, CallLogRecord, CallTranscriptRecord
from ..store.uow import UnitOfWork


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, on a dry run, would delete)."""

    retention_days: int
    cutoff: dt.datetime
    dry_run: bool
    calls: int
    transcript_lines: int
    recordings: int
    first_call: dt.datetime | None
    last_call: dt.datetime | None

    def describe(self) -> str:
        """One paragraph for the operator."""
        age = f"older than {_count(self.retention_days, 'day')} (started before {self.cutoff:%Y-%m-%d %H:%M} UTC)"
        if not self.calls:
            return f"no call transcripts {age} left to purge"
        verb = "would purge" if self.dry_run else "purged"
        text = (
            f"{verb} the transcripts of {_count(self.calls, 'call')} {age}, from {self.first_call:%Y-%m-%d} to "
            f"{self.last_call:%Y-%m-%d}: {_count(self.transcript_lines, 'transcript line')}, "
            f"{_count(self.recordings, 'recording reference')}, and the entities "
            "extracted from them; outcomes, durations, intents and timings are kept"
        )
        return text + (" (dry run: nothing was changed)" if self.dry_run else "")


async def purge_transcripts(uow: UnitOfWork, *, now: dt.datetime, retention_days: int, dry_run: bool = False) -> PurgeReport:
    """Delete transcripts, recording references and extracted entities of calls that started over `retention_days` ago."""
    if retention_days < 1:
        raise InvalidRequest("The transcript retention must be at least one day.", field="retention_days")
    cutoff = (now - dt.timedelta(days=retention_days)).astimezone(dt.timezone.utc)
    due = (CallLogRecord.call_start < cutoff, CallLogRecord.transcript_purged_at.is_(None))
    due_ids = select(CallLogRecord.id).where(*due)
    session = uow.session
    calls, recordings, first_call, last_call = (
        await session.execute(
            select(func.count(), func.count(CallLogRecord.audio_recording_url), func.min(CallLogRecord.call_start),
                   func.max(CallLogRecord.call_start)).where(*due)
        )
    ).one()
    lines = (
        await session.execute(select(func.count()).select_from(CallTranscriptRecord).where(CallTranscriptRecord.call_id.in_(due_ids)))
    ).scalar_one()
    report = PurgeReport(
        retention_days=retention_days, cutoff=cutoff, dry_run=dry_run, calls=calls, transcript_lines=lines,
        recordings=recordings, first_call=first_call, last_call=last_call,
    )
    if dry_run or not calls:
        return report
    no_sync = {"synchronize_session": False}
    await session.execute(delete(CallTranscriptRecord).where(CallTranscriptRecord.call_id.in_(due_ids)), execution_options=no_sync)
    await session.execute(
        update(CallIntentRecord).where(CallIntentRecord.call_id.in_(due_ids)).values(entities={}), execution_options=no_sync
    )
    await session.execute(
        update(CallLogRecord).where(*due).values(entities_extracted={}, audio_recording_url=None, transcript_purged_at=now),
        execution_options=no_sync,
    )
    await uow.commit()
    return report


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
