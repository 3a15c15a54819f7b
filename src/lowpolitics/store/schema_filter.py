"""Schema objects that live outside the models' metadata, and the filter that hides them.

Revision 0002's full-text search objects (an FTS5 virtual table with its shadow tables on
SQLite, an expression index on PostgreSQL) are created by migration, not by the models, so
comparing the database with the models must not take them for leftovers to drop. Alembic's
environment and the schema test both use this one filter.
"""

from __future__ import annotations

SEARCH_TABLE = "documents_fts"
SEARCH_INDEX = "ix_documents_search"


def is_search_object(name: str | None, type_: str) -> bool:
    if type_ == "table":
        return bool(name) and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))
    return type_ == "index" and name == SEARCH_INDEX


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: skip the search objects when they exist only in the
    database."""
    return not (reflected and compare_to is None and is_search_object(name, type_))
