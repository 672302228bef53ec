"""locations: a reopening date for temporary closures, and each clinic's time zone

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from seo.core.timezones import zone_for

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.add_column(sa.Column("closed_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=False, server_default=""))
    # Existing clinics get the zone an import would give them: from their coordinates, or
    # their state's main zone without them.
    locations = sa.table(
        "locations",
        sa.column("id", sa.Integer),
        sa.column("state", sa.String),
        sa.column("latitude", sa.Float),
        sa.column("longitude", sa.Float),
        sa.column("time_zone", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(locations.c.id, locations.c.latitude, locations.c.longitude, locations.c.state)
    ).all()
    values = [
        {"_id": row.id, "zone": zone_for(row.latitude, row.longitude, row.state)} for row in rows
    ]
    if values:
        connection.execute(
            locations.update()
            .where(locations.c.id == sa.bindparam("_id"))
            .values(time_zone=sa.bindparam("zone")),
            values,
        )


def downgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("time_zone")
        batch.drop_column("closed_until")
