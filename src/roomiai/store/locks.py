"""Transaction-scoped named locks: PostgreSQL advisory locks; SQLite writers already hold the database lock."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


async def xact_lock(session: AsyncSession, *names: str) -> None:
    """Hold the named locks until the transaction ends, taken in sorted order so two callers cannot deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in sorted(set(names)):
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
