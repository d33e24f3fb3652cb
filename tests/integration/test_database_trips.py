"""Trips to the database driver: SQLite statements in one hand-off each, PostgreSQL pings only for idle connections."""

from __future__ import annotations

import aiosqlite.core
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from roomiai.store.database import Database
from tests.conftest import PII_KEY

pytestmark = pytest.mark.integration


@pytest.fixture
def sqlite_trips(monkeypatch) -> list[int]:
    """Counts hand-offs to aiosqlite's thread (the driver's own queue, wrapped, not replaced)."""
    count = [0]
    original = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        count[0] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return count


async def test_sqlite_statements_take_one_trip_each_and_answer_as_the_driver_does(tmp_path, sqlite_trips):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}", pii_key=PII_KEY)
    try:
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INT)")

            before = sqlite_trips[0]
            inserted = await conn.exec_driver_sql("INSERT INTO t (name, n) VALUES ('a', 1)")
            assert sqlite_trips[0] - before == 1
            assert inserted.lastrowid == 1

            many = await conn.execute(text("INSERT INTO t (name, n) VALUES (:name, :n)"),
                                      [{"name": "b", "n": 2}, {"name": "c", "n": 3}])
            assert many.rowcount == 2

            before = sqlite_trips[0]
            updated = await conn.exec_driver_sql("UPDATE t SET n = n + 10 WHERE n >= 2 RETURNING name, n")
            assert sqlite_trips[0] - before == 1
            assert sorted(updated.all()) == [("b", 12), ("c", 13)]
            assert (await conn.exec_driver_sql("UPDATE t SET n = 0 WHERE n > 100")).rowcount == 0

            result = await conn.exec_driver_sql("SELECT name, n FROM t ORDER BY id")
            assert result.keys() == ["name", "n"]
            assert result.fetchone() == ("a", 1)
            assert result.fetchall() == [("b", 12), ("c", 13)]

            with pytest.raises(sa_exc.IntegrityError):
                await conn.exec_driver_sql("INSERT INTO t (name, n) VALUES ('a', 9)")
            assert (await conn.exec_driver_sql("SELECT count(*) FROM t")).scalar_one() == 3

            streamed = await conn.stream(text("SELECT name FROM t ORDER BY id"))  # server-side cursor: stock adapter
            assert [row[0] async for row in streamed] == ["a", "b", "c"]
    finally:
        await db.dispose()


async def _terminate_other_connections(cluster, database: str) -> int:
    import asyncpg

    admin = await asyncpg.connect(cluster.dsn())
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return len(rows)
    finally:
        await admin.close()


async def _select_one(db: Database) -> int:
    async with db.engine.connect() as conn:
        return (await conn.exec_driver_sql("SELECT 1")).scalar_one()


async def test_postgresql_connections_broken_while_idle_are_replaced_before_use(pg_cluster, pg_database, pg_url):
    db = Database(pg_url, pii_key=PII_KEY, ping_idle_seconds=0)  # every reused connection counts as idle
    try:
        assert await _select_one(db) == 1
        assert await _terminate_other_connections(pg_cluster, pg_database) >= 1
        assert await _select_one(db) == 1  # pinged, found broken, replaced: the caller never sees it
    finally:
        await db.dispose()


async def test_postgresql_connections_in_steady_use_are_not_pinged_and_a_break_fails_once(
    pg_cluster, pg_database, pg_url
):
    db = Database(pg_url, pii_key=PII_KEY, ping_idle_seconds=3600)
    try:
        assert await _select_one(db) == 1
        assert await _terminate_other_connections(pg_cluster, pg_database) >= 1
        with pytest.raises(sa_exc.DBAPIError):
            await _select_one(db)
        assert await _select_one(db) == 1  # the pool was replaced after the one failure
    finally:
        await db.dispose()
