"""Engine and sessions for SQLite (embedded) and PostgreSQL (production), and migrations."""

from __future__ import annotations

import asyncio
import time
import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Text, event, select, type_coerce
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from ..private_files import private_file
from . import pii
from .failures import storage_problem
from .quick_reads import QuickReads
from .sqlite_driver import one_trip_dbapi
from .tables import CallTranscriptRecord, GuestRecord

MIGRATIONS = Path(__file__).parent / "migrations"
PING_IDLE_SECONDS = 5.0  # PostgreSQL: pooled connections idle this long are pinged before use


class Database:
    """One engine; writers on SQLite take the write lock up front (BEGIN IMMEDIATE).

    `pii_key` encrypts guests' personal data; without one, the configured key is used
    (ROOMIAI_PII_KEY, or in dev mode the key generated once into the data dir).
    PostgreSQL: a pooled connection idle for `ping_idle_seconds` or more is pinged before use.
    """

    def __init__(
        self, url: str, *, echo: bool = False, pii_key: str | None = None, ping_idle_seconds: float = PING_IDLE_SECONDS
    ):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:" and not self.url.database.startswith("file:"):
                private_file(self.url.database)
            one_trip = one_trip_dbapi() if self.url.drivername == "sqlite+aiosqlite" else None
            self.engine: AsyncEngine = create_async_engine(
                url, echo=echo, connect_args={"timeout": 30}, **({"module": one_trip} if one_trip else {})
            )
            _sqlite_transactions(self.engine)
        else:
            self.engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20)
            _ping_when_idle(self.engine, idle_seconds=ping_idle_seconds)
        file = self.url.database if self.is_sqlite and self.url.database not in (None, "", ":memory:") else None
        # SQLite files: hot reads (token checks, availability) in one trip to a reader thread; None elsewhere
        self.quick: QuickReads | None = QuickReads(file) if file and not file.startswith("file:") else None
        self._readers = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        writer = self.engine.execution_options(roomiai_write=True)
        self._writers = async_sessionmaker(writer, expire_on_commit=False, autoflush=False)
        self._write_lock: asyncio.Lock | None = None
        self._write_lock_loop: asyncio.AbstractEventLoop | None = None
        self._pii_key = pii_key
        self._pii_keys: pii.PiiKeys | None = None
        self._storage_failure: str | None = None
        pii.install(self.engine.sync_engine.dialect, self.pii_keys)
        event.listen(self.engine.sync_engine, "commit", self._committed)

    def pii_keys(self) -> pii.PiiKeys:
        """The keys that encrypt and index personal data, derived on first use."""
        if self._pii_keys is None:
            secret = self._pii_key
            if secret is None:
                from ..config import get_settings

                secret = get_settings().resolved_pii_key()
            self._pii_keys = pii.PiiKeys(secret)
        return self._pii_keys

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

    def storage_failed(self, problem: str) -> None:
        """A request failed because of the storage; health reports it until a write succeeds again."""
        self._storage_failure = problem

    def _committed(self, conn) -> None:
        if conn.get_execution_options().get("roomiai_write", False):
            self._storage_failure = None

    async def storage_problem(self) -> str | None:
        """What is wrong with the storage: the database cannot be read now, or the last write failed; None when well."""
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - told apart just below
            problem = storage_problem(exc)
            if problem is None:
                raise
            return problem
        return self._storage_failure

    async def migrate(self) -> None:
        """Bring the schema to the newest migration; refuse a PII key other than the one the data was encrypted with."""
        # alembic keeps the running migration's context in a module global, and run_sync's greenlets interleave on
        # one event loop: two databases migrated at once (concurrent calls in one process) would swap connections
        async with _MIGRATING.setdefault(asyncio.get_running_loop(), asyncio.Lock()), self.engine.begin() as conn:
            await conn.run_sync(_upgrade)
            await conn.run_sync(_check_pii_key, self.pii_keys())

    async def dispose(self) -> None:
        if self.quick is not None:
            self.quick.close()
        await self.engine.dispose()


_MIGRATING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(sync_connection) -> None:
    command.upgrade(alembic_config(sync_connection), "head")


def _check_pii_key(sync_connection, keys: pii.PiiKeys) -> None:
    """Every stored value names its key; one guest contact and one transcript line show which key the data needs."""
    for column in (GuestRecord.__table__.c.email, GuestRecord.__table__.c.phone, CallTranscriptRecord.__table__.c.text):
        stored = sync_connection.execute(select(type_coerce(column, Text)).where(column.is_not(None)).limit(1)).scalar()
        key_id = pii.stored_key_id(stored)
        if key_id is not None and key_id != keys.key_id:
            raise pii.PiiKeyMismatch(
                f"This database's guest data is encrypted with the PII key {key_id}, but the configured "
                f"ROOMIAI_PII_KEY is {keys.key_id}. Start with the key it was created with (in dev mode the file pii.key "
                "in the data dir), or start over with an empty database."
            )


def _ping_when_idle(engine: AsyncEngine, *, idle_seconds: float) -> None:
    """Ping a pooled PostgreSQL connection before use only when it sat idle (a server restart, an idle timeout).

    A ping is three trips to the server (BEGIN, ";", ROLLBACK); pinging on every checkout made it a fifth of a
    booking's trips. A connection in steady use that breaks fails one request, and SQLAlchemy then replaces every
    pooled connection opened before it.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["roomiai_idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("roomiai_idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:  # noqa: BLE001 - any failed ping: every pooled connection is replaced
            raise sa_exc.InvalidatePoolError(f"a pooled connection failed its ping: {exc}") from exc


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
