"""days a source bounds an activity by: activities.not_before, activities.not_after

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:45:00

A row dated to a month or a year may be placed more tightly by its source without a printed
day ("after the 11 January 2014 shootout", "between the end of fighting on 18 September and
the report of 28 September"). The two nullable day columns keep those bounds, so that exposure
to a tension period can read the interval the source leaves open rather than the whole month.
Rows stored before this revision have no bounds (NULL), which means exactly what it meant
before: the printed date is all that is known.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("not_before", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("not_after", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("not_after")
        batch_op.drop_column("not_before")
