"""Fresh planner statistics after a bulk import, taken once the import has committed.

Why: a table filled by ``COPY`` (PostgreSQL) or by ``executemany`` (SQLite) has no
statistics until something gathers them. PostgreSQL's autovacuum does so some time later —
or never, on a server that runs without it — and SQLite never does unless asked. Until then
the planner guesses row counts, and on PostgreSQL an index-only scan finds no page marked
all-visible, so a deep ``OFFSET`` page fetches every row it skips from the table (issue 17:
123 ms for one such query at 100,000 activities, 14 ms after a ``VACUUM``).

So an import that wrote at least ``ImportSettings.analyze_rows`` rows refreshes the
statistics of the tables it wrote: ``VACUUM (ANALYZE)`` on PostgreSQL (statistics and the
visibility map; it cannot run inside a transaction, and it blocks neither readers nor
writers), ``ANALYZE`` on SQLite (``sqlite_stat1``; sampled through ``analysis_limit`` so it
holds the write lock for a moment only). It runs after the import's transaction committed,
never inside it, so the import's own lock is not held any longer; a failure here is not the
import's failure, whose rows are already stored, and is reported as a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# the tables each kind of bulk import writes rows into
ACTIVITY_TABLES = (
    "activities",
    "activity_mechanisms",
    "activity_actors",
    "activity_sources",
    "status_changes",
    "sources",
    "actors",
    "initiatives",
)
CONTEXT_TABLES = ("context_events", "context_sources", "sources")
DOCUMENT_TABLES = ("documents", "segments", "document_readings")
TABLES = {"registry": ACTIVITY_TABLES, "context": CONTEXT_TABLES, "documents": DOCUMENT_TABLES}

# SQLite's ANALYZE reads at most about this many index rows per index (PRAGMA
# analysis_limit): statistics good enough for the planner, in milliseconds at any size
SQLITE_ANALYSIS_LIMIT = 2000


def refresh_after_import(engine: Engine, kind: str, written: int, threshold: int) -> bool:
    """Refresh the statistics of what a ``kind`` import wrote, if it wrote ``threshold`` rows
    or more; whether it did. Call it after the import's transaction committed."""
    tables = TABLES.get(kind)
    if tables is None or written < threshold:
        return False
    return refresh_statistics(engine, tables)


def refresh_statistics(engine: Engine, tables: Sequence[str]) -> bool:
    """Gather the planner statistics of ``tables`` in transactions of their own (see the
    module's note); False, with a warning logged, when the database refused."""
    names = ", ".join(f'"{name}"' for name in tables)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {names}")
            return True
        with engine.connect() as conn:  # SQLite: the driver's own transactions are off
            conn.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            for name in tables:
                conn.exec_driver_sql(f'ANALYZE "{name}"')
            conn.commit()
        return True
    except SQLAlchemyError as exc:  # the import is stored; slower plans are not an error
        log.warning("statistics of %s not refreshed: %s", names, exc)
        return False
