"""One process's connection to Redis: used while it answers, per process while it does not, said once each way."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("roomiai.shared_state")

PREFIX = "roomiai:"
FAILURES = (RedisError, OSError, asyncio.TimeoutError)


class RedisLink:
    """The client and whether Redis answered last time; after a failure it is tried again every `retry_seconds`."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 0.5,
        retry_seconds: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.client = Redis.from_url(url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds)
        self.where = where(url)
        self.retry_seconds = retry_seconds
        self._monotonic = monotonic
        self._retry_at: float | None = None  # None: Redis answered last time

    @property
    def down(self) -> bool:
        return self._retry_at is not None

    def worth_trying(self) -> bool:
        """False while Redis is down and the next try is not due: requests then never wait on a dead server."""
        return self._retry_at is None or self._monotonic() >= self._retry_at

    def failed(self, exc: BaseException) -> None:
        if self._retry_at is None:
            log.warning(
                "Redis at %s does not answer (%s); rate limits, login and lookup throttles are per process "
                "until it is back",
                self.where,
                type(exc).__name__,
            )
        self._retry_at = self._monotonic() + self.retry_seconds

    def worked(self) -> None:
        if self._retry_at is not None:
            log.warning("Redis at %s answers again; limits are shared between processes again", self.where)
        self._retry_at = None

    async def problem(self) -> str | None:
        """Why Redis cannot be used now (readiness), or None when it answers a PING."""
        try:
            await self.client.ping()
        except FAILURES as exc:
            self.failed(exc)
            return f"Redis does not answer ({type(exc).__name__})"  # its address stays in the log: /v1/ready is public
        self.worked()
        return None

    async def aclose(self) -> None:
        await self.client.aclose()


def where(url: str) -> str:
    """host:port of a Redis URL, never its password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}" if parts.scheme != "unix" else parts.path
