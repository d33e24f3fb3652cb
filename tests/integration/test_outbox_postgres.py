"""Guests' messages on a real PostgreSQL server: the migration both ways, and two senders never deliver one message twice."""

from __future__ import annotations

import asyncio

import pytest

from roomiai.messaging.sender import OutboxSender
from tests.api.test_bookings import booking_body
from tests.conftest import headers
from tests.mail.smtp_server import HOST, SmtpServer, free_port
from tests.mail.test_outbox_migration import check_outbox_migration
from roomiai.messaging.smtp import SmtpTransport, parse_smtp_url

pytestmark = pytest.mark.integration


async def test_the_outbox_migration_goes_both_ways_on_postgresql(pg_container):
    await check_outbox_migration(pg_container)


async def test_two_senders_deliver_each_message_once_on_postgresql(pg_container, pg_client, clock):
    for day in range(5):
        body = booking_body(check_in=f"2026-02-0{day + 1}", check_out=f"2026-02-0{day + 2}")
        assert (await pg_client.post("/v1/bookings", json=body, headers=headers("agent"))).status_code == 201
    port = free_port()
    transport = SmtpTransport(parse_smtp_url(f"smtp://{HOST}:{port}"))
    senders = [OutboxSender(pg_container.db, clock=clock, email=transport, batch=2) for _ in range(2)]
    with SmtpServer(port) as server:
        now = clock.now()
        for _ in range(3):
            await asyncio.gather(*(sender.deliver_due(now) for sender in senders))
    ids = server.inbox.message_ids()
    assert len(ids) == 5 and len(set(ids)) == 5
