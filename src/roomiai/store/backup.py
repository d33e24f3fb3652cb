"""Backups of the embedded SQLite database: a consistent copy taken while the API serves, and its restore.

A backup is one SQLite file made with SQLite's online backup API in a single step: one read transaction, so it holds
every transaction committed before it began and none after, while writers go on (WAL). A restore first checks that
the file is a RoomiAI database at a migration this version knows, and never replaces a database that a running
process has open.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from .database import alembic_config


class BackupProblem(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    migration: str
    bookings: int
    size_bytes: int


@dataclass(frozen=True)
class RestoreReport:
    database: Path
    migration: str
    bookings: int
    replaced: Path | None  # where the database that was there before now is


def sqlite_file(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupProblem for PostgreSQL or an in-memory database."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupProblem(
            "roomi backup and restore are for the embedded SQLite database; on PostgreSQL use "
            "pg_dump and pg_restore (README: Backups)"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupProblem("ROOMIAI_DATABASE_URL names no SQLite file to back up or restore")
    return Path(url.database)


def known_migrations() -> set[str]:
    """Every migration revision this version of RoomiAI has."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def backup(source: Path, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the database at `source` to `target` consistently, while other processes may be writing to it."""
    if not source.is_file():
        raise BackupProblem(f"there is no database at {source} (check ROOMIAI_DATABASE_URL or ROOMIAI_DATA_DIR)")
    if target.exists() and not overwrite:
        raise BackupProblem(f"{target} already exists; choose another name, or pass --force to replace it")
    if target.resolve() == source.resolve():
        raise BackupProblem("the backup file cannot be the database itself")
    migration, _ = _describe(source)
    draft = _draft_beside(target)
    try:
        with closing(_connect(source, read_only=True)) as live, closing(sqlite3.connect(draft)) as copy:
            live.backup(copy)  # pages=-1: the whole database inside one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_integrity(draft)
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    migration, bookings = _describe(target)
    return BackupReport(path=target, migration=migration, bookings=bookings, size_bytes=target.stat().st_size)


def inspect(path: Path) -> tuple[str, int]:
    """(migration, bookings) of a backup; BackupProblem unless it is an intact RoomiAI database this version knows."""
    if not path.is_file():
        raise BackupProblem(f"there is no backup file at {path}")
    with open(path, "rb") as head:
        if head.read(16) != b"SQLite format 3\x00":
            raise BackupProblem(f"{path} is not a SQLite database, so not a RoomiAI backup")
    _check_integrity(path)
    migration, bookings = _describe(path)
    if migration not in known_migrations():
        raise BackupProblem(
            f"{path} is at migration {migration}, which this version of RoomiAI does not know: it was "
            "made by a newer RoomiAI; restore it with that version"
        )
    return migration, bookings


def restore(
    backup_file: Path, database: Path, *, replace_existing: bool = False, now: dt.datetime | None = None
) -> RestoreReport:
    """Put a checked backup in place of the database; the database that was there is kept beside it, renamed."""
    migration, bookings = inspect(backup_file)
    if backup_file.resolve() == database.resolve():
        raise BackupProblem("the backup file is the database itself; nothing to restore")
    users = processes_using(database)
    if users:
        raise BackupProblem(
            f"{database} is open in process {', '.join(map(str, users))} (a running roomi serve, demo "
            "or agent?): stop it first, then restore"
        )
    replaced = None
    if database.exists():
        if _holds_data(database) and not replace_existing:
            raise BackupProblem(
                f"{database} already holds a hotel's data; pass --force to replace it (it is kept "
                "beside it under a new name)"
            )
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
        replaced = database.with_name(f"{database.name}.before-restore-{stamp}")
        _checkpoint(database)
        os.replace(database, replaced)
    database.parent.mkdir(parents=True, exist_ok=True)
    draft = _draft_beside(database)
    try:
        with closing(_connect(backup_file, read_only=True)) as source, closing(sqlite3.connect(draft)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")  # as the API runs it
        os.replace(draft, database)
    finally:
        draft.unlink(missing_ok=True)
    for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)  # of the old file, which nobody has open
    return RestoreReport(database=database, migration=migration, bookings=bookings, replaced=replaced)


def processes_using(path: Path) -> list[int]:
    """IDs of other processes holding the database (or its -wal) open, from /proc; empty where /proc is absent."""
    proc = Path("/proc")
    if not proc.is_dir() or not path.exists():
        return []
    wanted = {str(path.resolve()), f"{path.resolve()}-wal"}
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in wanted for fd in (entry / "fd").iterdir()):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to look at
            continue
    return sorted(found)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def _draft_beside(path: Path) -> Path:
    """A private file in the target's folder, so the final rename is atomic and guest data is never world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.partial")
    draft.unlink(missing_ok=True)
    os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return draft


def _check_integrity(path: Path) -> None:
    try:
        with closing(_connect(path, read_only=True)) as conn:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path} cannot be read as a SQLite database: {exc}") from None
    if result != "ok":
        raise BackupProblem(f"{path} is damaged (SQLite quick_check: {result})")


def _describe(path: Path) -> tuple[str, int]:
    """The migration a RoomiAI database is at, and how many bookings it holds."""
    try:
        with closing(_connect(path, read_only=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "bookings"} <= tables:
                raise BackupProblem(f"{path} is a SQLite database but not a RoomiAI one (no migrations or bookings)")
            versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            bookings = conn.execute("SELECT count(*) FROM bookings").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path} cannot be read as a SQLite database: {exc}") from None
    if len(versions) != 1:
        raise BackupProblem(f"{path} records {len(versions)} migrations at once; it is not a RoomiAI database")
    return versions[0], bookings


def _holds_data(path: Path) -> bool:
    try:
        with closing(_connect(path, read_only=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "hotel_settings" not in tables:
                return bool(tables - {"alembic_version"})
            return any(
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()  # noqa: S608 - fixed names
                for table in ("hotel_settings", "users", "bookings")
            )
    except sqlite3.DatabaseError:
        return True  # unreadable: it is not for us to say it is empty


def _checkpoint(path: Path) -> None:
    """Fold the -wal of a database nobody has open into its file, so it moves as one file."""
    try:
        with closing(_connect(path, read_only=False)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # not a database we could fold; it is moved aside as it is
