"""Sliding windows in Redis (sorted sets under roomiai:rl:), shared by every process; per process while Redis is away."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .redis_link import FAILURES, PREFIX, RedisLink
from .windows import MemoryWindows, Window

RATE_LIMITS = f"{PREFIX}rl:"
# one round trip, atomic: drop what aged out, count, and record unless the limit is reached
WINDOW_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or false
if ARGV[5] == '1' and (limit <= 0 or count < limit) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
end
return {count, oldest}
"""


class RedisWindows:
    """The SlidingWindows port on Redis; while Redis does not answer, on this process's own counters."""

    def __init__(self, link: RedisLink, *, fallback: MemoryWindows | None = None, key_secret: str = ""):
        self.link = link
        self.key_secret = key_secret
        self.fallback = fallback or MemoryWindows()
        self._script = link.client.register_script(WINDOW_SCRIPT)

    async def record(self, key: str, *, now: float, window: float, limit: int = 0) -> Window:
        shared = await self._run(key, now=now, window=window, limit=limit, record=True)
        return shared if shared is not None else self.fallback.record_now(key, now=now, window=window, limit=limit)

    async def peek(self, key: str, *, now: float, window: float) -> Window:
        shared = await self._run(key, now=now, window=window, limit=0, record=False)
        return shared if shared is not None else self.fallback.peek_now(key, now=now, window=window)

    async def clear(self, key: str) -> None:
        await self.fallback.clear(key)
        if self.link.worth_trying():
            try:
                await self.link.client.delete(redis_key(key, self.key_secret))
            except FAILURES as exc:
                self.link.failed(exc)
            else:
                self.link.worked()

    async def _run(self, key: str, *, now: float, window: float, limit: int, record: bool) -> Window | None:
        if not self.link.worth_trying():
            return None
        member = f"{now!r}:{secrets.token_hex(6)}"
        try:
            count, oldest = await self._script(
                keys=[redis_key(key, self.key_secret)],
                args=[repr(now), repr(float(window)), limit, member, "1" if record else "0"],
            )
        except FAILURES as exc:
            self.link.failed(exc)
            return None
        self.link.worked()
        return Window(int(count), float(oldest) if oldest is not None else None)


def redis_key(key: str, secret: str = "") -> str:
    """roomiai:rl:<what>:<digest>: user names and addresses are not kept in Redis in the clear.

    The digest is keyed with the API's secret: a plain hash of an IPv4 address or a user name is undone by trying
    them all.
    """
    what, _, rest = key.partition(":")
    keyed = hmac.new(hashlib.sha256(b"roomiai redis keys:" + secret.encode()).digest(), rest.encode(), hashlib.sha256)
    return f"{RATE_LIMITS}{what}:{keyed.hexdigest()[:32]}"
