"""guest PII and call transcripts encrypted at rest, email and phone found by keyed hashes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Existing rows are encrypted here with the configured PII key (the database's engine carries it), the
plaintext search columns email_key/phone_key give way to HMAC columns, and call logs get the
instant their transcript was purged. PostgreSQL columns become TEXT; SQLite does not enforce declared
types, and rebuilding its tables would need foreign keys switched off, which cannot happen inside the
migration's transaction, so there the declared types stay as they were.
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

import roomiai.store.tables
from roomiai.domain.contact import normal_email, phone_digits
from roomiai.store import pii

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> column -> (kind, type before this revision)
ENCRYPTED: dict[str, dict[str, tuple[str, sa.types.TypeEngine]]] = {
    "guests": {
        "email": ("text", sa.String(length=254)),
        "phone": ("json", sa.JSON()),
        "alternate_phone": ("json", sa.JSON()),
        "address": ("json", sa.JSON()),
        "date_of_birth": ("date", sa.Date()),
        "id_document": ("json", sa.JSON()),
    },
    "call_logs": {"entities_extracted": ("json", sa.JSON())},
    "call_intents": {"entities": ("json", sa.JSON())},
    "call_transcript": {"text": ("text", sa.Text())},
}
HASHES = ("email_hash", "phone_hash", "phone_tail_hash")
CHUNK = 500


def _plain(raw, kind: str):
    """A value as the old column stored it (JSON text, ISO date text or text), in Python."""
    if raw is None:
        return None
    if kind == "json":
        return json.loads(raw) if isinstance(raw, str) else raw
    if kind == "date":
        return dt.date.fromisoformat(str(raw)[:10])
    return raw


def _raw(value, kind: str):
    """A Python value as the old column stores it."""
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value)
    if kind == "date":
        return value.isoformat()
    return value


def _rewrite(bind, table: str, columns: dict, convert, extra=None) -> None:
    """Read every row's `columns`, convert each value, write them back (with `extra(row)` columns) in chunks."""
    names = list(columns)
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(names)} FROM {table}")).mappings().all()
    updates = []
    for row in rows:
        values = {name: convert(table, name, row[name]) for name in names}
        if extra is not None:
            values.update(extra(row))
        updates.append({"row_id": row["id"], **values})
    if not updates:
        return
    targets = [*names, *(k for k in updates[0] if k not in names and k != "row_id")]
    statement = sa.text(f"UPDATE {table} SET {', '.join(f'{n} = :{n}' for n in targets)} WHERE id = :row_id")
    for start in range(0, len(updates), CHUNK):
        bind.execute(statement, updates[start : start + CHUNK])


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect
    keys = pii.keys_for(dialect)
    postgres = dialect.name == "postgresql"

    for name in HASHES:
        op.add_column("guests", sa.Column(name, sa.String(length=64), nullable=True))
        op.create_index(f"ix_guests_{name}", "guests", [name], unique=False)
    op.add_column("call_logs", sa.Column("transcript_purged_at", roomiai.store.tables.UTCDateTime(), nullable=True))
    if postgres:
        for table, columns in ENCRYPTED.items():
            for name, (_kind, before) in columns.items():
                op.alter_column(table, name, type_=sa.Text(), existing_type=before, postgresql_using=f"{name}::text")

    def seal(table: str, name: str, raw):
        kind = ENCRYPTED[table][name][0]
        return pii.Encrypted(f"{table}.{name}", kind).process_bind_param(_plain(raw, kind), dialect)

    def guest_hashes(row) -> dict:
        digits = phone_digits(_plain(row["phone"], "json"))
        email = _plain(row["email"], "text")
        return {
            "email_hash": keys.email_hash(email),
            "phone_hash": keys.phone_hash(digits),
            "phone_tail_hash": keys.phone_tail_hash(digits),
        }

    for table, columns in ENCRYPTED.items():
        _rewrite(bind, table, columns, seal, guest_hashes if table == "guests" else None)

    op.drop_index("ix_guests_email_key", table_name="guests")
    op.drop_index("ix_guests_phone_key", table_name="guests")
    op.drop_column("guests", "email_key")
    op.drop_column("guests", "phone_key")


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect
    postgres = dialect.name == "postgresql"

    op.add_column("guests", sa.Column("email_key", sa.String(length=254), nullable=True))
    op.add_column("guests", sa.Column("phone_key", sa.String(length=32), nullable=True))
    op.create_index("ix_guests_email_key", "guests", ["email_key"], unique=False)
    op.create_index("ix_guests_phone_key", "guests", ["phone_key"], unique=False)

    def unseal(table: str, name: str, stored):
        kind = ENCRYPTED[table][name][0]
        return _raw(pii.Encrypted(f"{table}.{name}", kind).process_result_value(stored, dialect), kind)

    def plain_keys(row) -> dict:
        email = pii.Encrypted("guests.email").process_result_value(row["email"], dialect)
        phone = pii.Encrypted("guests.phone", "json").process_result_value(row["phone"], dialect)
        return {"email_key": normal_email(email), "phone_key": phone_digits(phone)}

    for table, columns in ENCRYPTED.items():
        _rewrite(bind, table, columns, unseal, plain_keys if table == "guests" else None)
    if postgres:
        for table, columns in ENCRYPTED.items():
            for name, (kind, before) in columns.items():
                cast = {"json": "json", "date": "date"}.get(
                    kind, "text" if isinstance(before, sa.Text) else "varchar(254)"
                )
                op.alter_column(table, name, type_=before, existing_type=sa.Text(), postgresql_using=f"{name}::{cast}")

    op.drop_column("call_logs", "transcript_purged_at")
    for name in HASHES:
        op.drop_index(f"ix_guests_{name}", table_name="guests")
        op.drop_column("guests", name)
