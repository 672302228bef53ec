"""the dependency index of page state: what each page reads, shared inputs' digests, and
the ordered log of page changes a static build applies

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_dependencies",
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("token", "path"),
    )
    op.create_index("ix_page_dependencies_path", "page_dependencies", ["path"])
    op.create_table(
        "dependency_marks",
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_table(
        "page_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("page_changes")
    op.drop_table("dependency_marks")
    op.drop_index("ix_page_dependencies_path", table_name="page_dependencies")
    op.drop_table("page_dependencies")
