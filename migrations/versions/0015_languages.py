"""languages: clinic intros and service articles in other languages; hreflang in page state

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.add_column(sa.Column("intros", sa.Text(), nullable=False, server_default="{}"))
    with op.batch_alter_table("page_state") as batch:
        batch.add_column(sa.Column("alternates", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "service_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("heading_pattern", sa.String(length=300), nullable=False),
        sa.Column("keyword_pattern", sa.String(length=300), nullable=False),
        sa.Column("title_pattern", sa.String(length=300), nullable=False),
        sa.Column("description_pattern", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("article_title", sa.String(length=300), nullable=False),
        sa.Column("article_intro", sa.Text(), nullable=False),
        sa.Column("article_keyword", sa.String(length=300), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "language"),
    )


def downgrade() -> None:
    op.drop_table("service_translations")
    with op.batch_alter_table("page_state") as batch:
        batch.drop_column("alternates")
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("intros")
