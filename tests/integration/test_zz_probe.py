import pytest
from tests.conftest import headers

async def test_probe(any_container, db_kind):
    print(db_kind, any_container.db.url)

async def test_probe_client(pg_client):
    r = await pg_client.get("/v1/rooms/types", headers=headers())
    assert r.status_code == 200, r.text
