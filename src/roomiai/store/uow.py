"""Unit of work: one transaction; repositories never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .database import Database


class UnitOfWork:
    def __init__(self, db: Database, *, write: bool = False):
        self.db = db
        self.write = write
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self._lock = self.db.write_lock() if self.write else None
        if self._lock is not None:
            await self._lock.acquire()
        try:
            self.session = self.db.session(write=self.write)
            await self.session.begin()
        except BaseException:
            self._release()
            raise
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            try:
                await self.session.close()
            finally:
                self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    async def commit(self) -> None:
        await self.session.commit()

    @property
    def dialect(self) -> str:
        return self.db.engine.dialect.name
