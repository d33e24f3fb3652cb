import asyncio
import datetime as dt
import shutil

import httpx
import pytest
from sqlalchemy import select, text

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.payments.local_vault import LocalVault
from roomiai.payments.port import GatewayResult
from roomiai.store.tables import BookingRecord, GuestRecord, InventoryRecord
from tests.conftest import headers

pytestmark = pytest.mark.api

CARD = "4111111111111111"
AGENT = {**headers("agent"), "X-Guest-Last-Name": "Smith"}  # the phone agent, with the last name the caller gave


def booking_body(**overrides):
    body = {
        "check_in": "2026-01-20",
        "check_out": "2026-01-25",
        "room_type_id": "DLX",
        "rate_code": "BAR",
        "bed_configuration": "KING",
        "view": "city",
        "guests": {"adults": 2, "children": 0},
        "primary_guest": {
            "title": "Mr", "first_name": "John", "last_name": "Smith", "email": "john.smith@email.com",
            "phone": {"country_code": "+1", "number": "5551234567"},
        },
        "special_requests": ["high floor", "extra pillows"],
        "special_occasion": "anniversary",
        "estimated_arrival": "18:00",
        "packages": ["romance_package"],
        "accept_policies": True,
    }
    body.update(overrides)
    return body


async def book(client, role="agent", key=None, **overrides):
    h = headers(role)
    if key:
        h["Idempotency-Key"] = key
    return await client.post("/v1/bookings", json=booking_body(**overrides), headers=h)


async def test_booking_is_priced_by_the_server_and_matches_the_quote(client):
    quote = await client.get("/v1/rooms/availability", headers=headers("agent"), params={
        "check_in": "2026-01-20", "check_out": "2026-01-25", "adults": 2, "room_type": "DLX"})
    bar = next(r for r in quote.json()["options"][0]["rates"] if r["rate_code"] == "BAR")
    r = await book(client)
    assert r.status_code == 201
    booking = r.json()["booking"]
    assert booking["confirmation_number"] == "ROOMI-20260112-001"
    assert booking["status"] == "confirmed"
    assert booking["check_in"] == "2026-01-20T15:00:00" and booking["check_out"] == "2026-01-25T11:00:00"
    assert booking["guest_name"] == "Mr. John Smith"
    assert booking["room_type"] == "Deluxe Room" and booking["bed"] == "One King Bed" and booking["view"] == "city"
    pricing = booking["pricing"]
    assert pricing["room_total"] == bar["total"]
    assert pricing["packages"] == 75.0
    # 12.5% on rooms + package, plus 2.50 per night
    assert pricing["taxes"] == round((1075 + 75) * 0.125 + 12.5, 2)
    assert pricing["grand_total"] == round(1075 + 75 + pricing["taxes"] + 75, 2)
    assert booking["modification_history"][0]["action"] == "created"
    second = await book(client, primary_guest={"first_name": "Ann", "last_name": "Lee", "email": "ann@x.org"})
    assert second.json()["booking"]["confirmation_number"] == "ROOMI-20260112-002"


async def test_inventory_is_taken_for_every_night_and_pool(client, container):
    await book(client)
    async with container.db.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT pool, stay_date, sold FROM inventory WHERE sold > 0 ORDER BY pool, stay_date"))).all()
    pools = {}
    for pool, _, sold in rows:
        pools.setdefault(pool, []).append(sold)
    assert pools == {"*": [1] * 5, "bed:KING": [1] * 5, "view:city": [1] * 5, "bed:KING|view:city": [1] * 5}


async def test_a_returning_guest_reuses_the_profile(client, container):
    await book(client)
    await book(client, primary_guest={"first_name": "John", "last_name": "Smith", "phone": {"country_code": "+1", "number": "(555) 123-4567"}})
    await book(client, primary_guest={"first_name": "John", "last_name": "Smith", "email": "JOHN.SMITH@email.com"})
    async with container.db.session(write=False) as session:
        assert len((await session.execute(select(GuestRecord))).scalars().all()) == 1
        assert len((await session.execute(select(BookingRecord))).scalars().all()) == 3


async def test_idempotency_key_books_once_and_replays_the_first_response(client, container):
    first = await book(client, key="call-42-booking")
    again = await book(client, key="call-42-booking")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    different = await book(client, key="call-42-booking", check_out="2026-01-26")
    assert different.status_code == 409 and "Idempotency-Key" in different.json()["detail"]
    async with container.db.session(write=False) as session:
        assert len((await session.execute(select(BookingRecord))).scalars().all()) == 1


async def test_idempotency_keys_belong_to_their_caller(client):
    first = await book(client, role="agent", key="same-key")
    other = await book(client, role="staff", key="same-key")
    assert first.status_code == other.status_code == 201
    assert first.json()["booking"]["confirmation_number"] != other.json()["booking"]["confirmation_number"]


async def test_card_is_tokenised_and_only_brand_and_last_four_are_kept(client, container, settings):
    r = await book(client, payment={"card_number": "4111 1111 1111 1111", "expiry": "12/27", "cvv": "123", "name_on_card": "John Smith"})
    assert r.status_code == 201
    method = r.json()["booking"]["payment_method"]
    assert method == {"type": "credit_card", "card_type": "visa", "card_last_four": "1111", "expiry": "12/27"}
    await container.db.dispose()
    raw = (settings.data_dir / "roomiai.sqlite3").read_bytes()
    for suffix in ("-wal", "-shm"):
        extra = settings.data_dir / f"roomiai.sqlite3{suffix}"
        if extra.exists():
            raw += extra.read_bytes()
    assert CARD.encode() not in raw and b"4111 1111 1111 1111" not in raw


@pytest.mark.parametrize(
    ("payment", "detail"),
    [
        ({"card_number": "4111111111111112", "expiry": "12/27"}, "not valid"),
        ({"card_number": "4111111111111111", "expiry": "12/25"}, "expired"),
        ({"card_number": "4111111111111111", "expiry": "13/27"}, "expiry"),
        ({"card_number": "4111111111111111", "expiry": "12/27", "cvv": "12"}, "CVV"),
    ],
)
async def test_bad_cards_are_refused_without_echoing_the_number(client, payment, detail):
    r = await book(client, payment=payment)
    assert r.status_code == 422
    assert detail.lower() in r.json()["detail"].lower()
    assert payment["card_number"] not in r.text


async def test_last_rooms_sell_out_and_alternatives_remain(client):
    results = [await book(client, room_type_id="STE", bed_configuration=None, view=None, packages=[]) for _ in range(13)]
    assert [r.status_code for r in results].count(201) == 12
    assert results[-1].status_code == 409
    assert "no Suite is left" in results[-1].json()["detail"]
    avail = await client.get("/v1/rooms/availability", headers=headers("agent"),
                             params={"check_in": "2026-01-20", "check_out": "2026-01-25", "adults": 2})
    body = avail.json()
    assert "STE" not in [o["room_type_code"] for o in body["options"]]
    assert any(u["room_type_code"] == "STE" and "Sold out" in u["reason"] for u in body["unavailable"])
    assert body["available"] is True


async def test_bed_and_view_wishes_are_inventory_too(client):
    # Suites face the ocean in 8 of 12 rooms: the 9th ocean-view wish is refused, a city view still sells
    ok = [await book(client, room_type_id="STE", bed_configuration=None, view="ocean", packages=[]) for _ in range(8)]
    assert all(r.status_code == 201 for r in ok)
    refused = await book(client, room_type_id="STE", bed_configuration=None, view="ocean", packages=[])
    assert refused.status_code == 409 and "ocean view" in refused.json()["detail"]
    assert (await book(client, room_type_id="STE", bed_configuration=None, view="city", packages=[])).status_code == 201
    avail = await client.get("/v1/rooms/availability", headers=headers("agent"),
                             params={"check_in": "2026-01-20", "check_out": "2026-01-25", "room_type": "STE"})
    assert avail.json()["options"][0]["views_available"] == ["city"]


async def test_modify_dates_reprices_and_keeps_history(client, container):
    created = (await book(client)).json()["booking"]
    cn = created["confirmation_number"]
    preview = await client.put(f"/v1/bookings/{cn}", params={"preview": "true"}, json={"check_out": "2026-01-27"}, headers=AGENT)
    assert preview.status_code == 200 and preview.json()["preview"] is True
    assert (await client.get(f"/v1/bookings/{cn}", headers=AGENT)).json()["nights"] == 5
    r = await client.put(f"/v1/bookings/{cn}", json={"check_out": "2026-01-27", "modification_reason": "Schedule change"},
                         headers=AGENT)
    assert r.status_code == 200
    body = r.json()
    assert body["price_change"] == preview.json()["price_change"]
    booking = body["booking"]
    assert booking["nights"] == 7
    assert [n["rate"] for n in booking["pricing"]["nightly"]][-2:] == [199.0, 199.0]  # Sunday, Monday
    assert body["price_change"]["difference"] == round(booking["pricing"]["grand_total"] - created["pricing"]["grand_total"], 2)
    last = booking["modification_history"][-1]
    assert last["action"] == "modified" and last["reason"] == "Schedule change"
    assert last["changes"]["check_out"] == ["2026-01-25", "2026-01-27"]
    async with container.db.session(write=False) as session:
        sold = dict((await session.execute(select(InventoryRecord.stay_date, InventoryRecord.sold).where(InventoryRecord.pool == "*"))).all())
    assert sold[dt.date(2026, 1, 26)] == 1 and sold[dt.date(2026, 1, 20)] == 1


async def test_modify_room_type_to_a_sold_out_type_changes_nothing(client):
    for _ in range(12):
        await book(client, room_type_id="STE", bed_configuration=None, view=None, packages=[], check_in="2026-01-21", check_out="2026-01-22")
    cn = (await book(client)).json()["booking"]["confirmation_number"]
    r = await client.put(f"/v1/bookings/{cn}", json={"room_type_id": "STE"}, headers=AGENT)
    assert r.status_code == 409
    booking = (await client.get(f"/v1/bookings/{cn}", headers=AGENT)).json()
    assert booking["room_type_code"] == "DLX" and len(booking["modification_history"]) == 1
    # and the DLX inventory it holds was not released by the failed attempt
    avail = await client.get("/v1/rooms/availability", headers=headers("agent"),
                             params={"check_in": "2026-01-20", "check_out": "2026-01-25", "room_type": "DLX"})
    assert avail.json()["options"][0]["available_count"] == 32


async def test_modify_guests_beyond_occupancy_is_refused(client):
    cn = (await book(client)).json()["booking"]["confirmation_number"]
    r = await client.put(f"/v1/bookings/{cn}", json={"guests": {"adults": 4}}, headers=AGENT)
    assert r.status_code == 422 and "sleeps at most 3" in r.json()["detail"]


async def test_cancel_in_the_free_period_costs_nothing_and_releases_rooms(client):
    cn = (await book(client, room_type_id="STE", bed_configuration=None, view=None)).json()["booking"]["confirmation_number"]
    r = await client.request("DELETE", f"/v1/bookings/{cn}", json={"cancellation_reason": "Change of plans"}, headers=AGENT)
    assert r.status_code == 200
    body = r.json()
    assert body["cancellation_reference"] == f"CXL-{cn}"
    assert body["free_cancellation"] is True and body["penalty"] == 0
    booking = (await client.get(f"/v1/bookings/{cn}", headers=AGENT)).json()
    assert booking["status"] == "cancelled" and booking["cancellation"]["reason"] == "Change of plans"
    avail = await client.get("/v1/rooms/availability", headers=headers("agent"),
                             params={"check_in": "2026-01-20", "check_out": "2026-01-25", "room_type": "STE"})
    assert avail.json()["options"][0]["available_count"] == 12
    again = await client.request("DELETE", f"/v1/bookings/{cn}", headers=AGENT)
    assert again.status_code == 409 and "cancelled cannot be cancelled" in again.json()["detail"]


async def test_late_cancellation_charges_the_first_night_with_tax(client, clock):
    r = await book(client, check_in="2026-01-13", check_out="2026-01-15", packages=[])
    booking = r.json()["booking"]
    clock.pinned_date = dt.date(2026, 1, 13)  # noon on arrival day: past the 24-hour deadline
    preview = await client.request("DELETE", f"/v1/bookings/{booking['confirmation_number']}", params={"preview": "true"}, headers=AGENT)
    body = preview.json()
    assert body["free_cancellation"] is False
    assert body["penalty"] == round(199 * 1.125, 2) == booking["cancellation_policy"]["penalty"]
    assert body["refund"]["amount"] == 0  # nothing was paid in advance
    assert (await client.get(f"/v1/bookings/{booking['confirmation_number']}", headers=AGENT)).json()["status"] == "confirmed"


async def test_front_desk_lifecycle(client, clock, container):
    cn = (await book(client, check_in="2026-01-12", check_out="2026-01-14")).json()["booking"]["confirmation_number"]
    early = await client.post(f"/v1/bookings/{cn}/check-out", headers=headers("staff"))
    assert early.status_code == 409 and "confirmed cannot be checked out" in early.json()["detail"]
    assert (await client.post(f"/v1/bookings/{cn}/check-in", headers=headers("agent"))).status_code == 403
    r = await client.post(f"/v1/bookings/{cn}/check-in", headers=headers("staff"))
    assert r.status_code == 200
    room = r.json()["room_numbers"][0]
    assert r.json()["status"] == "checked_in" and room.startswith(("5", "6", "7"))
    cancel = await client.request("DELETE", f"/v1/bookings/{cn}", headers=AGENT)
    assert cancel.status_code == 409
    clock.pinned_date = dt.date(2026, 1, 14)
    out = await client.post(f"/v1/bookings/{cn}/check-out", headers=headers("staff"))
    assert out.json()["status"] == "checked_out"
    async with container.db.session(write=False) as session:
        guest = (await session.execute(select(GuestRecord))).scalar_one()
    assert (guest.total_stays, guest.total_nights) == (1, 2)


async def test_check_out_keeps_a_room_taken_out_of_service_during_the_stay_out_of_inventory(client, clock):
    cn = (await book(client, room_type_id="STE", bed_configuration=None, view=None,
                     check_in="2026-01-12", check_out="2026-01-14")).json()["booking"]["confirmation_number"]
    room = (await client.post(f"/v1/bookings/{cn}/check-in", headers=headers("staff"))).json()["room_numbers"][0]
    leak = await client.put(f"/v1/admin/rooms/{room}/status", headers=headers(), json={"status": "maintenance"})
    assert leak.status_code == 200 and leak.json()["status"] == "maintenance"
    clock.pinned_date = dt.date(2026, 1, 14)
    query = {"check_in": "2026-01-14", "check_out": "2026-01-15", "room_type": "STE"}
    before = (await client.get("/v1/rooms/availability", headers=AGENT, params=query)).json()["options"][0]["available_count"]
    assert (await client.post(f"/v1/bookings/{cn}/check-out", headers=headers("staff"))).json()["status"] == "checked_out"
    rooms = (await client.get("/v1/admin/rooms", headers=headers(), params={"room_type": "STE"})).json()
    assert {r["room_number"]: r["status"] for r in rooms["rooms"]}[room] == "maintenance"
    after = (await client.get("/v1/rooms/availability", headers=AGENT, params=query)).json()["options"][0]["available_count"]
    assert after == before


async def test_no_show_only_from_arrival_day_and_it_frees_the_rooms(client, clock):
    cn = (await book(client, room_type_id="STE", bed_configuration=None, view=None, check_in="2026-01-13", check_out="2026-01-15")).json()["booking"]["confirmation_number"]
    assert (await client.post(f"/v1/bookings/{cn}/no-show", headers=headers("staff"))).status_code == 409
    clock.pinned_date = dt.date(2026, 1, 13)
    r = await client.post(f"/v1/bookings/{cn}/no-show", headers=headers("staff"))
    assert r.json()["status"] == "no_show"
    avail = await client.get("/v1/rooms/availability", headers=headers("agent"),
                             params={"check_in": "2026-01-13", "check_out": "2026-01-15", "room_type": "STE"})
    assert avail.json()["options"][0]["available_count"] == 12


async def test_discount_codes_and_packages(client):
    r = await book(client, discount_code="welcome25")
    assert r.json()["booking"]["pricing"]["discounts"] == 25.0
    assert (await book(client, discount_code="BOGUS")).json()["detail"] == "The discount code BOGUS is not valid."
    r = await book(client, packages=["spa_day"])
    assert r.status_code == 422 and "Unknown package spa_day" in r.json()["detail"]


async def test_search_by_name_email_phone_and_dates(client):
    await book(client)
    await book(client, check_in="2026-02-10", check_out="2026-02-12",
               primary_guest={"first_name": "Sarah", "last_name": "Johnson", "phone": {"number": "2125550199"}})
    async def search(**params):
        r = await client.get("/v1/bookings/search", params=params, headers=headers("staff"))
        assert r.status_code == 200
        return [b["guest_name"] for b in r.json()["bookings"]]
    assert await search(guest_name="john") == ["John Smith", "Sarah Johnson"]
    assert await search(guest_name="sarah johnson") == ["Sarah Johnson"]
    assert await search(email="JOHN.SMITH@email.com") == ["John Smith"]
    assert await search(phone="0199") == ["Sarah Johnson"]
    assert await search(date_from="2026-02-01", date_to="2026-02-28") == ["Sarah Johnson"]
    short = await client.get("/v1/bookings/search", params={"phone": "12"}, headers=headers("staff"))
    assert short.status_code == 422


@pytest.mark.parametrize(
    ("overrides", "status", "detail"),
    [
        ({"check_out": "2026-01-19"}, 422, "must be after check-in"),
        ({"check_in": "2025-12-01", "check_out": "2025-12-03"}, 422, "in the past"),
        ({"room_type_id": "PENTHOUSE"}, 404, "no room type"),
        ({"rate_code": "FREE"}, 422, "Rate 'FREE' is not offered"),
        ({"bed_configuration": "WATERBED"}, 422, "not WATERBED"),
        ({"view": "volcano"}, 422, "not volcano"),
        ({"guests": {"adults": 0}}, 422, "guests.adults"),
        ({"guests": {"adults": "two"}}, 422, "guests.adults"),
        ({"primary_guest": {"first_name": "A", "last_name": "B"}}, 422, "email or a phone"),
        ({"primary_guest": {"first_name": "A", "last_name": "B", "email": "not-an-email"}}, 422, "primary_guest.email"),
        ({"estimated_arrival": "25:00"}, 422, "estimated_arrival"),
        ({"rooms": 50}, 422, "rooms"),
        ({"hacker": True}, 422, "hacker: is not a field"),
        ({"special_requests": ["x" * 5000]}, 422, "special_requests"),
        ({"rate_code": "PKG_BB", "check_in": "2026-01-13", "check_out": "2026-01-15"}, 422, "at least 2 days ahead"),
    ],
)
async def test_bad_booking_requests_get_clear_errors(client, overrides, status, detail):
    r = await book(client, **overrides)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert detail in r.json()["detail"]


async def test_malformed_and_oversized_bodies(client):
    r = await client.post("/v1/bookings", content=b'{"check_in": ', headers={**headers(), "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["detail"].startswith("The request body is not valid JSON")
    r = await client.post("/v1/bookings", content=b"[1, 2]", headers={**headers(), "content-type": "application/json"})
    assert r.status_code == 422
    big = b'{"x": "' + b"a" * 200_000 + b'"}'
    r = await client.post("/v1/bookings", content=big, headers={**headers(), "content-type": "application/json"})
    assert r.status_code == 413 and "larger than" in r.json()["detail"]


async def test_unknown_booking_and_unknown_endpoint(client):
    r = await client.get("/v1/bookings/ROOMI-20990101-001", headers=headers("staff"))
    assert r.status_code == 404 and "No booking with confirmation number" in r.json()["detail"]
    r = await client.get("/v1/nothing-here", headers=headers("agent"))
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


async def test_concurrent_requests_for_the_last_rooms_on_sqlite(client):
    results = await asyncio.gather(*[
        book(client, room_type_id="STE", bed_configuration=None, view=None, packages=[]) for _ in range(20)
    ])
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 12 and codes.count(409) == 8


async def require_deposit(client, percent=20):
    r = await client.put("/v1/admin/settings", json={"policies": {"deposit_required": True, "deposit_percentage": percent}},
                         headers=headers("admin"))
    assert r.status_code == 200, r.text


async def test_deposit_is_charged_and_refunded_in_the_free_period(client, container):
    await require_deposit(client)
    assert (await book(client)).status_code == 422  # a card is needed now
    r = await book(client, payment={"card_number": CARD, "expiry": "12/27", "cvv": "123"})
    booking = r.json()["booking"]
    assert booking["payment_status"] == "partial"
    deposit = round(booking["pricing"]["grand_total"] * 0.2, 2)
    cancel = await client.request("DELETE", f"/v1/bookings/{booking['confirmation_number']}", headers=AGENT)
    body = cancel.json()
    assert body["paid"] == deposit and body["penalty"] == 0
    assert body["refund"] == {"eligible": True, "amount": deposit, "status": "processing", "estimated_days": 5}
    async with container.db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT payment_type, amount_cents, status FROM payments ORDER BY created_at, payment_id"))).all()
    assert [(t, s) for t, _, s in rows] == [("deposit", "completed"), ("refund", "completed")]
    assert rows[0][1] == rows[1][1] == round(deposit * 100)


async def test_late_cancellation_keeps_the_penalty_from_the_deposit(client, clock):
    await require_deposit(client, percent=50)
    r = await book(client, check_in="2026-01-13", check_out="2026-01-15", packages=[],
                   payment={"card_number": CARD, "expiry": "12/27", "cvv": "123"})
    booking = r.json()["booking"]
    clock.pinned_date = dt.date(2026, 1, 13)
    body = (await client.request("DELETE", f"/v1/bookings/{booking['confirmation_number']}", headers=AGENT)).json()
    penalty = round(199 * 1.125, 2)
    assert body["penalty"] == penalty
    assert body["refund"]["amount"] == round(body["paid"] - penalty, 2)
    after = (await client.get(f"/v1/bookings/{booking['confirmation_number']}", headers=AGENT)).json()
    assert after["payment_status"] == "partial" and after["status"] == "cancelled"


async def test_a_declined_deposit_makes_no_booking_and_keeps_the_rooms(client, container):
    await require_deposit(client)
    r = await book(client, room_type_id="STE", bed_configuration=None, view=None,
                   payment={"card_number": "4000000000000002", "expiry": "12/27", "cvv": "123"})
    assert r.status_code == 402 and "declined" in r.json()["detail"]
    async with container.db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM bookings"))).scalar_one() == 0
        assert (await conn.execute(text("SELECT coalesce(sum(sold), 0) FROM inventory"))).scalar_one() == 0


async def test_after_a_declined_deposit_the_next_booking_with_another_card_is_made(client):
    await require_deposit(client)
    declined = await book(client, payment={"card_number": "4000000000000002", "expiry": "12/27", "cvv": "123"})
    assert declined.status_code == 402
    # the rolled-back attempt freed its confirmation number; the new attempt's deposit is a new charge, not a replay
    second = await book(client, payment={"card_number": CARD, "expiry": "12/27", "cvv": "123"})
    assert second.status_code == 201, second.text
    assert second.json()["booking"]["payment_status"] in ("partial", "paid")


class VaultThatCannotRefund(LocalVault):
    """The local vault, with a processor that refuses every refund (a closed card account, say)."""

    async def refund(self, *, transaction_id, amount_cents, currency, reason):
        return GatewayResult(transaction_id="re_refused", status="failed", processor="local-vault",
                             response={"error": "the card account is closed"})


async def test_a_refund_the_processor_refuses_is_not_reported_as_refunded(settings, clock, tmp_path, seeded_template):
    shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
    vault = VaultThatCannotRefund(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
    container = build_container(settings, clock=clock, gateway=vault)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)),
                                     base_url="http://roomi.test") as client:
            await require_deposit(client)
            made = await book(client, payment={"card_number": CARD, "expiry": "12/27", "cvv": "123"})
            cn = made.json()["booking"]["confirmation_number"]
            cancelled = (await client.request("DELETE", f"/v1/bookings/{cn}", headers=AGENT)).json()
            after = (await client.get(f"/v1/bookings/{cn}", headers=AGENT)).json()
    finally:
        await container.db.dispose()
        vault.close()
    assert cancelled["refund"]["status"] == "failed"
    assert after["status"] == "cancelled" and after["payment_status"] == "refund_failed"


async def test_search_wildcards_match_only_themselves(client):
    await book(client)
    for pattern in ("%", "_", "j%n"):
        r = await client.get("/v1/bookings/search", params={"guest_name": pattern}, headers=headers("staff"))
        assert r.json()["count"] == 0, pattern


@pytest.mark.parametrize("field", ["check_in", "check_out", "room_type_id", "rate_code", "rooms", "guests",
                                   "additional_guests", "special_requests", "room_preferences"])
async def test_a_change_cannot_empty_what_a_booking_needs(client, field):
    cn = (await book(client)).json()["booking"]["confirmation_number"]
    r = await client.put(f"/v1/bookings/{cn}", json={field: None}, headers=AGENT)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"{field} cannot be null: leave a field out to keep what the booking has"


async def test_a_change_may_drop_a_view_wish(client):
    cn = (await book(client)).json()["booking"]["confirmation_number"]
    r = await client.put(f"/v1/bookings/{cn}", json={"view": None, "special_occasion": None}, headers=AGENT)
    assert r.status_code == 200, r.text
    assert r.json()["booking"]["view"] is None and r.json()["booking"]["special_occasion"] is None
