"""Guest PII at rest: AES-GCM encrypted columns and keyed search hashes, both derived from one configured key.

`ROOMIAI_PII_KEY` is never used directly: HKDF-SHA256 derives an AES-256-GCM key for the columns,
a separate HMAC-SHA256 key for the search hashes, and a short key id stored with every value so that
a database opened with the wrong key says so instead of failing on an integrity check.

A stored value reads `pii1:<key id>:<base64url(nonce | ciphertext | tag)>`; the column's name is the
associated data, so a value copied into another column does not decrypt. A search hash is
HMAC(search key, kind NUL normal form): equal values give equal hashes, and without the key nothing
about the value can be tried or recovered.

The keys travel with the engine: `install` puts them on the engine's dialect, where the column types
(which see only the dialect) and the services (through their session) find them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Text, TypeDecorator

from ..domain.contact import normal_email, phone_tail

FORMAT = "pii1"
MIN_SECRET_CHARS = 32
NONCE_BYTES = 12
_DIALECT_ATTRIBUTE = "roomiai_pii_keys"


class PiiError(RuntimeError):
    """Stored personal data cannot be read: wrong key, not encrypted, or altered."""


class PiiKeyMismatch(PiiError):
    """The data was encrypted with another key than the configured one."""


def _derive(secret: bytes, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"roomiai/pii/" + purpose).derive(secret)


class PiiKeys:
    """The encryption key, the search-hash key and the key id, all derived from one secret."""

    def __init__(self, secret: str):
        if len(secret.strip()) < MIN_SECRET_CHARS:
            raise ValueError(f"The PII key must be at least {MIN_SECRET_CHARS} characters of random text.")
        raw = secret.strip().encode()
        self._aead = AESGCM(_derive(raw, b"encrypt/v1"))
        self._search = _derive(raw, b"search/v1")
        self.key_id = _derive(raw, b"key-id/v1", 4).hex()

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """`plaintext` sealed with a fresh random nonce, bound to `context` (the column)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return f"{FORMAT}:{self.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, stored: str, *, context: str) -> str:
        """The plaintext of a value `encrypt` made for the same context; PiiError says why not."""
        parts = stored.split(":") if isinstance(stored, str) else []
        if len(parts) != 3 or parts[0] != FORMAT:
            raise PiiError(f"{context} holds a value that is not encrypted; upgrade the database with `roomi migrate`.")
        if parts[1] != self.key_id:
            raise PiiKeyMismatch(
                f"{context} was encrypted with the PII key {parts[1]}, but the configured ROOMIAI_PII_KEY is {self.key_id}; "
                "start with the key this database was created with."
            )
        blob = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
        except InvalidTag:
            raise PiiError(
                f"{context} holds an encrypted value that fails its integrity check (altered or moved)."
            ) from None

    def search_hash(self, kind: str, normal: str | None) -> str | None:
        """HMAC-SHA256 (hex) of a value already in its normal form; None for no value."""
        if not normal:
            return None
        return hmac.new(self._search, f"{kind}\x00{normal}".encode(), hashlib.sha256).hexdigest()

    def email_hash(self, email: str | None) -> str | None:
        return self.search_hash("email", normal_email(email))

    def phone_hash(self, digits: str | None) -> str | None:
        """Of the whole number as digits with its country code, e.g. 15551234567."""
        return self.search_hash("phone", digits)

    def phone_tail_hash(self, digits: str | None) -> str | None:
        """Of the last four digits: narrows a search by part of a number to a few rows, checked after decryption."""
        return self.search_hash("phone-tail", phone_tail(digits))


def stored_key_id(stored: str | None) -> str | None:
    """The id of the key a stored value was encrypted with; None for no value or one not encrypted."""
    parts = stored.split(":", 2) if isinstance(stored, str) else []
    return parts[1] if len(parts) == 3 and parts[0] == FORMAT else None


def install(dialect: Any, resolve: Callable[[], PiiKeys]) -> None:
    """Give an engine's dialect the function that returns its PII keys (resolved on first use)."""
    setattr(dialect, _DIALECT_ATTRIBUTE, resolve)


def keys_for(dialect: Any) -> PiiKeys:
    resolve = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if resolve is None:
        raise PiiError("This engine has no PII key; open databases through roomiai.store.database.Database.")
    return resolve()


def session_keys(session: Any) -> PiiKeys:
    """The PII keys of the database a session (or connection) is bound to."""
    return keys_for(session.bind.dialect)


_CODECS: dict[str, tuple[Callable[[Any], str], Callable[[str], Any]]] = {
    "text": (str, str),
    "json": (lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":")), json.loads),
    "date": (lambda value: value.isoformat(), dt.date.fromisoformat),
}


class Encrypted(TypeDecorator):
    """A text, JSON or date value stored as text encrypted with the engine's PII key; `context` names the column."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str, kind: str = "text"):
        super().__init__()
        if kind not in _CODECS:
            raise ValueError(f"unknown encrypted kind {kind!r}")
        self.context = context
        self.kind = kind

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return keys_for(dialect).encrypt(_CODECS[self.kind][0](value), context=self.context)

    def process_result_value(self, value: str | None, dialect) -> Any:
        if value is None:
            return None
        return _CODECS[self.kind][1](keys_for(dialect).decrypt(value, context=self.context))
