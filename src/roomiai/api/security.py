"""HTTP hardening: security headers on every response, a brake on password guessing, and request rate limits.

The counters live behind the SlidingWindows port: in this process, or in Redis (ROOMIAI_REDIS_URL) for all of them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..services.auth import Unauthorized
from ..shared_state import MemoryWindows, SlidingWindows

API_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cache-control": b"no-store",
    b"content-security-policy": b"default-src 'none'; frame-ancestors 'none'",
}
DOCS_CSP = b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs")
# the call page runs its own script and audio worklet, talks to its WebSocket and uses the microphone
CALL_CSP = (
    b"default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob:; frame-ancestors 'none'; "
    b"form-action 'none'; base-uri 'none'"
)
CALL_PATHS = ("/call",)
# the front desk: its own stylesheet and script only (no inline script or style), forms posting to itself
DESK_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DESK_PATHS = ("/desk",)


class SecurityHeaders:
    """Adds the headers above; the offline docs pages may run their own scripts and styles."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)
        call_page = scope["path"].startswith(CALL_PATHS)
        desk = scope["path"].startswith(DESK_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in API_HEADERS]
                for key, value in API_HEADERS.items():
                    if docs and key in (b"content-security-policy", b"cache-control"):
                        value = DOCS_CSP if key == b"content-security-policy" else b"no-cache"
                    elif call_page and key == b"content-security-policy":
                        value = CALL_CSP
                    elif desk and key == b"content-security-policy":
                        value = DESK_CSP
                    headers.append((key, value))
                if call_page:
                    headers.append((b"permissions-policy", b"microphone=(self), camera=(), geolocation=()"))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class LoginThrottle:
    """Refuses a client and name after too many failures in a window: logins (shared through Redis when configured)."""

    def __init__(
        self,
        *,
        failures_allowed: int,
        window_seconds: int,
        what: str = "failed logins",
        windows: SlidingWindows | None = None,
        now: Callable[[], float] = time.time,
    ):
        self.failures_allowed = failures_allowed
        self.window = window_seconds
        self.what = what
        self.windows = windows or MemoryWindows()
        self._now = now

    async def check(self, client: str, username: str) -> None:
        now = self._now()
        recent = await self.windows.peek(self._key(client, username), now=now, window=self.window)
        if self.failures_allowed > 0 and recent.count >= self.failures_allowed:
            wait = max(1, int((recent.oldest or now) + self.window - now) + 1)
            raise TooManyAttempts(f"Too many {self.what}; try again in {wait} seconds.", retry_after=wait)

    async def failed(self, client: str, username: str) -> None:
        await self.windows.record(self._key(client, username), now=self._now(), window=self.window)

    async def succeeded(self, client: str, username: str) -> None:
        await self.windows.clear(self._key(client, username))

    @staticmethod
    def _key(client: str, username: str) -> str:
        return window_key("login", client, username.lower())


class RequestRate:
    """Counts a client's requests in a sliding minute and refuses those beyond its limit (shared through Redis when configured)."""

    window = 60.0

    def __init__(self, *, now: Callable[[], float] = time.time, windows: SlidingWindows | None = None):
        self._now = now
        self.windows = windows or MemoryWindows()

    async def hit(self, client: tuple[str, ...], *, limit: int, what: str) -> None:
        """Counts one request of `client`, or raises TooManyAttempts past `limit` (0 means no limit)."""
        if limit <= 0:
            return
        now = self._now()
        before = await self.windows.record(window_key("rate", *client), now=now, window=self.window, limit=limit)
        if before.count >= limit:
            wait = max(1, math.ceil((before.oldest or now) + self.window - now))
            raise TooManyAttempts(
                f"Too many {what} from this client: at most {limit} a minute. Try again in {wait} seconds.",
                retry_after=wait,
            )


def window_key(what: str, *parts: str) -> str:
    """`what` and the parts of a counted key, unambiguous whatever characters the parts hold."""
    return what + ":" + "\x1f".join(part.replace("\x1f", " ") for part in parts)


class TooManyAttempts(Unauthorized):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after
