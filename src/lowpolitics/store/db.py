"""Engines, sessions and the schema's life cycle, for SQLite and PostgreSQL alike.

Which database: the ``--db`` option, else ``LOWPOLITICS_DB``, else ``lowpolitics.db`` in the
current folder. SQLite gets WAL (readers do not block the writer, which matters once the web
app and an import run together) and enforced foreign keys (off by default in SQLite).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import ConfigError, DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///lowpolitics.db"
ENV_VAR = "LOWPOLITICS_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(option: str | None = None) -> str:
    """The database URL in force: option, then environment, then the default file."""
    raw = option or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in raw:  # a bare path means a SQLite file
        raw = f"sqlite:///{raw}"
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"database URL '{raw}' is not a valid URL") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername.startswith("sqlite") or url.drivername.startswith("postgresql")):
        raise ConfigError(
            f"database URL '{raw}': only sqlite:/// and postgresql:// databases are supported"
        )
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite opens a transaction only before the first INSERT/UPDATE, so a version check's
    # SELECT ran outside the transaction that wrote — and two editors could both pass it and
    # overwrite each other. With its own handling off, every transaction begins at its first
    # statement (see _sqlite_begin) and reads and writes share one snapshot.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


SQLITE_BEGIN = "sqlite_begin"  # execution option: "IMMEDIATE" takes the write lock at once


def _sqlite_begin(connection) -> None:
    """BEGIN (deferred) for reading; BEGIN IMMEDIATE for a transaction that will write, so a
    second writer waits at its start — and then reads the first one's committed version —
    instead of both reading the same version and the later one overwriting the earlier."""
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (resolved as :func:`resolve_url` does)."""
    resolved = resolve_url(url)
    sa_url = make_url(resolved)
    if sa_url.drivername.startswith("sqlite"):
        database = sa_url.database
        if database and database != ":memory:":
            parent = Path(database).expanduser().resolve().parent
            if not parent.exists():
                raise ConfigError(f"database URL '{resolved}': folder {parent} does not exist")
        engine = create_engine(resolved)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


# Alembic is imported where migrations are read or run: a command that only opens a session
# (or only prints its help) does not pay for it.


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise DatabaseError(f"cannot open database {engine.url!r}: {exc.orig}") from exc


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision (idempotent)."""
    from alembic import command

    try:
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as exc:
        raise DatabaseError(f"cannot open database {engine.url!r}: {exc.orig}") from exc


def require_schema(engine: Engine) -> None:
    """Refuse to work on a database without our schema, or with an older one."""
    revision = current_revision(engine)
    shown = engine.url.render_as_string(hide_password=True)
    if revision is None:
        raise DatabaseError(
            f"database {shown} has no lowpolitics schema — run 'lowpolitics init' first"
        )
    if revision != head_revision():
        raise DatabaseError(
            f"database {shown} is at schema {revision}, this version needs {head_revision()} "
            "— run 'lowpolitics init' to upgrade it"
        )


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-written).

    ``write``: the transaction will change records after reading them (an edit checked against
    its version). On PostgreSQL row locks (``FOR UPDATE``) serialise such edits; SQLite has
    none, so there the transaction takes the database's write lock when it begins."""
    session = Session(engine, expire_on_commit=False)
    if write and engine.dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
