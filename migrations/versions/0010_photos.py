"""clinic photos; page state lists the images of each page's sitemap entry

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("original", sa.String(length=100), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("widths", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("main", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("location_id", "digest"),
    )
    op.create_index("ix_photos_digest", "photos", ["digest"])
    op.create_index("ix_photos_location_position", "photos", ["location_id", "position", "id"])
    with op.batch_alter_table("page_state") as batch:
        batch.add_column(sa.Column("images", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("page_state") as batch:
        batch.drop_column("images")
    op.drop_index("ix_photos_location_position", table_name="photos")
    op.drop_index("ix_photos_digest", table_name="photos")
    op.drop_table("photos")
