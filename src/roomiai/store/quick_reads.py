"""SQLite: a few reads in one trip to a reader thread, instead of a trip per call through the async driver.

aiosqlite hands every call (BEGIN, cursor, execute, fetch, close, ROLLBACK) to its connection's thread and back:
about ten trips for a two-statement read, each waiting for the GIL and the OS scheduler while the event loop is busy.
Here a whole read (one transaction: a consistent snapshot in WAL mode) runs in one go: on the event loop's own
connection when the database is not locked (a WAL read of a few rows costs tens of microseconds, less than the
hand-off), else on a reader thread, which may wait for the lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
READERS = 2


class Busy(Exception):
    """The database could not be read at once (a checkpoint or recovery holds it): read it off the loop instead."""


class QuickReads:
    """Read-only work on SQLite: on the calling thread's own connection, or on a small pool of reader threads."""

    def __init__(self, path: str, *, threads: int = READERS):
        self.path = path
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._now = threading.local()  # the connections read on without waiting, one per thread running an event loop

    async def run(self, read: Callable[..., T], *args) -> T:
        """`read(connection, *args)` inside one read transaction: at once if the database is free, else on a thread."""
        try:
            return self.run_now(read, *args)
        except Busy:
            return await self.run_off_loop(read, *args)

    def run_now(self, read: Callable[..., T], *args) -> T:
        """`read(connection, *args)` inside one read transaction, in this thread; Busy if it would have to wait.

        Only for reads of a few rows by key: the event loop waits for them.
        """
        connection = getattr(self._now, "connection", None)
        if connection is None:
            connection = self._open(timeout=0)
            self._now.connection = connection
        connection.execute("BEGIN")  # deferred: the snapshot is taken by the first read
        try:
            return read(connection, *args)
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise Busy(str(exc)) from exc
            raise
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")

    async def run_off_loop(self, read: Callable[..., T], *args) -> T:
        """`read(connection, *args)` inside one read transaction on a reader thread."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="roomiai-reads")
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._read, read, args)

    def _read(self, read: Callable[..., T], args: tuple) -> T:
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            return read(connection, *args)
        finally:
            connection.execute("ROLLBACK")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # a reader never waits long: in WAL mode only recovery or a checkpoint reset can make it wait at all
            connection = self._open(timeout=5)
            self._local.connection = connection
        return connection

    def _open(self, *, timeout: float) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA query_only=ON")
        with self._lock:
            self._connections.append(connection)
        return connection

    def close(self) -> None:
        """Stops the reader threads and closes their connections; the next read starts new ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
            self._local = threading.local()
        self._now = threading.local()
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
