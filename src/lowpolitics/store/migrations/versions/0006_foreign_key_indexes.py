"""an index on every foreign key the loads and lists follow

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 23:40:00

Lists and loads join and filter on foreign keys (an actor's activities, a document's codings,
a source's rows); without an index each lookup scans its table, which is invisible on the demo
and dominant at 100k rows. The first column of a composite primary key is already indexed.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = [
    ("regions", "country_code"),
    ("places", "country_code"),
    ("places", "region_code"),
    ("instrument_parties", "actor_id"),
    ("commitments", "instrument_id"),
    ("bodies", "instrument_id"),
    ("initiatives", "instrument_id"),
    ("initiatives", "commitment_id"),
    ("initiatives", "body_id"),
    ("initiatives", "lead_actor_id"),
    ("activities", "initiative_id"),
    ("activities", "region_code"),
    ("activities", "place_id"),
    ("activity_actors", "actor_id"),
    ("activity_sources", "source_id"),
    ("context_events", "region_code"),
    ("context_events", "place_id"),
    ("context_sources", "source_id"),
    ("segments", "document_id"),
    ("codes", "parent_id"),
    ("codings", "document_id"),
    ("codings", "code_id"),
    ("memos", "document_id"),
    ("memos", "coding_id"),
    ("memos", "code_id"),
    ("api_tokens", "user_id"),
    ("web_sessions", "user_id"),
]


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
