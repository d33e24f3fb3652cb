"""HTTP hardening: security headers on every response, and a brake on password guessing."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..services.auth import Unauthorized

API_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cache-control": b"no-store",
    b"content-security-policy": b"default-src 'none'; frame-ancestors 'none'",
}
DOCS_CSP = b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs")


class SecurityHeaders:
    """Adds the headers above; the offline docs pages may run their own scripts and styles."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in API_HEADERS]
                for key, value in API_HEADERS.items():
                    if docs and key in (b"content-security-policy", b"cache-control"):
                        value = DOCS_CSP if key == b"content-security-policy" else b"no-cache"
                    headers.append((key, value))
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class LoginThrottle:
    """Refuses logins for a client and user name after too many failures in a window (per process)."""

    def __init__(self, *, failures_allowed: int, window_seconds: int):
        self.failures_allowed = failures_allowed
        self.window = window_seconds
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, client: str, username: str) -> None:
        recent = self._recent(client, username)
        if len(recent) >= self.failures_allowed:
            wait = int(recent[0] + self.window - time.monotonic()) + 1
            raise TooManyAttempts(f"Too many failed logins; try again in {wait} seconds.", retry_after=wait)

    def failed(self, client: str, username: str) -> None:
        self._recent(client, username).append(time.monotonic())

    def succeeded(self, client: str, username: str) -> None:
        self._failures.pop((client, username.lower()), None)

    def _recent(self, client: str, username: str) -> deque[float]:
        attempts = self._failures[(client, username.lower())]
        while attempts and attempts[0] < time.monotonic() - self.window:
            attempts.popleft()
        return attempts


class TooManyAttempts(Unauthorized):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after
