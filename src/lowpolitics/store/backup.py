"""``lowpolitics backup FILE``: the whole database as one portable archive.

Every table is read inside one read transaction, so the archive is one consistent moment of
the database even while the web app writes (SQLite: one snapshot of the WAL; PostgreSQL: a
REPEATABLE READ, read-only transaction). Rows are streamed a chunk at a time from the
database into the zip member, so memory holds a chunk, never the database. The archive is
written beside its destination and moved into place only when complete: a failed backup
leaves no half-written file under the name a restore would look for.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from lowpolitics import __version__
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.audit import verify_chain
from lowpolitics.store.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NOT_CARRIED,
    TableEntry,
    carried_tables,
    column_kind,
    encode,
    member_name,
)
from lowpolitics.store.db import require_schema
from lowpolitics.store.models import ApiToken, WebSession

CHUNK = 1000  # rows fetched from the database at a time


@dataclass
class BackupSummary:
    """What a backup wrote: for the CLI's report and the tests."""

    path: Path
    revision: str
    tables: list[TableEntry] = field(default_factory=list)
    tokens_revoked: int = 0
    sessions_dropped: int = 0
    bytes: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def _snapshot(engine: Engine) -> Connection:
    """A connection whose one transaction sees the database as it was when it began."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    conn.begin()
    return conn


def _write_table(conn: Connection, archive: zipfile.ZipFile, table) -> TableEntry:
    kinds = [(column.name, column_kind(column)) for column in table.columns]
    digest = hashlib.sha256()
    rows = 0
    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=CHUNK)
    result = conn.execute(query)
    info = zipfile.ZipInfo(member_name(table.name), time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        for row in result:
            record = {
                name: encode(kind, value) for (name, kind), value in zip(kinds, row, strict=True)
            }
            line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            member.write(line)
            digest.update(line)
            rows += 1
    return TableEntry(table.name, member_name(table.name), rows, digest.hexdigest(), tuple(kinds))


def write_backup(engine: Engine, path: Path | str, *, overwrite: bool = False) -> BackupSummary:
    """Write every carried table of the database at ``engine`` into the zip file ``path``."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give the archive's file name, e.g. backup.zip")
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} exists; choose another name or give --overwrite")
    if not path.parent.exists():
        raise ConfigError(f"folder {path.parent} does not exist")
    require_schema(engine)
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    conn = _snapshot(engine)
    try:
        revision = MigrationContext.configure(conn).get_current_revision() or ""
        summary = BackupSummary(path, revision)
        summary.tokens_revoked = conn.scalar(select(func.count()).select_from(ApiToken)) or 0
        summary.sessions_dropped = conn.scalar(select(func.count()).select_from(WebSession)) or 0
        with Session(bind=conn) as session:
            chain = verify_chain(session)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in carried_tables():
                summary.tables.append(_write_table(conn, archive, table))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "software_version": __version__,
                "alembic_revision": revision,
                "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "source_dialect": engine.dialect.name,
                "tables": [t.as_json() for t in summary.tables],
                "not_carried": NOT_CARRIED,
                "api_tokens_revoked": summary.tokens_revoked,
                "audit": {
                    "entries": chain.entries,
                    "chain_holds": chain.ok,
                    "last_chain": chain.last_chain,
                    "broken_at": chain.broken_at,
                },
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.rollback()
        conn.close()
    summary.bytes = path.stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary
