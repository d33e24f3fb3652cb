"""Where one booking's time goes: SQL statements, driver trips and milliseconds per POST /v1/bookings.

    python bench/booking_trips.py                     # SQLite: a copy of bench/.data/year.sqlite3 (built if missing)
    python bench/booking_trips.py --postgres          # throw-away PostgreSQL (tests/pg.py), 30 + 120 days loaded
    python bench/booking_trips.py --src /tmp/old/src  # an older tree, for before/after
    python bench/booking_trips.py --show              # also print the statements of one booking

Bookings are sent one after another through the in-process app (httpx on ASGI, no server), so the
figures are the booking's own: statements (SQLAlchemy `before_cursor_execute`), driver trips (SQLite:
hand-offs to aiosqlite's thread; PostgreSQL: asyncpg calls that wait for the server), wall time and
this process's CPU. Mail is off unless --mail, as in http_load.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent


def _paths(src: Path) -> None:
    for extra in (str(ROOT), str(BENCH), str(src)):
        if extra in sys.path:
            sys.path.remove(extra)
        sys.path.insert(0, extra)


class Trips:
    """Counts a driver's waits: aiosqlite thread hand-offs, or asyncpg calls that go to the server."""

    def __init__(self) -> None:
        self.count = 0
        self.by_name: dict[str, int] = {}
        self._inside = False  # bookings are sent one after another, so one flag is enough

    def _wrap(self, owner, name: str) -> None:
        original = getattr(owner, name)

        label = f"{owner.__name__}.{name}"

        async def counted(*args, **kwargs):
            if self._inside:  # e.g. Transaction.start runs Connection.execute("BEGIN"): one trip
                return await original(*args, **kwargs)
            self.count += 1
            self.by_name[label] = self.by_name.get(label, 0) + 1
            self._inside = True
            try:
                return await original(*args, **kwargs)
            finally:
                self._inside = False

        setattr(owner, name, counted)

    def install(self, dialect: str) -> None:
        if dialect == "sqlite":
            import aiosqlite.core

            self._wrap(aiosqlite.core.Connection, "_execute")
            return
        import asyncpg.connection
        import asyncpg.prepared_stmt
        import asyncpg.transaction

        for name in ("prepare", "fetchrow", "execute", "executemany", "fetch", "fetchval"):
            self._wrap(asyncpg.connection.Connection, name)
        for name in ("fetch", "fetchrow", "fetchval", "executemany"):
            self._wrap(asyncpg.prepared_stmt.PreparedStatement, name)
        for name in ("start", "commit", "rollback"):
            self._wrap(asyncpg.transaction.Transaction, name)


async def measure(url: str, today: dt.date, workdir: Path, *, n: int, show: bool, seed: int, concurrency: int) -> dict:
    import api_bench
    from sqlalchemy import event

    rng = random.Random(seed)
    tag = os.urandom(3).hex()
    async with api_bench.in_process(url, today, workdir) as (target, container):
        dialect = container.db.engine.dialect.name
        await api_bench.run_requests(target.book, api_bench.booking_bodies(rng, today, 10, tag=f"{tag}w"), 1)
        statements: list[str] = []
        event.listen(container.db.engine.sync_engine, "before_cursor_execute",
                     lambda conn, cursor, sql, params, context, many: statements.append(sql))
        trips = Trips()
        trips.install(dialect)
        per_booking, times, statuses = [], [], {}
        cpu = time.process_time()
        for body in api_bench.booking_bodies(rng, today, n, tag=tag):
            s0, t0, started = len(statements), trips.count, time.perf_counter()
            status = await target.book(body)
            times.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                per_booking.append((len(statements) - s0, trips.count - t0, statements[s0:]))
        cpu = time.process_time() - cpu
        together = None
        if concurrency > 1:  # the same number of bookings again, `concurrency` at a time on this one event loop
            latencies, seconds, done = await api_bench.run_requests(
                target.book, api_bench.booking_bodies(rng, today, n, tag=f"{tag}c"), concurrency)
            latencies.sort()
            together = {"per_second": n / seconds, "p50_ms": latencies[len(latencies) // 2] * 1000,
                        "statuses": dict(done)}
    made = per_booking
    if show and made:
        print(f"--- statements of one booking ({made[-1][0]}):")
        for sql in made[-1][2]:
            print("  ", " ".join(sql.split())[:160])
        print(f"--- driver calls over all {n} bookings:", dict(sorted(trips.by_name.items())))
    times.sort()
    return {
        "engine": dialect,
        "bookings": n,
        "statuses": statuses,
        "statements": statistics.mean(p[0] for p in made) if made else None,
        "trips": statistics.mean(p[1] for p in made) if made else None,
        "p50_ms": times[len(times) // 2],
        "mean_ms": statistics.mean(times),
        "cpu_ms": cpu * 1000 / n,
        "concurrent": together,
    }


async def prepare(args, workdir: Path, stack: contextlib.ExitStack) -> tuple[str, dt.date]:
    import api_bench
    import load_year

    if args.postgres:
        from tests import pg

        cluster = pg.Cluster.start()
        stack.callback(cluster.stop)
        name = await cluster.create_database("booking_trips")
        today = args.today or load_year.hotel_today()
        await load_year.load(cluster.url(name), today=today, days=30, ahead=120, seed=7)
        return cluster.url(name), today
    meta = await api_bench.ensure_loaded(args.db, days=365, ahead=120, today=args.today, seed=7)
    return api_bench.sqlite_copy(args.db, workdir, "loaded.sqlite3"), dt.date.fromisoformat(meta["today"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=BENCH / ".data" / "year.sqlite3")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--today", type=dt.date.fromisoformat)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to measure")
    parser.add_argument("--show", action="store_true", help="print the statements of one booking")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="then as many bookings again, N at a time in this process: bookings/s and p50")
    parser.add_argument("--mail", action="store_true", help="queue the confirmation e-mail (off by default, as in http_load)")
    args = parser.parse_args(argv)
    os.environ["ROOMIAI_MAIL_DELIVERY"] = "files" if args.mail else "off"
    _paths(args.src.resolve())

    async def run() -> dict:
        with tempfile.TemporaryDirectory(prefix="roomi-trips-") as tmp, contextlib.ExitStack() as stack:
            url, today = await prepare(args, Path(tmp), stack)
            return await measure(url, today, Path(tmp), n=args.bookings, show=args.show, seed=args.seed,
                                 concurrency=args.concurrency)

    result = asyncio.run(run())
    print(f"{result['engine']}: {result['bookings']} bookings one after another {result['statuses']}, per booking made: "
          f"{result['statements']:.1f} statements, {result['trips']:.1f} driver trips, "
          f"p50 {result['p50_ms']:.1f} ms, mean {result['mean_ms']:.1f} ms, this process's CPU {result['cpu_ms']:.1f} ms (src {args.src}, load {os.getloadavg()[0]:.2f})")
    if result["concurrent"]:
        c = result["concurrent"]
        print(f"  {args.concurrency} at a time: {c['per_second']:.1f} bookings/s, p50 {c['p50_ms']:.1f} ms {c['statuses']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
