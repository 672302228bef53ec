"""page paths in code point order: sitemap files are key ranges of page_state.path, and a
static build places a changed page in its file by comparing paths in Python; a database
whose default collation sorts otherwise (glibc's en_US ignores hyphens at first) would
disagree. SQLite compares text bytewise already.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE page_state ALTER COLUMN path TYPE VARCHAR(300) COLLATE "C"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE page_state ALTER COLUMN path TYPE VARCHAR(300) COLLATE "default"')
