"""INSERT … ON CONFLICT for the two dialects we run on."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import InventoryRecord, SequenceRecord


def _insert(session: AsyncSession, table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def next_sequence(session: AsyncSession, name: str) -> int:
    """Atomically increment and return the named counter (1 for a new one)."""
    stmt = _insert(session, SequenceRecord).values(name=name, value=1)
    stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"value": SequenceRecord.value + 1})
    return (await session.execute(stmt.returning(SequenceRecord.value))).scalar_one()


async def insert_inventory_rows(session: AsyncSession, rows: list[dict]) -> None:
    """Create missing inventory rows; existing rows are left as they are."""
    if not rows:
        return
    stmt = (
        _insert(session, InventoryRecord)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["room_type_id", "stay_date", "pool"])
    )
    await session.execute(stmt)
