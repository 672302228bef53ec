"""appointment requests carry a status (new, contacted, booked, closed) and its history

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointment_requests") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="new")
        )
        batch.create_index("ix_appointment_requests_status", ["status"])
    op.create_table(
        "request_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=254), nullable=False),
        sa.Column("before", sa.String(length=20), nullable=False),
        sa.Column("after", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["appointment_requests.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_request_status_changes_request_id", "request_status_changes", ["request_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_request_status_changes_request_id", table_name="request_status_changes")
    op.drop_table("request_status_changes")
    with op.batch_alter_table("appointment_requests") as batch:
        batch.drop_index("ix_appointment_requests_status")
        batch.drop_column("status")
