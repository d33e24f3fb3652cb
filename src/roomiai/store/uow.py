"""Unit of work: one transaction; repositories never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .database import Database


class UnitOfWork:
    def __init__(self, db: Database, *, write: bool = False):
        self.db = db
        self.write = write
        self.session: AsyncSession

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self.db.session(write=self.write)
        await self.session.begin()
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    @property
    def dialect(self) -> str:
        return self.db.engine.dialect.name
