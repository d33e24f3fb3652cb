"""Overbooking must be impossible under real concurrency, on the SQLite file database and on PostgreSQL.

Every test fires many requests at once through the ASGI app (several httpx clients on one event loop,
or separate OS processes / threads each with its own engine and event loop), then checks:
  * every answer is 201/200 or a 409 problem+json that says why — never a 500;
  * no night of any pool is sold beyond its rooms;
  * the inventory rows agree with the truth recomputed from the bookings table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import random
import threading
import time
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.api.deps import Container
from roomiai.domain.lifecycle import HOLDS_INVENTORY, BookingStatus
from roomiai.domain.pools import pools_for
from roomiai.store.tables import BookingRecord, GuestRecord, InventoryRecord, RoomRecord, RoomTypeRecord
from roomiai.store.uow import UnitOfWork
from tests.conftest import TODAY, headers

pytestmark = pytest.mark.integration

SUITES = 12  # STE: floors 8 and 9, six suites each
STAY_IN, STAY_OUT = dt.date(2026, 2, 10), dt.date(2026, 2, 13)  # Tue–Fri, three nights
STORM = 40
PROBLEM = "application/problem+json"


# -- requests ----------------------------------------------------------------------------------------

def body(i: int, *, room_type: str = "STE", check_in: dt.date = STAY_IN, check_out: dt.date = STAY_OUT,
         rooms: int = 1, bed: str | None = None, view: str | None = None, email: str | None = None,
         last_name: str | None = None) -> dict:
    return {
        "check_in": check_in.isoformat(),
        "check_out": check_out.isoformat(),
        "room_type_id": room_type,
        "rate_code": "BAR",
        "rooms": rooms,
        "bed_configuration": bed,
        "view": view,
        "guests": {"adults": 2 * rooms if rooms > 1 else 2},
        "primary_guest": {"first_name": "Storm", "last_name": last_name or f"Guest {i}", "email": email or f"storm{i}@example.com"},
        "accept_policies": True,
    }


def app_clients(container: Container, n: int) -> tuple[AsyncExitStack, list[httpx.AsyncClient]]:
    app = create_app(container)
    stack = AsyncExitStack()
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://roomi-{k}.test", timeout=120)
        for k in range(n)
    ]
    for c in clients:
        stack.push_async_callback(c.aclose)
    return stack, clients


async def fire(clients: list[httpx.AsyncClient], calls: list[tuple[str, str, dict | None, dict]]) -> tuple[list, float]:
    """Run (method, url, json, headers) calls all at once, spread over the clients; (responses, seconds)."""
    async def one(k: int, call):
        method, url, payload, h = call
        return await clients[k % len(clients)].request(method, url, json=payload, headers=h)

    start = time.perf_counter()
    responses = await asyncio.gather(*(one(k, call) for k, call in enumerate(calls)))
    return responses, time.perf_counter() - start


def post(payload: dict, key: str | None = None) -> tuple[str, str, dict, dict]:
    h = headers("agent")
    if key:
        h["Idempotency-Key"] = key
    return ("POST", "/v1/bookings", payload, h)


def check_answers(responses, *, ok: set[int]) -> Counter:
    """Every answer is one of `ok` or a 409 problem+json with a detail; never a 500."""
    statuses = Counter(r.status_code for r in responses)
    unexpected = [(r.status_code, r.text[:300]) for r in responses if r.status_code not in ok | {409}]
    assert not unexpected, f"unexpected answers {statuses}: {unexpected[:3]}"
    for r in responses:
        if r.status_code == 409:
            assert r.headers["content-type"] == PROBLEM
            assert r.json()["detail"], r.text
    return statuses


def sold_out(r: httpx.Response) -> bool:
    return r.status_code == 409 and r.json()["title"] == "Not available" and " is left for " in r.json()["detail"]


# -- the truth from the database ---------------------------------------------------------------------

async def room_type_id(db, code: str) -> str:
    async with UnitOfWork(db) as uow:
        return (await uow.session.execute(select(RoomTypeRecord.id).where(RoomTypeRecord.type_code == code))).scalar_one()


async def sold_per_night(db, code: str, pool: str = "*") -> dict[dt.date, int]:
    rid = await room_type_id(db, code)
    async with UnitOfWork(db) as uow:
        rows = await uow.session.execute(
            select(InventoryRecord.stay_date, InventoryRecord.sold)
            .where(InventoryRecord.room_type_id == rid, InventoryRecord.pool == pool)
            .order_by(InventoryRecord.stay_date)
        )
        return dict(rows.all())


async def assert_inventory_is_true(db) -> dict[tuple, int]:
    """Inventory rows equal what the bookings hold, per room type, pool and night, and never exceed rooms."""
    async with UnitOfWork(db) as uow:
        session = uow.session
        rows = {
            (r.room_type_id, r.stay_date, r.pool): (r.sold, r.blocked, r.total)
            for r in (await session.execute(select(InventoryRecord))).scalars()
        }
        bookings = [
            (BookingStatus(b.status), b.room_type_id, b.check_in_date, b.check_out_date, b.bed_configuration, b.view,
             b.rooms_count)
            for b in (await session.execute(select(BookingRecord))).scalars()
        ]
        rooms = (await session.execute(
            select(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view, func.count())
            .group_by(RoomRecord.room_type_id, RoomRecord.bed_configuration, RoomRecord.view)
        )).all()
    capacity: Counter = Counter()
    for rid, bed, view, count in rooms:
        for pool in pools_for(bed, view):
            capacity[(rid, pool)] += count
    truth: Counter = Counter()
    for status, rid, check_in, check_out, bed, view, rooms_count in bookings:
        if status in HOLDS_INVENTORY:
            end = check_out
        elif status in (BookingStatus.CHECKED_OUT, BookingStatus.NO_SHOW):
            end = min(check_out, max(TODAY, check_in))
        else:
            continue
        for night in nights(check_in, end):
            for pool in pools_for(bed, view):
                truth[(rid, night, pool)] += rooms_count
    problems = []
    for key, (sold, blocked, total) in sorted(rows.items()):
        if sold != truth.get(key, 0):
            problems.append(f"{key}: inventory sold={sold}, bookings hold {truth.get(key, 0)}")
        if sold + blocked > total or total != capacity[(key[0], key[2])]:
            problems.append(f"{key}: sold={sold} blocked={blocked} total={total} rooms={capacity[(key[0], key[2])]}")
    for key, held in truth.items():
        if key not in rows:
            problems.append(f"{key}: bookings hold {held} but there is no inventory row")
        if held > capacity[(key[0], key[2])]:
            problems.append(f"{key}: OVERBOOKED, {held} held for {capacity[(key[0], key[2])]} rooms")
    assert not problems, "inventory disagrees with bookings:\n" + "\n".join(problems[:20])
    return dict(truth)


async def active_bookings(db, code: str = "STE") -> list[str]:
    rid = await room_type_id(db, code)
    async with UnitOfWork(db) as uow:
        query = select(BookingRecord.confirmation_number).where(
            BookingRecord.room_type_id == rid, BookingRecord.status.in_([s.value for s in HOLDS_INVENTORY])
        )
        return list((await uow.session.execute(query)).scalars())


def nights(check_in: dt.date, check_out: dt.date) -> list[dt.date]:
    return [check_in + dt.timedelta(days=i) for i in range((check_out - check_in).days)]


# -- 1. one stay, many callers -----------------------------------------------------------------------

async def test_storm_on_the_same_nights_sells_exactly_the_rooms_there_are(any_container, db_kind, concurrency_figures):
    stack, clients = app_clients(any_container, 4)
    async with stack:
        responses, seconds = await fire(clients, [post(body(i)) for i in range(STORM)])
        statuses = check_answers(responses, ok={201})
        assert statuses == Counter({201: SUITES, 409: STORM - SUITES}), statuses
        assert all(sold_out(r) for r in responses if r.status_code == 409)
        refusal = next(r for r in responses if r.status_code == 409).json()
        assert "no Suite is left for 2026-02-10 to 2026-02-13" in refusal["detail"]
        numbers = [r.json()["booking"]["confirmation_number"] for r in responses if r.status_code == 201]
        assert len(set(numbers)) == SUITES

        assert await sold_per_night(any_container.db, "STE") == {n: SUITES for n in nights(STAY_IN, STAY_OUT)}
        await assert_inventory_is_true(any_container.db)

        avail = await clients[0].get("/v1/rooms/availability", headers=headers("agent"), params={
            "check_in": STAY_IN.isoformat(), "check_out": STAY_OUT.isoformat(), "adults": 2})
        assert avail.status_code == 200
        body_ = avail.json()
        assert "STE" not in [o["room_type_code"] for o in body_["options"]]
        reason = next(u["reason"] for u in body_["unavailable"] if u["room_type_code"] == "STE")
        assert reason.startswith("Sold out on 2026-02-10, 2026-02-11, 2026-02-12")
        only = await clients[1].get("/v1/rooms/availability", headers=headers("agent"), params={
            "check_in": STAY_IN.isoformat(), "check_out": STAY_OUT.isoformat(), "adults": 2, "room_type": "STE"})
        assert only.json()["available"] is False and only.json()["options"] == []
    concurrency_figures.append(
        f"{db_kind:10s} same-night storm, 1 loop x 4 clients: {STORM} requests in {seconds:.2f}s "
        f"= {STORM / seconds:.0f} req/s, {SUITES / seconds:.1f} bookings/s committed"
    )


# -- 2. the same storm from separate OS processes, each with its own engine --------------------------

def _process_worker(url: str, data_dir: str, payloads: list[dict], barrier, results) -> None:
    """Runs in a spawned process: its own engine, app and event loop; fires its share at once."""
    asyncio.run(_process_main(url, Path(data_dir), payloads, barrier, results))


async def _process_main(url, data_dir, payloads, barrier, results) -> None:
    from roomiai.clock import Clock
    from roomiai.config import Settings
    from roomiai.payments.local_vault import LocalVault
    from tests.conftest import HOTEL_TZ, PII_KEY, SECRET

    settings = Settings(data_dir=data_dir, database_url=url, jwt_secret=SECRET, vault_key="", pii_key=PII_KEY, today=TODAY,
                        _env_file=None)
    vault = LocalVault(data_dir / "vault.sqlite3", key=b"0" * 43 + b"=")
    container = build_container(settings, clock=Clock(HOTEL_TZ, pinned_date=TODAY), gateway=vault)
    try:
        stack, clients = app_clients(container, 2)
        async with stack:
            warm = await asyncio.gather(*(c.get("/v1/rooms/types", headers=headers("agent")) for c in clients))
            assert all(r.status_code == 200 for r in warm)
            await asyncio.to_thread(barrier.wait, 60)
            responses, seconds = await fire(clients, [post(p) for p in payloads])
        results.put([(r.status_code, r.json()) for r in responses] + [seconds])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        await container.db.dispose()
        vault.close()


async def test_storm_from_separate_processes(any_container, db_kind, tmp_path, concurrency_figures):
    processes = 2
    url = str(any_container.db.url.render_as_string(hide_password=False))
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    shares = [[body(p * 100 + i) for i in range(STORM // processes)] for p in range(processes)]
    workers = []
    for p in range(processes):
        (tmp_path / f"proc{p}").mkdir()
        workers.append(ctx.Process(target=_process_worker, args=(url, str(tmp_path / f"proc{p}"), shares[p], barrier, results)))
    start = time.perf_counter()
    for w in workers:
        w.start()
    outcomes = [await asyncio.to_thread(results.get, True, 120) for _ in workers]
    for w in workers:
        await asyncio.to_thread(w.join, 30)
    total = time.perf_counter() - start
    failures = [o for o in outcomes if isinstance(o, str)]
    assert not failures, failures
    answers = [a for o in outcomes for a in o[:-1]]
    storm_seconds = max(o[-1] for o in outcomes)
    statuses = Counter(status for status, _ in answers)
    assert statuses == Counter({201: SUITES, 409: STORM - SUITES}), [a for a in answers if a[0] not in (201, 409)][:3]
    for status, payload in answers:
        if status == 409:
            assert payload["title"] == "Not available" and "no Suite is left" in payload["detail"]
    assert await sold_per_night(any_container.db, "STE") == {n: SUITES for n in nights(STAY_IN, STAY_OUT)}
    await assert_inventory_is_true(any_container.db)
    concurrency_figures.append(
        f"{db_kind:10s} same-night storm, {processes} processes x 2 clients: {STORM} requests in {storm_seconds:.2f}s "
        f"= {STORM / storm_seconds:.0f} req/s (processes up and done in {total:.1f}s)"
    )


# -- 3. staggered stays from two threads, each with its own event loop and engine --------------------

def staggered_requests(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    start = dt.date(2026, 3, 2)
    out = []
    for i in range(n):
        check_in = start + dt.timedelta(days=rng.randrange(0, 8))
        out.append(body(seed * 1000 + i, check_in=check_in, check_out=check_in + dt.timedelta(days=rng.randint(1, 4)),
                        rooms=rng.choice([1, 1, 1, 2])))
    return out


async def test_staggered_stays_from_two_event_loops_never_exceed_any_night(any_container, db_kind, concurrency_figures):
    url = any_container.db.url.render_as_string(hide_password=False)
    shares = [staggered_requests(seed, 24) for seed in (1, 2)]
    barrier = threading.Barrier(len(shares))
    outcomes: list = [None] * len(shares)

    def thread_main(k: int) -> None:
        async def main():
            from roomiai.store.database import Database

            container = build_container(any_container.settings, db=Database(url, pii_key=any_container.settings.pii_key),
                                        clock=any_container.clock,
                                        gateway=any_container.gateway)
            try:
                stack, clients = app_clients(container, 2)
                async with stack:
                    await clients[0].get("/v1/rooms/types", headers=headers("agent"))
                    await asyncio.to_thread(barrier.wait, 60)
                    return await fire(clients, [post(p) for p in shares[k]])
            finally:
                await container.db.dispose()
        try:
            outcomes[k] = asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes[k] = exc

    threads = [threading.Thread(target=thread_main, args=(k,)) for k in range(len(shares))]
    for t in threads:
        t.start()
    for t in threads:
        await asyncio.to_thread(t.join, 120)
    errors = [o for o in outcomes if isinstance(o, BaseException) or o is None]
    assert not errors, errors
    responses = [r for o in outcomes for r in o[0]]
    seconds = max(o[1] for o in outcomes)
    statuses = check_answers(responses, ok={201})
    assert all(sold_out(r) for r in responses if r.status_code == 409)
    assert statuses[201] > SUITES  # different nights: more stays than suites fit
    truth = await assert_inventory_is_true(any_container.db)
    rid = await room_type_id(any_container.db, "STE")
    per_night = {night: held for (r, night, pool), held in truth.items() if r == rid and pool == "*"}
    assert max(per_night.values()) <= SUITES
    assert max(per_night.values()) >= SUITES - 1  # the storm did fill some nights
    # and the refusals were right: every refused stay had a full night at the end
    payloads = [p for share in shares for p in share]
    for r, p in zip(responses, payloads):
        if r.status_code == 409:
            stay = nights(dt.date.fromisoformat(p["check_in"]), dt.date.fromisoformat(p["check_out"]))
            assert any(per_night.get(n, 0) + p["rooms"] > SUITES for n in stay), (p, per_night)
    concurrency_figures.append(
        f"{db_kind:10s} staggered stays, 2 threads x own loop+engine: {len(responses)} requests in {seconds:.2f}s, "
        f"{statuses[201]} booked = {statuses[201] / seconds:.1f} bookings/s"
    )


# -- 4. bed and view pools ---------------------------------------------------------------------------

async def test_bed_and_view_pools_hold_under_a_storm(any_container):
    # Deluxe: 33 rooms, 11 with two twin beds; views city/garden/pool
    requests = (
        [body(i, room_type="DLX", bed="TWIN") for i in range(18)]
        + [body(100 + i, room_type="DLX", bed="TWIN", view="pool") for i in range(8)]
        + [body(200 + i, room_type="DLX") for i in range(8)]
    )
    random.Random(7).shuffle(requests)
    stack, clients = app_clients(any_container, 4)
    async with stack:
        responses, _ = await fire(clients, [post(p) for p in requests])
    check_answers(responses, ok={201})
    truth = await assert_inventory_is_true(any_container.db)
    rid = await room_type_id(any_container.db, "DLX")
    for night in nights(STAY_IN, STAY_OUT):
        assert truth[(rid, night, "bed:TWIN")] == 11  # every twin room sold, none twice
        assert truth[(rid, night, "*")] == 11 + 8  # every plain request fitted
    won = Counter((p["bed_configuration"], p["view"]) for r, p in zip(responses, requests) if r.status_code == 201)
    assert won[("TWIN", None)] + won[("TWIN", "pool")] == 11 and won[(None, None)] == 8
    refusal = next(r for r, p in zip(responses, requests) if r.status_code == 409 and p["view"] is None)
    assert "no Deluxe Room with a twin bed is left" in refusal.json()["detail"]


# -- 5. cancellations and bookings at once -----------------------------------------------------------

async def book_sequentially(client: httpx.AsyncClient, payloads: list[dict]) -> list[str]:
    numbers = []
    for p in payloads:
        r = await client.post("/v1/bookings", json=p, headers=headers("agent"))
        assert r.status_code == 201, r.text
        numbers.append(r.json()["booking"]["confirmation_number"])
    return numbers


async def test_cancellations_and_bookings_at_once_keep_sold_equal_to_active_bookings(any_container):
    stack, clients = app_clients(any_container, 4)
    async with stack:
        held = await book_sequentially(clients[0], [body(i, check_in=dt.date(2026, 2, 16), check_out=dt.date(2026, 2, 19))
                                                    for i in range(SUITES)])
        cancels = [("DELETE", f"/v1/bookings/{cn}", {"cancellation_reason": "storm"}, headers("staff")) for cn in held[:6]]
        rng = random.Random(3)
        newcomers = []
        for i in range(24):
            check_in = dt.date(2026, 2, 15) + dt.timedelta(days=rng.randrange(0, 4))
            newcomers.append(post(body(500 + i, check_in=check_in, check_out=check_in + dt.timedelta(days=rng.randint(1, 3)))))
        calls = cancels + newcomers
        order = list(range(len(calls)))
        rng.shuffle(order)
        responses, _ = await fire(clients, [calls[k] for k in order])
        by_call = {k: r for k, r in zip(order, responses)}
    check_answers(responses, ok={200, 201})
    assert all(by_call[k].status_code == 200 for k in range(len(cancels))), [by_call[k].text for k in range(6)]
    assert all(sold_out(by_call[k]) for k in range(len(cancels), len(calls)) if by_call[k].status_code == 409)
    truth = await assert_inventory_is_true(any_container.db)
    rid = await room_type_id(any_container.db, "STE")
    assert all(held <= SUITES for (r, _, pool), held in truth.items() if r == rid)
    assert len(await active_bookings(any_container.db)) == SUITES - 6 + sum(
        by_call[k].status_code == 201 for k in range(len(cancels), len(calls)))


async def test_concurrent_cancellations_of_one_booking_release_its_rooms_once(any_container):
    stack, clients = app_clients(any_container, 4)
    async with stack:
        held = await book_sequentially(clients[0], [body(i) for i in range(SUITES)])  # the hotel is full
        target = held[0]
        calls = [("DELETE", f"/v1/bookings/{target}", None, headers("staff")) for _ in range(6)]
        calls += [post(body(900 + i)) for i in range(6)]
        responses, _ = await fire(clients, calls)
    check_answers(responses, ok={200, 201})
    cancelled = [r for r in responses[:6] if r.status_code == 200]
    assert len(cancelled) == 1, f"{len(cancelled)} of 6 concurrent cancellations of {target} succeeded"
    assert all("cancelled cannot be cancelled" in r.json()["detail"] for r in responses[:6] if r.status_code == 409)
    assert sum(r.status_code == 201 for r in responses[6:]) <= 1  # one suite came free
    await assert_inventory_is_true(any_container.db)
    assert max((await sold_per_night(any_container.db, "STE")).values()) <= SUITES


# -- 6. modifications --------------------------------------------------------------------------------

async def test_concurrent_date_changes_never_oversell(any_container):
    a_in, a_out = dt.date(2026, 2, 16), dt.date(2026, 2, 18)
    b_in, b_out = dt.date(2026, 2, 23), dt.date(2026, 2, 25)
    stack, clients = app_clients(any_container, 4)
    async with stack:
        in_a = await book_sequentially(clients[0], [body(i, check_in=a_in, check_out=a_out) for i in range(8)])
        in_b = await book_sequentially(clients[0], [body(50 + i, check_in=b_in, check_out=b_out) for i in range(8)])
        def move(cn, check_in, check_out):
            return ("PUT", f"/v1/bookings/{cn}", {"check_in": check_in.isoformat(), "check_out": check_out.isoformat()},
                    headers("staff"))
        calls = [move(cn, b_in, b_out) for cn in in_a] + [move(cn, a_in, a_out) for cn in in_b]
        calls += [move(cn, dt.date(2026, 2, 17), dt.date(2026, 2, 24)) for cn in (in_a[0], in_b[0])]  # the same bookings again
        calls += [post(body(700 + i, check_in=a_in, check_out=b_out)) for i in range(6)]
        rng = random.Random(11)
        order = list(range(len(calls)))
        rng.shuffle(order)
        responses, _ = await fire(clients, [calls[k] for k in order])
    check_answers(responses, ok={200, 201})
    for r in responses:
        if r.status_code == 409:
            assert sold_out(r), r.text
    truth = await assert_inventory_is_true(any_container.db)
    rid = await room_type_id(any_container.db, "STE")
    assert all(held <= SUITES for (r, _, pool), held in truth.items() if r == rid)
    assert sum(r.status_code in (200, 201) for r in responses) >= 1  # whichever ran first had room


async def test_concurrent_changes_to_one_booking_leave_exactly_its_final_stay_sold(any_container):
    stack, clients = app_clients(any_container, 4)
    async with stack:
        (cn,) = await book_sequentially(clients[0], [body(1, check_in=dt.date(2026, 2, 16), check_out=dt.date(2026, 2, 18))])
        calls = [
            ("PUT", f"/v1/bookings/{cn}", {"check_in": (dt.date(2026, 2, 20) + dt.timedelta(days=3 * k)).isoformat(),
                                            "check_out": (dt.date(2026, 2, 22) + dt.timedelta(days=3 * k)).isoformat()},
             headers("staff"))
            for k in range(6)
        ]
        responses, _ = await fire(clients, calls)
        final = (await clients[0].get(f"/v1/bookings/{cn}", headers=headers("staff"))).json()
    check_answers(responses, ok={200})
    truth = await assert_inventory_is_true(any_container.db)
    rid = await room_type_id(any_container.db, "STE")
    sold_nights = sorted(night for (r, night, pool), held in truth.items() if r == rid and pool == "*" and held)
    assert sold_nights == nights(dt.date.fromisoformat(final["check_in_date"]), dt.date.fromisoformat(final["check_out_date"]))
    assert len(final["modification_history"]) == 1 + sum(r.status_code == 200 for r in responses)


# -- 7. front desk -----------------------------------------------------------------------------------

async def test_concurrent_check_ins_never_give_one_room_to_two_bookings(any_container):
    stack, clients = app_clients(any_container, 4)
    arriving = [body(i, check_in=TODAY, check_out=TODAY + dt.timedelta(days=2)) for i in range(SUITES)]
    async with stack:
        held = await book_sequentially(clients[0], arriving)
        calls = [("POST", f"/v1/bookings/{cn}/check-in", None, headers("staff")) for cn in held]
        calls += [("POST", f"/v1/bookings/{held[0]}/check-in", None, headers("staff"))]  # a double click
        responses, _ = await fire(clients, calls)
    check_answers(responses, ok={200})
    assert sum(r.status_code == 200 for r in responses) == SUITES
    rooms = [number for r in responses if r.status_code == 200 for number in r.json()["room_numbers"]]
    duplicates = sorted(n for n, c in Counter(rooms).items() if c > 1)
    assert not duplicates, f"rooms given to two bookings at once: {duplicates}"
    async with UnitOfWork(any_container.db) as uow:
        occupied = (await uow.session.execute(
            select(func.count()).select_from(RoomRecord).where(RoomRecord.status == "occupied"))).scalar_one()
    assert occupied == SUITES


# -- 8. idempotency ----------------------------------------------------------------------------------

async def test_concurrent_retries_with_one_idempotency_key_book_once(any_container):
    stack, clients = app_clients(any_container, 4)
    payload = body(1, room_type="DLX", bed="KING")
    async with stack:
        responses, _ = await fire(clients, [post(payload, key="call-7-booking") for _ in range(10)])
    assert [r.status_code for r in responses] == [201] * 10, [(r.status_code, r.text[:200]) for r in responses]
    assert all(r.json() == responses[0].json() for r in responses)
    async with UnitOfWork(any_container.db) as uow:
        assert (await uow.session.execute(select(func.count()).select_from(BookingRecord))).scalar_one() == 1
    await assert_inventory_is_true(any_container.db)


# -- 9. one guest calling on several lines ----------------------------------------------------------

async def test_one_guest_booking_concurrently_gets_one_profile(any_container):
    stack, clients = app_clients(any_container, 4)
    codes = ["STD", "DLX", "FAM", "STE"] * 3
    requests = [body(i, room_type=code, email="same.caller@example.com", last_name="Caller") for i, code in enumerate(codes)]
    async with stack:
        responses, _ = await fire(clients, [post(p) for p in requests])
    check_answers(responses, ok={201})
    assert all(r.status_code == 201 for r in responses)
    async with UnitOfWork(any_container.db) as uow:
        profiles = (await uow.session.execute(
            select(func.count()).select_from(GuestRecord).where(GuestRecord.email_hash == any_container.db.pii_keys().email_hash("same.caller@example.com")))).scalar_one()
    assert profiles == 1, f"{profiles} guest profiles were created for one caller"


async def test_people_sharing_an_email_get_their_own_profiles(any_container):
    stack, clients = app_clients(any_container, 2)
    requests = [body(i, room_type="STD", email="family@example.com", last_name=name) for i, name in enumerate(["Pond", "Williams"])]
    async with stack:
        responses, _ = await fire(clients, [post(p) for p in requests])
    assert all(r.status_code == 201 for r in responses)
    async with UnitOfWork(any_container.db) as uow:
        names = (await uow.session.execute(
            select(GuestRecord.last_name).where(GuestRecord.email_hash == any_container.db.pii_keys().email_hash("family@example.com")))).scalars().all()
    assert sorted(names) == ["Pond", "Williams"]
