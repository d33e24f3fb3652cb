"""Dependencies shared by the routers: the container, units of work and the caller's role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from ..clock import Clock
from ..config import Settings
from ..domain.errors import Forbidden
from ..messaging.mail import Mail
from ..messaging.sender import OutboxSender
from ..payments.port import PaymentGateway
from ..services import bookings
from ..services.auth import Principal, Unauthorized, check_current
from ..store.database import Database
from ..store.uow import UnitOfWork
from .lookup_limit import LookupLimit
from .security import LoginThrottle, RequestRate
from .verified_tokens import VerifiedTokens

if TYPE_CHECKING:
    from ..shared_state.redis_link import RedisLink


@dataclass
class Container:
    settings: Settings
    db: Database
    clock: Clock
    gateway: PaymentGateway
    secret: str
    login_throttle: LoginThrottle
    lookup_throttle: LookupLimit = field(
        default_factory=lambda: LookupLimit(failures_allowed=30, agent_failures_allowed=300)
    )
    booking_rate: RequestRate = field(default_factory=RequestRate)
    redis: RedisLink | None = None  # set with ROOMIAI_REDIS_URL: the limits above are shared through it
    mail: Mail | None = None  # None: no messages to guests are queued
    outbox: OutboxSender | None = None  # delivers what was queued, inside this process
    tokens: VerifiedTokens = field(default_factory=VerifiedTokens)  # signatures already checked in this process


async def get_container(request: Request) -> Container:  # async: sync dependencies run in a thread pool
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]


async def read_uow(container: ContainerDep) -> AsyncIterator[UnitOfWork]:
    async with UnitOfWork(container.db, write=False) as uow:
        yield uow


async def write_uow(container: ContainerDep) -> AsyncIterator[UnitOfWork]:
    async with UnitOfWork(container.db, write=True) as uow:
        yield uow


ReadUow = Annotated[UnitOfWork, Depends(read_uow)]
WriteUow = Annotated[UnitOfWork, Depends(write_uow)]

oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


async def current_principal(container: ContainerDep, token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    """The caller of a valid access token whose user has not changed role, password or status since it was issued."""
    if not token:
        raise Unauthorized("Log in first: send 'Authorization: Bearer <access token>' (POST /v1/auth/token).")
    principal = container.tokens.principal(token, secret=container.secret)
    if container.db.quick is not None:  # SQLite: one read, on the loop when the database is free
        await check_current(container.db.quick, principal)
        return principal
    async with container.db.engine.connect() as connection:  # a bare connection: no ORM session for one read
        await check_current(connection, principal)
    return principal


def require(*roles: str):
    async def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"The {principal.role} role cannot do this; it needs {' or '.join(roles)}.")
        return principal

    return _check


AnyRole = Annotated[Principal, Depends(require("admin", "staff", "agent"))]
Staff = Annotated[Principal, Depends(require("admin", "staff"))]
Admin = Annotated[Principal, Depends(require("admin"))]
VoiceAgent = Annotated[Principal, Depends(require("admin", "agent"))]


def client_address(request: Request) -> str:
    """The caller's IP address; behind a trusted proxy (ROOMIAI_TRUSTED_PROXIES) the one it forwarded."""
    return request.client.host if request.client else "unknown"


async def booking_rate_checked(principal: AnyRole, request: Request, container: ContainerDep) -> Principal:
    """Counts a booking request against its client's allowance: per token subject and address, the agent's larger."""
    settings = container.settings
    limit = settings.agent_booking_rate_per_minute if principal.role == "agent" else settings.booking_rate_per_minute
    await container.booking_rate.hit((principal.actor, client_address(request)), limit=limit, what="booking requests")
    return principal


BookingClient = Annotated[Principal, Depends(booking_rate_checked)]


def booking_context(container: Container, principal: Principal) -> bookings.Context:
    return bookings.Context(
        clock=container.clock,
        gateway=container.gateway,
        horizon_days=container.settings.booking_horizon_days,
        actor=principal.actor,
        mail=container.mail,
    )
