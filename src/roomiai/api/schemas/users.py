"""Staff accounts: who may log in, with which role."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Instant

Role = Literal["admin", "staff", "agent"]


class UserChange(BaseModel):
    """Fields left out stay as they are; a new user needs a role and a password. Any change logs the user out."""

    model_config = ConfigDict(extra="forbid")  # passwords are kept exactly as typed, spaces included

    role: Role | None = None
    password: Annotated[str | None, Field(max_length=256, description="at least 12 characters")] = None
    active: bool | None = Field(None, description="false disables the account")


class UserRead(BaseModel):
    username: str
    role: Role
    active: bool
    created_at: Instant


class UserList(BaseModel):
    users: list[UserRead]
