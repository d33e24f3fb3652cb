"""How fast the front desk's pages answer on a hotel with a year of bookings and thousands of calls.

    python bench/desk_pages.py                        # on bench/.data/year.sqlite3 (built and cached when missing)
    python bench/desk_pages.py --db /tmp/x.sqlite3 --calls 5000 --requests 50

Works on a copy of the loaded SQLite file, adds `--calls` call logs spread over the past year (8 transcript
lines each, encrypted as in production, outcomes mixed, some with a booking), then asks each page `--requests`
times in process (httpx on the ASGI app, signed in with the desk's cookie) after 5 warm-up requests, and prints
p50 / p95 / max in milliseconds. The issue's bar: every page under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import api_bench  # noqa: E402
import load_year  # noqa: E402
from roomiai.api.app import create_app  # noqa: E402
from roomiai.bootstrap import build_container  # noqa: E402
from roomiai.clock import Clock  # noqa: E402
from roomiai.config import Settings  # noqa: E402
from roomiai.services.auth import access_token  # noqa: E402
from roomiai.store.database import Database  # noqa: E402
from roomiai.store.tables import BookingRecord, CallLogRecord, CallTranscriptRecord  # noqa: E402
from roomiai.store.uow import UnitOfWork  # noqa: E402
from roomiai.web.desk.session import ACCESS, CSRF  # noqa: E402

OUTCOMES = ["inquiry_only"] * 5 + ["booking_completed"] * 3 + ["transferred", "abandoned", "booking_modified", "service_request"]
LINES = ["Hi, do you have a room for next weekend?", "Two adults, one night.", "What time is check-out?",
         "Is parking included?", "Yes, please book it.", "My name is Ann Lee.", "Thank you, bye."]


async def add_calls(db, *, today: dt.date, tz: str, count: int, seed: int) -> None:
    """`count` finished calls over the year before `today`, through the ORM (transcripts encrypted at rest)."""
    rng = random.Random(seed)
    zone = Clock(tz).tz
    async with UnitOfWork(db, write=True) as uow:
        booking_ids = list((await uow.session.execute(
            select(BookingRecord.id).where(BookingRecord.booking_source == "voice_agent").limit(2000))).scalars())
        for n in range(count):
            start = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(365)), dt.time(8), tzinfo=zone) \
                + dt.timedelta(minutes=rng.randrange(14 * 60))
            length = rng.randrange(20, 400)
            outcome = rng.choice(OUTCOMES)
            call = CallLogRecord(
                session_id=f"session_bench{n:08d}", call_type="inbound", caller_phone="+1555***" + f"{n % 10000:04d}",
                call_start=start, call_end=start + dt.timedelta(seconds=length), duration_seconds=length, outcome=outcome,
                booking_id=rng.choice(booking_ids) if outcome == "booking_completed" and booking_ids else None,
                entities_extracted={}, errors=[{"type": "provider_error", "message": "stt timeout"}] if n % 97 == 0 else [],
                turn_timings=[{"agent_ms": 12.0}] * 4, created_at=start)
            uow.session.add(call)
            await uow.session.flush()
            uow.session.add_all(
                CallTranscriptRecord(call_id=call.id, timestamp=start + dt.timedelta(seconds=5 * i),
                                     speaker="agent" if i % 2 == 0 else "guest", text=LINES[i % len(LINES)])
                for i in range(8))
            if n % 500 == 499:
                await uow.commit()
        await uow.commit()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> dict:
    meta = await api_bench.ensure_loaded(args.db, days=args.load_days, ahead=args.load_ahead, today=args.today, seed=7)
    today = dt.date.fromisoformat(meta["today"])
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = api_bench.sqlite_copy(args.db, work, "desk.sqlite3")
        settings = Settings(data_dir=work, database_url=url, jwt_secret=api_bench.SECRET, vault_key="", today=today,
                            mail_delivery="off", _env_file=None)
        # the same database object as load_year.py (its PII key), so the guests' names and e-mails can be read
        container = build_container(settings, db=Database(url), clock=Clock(load_year.HOTEL_TZ, pinned_date=today))
        started = time.perf_counter()
        await add_calls(container.db, today=today, tz=load_year.HOTEL_TZ, count=args.calls, seed=7)
        print(f"added {args.calls} calls in {time.perf_counter() - started:.1f} s", flush=True)
        async with UnitOfWork(container.db) as uow:
            bookings = (await uow.session.execute(select(func.count()).select_from(BookingRecord))).scalar_one()
            calls = (await uow.session.execute(select(func.count()).select_from(CallLogRecord))).scalar_one()
            booking = (await uow.session.execute(select(BookingRecord.confirmation_number)
                                                 .where(BookingRecord.check_in_date >= today, BookingRecord.status == "confirmed")
                                                 .limit(1))).scalar_one()
        token = access_token(secret=api_bench.SECRET, subject="bench-admin", role="admin", minutes=120,
                             now=dt.datetime.now(dt.timezone.utc))
        pages = {
            "Today": "/desk",
            "Calls": "/desk/calls",
            "Calls, page 40": "/desk/calls?page=40",
            "Calls that went wrong": "/desk/calls?problems=true",
            f"Calls on {today - dt.timedelta(days=3)}": f"/desk/calls?day={today - dt.timedelta(days=3)}",
            "A call": "/desk/calls/session_bench00000001",
            "Bookings": "/desk/bookings",
            "Bookings, name 'smith'": "/desk/bookings?name=smith",
            "Bookings arriving today": f"/desk/bookings?arrival={today}",
            "Bookings by Roomi, page 20": "/desk/bookings?source=voice_agent&page=20",
            "A booking": f"/desk/bookings/{booking}",
            "Service requests": "/desk/requests?closed=true",
            "A booking's change form": f"/desk/bookings/{booking}/change",
            "A booking's cancel preview": f"/desk/bookings/{booking}/cancel",
            "Setup": "/desk/setup",
            "Setup: new rate plan form": "/desk/setup/rates/new",
        }
        rows = []
        app = create_app(container)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.bench",
                                     cookies={ACCESS: token, CSRF: "bench"}) as client:
            for name, path in pages.items():
                times = []
                for n in range(5 + args.requests):
                    began = time.perf_counter()
                    response = await client.get(path)
                    elapsed = (time.perf_counter() - began) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {response.status_code} {response.text[:300]}")
                    if n >= 5:
                        times.append(elapsed)
                rows.append({"page": name, "path": path, "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)})
        await container.db.dispose()
    print(f"\n{bookings:,} bookings, {calls:,} calls; hotel's today {today}; {args.requests} requests per page\n")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for row in rows:
        print(f"{row['page']:<34} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}")
    return {"bookings": bookings, "calls": calls, "today": today.isoformat(), "rows": rows, "machine": api_bench.machine()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=load_year.DEFAULT_FILE)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--today", type=dt.date.fromisoformat)
    parser.add_argument("--load-days", type=int, default=365)
    parser.add_argument("--load-ahead", type=int, default=120)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    out = args.json or ROOT / "bench" / "results" / f"desk_pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
