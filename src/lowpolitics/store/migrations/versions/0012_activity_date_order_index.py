"""the activities list's default order from one index: (date_start, key, id)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:40:00

The list pages by date, then id, with OFFSET. With an index on date_start alone, a page deep
in 100,000 activities looked up every skipped row in the table to read its key (SQLite,
about 0.3 s) or sorted the whole table (PostgreSQL, about 0.13 s). The composite index
replaces the single-column one, which it serves as well (date_start leads), and holds every
column the page query reads.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activities_date_order", "activities", ["date_start", "key", "id"])
    op.drop_index("ix_activities_date_start", table_name="activities")


def downgrade() -> None:
    op.create_index("ix_activities_date_start", "activities", ["date_start"])
    op.drop_index("ix_activities_date_order", table_name="activities")
