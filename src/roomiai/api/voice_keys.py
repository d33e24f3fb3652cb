"""The call key: proof that a request comes from the call that opened a call log, and from the number it came from.

`POST /v1/voice/session/start` returns the key; no table stores it. It is an HMAC of the session id under the
server's JWT secret, followed (when the call has a caller ID) by an HMAC of the session id and the caller's number,
so the server can tell, without keeping the number, whether a phone number is the one this call comes from.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Header

from ..domain.errors import Forbidden
from ..domain.references import digits_only
from ..services.booking_lookup import PHONE_DIGITS
from .deps import ContainerDep, VoiceAgent

CALL_SESSION_HEADER = "X-Call-Session"
CALL_KEY_HEADER = "X-Call-Key"
WRONG_KEY = (
    f"This call log belongs to another call: send the {CALL_KEY_HEADER} header that "
    "POST /v1/voice/session/start returned for it."
)


class CallKeyRefused(Forbidden):
    code = "call_key_refused"


def call_key(secret: str, session_id: str, caller_id: str | None) -> str:
    """The key of one call: its log part, then its caller part when the caller ID has a whole number."""
    log_part = _mac(secret, "call-log", session_id)
    number = _caller_digits(caller_id)
    return f"{log_part}.{_mac(secret, 'caller', session_id, number)}" if number else log_part


def opens(secret: str, session_id: str, key: str | None) -> bool:
    """Whether `key` is the key of call `session_id` (compared in constant time)."""
    log_part = (key or "").split(".", 1)[0]
    return _same(log_part, _mac(secret, "call-log", session_id))


@dataclass(frozen=True)
class CallIdentity:
    """The call a request says it comes from, its key checked."""

    session_id: str
    key: str = field(repr=False)
    secret: str = field(repr=False)

    def comes_from(self, phone: str) -> bool:
        """Whether `phone` is the caller ID the call was opened with."""
        number = _caller_digits(phone)
        parts = self.key.split(".", 1)
        return (
            bool(number) and len(parts) == 2 and _same(parts[1], _mac(self.secret, "caller", self.session_id, number))
        )


# no alias: FastAPI reads x_call_session from X-Call-Session (an alias on an optional header warns in pydantic)
CallSessionHeader = Annotated[
    str | None,
    Header(
        max_length=64, description="the voice session id of the call this request is made for (the agent role sends it)"
    ),
]
CallKeyHeader = Annotated[
    str | None, Header(max_length=160, description="the call_key POST /v1/voice/session/start returned")
]


def call_identity(
    c: ContainerDep, x_call_session: CallSessionHeader = None, x_call_key: CallKeyHeader = None
) -> CallIdentity | None:
    """The call named by X-Call-Session, when its X-Call-Key is right; a wrong key is refused, never ignored."""
    if x_call_session is None:
        return None
    if not opens(c.secret, x_call_session, x_call_key):
        raise CallKeyRefused(f"The {CALL_KEY_HEADER} header is not the key of the call named in {CALL_SESSION_HEADER}.")
    return CallIdentity(x_call_session, x_call_key or "", c.secret)


def require_call_key(c: ContainerDep, _: VoiceAgent, session_id: str, x_call_key: CallKeyHeader = None) -> None:
    """Refuses a write to a call log unless it carries that call's key (after the role check: 401 stays 401)."""
    if not opens(c.secret, session_id, x_call_key):
        raise CallKeyRefused(WRONG_KEY)


CallDep = Annotated[CallIdentity | None, Depends(call_identity)]


def _caller_digits(phone: str | None) -> str:
    number = digits_only(phone or "")[-PHONE_DIGITS:]
    return number if len(number) == PHONE_DIGITS else ""


def _mac(secret: str, purpose: str, *parts: str) -> str:
    message = "\x00".join((purpose, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("ascii"))
