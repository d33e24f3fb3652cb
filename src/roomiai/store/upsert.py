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


async def next_sequences(session: AsyncSession, names: list[str]) -> dict[str, int]:
    """Several counters incremented in one statement (in name order, so two callers lock them alike)."""
    # a Core table with one parameter set per row: SQLAlchemy caches the compiled statement and sends the rows
    # as one multi-row INSERT ("insertmanyvalues"); rows in .values() would be compiled again on every call
    table = SequenceRecord.__table__
    stmt = _insert(session, table).on_conflict_do_update(index_elements=["name"], set_={"value": table.c.value + 1})
    rows = await session.execute(
        stmt.returning(table.c.name, table.c.value), [{"name": name, "value": 1} for name in sorted(set(names))]
    )
    return {name: value for name, value in rows}


async def sell_nights(session: AsyncSession, rows: list[dict], rooms: int) -> set[tuple[str, object]]:
    """Sell `rooms` on each (pool, night) row in one statement: a missing row is created sold, an existing one is
    sold only where that many rooms are still free. Returns the (pool, night) pairs that were sold."""
    table = InventoryRecord.__table__
    stmt = _insert(session, table).on_conflict_do_update(
        index_elements=["room_type_id", "stay_date", "pool"],
        set_={"sold": table.c.sold + rooms},
        where=table.c.total - table.c.sold - table.c.blocked >= rooms,
    )
    result = await session.execute(stmt.returning(table.c.pool, table.c.stay_date), rows)
    return {(pool, night) for pool, night in result}


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
