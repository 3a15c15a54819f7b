"""An import that wrote many rows leaves the planner statistics of its tables fresh, on both
backends; a small one leaves them as they were (``lowpolitics.store.statistics``)."""

from __future__ import annotations

from sqlalchemy import Engine

from conftest import write_registry
from lowpolitics.store.bulk import ImportSettings
from lowpolitics.store.documents import import_documents
from lowpolitics.store.importing import import_file
from test_bulk_import import generated_rows


def analysed(engine: Engine, table: str) -> bool:
    """Whether the planner has statistics of ``table``: PostgreSQL's ``last_analyze`` (set by
    an ANALYZE or VACUUM ANALYZE that someone ran, not by autovacuum), SQLite's
    ``sqlite_stat1`` rows."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            row = conn.exec_driver_sql(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                (table,),
            ).first()
            return bool(row[0])
        stat = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).scalar()
        if not stat:
            return False
        rows = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = ?", (table,)
        ).scalar()
        return rows > 0


def reltuples(engine: Engine, table: str) -> float:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE relname = %s", (table,)
        ).scalar()


def test_a_large_registry_import_refreshes_statistics(engine, codebook, gazetteer, tmp_path):
    path = write_registry(tmp_path / "reg.csv", generated_rows(40))
    settings = ImportSettings(analyze_rows=30)
    import_file(engine, "registry", path, codebook, gazetteer, settings=settings)
    for table in ("activities", "activity_actors", "activity_sources", "status_changes"):
        assert analysed(engine, table), table
    if engine.dialect.name == "postgresql":
        assert reltuples(engine, "activities") == 40


def test_a_small_registry_import_leaves_statistics_alone(engine, codebook, gazetteer, tmp_path):
    path = write_registry(tmp_path / "reg.csv", generated_rows(40))
    settings = ImportSettings(analyze_rows=41)
    import_file(engine, "registry", path, codebook, gazetteer, settings=settings)
    assert not analysed(engine, "activities")
    assert not analysed(engine, "status_changes")


def test_the_threshold_counts_rows_written_not_rows_read(engine, codebook, gazetteer, tmp_path):
    """The same file again changes nothing, so it does not refresh anything either."""
    path = write_registry(tmp_path / "reg.csv", generated_rows(40))
    import_file(
        engine, "registry", path, codebook, gazetteer, settings=ImportSettings(analyze_rows=41)
    )
    import_file(
        engine, "registry", path, codebook, gazetteer, settings=ImportSettings(analyze_rows=30)
    )
    assert not analysed(engine, "activities")


def test_a_large_document_batch_refreshes_the_corpus_statistics(engine, tmp_path):
    files = []
    for i in range(3):
        path = tmp_path / f"text-{i}.txt"
        sentences = " ".join(f"Sentence {j} of text {i} about a concert in Osh." for j in range(12))
        path.write_text(sentences + "\n\nA second paragraph.\n", encoding="utf-8")
        files.append(path)
    report = import_documents(engine, files[:1], settings=ImportSettings(analyze_rows=10_000))
    assert len(report.imported) == 1 and report.rows_written > 3
    assert not analysed(engine, "segments")
    report = import_documents(engine, files[1:], settings=ImportSettings(analyze_rows=10))
    assert len(report.imported) == 2 and report.rows_written >= 10
    assert analysed(engine, "segments") and analysed(engine, "documents")
