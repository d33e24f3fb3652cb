"""Access tokens already verified by this process: a token sent again skips the signature and claim checks.

Only what the token itself proves is kept (its principal, until it expires); whether its user still lets it in
(revocation) is read from the database on every request, so a revoked token is refused at once in every process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..services.auth import Principal, principal_until


class VerifiedTokens:
    """A bounded map from raw token (and secret) to its principal and expiry; an expired entry is verified again."""

    def __init__(
        self,
        *,
        max_entries: int = 4096,
        now: Callable[[], float] = time.time,
        verify: Callable[..., tuple[Principal, float]] = principal_until,
    ):
        self.max_entries = max_entries
        self._now = now  # PyJWT checks expiry against the system clock too
        self._verify = verify
        self._entries: dict[tuple[str, str], tuple[Principal, float]] = {}

    def principal(self, token: str, *, secret: str) -> Principal:
        """The token's principal; Unauthorized when it is not a valid access token signed with `secret`."""
        key = (token, secret)
        entry = self._entries.get(key)
        if entry is not None:
            if self._now() < entry[1]:
                return entry[0]
            del self._entries[key]
        principal, expires = self._verify(token, secret=secret)
        if len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))  # the oldest entry
        self._entries[key] = (principal, expires)
        return principal

    def __len__(self) -> int:
        return len(self._entries)
