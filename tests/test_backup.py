"""Backup and restore: an archive of every table that restores into SQLite and PostgreSQL
alike, compared row by row with the database it came from; tokens not carried; every bad
archive refused before anything is written, with the member named."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD, copy_sqlite
from lowpolitics.framework.errors import ConfigError, ConflictError, InputError
from lowpolitics.store.accounts import add_user, issue_token, start_session
from lowpolitics.store.audit import record_change, verify_chain
from lowpolitics.store.backup import write_backup
from lowpolitics.store.backup_format import MANIFEST, carried_tables, column_kind, member_name
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, add_memo, ensure_code
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import (
    Actor,
    ApiToken,
    AuditEntry,
    Code,
    Document,
    LoginAttempt,
    Memo,
    Place,
    User,
    WebSession,
)
from lowpolitics.store.reference import seed_reference
from lowpolitics.store.restore import restore_backup

# --- helpers ------------------------------------------------------------------------------


def fresh(url: str, gazetteer):
    """An initialised, empty database at ``url``."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    return engine


def add_people_and_notes(engine) -> None:
    """A user with an API token and a browser session, a login attempt, a code whose parent
    was made after it (a larger id), a coding with a memo, and a memo on a document."""
    with session_scope(engine) as session:
        user = add_user(session, "amina", "editor", PASSWORD, who="test")
        issue_token(session, "amina", who="test")
        start_session(session, user)
        session.add(LoginAttempt(name="amina", address="127.0.0.1", ok=True, at=datetime.now(UTC)))
        document = session.scalars(select(Document).order_by(Document.id)).first()
        if document is None:
            document, _ = add_document(
                session,
                "Дни культуры Таджикистана в Бишкеке прошли в мае. Second sentence here.",
                DocumentMeta(title="Days", key="doc-1", language="ru"),
                who="test",
            )
        child = ensure_code(session, "border-talk", definition="talk of the border")
        parent = ensure_code(session, "z-parent-made-later")
        child.parent_id = parent.id
        coding = add_coding(session, document, child, 0, 10, "amina", confidence=0.75)
        add_memo(session, '=HYPERLINK("http://x")&" see"', "amina", coding=coding)
        add_memo(session, "a note on the whole text", "amina", document=document)
        record_change(session, "amina", "update", "code", child.name, None, {"parent": "z"})


def dump(engine) -> dict[str, list[tuple]]:
    """Every carried table, rows in key order, values normalised across the two backends."""
    tables = {}
    with engine.connect() as conn:
        for table in carried_tables():
            kinds = [column_kind(c) for c in table.columns]
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            tables[table.name] = [
                tuple(_normal(kind, v) for kind, v in zip(kinds, row, strict=True)) for row in rows
            ]
    return tables


def _normal(kind: str, value):
    if value is None:
        return None
    if kind == "datetime":
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    if kind == "json":
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def assert_same_tables(first: dict, second: dict) -> None:
    assert list(first) == list(second)
    for name in first:
        a, b = first[name], second[name]
        assert len(a) == len(b), f"{name}: {len(a)} rows against {len(b)}"
        for row_a, row_b in zip(a, b, strict=True):
            assert row_a == row_b, f"{name}: {row_a} != {row_b}"


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def chain_report(engine):
    with session_scope(engine) as session:
        return verify_chain(session)


def rewrite(source: Path, target: Path, member: str, change, *, fix_manifest: bool) -> Path:
    """A copy of the archive with ``member``'s bytes changed; with ``fix_manifest`` its sha256
    and row count are recomputed so that only the content is wrong."""
    with zipfile.ZipFile(source) as src:
        contents = {name: src.read(name) for name in src.namelist()}
    contents[member] = change(contents[member])
    if fix_manifest:
        manifest = json.loads(contents[MANIFEST])
        for entry in manifest["tables"]:
            if entry["member"] == member:
                entry["sha256"] = hashlib.sha256(contents[member]).hexdigest()
                entry["rows"] = contents[member].count(b"\n")
        contents[MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as dst:
        for name, data in contents.items():
            dst.writestr(name, data)
    return target


@pytest.fixture(scope="module")
def populated(tmp_path_factory, demo_db):
    """The demo database plus people, tokens, memos and codings (SQLite), read-only."""
    folder = tmp_path_factory.mktemp("populated")
    engine = make_engine(copy_sqlite(demo_db, folder / "original.db"))
    add_people_and_notes(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def small(tmp_path, gazetteer, codebook, good_registry):
    """A small populated SQLite database and its archive, for the failure cases."""
    engine = fresh(f"sqlite:///{tmp_path / 'small.db'}", gazetteer)
    import_file(engine, "registry", good_registry, codebook, gazetteer)
    add_people_and_notes(engine)
    archive = write_backup(engine, tmp_path / "small.zip").path
    yield engine, archive
    engine.dispose()


# --- round trips --------------------------------------------------------------------------


def test_sqlite_to_postgresql_to_sqlite_keeps_every_row(populated, pg_url, gazetteer, tmp_path):
    original = dump(populated)
    first = write_backup(populated, tmp_path / "from-sqlite.zip")
    assert first.tokens_revoked == 1 and first.sessions_dropped == 1
    assert {t.name for t in first.tables} == set(original)
    pg = fresh(pg_url, gazetteer)
    restored = restore_backup(pg, first.path)
    assert restored.rows == first.rows and restored.replaced is None
    assert_same_tables(original, dump(pg))
    assert count(pg, ApiToken) == 0 and count(pg, WebSession) == 0
    assert count(pg, LoginAttempt) == 0
    second = write_backup(pg, tmp_path / "from-postgresql.zip")
    final = fresh(f"sqlite:///{tmp_path / 'final.db'}", gazetteer)
    restore_backup(final, second.path)
    assert_same_tables(original, dump(final))
    # the same tables, rows and values: the two archives' members are byte for byte the same
    assert [t.sha256 for t in first.tables] == [t.sha256 for t in second.tables]
    # the audit trail comes back exactly as it was, and verifies as it did
    assert chain_report(pg) == chain_report(populated) == chain_report(final)
    assert chain_report(final).ok and chain_report(final).entries == len(original["audit_entries"])
    pg.dispose()
    final.dispose()


def test_postgresql_to_sqlite_keeps_every_row(pg_url, gazetteer, codebook, good_registry, tmp_path):
    pg = fresh(pg_url, gazetteer)
    import_file(pg, "registry", good_registry, codebook, gazetteer)
    add_people_and_notes(pg)
    archive = write_backup(pg, tmp_path / "pg.zip")
    target = fresh(f"sqlite:///{tmp_path / 'target.db'}", gazetteer)
    restore_backup(target, archive.path)
    assert_same_tables(dump(pg), dump(target))
    assert chain_report(target) == chain_report(pg) and chain_report(target).ok
    with session_scope(target) as session:  # the password hash came along: the user can log in
        from lowpolitics.store.accounts import authenticate

        assert authenticate(session, "amina", PASSWORD, "127.0.0.1").name == "amina"
    pg.dispose()
    target.dispose()


def test_restored_postgresql_hands_out_new_ids_after_the_restored_ones(small, pg_url, gazetteer):
    engine, archive = small
    pg = fresh(pg_url, gazetteer)
    restore_backup(pg, archive)
    with session_scope(pg) as session:
        top = session.scalar(select(func.max(Actor.id)))
        top_audit = session.scalar(select(func.max(AuditEntry.id)))
        actor = Actor(name="New after restore", country_code="KG")
        session.add(actor)
        entry = record_change(session, "test", "create", "actor", "new", None, {"n": 1})
        session.flush()
        assert actor.id == top + 1 and entry.id == top_audit + 1
        issue_token(session, "amina", who="test")  # a fresh token works on the restored user
    assert chain_report(pg).entries == chain_report(engine).entries + 2
    pg.dispose()


def test_restore_keeps_a_code_whose_parent_came_later(small, db_url, gazetteer):
    engine, archive = small
    target = fresh(db_url, gazetteer)
    restore_backup(target, archive)
    with session_scope(target) as session:
        child = session.scalars(select(Code).where(Code.name == "border-talk")).one()
        parent = session.get(Code, child.parent_id)
        assert parent.name == "z-parent-made-later" and parent.id > child.id
        memo = session.scalars(select(Memo).where(Memo.coding_id.is_not(None))).one()
        assert memo.text.startswith("=HYPERLINK")
    target.dispose()


# --- refusals -----------------------------------------------------------------------------


def test_a_database_with_records_is_refused_unless_replace(small, db_url, gazetteer, tmp_path):
    _, archive = small
    target = fresh(db_url, gazetteer)
    with session_scope(target) as session:
        add_user(session, "someone", "admin", PASSWORD, who="test")
        issue_token(session, "someone", who="test")
    with pytest.raises(ConflictError, match="is not empty .*users 1.*--replace"):
        restore_backup(target, archive)
    assert count(target, Actor) == 0 and count(target, User) == 1  # untouched
    summary = restore_backup(target, archive, replace=True)
    assert summary.replaced["users"] == 1 and summary.replaced["api_tokens"] == 1
    assert summary.audit.ok  # the replacement's entry continues the restored chain
    with session_scope(target) as session:
        assert [u.name for u in session.scalars(select(User))] == ["amina"]
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.action == "restore" and last.before["tables"]["users"] == 1
    assert count(target, ApiToken) == 0
    target.dispose()


def test_a_changed_member_is_refused_before_anything_is_written(small, db_url, gazetteer):
    _, archive = small
    bad = rewrite(
        archive,
        archive.with_name("bad.zip"),
        member_name("actors"),
        lambda data: data.replace(b"UNICEF", b"UNICEV"),
        fix_manifest=False,
    )
    target = fresh(db_url, gazetteer)
    places = count(target, Place)
    with pytest.raises(InputError) as info:
        restore_backup(target, bad)
    (error,) = info.value.errors
    assert str(error).startswith("bad.zip: tables/actors.jsonl: expected the sha256")
    assert "changed or damaged" in str(error) and "nothing was written" in info.value.summary
    assert count(target, Actor) == 0 and count(target, Place) == places
    target.dispose()


def test_bad_values_are_named_by_member_line_and_column(small, tmp_path):
    _, archive = small

    def spoil(data: bytes) -> bytes:
        lines = data.splitlines(keepends=True)
        record = json.loads(lines[1])
        record["name"], record["version"] = None, "two"
        lines[1] = (json.dumps(record) + "\n").encode()
        lines.append(b"not json\n")
        return b"".join(lines)

    bad = rewrite(archive, tmp_path / "values.zip", member_name("actors"), spoil, fix_manifest=True)
    with pytest.raises(InputError) as info:
        restore_backup(make_engine(f"sqlite:///{tmp_path / 'never.db'}"), bad)
    shown = [str(e) for e in info.value.errors]
    assert shown[0].startswith("values.zip: tables/actors.jsonl, line 2, column 'name': empty")
    assert "column 'version': '\"two\"' — expected a whole number" in shown[1]
    assert "line 4" in shown[2] and "one JSON object per line" in shown[2]
    assert not (tmp_path / "never.db").exists()  # refused before the target was opened


def test_rows_the_database_refuses_leave_it_as_it_was(small, db_url, gazetteer, tmp_path):
    _, archive = small

    def duplicate(data: bytes) -> bytes:
        return data + data.splitlines(keepends=True)[0]  # the same primary key twice

    bad = rewrite(
        archive, tmp_path / "dup.zip", member_name("activities"), duplicate, fix_manifest=True
    )
    target = fresh(db_url, gazetteer)
    places = count(target, Place)
    with pytest.raises(InputError) as info:
        restore_backup(target, bad)
    assert "dup.zip: tables/activities.jsonl" in str(info.value.errors[0])
    assert "rows the database accepts into activities" in str(info.value.errors[0])
    assert count(target, Actor) == 0 and count(target, Place) == places  # all or nothing
    target.dispose()


def test_an_archive_from_a_newer_schema_is_refused(small, tmp_path):
    _, archive = small

    def newer(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["alembic_revision"], manifest["software_version"] = "0099", "9.0.0"
        return json.dumps(manifest).encode()

    bad = rewrite(archive, tmp_path / "newer.zip", MANIFEST, newer, fix_manifest=False)
    with pytest.raises(ConfigError, match="schema 0099 by lowpolitics 9.0.0.*upgrade lowpolitics"):
        restore_backup(make_engine(f"sqlite:///{tmp_path / 'x.db'}"), bad)


def test_an_older_archive_restores_with_defaults_for_newer_columns(small, tmp_path, gazetteer):
    _, archive = small

    def older(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0007"
        for entry in manifest["tables"]:
            if entry["name"] == "users":
                entry["columns"] = [c for c in entry["columns"] if c["name"] != "active"]
        return json.dumps(manifest).encode()

    def drop_active(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.splitlines()]
        return b"".join(
            (json.dumps({k: v for k, v in r.items() if k != "active"}) + "\n").encode()
            for r in rows
        )

    step = rewrite(archive, tmp_path / "step.zip", member_name("users"), drop_active,
                   fix_manifest=True)  # fmt: skip
    old = rewrite(step, tmp_path / "old.zip", MANIFEST, older, fix_manifest=False)
    target = fresh(f"sqlite:///{tmp_path / 'old.db'}", gazetteer)
    summary = restore_backup(target, old)
    assert summary.defaulted == ["users.active"]
    with session_scope(target) as session:
        assert session.scalars(select(User)).one().active is True
    target.dispose()


def test_not_a_backup(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    junk = tmp_path / "junk.zip"
    junk.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="junk.zip is not a sound backup") as info:
        restore_backup(engine, junk)
    assert "expected a zip archive written by 'lowpolitics backup'" in str(info.value.errors[0])
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(InputError) as info:
        restore_backup(engine, empty)
    assert "a member manifest.json" in str(info.value.errors[0])
    with pytest.raises(ConfigError, match="no such file"):
        restore_backup(engine, tmp_path / "missing.zip")


# --- the commands -------------------------------------------------------------------------


def test_backup_and_restore_commands(cli, small, tmp_path):
    engine, _ = small
    db = engine.url.render_as_string(hide_password=False)
    archive = tmp_path / "cli.zip"
    written = cli("--db", db, "backup", archive)
    assert written.code == 0, written
    assert "tables" in written.out and "1 API token(s)" in written.out
    again = cli("--db", db, "backup", archive)
    assert again.code == 2 and "--overwrite" in again.err and "Traceback" not in again.err
    target = f"sqlite:///{tmp_path / 'cli-target.db'}"
    assert cli("--db", target, "init").code == 0
    restored = cli("--db", target, "restore", archive)
    assert restored.code == 0, restored
    assert "API tokens are not carried" in restored.out and "had 1" in restored.out
    assert "audit trail intact" in restored.out
    assert cli("--db", target, "audit", "verify").code == 0
    refused = cli("--db", target, "restore", archive)
    assert refused.code == 2 and "not empty" in refused.err and "--replace" in refused.err
    replaced = cli("--db", target, "restore", "--replace", archive)
    assert replaced.code == 0 and "replaced" in replaced.out
