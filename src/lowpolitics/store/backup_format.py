"""The backup archive's layout and how each column's values are written and read back.

A backup is a zip file: ``manifest.json`` and one JSON-lines member per table,
``tables/NAME.jsonl``, one object per row with every column. JSON has no dates, times or a
difference between a float and an integer, so each column's values are written by the
column's type in the schema (recorded in the manifest) and read back by the same type:
dates as ``YYYY-MM-DD``, moments as ISO 8601 in UTC with the offset (SQLite keeps no time
zone; its moments are UTC, as :mod:`lowpolitics.store.audit` reads them too), JSON columns as
the JSON value itself. The same archive restores into SQLite and PostgreSQL alike.

What is not carried, and why, is stated here once and written into every manifest: API tokens
(a restored database has none, so every token is revoked), browser sessions (everyone logs in
again) and login attempts (kept for rate limiting only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text

from lowpolitics.store.models import Base

FORMAT = "lowpolitics-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_FOLDER = "tables/"

NOT_CARRIED = {
    "api_tokens": "API tokens are not carried: a restored database has none, so every token "
    "of the backed-up database is revoked; make new ones with 'lowpolitics users token NAME'",
    "web_sessions": "browser sessions are not carried: everyone logs in again",
    "login_attempts": "login attempts are not carried (kept for rate limiting only)",
}
# seeded by `init` from the gazetteer: a fresh database has them, and a restore replaces them
REFERENCE_TABLES = ("countries", "regions", "places")


def carried_tables() -> list[Table]:
    """Every table of the schema a backup holds, parents before the tables that point at them."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_CARRIED]


def member_name(table: str) -> str:
    return f"{TABLES_FOLDER}{table}.jsonl"


def column_kind(column: Column) -> str:
    """The kind of values a column holds, as the manifest names it."""
    kind = column.type
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, Float):
        return "float"
    if isinstance(kind, String | Text):
        return "text"
    raise TypeError(f"column {column.table.name}.{column.name}: no backup form for {kind!r}")


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a moment without a zone (SQLite) is UTC already."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def encode(kind: str, value: object) -> object:
    """A column value as the JSON value the archive holds."""
    if value is None:
        return None
    if kind == "datetime":
        return utc(value).isoformat(timespec="microseconds")  # type: ignore[arg-type]
    if kind == "date":
        return value.isoformat()  # type: ignore[union-attr]
    return value


class ValueProblem(ValueError):
    """A value in the archive that is not what its column holds; the message says what is."""


def _expected(kind: str, column: Column) -> str:
    if kind == "text":
        length = getattr(column.type, "length", None)
        return f"text of at most {length} characters" if length else "text"
    return {
        "boolean": "true or false",
        "datetime": "a moment as ISO 8601 with its offset, e.g. 2024-05-01T12:00:00+00:00",
        "date": "a date as YYYY-MM-DD",
        "integer": "a whole number",
        "float": "a number",
        "json": "a JSON value",
    }[kind]


def decode(kind: str, column: Column, value: object) -> object:
    """The column value a JSON value of the archive stands for; :class:`ValueProblem` if it
    is not one."""
    if value is None:
        if not column.nullable and not column.primary_key:
            raise ValueProblem(f"a value ({_expected(kind, column)}); the column is required")
        return None
    try:
        return _decode(kind, column, value)
    except (TypeError, ValueError) as exc:
        raise ValueProblem(_expected(kind, column)) from exc


def _decode(kind: str, column: Column, value: object) -> object:
    if kind == "json":
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise TypeError
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise TypeError
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise TypeError
    if not isinstance(value, str):
        raise TypeError
    if kind == "text":
        length = getattr(column.type, "length", None)
        if length and len(value) > length:
            raise ValueError
        return value
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(UTC)
    raise TypeError


def same_value(kind: str, a: object, b: object) -> bool:
    """Equal as stored values (moments compared in UTC, NaN equal to NaN): for comparisons of
    a database with its restored copy."""
    if a is None or b is None:
        return a is b
    if kind == "datetime":
        return utc(a) == utc(b)  # type: ignore[arg-type]
    if kind == "float" and math.isnan(a) and math.isnan(b):  # type: ignore[arg-type]
        return True
    return a == b


@dataclass(frozen=True)
class TableEntry:
    """One table as the manifest lists it."""

    name: str
    member: str
    rows: int
    sha256: str
    columns: tuple[tuple[str, str], ...]  # (name, kind) in the member's order

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "member": self.member,
            "rows": self.rows,
            "sha256": self.sha256,
            "columns": [{"name": n, "kind": k} for n, k in self.columns],
        }
