"""Engine and sessions for SQLite (embedded) and PostgreSQL (production), and migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """One engine; writers on SQLite take the write lock up front (BEGIN IMMEDIATE)."""

    def __init__(self, url: str, *, echo: bool = False):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: AsyncEngine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
            _sqlite_transactions(self.engine)
        else:
            self.engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._readers = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        writer = self.engine.execution_options(roomiai_write=True)
        self._writers = async_sessionmaker(writer, expire_on_commit=False, autoflush=False)
        self._write_lock: asyncio.Lock | None = None
        self._write_lock_loop: asyncio.AbstractEventLoop | None = None

    def write_lock(self) -> asyncio.Lock | None:
        """SQLite: writers of this process queue here instead of in SQLite's sleeping busy handler."""
        if not self.is_sqlite:
            return None
        loop = asyncio.get_running_loop()
        if self._write_lock_loop is not loop:
            self._write_lock, self._write_lock_loop = asyncio.Lock(), loop
        return self._write_lock

    def session(self, *, write: bool) -> AsyncSession:
        return (self._writers if write else self._readers)()

    async def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(sync_connection) -> None:
    command.upgrade(alembic_config(sync_connection), "head")


def _sqlite_transactions(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("roomiai_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
