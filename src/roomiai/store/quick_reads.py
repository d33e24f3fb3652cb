"""SQLite: a few reads in one trip to a reader thread, instead of a trip per call through the async driver.

aiosqlite hands every call (BEGIN, cursor, execute, fetch, close, ROLLBACK) to its connection's thread and back:
about ten trips for a two-statement read, each waiting for the GIL and the OS scheduler while the event loop is busy.
Here a whole read (one transaction: a consistent snapshot in WAL mode) runs on the thread in one trip.
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


class QuickReads:
    """Read-only work on SQLite connections owned by a small pool of reader threads."""

    def __init__(self, path: str, *, threads: int = READERS):
        self.path = path
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    async def run(self, read: Callable[..., T], *args) -> T:
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
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA query_only=ON")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        """Stops the reader threads and closes their connections; the next read starts new ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
            self._local = threading.local()
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
