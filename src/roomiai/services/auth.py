"""Users, password hashing (argon2), access tokens and refresh-token rotation with reuse detection."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from ..domain.errors import DomainError, InvalidRequest
from ..store.tables import RefreshTokenRecord, UserRecord
from ..store.uow import UnitOfWork

ROLES = ("admin", "staff", "agent")
ALGORITHM = "HS256"
_hasher = PasswordHasher()


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.subject}"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def access_token(*, secret: str, subject: str, role: str, minutes: int, now: dt.datetime) -> str:
    claims = {"sub": subject, "role": role, "type": "access", "iat": now, "exp": now + dt.timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def principal_from(token: str, *, secret: str) -> Principal:
    """The principal of a valid access token; anything else is Unauthorized."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; log in again or refresh it.") from None
    except jwt.PyJWTError:
        raise Unauthorized("The access token is not valid.") from None
    if claims.get("type") != "access" or claims.get("role") not in ROLES:
        raise Unauthorized("The access token is not valid.")
    return Principal(claims["sub"], claims["role"])


async def create_user(uow: UnitOfWork, *, username: str, password: str, role: str, now: dt.datetime) -> UserRecord:
    if role not in ROLES:
        raise InvalidRequest(f"Role must be one of {', '.join(ROLES)}.", field="role")
    if len(password) < 12:
        raise InvalidRequest("Passwords need at least 12 characters.", field="password")
    record = await uow.session.get(UserRecord, username)
    if record is None:
        record = UserRecord(username=username, password_hash=hash_password(password), role=role, is_active=True, created_at=now)
        uow.session.add(record)
    else:
        record.password_hash, record.role, record.is_active = hash_password(password), role, True
    return record


def wall_clock() -> dt.datetime:
    """Tokens follow real time, never the hotel's pinned business date."""
    return dt.datetime.now(dt.timezone.utc)


async def login(
    uow: UnitOfWork, *, username: str, password: str, secret: str, access_minutes: int, refresh_days: int
) -> TokenPair:
    now = wall_clock()
    user = await uow.session.get(UserRecord, username)
    try:
        ok = user is not None and user.is_active and _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise Unauthorized("Wrong username or password.")
    pair = await _issue(uow, subject=username, role=user.role, family=secrets.token_hex(16), secret=secret, now=now,
                        access_minutes=access_minutes, refresh_days=refresh_days)
    await uow.commit()
    return pair


async def refresh(
    uow: UnitOfWork, *, refresh_token: str, secret: str, access_minutes: int, refresh_days: int
) -> TokenPair:
    """Exchange a refresh token for a new pair; a token used twice revokes its whole family."""
    now = wall_clock()
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
    if record.used_at is not None:
        await uow.session.execute(
            update(RefreshTokenRecord).where(RefreshTokenRecord.family == record.family).values(revoked=True)
        )
        await uow.commit()
        raise Unauthorized("This refresh token was already used; for safety all its sessions are now logged out.")
    user = await uow.session.get(UserRecord, record.subject)
    if user is not None and not user.is_active:
        raise Unauthorized("This account is disabled.")
    record.used_at = now
    pair = await _issue(uow, subject=record.subject, role=record.role, family=record.family, secret=secret, now=now,
                        access_minutes=access_minutes, refresh_days=refresh_days)
    await uow.commit()
    return pair


async def _issue(uow, *, subject, role, family, secret, now, access_minutes, refresh_days) -> TokenPair:
    jti = secrets.token_hex(16)
    expires = now + dt.timedelta(days=refresh_days)
    uow.session.add(RefreshTokenRecord(jti=jti, family=family, subject=subject, role=role, expires_at=expires, revoked=False))
    refresh_jwt = jwt.encode(
        {"sub": subject, "role": role, "type": "refresh", "jti": jti, "iat": now, "exp": expires}, secret, algorithm=ALGORITHM
    )
    return TokenPair(
        access_token(secret=secret, subject=subject, role=role, minutes=access_minutes, now=now),
        refresh_jwt,
        access_minutes * 60,
    )


async def users(uow: UnitOfWork) -> list[UserRecord]:
    return list((await uow.session.execute(select(UserRecord).order_by(UserRecord.username))).scalars())
