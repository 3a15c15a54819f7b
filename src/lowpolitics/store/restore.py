"""``lowpolitics restore FILE``: a backup archive back into a database, all or nothing.

The archive is checked whole before anything is written: its manifest, its schema revision
(an archive from a newer version of lowpolitics is refused — this code does not know its
tables), and every member against the manifest's sha256 and row count, each value against its
column. Only then, in one transaction, are the tables filled in foreign-key order with their
primary keys as they were (so the audit trail's chain and every link between records hold),
and PostgreSQL's id sequences moved past the restored ids.

The target must be an initialised database with no records of its own: the gazetteer's places
that ``init`` seeds are replaced by the archive's. ``replace`` empties a database that has
records first — in the same transaction, so a failed restore leaves it as it was — and, since
that throws a history away, appends one audit entry that says what was replaced by what.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Integer, Table, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lowpolitics import __version__
from lowpolitics.framework.errors import CellError, ConfigError, ConflictError, InputError
from lowpolitics.store.audit import ChainReport, record_change, verify_chain
from lowpolitics.store.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NOT_CARRIED,
    REFERENCE_TABLES,
    ValueProblem,
    carried_tables,
    column_kind,
    decode,
)
from lowpolitics.store.db import MIGRATIONS, SQLITE_BEGIN, head_revision, require_schema
from lowpolitics.store.models import AuditHead, Base

CHUNK_ROWS = 1000
CHUNK_BYTES = 16 * 1024 * 1024  # a chunk of long documents is cut by size, not by rows
MAX_ERRORS_PER_MEMBER = 10
NOT_CHECKED_FOR_EMPTY = (*REFERENCE_TABLES, "login_attempts")


@dataclass
class ArchiveTable:
    """A table of a checked archive: where its rows are and which columns they carry."""

    table: Table
    member: str
    rows: int
    columns: list[str]


@dataclass
class Archive:
    """A backup archive whose manifest, checksums and values have all been checked."""

    path: Path
    manifest: dict
    tables: list[ArchiveTable]
    defaulted: list[str] = field(default_factory=list)  # columns newer than the archive

    @property
    def revision(self) -> str:
        return self.manifest["alembic_revision"]


@dataclass
class RestoreSummary:
    path: Path
    revision: str
    written_by: str
    written_at: str
    tables: dict[str, int]
    tokens_revoked: int
    replaced: dict[str, int] | None
    defaulted: list[str]
    archive_audit: dict
    audit: ChainReport | None = None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


class _Problems:
    """Problems found in an archive, each naming the member (and line, column) it is in."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[CellError] = []

    def add(self, member: str | None, expected: str, line=None, column=None, value=None) -> None:
        where = f"{self.path.name}: {member}" if member else self.path.name
        shown = None if value is None else str(value)
        self.errors.append(CellError(where, line, column, shown, expected))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(
                self.errors, message=f"{self.path.name} is not a sound backup; nothing was written"
            )


def _revision_is_known(revision: str) -> bool:
    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except Exception:  # alembic says "no such revision" in its own exception types
        return False


def _check_manifest(archive: zipfile.ZipFile, problems: _Problems) -> dict:
    if MANIFEST not in archive.namelist():
        problems.add(None, f"a member {MANIFEST}: this is not a backup written by lowpolitics")
        problems.raise_if_any()
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile) as exc:
        problems.add(MANIFEST, f"JSON ({exc})")
        problems.raise_if_any()
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        problems.add(MANIFEST, f'an object with "format": "{FORMAT}"')
        problems.raise_if_any()
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ConfigError(
            f"{problems.path.name} is in backup format {version}; this version of lowpolitics "
            f"({__version__}) reads format {FORMAT_VERSION} — upgrade lowpolitics to restore it"
        )
    for key in ("alembic_revision", "tables"):
        if key not in manifest:
            problems.add(MANIFEST, f'the key "{key}"')
    if not isinstance(manifest.get("tables"), list):
        problems.add(MANIFEST, '"tables" as a list of tables')
    problems.raise_if_any()
    return manifest


def _check_revision(path: Path, manifest: dict) -> bool:
    """True when the archive is at this code's schema; False when it is older; refused when
    newer (or unknown)."""
    revision = str(manifest["alembic_revision"])
    if revision == head_revision():
        return True
    if not _revision_is_known(revision):
        raise ConfigError(
            f"{path.name} was written at schema {revision} by lowpolitics "
            f"{manifest.get('software_version', '?')}; this version ({__version__}) knows "
            f"schemas up to {head_revision()} — upgrade lowpolitics to restore it"
        )
    return False


def _plan_tables(
    manifest: dict, current: bool, problems: _Problems
) -> tuple[list[ArchiveTable], list[str]]:
    """The archive's tables matched with the schema's, in the order they are filled, and the
    columns the archive does not have (it is older than they are)."""
    schema = {t.name: t for t in carried_tables()}
    listed: dict[str, ArchiveTable] = {}
    defaulted: list[str] = []
    for index, entry in enumerate(manifest["tables"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"table {index + 1}" + (f" ({name})" if name else "")
        if name in NOT_CARRIED:
            continue
        if name not in schema or name in listed:
            problems.add(MANIFEST, "a table of the schema, each listed once", column=where)
            continue
        table = schema[name]
        columns = entry.get("columns") or []
        names = [c.get("name") for c in columns if isinstance(c, dict)]
        for column in columns:
            col = table.columns.get(column.get("name")) if isinstance(column, dict) else None
            if col is None:
                problems.add(MANIFEST, f"columns of {name}", column=where, value=column)
            elif column.get("kind") != column_kind(col):
                problems.add(
                    MANIFEST,
                    f"kind {column_kind(col)} for {name}.{col.name}",
                    column=where,
                    value=column.get("kind"),
                )
        missing = [c.name for c in table.columns if c.name not in names]
        if missing and current:
            problems.add(MANIFEST, f"every column of {name} (missing: {', '.join(missing)})")
        defaulted.extend(f"{name}.{c}" for c in missing)
        if not isinstance(entry.get("rows"), int) or not isinstance(entry.get("sha256"), str):
            problems.add(MANIFEST, f"a row count and a sha256 for {name}", column=where)
            continue
        listed[name] = ArchiveTable(table, str(entry.get("member")), entry["rows"], names)
    absent = [name for name in schema if name not in listed]
    if absent and current:
        problems.add(MANIFEST, f"every table of the schema (missing: {', '.join(absent)})")
    problems.raise_if_any()
    return [listed[name] for name in schema if name in listed], defaulted


def _check_member(archive: zipfile.ZipFile, item: ArchiveTable, sha: str, problems: _Problems):
    """Hash, count and decode every line of one member; report what does not hold."""
    member, table = item.member, item.table
    if member not in archive.namelist():
        problems.add(member, f"the rows of table {table.name}: the member is missing")
        return
    digest, count, found = hashlib.sha256(), 0, []
    expected_keys = set(item.columns)
    try:
        with archive.open(member) as stream:
            for count, raw in enumerate(stream, 1):  # noqa: B007 - count is the line number
                digest.update(raw)
                if len(found) < MAX_ERRORS_PER_MEMBER:
                    found.extend(_line_problems(raw, count, item, expected_keys))
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(member, f"a readable member ({exc})")
        return
    if digest.hexdigest() != sha:
        problems.add(
            member,
            f"the sha256 the manifest records ({sha[:16]}…), but it is "
            f"{digest.hexdigest()[:16]}…: the member was changed or damaged after the backup",
        )
        return
    if count != item.rows:
        problems.add(member, f"{item.rows} rows as the manifest records, but it has {count}")
    for line, column, value, expected in found:
        problems.add(member, expected, line=line, column=column, value=value)


def _line_problems(raw: bytes, line: int, item: ArchiveTable, keys: set[str]) -> list[tuple]:
    try:
        record = json.loads(raw)
    except ValueError as exc:
        return [(line, None, None, f"one JSON object per line ({exc})")]
    if not isinstance(record, dict) or set(record) != keys:
        return [(line, None, None, f"an object with the columns {', '.join(item.columns)}")]
    found = []
    for name in item.columns:
        column = item.table.columns[name]
        try:
            decode(column_kind(column), column, record[name])
        except ValueProblem as exc:
            value = record[name]
            found.append((line, name, "" if value is None else json.dumps(value), str(exc)))
    return found


def read_archive(path: Path | str) -> Archive:
    """Open and check the whole archive; :class:`InputError` names every member at fault."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    problems = _Problems(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(None, f"a zip archive written by 'lowpolitics backup' ({exc})")
        problems.raise_if_any()
    with archive:
        manifest = _check_manifest(archive, problems)
        current = _check_revision(path, manifest)
        tables, defaulted = _plan_tables(manifest, current, problems)
        shas = {e["name"]: e["sha256"] for e in manifest["tables"] if isinstance(e, dict)}
        for item in tables:
            _check_member(archive, item, shas[item.table.name], problems)
    problems.raise_if_any()
    return Archive(path, manifest, tables, defaulted)


# --- writing ------------------------------------------------------------------------------


def _occupied(conn: Connection) -> dict[str, int]:
    """Tables that hold records of their own (the gazetteer's seeded rows do not count)."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_CHECKED_FOR_EMPTY:
            continue
        n = conn.scalar(select(func.count()).select_from(table)) or 0
        if n:
            counts[table.name] = n
    return counts


def _empty(conn: Connection, tables: list[Table]) -> None:
    """Delete every row of ``tables`` (children first); the audit trail's append-only guards
    are lifted for it and put back inside the same transaction."""
    names = {t.name for t in tables}
    sqlite = conn.dialect.name == "sqlite"
    guards = []
    if "audit_entries" in names:
        if sqlite:
            guards = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
                )
            ).all()
            for name, _sql in guards:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        else:
            conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in names:
            conn.execute(table.delete())
    if "audit_entries" in names:
        if sqlite:
            for _name, sql in guards:
                conn.exec_driver_sql(sql)
        else:
            conn.exec_driver_sql("ALTER TABLE audit_entries ENABLE TRIGGER USER")


def _rows(archive: zipfile.ZipFile, item: ArchiveTable) -> Iterator[list[dict[str, Any]]]:
    """The member's rows, decoded, a chunk at a time."""
    kinds = {name: column_kind(item.table.columns[name]) for name in item.columns}
    chunk: list[dict[str, Any]] = []
    size = 0
    with archive.open(item.member) as stream:
        for raw in stream:
            record = json.loads(raw)
            chunk.append(
                {n: decode(kinds[n], item.table.columns[n], record[n]) for n in item.columns}
            )
            size += len(raw)
            if len(chunk) >= CHUNK_ROWS or size >= CHUNK_BYTES:
                yield chunk
                chunk, size = [], 0
    if chunk:
        yield chunk


def _fill(conn: Connection, archive: zipfile.ZipFile, item: ArchiveTable) -> None:
    table = item.table
    # a column pointing into its own table (a code's parent) is set once every row is there,
    # whatever the order of the rows
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    keys = [c.name for c in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    for chunk in _rows(archive, item):
        for row in chunk:
            if any(row.get(name) is not None for name in own):
                later.append({**{f"k_{k}": row[k] for k in keys}, **{n: row[n] for n in own}})
                for name in own:
                    row[name] = None
        conn.execute(table.insert(), chunk)
    if later:
        where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
        conn.execute(table.update().where(*where).values({n: bindparam(n) for n in own}), later)


def _reset_sequences(conn: Connection) -> None:
    """Make PostgreSQL's next id follow the largest restored one (SQLite does so by itself)."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table.name}"'
            ),
            {"table": table.name, "column": column},
        )


def restore_backup(
    engine: Engine, path: Path | str, *, replace: bool = False, who: str = "cli"
) -> RestoreSummary:
    """Check the archive at ``path``, then write it into the database at ``engine``."""
    checked = read_archive(path)
    require_schema(engine)
    manifest = checked.manifest
    summary = RestoreSummary(
        path=checked.path,
        revision=checked.revision,
        written_by=str(manifest.get("software_version", "?")),
        written_at=str(manifest.get("written_at", "?")),
        tables={item.table.name: item.rows for item in checked.tables},
        tokens_revoked=int(manifest.get("api_tokens_revoked") or 0),
        replaced=None,
        defaulted=checked.defaulted,
        archive_audit=manifest.get("audit") or {},
    )
    conn = engine.connect()
    if engine.dialect.name == "sqlite":  # the write lock from the start: no writer between
        conn = conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with conn.begin():
            occupied = _occupied(conn)
            if occupied and not replace:
                biggest = sorted(occupied.items(), key=lambda kv: -kv[1])
                listed = ", ".join(f"{name} {n}" for name, n in biggest[:5])
                more = f" and {len(biggest) - 5} more tables" if len(biggest) > 5 else ""
                raise ConflictError(
                    f"database {shown} is not empty (rows in {listed}{more}): restore into a "
                    "freshly initialised database, or give --replace to empty this one first"
                )
            if replace:
                old_head = conn.execute(select(AuditHead.chain, AuditHead.entries)).first()
                summary.replaced = occupied
                _empty(conn, list(Base.metadata.sorted_tables))
            else:
                _empty(conn, [t for t in carried_tables() if t.name in REFERENCE_TABLES])
            with zipfile.ZipFile(checked.path) as archive:
                for item in checked.tables:
                    try:
                        _fill(conn, archive, item)
                    except DBAPIError as exc:
                        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                        raise InputError(
                            [
                                CellError(
                                    f"{checked.path.name}: {item.member}",
                                    None,
                                    None,
                                    None,
                                    f"rows the database accepts into {item.table.name} ({first})",
                                )
                            ],
                            message=f"{checked.path.name} could not be restored; "
                            "nothing was written",
                        ) from exc
            _reset_sequences(conn)
            if replace:
                _note_replacement(conn, who, checked, occupied, old_head)
    finally:
        conn.close()
    with Session(engine) as session:
        summary.audit = verify_chain(session)
    return summary


def _note_replacement(conn: Connection, who: str, checked: Archive, occupied, old_head) -> None:
    """One audit entry after the restored trail: what was thrown away, and from which archive."""
    digest = hashlib.sha256()
    with checked.path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with Session(bind=conn) as session:
        record_change(
            session,
            who,
            "restore",
            "database",
            checked.path.name[:200],
            {
                "tables": occupied,
                "audit_entries": old_head.entries if old_head else 0,
                "audit_last_chain": old_head.chain if old_head else None,
            },
            {
                "archive_sha256": digest.hexdigest(),
                "written_at": checked.manifest.get("written_at"),
                "revision": checked.revision,
                "rows": sum(item.rows for item in checked.tables),
            },
        )
        session.commit()
