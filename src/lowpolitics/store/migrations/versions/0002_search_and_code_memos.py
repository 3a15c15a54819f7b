"""full-text search over documents; memos on codes

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

SQLite gets an FTS5 index over ``documents`` (external content: the text is stored once, in
``documents``) kept in step by triggers; PostgreSQL gets a GIN expression index that
``lowpolitics.store.search`` queries with the very same expression. Neither is in the models'
metadata: ``env.py`` keeps autogenerate from proposing to drop them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_INDEX = "ix_documents_search"
PG_EXPRESSION = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"
SQLITE_TRIGGERS = ("documents_fts_ai", "documents_fts_ad", "documents_fts_au")

# External-content FTS5: an index entry is removed by inserting the row's *old* values with
# the special 'delete' command, so the update trigger deletes the old entry and adds the new.
_SQLITE_UP = (
    """
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER documents_fts_au AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX {PG_INDEX} ON documents USING gin ({PG_EXPRESSION})")
    with op.batch_alter_table("memos") as batch_op:
        batch_op.add_column(sa.Column("code_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_memos_code_id_codes"), "codes", ["code_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("memos") as batch_op:
        batch_op.drop_constraint(op.f("fk_memos_code_id_codes"), type_="foreignkey")
        batch_op.drop_column("code_id")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
