"""guests' messages: a transactional outbox, the contact given for each booking, and guests' previous contacts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Bookings made before this revision keep no contact of their own: their messages go to the guest
profile's address, and searches find them by the profile's contact as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.String(length=24), primary_key=True),
        sa.Column("message_id", sa.String(length=200), nullable=False, unique=True),
        sa.Column("booking_id", sa.String(length=24), sa.ForeignKey("bookings.id"), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_outbox_messages_booking_id", "outbox_messages", ["booking_id"])
    op.create_index("ix_outbox_due", "outbox_messages", ["status", "next_attempt_at"])
    op.add_column("bookings", sa.Column("contact_email", sa.Text(), nullable=True))
    op.add_column("bookings", sa.Column("contact_email_hash", sa.String(length=64), nullable=True))
    op.add_column("bookings", sa.Column("contact_phone", sa.Text(), nullable=True))
    op.add_column("bookings", sa.Column("contact_phone_tail_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_bookings_contact_email_hash", "bookings", ["contact_email_hash"])
    op.create_index("ix_bookings_contact_phone_tail_hash", "bookings", ["contact_phone_tail_hash"])
    op.add_column("guests", sa.Column("contact_history", sa.Text(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop `bookings` under the rows that refer to it
    op.drop_column("guests", "contact_history")
    op.drop_index("ix_bookings_contact_phone_tail_hash", table_name="bookings")
    op.drop_index("ix_bookings_contact_email_hash", table_name="bookings")
    for column in ("contact_phone_tail_hash", "contact_phone", "contact_email_hash", "contact_email"):
        op.drop_column("bookings", column)
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_booking_id", table_name="outbox_messages")
    op.drop_table("outbox_messages")
