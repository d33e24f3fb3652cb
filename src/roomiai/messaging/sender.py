"""The outbox sender: runs inside the API process and delivers due messages, retrying with back-off.

Delivery is at least once. A message is claimed (status sending) in one transaction, handed to the
transport outside any transaction, then marked sent in another. If the process dies between the
hand-over and the mark, the claim lapses after RetryPolicy.claim_seconds and the message is sent
again with the same Message-ID, which mail systems use to recognise the copy; the .eml transport
writes the same file again, so there it stays exactly one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import CursorResult, and_, or_, select, update

from ..clock import Clock
from ..domain.delivery import DeliveryFailed, RetryPolicy
from ..store.database import Database
from ..store.tables import BookingEventRecord, OutboxMessageRecord
from ..store.uow import UnitOfWork
from .port import EmailTransport, SmsTransport

log = logging.getLogger("roomiai.outbox")


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claimed:
    id: str
    message_id: str
    channel: str
    recipient: str
    content: str
    attempts: int
    booking_id: str | None
    kind: str


class OutboxSender:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock,
        email: EmailTransport | None,
        sms: SmsTransport | None = None,
        sender: str = "",
        policy: RetryPolicy | None = None,
        batch: int = 20,
        poll_seconds: float = 10.0,
    ):
        self.db, self.clock, self.email, self.sms = db, clock, email, sms
        self.sender = sender
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self.poll_seconds = poll_seconds
        self._wake: asyncio.Event | None = None

    async def deliver_due(self, now: dt.datetime | None = None) -> DeliveryReport:
        """One round: claim the messages due at `now` and hand each to its transport."""
        now = now or self.clock.now()
        report = DeliveryReport()
        for message in await self._claim(now):
            try:
                if message.channel == "email":
                    if self.email is None:
                        raise DeliveryFailed("no email transport is configured")
                    await self.email.send(
                        sender=self.sender,
                        recipient=message.recipient,
                        message=message.content.encode("ascii", errors="surrogateescape"),
                        message_id=message.message_id,
                    )
                else:
                    if self.sms is None:
                        raise DeliveryFailed(f"no {message.channel} transport is configured")
                    await self.sms.send(
                        recipient=message.recipient, text=message.content, message_id=message.message_id
                    )
            except DeliveryFailed as failure:
                await self._failed(message, failure, now, report)
            except Exception as exc:  # noqa: BLE001 - a transport's bug must not stop the other messages
                log.exception("the %s transport failed unexpectedly", message.channel)
                await self._failed(
                    message, DeliveryFailed(f"{type(exc).__name__} in the {message.channel} transport"), now, report
                )
            else:
                await self._sent(message, now, report)
        return report

    async def _claim(self, now: dt.datetime) -> list[_Claimed]:
        lapsed = now - dt.timedelta(seconds=self.policy.claim_seconds)
        query = (
            select(OutboxMessageRecord)
            .where(
                or_(
                    and_(OutboxMessageRecord.status == "queued", OutboxMessageRecord.next_attempt_at <= now),
                    and_(OutboxMessageRecord.status == "sending", OutboxMessageRecord.claimed_at <= lapsed),
                )
            )
            .order_by(OutboxMessageRecord.next_attempt_at)
            .limit(self.batch)
        )
        async with UnitOfWork(self.db, write=True) as uow:
            if not self.db.is_sqlite:  # several API processes: each claims other messages
                query = query.with_for_update(skip_locked=True)
            rows = list((await uow.session.execute(query)).scalars())
            claimed = []
            for row in rows:
                row.status, row.claimed_at, row.attempts, row.updated_at = "sending", now, row.attempts + 1, now
                claimed.append(
                    _Claimed(
                        row.id,
                        row.message_id,
                        row.channel,
                        row.recipient,
                        row.content,
                        row.attempts,
                        row.booking_id,
                        row.kind,
                    )
                )
            await uow.commit()
        return claimed

    async def _settle(self, message: _Claimed, now: dt.datetime, **values) -> bool:
        """Update the message if this sender's claim still holds; False when another sender took it over."""
        async with UnitOfWork(self.db, write=True) as uow:
            result: CursorResult = await uow.session.execute(  # type: ignore[assignment]  # an UPDATE's result
                update(OutboxMessageRecord)
                .where(
                    OutboxMessageRecord.id == message.id,
                    OutboxMessageRecord.status == "sending",
                    OutboxMessageRecord.attempts == message.attempts,
                )
                .values(updated_at=now, **values)
            )
            if result.rowcount and values.get("status") == "failed" and message.booking_id:
                uow.session.add(
                    BookingEventRecord(
                        booking_id=message.booking_id,
                        action=f"{message.channel}_failed",
                        at=now,
                        by="outbox",
                        changes={"message": message.id, "kind": message.kind, "attempts": message.attempts},
                        reason=values.get("last_error"),
                    )
                )
            await uow.commit()
            return bool(result.rowcount)

    async def _sent(self, message: _Claimed, now: dt.datetime, report: DeliveryReport) -> None:
        await self._settle(message, now, status="sent", sent_at=now, last_error=None, claimed_at=None)
        report.sent.append(message.id)
        log.info("%s %s sent (attempt %d)", message.channel, message.message_id, message.attempts)

    async def _failed(
        self, message: _Claimed, failure: DeliveryFailed, now: dt.datetime, report: DeliveryReport
    ) -> None:
        if failure.permanent or self.policy.gives_up(message.attempts):
            await self._settle(message, now, status="failed", last_error=failure.reason[:1000], claimed_at=None)
            report.failed.append(message.id)
            log.warning(
                "%s %s failed for good after %d attempts: %s",
                message.channel,
                message.message_id,
                message.attempts,
                failure.reason,
            )
            return
        retry_at = now + self.policy.delay(message.attempts)
        await self._settle(
            message, now, status="queued", next_attempt_at=retry_at, last_error=failure.reason[:1000], claimed_at=None
        )
        report.retrying.append(message.id)
        log.info(
            "%s %s not delivered (attempt %d), next try at %s: %s",
            message.channel,
            message.message_id,
            message.attempts,
            retry_at.isoformat(),
            failure.reason,
        )

    def wake(self) -> None:
        """Deliver now rather than at the next poll (after a booking change committed)."""
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        """Deliver due messages until cancelled: every poll_seconds, and whenever woken."""
        self._wake = asyncio.Event()
        while True:
            try:
                await self.deliver_due()
            except Exception:  # noqa: BLE001 - the database may be away for a moment; the next round tries again
                log.exception("the outbox could not be read; trying again in %.0f s", self.poll_seconds)
            try:  # not wait_for: on 3.11 it can swallow a cancel that arrives as the wake-up does
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
