"""the audit trail becomes a hash chain with a head; TRUNCATE refused on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 23:55:00

Each audit entry gets ``chain`` = sha256(previous chain value + its content), and
``audit_head`` keeps the last id, chain value and count, so ``lowpolitics audit verify`` can
tell an edited, deleted or cut-off trail. Entries already written are chained here, in id
order (the append-only triggers are lifted for that and put back). The hash below is a copy of
``store.audit.link`` as it was when this migration was written: a migration must not change
when the code does.
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

_SQLITE_TRIGGERS = {
    "audit_entries_no_update": """
    CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN
        SELECT RAISE(ABORT, 'audit entries are never edited');
    END
    """,
}
_PG_TRUNCATE = (
    """
    CREATE FUNCTION audit_entries_no_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is never truncated';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_no_truncate()
    """,
)


def _moment(at) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _link(previous: str, row) -> str:
    content = [
        previous, _moment(row.at), row.actor, row.action, row.entity, row.entity_key,
        row.before, row.after,
    ]  # fmt: skip
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("audit_entries", sa.Column("chain", sa.String(64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    else:
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
    table = sa.table(
        "audit_entries",
        sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String), sa.column("action", sa.String),
        sa.column("entity", sa.String), sa.column("entity_key", sa.String),
        sa.column("before", sa.JSON), sa.column("after", sa.JSON),
        sa.column("chain", sa.String),
    )  # fmt: skip
    previous, count, last_id = GENESIS, 0, None
    for row in bind.execute(sa.select(table).order_by(table.c.id)).fetchall():
        previous = _link(previous, row)
        bind.execute(table.update().where(table.c.id == row.id).values(chain=previous))
        count, last_id = count + 1, row.id
    if count:
        head = sa.table(
            "audit_head", sa.column("id"), sa.column("last_id"), sa.column("chain"),
            sa.column("entries"),
        )  # fmt: skip
        bind.execute(head.insert().values(id=1, last_id=last_id, chain=previous, entries=count))
    if sqlite:
        op.execute(_SQLITE_TRIGGERS["audit_entries_no_update"])
    else:
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
        for statement in _PG_TRUNCATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_no_truncate()")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_entries") as batch_op:
        batch_op.drop_column("chain")
