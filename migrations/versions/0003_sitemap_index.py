"""sitemaps read page state by (sitemap, path)

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_state") as batch:
        batch.drop_index("ix_page_state_sitemap")
        batch.create_index("ix_page_state_sitemap_path", ["sitemap", "path"])


def downgrade() -> None:
    with op.batch_alter_table("page_state") as batch:
        batch.drop_index("ix_page_state_sitemap_path")
        batch.create_index("ix_page_state_sitemap", ["sitemap"])
