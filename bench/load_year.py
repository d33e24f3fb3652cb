"""Load a year of realistic bookings into a fresh database and time it.

    python bench/load_year.py                         # SQLite file bench/.data/year.sqlite3, 365 days
    python bench/load_year.py --days 60 --out /tmp/x.sqlite3
    python bench/load_year.py --database-url postgresql+asyncpg://user@host/db --reset

Creates (or empties) the database, migrates it, seeds the Grand Hotel demo and books arrivals from
`--days` days before the hotel's today until today, plus `--ahead` days of future arrivals as they
would be on the books today (fewer the further ahead), through `demo.bookings.generate`,
i.e. through the real booking use case. Past stays are checked in / out / marked no-show and some
bookings cancelled. Prints counts and times; for a SQLite file it also writes `<file>.json` with
what was loaded (the API benchmark pins its clock to the same today from it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from roomiai.clock import Clock  # noqa: E402
from roomiai.payments.local_vault import LocalVault  # noqa: E402
from roomiai.demo import bookings as demo_bookings  # noqa: E402
from roomiai.demo.seed import is_seeded, seed_demo  # noqa: E402
from roomiai.store.database import Database  # noqa: E402
from roomiai.store.tables import BookingRecord, GuestRecord, InventoryRecord  # noqa: E402
from roomiai.store.uow import UnitOfWork  # noqa: E402

HOTEL_TZ = "America/New_York"
DATA = Path(__file__).resolve().parent / ".data"
DEFAULT_FILE = DATA / "year.sqlite3"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def hotel_today() -> dt.date:
    return Clock(HOTEL_TZ).today()


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def empty_postgres(db: Database) -> None:
    """Drop everything in the public schema (only with --reset)."""
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))


async def load(
    database_url: str, *, today: dt.date, days: int, ahead: int = 120, occupancy: float = 0.7, seed: int = 7,
    lifecycle: bool = True, reset: bool = False, quiet: bool = False,
) -> dict:
    """Fresh database → migrate → seed → bookings; returns what was loaded and how long each step took."""
    url = make_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite and url.database and url.database != ":memory:":
        remove_sqlite(Path(url.database))
    db = Database(database_url)
    timings: dict[str, float] = {}
    try:
        if not is_sqlite:
            async with UnitOfWork(db) as uow:
                try:
                    seeded = await is_seeded(uow)
                except Exception:  # noqa: BLE001 - no tables yet
                    seeded = False
            if seeded and not reset:
                raise SystemExit(f"{url.render_as_string(hide_password=True)} already holds a hotel; pass --reset to empty it")
            if reset:
                await empty_postgres(db)
        started = time.perf_counter()
        await db.migrate()
        timings["migrate_s"] = time.perf_counter() - started
        clock = Clock(HOTEL_TZ, pinned_date=today)
        started = time.perf_counter()
        async with UnitOfWork(db, write=True) as uow:
            await seed_demo(uow, now=clock.now())
        timings["seed_s"] = time.perf_counter() - started
        with tempfile.TemporaryDirectory(prefix="roomiai-bench-vault-") as vault_dir:
            vault = LocalVault(Path(vault_dir) / "vault.sqlite3", key=Fernet.generate_key())
            try:
                if not quiet:
                    print(f"booking arrivals {today - dt.timedelta(days=days)} .. {today + dt.timedelta(days=ahead - 1)}"
                          f" at {occupancy:.0%} occupancy ...", flush=True)
                report = await demo_bookings.generate(
                    db, clock=clock, gateway=vault, start=today - dt.timedelta(days=days), days=days + ahead,
                    occupancy=occupancy, seed=seed, actor="seed:bench", lifecycle=lifecycle,
                )
            finally:
                vault.close()
        async with UnitOfWork(db) as uow:
            session = uow.session
            by_status = dict(
                (await session.execute(select(BookingRecord.status, func.count()).group_by(BookingRecord.status))).all()
            )
            inventory_rows = (await session.execute(select(func.count()).select_from(InventoryRecord))).scalar_one()
            guests = (await session.execute(select(func.count()).select_from(GuestRecord))).scalar_one()
    finally:
        await db.dispose()
    size = None
    if is_sqlite and url.database:
        size = sum(Path(f"{url.database}{s}").stat().st_size for s in ("", "-wal") if Path(f"{url.database}{s}").exists())
    generation = report.as_dict()
    meta = {
        "database": url.render_as_string(hide_password=True),
        "engine": url.get_backend_name(),
        "today": today.isoformat(),
        "days": days,
        "ahead": ahead,
        "occupancy": occupancy,
        "seed": seed,
        "bookings": sum(by_status.values()),
        "bookings_by_status": by_status,
        "guests": guests,
        "inventory_rows": inventory_rows,
        "database_bytes": size,
        "generation": generation,
        "bookings_per_second": round(report.bookings / report.seconds, 1) if report.seconds else None,
        **{k: round(v, 3) for k, v in timings.items()},
        "python": platform.python_version(),
        "loaded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if is_sqlite and url.database:
        Path(f"{url.database}.json").write_text(json.dumps(meta, indent=2, default=str))
    return meta


def summary(meta: dict) -> str:
    g = meta["generation"]
    size = f", {meta['database_bytes'] / 2**20:.1f} MiB" if meta.get("database_bytes") else ""
    return "\n".join([
        f"database        {meta['database']} ({meta['engine']}{size})",
        f"today           {meta['today']}  arrivals: {meta['days']} days back + {meta['ahead']} ahead,"
        f" target occupancy {meta['occupancy']:.0%}, seed {meta['seed']}",
        f"bookings        {meta['bookings']}  {meta['bookings_by_status']}",
        f"guests          {meta['guests']}   room-nights booked {g['room_nights']}   inventory rows {meta['inventory_rows']}",
        f"refused         {g['skipped']} (sold out {g['sold_out']})   front desk refused {g['front_desk_refused']}",
        f"time            migrate {meta['migrate_s']:.2f} s, seed {meta['seed_s']:.2f} s,"
        f" bookings {g.get('booking_seconds', 0):.1f} s + front desk {g.get('front_desk_seconds', 0):.1f} s"
        f" = {g['seconds']:.1f} s ({meta['bookings_per_second']} bookings/s overall)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="SQLAlchemy URL (postgresql+asyncpg://...); default a SQLite file (--out)")
    parser.add_argument("--out", type=Path, default=DEFAULT_FILE, help=f"SQLite file to create (default {DEFAULT_FILE})")
    parser.add_argument("--days", type=int, default=365, help="days of past arrivals, ending yesterday (default 365)")
    parser.add_argument("--ahead", type=int, default=120, help="days of future arrivals on the books (default 120; 0 for none)")
    parser.add_argument("--occupancy", type=float, default=0.7, help="target occupancy per night (default 0.7)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the hotel's today (default: today in the hotel's time zone)")
    parser.add_argument("--no-lifecycle", action="store_true", help="leave past bookings confirmed (no check-in/out, no cancellations)")
    parser.add_argument("--reset", action="store_true", help="PostgreSQL: drop and recreate the public schema first")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    url = args.database_url or sqlite_url(args.out.resolve())
    today = args.today or hotel_today()
    started = time.perf_counter()
    meta = asyncio.run(load(url, today=today, days=args.days, ahead=args.ahead, occupancy=args.occupancy, seed=args.seed,
                            lifecycle=not args.no_lifecycle, reset=args.reset, quiet=args.json))
    meta["total_s"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(meta, indent=2, default=str))
    else:
        print(summary(meta))
        print(f"total           {meta['total_s']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
