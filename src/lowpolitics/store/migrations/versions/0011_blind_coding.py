"""blind coding: the coding team's settings and who marked which document done

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 06:30:00

With blind coding on, a coder sees only their own codings of a document until they mark it
done; ``coding_done`` holds those marks, ``coding_settings`` the switch.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coding_settings",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
    )
    op.create_table(
        "coding_done",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id", name="fk_coding_done_document_id_documents", ondelete="CASCADE"
            ),
            primary_key=True,
        ),
        sa.Column("coder", sa.String(120), primary_key=True),
        sa.Column(
            "done_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_coding_done_coder", "coding_done", ["coder"])


def downgrade() -> None:
    op.drop_index("ix_coding_done_coder", table_name="coding_done")
    op.drop_table("coding_done")
    op.drop_table("coding_settings")
