"""HTTP load with wrk: `roomi serve` on a loaded database against a bare FastAPI app, in the same run.

    python bench/http_load.py                         # SQLite: copy of bench/.data/year.sqlite3 (built if missing)
    python bench/http_load.py --duration 10 --connections 32
    python bench/http_load.py --postgres --servers 2  # throw-away PostgreSQL (tests/pg.py), two `roomi serve` processes
    python bench/http_load.py --profile /tmp/serve-profile.txt   # the server under pyinstrument (not a dependency)

Phases, each `--duration` seconds with `wrk -t2 -c<connections>`:
  bare          GET /hello on a bare FastAPI app served by the same uvicorn (the ceiling)
  availability  GET /v1/rooms/availability for random stays and parties (2,000 different searches, rarely repeated)
  polling       the same, over 100 searches asked again and again (a channel manager polling its dates)
  mixed         the availability storm again, and at the same time bookings from 2 connections (POST /v1/bookings)
  bookings      bookings alone from --booking-connections connections (PostgreSQL: spread over the servers)
After the run the database is checked for overbooking: no night of any pool sold beyond its rooms, and
the bookings on the books per night never more than the rooms in service.

wrk comes from Debian (`apt-get install wrk`); the script says so when it is missing. Results: a table
on stdout and JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for extra in (str(ROOT / "src"), str(BENCH), str(ROOT)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

import api_bench  # noqa: E402
import load_year  # noqa: E402
from sqlalchemy import text  # noqa: E402

from roomiai.config import Settings  # noqa: E402
from roomiai.services.auth import access_token  # noqa: E402
from roomiai.store.database import Database  # noqa: E402

RESULTS = BENCH / "results"
SECRET = api_bench.SECRET

DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, '
    .. '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def availability_lua(paths: list[str], token: str) -> str:
    items = ",\n".join(json.dumps(p) for p in paths)
    return f"""
local paths = {{
{items}
}}
local n = 0
wrk.headers["Authorization"] = "Bearer {token}"
setup = function(thread) end
init = function(args) n = math.random(#paths) end
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
""" + DONE_LUA


def booking_lua(stays: list[dict], token: str, tag: str) -> str:
    items = ",\n".join(
        "{{{!r}, {!r}, {!r}, {}, {}}}".format(s["check_in"], s["check_out"], s["room_type"], s["adults"], s["children"])
        .replace("'", '"') for s in stays
    )
    return f"""
local stays = {{
{items}
}}
local counter = 0
threads = 0
me = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
setup = function(thread) threads = threads + 1; thread:set("me", threads) end
init = function(args) counter = math.random(#stays) end
request = function()
  counter = counter + 1
  local s = stays[counter % #stays + 1]
  local body = string.format(
    '{{"check_in": "%s", "check_out": "%s", "room_type_id": "%s", "rate_code": "BAR", '
    .. '"guests": {{"adults": %d, "children": %d}}, "accept_policies": true, "booking_source": "voice_agent", '
    .. '"primary_guest": {{"first_name": "Load", "last_name": "Guest", "email": "load.{tag}.%d.%d@example.com"}}}}',
    s[1], s[2], s[3], s[4], s[5], me, counter)
  return wrk.format(nil, nil, nil, body)
end
""" + DONE_LUA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on loopback, started here and stopped by its PID."""

    def __init__(self, argv: list[str], *, env: dict[str, str], port: int, health: str, log: Path):
        self.port, self.health, self.log = port, health, log
        self.process = subprocess.Popen(argv, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server on port {self.port} exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.port}{self.health}", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise SystemExit(f"server on port {self.port} did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly (and pyinstrument writes its report)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wrk(url: str, *, script: Path, duration: int, connections: int, threads: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wrk_result(process: subprocess.Popen, name: str) -> dict:
    out, _ = process.communicate()
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk ({name}) printed no result:\n{out}")
    row = json.loads(match.group(1))
    row["per_second"] = round(row["requests"] / (row["duration_us"] / 1e6), 1)
    row["name"] = name
    return row


def run_phase(name: str, jobs: list[tuple[str, Path, int, int]], duration: int) -> list[dict]:
    """Runs wrk jobs (url, script, connections, threads) at the same time; one row per job."""
    processes = [(f"{name}" if len(jobs) == 1 else f"{name}: {url.split('/')[-1].split('?')[0]} :{url.split(':')[2].split('/')[0]}",
                  wrk(url, script=script, duration=duration, connections=c, threads=t)) for url, script, c, t in jobs]
    return [wrk_result(p, label) for label, p in processes]


def stays(rng: random.Random, today: dt.date, n: int) -> list[dict]:
    items = []
    for body in api_bench.booking_bodies(rng, today, n, tag="x"):
        items.append({"check_in": body["check_in"], "check_out": body["check_out"], "room_type": body["room_type_id"],
                      "adults": body["guests"]["adults"], "children": body["guests"]["children"]})
    return items


def availability_paths(rng: random.Random, today: dt.date, n: int) -> list[str]:
    from urllib.parse import urlencode

    half = n // 2
    queries = api_bench.availability_queries(rng, today, half, filtered=False)
    queries += api_bench.availability_queries(rng, today, n - half, filtered=True)
    rng.shuffle(queries)
    return [f"/v1/rooms/availability?{urlencode(q)}" for q in queries]


OVERSOLD_POOLS = "SELECT count(*) FROM inventory WHERE sold + blocked > total"
# bookings holding a room of a type on a night, against the rooms of that type in service
OVERBOOKED_NIGHTS = """
WITH RECURSIVE nights(booking_id, room_type_id, rooms, night, check_out) AS (
  SELECT id, room_type_id, rooms_count, check_in_date, check_out_date FROM bookings
   WHERE status IN ('confirmed', 'checked_in') AND check_out_date > :today
  UNION ALL
  SELECT booking_id, room_type_id, rooms, {next_night}, check_out FROM nights WHERE {next_night} < check_out
)
SELECT count(*) FROM (
  SELECT n.room_type_id, n.night, sum(n.rooms) AS held FROM nights n WHERE n.night >= :today
  GROUP BY n.room_type_id, n.night
  HAVING sum(n.rooms) > (SELECT count(*) FROM rooms r WHERE r.room_type_id = n.room_type_id
                          AND r.status NOT IN ('out_of_service', 'maintenance'))
) AS over
"""


async def overbooking(url: str, today: dt.date, pii_key: str) -> dict:
    db = Database(url, pii_key=pii_key)
    next_night = "date(night, '+1 day')" if db.is_sqlite else "(night + 1)"
    try:
        async with db.engine.connect() as conn:
            pools = (await conn.execute(text(OVERSOLD_POOLS))).scalar_one()
            nights = (await conn.execute(text(OVERBOOKED_NIGHTS.format(next_night=next_night)), {"today": today})).scalar_one()
            bookings = (await conn.execute(text("SELECT count(*) FROM bookings"))).scalar_one()
    finally:
        await db.dispose()
    return {"oversold_pool_nights": pools, "overbooked_type_nights": nights, "bookings": bookings}


def server_stack(env: dict[str, str]) -> str:
    """The event loop and HTTP parser uvicorn's "auto" picks in a server started with `env` (both servers get it)."""
    probe = ("import importlib\n"
             "def has(name):\n"
             "    try:\n        importlib.import_module(name)\n        return True\n"
             "    except ImportError:\n        return False\n"
             "print(('uvloop' if has('uvloop') else 'asyncio') + ' + ' + ('httptools' if has('httptools') else 'h11'))")
    return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout.strip()


def table(rows: list[dict]) -> str:
    head = f"{'phase':<44} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'requests':>9} {'non-2xx':>8} {'sock err':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['name']:<44} {r['per_second']:>8.1f} {r['p50_ms']:>8.2f} {r['p90_ms']:>8.2f} {r['p99_ms']:>8.2f} "
                     f"{r['max_ms']:>8.1f} {r['requests']:>9} {r['non2xx']:>8} {r['socket_errors']:>8}")
    return "\n".join(lines)


async def prepare(args: argparse.Namespace, workdir: Path, stack: contextlib.ExitStack) -> tuple[str, dt.date, dict]:
    """The loaded database's URL, its today and what was loaded."""
    if args.postgres:
        from tests import pg

        cluster = pg.Cluster.start()
        stack.callback(cluster.stop)
        name = await cluster.create_database("http_load")
        today = args.today or load_year.hotel_today()
        print(f"PostgreSQL {cluster.major}: loading {args.load_days} days + {args.load_ahead} ahead ...", flush=True)
        meta = await load_year.load(cluster.url(name), today=today, days=args.load_days, ahead=args.load_ahead, seed=7)
        print(load_year.summary(meta), flush=True)
        return cluster.url(name), today, {"engine": "postgresql", "load": meta}
    meta = await api_bench.ensure_loaded(args.db, days=365, ahead=120, today=args.today, seed=7)
    url = api_bench.sqlite_copy(args.db, workdir, "loaded.sqlite3")
    return url, dt.date.fromisoformat(meta["today"]), {"engine": "sqlite", "database": str(args.db), "load": meta}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=load_year.DEFAULT_FILE, help="loaded SQLite file (built when missing)")
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL cluster, loaded here")
    parser.add_argument("--load-days", type=int, default=30, help="--postgres: days of past arrivals to load (default 30)")
    parser.add_argument("--load-ahead", type=int, default=120, help="--postgres: days of future arrivals (default 120)")
    parser.add_argument("--today", type=dt.date.fromisoformat)
    parser.add_argument("--servers", type=int, default=1, help="`roomi serve` processes, on ports of their own (default 1)")
    parser.add_argument("--workers", type=int, default=1, help="`roomi serve --workers N`: N processes behind each port")
    parser.add_argument("--duration", type=int, default=10, help="seconds per phase (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections of the read phases (default 32)")
    parser.add_argument("--booking-connections", type=int, default=8, help="wrk connections of the bookings phase")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--phases", default="bare,availability,polling,mixed,bookings")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the source tree `roomi serve` runs from (e.g. an older version unpacked by `git archive`)")
    parser.add_argument("--profile", type=Path, help="run the (first) server under pyinstrument; its text report here")
    parser.add_argument("--stack", choices=("auto", "asyncio-h11"), default="auto",
                        help="auto: uvicorn picks uvloop and httptools when installed; asyncio-h11: hides them from "
                             "both servers (bare and roomi), as on a machine without them")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("http_load: wrk is not installed. On Debian/Ubuntu: apt-get install wrk", file=sys.stderr)
        return 2
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    rng = random.Random(7)
    rows: list[dict] = []
    info: dict = {"src": str(args.src), "machine": f"{os.cpu_count()} cores", "load_average": os.getloadavg(), "duration_s": args.duration,
                  "connections": args.connections, "servers": args.servers, "workers": args.workers}
    with tempfile.TemporaryDirectory(prefix="roomi-http-load-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        url, today, meta = asyncio.run(prepare(args, workdir, stack))
        info.update(meta, today=today.isoformat())
        pii_key = Settings(_env_file=None).resolved_pii_key()  # the loader's key (dev mode: var/pii.key)
        env = {**os.environ, "ROOMIAI_DATABASE_URL": url, "ROOMIAI_JWT_SECRET": SECRET, "ROOMIAI_PII_KEY": pii_key,
               "ROOMIAI_DATA_DIR": str(workdir), "ROOMIAI_TODAY": today.isoformat(), "ROOMIAI_MAIL_DELIVERY": "off",
               "ROOMIAI_AGENT_BOOKING_RATE_PER_MINUTE": "0", "ROOMIAI_LOG_LEVEL": "WARNING",
               "PYTHONPATH": os.pathsep.join([str(args.src.resolve()), os.environ.get("PYTHONPATH", "")])}
        if args.stack == "asyncio-h11":  # uvicorn's "auto" falls back to asyncio and h11 when these cannot be imported
            shim = workdir / "hide-uvloop-httptools"
            shim.mkdir()
            for name in ("uvloop", "httptools"):
                (shim / f"{name}.py").write_text(f"raise ImportError('{name} hidden by http_load --stack asyncio-h11')\n")
            env["PYTHONPATH"] = os.pathsep.join([str(shim), env["PYTHONPATH"]])
        info["stack"] = server_stack(env)
        print(f"servers: {info['stack']}", flush=True)
        python = sys.executable
        servers: list[Server] = []
        if "bare" in phases:
            port = free_port()
            bare = Server([python, "-m", "uvicorn", "--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port),
                           "--log-level", "warning", "bare_app:app"], env=env, port=port, health="/hello",
                          log=workdir / "bare.log")
            stack.callback(bare.stop)
            bare.wait_ready()
            script = workdir / "bare.lua"
            script.write_text(DONE_LUA)
            print("bare ...", flush=True)
            rows += run_phase("bare FastAPI GET /hello", [(f"http://127.0.0.1:{port}/hello", script, args.connections,
                                                          args.threads)], args.duration)
            bare.stop()
        for i in range(args.servers):
            port = free_port()
            argv = [python, "-m", "roomiai.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            if args.workers > 1:
                argv += ["--workers", str(args.workers)]
            if args.profile and i == 0:
                argv = [python, "-m", "pyinstrument", "-r", "text", "-o", str(args.profile), "-m", "roomiai.cli",
                        *argv[3:]]
            server = Server(argv, env=env, port=port, health="/v1/health", log=workdir / f"serve-{i}.log")
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_ready()
        info["before"] = asyncio.run(overbooking(url, today, pii_key))
        token = access_token(secret=SECRET, subject="bench", role="agent", minutes=240, now=dt.datetime.now(dt.UTC))
        read = workdir / "availability.lua"
        searches = availability_paths(rng, today, 2000)
        read.write_text(availability_lua(searches, token))
        polled = workdir / "polling.lua"
        polled.write_text(availability_lua(searches[:100], token))
        write = workdir / "bookings.lua"
        write.write_text(booking_lua(stays(rng, today, 2000), token, os.urandom(3).hex()))
        bases = [f"http://127.0.0.1:{s.port}" for s in servers]
        per_server = max(1, args.connections // len(bases))
        threads = max(1, args.threads // len(bases))
        if "availability" in phases:
            print("availability ...", flush=True)
            rows += run_phase("GET /v1/rooms/availability", [(f"{b}/v1/rooms/availability", read, per_server, threads)
                                                             for b in bases], args.duration)
        if "polling" in phases:
            print("polling ...", flush=True)
            rows += run_phase("GET availability, 100 searches polled", [(f"{b}/v1/rooms/availability", polled, per_server, threads)
                                                                        for b in bases], args.duration)
        if "mixed" in phases:
            print("mixed ...", flush=True)
            reads = [(f"{b}/v1/rooms/availability", read, per_server, threads) for b in bases]
            rows += run_phase("mixed", [*reads, (f"{bases[0]}/v1/bookings", write, 2, 1)], args.duration)
        if "bookings" in phases:
            print("bookings ...", flush=True)
            per = max(1, args.booking_connections // len(bases))
            rows += run_phase("POST /v1/bookings", [(f"{b}/v1/bookings", write, per, 1) for b in bases], args.duration)
        for server in servers:
            server.stop()
        info["after"] = asyncio.run(overbooking(url, today, pii_key))
    print()
    print(table(rows))
    print(f"servers: {info['stack']}; load average before the run: {info['load_average'][0]:.1f}")
    print(f"\nbefore: {info['before']}\nafter:  {info['after']} ({info['after']['bookings'] - info['before']['bookings']} booked)")
    if args.profile:
        print(f"profile: {args.profile}")
    out = args.json or RESULTS / f"http_load-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"info": info, "rows": rows}, indent=2, default=str))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
