"""The hotel's settings document: read it, and change it section by section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..clock import Clock
from ..domain.errors import NotFound
from ..store.tables import HotelSettingsRecord
from ..store.uow import UnitOfWork
from . import catalog


@dataclass
class HotelSettings:
    data: dict[str, Any]
    updated_at: dt.datetime


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`base` with `patch` laid over it: objects merge key by key, anything else replaces, None removes."""
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


async def get(uow: UnitOfWork) -> HotelSettings:
    record = await _record(uow)
    return HotelSettings(record.data, record.updated_at)


async def update(
    uow: UnitOfWork, *, clock: Clock, patch: dict[str, Any], validate: Callable[[dict[str, Any]], dict[str, Any]]
) -> HotelSettings:
    """Merge the given sections into the settings, check the whole document, store it, and follow a new time zone."""
    record = await _record(uow, lock=True)
    data = validate(deep_merge(record.data, patch))
    record.data, record.updated_at = data, clock.now()
    await catalog.changed(uow.session)
    await uow.commit()
    if data["timezone"] != clock.tz.key:
        clock.set_timezone(data["timezone"])
    return HotelSettings(record.data, record.updated_at)


async def _record(uow: UnitOfWork, *, lock: bool = False) -> HotelSettingsRecord:
    query = select(HotelSettingsRecord)
    record = (await uow.session.execute(query.with_for_update() if lock else query)).scalars().first()
    if record is None:
        raise NotFound("The hotel has not been set up yet: run `roomi seed --demo` or configure it.")
    return record
