"""Storage failures (disk full, read-only, unreachable database) told apart from bugs, in words an operator can act on."""

from __future__ import annotations

import socket
import sqlite3

from sqlalchemy import exc as sa_exc

SQLITE_FAILURES = {  # sqlite3 error name -> what is wrong
    "SQLITE_READONLY": "the database is read-only",
    "SQLITE_FULL": "the disk holding the database is full",
    "SQLITE_IOERR": "the disk holding the database reports I/O errors",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
    "SQLITE_BUSY": "the database is busy (locked by another process)",
    "SQLITE_LOCKED": "the database is busy (locked by another process)",
    "SQLITE_CORRUPT": "the database file is damaged",
    "SQLITE_NOTADB": "the database file is damaged",
    "SQLITE_PROTOCOL": "the database is busy (locked by another process)",
}
SQLITE_MESSAGES = {  # older SQLite builds give only the message
    "readonly database": "the database is read-only",
    "disk is full": "the disk holding the database is full",
    "disk i/o error": "the disk holding the database reports I/O errors",
    "unable to open database": "the database file cannot be opened",
    "database is locked": "the database is busy (locked by another process)",
}
POSTGRES_CLASSES = {  # SQLSTATE class (or full code) -> what is wrong
    "08": "the database server cannot be reached",
    "53100": "the database server's disk is full",
    "53": "the database server is out of resources (disk, memory or connections)",
    "57P": "the database server is shutting down or starting up",
    "58": "the database server reports a system or I/O error",
    "25006": "the database is read-only",
}


def storage_problem(error: BaseException) -> str | None:
    """What is wrong with the storage when `error` is a storage failure rather than a bug; None otherwise."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        problem = _problem_of(current)
        if problem is not None:
            return problem
        current = getattr(current, "orig", None) or current.__cause__
    return None


def _problem_of(error: BaseException) -> str | None:
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        for prefix, problem in SQLITE_FAILURES.items():
            if name == prefix or name.startswith(prefix + "_"):
                return problem
        text = str(error).lower()
        return next((problem for words, problem in SQLITE_MESSAGES.items() if words in text), None)
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str) and sqlstate:
        for prefix in sorted(POSTGRES_CLASSES, key=len, reverse=True):
            if sqlstate.startswith(prefix):
                return POSTGRES_CLASSES[prefix]
        return None
    if isinstance(error, sa_exc.TimeoutError):
        return "the database is busy (no connection free in time)"
    if isinstance(error, (sa_exc.DisconnectionError, ConnectionError, TimeoutError)):
        return "the database server cannot be reached"
    if isinstance(error, sa_exc.InterfaceError) and "closed" in str(error).lower():
        return "the database server cannot be reached"
    if isinstance(error, socket.gaierror):
        return "the database server cannot be reached"
    return None
