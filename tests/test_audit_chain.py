"""The audit trail is a hash chain: `audit verify` passes on an honest trail and names the
first broken link when an entry is edited or deleted behind the triggers' back, or the end is
cut off — on SQLite and PostgreSQL. TRUNCATE is refused on PostgreSQL."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lowpolitics.store.audit import record_change, verify_chain
from lowpolitics.store.db import session_scope


def _trail(engine, n=5):
    with session_scope(engine) as session:
        for i in range(n):
            record_change(session, "alice", "update", "activity", f"a-{i}", {"v": i}, {"v": i + 1})


def _unguarded(engine, statement):
    """Run ``statement`` as someone who can drop the append-only triggers."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        conn.exec_driver_sql(statement)


def test_an_honest_trail_verifies(engine):
    _trail(engine)
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert report.ok and report.entries >= 5


def test_an_edited_entry_breaks_the_chain_there(engine):
    _trail(engine)
    with session_scope(engine) as session:
        target = session.execute(
            text("SELECT id FROM audit_entries WHERE entity_key = 'a-2'")
        ).scalar_one()
    _unguarded(engine, f"UPDATE audit_entries SET actor = 'mallory' WHERE id = {target}")
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert not report.ok and report.broken_at == target


def test_a_deleted_or_cut_off_entry_is_noticed(engine):
    _trail(engine)
    with session_scope(engine) as session:
        ids = list(session.execute(text("SELECT id FROM audit_entries ORDER BY id")).scalars())
    _unguarded(engine, f"DELETE FROM audit_entries WHERE id = {ids[2]}")
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert not report.ok and report.broken_at == ids[3]  # the link after the gap breaks
    _unguarded(engine, f"DELETE FROM audit_entries WHERE id >= {ids[2]}")
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert not report.ok and "head" in report.reason  # the chain holds, the head disagrees


def test_truncate_is_refused_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    _trail(engine, 1)
    with pytest.raises(DBAPIError, match="never truncated"), engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_entries")


def test_cli_audit_verify(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert cli("--db", db, "init").code == 0
    ok = cli("--db", db, "audit", "verify")
    assert ok.code == 0 and "audit trail intact" in ok.out
    from lowpolitics.store.db import make_engine

    engine = make_engine(db)
    _trail(engine, 3)
    _unguarded(engine, "UPDATE audit_entries SET after = '{\"v\": 99}' WHERE entity_key = 'a-1'")
    engine.dispose()
    broken = cli("--db", db, "audit", "verify")
    assert broken.code == 2 and "broken at entry" in broken.err


def test_entries_an_import_adds_are_chained_too(engine, codebook, gazetteer, good_registry):
    """Importers add their entries with the rest of their rows (no flush per record); they are
    chained when the session flushes, after and between entries of record_change."""
    from lowpolitics.store.importing import import_file

    _trail(engine, 2)
    import_file(engine, "registry", good_registry, codebook, gazetteer)
    _trail(engine, 1)
    with session_scope(engine) as session:
        report = verify_chain(session)
        count = session.execute(text("SELECT COUNT(*) FROM audit_entries")).scalar_one()
        head = session.execute(text("SELECT last_id, entries FROM audit_head")).one()
        last = session.execute(text("SELECT MAX(id) FROM audit_entries")).scalar_one()
    assert report.ok, report
    assert report.entries == count == head.entries > 3 and head.last_id == last
