"""Setting a hotel up: import and export, the B&B's prices by hand, the CLI, and the admin API's setup routes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from roomiai import cli
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.payments.local_vault import LocalVault
from roomiai.property import checks, files
from roomiai.services import property_setup
from roomiai.store.tables import RoomRecord
from roomiai.store.uow import UnitOfWork
from tests.conftest import PII_KEY, SECRET, TODAY, headers
from tests.unit.test_property_file import BNB, GRAND

pytestmark = pytest.mark.api


def document(path: Path) -> dict:
    return checks.canonical(checks.parse(files.read(path)))


async def export_text(container) -> str:
    async with UnitOfWork(container.db) as uow:
        raw = await property_setup.export(uow)
    return files.dumps(checks.compact(checks.canonical(checks.parse(raw))))


@pytest.fixture
def env(monkeypatch, tmp_path):
    """ROOMIAI_* for the CLI on an empty SQLite database in tmp_path."""
    for name, value in {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}", "DATA_DIR": str(tmp_path),
                        "JWT_SECRET": SECRET, "PII_KEY": PII_KEY, "TODAY": TODAY.isoformat()}.items():
        monkeypatch.setenv(f"ROOMIAI_{name}", value)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    return tmp_path


@pytest.fixture
async def empty_container(env, settings, clock):
    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{env / 'empty.sqlite3'}"})
    vault = LocalVault(env / "vault.sqlite3", key=b"0" * 43 + b"=")
    c = build_container(settings, clock=clock, gateway=vault)
    await c.db.migrate()
    yield c
    await c.db.dispose()
    vault.close()


async def client_for(container) -> httpx.AsyncClient:
    app = create_app(container)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test")


@pytest.mark.parametrize("path", [GRAND, BNB], ids=["grand-hotel", "bnb"])
async def test_import_export_import_export_gives_the_same_file(path, empty_container, clock, tmp_path, settings):
    async with UnitOfWork(empty_container.db, write=True) as uow:
        changes = await property_setup.apply(uow, document(path), now=clock.now(), today=TODAY)
        await uow.commit()
    assert changes[0].startswith("hotel ") and changes[0].endswith(": create")
    first = await export_text(empty_container)
    assert checks.canonical(checks.parse(files.loads(first))) == document(path)
    async with UnitOfWork(empty_container.db, write=True) as uow:  # the same file again changes nothing
        assert await property_setup.apply(uow, document(path), now=clock.now(), today=TODAY) == []

    other = build_container(settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}"}),
                            clock=clock, gateway=empty_container.gateway)
    await other.db.migrate()
    async with UnitOfWork(other.db, write=True) as uow:
        await property_setup.apply(uow, checks.canonical(checks.parse(files.loads(first))), now=clock.now(), today=TODAY)
        await uow.commit()
    assert await export_text(other) == first
    await other.db.dispose()


async def test_the_bnb_prices_stays_as_computed_by_hand(empty_container, clock):
    """DBL: 110 a night, 135 Friday and Saturday, 20 per guest above two; VAT 9% and a 3.00 levy per stay; no fees."""
    async with UnitOfWork(empty_container.db, write=True) as uow:
        await property_setup.apply(uow, document(BNB), now=clock.now(), today=TODAY)
        await uow.commit()
    cases = [
        ("2026-01-13", "2026-01-15", 2, 220.00, 19.80, 242.80),  # Tuesday and Wednesday
        ("2026-01-16", "2026-01-18", 2, 270.00, 24.30, 297.30),  # Friday and Saturday
        ("2026-01-15", "2026-01-17", 3, 285.00, 25.65, 313.65),  # Thursday and Friday, a third guest: 110+135+2*20
    ]
    async with await client_for(empty_container) as client:
        for check_in, check_out, adults, rooms, vat, total in cases:
            r = await client.get("/v1/rooms/availability", headers=headers("agent"), params={
                "check_in": check_in, "check_out": check_out, "adults": adults, "room_type": "DBL"})
            assert r.status_code == 200, r.text
            (rate,) = r.json()["options"][0]["rates"]
            assert (rate["rate_code"], rate["currency"]) == ("BB", "EUR")
            assert rate["total"] == rooms
            assert rate["tax_lines"] == [{"name": "VAT", "amount": vat}, {"name": "Tourism Levy", "amount": 3.0}]
            assert rate["fees"] == 0 and rate["fee_lines"] == []
            assert rate["grand_total"] == total
        hotel = (await client.get("/v1/hotel", headers=headers("agent"))).json()
        assert hotel["name"] == "Harbour View B&B" and len(hotel["room_types"]) == 2


async def run_cli(*args: str) -> int:
    """`roomi ARGS` in a thread: the command runs its own event loop."""
    return await asyncio.to_thread(cli.main, list(args))


async def test_cli_import_dry_run_export_and_a_bad_file_that_changes_nothing(env, capsys):
    assert await run_cli("hotel", "export") == 2
    assert "has not been set up yet" in capsys.readouterr().err
    assert await run_cli("hotel", "import", str(BNB), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "importing it would make 17 changes (nothing was changed)" in out and "  room 24: create" in out
    assert await run_cli("hotel", "export") == 2  # the dry run left nothing behind
    capsys.readouterr()
    assert await run_cli("hotel", "import", str(BNB)) == 0
    assert "imported" in capsys.readouterr().out
    assert await run_cli("hotel", "export", str(env / "bnb.json")) == 0
    assert checks.canonical(checks.parse(files.read(env / "bnb.json"))) == document(BNB)

    broken = files.read(BNB)
    broken["rooms"][5]["type_code"] = "SUITE"
    broken["rates"][0]["min_stay"] = 20
    broken["room_types"][0]["name"] = "Renamed"  # would change, but nothing is half-imported
    (env / "broken.yaml").write_text(files.dumps(broken))
    capsys.readouterr()
    assert await run_cli("hotel", "import", str(env / "broken.yaml")) == 2
    err = capsys.readouterr().err
    assert "broken.yaml has 2 problems; nothing was imported:" in err
    assert "  rooms[5].type_code: no room type 'SUITE' (known: FAM, DBL)" in err
    assert "  rates[0].min_stay: 20 is above max_stay 14" in err
    assert await run_cli("hotel", "export", str(env / "after.yaml")) == 0
    assert "Renamed" not in (env / "after.yaml").read_text()


async def test_demo_refuses_to_run_in_production(env, monkeypatch, capsys):
    monkeypatch.setenv("ROOMIAI_ENV", "prod")
    monkeypatch.setenv("ROOMIAI_VAULT_KEY", "x" * 43 + "=")
    assert await run_cli("seed", "--demo") == 2
    assert "never runs with ROOMIAI_ENV=prod" in capsys.readouterr().err
    assert await run_cli("demo") == 2
    assert "roomi init --hotel FILE" in capsys.readouterr().err
    assert not (env / "empty.sqlite3").exists()


async def test_init_refuses_to_run_twice_and_creates_no_demo_user(env, monkeypatch, capsys, empty_container):
    monkeypatch.setenv("ROOMIAI_NEW_PASSWORD", "harbour-admin-2026")
    assert await run_cli("init", "--hotel", str(BNB), "--admin", "maeve") == 0
    assert "admin user maeve" in capsys.readouterr().out
    assert await run_cli("init", "--hotel", str(GRAND)) == 2
    assert "already set up" in capsys.readouterr().err
    async with await client_for(empty_container) as client:
        for username, password in (("admin", "grandhotel-admin"), ("maeve", "harbour-admin-2026")):
            r = await client.post("/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == (200 if username == "maeve" else 401)
        assert (await client.get("/v1/hotel", headers=headers())).json()["name"] == "Harbour View B&B"


# ---------------------------------------------------------------- the admin API (on the seeded Grand Hotel)


async def availability(client, room_type="STD", check_in="2026-01-20", check_out="2026-01-22", **params):
    r = await client.get("/v1/rooms/availability", headers=headers("agent"), params={
        "check_in": check_in, "check_out": check_out, "adults": 2, "room_type": room_type, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_rate_room_type_package_and_discount_code_changes_show_at_once(client):
    admin = headers()
    bar = (await client.get("/v1/admin/rates/STD/BAR", headers=admin)).json()
    assert bar["base_rate"] == 149.0 and bar["day_of_week_rates"] == {"friday": 179.0, "saturday": 179.0}
    before = await availability(client)
    assert next(r for r in before["options"][0]["rates"] if r["rate_code"] == "BAR")["total"] == 298.0

    r = await client.put("/v1/admin/rates/STD/BAR", headers=admin, json={**bar, "base_rate": 155.5})
    assert r.status_code == 200, r.text
    after = await availability(client)
    assert next(r for r in after["options"][0]["rates"] if r["rate_code"] == "BAR")["total"] == 311.0

    r = await client.put("/v1/admin/rates/STD/BAR", headers=admin, json={**bar, "min_stay": 5, "max_stay": 2})
    assert r.status_code == 422 and r.json()["detail"] == "min_stay: 5 is above max_stay 2"
    r = await client.put("/v1/admin/rates/STD/BAR", headers=admin, json={**bar, "rate_code": "AAA"})
    assert r.status_code == 422 and "is not the one in the address" in r.json()["detail"]

    new_type = {"type_code": "PH", "name": "Penthouse", "base_occupancy": 2, "max_occupancy": 4,
                "extra_person_charge": 100, "bed_configurations": [{"code": "KING", "description": "One King Bed"}],
                "view_options": ["ocean"]}
    assert (await client.post("/v1/admin/room-types", headers=admin, json=new_type)).status_code == 201
    assert (await client.post("/v1/admin/room-types", headers=admin, json=new_type)).status_code == 409
    room = {"room_number": "1001", "floor": 10, "type_code": "PH", "bed_configuration": "KING", "view": "ocean"}
    assert (await client.post("/v1/admin/rooms", headers=admin, json=room)).status_code == 201
    bad = await client.post("/v1/admin/rooms", headers=admin, json={**room, "room_number": "1002", "type_code": "PHX"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == "type_code: no room type 'PHX' (known: STD, DLX, STE, PH, FAM)"
    rate = {"rate_code": "BAR", "type_code": "PH", "name": "Best Available Rate", "base_rate": 999}
    assert (await client.post("/v1/admin/rates", headers=admin, json=rate)).status_code == 201
    penthouse = await availability(client, room_type="PH")
    assert penthouse["options"][0]["available_count"] == 1
    assert penthouse["options"][0]["rates"][0]["total"] == 1998.0
    r = await client.delete("/v1/admin/room-types/PH", headers=admin)
    assert r.status_code == 409 and r.json()["detail"] == "Room type PH still has 1 rooms and 1 rates; remove or move them first."

    package = {"code": "spa", "name": "Spa Day", "price": 120, "per": "stay"}
    assert (await client.post("/v1/admin/packages", headers=admin, json=package)).status_code == 201
    assert [p["code"] for p in (await client.get("/v1/hotel", headers=headers("agent"))).json()["packages"]][-1] == "spa"
    code = {"code": "winter10", "type": "percentage", "amount": 10}
    assert (await client.post("/v1/admin/discount-codes", headers=admin, json=code)).status_code == 201
    assert (await client.get("/v1/admin/discount-codes/WINTER10", headers=admin)).json()["amount"] == 10.0
    assert (await client.delete("/v1/admin/discount-codes/WINTER10", headers=admin)).status_code == 204
    assert (await client.get("/v1/admin/discount-codes/WINTER10", headers=admin)).status_code == 404
    assert (await client.get("/v1/admin/room-types", headers=headers("staff"))).status_code == 403

    exported = (await client.get("/v1/admin/property", headers=admin)).json()
    dry = await client.put("/v1/admin/property", headers=admin, params={"dry_run": True},
                           json={**exported, "packages": []})
    assert dry.json() == {"dry_run": True, "changes": ["hotel settings: update packages"]}
    assert len((await client.get("/v1/admin/packages", headers=admin)).json()["packages"]) == 4


async def test_a_room_out_of_service_leaves_inventory_at_once_and_comes_back(client, container):
    admin = headers()
    before = (await availability(client, room_type="STE"))["options"][0]["available_count"]
    r = await client.put("/v1/admin/rooms/801/status", headers=admin, json={"status": "out_of_service"})
    assert r.status_code == 200 and r.json()["status"] == "out_of_service"
    assert (await availability(client, room_type="STE"))["options"][0]["available_count"] == before - 1
    assert (await client.put("/v1/admin/rooms/801/status", headers=admin, json={"status": "occupied"})).status_code == 422
    await client.put("/v1/admin/rooms/801/status", headers=admin, json={"status": "available"})
    assert (await availability(client, room_type="STE"))["options"][0]["available_count"] == before
    async with UnitOfWork(container.db) as uow:
        assert (await uow.session.execute(select(func.count()).select_from(RoomRecord))).scalar_one() == 100
