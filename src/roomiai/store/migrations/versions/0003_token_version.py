"""a token version per user: changing a role or password, or disabling a user, revokes all its tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Existing users start at version 0. Tokens issued before this revision carry no version and are
refused, so everyone logs in once again after the upgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("token_version")
