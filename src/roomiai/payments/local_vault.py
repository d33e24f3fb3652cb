"""Embedded card vault: cards encrypted at rest in their own SQLite file, charges simulated locally."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken

from roomiai.domain.cards import CardDetails, check_card, redact_card_numbers
from roomiai.domain.errors import Conflict, InvalidRequest, NotFound, PaymentDeclined
from roomiai.payments.port import (
    CardToken,
    GatewayResult,
    PaymentGateway,
    check_amount,
    check_currency,
    check_idempotency_key,
)
from roomiai.private_files import private_dir, private_file

T = TypeVar("T")

KEY_CHECK = b"roomiai-local-vault-v1"
ZERO_DECIMAL_CURRENCIES = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "XAF",
    "XOF",
}
DECLINE_TEST_NUMBERS = {
    "4000000000000002": ("generic_decline", "The card was declined."),
    "4000000000009995": ("insufficient_funds", "The card was declined for insufficient funds."),
    "4000000000009987": ("lost_card", "The card was declined."),
    "4000000000009979": ("stolen_card", "The card was declined."),
    "4000000000000069": ("expired_card", "The card has expired."),
    "4000000000000127": ("incorrect_cvc", "The card's security code is incorrect."),
    "4000000000000119": ("processing_error", "The card could not be processed; please try again."),
    "4100000000000019": ("fraudulent", "The card was declined."),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    token TEXT PRIMARY KEY,
    brand TEXT NOT NULL,
    last_four TEXT NOT NULL,
    secret BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    id TEXT PRIMARY KEY,
    charge_id TEXT NOT NULL REFERENCES charges(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_charge ON refunds (charge_id);
"""


class VaultKeyError(RuntimeError):
    """The vault file was encrypted with another key, or the key is malformed."""


def load_or_create_key(path: Path) -> bytes:
    """Read a Fernet key file, or create one readable by its owner only (dev convenience)."""
    path = Path(path)
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        private_dir(path.parent)
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_key(path)
        with os.fdopen(fd, "wb") as file:
            file.write(key + b"\n")
        return key
    _fernet(key, source=f"the key file {path}")
    return key


class LocalVault(PaymentGateway):
    """A real card vault for the embedded mode: no keys to a processor, no network."""

    name = "local_vault"

    def __init__(self, path: Path | str, *, key: bytes | str, now: Callable[[], dt.datetime] | None = None):
        self.path = Path(path)
        self._fernet = _fernet(key, source="the vault key")
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"LocalVault(path={str(self.path)!r})"

    async def tokenize(self, card: CardDetails) -> CardToken:
        """Store the card encrypted and return a fresh opaque token; the CVV is never stored."""
        check_card(card)
        token = f"tok_{secrets.token_urlsafe(18)}"
        secret = {
            "number": card.number,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "name_on_card": card.name_on_card,
        }
        row = {
            "token": token,
            "brand": card.brand,
            "last_four": card.last_four,
            "secret": self._fernet.encrypt(json.dumps(secret).encode()),
            "created_at": self._timestamp(),
        }
        await self._run(lambda conn: _insert(conn, "cards", row))
        return CardToken(
            token=token,
            brand=card.brand,
            last_four=card.last_four,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
        )

    async def card(self, token: str) -> CardToken:
        row = await self._run(
            lambda conn: conn.execute("SELECT brand, last_four, secret FROM cards WHERE token = ?", (token,)).fetchone()
        )
        if row is None:
            raise InvalidRequest("That card is not on file; please give the card again.", field="payment_token")
        secret = self._decrypt(row[2])
        return CardToken(
            token=token,
            brand=row[0],
            last_four=row[1],
            exp_month=int(secret["exp_month"]),
            exp_year=int(secret["exp_year"]),
        )

    async def forget(self, token: str) -> None:
        """Delete the card; its charges and refunds stay on record, and the token can never be charged again."""
        await self._run(lambda conn: conn.execute("DELETE FROM cards WHERE token = ?", (token,)))

    async def tokens_created_before(self, cutoff: dt.datetime) -> list[str]:
        """The tokens of cards stored before `cutoff`."""
        rows = await self._run(
            lambda conn: conn.execute(
                "SELECT token FROM cards WHERE created_at < ? ORDER BY created_at",
                (cutoff.astimezone(dt.UTC).isoformat(),),
            ).fetchall()
        )
        return [row[0] for row in rows]

    async def charge(
        self, *, token: str, amount_cents: int, currency: str, description: str, idempotency_key: str
    ) -> GatewayResult:
        """Charge a token once per idempotency key; decline test cards give a 'failed' result."""
        check_amount(amount_cents)
        currency = check_currency(currency)
        check_idempotency_key(idempotency_key)
        description = redact_card_numbers(description or "")[:500]

        def charge(conn: sqlite3.Connection) -> GatewayResult:
            previous = conn.execute(
                "SELECT id, token, amount_cents, currency, status, response FROM charges WHERE idempotency_key = ?",
                (idempotency_key,),
            ).fetchone()
            if previous is not None:
                if tuple(previous[1:4]) != (token, amount_cents, currency):
                    raise Conflict(
                        "This idempotency key was already used for a different charge.", field="idempotency_key"
                    )
                return self._result(previous[0], previous[4], json.loads(previous[5]))
            card = conn.execute("SELECT brand, last_four, secret FROM cards WHERE token = ?", (token,)).fetchone()
            if card is None:
                raise PaymentDeclined("The card on file could not be charged.", field="token")
            number = self._decrypt(card[2])["number"]
            transaction_id = f"txn_{secrets.token_urlsafe(18)}"
            created_at = self._timestamp()
            response: dict[str, Any] = {
                "id": transaction_id,
                "object": "charge",
                "amount_cents": amount_cents,
                "currency": currency,
                "description": description,
                "card": {"brand": card[0], "last_four": card[1]},
                "created_at": created_at,
            }
            decline = DECLINE_TEST_NUMBERS.get(number)
            status = "failed" if decline else "completed"
            response["status"] = status
            if decline:
                response["decline_code"], response["message"] = decline
            _insert(
                conn,
                "charges",
                {
                    "id": transaction_id,
                    "token": token,
                    "amount_cents": amount_cents,
                    "currency": currency,
                    "description": description,
                    "idempotency_key": idempotency_key,
                    "status": status,
                    "response": json.dumps(response),
                    "created_at": created_at,
                },
            )
            return self._result(transaction_id, status, response)

        return await self._run(charge)

    async def refund(self, *, transaction_id: str, amount_cents: int, currency: str, reason: str) -> GatewayResult:
        """Refund part or all of what is left of a completed charge."""
        check_amount(amount_cents)
        currency = check_currency(currency)
        reason = redact_card_numbers(reason or "")[:500]

        def refund(conn: sqlite3.Connection) -> GatewayResult:
            charge = conn.execute(
                "SELECT amount_cents, currency, status FROM charges WHERE id = ?", (transaction_id,)
            ).fetchone()
            if charge is None:
                raise NotFound("There is no charge with this transaction id.", field="transaction_id")
            charged, charge_currency, status = charge
            if status != "completed":
                raise InvalidRequest("A charge that failed cannot be refunded.", field="transaction_id")
            if currency != charge_currency:
                raise InvalidRequest(
                    f"The charge was made in {charge_currency}; refund it in {charge_currency}.", field="currency"
                )
            (refunded,) = conn.execute(
                "SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE charge_id = ?", (transaction_id,)
            ).fetchone()
            remaining = charged - refunded
            if amount_cents > remaining:
                raise InvalidRequest(
                    f"Only {_money(remaining, currency)} of this charge can still be refunded.", field="amount_cents"
                )
            refund_id = f"rfd_{secrets.token_urlsafe(18)}"
            created_at = self._timestamp()
            response = {
                "id": refund_id,
                "object": "refund",
                "charge": transaction_id,
                "amount_cents": amount_cents,
                "currency": currency,
                "reason": reason,
                "status": "completed",
                "refunded_cents": refunded + amount_cents,
                "refundable_cents": remaining - amount_cents,
                "created_at": created_at,
            }
            _insert(
                conn,
                "refunds",
                {
                    "id": refund_id,
                    "charge_id": transaction_id,
                    "amount_cents": amount_cents,
                    "currency": currency,
                    "reason": reason,
                    "response": json.dumps(response),
                    "created_at": created_at,
                },
            )
            return self._result(refund_id, "completed", response)

        return await self._run(refund)

    def close(self) -> None:
        """Close the vault file; a later call opens it again."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._in_transaction, work)

    def _in_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            conn = self._conn or self._open()
            with _immediate(conn):
                return work(conn)

    def _open(self) -> sqlite3.Connection:
        private_file(self.path)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            _charges_outlive_cards(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            with _immediate(conn):
                _create_schema(conn)
                row = conn.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
                if row is None:
                    _insert(conn, "meta", {"key": "key_check", "value": self._fernet.encrypt(KEY_CHECK)})
                elif self._decrypt_raw(row[0]) != KEY_CHECK:
                    raise VaultKeyError(_WRONG_KEY.format(path=self.path))
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _decrypt(self, secret: bytes) -> dict[str, Any]:
        return json.loads(self._decrypt_raw(secret))

    def _decrypt_raw(self, secret: bytes) -> bytes:
        try:
            return self._fernet.decrypt(secret)
        except InvalidToken:
            raise VaultKeyError(_WRONG_KEY.format(path=self.path)) from None

    def _result(self, transaction_id: str, status: str, response: dict[str, Any]) -> GatewayResult:
        return GatewayResult(
            transaction_id=transaction_id,
            status="completed" if status == "completed" else "failed",
            processor=self.name,
            response=response,
        )

    def _timestamp(self) -> str:
        return self._now().isoformat()


_WRONG_KEY = "The card vault {path} was encrypted with a different key; start with the key it was created with."


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def _charges_outlive_cards(conn: sqlite3.Connection) -> None:
    """Vaults made before cards could be deleted: their charges table loses its reference to the cards table."""
    if not any(row[2] == "cards" for row in conn.execute("PRAGMA foreign_key_list(charges)")):
        return
    conn.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction; the rebuild keeps every row
    with _immediate(conn):
        (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'charges'").fetchone()
        conn.execute(ddl.replace("charges", "charges_rebuilt", 1).replace(" REFERENCES cards(token)", ""))
        conn.execute("INSERT INTO charges_rebuilt SELECT * FROM charges")
        conn.execute("DROP TABLE charges")
        conn.execute("ALTER TABLE charges_rebuilt RENAME TO charges")


def _create_schema(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _fernet(key: bytes | str, *, source: str) -> Fernet:
    try:
        return Fernet(key.strip() if isinstance(key, (bytes, str)) else key)
    except (ValueError, TypeError):
        detail = f"{source[0].upper()}{source[1:]} is not a valid Fernet key (32 url-safe base64-encoded bytes)."
        raise VaultKeyError(detail) from None


def _money(amount_cents: int, currency: str) -> str:
    if currency in ZERO_DECIMAL_CURRENCIES:
        return f"{amount_cents} {currency}"
    return f"{amount_cents // 100}.{amount_cents % 100:02d} {currency}"
