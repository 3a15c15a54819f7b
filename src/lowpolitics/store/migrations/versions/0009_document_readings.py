"""documents keep the discourse reading made when they were stored

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 03:10:00

The discourse analysis needs, for every document, its lexicon frame, its mentions of either
country and its stem counts. A document's text never changes, so they are read once, when the
document is stored, instead of on every analysis run.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_readings",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey(
                "documents.id",
                name="fk_document_readings_document_id_documents",
                ondelete="CASCADE",
            ),
            primary_key=True,
        ),
        sa.Column("reader", sa.String(64), nullable=False),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("frame", sa.String(40), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("stems", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_readings")
