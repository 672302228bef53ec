"""page state keeps a digest of each page's inputs

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_state") as batch:
        batch.add_column(sa.Column("inputs", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("page_state") as batch:
        batch.drop_column("inputs")
