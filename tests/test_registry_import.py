"""Registry import: good files, every kind of bad cell, idempotency, precision, formats.

Runs on SQLite and PostgreSQL (the ``engine`` fixture).
"""

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from conftest import GOOD_ROWS, registry_row, write_registry
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity, Actor, AuditEntry, StatusChange
from lowpolitics.store.queries import get_activity


def count(engine, model=Activity) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def do_import(engine, codebook, gazetteer, path, **options):
    return import_file(engine, "registry", path, codebook, gazetteer, **options)


def test_good_file_imports(engine, codebook, gazetteer, good_registry):
    outcome = do_import(engine, codebook, gazetteer, good_registry)
    assert (outcome.result.added, outcome.result.updated, outcome.result.unchanged) == (4, 0, 0)
    with session_scope(engine) as session:
        camp = get_activity(session, "r-2")
        assert camp.place_id == "kg_kok_tash" and camp.region_code == "KG-B"
        assert camp.participants_women == 22
        assert [link.actor.name for link in camp.actor_links] == ["UNICEF"]
        days = get_activity(session, "r-1")
        assert days.initiative.name == "Days of Culture"
        assert [m.mechanism for m in days.secondary] == ["societal"]
        assert days.region_code == "KG-GB"  # derived from the place through the gazetteer
        talks = get_activity(session, "r-3")
        assert talks.place_id == "tj_vorukh" and talks.region_code == "TJ-SU"
    assert count(engine, Actor) == 3


def test_reimport_adds_nothing(engine, codebook, gazetteer, good_registry):
    do_import(engine, codebook, gazetteer, good_registry)
    audit_before = count(engine, AuditEntry)
    again = do_import(engine, codebook, gazetteer, good_registry)
    assert (again.result.added, again.result.updated, again.result.unchanged) == (0, 0, 4)
    assert count(engine) == 4
    assert count(engine, StatusChange) == 4
    assert count(engine, AuditEntry) == audit_before + 1  # only the import entry itself


def test_rows_without_id_get_a_stable_key(engine, codebook, gazetteer, tmp_path):
    rows = [dict(r, id="") for r in GOOD_ROWS]
    path = write_registry(tmp_path / "noid.csv", rows)
    first = do_import(engine, codebook, gazetteer, path)
    second = do_import(engine, codebook, gazetteer, path)
    assert first.result.added == 4 and second.result.unchanged == 4
    assert first.result.keys == second.result.keys
    assert all(k.startswith("row-") for k in first.result.keys)


def test_changed_row_updates_and_records_status_history(engine, codebook, gazetteer, tmp_path):
    path = write_registry(tmp_path / "r.csv", GOOD_ROWS)
    do_import(engine, codebook, gazetteer, path)
    changed = [dict(r) for r in GOOD_ROWS]
    changed[2].update(status="postponed", status_reason="tension after clash")
    write_registry(path, changed)
    outcome = do_import(engine, codebook, gazetteer, path)
    assert (outcome.result.added, outcome.result.updated, outcome.result.unchanged) == (0, 1, 3)
    with session_scope(engine) as session:
        talks = get_activity(session, "r-3")
        assert [h.status for h in talks.history] == ["planned", "postponed"]
        assert talks.version == 2
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert entry.before["status"] == "planned" and entry.after["status"] == "postponed"


def test_dates_keep_their_precision(engine, codebook, gazetteer, good_registry):
    do_import(engine, codebook, gazetteer, good_registry)
    with session_scope(engine) as session:
        precisions = {a.key: a.date_precision for a in session.scalars(select(Activity))}
    assert precisions == {"r-1": "month", "r-2": "day", "r-3": "year", "r-4": "day"}


BAD_CELLS = [
    ("date", "2021-02-30", "real date"),
    ("date", "", "required"),
    ("end_date", "2019-01-01", "on or after"),
    ("title", "", "required"),
    ("mechanism", "cultural", "mechanism"),
    ("mechanisms_secondary", "societal;bogus", "mechanism"),
    ("activity_type", "picnic", "activity type"),
    ("status", "canceled", "status"),
    ("host_country", "Kyrgyzstan", "alpha-2"),
    ("partner_country", "XX", "alpha-2"),
    ("region", "Atlantis", "ISO 3166-2"),
    ("actors", "Ministry of Culture", "Name [CC]"),
    ("actors", "Club [ZZ]", "Name [CC]"),
    ("participants_total", "forty", "whole number"),
    ("participants_total", "-3", "whole number"),
    ("participants_women", "50", "at most participants_total"),
    ("source_url", "www.example.org", "http"),
]


@pytest.mark.parametrize("column, value, expected", BAD_CELLS)
def test_each_kind_of_bad_cell(engine, codebook, gazetteer, tmp_path, column, value, expected):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[1][column] = value
    path = write_registry(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, path)
    errors = info.value.errors
    assert len(errors) == 1
    error = errors[0]
    assert (error.file, error.line, error.column) == ("bad.csv", 3, column)
    assert expected in error.expected
    assert count(engine) == 0


def test_three_bad_cells_three_errors_and_nothing_written(engine, codebook, gazetteer, tmp_path):
    do_import(engine, codebook, gazetteer, write_registry(tmp_path / "ok.csv", GOOD_ROWS[:2]))
    before = (count(engine), count(engine, Actor), count(engine, AuditEntry))
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["date"] = "2019-13"
    rows[2]["status"] = "canceled"
    rows[3]["participants_total"] = "ten"
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, write_registry(tmp_path / "bad.csv", rows))
    assert [(e.line, e.column) for e in info.value.errors] == [
        (2, "date"),
        (4, "status"),
        (5, "participants_total"),
    ]
    assert (count(engine), count(engine, Actor), count(engine, AuditEntry)) == before


def test_skip_invalid_writes_valid_rows_and_rejects_file(engine, codebook, gazetteer, tmp_path):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[1]["status"] = "maybe"
    path = write_registry(tmp_path / "mixed.csv", rows)
    outcome = do_import(engine, codebook, gazetteer, path, skip_invalid=True)
    assert outcome.result.added == 3 and outcome.rejected == 1
    rejects = (tmp_path / "mixed.csv.rejects.csv").read_text(encoding="utf-8")
    assert "reason" in rejects.splitlines()[0]
    assert "maybe" in rejects and "r-2" in rejects
    assert count(engine) == 3


def test_header_problems(engine, codebook, gazetteer, tmp_path):
    columns = [c for c in REGISTRY_COLUMNS if c != "status"] + ["colour"]
    path = write_registry(
        tmp_path / "h.csv", [dict(r, colour="red") for r in GOOD_ROWS], columns=columns
    )
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, path)
    problems = {(e.line, e.column) for e in info.value.errors}
    assert problems == {(1, "colour"), (1, "status")}


def test_ignore_extra_columns(engine, codebook, gazetteer, tmp_path):
    columns = list(REGISTRY_COLUMNS) + ["colour"]
    path = write_registry(
        tmp_path / "x.csv", [dict(r, colour="red") for r in GOOD_ROWS], columns=columns
    )
    assert do_import(engine, codebook, gazetteer, path, ignore_extra=True).result.added == 4


def test_duplicate_id_in_file(engine, codebook, gazetteer, tmp_path):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[3]["id"] = "r-1"
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, write_registry(tmp_path / "d.csv", rows))
    assert info.value.errors[0].line == 5 and "line 2" in info.value.errors[0].expected


def test_unknown_place_kept_as_text_with_warning(engine, codebook, gazetteer, tmp_path):
    rows = [
        registry_row(
            id="u-1",
            date="2020",
            title="Concert",
            mechanism="societal",
            status="held",
            place="Nowhere-ville",
        )
    ]
    outcome = do_import(engine, codebook, gazetteer, write_registry(tmp_path / "u.csv", rows))
    assert any("Nowhere-ville" in w for w in outcome.warnings)
    with session_scope(engine) as session:
        activity = get_activity(session, "u-1")
        assert activity.place_id is None and activity.place_text == "Nowhere-ville"


def test_xlsx_file(engine, codebook, gazetteer, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(REGISTRY_COLUMNS))
    for row in GOOD_ROWS:
        values = [row[c] for c in REGISTRY_COLUMNS]
        values[REGISTRY_COLUMNS.index("participants_total")] = (
            int(row["participants_total"]) if row["participants_total"] else None
        )
        sheet.append(values)
    path = tmp_path / "registry.xlsx"
    workbook.save(path)
    assert do_import(engine, codebook, gazetteer, path).result.added == 4
    with session_scope(engine) as session:
        assert get_activity(session, "r-2").participants_total == 40
        assert get_activity(session, "r-1").date_precision == "month"


def test_xlsx_bad_cell_reports_spreadsheet_row(engine, codebook, gazetteer, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(REGISTRY_COLUMNS))
    for row in GOOD_ROWS:
        sheet.append([row[c] for c in REGISTRY_COLUMNS])
    sheet.cell(row=4, column=REGISTRY_COLUMNS.index("status") + 1, value="unknown")
    workbook.save(tmp_path / "r.xlsx")
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, tmp_path / "r.xlsx")
    assert [(e.line, e.column) for e in info.value.errors] == [(4, "status")]


def test_json_file(engine, codebook, gazetteer, tmp_path):
    records = []
    for row in GOOD_ROWS:
        record = {k: v for k, v in row.items() if v}
        record["actors"] = row["actors"].split(";") if row["actors"] else []
        if row["participants_total"]:
            record["participants_total"] = int(row["participants_total"])
        records.append(record)
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"activities": records}, ensure_ascii=False), encoding="utf-8")
    assert do_import(engine, codebook, gazetteer, path).result.added == 4
    records[0]["status"] = "gone"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(InputError) as info:
        do_import(engine, codebook, gazetteer, path)
    assert info.value.errors[0].line == 1 and info.value.errors[0].column == "status"


def test_semicolon_csv_from_russian_excel(engine, codebook, gazetteer, tmp_path):
    path = tmp_path / "ru.csv"
    header = ";".join(REGISTRY_COLUMNS)
    row = ";".join(GOOD_ROWS[3][c] for c in REGISTRY_COLUMNS)
    path.write_text(header + "\n" + row + "\n", encoding="utf-8-sig")
    assert do_import(engine, codebook, gazetteer, path).result.added == 1


def test_not_text_is_a_clear_error(engine, codebook, gazetteer, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes((",".join(REGISTRY_COLUMNS) + "\n").encode() + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="cannot read"):
        do_import(engine, codebook, gazetteer, path)
