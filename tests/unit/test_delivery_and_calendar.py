"""The outbox's retry schedule and the stay's calendar file."""

from __future__ import annotations

import datetime as dt

import pytest

from roomiai.domain.calendar_invite import StayEvent, calendar
from roomiai.domain.delivery import RetryPolicy
from roomiai.messaging.smtp import parse_smtp_url, without_addresses

pytestmark = pytest.mark.unit
UTC = dt.timezone.utc


def test_retries_back_off_doubling_up_to_an_hour_and_give_up_after_the_last_attempt():
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert policy.delay(20) == dt.timedelta(hours=1)
    assert not policy.gives_up(11) and policy.gives_up(12)
    now = dt.datetime(2026, 1, 12, 12, tzinfo=UTC)
    assert not policy.claim_lapsed(now - dt.timedelta(seconds=299), now) and policy.claim_lapsed(now - dt.timedelta(seconds=300), now)


def test_the_calendar_has_crlf_lines_of_at_most_75_octets_and_escapes_text():
    event = StayEvent(uid="roomi-1@hotel.example", sequence=2, starts_at=dt.datetime(2026, 1, 20, 20, tzinfo=UTC),
                      ends_at=dt.datetime(2026, 1, 25, 16, tzinfo=UTC), summary="Stay; at Grand, Hotel",
                      location="1200 Ocean Drive, Miami Beach", description="Ünïcode " * 20,
                      stamp=dt.datetime(2026, 1, 12, tzinfo=UTC), cancelled=True)
    text = calendar(event)
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and all(len(line.encode()) <= 75 for line in lines)
    assert "SUMMARY:Stay\\; at Grand\\, Hotel" in lines and "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "Ünïcode " * 20 in unfolded and "DTSTART:20260120T200000Z" in unfolded


def test_smtp_urls():
    plain = parse_smtp_url("smtp://hotel%40x:p%40ss@mail.example.com")
    assert (plain.host, plain.port, plain.implicit_tls, plain.require_starttls) == ("mail.example.com", 587, False, False)
    assert (plain.username, plain.password) == ("hotel@x", "p@ss") and "p@ss" not in repr(plain)
    strict = parse_smtp_url("smtp://mail.example.com:25?starttls=require&timeout=5")
    assert strict.require_starttls and strict.port == 25 and strict.timeout == 5
    assert parse_smtp_url("smtps://mail.example.com").port == 465
    with pytest.raises(ValueError, match="smtps:// is TLS from the start"):
        parse_smtp_url("smtps://mail.example.com?starttls=require")
    assert without_addresses("550 <ann@example.com>: no such user") == "550 <<address>>: no such user"
