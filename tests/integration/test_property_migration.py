"""Migration 0004 (room blocks) both ways, on SQLite and on PostgreSQL, with a block in the database."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from alembic import command

from roomiai.api.app import create_app
from roomiai.store.database import alembic_config
from tests.conftest import headers

pytestmark = pytest.mark.integration


async def test_room_blocks_migration_goes_both_ways(any_container):
    db = any_container.db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(any_container)), base_url="http://t") as http:
        r = await http.post("/v1/admin/rooms/801/blocks", headers=headers(), json={"from": "2026-03-01", "to": "2026-03-03"})
        assert r.status_code == 201
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0003"))
            assert "room_blocks" not in await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        await db.migrate()
        assert (await http.get("/v1/admin/rooms/801/blocks", headers=headers())).json() == {"blocks": []}
        r = await http.post("/v1/admin/rooms/801/blocks", headers=headers(), json={"from": "2026-03-01", "to": "2026-03-03"})
        assert r.status_code == 201
