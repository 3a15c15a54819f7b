"""commitments say by when they were promised, and where

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 12:40:00

A commitment of an agreement gets a ``due`` date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as
precise as the text states it) and the address of the page that reports the promise, so that
continuity can tell an overdue commitment from one whose time has not come, and count only
what was done after the agreement was signed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.add_column(sa.Column("due", sa.String(10), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitments") as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("due")
