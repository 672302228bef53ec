"""indexes for the publishing gate: nearby clinics by coordinates, intros that open alike

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.create_index("ix_locations_status_latitude", ["status", "latitude", "longitude"])
        batch.create_index("ix_locations_intro_opening", [sa.text("substr(intro, 1, 64)")])


def downgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.drop_index("ix_locations_intro_opening")
        batch.drop_index("ix_locations_status_latitude")
