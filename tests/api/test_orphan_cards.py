"""No card stays in the vault without a reason: failed bookings delete theirs, `roomi purge` deletes those of past
stays and saved cards no booking used (issue 9, finding 3)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3

import pytest
from sqlalchemy import text

from roomiai import cli
from roomiai.bootstrap import build_container
from roomiai.payments.local_vault import LocalVault
from tests.api.test_bookings import CARD, book, require_deposit
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.api

PAYMENT = {"card_number": CARD, "expiry": "12/27", "cvv": "123"}
DECLINED = {"card_number": "4000000000000002", "expiry": "12/27", "cvv": "123"}


def vault_cards(container) -> list[str]:
    with sqlite3.connect(container.gateway.path) as vault:
        return [row[0] for row in vault.execute("SELECT token FROM cards")]


@pytest.fixture
async def container(settings, clock, seeded_template, tmp_path):
    """The shared fixtures' container, with a vault that tells time by the hotel's pinned clock."""
    shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
    vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=", now=clock.now)
    c = build_container(settings, clock=clock, gateway=vault)
    yield c
    await c.db.dispose()
    vault.close()


async def test_bookings_that_fail_after_the_card_was_tokenised_leave_no_card_behind(client, container):
    await require_deposit(client)
    suites = dict(room_type_id="STE", bed_configuration=None, view=None, packages=[], rooms=9)
    kept = await book(client, payment=PAYMENT, **suites)
    assert kept.status_code == 201, kept.text
    failures = [
        await book(client, payment=PAYMENT, room_type_id="PENTHOUSE"),  # 404
        await book(client, payment=PAYMENT, rate_code="FREE"),  # 422
        await book(client, payment=PAYMENT, discount_code="NOPE"),  # 422
        await book(client, payment=PAYMENT, check_in="2026-01-13", check_out="2026-01-15", rate_code="PKG_BB"),  # 422
        await book(client, payment=DECLINED),  # 402, after a charge was attempted
        await book(client, payment=PAYMENT, **suites),  # 409: sold out
    ]

    assert [r.status_code for r in failures] == [404, 422, 422, 422, 402, 409]
    assert len(vault_cards(container)) == 1  # the card of the booking that was made


async def test_a_retried_request_keeps_only_the_card_of_the_booking_it_made(client, container):
    first = await book(client, key="retry-1", payment=PAYMENT)
    again = await book(client, key="retry-1", payment=PAYMENT)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert len(vault_cards(container)) == 1


async def test_a_saved_card_survives_a_failed_booking_so_the_caller_can_retry_with_it(client, container):
    saved = await client.post("/v1/payments/cards", json=PAYMENT, headers=headers("agent"))
    token = saved.json()["payment_token"]

    failed = await book(client, payment_token=token, room_type_id="PENTHOUSE")
    retried = await book(client, payment_token=token)

    assert failed.status_code == 404 and retried.status_code == 201, retried.text
    assert vault_cards(container) == [token]


async def roomi(*argv: str) -> int:
    return await asyncio.to_thread(cli.main, list(argv))


async def test_roomi_purge_deletes_the_cards_of_past_stays_and_unused_saved_cards(client, container, settings,
                                                                                 monkeypatch, capsys):
    await require_deposit(client)
    past = (await book(client, payment=PAYMENT)).json()["booking"]  # stay ends 2026-01-25
    later = (await book(client, payment=PAYMENT, check_in="2026-03-20", check_out="2026-03-22")).json()["booking"]
    unused = (await client.post("/v1/payments/cards", json=PAYMENT, headers=headers("agent"))).json()["payment_token"]
    assert len(vault_cards(container)) == 3
    purge_day = dt.date(2026, 3, 1)  # 35 days after the first stay ended, before the second began
    for name, value in {"DATABASE_URL": settings.database_url, "DATA_DIR": str(settings.data_dir),
                        "VAULT_PATH": str(container.gateway.path), "VAULT_KEY": "0" * 43 + "=",
                        "PII_KEY": settings.pii_key, "TODAY": purge_day.isoformat(), "CARD_RETENTION_DAYS": "30"}.items():
        monkeypatch.setenv(f"ROOMIAI_{name}", value)

    assert await roomi("purge", "--dry-run") == 0
    assert "would delete the cards of 1 booking whose stay ended before 2026-01-30" in capsys.readouterr().out
    assert len(vault_cards(container)) == 3
    assert await roomi("purge") == 0
    out = capsys.readouterr().out

    assert "deleted the cards of 1 booking" in out and "1 saved card no booking used" in out
    left = vault_cards(container)
    assert len(left) == 1 and unused not in left
    async with container.db.engine.connect() as conn:
        methods = dict((await conn.execute(text("SELECT confirmation_number, payment_method FROM bookings"))).all())
    assert '"token"' not in methods[past["confirmation_number"]] and '"card_last_four": "1111"' in methods[past["confirmation_number"]]
    assert '"token"' in methods[later["confirmation_number"]]
    cancelled = await client.request("DELETE", f"/v1/bookings/{past['confirmation_number']}", headers=headers("staff"))
    assert cancelled.status_code in (200, 409, 422)  # the refund path still finds its charge without the card
    assert TODAY < purge_day
