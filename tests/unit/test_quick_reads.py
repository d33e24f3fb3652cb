"""Reads on the event loop's own SQLite connection: one snapshot each, never stale, and off the loop when locked."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from roomiai.store.quick_reads import Busy, QuickReads

pytestmark = pytest.mark.unit


@pytest.fixture
def path(tmp_path) -> str:
    file = str(tmp_path / "reads.sqlite3")
    connection = sqlite3.connect(file, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE counts (name TEXT PRIMARY KEY, n INTEGER)")
    connection.execute("INSERT INTO counts VALUES ('rooms', 1)")
    connection.close()
    return file


def rooms(connection) -> int:
    return connection.execute("SELECT n FROM counts WHERE name = 'rooms'").fetchone()[0]


def write(path: str, n: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("UPDATE counts SET n = ? WHERE name = 'rooms'", (n,))
    connection.close()


async def test_each_read_sees_what_was_committed_before_it(path):
    quick = QuickReads(path)
    try:
        assert quick.run_now(rooms) == 1
        write(path, 2)  # another connection, as another process would
        assert quick.run_now(rooms) == 2
        assert await quick.run(rooms) == 2
    finally:
        quick.close()


async def test_one_read_is_one_snapshot(path):
    quick = QuickReads(path)

    def twice(connection) -> tuple[int, int]:
        first = rooms(connection)
        write(path, first + 10)  # committed between the two statements of one read
        return first, rooms(connection)

    try:
        assert quick.run_now(twice) == (1, 1)
        assert quick.run_now(rooms) == 11
    finally:
        quick.close()


async def test_a_locked_database_is_read_off_the_loop_once_it_is_free(path):
    quick = QuickReads(path)  # opens its connections on first use, after the lock is taken
    locker = sqlite3.connect(path, isolation_level=None)
    try:
        locker.execute("PRAGMA locking_mode=EXCLUSIVE")
        locker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(Busy):
            quick.run_now(rooms)  # never waits on the loop
        waiting = asyncio.create_task(quick.run(rooms))
        await asyncio.sleep(0)  # it falls back to a reader thread, which waits for the lock
        locker.execute("UPDATE counts SET n = 5 WHERE name = 'rooms'")
        locker.execute("COMMIT")
        locker.close()  # an exclusive-mode connection keeps its lock until it closes
        assert await asyncio.wait_for(waiting, timeout=30) == 5
        assert quick.run_now(rooms) == 5
    finally:
        locker.close()
        quick.close()
