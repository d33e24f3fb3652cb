"""PostgreSQL fixtures: one throw-away cluster per test session, one seeded database per test.

The cluster (tests/pg.py) is started once; a template database is migrated and seeded once; every
test gets `CREATE DATABASE … TEMPLATE` of it (about 0.1 s) and it is dropped afterwards.
`pg_container` / `pg_client` mirror `container` / `client` of tests/conftest.py on that database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.api.deps import Container
from roomiai.clock import Clock
from roomiai.config import Settings
from roomiai.payments.local_vault import LocalVault
from roomiai.demo.seed import seed_demo
from roomiai.store.database import Database
from roomiai.store.uow import UnitOfWork
from tests import pg
from tests.conftest import HOTEL_TZ, PII_KEY, SECRET, TODAY

TEMPLATE = "roomiai_template"
VAULT_KEY = b"0" * 43 + b"="


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    """A PostgreSQL server for this session; stopped (and its directory deleted) at the end."""
    if pg.skip_requested():
        pytest.skip("ROOMIAI_SKIP_PG=1: PostgreSQL tests skipped")
    problem = None
    try:
        cluster = pg.Cluster.start()
    except pg.PostgresNotFound as exc:
        problem = str(exc)
    except pg.PostgresFailed as exc:
        problem = f"Could not start the throw-away PostgreSQL cluster:\n{exc}"
    if problem:
        pytest.fail(problem, pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


async def _make_template(cluster: pg.Cluster) -> None:
    await cluster.create_database(TEMPLATE)
    db = Database(cluster.url(TEMPLATE), pii_key=PII_KEY)
    try:
        await db.migrate()
        async with UnitOfWork(db, write=True) as uow:
            await seed_demo(uow, now=Clock(HOTEL_TZ, pinned_date=TODAY).now())
    finally:
        await db.dispose()
    await cluster.execute(f'ALTER DATABASE "{TEMPLATE}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')


@pytest.fixture(scope="session")
def pg_template(pg_cluster: pg.Cluster) -> str:
    """Name of the migrated, seeded template database."""
    asyncio.run(_make_template(pg_cluster))
    return TEMPLATE


@pytest.fixture
async def pg_database(pg_cluster: pg.Cluster, pg_template: str) -> AsyncIterator[str]:
    """A fresh copy of the seeded template for this test; dropped afterwards."""
    name = await pg_cluster.create_database(pg.unique_name(), template=pg_template)
    try:
        yield name
    finally:
        await pg_cluster.drop_database(name)


@pytest.fixture
def pg_url(pg_cluster: pg.Cluster, pg_database: str) -> str:
    """postgresql+asyncpg:// URL of this test's seeded database."""
    return pg_cluster.url(pg_database)


@pytest.fixture
async def empty_pg_url(pg_cluster: pg.Cluster) -> AsyncIterator[str]:
    """URL of an empty database (no tables) for migration tests."""
    name = await pg_cluster.create_database(pg.unique_name("roomiai_empty"))
    try:
        yield pg_cluster.url(name)
    finally:
        await pg_cluster.drop_database(name)


def pg_settings(url: str, tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=url, jwt_secret=SECRET, vault_key="", pii_key=PII_KEY, today=TODAY,
                    _env_file=None)


@pytest.fixture
async def pg_container(pg_url: str, clock: Clock, tmp_path) -> AsyncIterator[Container]:
    """Like `container`, on this test's PostgreSQL database."""
    vault = LocalVault(tmp_path / "vault.sqlite3", key=VAULT_KEY)
    c = build_container(pg_settings(pg_url, tmp_path), clock=clock, gateway=vault)
    try:
        yield c
    finally:
        await c.db.dispose()
        vault.close()


@pytest.fixture
async def pg_client(pg_container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, on this test's PostgreSQL database."""
    app = create_app(pg_container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test") as http:
        yield http


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request) -> str:
    """Runs a test once on the SQLite file database and once on PostgreSQL."""
    return request.param


@pytest.fixture
def any_container(request, db_kind: str) -> Container:
    """`container` (SQLite file) or `pg_container`, following db_kind."""
    return request.getfixturevalue("container" if db_kind == "sqlite" else "pg_container")


_FIGURES: list[str] = []


@pytest.fixture
def concurrency_figures() -> list[str]:
    """Lines of measured throughput, printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("RoomiAI concurrency figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
