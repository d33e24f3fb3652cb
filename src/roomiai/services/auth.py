"""Users, password hashing (argon2), access tokens and refresh-token rotation with reuse detection.

Every token carries its user's token version (`ver`); changing a user's role or password, or
disabling it, bumps the version and so revokes every token issued before.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ..domain.errors import Conflict, DomainError, InvalidRequest
from ..store.locks import xact_lock
from ..store.quick_reads import QuickReads
from ..store.tables import RefreshTokenRecord, UserRecord
from ..store.uow import UnitOfWork

ROLES = ("admin", "staff", "agent")
ALGORITHM = "HS256"
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
SCRIPT_SUBJECTS = (
    "cli-",
    "roomi-",
)  # subjects of tokens tied to no user: `roomi token`, the voice agent, the call page
REVOKED = "This token was revoked because the account's role, password or status changed; log in again."


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class LastAdmin(Conflict):
    code = "last_admin"


class Passwords:
    """Argon2 on a few threads of its own: hashing never stalls the event loop, and a login flood only queues."""

    def __init__(
        self, hasher: PasswordHasher | None = None, *, threads: int = max(1, min(4, (os.cpu_count() or 2) // 2))
    ):
        self.hasher = hasher or PasswordHasher()
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")

    async def hash(self, password: str) -> str:
        return await self._off_loop(self.hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether `password` matches; without a hash (no such user, or disabled) a dummy is checked just as long."""
        return await self._off_loop(self._verify, stored_hash, password)

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored_hash or self._dummy_hash, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_urlsafe(16))

    async def _off_loop(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._threads, function, *args)


passwords = Passwords()


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    version: int | None = None  # None: a script token from `roomi token`, tied to no user

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.subject}"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def access_token(
    *, secret: str, subject: str, role: str, minutes: int, now: dt.datetime, version: int | None = None
) -> str:
    claims = {"sub": subject, "role": role, "type": "access", "iat": now, "exp": now + dt.timedelta(minutes=minutes)}
    if version is not None:
        claims["ver"] = version
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def principal_from(token: str, *, secret: str) -> Principal:
    """The principal of a valid access token; anything else is Unauthorized."""
    return principal_until(token, secret=secret)[0]


def principal_until(token: str, *, secret: str) -> tuple[Principal, float]:
    """The principal of a valid access token and when the token expires (POSIX seconds); else Unauthorized."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; log in again or refresh it.") from None
    except jwt.PyJWTError:
        raise Unauthorized("The access token is not valid.") from None
    version = claims.get("ver")
    if claims.get("type") != "access" or claims.get("role") not in ROLES or not isinstance(version, (int, type(None))):
        raise Unauthorized("The access token is not valid.")
    return Principal(claims["sub"], claims["role"], version), float(claims["exp"])


async def check_current(db: AsyncConnection | AsyncSession | QuickReads, principal: Principal) -> None:
    """Refuses a token issued before its user's role, password or status last changed (one primary-key read)."""
    if isinstance(db, QuickReads):
        row = await db.run(token_row, principal.subject)
    else:
        row = (
            await db.execute(
                select(UserRecord.token_version, UserRecord.is_active, UserRecord.role).where(
                    UserRecord.username == principal.subject
                )
            )
        ).first()
    check_row(row, principal)


def check_row(row, principal: Principal) -> None:
    """Refuses the principal unless its user's (token_version, is_active, role) row, or its absence, lets it in."""
    if row is None and principal.version is None:
        return  # a script token (`roomi token`): only the holder of the signing secret can make one
    token_version, is_active, role = row if row is not None else (None, False, None)
    if row is None or not is_active or token_version != principal.version or role != principal.role:
        raise Unauthorized(REVOKED)


def token_row(connection, subject: str):
    """On a SQLite connection (store.quick_reads): the user's (token_version, is_active, role), or None."""
    return connection.execute(
        "SELECT token_version, is_active, role FROM users WHERE username = ?", (subject,)
    ).fetchone()


async def save_user(
    uow: UnitOfWork,
    *,
    username: str,
    now: dt.datetime,
    password: str | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> UserRecord:
    """Creates a user, or changes its role, password or status; any change revokes all of the user's tokens."""
    if role is not None and role not in ROLES:
        raise InvalidRequest(f"Role must be one of {', '.join(ROLES)}.", field="role")
    if password is not None and len(password) < 12:
        raise InvalidRequest("Passwords need at least 12 characters.", field="password")
    record = await uow.session.get(UserRecord, username, with_for_update=True) if _storable(username) else None
    if record is None:
        if not USERNAME.fullmatch(username):
            raise InvalidRequest(
                "User names are 1 to 64 letters, digits or . _ @ - and start with a letter or digit.", field="username"
            )
        if username.lower().startswith(SCRIPT_SUBJECTS):
            raise InvalidRequest(
                "User names starting with cli- or roomi- are kept for script and voice-agent tokens.", field="username"
            )
        if password is None or role is None:
            raise InvalidRequest(
                f"There is no user {username}; a new user needs a role and a password.", field="password"
            )
        record = UserRecord(
            username=username,
            password_hash=await passwords.hash(password),
            role=role,
            is_active=active is not False,
            created_at=now,
            token_version=0,
        )
        uow.session.add(record)
        return record
    changed = password is not None or role not in (None, record.role) or active not in (None, record.is_active)
    if not changed:
        return record
    if record.role == "admin" and record.is_active and (role not in (None, "admin") or active is False):
        await _keep_an_admin(uow, record)
    if password is not None:
        record.password_hash = await passwords.hash(password)
    record.role = role or record.role
    record.is_active = record.is_active if active is None else active
    record.token_version = (record.token_version or 0) + 1
    await uow.session.execute(
        update(RefreshTokenRecord).where(RefreshTokenRecord.subject == username).values(revoked=True)
    )
    return record


async def create_user(uow: UnitOfWork, *, username: str, password: str, role: str, now: dt.datetime) -> UserRecord:
    """Creates a user, or resets its password and role and enables it (revoking its tokens)."""
    return await save_user(uow, username=username, password=password, role=role, active=True, now=now)


def wall_clock() -> dt.datetime:
    """Tokens follow real time, never the hotel's pinned business date."""
    return dt.datetime.now(dt.UTC)


async def login(
    uow: UnitOfWork, *, username: str, password: str, secret: str, access_minutes: int, refresh_days: int
) -> TokenPair:
    now = wall_clock()
    user = await uow.session.get(UserRecord, username) if _storable(username) else None
    # unknown and disabled users are checked against a dummy hash: the answer takes as long either way
    usable = user is not None and user.is_active
    if not await passwords.verify(user.password_hash if user is not None and usable else None, password):
        raise Unauthorized("Wrong username or password.")
    assert user is not None  # verify() refused the dummy hash above
    pair = await _issue(
        uow,
        user=user,
        family=secrets.token_hex(16),
        secret=secret,
        now=now,
        access_minutes=access_minutes,
        refresh_days=refresh_days,
    )
    await uow.commit()
    return pair


async def refresh(
    uow: UnitOfWork,
    *,
    refresh_token: str,
    secret: str,
    access_minutes: int,
    refresh_days: int,
    reuse_grace_seconds: int = 0,
    now: dt.datetime | None = None,
) -> TokenPair:
    """Exchange a refresh token for a new pair; a token used twice revokes its whole family.

    Within `reuse_grace_seconds` of its first use a token may be used again (two browser tabs renewing one
    session at the same moment): the second use gets a pair of the same family instead of ending the session.
    """
    now = now or wall_clock()
    try:
        claims = jwt.decode(refresh_token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "jti"]})
    except jwt.PyJWTError:
        raise Unauthorized("The refresh token is not valid or has expired; log in again.") from None
    if claims.get("type") != "refresh":
        raise Unauthorized("The refresh token is not valid.")
    # locked: a second, concurrent use of the same token waits, then sees it used
    record = await uow.session.get(RefreshTokenRecord, claims["jti"], with_for_update=True)
    if record is None or record.revoked:
        raise Unauthorized("The refresh token has been revoked; log in again.")
    if record.used_at is not None and (
        not _within(record.used_at, now, reuse_grace_seconds)
        or await _renewed_twice(uow, record, record.used_at, refresh_days)
    ):
        await uow.session.execute(
            update(RefreshTokenRecord).where(RefreshTokenRecord.family == record.family).values(revoked=True)
        )
        await uow.commit()
        raise Unauthorized("This refresh token was already used; for safety all its sessions are now logged out.")
    user = await uow.session.get(UserRecord, record.subject)
    if user is None or not user.is_active or user.token_version != claims.get("ver"):
        raise Unauthorized(REVOKED)
    record.used_at = record.used_at or now  # a tolerated reuse never stretches the window
    pair = await _issue(
        uow,
        user=user,
        family=record.family,
        secret=secret,
        now=now,
        access_minutes=access_minutes,
        refresh_days=refresh_days,
    )
    await uow.commit()
    return pair


async def _renewed_twice(uow: UnitOfWork, record: RefreshTokenRecord, used_at: dt.datetime, refresh_days: int) -> bool:
    """Whether a used token was already reused once: the grace is for a second tab, not for minting sessions.

    Tokens of the family issued since its first use (expiring `refresh_days` after it or later) are its
    successor and any tolerated reuse.
    """
    issued_since = used_at + dt.timedelta(days=refresh_days)  # stored as the database keeps used_at
    later = await uow.session.execute(
        select(func.count())
        .select_from(RefreshTokenRecord)
        .where(
            RefreshTokenRecord.family == record.family,
            RefreshTokenRecord.jti != record.jti,
            RefreshTokenRecord.expires_at >= issued_since,
        )
    )
    return later.scalar_one() >= 2


def _within(used_at: dt.datetime, now: dt.datetime, grace_seconds: int) -> bool:
    used_at = used_at if used_at.tzinfo else used_at.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC
    return dt.timedelta(0) <= now - used_at <= dt.timedelta(seconds=grace_seconds)


async def _issue(uow, *, user: UserRecord, family, secret, now, access_minutes, refresh_days) -> TokenPair:
    jti = secrets.token_hex(16)
    expires = now + dt.timedelta(days=refresh_days)
    subject, role, version = user.username, user.role, user.token_version
    uow.session.add(
        RefreshTokenRecord(jti=jti, family=family, subject=subject, role=role, expires_at=expires, revoked=False)
    )
    refresh_jwt = jwt.encode(
        {"sub": subject, "role": role, "type": "refresh", "jti": jti, "ver": version, "iat": now, "exp": expires},
        secret,
        algorithm=ALGORITHM,
    )
    return TokenPair(
        access_token(secret=secret, subject=subject, role=role, minutes=access_minutes, now=now, version=version),
        refresh_jwt,
        access_minutes * 60,
    )


async def _keep_an_admin(uow: UnitOfWork, leaving: UserRecord) -> None:
    """Refuses to demote or disable the last active admin: nobody could then set the hotel up or manage users."""
    await xact_lock(uow.session, "admins")  # two admins demoting each other at once: the second sees the first's change
    others = (
        await uow.session.execute(
            select(func.count())
            .select_from(UserRecord)
            .where(UserRecord.role == "admin", UserRecord.is_active.is_(True), UserRecord.username != leaving.username)
        )
    ).scalar()
    if not others:
        raise LastAdmin(
            f"{leaving.username} is the last active admin; make another user an admin first, "
            "so someone can still set the hotel up and manage users.",
            field="username",
        )


def _storable(username: str) -> bool:
    """Whether a name could be in the users table; others (control characters, too long) are nobody's."""
    return 0 < len(username) <= 64 and username.isprintable()


async def users(uow: UnitOfWork) -> list[UserRecord]:
    return list((await uow.session.execute(select(UserRecord).order_by(UserRecord.username))).scalars())
