"""aiosqlite in one trip per statement: cursor, execute, fetch and close run together on the connection's thread.

SQLAlchemy's aiosqlite adapter makes up to four hand-offs to aiosqlite's thread per statement (open a cursor,
execute, fetch, close). Each waits for the event loop to be free again, so under a storm of other requests a
booking's ~10 statements waited about 40 times. Here each statement is one hand-off; everything else is the stock
adapter. Used only for `sqlite+aiosqlite` URLs, and only when aiosqlite and SQLAlchemy have the internals it is
built on (aiosqlite's queue, SQLAlchemy 2.1's asyncio cursor); otherwise the stock adapter runs.
"""

from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


def _run(connection, operation: str, parameters: Any, many: bool) -> tuple[Any, int, Any, list]:
    """On aiosqlite's thread: the whole statement, its rows read and its cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: Any):
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # no driver cursor outlives a statement
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: Any = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._one_trip(operation, seq_of_parameters, many=True)

    async def _one_trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            driver = self._connection
            description, rowcount, lastrowid, rows = await driver._execute(
                _run, driver._conn, operation, parameters, many
            )
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI | None:
    """The module to give create_async_engine(module=...) for sqlite+aiosqlite; None when aiosqlite lacks its queue."""
    import sqlite3

    import aiosqlite

    if not (hasattr(aiosqlite.Connection, "_execute") and hasattr(aiosqlite.Connection, "_conn")):
        return None
    # the cursor above follows SQLAlchemy 2.1's asyncio adapter; other layouts keep the stock cursor
    if not all(hasattr(AsyncAdapt_aiosqlite_cursor, name) for name in ("_execute_async", "_soft_closed_memoized")):
        return None
    return OneTripDBAPI(aiosqlite, sqlite3)
