import pytest

from tests.conftest import headers

pytestmark = pytest.mark.api


async def availability(client, **params):
    params = {"adults": 2, **params}
    return await client.get("/v1/rooms/availability", params=params, headers=headers("agent"))


def option(body, code):
    return next(o for o in body["options"] if o["room_type_code"] == code)


async def test_room_types_with_inventory(client):
    r = await client.get("/v1/rooms/types", headers=headers("agent"))
    types = {t["code"]: t for t in r.json()["room_types"]}
    assert set(types) == {"STD", "DLX", "STE", "FAM"}
    assert sum(t["rooms"] for t in types.values()) == 100
    assert types["DLX"]["bed_configurations"][0] == {"code": "KING", "description": "One King Bed"}


async def test_availability_lists_every_type_with_nightly_counts_and_priced_rates(client):
    r = await availability(client, check_in="2026-01-20", check_out="2026-01-25")
    assert r.status_code == 200
    body = r.json()
    assert body["available"] is True
    assert body["date_range"] == {"check_in": "2026-01-20", "check_out": "2026-01-25", "nights": 5}
    dlx = option(body, "DLX")
    assert dlx["available_count"] == 33
    assert [n["available"] for n in dlx["nightly_availability"]] == [33] * 5
    assert dlx["beds_available"] == ["KING", "TWIN"] and dlx["views_available"] == ["city", "garden", "pool"]
    bar = next(rate for rate in dlx["rates"] if rate["rate_code"] == "BAR")
    # Tue, Wed, Thu at 199; Fri, Sat at 239
    assert [n["rate"] for n in bar["nightly"]] == [199, 199, 199, 239, 239]
    assert bar["total"] == 1075.0 and bar["per_night"] == 215.0
    assert bar["taxes"] == round(1075 * 0.125 + 5 * 2.5, 2)
    assert bar["fees"] == 75.0
    assert bar["grand_total"] == round(1075 + bar["taxes"] + 75, 2)
    assert bar["cancellation"].startswith("Free cancellation until 24 hours")


async def test_rate_restrictions_hide_rates_that_cannot_sell_the_stay(client):
    one_night = await availability(client, check_in="2026-01-20", check_out="2026-01-21")
    codes = {r["rate_code"] for r in option(one_night.json(), "STD")["rates"]}
    assert "PKG_BB" not in codes and "BAR" in codes  # B&B needs two nights
    tomorrow = await availability(client, check_in="2026-01-13", check_out="2026-01-15")
    assert "PKG_BB" not in {r["rate_code"] for r in option(tomorrow.json(), "STD")["rates"]}  # 2 days ahead
    later = await availability(client, check_in="2026-01-14", check_out="2026-01-16")
    assert "PKG_BB" in {r["rate_code"] for r in option(later.json(), "STD")["rates"]}


async def test_a_stay_no_rate_sells_says_why_in_a_code_with_its_limit(client):
    long = (await availability(client, check_in="2026-02-01", check_out="2026-03-15")).json()
    assert long["options"] == []
    for refused in long["unavailable"]:
        assert refused["code"] == "stay_too_long", refused
        assert f"at most {refused['limit']} nights" in refused["reason"]  # the loosest rate's limit is the one given
    assert max(u["limit"] for u in long["unavailable"]) == 30
    mixed = (await availability(client, check_in="2026-01-13", check_out="2026-01-14")).json()
    assert all(u["code"] != "stay_too_long" for u in mixed["unavailable"])


async def test_occupancy_limits_leave_only_rooms_that_fit(client):
    r = await availability(client, check_in="2026-01-20", check_out="2026-01-22", adults=2, children=3)
    body = r.json()
    assert [o["room_type_code"] for o in body["options"]] == ["FAM"]
    reasons = {u["room_type_code"]: u["reason"] for u in body["unavailable"]}
    assert "sleeps at most 3" in reasons["STD"]
    std = next(u for u in body["unavailable"] if u["room_type_code"] == "STD")
    assert (std["code"], std["limit"]) == ("too_many_guests", 3)
    fam = option(body, "FAM")
    assert fam["rates"][0]["nightly"][0]["extra_person"] == 25.0  # 5 guests, base 4


async def test_several_rooms_split_the_party(client):
    r = await availability(client, check_in="2026-01-20", check_out="2026-01-22", adults=6, rooms_needed=3, room_type="STD")
    std = option(r.json(), "STD")
    bar = next(rate for rate in std["rates"] if rate["rate_code"] == "BAR")
    assert bar["total"] == 149 * 2 * 3


async def test_room_type_filter_by_code(client):
    r = await availability(client, check_in="2026-01-20", check_out="2026-01-22", room_type="ste")
    assert [o["room_type_code"] for o in r.json()["options"]] == ["STE"]


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"check_in": "2026-01-22", "check_out": "2026-01-20"}, 422, "must be after check-in"),
        ({"check_in": "2026-01-02", "check_out": "2026-01-04"}, 422, "in the past"),
        ({"check_in": "2026-02-30", "check_out": "2026-03-02"}, 422, "check_in"),
        ({"check_in": "tomorrow", "check_out": "2026-03-02"}, 422, "check_in"),
        ({"check_out": "2026-03-02"}, 422, "check_in: is required"),
        ({"check_in": "2026-01-20", "check_out": "2026-01-22", "adults": 0}, 422, "adults"),
        ({"check_in": "2026-01-20", "check_out": "2026-01-22", "adults": 10**30}, 422, "adults"),
        ({"check_in": "2026-01-20", "check_out": "2026-01-22", "room_type": "PENTHOUSE"}, 404, "no room type 'PENTHOUSE'"),
    ],
)
async def test_bad_queries_get_clear_errors(client, params, status, detail):
    r = await client.get("/v1/rooms/availability", params=params, headers=headers("agent"))
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert detail in r.json()["detail"]


async def test_rates_of_a_room_type(client):
    r = await client.get("/v1/rooms/DLX/rates", headers=headers("agent"))
    rates = {rate["rate_code"]: rate for rate in r.json()["rates"]}
    assert set(rates) == {"BAR", "AAA", "CORP", "PKG_BB"}
    assert rates["BAR"]["day_of_week_rates"] == {"friday": 239.0, "saturday": 239.0}
    assert rates["PKG_BB"]["advance_booking_days"] == 2 and rates["PKG_BB"]["includes"] == ["breakfast"]
    assert (await client.get("/v1/rooms/nope/rates", headers=headers("agent"))).status_code == 404
