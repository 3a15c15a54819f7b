"""the activities list's other orders from indexes: mechanism, status, region, participants

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:10:00

A page after a cursor (keyset paging, issue 17) starts where the previous page's last row
sat in the list's order; that is one index range scan only if an index holds the order. Each
sort but date (0012) and id (the key's unique index) gets one: its column, then date, key and
id, as the list orders them. Region and participants sort rows without a value as '' and -1,
so those two are expression indexes over the same coalesce the query writes. The mechanism
and status indexes lead with the column and replace the single-column ones.

SQLite cannot reflect expression indexes, so autogenerate skips comparing those two there
(with a warning), and a later migration that rebuilds ``activities`` in batch mode on SQLite
would lose them: it must create them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_activities_mechanism_order", "activities", ["mechanism", "date_start", "key", "id"]
    )
    op.create_index(
        "ix_activities_status_order", "activities", ["status", "date_start", "key", "id"]
    )
    op.create_index(
        "ix_activities_region_order",
        "activities",
        [sa.text("coalesce(region_code, '')"), "date_start", "key", "id"],
    )
    op.create_index(
        "ix_activities_participants_order",
        "activities",
        [sa.text("coalesce(participants_total, -1)"), "date_start", "key", "id"],
    )
    op.drop_index("ix_activities_mechanism", table_name="activities")
    op.drop_index("ix_activities_status", table_name="activities")


def downgrade() -> None:
    op.create_index("ix_activities_status", "activities", ["status"])
    op.create_index("ix_activities_mechanism", "activities", ["mechanism"])
    op.drop_index("ix_activities_participants_order", table_name="activities")
    op.drop_index("ix_activities_region_order", table_name="activities")
    op.drop_index("ix_activities_status_order", table_name="activities")
    op.drop_index("ix_activities_mechanism_order", table_name="activities")
