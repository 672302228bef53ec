"""IndexNow outbox: URLs of changed pages waiting to be announced

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indexnow_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", name="uq_indexnow_outbox_url"),
    )
    op.create_index(
        "ix_indexnow_outbox_next_attempt_at", "indexnow_outbox", ["next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_indexnow_outbox_next_attempt_at", table_name="indexnow_outbox")
    op.drop_table("indexnow_outbox")
