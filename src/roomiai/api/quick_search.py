"""An ordinary availability search answered from one consistent read, without FastAPI's routing and dependencies.

A search that channel managers poll costs most of its time in the framework (route matching, seven dependencies,
query validation), not in its reads. Here a well-formed search with a valid token is answered from one read (the
token's user row, the catalog version and the inventory of the asked nights, in one snapshot): on SQLite
synchronously on the event loop's own connection (store/quick_reads.py), on PostgreSQL in one statement. The answer
is the route's own (`rooms.answer`, the same bytes). Everything else goes on to the route unchanged, which answers
it or explains the problem: a malformed or unusual query, a missing, invalid or revoked token, a catalog this
process has not loaded or that changed, a room type it does not know, and a SQLite database busy at that moment.
It sits inside every other middleware (security headers, the request timer, the control-character check, the
storage-failure answers), so those are the same for both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from ..domain.errors import DomainError
from ..domain.stay import Stay, make_stay
from ..services import availability, catalog, inventory
from ..services.auth import ROLES, Principal, check_row, token_row
from ..store.database import Database
from ..store.quick_reads import Busy
from . import rooms
from .deps import Container
from .read_gate import TurnsPerIteration

PATH = "/v1/rooms/availability"
DATE = re.compile(rb"\d{4}-\d{2}-\d{2}")
COUNT = re.compile(rb"0|[1-9]\d?")
ROOM_TYPE = re.compile(rb"[A-Za-z0-9_-]{1,%d}" % rooms.ROOM_TYPE_LENGTH)
NAMES = frozenset({b"check_in", b"check_out", b"adults", b"children", b"rooms_needed", b"room_type"})
JSON = (b"content-type", b"application/json")
READS = frozenset({"GET", "HEAD", "OPTIONS"})
SEARCHES_PER_ITERATION = 4


class Search(NamedTuple):
    """What a plain query string asks: dates, counts in range and a room type code."""

    check_in: dt.date
    check_out: dt.date
    adults: int
    children: int
    rooms_needed: int
    room_type: str | None

    @classmethod
    def parse(cls, query: bytes) -> Search | None:
        """The search a query string asks for; None for anything encoded, unknown, repeated or out of range."""
        given: dict[bytes, bytes] = {}
        for part in query.split(b"&"):
            name, equals, value = part.partition(b"=")
            if not equals or name not in NAMES or name in given:
                return None  # encoded, unknown or repeated: the route decides
            given[name] = value
        check_in, check_out = given.get(b"check_in"), given.get(b"check_out")
        if check_in is None or check_out is None or not DATE.fullmatch(check_in) or not DATE.fullmatch(check_out):
            return None
        counts = []
        for name, default, (low, high) in (
            (b"adults", 1, rooms.ADULTS),
            (b"children", 0, rooms.CHILDREN),
            (b"rooms_needed", 1, rooms.ROOMS),
        ):
            raw = given.get(name)
            if raw is not None and not COUNT.fullmatch(raw):
                return None
            count = default if raw is None else int(raw)
            if not low <= count <= high:
                return None
            counts.append(count)
        room_type = given.get(b"room_type")
        if room_type is not None and not ROOM_TYPE.fullmatch(room_type):
            return None
        try:
            first, last = dt.date.fromisoformat(check_in.decode()), dt.date.fromisoformat(check_out.decode())
        except ValueError:
            return None
        adults, children, rooms_needed = counts
        return cls(first, last, adults, children, rooms_needed, room_type.decode() if room_type is not None else None)


class QuickSearch:
    """Answers what it can of GET /v1/rooms/availability at once (see the module's docstring); passes on the rest."""

    def __init__(self, app: ASGIApp, *, container: Container):
        self.app = app
        self.container = container
        self.url = str(container.db.engine.url)
        self.route = _route()  # the request timer labels the answer with the route's template
        self.writes = 0  # requests that may change something, at work in this process
        self.turns = TurnsPerIteration(SEARCHES_PER_ITERATION)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in READS:
            self.writes += 1
            try:
                await self.app(scope, receive, send)
            finally:
                self.writes -= 1
            return
        body = None
        if scope["path"] == PATH and scope["method"] == "GET":
            if self.writes:  # a booking or another change is at work: searches take turns, so it is not crowded out
                await self.turns.take()
            body = await self.answer(scope)
        if body is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body)), JSON]}
        )
        await send({"type": "http.response.body", "body": body})

    async def answer(self, scope: Scope) -> bytes | None:
        """The answer's bytes, or None when the route must answer."""
        c = self.container
        current = catalog.cached_for(self.url)
        if current is None or current.hotel is None:
            return None
        search = Search.parse(scope["query_string"])
        principal = self._principal(scope)
        if search is None or principal is None:
            return None
        types = availability.known_types(current, search.room_type)
        today = c.clock.today()
        try:
            stay = make_stay(
                search.check_in, search.check_out, today=today, horizon_days=c.settings.booking_horizon_days
            )
        except DomainError:
            return None
        if types is None:
            return None
        ids = [t.id for t in types]
        if c.db.quick is None:
            row, version, rows = await _read_postgresql(c.db, principal.subject, ids, stay)
        else:
            try:
                row, version, rows = c.db.quick.run_now(
                    _read, principal.subject, ids, stay.check_in.isoformat(), stay.check_out.isoformat()
                )
            except Busy:
                return None
        if version != current.version:
            return None  # the catalog changed: the route reloads it
        try:
            check_row(row, principal)
        except DomainError:
            return None  # revoked: the route says so
        books = availability.books_from(current, types, rows, stay=stay)
        return rooms.answer(
            c,
            books,
            hotel=current.hotel,
            stay=stay,
            today=today,
            adults=search.adults,
            children=search.children,
            rooms_needed=search.rooms_needed,
        )

    def _principal(self, scope: Scope) -> Principal | None:
        """The bearer token's principal (any role may search); None without a valid one."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer" or not token:
                    return None
                try:
                    principal = self.container.tokens.principal(token, secret=self.container.secret)
                except DomainError:
                    return None
                return principal if principal.role in ROLES else None
        return None


def _read(connection, subject: str, room_type_ids: list[str], first: str, end: str):
    """One snapshot: the token's user row, the catalog's version and the inventory rows of the nights asked."""
    return (token_row(connection, subject), *inventory.read_free_rows(connection, room_type_ids, first, end))


# one statement, so one snapshot: the catalog's version, the token's user (if any) and the inventory rows (if any)
POSTGRESQL_READ = """
SELECT (SELECT value FROM sequences WHERE name = $1), u.username IS NOT NULL, u.token_version, u.is_active, u.role,
       i.room_type_id, i.pool, i.stay_date, i.total - i.sold - i.blocked
FROM (SELECT 1) AS one
LEFT JOIN users AS u ON u.username = $2
LEFT JOIN inventory AS i ON i.room_type_id = ANY($3::varchar[]) AND i.stay_date >= $4 AND i.stay_date < $5
"""


async def _read_postgresql(db: Database, subject: str, room_type_ids: list[str], stay: Stay):
    """What `_read` reads, on PostgreSQL: one round trip on a pooled asyncpg connection."""
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        records = await raw.driver_connection.fetch(  # type: ignore[union-attr]
            POSTGRESQL_READ, catalog.VERSION, subject, room_type_ids, stay.check_in, stay.check_out
        )
    first = records[0]
    user = (first[2], first[3], first[4]) if first[1] else None
    rows = [(r[5], r[6], r[7], r[8]) for r in records if r[5] is not None]
    return user, first[0] or 0, rows


def _route() -> BaseRoute | None:
    return next((r for r in rooms.router.routes if getattr(r, "path", None) == PATH), None)
