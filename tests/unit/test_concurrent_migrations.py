"""Two databases brought up at once in one process (concurrent calls in the voice benchmark) each get their schema."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from roomiai.store.database import Database


async def test_databases_migrated_at_the_same_time_each_get_their_own_schema(tmp_path):
    databases = [Database(f"sqlite+aiosqlite:///{tmp_path}/call-{n}.sqlite3") for n in range(4)]
    try:
        await asyncio.wait_for(asyncio.gather(*(db.migrate() for db in databases)), timeout=120)
        for db in databases:
            async with db.engine.connect() as conn:
                tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            assert "guests" in tables and "alembic_version" in tables
    finally:
        for db in databases:
            await db.dispose()
