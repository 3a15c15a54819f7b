"""how the two sides met in a cooperative row: activities.contact

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:30:00

Registry rows get a ``contact`` (codebook ``contacts``: bilateral, multilateral_joint,
co_presence, one_sided) so that the analyses can say what a row is before counting it: two
countries taking part in the same regional event with no recorded contact between them is not
the same thing as a joint event. The column's server default is NULL, which means *not coded*:
rows stored before this revision, and rows imported without the column, keep no contact
rather than a guessed one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(
            sa.Column("contact", sa.String(20), server_default=sa.null(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("contact")
