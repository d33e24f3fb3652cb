"""/v1/admin/users: staff accounts; changing one revokes all its tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..services import auth
from ..store.tables import UserRecord
from .deps import Admin, ContainerDep, ReadUow, WriteUow
from .schemas.users import UserChange, UserList, UserRead

router = APIRouter(prefix="/v1/admin/users", tags=["admin"])
Username = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")]


@router.get("", response_model=UserList, summary="Staff accounts")
async def list_users(uow: ReadUow, _: Admin) -> UserList:
    return UserList(users=[_read(user) for user in await auth.users(uow)])


@router.put(
    "/{username}",
    response_model=UserRead,
    summary="Create a user, or change its role, password or status",
    responses={409: {"description": "the last active admin cannot be demoted or disabled (`last_admin`)"}},
)
async def save_user(username: Username, body: UserChange, uow: WriteUow, c: ContainerDep, _: Admin) -> UserRead:
    user = await auth.save_user(
        uow, username=username, password=body.password, role=body.role, active=body.active, now=c.clock.now()
    )
    await uow.commit()
    return _read(user)


def _read(user: UserRecord) -> UserRead:
    return UserRead(username=user.username, role=user.role, active=user.is_active, created_at=user.created_at)
