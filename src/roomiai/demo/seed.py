"""Loads the Grand Hotel (src/roomiai/hotels/grand-hotel.yaml) and the demo users into an empty database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from ..property import checks, files
from ..services import auth, property_setup
from ..store.tables import HotelSettingsRecord
from ..store.uow import UnitOfWork

GRAND_HOTEL = Path(__file__).resolve().parent.parent / "hotels" / "grand-hotel.yaml"
DEMO_USERS = [
    ("admin", "admin", "grandhotel-admin"),
    ("staff", "staff", "grandhotel-staff"),
    ("agent", "agent", "grandhotel-agent"),
]


async def is_seeded(uow: UnitOfWork) -> bool:
    return (await uow.session.execute(select(func.count()).select_from(HotelSettingsRecord))).scalar_one() > 0


async def seed_demo(uow: UnitOfWork, *, now: dt.datetime) -> bool:
    """Load Grand Hotel unless a hotel is already there; True when it loaded."""
    if await is_seeded(uow):
        return False
    document = checks.canonical(checks.parse(files.read(GRAND_HOTEL)))
    await property_setup.apply(uow, document, now=now, today=now.date())
    for username, role, password in DEMO_USERS:
        await auth.create_user(uow, username=username, password=password, role=role, now=now)
    await uow.commit()
    return True
