"""Two real `roomi serve` processes on one database and one real redis-server: limits hold across both.

Redis is Debian's redis-server on a free loopback port with no persistence, stopped by its PID; the API processes
are `roomi serve` subprocesses on loopback. Killing Redis shows the fallback (per-process limits, one log line) and
starting it again shows the way back.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from roomiai.shared_state import MemoryWindows, Window
from roomiai.shared_state.redis_link import RedisLink
from roomiai.shared_state.redis_windows import RedisWindows
from tests.conftest import PII_KEY, SECRET, TODAY, token_for

pytestmark = pytest.mark.redis

LOOKUP_LIMIT = 3
BOOKING_LIMIT = 2
DOWN = "does not answer"
BACK = "answers again"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, *, seconds: float = 60.0, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, redis.RedisError, OSError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s")


class RedisServer:
    """redis-server on loopback, in memory only; started and stopped by this test."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder), "--logfile", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.client().ping(), seconds=20, what="redis-server answers")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)


class Served:
    """One `roomi serve` process; its log lines (stderr) in a file."""

    def __init__(self, env: dict[str, str], folder: Path, *args: str):
        self.port = free_port()
        self.log = folder / f"serve-{self.port}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "roomiai.cli", "serve", "--port", str(self.port), *args],
                env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def ready(self) -> None:
        wait_until(lambda: self.http.get("/v1/health").status_code == 200, what=f"roomi serve on {self.port} answers")

    def lines(self, text: str) -> list[str]:
        return [line for line in self.log.read_text(errors="replace").splitlines() if text in line]

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def serve_env(folder: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_")}
    env.update(ROOMIAI_DATA_DIR=str(folder), ROOMIAI_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'roomiai.sqlite3'}",
               ROOMIAI_JWT_SECRET=SECRET, ROOMIAI_PII_KEY=PII_KEY, ROOMIAI_TODAY=TODAY.isoformat(),
               ROOMIAI_MAIL_DELIVERY="off", ROOMIAI_REDIS_URL=redis_url,
               ROOMIAI_LOOKUP_FAILURES_ALLOWED=str(LOOKUP_LIMIT), ROOMIAI_BOOKING_RATE_PER_MINUTE=str(BOOKING_LIMIT))
    return env


@pytest.fixture(scope="module")
def folder(tmp_path_factory, seeded_template) -> Path:
    path = tmp_path_factory.mktemp("redis-shared")
    shutil.copy(seeded_template, path / "roomiai.sqlite3")
    return path


@pytest.fixture(scope="module")
def redis_server(folder) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: run scripts/install-test-tools.sh (make test does)", pytrace=False)
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pair(folder, redis_server) -> Iterator[tuple[Served, Served]]:
    env = serve_env(folder, redis_server.url)
    first = Served(env, folder)
    first.ready()  # migrated once before the second starts
    second = Served(env, folder)
    try:
        second.ready()
        yield first, second
    finally:
        first.stop()
        second.stop()


def bearer(role: str, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(role, subject)}"}


def wrong_login(server: Served, username: str) -> httpx.Response:
    return server.http.post("/v1/auth/token", data={"username": username, "password": "not-the-password"})


def failed_lookup(server: Served, subject: str) -> httpx.Response:
    return server.http.post("/v1/bookings/lookup", json={"confirmation_number": "ROOMI-20260101-999", "last_name": "Nobody"},
                            headers=bearer("staff", subject))


def booking(server: Served, i: int, subject: str) -> httpx.Response:
    body = {"check_in": "2026-02-02", "check_out": "2026-02-03", "room_type_id": "STD", "guests": {"adults": 1},
            "primary_guest": {"first_name": "Shared", "last_name": f"Limit{i}", "email": f"shared{i}@example.com"}}
    return server.http.post("/v1/bookings", json=body, headers=bearer("staff", subject))


async def test_redis_windows_count_age_out_and_clear_like_the_in_process_ones(redis_server):
    link = RedisLink(redis_server.url)
    shared, alone = RedisWindows(link), MemoryWindows()
    try:
        for windows in (shared, alone):
            key = f"rate:{type(windows).__name__}"
            assert await windows.record(key, now=1000.0, window=60, limit=2) == Window(0, None)
            assert await windows.record(key, now=1010.5, window=60, limit=2) == Window(1, 1000.0)
            assert await windows.record(key, now=1020.0, window=60, limit=2) == Window(2, 1000.0)  # refused, not counted
            assert await windows.peek(key, now=1060.0, window=60) == Window(1, 1010.5)  # the first aged out
            assert await windows.record(key, now=1060.0, window=60, limit=2) == Window(1, 1010.5)
            await windows.clear(key)
            assert await windows.peek(key, now=1060.0, window=60) == Window(0, None)
        await shared.record("login:127.0.0.1\x1fsomeone", now=1000.0, window=300)
        stored = [key.decode() for key in redis_server.client().keys("roomiai:rl:login:*")]
        assert len(stored) == 1 and "someone" not in stored[0] and redis_server.client().ttl(stored[0]) > 0
        assert not link.down
    finally:
        await link.aclose()


def test_ready_checks_the_database_and_redis_apart_from_liveness(pair):
    first, _ = pair
    ready = first.http.get("/v1/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}
    assert first.http.get("/v1/health").json()["status"] == "ok"


def test_five_wrong_passwords_in_all_across_both_processes_lock_the_login(pair, redis_server):
    first, second = pair
    for attempt in range(5):
        assert wrong_login(pair[attempt % 2], "staff").status_code == 401

    for server in (first, second):
        refused = server.http.post("/v1/auth/token", data={"username": "staff", "password": "grandhotel-staff"})
        assert refused.status_code == 429 and refused.json()["code"] and int(refused.headers["retry-after"]) > 0
    assert first.http.post("/v1/auth/token", data={"username": "agent", "password": "grandhotel-agent"}).status_code == 200
    keys = [key.decode() for key in redis_server.client().keys("roomiai:rl:login:*")]
    assert keys and not any("staff" in key for key in keys)  # who was throttled is not readable in Redis


def test_the_booking_rate_and_the_lookup_limit_hold_across_both_processes(pair):
    first, second = pair
    assert booking(first, 1, "rate-clerk").status_code == 201
    assert booking(second, 2, "rate-clerk").status_code == 201
    refused = booking(first, 3, "rate-clerk")
    assert refused.status_code == 429 and "at most 2 a minute" in refused.json()["detail"]

    for attempt in range(LOOKUP_LIMIT):
        assert failed_lookup(pair[attempt % 2], "guessing-clerk").status_code == 404
    limited = failed_lookup(second, "guessing-clerk")
    assert limited.status_code == 429 and limited.json()["code"] == "lookup_limited"


def test_a_token_revoked_through_one_process_is_refused_by_the_other(pair):
    first, second = pair
    made = first.http.put("/v1/admin/users/night-clerk", json={"role": "staff", "password": "night-clerk-pass-1"},
                          headers=bearer("admin"))
    assert made.status_code == 200, made.text
    token = second.http.post("/v1/auth/token", data={"username": "night-clerk", "password": "night-clerk-pass-1"})
    held = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert first.http.get("/v1/hotel", headers=held).status_code == 200

    changed = second.http.put("/v1/admin/users/night-clerk", json={"role": "agent"}, headers=bearer("admin"))
    assert changed.status_code == 200, changed.text

    assert first.http.get("/v1/hotel", headers=held).status_code == 401
    assert second.http.get("/v1/hotel", headers=held).status_code == 401


def test_a_room_type_changed_through_one_process_is_seen_by_the_other_at_once(pair):
    first, second = pair
    admin = bearer("admin")
    before = {t["code"]: t["name"] for t in second.http.get("/v1/rooms/types", headers=admin).json()["room_types"]}
    room_type = first.http.get("/v1/admin/room-types/STD", headers=admin).json()
    assert before["STD"] == room_type["name"]

    changed = first.http.put("/v1/admin/room-types/STD", json={**room_type, "name": "Garden Standard"}, headers=admin)
    assert changed.status_code == 200, changed.text

    after = {t["code"]: t["name"] for t in second.http.get("/v1/rooms/types", headers=admin).json()["room_types"]}
    assert after["STD"] == "Garden Standard"


def test_a_booking_made_through_one_process_is_off_the_other_process_s_availability_at_once(pair):
    first, second = pair
    query = {"check_in": "2026-03-10", "check_out": "2026-03-11", "adults": 1, "room_type": "STD"}

    def free_through(server: Served) -> int:
        options = server.http.get("/v1/rooms/availability", params=query, headers=bearer("agent")).json()["options"]
        return options[0]["available_count"] if options else 0

    before = free_through(second)
    assert before > 0 and free_through(first) == before  # both have read (and may cache) this answer
    made = first.http.post("/v1/bookings", json={
        "check_in": query["check_in"], "check_out": query["check_out"], "room_type_id": "STD", "guests": {"adults": 1},
        "primary_guest": {"first_name": "Last", "last_name": "Room", "email": "last.room@example.com"},
    }, headers=bearer("staff", "availability-clerk"))
    assert made.status_code == 201, made.text

    assert free_through(second) == before - 1


def test_without_redis_both_answer_with_their_own_limits_and_share_them_again_when_it_is_back(pair, redis_server):
    first, second = pair
    redis_server.stop()

    for server in (first, second):  # each process alone allows the whole limit
        for _ in range(LOOKUP_LIMIT):
            assert failed_lookup(server, "outage-clerk").status_code == 404
        assert failed_lookup(server, "outage-clerk").status_code == 429
    not_ready = first.http.get("/v1/ready")
    assert not_ready.status_code == 503 and not_ready.headers["content-type"] == "application/problem+json"
    body = not_ready.json()
    assert body["code"] == "not_ready" and body["checks"]["database"] == "ok" and DOWN in body["checks"]["redis"]
    assert first.http.get("/v1/health").status_code == 200  # alive, only not ready
    for server in (first, second):
        assert len(server.lines(DOWN)) == 1, server.lines(DOWN)

    redis_server.start()  # same port, empty
    for server in (first, second):
        wait_until(lambda server=server: server.http.get("/v1/ready").status_code == 200, seconds=20,
                   what="ready again once Redis is back")
    for attempt in range(LOOKUP_LIMIT):
        assert failed_lookup(pair[attempt % 2], "after-outage-clerk").status_code == 404
    assert failed_lookup(first, "after-outage-clerk").status_code == 429
    assert failed_lookup(second, "after-outage-clerk").status_code == 429
    for server in (first, second):
        assert len(server.lines(BACK)) == 1 and len(server.lines(DOWN)) == 1


def test_two_workers_behind_one_port_share_the_login_throttle(folder, redis_server):
    served = Served(serve_env(folder, redis_server.url), folder, "--workers", "2")
    try:
        served.ready()
        wait_until(lambda: len(children(served.process.pid)) >= 2, seconds=30, what="two worker processes")
        workers = {pid for pid in children(served.process.pid)}
        for _ in range(5):
            assert wrong_login(served, "admin").status_code == 401
            served.http.close()  # a new connection each time: the kernel spreads them over the workers
            served.http = httpx.Client(base_url=f"http://127.0.0.1:{served.port}", timeout=10)
        assert wrong_login(served, "admin").status_code == 429
        assert served.http.get("/v1/ready").status_code == 200
    finally:
        served.stop()
    assert served.process.returncode is not None
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists() and not zombie(pid)]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and "spawn" in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
    return found


def zombie(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
