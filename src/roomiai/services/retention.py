"""Retention: what callers said, and the cards of past stays, are deleted after the configured number of days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from ..domain.errors import InvalidRequest
from ..payments.port import PaymentGateway
from ..store.tables import BookingRecord, CallIntentRecord, CallLogRecord, CallTranscriptRecord
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


async def purge_transcripts(
    uow: UnitOfWork, *, now: dt.datetime, retention_days: int, dry_run: bool = False
) -> PurgeReport:
    """Delete transcripts, recording references and extracted entities of calls that started over `retention_days` ago."""
    if retention_days < 1:
        raise InvalidRequest("The transcript retention must be at least one day.", field="retention_days")
    cutoff = (now - dt.timedelta(days=retention_days)).astimezone(dt.UTC)
    due = (CallLogRecord.call_start < cutoff, CallLogRecord.transcript_purged_at.is_(None))
    due_ids = select(CallLogRecord.id).where(*due)
    session = uow.session
    calls, recordings, first_call, last_call = (
        await session.execute(
            select(
                func.count(),
                func.count(CallLogRecord.audio_recording_url),
                func.min(CallLogRecord.call_start),
                func.max(CallLogRecord.call_start),
            ).where(*due)
        )
    ).one()
    lines = (
        await session.execute(
            select(func.count()).select_from(CallTranscriptRecord).where(CallTranscriptRecord.call_id.in_(due_ids))
        )
    ).scalar_one()
    report = PurgeReport(
        retention_days=retention_days,
        cutoff=cutoff,
        dry_run=dry_run,
        calls=calls,
        transcript_lines=lines,
        recordings=recordings,
        first_call=first_call,
        last_call=last_call,
    )
    if dry_run or not calls:
        return report
    no_sync = {"synchronize_session": False}
    await session.execute(
        delete(CallTranscriptRecord).where(CallTranscriptRecord.call_id.in_(due_ids)), execution_options=no_sync
    )
    await session.execute(
        update(CallIntentRecord).where(CallIntentRecord.call_id.in_(due_ids)).values(entities={}),
        execution_options=no_sync,
    )
    await session.execute(
        update(CallLogRecord)
        .where(*due)
        .values(entities_extracted={}, audio_recording_url=None, transcript_purged_at=now),
        execution_options=no_sync,
    )
    await uow.commit()
    return report


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


UNUSED_CARD_HOURS = 24  # a card saved during a call and never put on a booking: the call is long over


@dataclass(frozen=True)
class CardPurgeReport:
    """The cards a purge deleted (or, on a dry run, would delete)."""

    retention_days: int
    ended_before: dt.date
    dry_run: bool
    stays: int
    unused: int

    def describe(self) -> str:
        """One paragraph for the operator."""
        if not self.stays and not self.unused:
            return (
                f"no cards of stays that ended before {self.ended_before:%Y-%m-%d} (over "
                f"{_count(self.retention_days, 'day')} ago) or unused for {UNUSED_CARD_HOURS} hours left to delete"
            )
        verb = "would delete" if self.dry_run else "deleted"
        text = (
            f"{verb} the cards of {_count(self.stays, 'booking')} whose stay ended before {self.ended_before:%Y-%m-%d} "
            f"and {_count(self.unused, 'saved card')} no booking used; bookings keep the brand and last four"
        )
        return text + (" (dry run: nothing was changed)" if self.dry_run else "")


async def purge_cards(
    uow: UnitOfWork,
    *,
    gateway: PaymentGateway,
    today: dt.date,
    now: dt.datetime,
    retention_days: int,
    dry_run: bool = False,
) -> CardPurgeReport:
    """Delete the cards of stays that ended over `retention_days` ago, and saved cards no booking used for a day."""
    if retention_days < 1:
        raise InvalidRequest("The card retention must be at least one day.", field="card_retention_days")
    ended_before = today - dt.timedelta(days=retention_days)
    held: set[str] = set()
    due: list[BookingRecord] = []
    rows = await uow.session.execute(select(BookingRecord).where(BookingRecord.payment_method.is_not(None)))
    for record in rows.scalars():
        token = (record.payment_method or {}).get("token")
        if not token:
            continue
        held.add(token)
        if record.check_out_date < ended_before:
            due.append(record)
    unused = []
    list_tokens = getattr(gateway, "tokens_created_before", None)  # the local vault can list its cards; Stripe cannot
    if list_tokens is not None:
        unused = [t for t in await list_tokens(now - dt.timedelta(hours=UNUSED_CARD_HOURS)) if t not in held]
    report = CardPurgeReport(
        retention_days=retention_days, ended_before=ended_before, dry_run=dry_run, stays=len(due), unused=len(unused)
    )
    if dry_run:
        return report
    for token in unused:
        await gateway.forget(token)
    for record in due:
        method = record.payment_method or {}
        await gateway.forget(method["token"])
        record.payment_method = {k: v for k, v in method.items() if k != "token"}
    await uow.commit()
    return report
