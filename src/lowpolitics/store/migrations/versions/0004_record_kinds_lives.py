"""what a row is, lives of initiatives, context event types and named period sets

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 09:30:00

Registry rows get a record kind (activity, statement, restriction; existing rows are
activities), a ``same_as`` link so that several reports of one event count once, and a frame
for statements. Initiatives get a life (start, end, ended) so that gaps after a project closed
are never read as silence. Context events get a finer type (ceasefire, protocol, reopening …,
from the codebook) and tension-period rows a named period set, for the sensitivity analysis.
Status changes get the index on their activity that every history lookup needs, and can be
steps *reported* by a source (with its address). Activities get titles in ru, ky and tg.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(
            sa.Column("record_kind", sa.String(20), server_default="activity", nullable=False)
        )
        batch_op.add_column(sa.Column("same_as", sa.String(120), nullable=True))
        batch_op.add_column(sa.Column("frame", sa.String(20), nullable=True))
        for lang in ("ru", "ky", "tg"):
            batch_op.add_column(sa.Column(f"title_{lang}", sa.String(500), nullable=True))
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.add_column(
            sa.Column("reported", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("source_url", sa.String(2000), nullable=True))
    with op.batch_alter_table("initiatives") as batch_op:
        batch_op.add_column(sa.Column("life_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("life_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended", sa.Boolean(), nullable=True))
    with op.batch_alter_table("context_events") as batch_op:
        batch_op.add_column(sa.Column("event_type", sa.String(40), nullable=True))
        batch_op.add_column(sa.Column("period_set", sa.String(80), nullable=True))
    op.create_index("ix_status_changes_activity_id", "status_changes", ["activity_id"])


def downgrade() -> None:
    op.drop_index("ix_status_changes_activity_id", table_name="status_changes")
    with op.batch_alter_table("context_events") as batch_op:
        batch_op.drop_column("period_set")
        batch_op.drop_column("event_type")
    with op.batch_alter_table("initiatives") as batch_op:
        batch_op.drop_column("ended")
        batch_op.drop_column("life_end")
        batch_op.drop_column("life_start")
    with op.batch_alter_table("status_changes") as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("reported")
    with op.batch_alter_table("activities") as batch_op:
        for lang in ("tg", "ky", "ru"):
            batch_op.drop_column(f"title_{lang}")
        batch_op.drop_column("frame")
        batch_op.drop_column("same_as")
        batch_op.drop_column("record_kind")
