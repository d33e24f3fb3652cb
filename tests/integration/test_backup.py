"""`roomi backup` and `roomi restore` on the embedded SQLite database, against a real `roomi serve` taking bookings.

Backups are taken by the CLI while a thread keeps booking through the API; each one must be an intact database whose
bookings, booking history and sold inventory agree (no half transaction). Restoring one into a stopped server's data
folder brings back exactly its bookings.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from roomiai.store.backup import BackupProblem, inspect, known_migrations, restore
from tests.conftest import TODAY, token_for
from tests.integration.test_redis_shared import Served, serve_env, wait_until

pytestmark = pytest.mark.integration


def roomi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "roomiai.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def facts(path: Path) -> dict[str, object]:
    """What must agree inside one consistent copy: bookings, their history, and the rooms sold per night."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        numbers = {row[0] for row in db.execute("SELECT confirmation_number FROM bookings")}
        with_history = db.execute("SELECT count(DISTINCT booking_id) FROM booking_events").fetchone()[0]
        nights_booked = db.execute(
            "SELECT coalesce(sum(nights * rooms_count), 0) FROM bookings WHERE status = 'confirmed'"
        ).fetchone()[0]
        nights_sold = db.execute("SELECT coalesce(sum(sold), 0) FROM inventory WHERE pool = '*'").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "numbers": numbers,
        "with_history": with_history,
        "nights_booked": nights_booked,
        "nights_sold": nights_sold,
        "integrity": integrity,
    }


class Booker(threading.Thread):
    """Books one room after another through the API until told to stop."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.made: list[str] = []
        self.failures: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {token_for('agent')}"}
        with httpx.Client(base_url=self.url, timeout=30, headers=headers) as http:
            for index in range(2000):
                if self.stop.is_set():
                    return
                check_in = TODAY + dt.timedelta(days=1 + index % 200)
                response = http.post(
                    "/v1/bookings",
                    json={
                        "check_in": check_in.isoformat(),
                        "check_out": (check_in + dt.timedelta(days=2)).isoformat(),
                        "room_type_id": ("STD", "DLX")[index % 2],
                        "guests": {"adults": 2},
                        "primary_guest": {
                            "first_name": "Ada",
                            "last_name": f"Lovelace{index}",
                            "email": f"ada{index}@example.com",
                        },
                    },
                )
                if response.status_code == 201:
                    self.made.append(response.json()["booking"]["confirmation_number"])
                else:
                    self.failures.append(f"{response.status_code} {response.text[:200]}")


@pytest.fixture
def folder(tmp_path, seeded_template) -> Path:
    shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
    return tmp_path


@pytest.fixture
def env(folder) -> dict[str, str]:
    settings = serve_env(folder, redis_url="")
    settings.update(ROOMIAI_AGENT_BOOKING_RATE_PER_MINUTE="0", ROOMIAI_BOOKING_RATE_PER_MINUTE="0")
    return settings


@pytest.fixture
def server(env, folder) -> Iterator[Served]:
    served = Served(env, folder)
    try:
        served.ready()
        yield served
    finally:
        served.stop()


def test_backups_taken_while_bookings_go_on_are_consistent_and_restore_exactly(env, folder, server):
    booker = Booker(f"http://127.0.0.1:{server.port}")
    booker.start()
    backups = []
    try:
        for name in ("first.sqlite3", "second.sqlite3"):
            wanted = len(booker.made) + 5
            wait_until(lambda wanted=wanted: len(booker.made) >= wanted, seconds=120, what="five more bookings")
            made = roomi(env, "backup", str(folder / name))
            assert made.returncode == 0, made.stderr
            assert "backed up" in made.stdout
            backups.append(folder / name)
        refused = roomi(env, "restore", str(backups[0]), "--force")
    finally:
        booker.stop.set()
        booker.join(timeout=60)
    assert not booker.failures, booker.failures[:3]
    assert refused.returncode == 2
    assert f"open in process {server.process.pid}" in refused.stderr

    first, second = facts(backups[0]), facts(backups[1])
    for copy in (first, second):
        assert copy["integrity"] == "ok"
        assert copy["with_history"] == len(copy["numbers"])  # every booking has its history, no half transaction
        assert copy["nights_sold"] == copy["nights_booked"]
    assert first["numbers"] < second["numbers"] <= set(booker.made) | first["numbers"]
    assert len(first["numbers"] & set(booker.made)) >= 5
    server.stop()

    restored = roomi(env, "restore", str(backups[0]))
    assert restored.returncode == 2 and "--force" in restored.stderr  # the database there holds a hotel
    restored = roomi(env, "restore", str(backups[0]), "--force")
    assert restored.returncode == 0, restored.stderr
    kept = sorted(folder.glob("roomiai.sqlite3.before-restore-*"))
    assert len(kept) == 1 and facts(kept[0])["numbers"] >= second["numbers"]  # the replaced database is kept

    again = Served(env, folder)
    try:
        again.ready()
        headers = {"Authorization": f"Bearer {token_for('admin')}"}
        for number in sorted(first["numbers"] & set(booker.made)):
            assert again.http.get(f"/v1/bookings/{number}", headers=headers).status_code == 200, number
        later = sorted(set(booker.made) - first["numbers"])
        assert later, "the booker made bookings after the first backup"
        assert again.http.get(f"/v1/bookings/{later[-1]}", headers=headers).status_code == 404
    finally:
        again.stop()


def test_restore_checks_the_file_is_a_roomiai_database_it_knows(tmp_path, seeded_template):
    target = tmp_path / "data" / "roomiai.sqlite3"
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE things (id INTEGER)")
    future = tmp_path / "future.sqlite3"
    shutil.copy(seeded_template, future)
    with closing(sqlite3.connect(future)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_roomiai'")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(seeded_template.read_bytes()[: 64 * 1024])

    for bad, reason in (
        (not_sqlite, "not a SQLite database"),
        (other, "not a RoomiAI one"),
        (future, "newer RoomiAI"),
        (damaged, "damaged"),
        (tmp_path / "missing", "no backup file"),
    ):
        with pytest.raises(BackupProblem, match=reason):
            restore(bad, target)
    assert not target.exists()

    migration, _ = inspect(seeded_template)
    assert migration in known_migrations()
    report = restore(seeded_template, target)
    assert report.replaced is None and target.exists()


def test_backup_is_refused_for_postgresql(env, tmp_path):
    env = {**env, "ROOMIAI_DATABASE_URL": "postgresql+asyncpg://roomiai@127.0.0.1:1/roomiai"}
    result = roomi(env, "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 2
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
