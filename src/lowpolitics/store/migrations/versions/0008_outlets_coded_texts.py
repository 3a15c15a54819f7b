"""outlets and the coded index of real texts, for the discourse analysis

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 03:00:00

``outlets`` says who speaks (country, ownership); ``coded_texts`` holds real articles and
statements as a coder read them: address, metadata, frame, mentions of the other side and stem
counts, never their sentences.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(5), nullable=False),
        sa.Column("ownership", sa.String(40), nullable=True),
        sa.Column("languages", sa.String(100), nullable=True),
        sa.Column("domain", sa.String(300), nullable=True),
        sa.Column("source_url", sa.String(2000), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("key", name="uq_outlets_key"),
    )
    op.create_table(
        "coded_texts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column(
            "outlet_id",
            sa.Integer(),
            sa.ForeignKey("outlets.id", name="fk_coded_texts_outlet_id_outlets"),
            nullable=True,
        ),
        sa.Column("side", sa.String(5), nullable=False),
        sa.Column("genre", sa.String(40), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("frame", sa.String(40), nullable=False),
        sa.Column("frame_evidence", sa.Text(), nullable=True),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("topic", sa.String(500), nullable=True),
        sa.Column("coder", sa.String(200), nullable=False),
        sa.Column("read_chars", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("stems", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("key", name="uq_coded_texts_key"),
    )
    op.create_index("ix_coded_texts_outlet_id", "coded_texts", ["outlet_id"])
    op.create_index("ix_coded_texts_published_on", "coded_texts", ["published_on"])


def downgrade() -> None:
    op.drop_index("ix_coded_texts_published_on", table_name="coded_texts")
    op.drop_index("ix_coded_texts_outlet_id", table_name="coded_texts")
    op.drop_table("coded_texts")
    op.drop_table("outlets")
