"""API benchmarks: availability search and booking creation through the real app, and how search scales.

    python bench/api_bench.py                          # in-process app on bench/.data/year.sqlite3 (built if missing)
    python bench/api_bench.py --requests 1000 --concurrency 8
    python bench/api_bench.py --db /tmp/other.sqlite3  # a file made by bench/load_year.py
    python bench/api_bench.py --database-url postgresql+asyncpg://u@h/db --today 2026-01-12
    python bench/api_bench.py --postgres               # throw-away PostgreSQL cluster (tests/pg.py), loaded here
    python bench/api_bench.py --url http://127.0.0.1:8000   # a running `roomi serve` (logs in as admin)

(a) GET /v1/rooms/availability for random stays (1-7 nights starting in the next 120 days, random
    parties, with and without a room_type filter): sequential and concurrent requests/s, latency.
(b) POST /v1/bookings for random stays: sequential and concurrent throughput, latency, 201 vs 409.
(c) Scaling: availability latency on a hotel with 0 bookings vs the loaded one, for stays of 1, 7
    and 30 nights, over HTTP and at the service (`services.availability.search`), with the number of
    SQL statements and inventory rows each search reads.

SQLite runs work on a copy of the file, so the loaded database stays as it was; (b) writes bookings
into a PostgreSQL database given with --database-url. Results: a table on stdout and a JSON file
under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for extra in (str(ROOT / "src"), str(BENCH), str(ROOT)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

import httpx  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import load_year  # noqa: E402
from roomiai.api.app import create_app  # noqa: E402
from roomiai.bootstrap import build_container  # noqa: E402
from roomiai.clock import Clock  # noqa: E402
from roomiai.config import Settings  # noqa: E402
from roomiai.payments.local_vault import LocalVault  # noqa: E402
from roomiai.services import availability, catalog  # noqa: E402
from roomiai.services.auth import access_token  # noqa: E402
from roomiai.demo.seed import seed_demo  # noqa: E402
from roomiai.domain.stay import make_stay  # noqa: E402
from roomiai.store.database import Database  # noqa: E402
from roomiai.store.tables import BookingRecord, InventoryRecord  # noqa: E402
from roomiai.store.uow import UnitOfWork  # noqa: E402

SECRET = "bench-secret-0123456789abcdef0123456789"
HOTEL_TZ = load_year.HOTEL_TZ
RESULTS = BENCH / "results"
ROOM_TYPES = ("STD", "DLX", "STE", "FAM")
PARTIES = ((1, 0), (2, 0), (2, 0), (2, 1), (2, 2), (3, 0), (1, 1))
FAMILY_PARTIES = ((2, 2), (2, 3), (4, 0), (3, 1))
WARM_UP = 20


# ---------------------------------------------------------------- measuring


@dataclass
class Row:
    section: str
    name: str
    requests: int
    concurrency: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    per_second: float
    statuses: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def make_row(section: str, name: str, latencies: list[float], seconds: float, concurrency: int,
             statuses: Counter | None = None, **extra) -> Row:
    ms = sorted(x * 1000 for x in latencies)
    return Row(
        section=section, name=name, requests=len(ms), concurrency=concurrency, seconds=round(seconds, 3),
        p50_ms=round(percentile(ms, 50), 2), p95_ms=round(percentile(ms, 95), 2), p99_ms=round(percentile(ms, 99), 2),
        mean_ms=round(statistics.fmean(ms), 2) if ms else float("nan"), max_ms=round(ms[-1], 2) if ms else float("nan"),
        per_second=round(len(ms) / seconds, 1) if seconds else float("nan"),
        statuses={str(k): v for k, v in sorted((statuses or {}).items())}, extra=extra,
    )


async def run_requests(send, items: list, concurrency: int) -> tuple[list[float], float, Counter]:
    """Send every item (`send(item)` returns a status code); latencies, wall time and status counts."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    queue = iter(items)

    async def worker() -> None:
        for item in queue:
            started = time.perf_counter()
            status = await send(item)
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, statuses


# ---------------------------------------------------------------- workloads


def availability_queries(rng: random.Random, today: dt.date, n: int, *, filtered: bool,
                         nights: int | None = None, window: int = 120) -> list[dict[str, Any]]:
    queries = []
    for _ in range(n):
        length = nights or rng.randint(1, 7)
        check_in = today + dt.timedelta(days=rng.randrange(window))
        room_type = rng.choice(ROOM_TYPES) if filtered else None
        adults, children = rng.choice(FAMILY_PARTIES if room_type == "FAM" else PARTIES)
        if room_type in ("STD", "DLX") and adults + children > 3:
            adults, children = 2, 1
        params = {"check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=length)).isoformat(),
                  "adults": adults, "children": children}
        if room_type:
            params["room_type"] = room_type
        queries.append(params)
    return queries


def booking_bodies(rng: random.Random, today: dt.date, n: int, *, tag: str) -> list[dict[str, Any]]:
    bodies = []
    for i in range(n):
        check_in = today + dt.timedelta(days=rng.randrange(120))
        room_type = rng.choices(ROOM_TYPES, weights=(45, 33, 10, 12))[0]
        adults, children = rng.choice(FAMILY_PARTIES if room_type == "FAM" else PARTIES[:5])
        if room_type in ("STD", "DLX", "STE") and adults + children > 3:
            adults, children = 2, 1
        bodies.append({
            "check_in": check_in.isoformat(),
            "check_out": (check_in + dt.timedelta(days=rng.choices(range(1, 8), weights=(26, 28, 20, 9, 7, 4, 6))[0])).isoformat(),
            "room_type_id": room_type,
            "rate_code": "BAR",
            "guests": {"adults": adults, "children": children},
            "primary_guest": {"first_name": "Bench", "last_name": f"Guest{tag}{i}",
                              "email": f"bench.{tag}.{i}@example.com"},
            "accept_policies": True,
            "booking_source": "voice_agent",
        })
    return bodies


class Target:
    """An httpx client on the in-process app (or a live URL) with an access token."""

    def __init__(self, client: httpx.AsyncClient, token: str, today: dt.date, label: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.today = today
        self.label = label

    async def availability(self, params: dict[str, Any]) -> int:
        response = await self.client.get("/v1/rooms/availability", params=params, headers=self.headers)
        if response.status_code != 200:
            self.last_error = response.text[:300]
        return response.status_code

    async def book(self, body: dict[str, Any]) -> int:
        response = await self.client.post("/v1/bookings", json=body, headers=self.headers)
        if response.status_code not in (201, 409):
            self.last_error = response.text[:300]
        return response.status_code


@contextlib.asynccontextmanager
async def in_process(database_url: str, today: dt.date, workdir: Path):
    """The app on this database, its container and an httpx client on it (no network)."""
    # the benchmark is one agent token booking as fast as it can: the per-client booking limit would measure itself
    settings = Settings(data_dir=workdir, database_url=database_url, jwt_secret=SECRET, vault_key="", today=today,
                        agent_booking_rate_per_minute=0, _env_file=None)
    vault = LocalVault(workdir / f"vault-{os.urandom(4).hex()}.sqlite3", key=Fernet.generate_key())
    container = build_container(settings, clock=Clock(HOTEL_TZ, pinned_date=today), gateway=vault)
    app = create_app(container)
    token = access_token(secret=SECRET, subject="bench", role="agent", minutes=240, now=dt.datetime.now(dt.timezone.utc))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.bench") as client:
            yield Target(client, token, today, "in-process"), container
    finally:
        await container.db.dispose()
        vault.close()


@contextlib.asynccontextmanager
async def live(url: str, *, token: str | None, username: str, password: str):
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        health = (await client.get("/v1/health")).raise_for_status().json()
        if token is None:
            response = await client.post("/v1/auth/token", data={"username": username, "password": password})
            response.raise_for_status()
            token = response.json()["access_token"]
        yield Target(client, token, dt.date.fromisoformat(health["today"]), url)


async def section_availability(target: Target, rng: random.Random, n: int, concurrency: int) -> list[Row]:
    rows = []
    for filtered in (False, True):
        label = "with room_type" if filtered else "all room types"
        await run_requests(target.availability, availability_queries(rng, target.today, WARM_UP, filtered=filtered), 1)
        for conc in (1, concurrency):
            queries = availability_queries(rng, target.today, n, filtered=filtered)
            latencies, seconds, statuses = await run_requests(target.availability, queries, conc)
            rows.append(make_row("a", f"GET availability, {label}", latencies, seconds, conc, statuses))
            _check(statuses, {200}, target)
    return rows


async def section_bookings(target: Target, rng: random.Random, n: int, concurrency: int) -> list[Row]:
    rows = []
    run = os.urandom(3).hex()
    await run_requests(target.book, booking_bodies(rng, target.today, 5, tag=f"{run}w"), 1)
    for conc in (1, concurrency):
        bodies = booking_bodies(rng, target.today, n, tag=f"{run}c{conc}")
        latencies, seconds, statuses = await run_requests(target.book, bodies, conc)
        rows.append(make_row("b", "POST booking", latencies, seconds, conc, statuses,
                             created=statuses.get(201, 0), sold_out=statuses.get(409, 0)))
        _check(statuses, {201, 409}, target)
    return rows


def _check(statuses: Counter, expected: set[int], target: Target) -> None:
    unexpected = {k: v for k, v in statuses.items() if k not in expected}
    if unexpected:
        print(f"  ! unexpected statuses {unexpected}: {getattr(target, 'last_error', '')}", file=sys.stderr)


class StatementCounter:
    """Counts SQL statements the engine runs."""

    def __init__(self, db: Database):
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._on)

    def _on(self, *args) -> None:
        self.count += 1


async def section_scaling(databases: dict[str, str], today: dt.date, workdir: Path, n: int, seed: int) -> list[Row]:
    """Same searches on each database; stays of 1, 7 and 30 nights; HTTP and service level."""
    rows = []
    for label, url in databases.items():
        async with in_process(url, today, workdir) as (target, container):
            db = container.db
            async with UnitOfWork(db) as uow:
                bookings = (await uow.session.execute(select(func.count()).select_from(BookingRecord))).scalar_one()
                inventory_rows = (await uow.session.execute(select(func.count()).select_from(InventoryRecord))).scalar_one()
                hotel = await catalog.load_hotel(uow.session)
            counter = StatementCounter(db)
            for nights in (1, 7, 30):
                rng = random.Random(seed * 1000 + nights)  # the same stays on every database
                await run_requests(target.availability, availability_queries(rng, today, WARM_UP, filtered=False,
                                                                             nights=nights, window=90), 1)
                queries = availability_queries(rng, today, n, filtered=False, nights=nights, window=90)
                before = counter.count
                latencies, seconds, statuses = await run_requests(target.availability, queries, 1)
                statements = (counter.count - before) / len(queries)
                _check(statuses, {200}, target)
                rows_read = await _inventory_rows_read(db, queries)
                rows.append(make_row("c", f"HTTP  {nights:>2} nights, {label}", latencies, seconds, 1, statuses,
                                     bookings=bookings, inventory_rows=inventory_rows, nights=nights,
                                     sql_per_request=round(statements, 1), inventory_rows_read=rows_read))
                service = []
                started_all = time.perf_counter()
                for params in queries:
                    started = time.perf_counter()
                    async with UnitOfWork(db) as uow:
                        stay = make_stay(dt.date.fromisoformat(params["check_in"]), dt.date.fromisoformat(params["check_out"]),
                                         today=today, horizon_days=550)
                        await availability.search(uow.session, hotel=hotel, stay=stay, today=today,
                                                  adults=params["adults"], children=params["children"], rooms_needed=1)
                    service.append(time.perf_counter() - started)
                rows.append(make_row("c", f"svc   {nights:>2} nights, {label}", service, time.perf_counter() - started_all, 1,
                                     bookings=bookings, inventory_rows=inventory_rows, nights=nights))
    return rows


async def _inventory_rows_read(db: Database, queries: list[dict[str, Any]]) -> float:
    """Mean number of inventory rows the searches' range scan returns."""
    total = 0
    async with UnitOfWork(db) as uow:
        for params in queries[:50]:
            total += (await uow.session.execute(
                select(func.count()).select_from(InventoryRecord).where(
                    InventoryRecord.stay_date >= dt.date.fromisoformat(params["check_in"]),
                    InventoryRecord.stay_date < dt.date.fromisoformat(params["check_out"]),
                )
            )).scalar_one()
    return round(total / min(50, len(queries)), 1)


# ---------------------------------------------------------------- databases


async def empty_hotel(url: str, today: dt.date) -> None:
    db = Database(url)
    try:
        await db.migrate()
        async with UnitOfWork(db, write=True) as uow:
            await seed_demo(uow, now=Clock(HOTEL_TZ, pinned_date=today).now())
    finally:
        await db.dispose()


def sqlite_copy(source: Path, workdir: Path, name: str) -> str:
    target = workdir / name
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return load_year.sqlite_url(target)


async def ensure_loaded(path: Path, *, days: int, ahead: int, today: dt.date | None, seed: int) -> dict:
    """The meta of a loaded SQLite file; builds it (cached) when missing."""
    meta_file = Path(f"{path}.json")
    if path.exists() and meta_file.exists():
        return json.loads(meta_file.read_text())
    print(f"building {path} ({days} days + {ahead} ahead of bookings; cached for next runs) ...", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = await load_year.load(load_year.sqlite_url(path.resolve()), today=today or load_year.hotel_today(),
                                days=days, ahead=ahead, seed=seed)
    print(load_year.summary(meta), flush=True)
    return meta


# ---------------------------------------------------------------- report


def table(rows: list[Row]) -> str:
    head = f"{'':2} {'benchmark':38} {'n':>5} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  notes"
    lines = [head, "-" * len(head)]
    for r in rows:
        notes = []
        if r.section == "b":
            notes.append(f"201: {r.statuses.get('201', 0)}  409: {r.statuses.get('409', 0)}")
        if "bookings" in r.extra:
            notes.append(f"{r.extra['bookings']} bookings")
        if "sql_per_request" in r.extra:
            notes.append(f"{r.extra['sql_per_request']} SQL/req, {r.extra['inventory_rows_read']} inv rows/req")
        other = {k: v for k, v in r.statuses.items() if k not in ("200", "201", "409")}
        if other:
            notes.append(f"other: {other}")
        lines.append(f"{r.section:2} {r.name:38} {r.requests:>5} {r.concurrency:>4} {r.per_second:>8.1f} "
                     f"{r.p50_ms:>8.2f} {r.p95_ms:>8.2f} {r.p99_ms:>8.2f}  {'; '.join(notes)}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    rows: list[Row] = []
    info: dict[str, Any] = {"machine": machine(), "requests": args.requests, "concurrency": args.concurrency,
                            "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="roomiai-bench-") as tmp:
        workdir = Path(tmp)
        if args.url:
            async with live(args.url, token=args.token, username=args.user, password=args.password) as target:
                info.update(target=args.url, today=target.today.isoformat())
                if "a" in args.only:
                    rows += await section_availability(target, rng, args.requests, args.concurrency)
                if "b" in args.only:
                    rows += await section_bookings(target, rng, args.requests, args.concurrency)
            return {"info": info, "rows": rows}

        cluster = None
        try:
            if args.postgres:
                from tests import pg  # a throw-away cluster, as the integration tests use

                cluster = pg.Cluster.start()
                loaded_name = await cluster.create_database("bench_loaded")
                empty_name = await cluster.create_database("bench_empty")
                today = args.today or load_year.hotel_today()
                print(f"PostgreSQL {cluster.major}: loading {args.load_days} days + {args.load_ahead} ahead ...", flush=True)
                meta = await load_year.load(cluster.url(loaded_name), today=today, days=args.load_days,
                                            ahead=args.load_ahead, seed=args.seed)
                print(load_year.summary(meta), flush=True)
                loaded_url, empty_url = cluster.url(loaded_name), cluster.url(empty_name)
                await empty_hotel(empty_url, today)
                info.update(engine="postgresql", server_options=pg.SERVER_OPTIONS, load=meta)
            elif args.database_url:
                if not args.today:
                    raise SystemExit("--today is needed with --database-url (the date the bookings were loaded for)")
                today, loaded_url = args.today, args.database_url
                empty_url = load_year.sqlite_url(workdir / "empty.sqlite3")
                await empty_hotel(empty_url, today)
                info.update(engine=make_url(loaded_url).get_backend_name(), database=make_url(loaded_url).render_as_string())
            else:
                meta = await ensure_loaded(args.db, days=args.load_days, ahead=args.load_ahead, today=args.today,
                                           seed=args.seed)
                today = dt.date.fromisoformat(meta["today"])
                loaded_url = sqlite_copy(args.db, workdir, "loaded.sqlite3")
                empty_url = load_year.sqlite_url(workdir / "empty.sqlite3")
                await empty_hotel(empty_url, today)
                info.update(engine="sqlite", database=str(args.db), load=meta)
            info["today"] = today.isoformat()
            if "a" in args.only:
                print("(a) availability ...", flush=True)
                async with in_process(loaded_url, today, workdir) as (target, _):
                    rows += await section_availability(target, rng, args.requests, args.concurrency)
            if "c" in args.only:
                print("(c) scaling ...", flush=True)
                rows += await section_scaling({"0 bookings": empty_url, "loaded": loaded_url}, today, workdir,
                                              max(50, args.requests // 2), args.seed)
            if "b" in args.only:
                print("(b) bookings ...", flush=True)
                async with in_process(loaded_url, today, workdir) as (target, _):
                    rows += await section_bookings(target, rng, args.requests, args.concurrency)
        finally:
            if cluster is not None:
                cluster.stop()
    return {"info": info, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=load_year.DEFAULT_FILE,
                        help=f"loaded SQLite file (default {load_year.DEFAULT_FILE}; built when missing)")
    parser.add_argument("--database-url", help="a loaded database by URL instead (needs --today); (b) writes into it")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL cluster and load it here")
    parser.add_argument("--url", help="benchmark a running server instead of the in-process app (sections a and b)")
    parser.add_argument("--token", help="access token for --url (default: log in with --user/--password)")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="grandhotel-admin")
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement (default 300)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the hotel's today for a database that is built here")
    parser.add_argument("--load-days", type=int, default=365, help="days of history when a database is built here")
    parser.add_argument("--load-ahead", type=int, default=120, help="days of future arrivals when a database is built here")
    parser.add_argument("--only", default="abc", help="sections to run, e.g. 'ac' (default abc)")
    parser.add_argument("--json", type=Path, help="where to write the results (default bench/results/api_bench-<time>.json)")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    rows = result["rows"]
    print()
    print(table(rows))
    out = args.json or RESULTS / f"api_bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"info": result["info"], "rows": [asdict(r) for r in rows]}, indent=2, default=str))
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
