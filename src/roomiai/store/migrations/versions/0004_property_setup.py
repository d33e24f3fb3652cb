"""room blocks: a room out of inventory for a range of nights

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_blocks",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("room_id", sa.String(length=24), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_room_blocks_room_id", "room_blocks", ["room_id"])


def downgrade() -> None:
    op.execute("UPDATE inventory SET blocked = 0")  # only blocks set it; without them no room is blocked
    op.drop_index("ix_room_blocks_room_id", table_name="room_blocks")
    op.drop_table("room_blocks")
