"""Days a source bounds a coarsely dated row by (registry ``not_before``/``not_after``): the
importer's checks (both paths alike), the store round trip on both backends, the web form, API
and detail page, and exposure to tension read over the days the sources leave open."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import select

from conftest import registry_row, write_registry
from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView, load_dataset
from lowpolitics.analysis.exposure import (
    CODES,
    IN,
    OUT,
    UNDETERMINED,
    PeriodIndex,
    activity_exposure,
    exposure_codes,
)
from lowpolitics.analysis.held_broken import held_broken
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.dates import PartialDate, known_interval
from lowpolitics.ingest.checks import RowChecker, Vocabulary
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, check_registry_row, parse_registry
from lowpolitics.ingest.registry_fast import SLOW, FastRegistryCheck
from lowpolitics.ingest.table_stream import stream_table
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity
from lowpolitics.store.rows import activity_row

D = PartialDate.parse
AS_OF = date(2024, 1, 1)
# a period that begins inside January 2014, as the declared 2014 period does
PERIOD = TensionPeriod(date(2014, 1, 11), date(2014, 3, 30), "declared", ("p",))
PERIOD_EVENT = EventView(
    key="p", date=D("2014-01-11"), end_date=D("2014-03-30"), kind="tension_period"
)


def view(key: str, when: str, status="held", nb=None, na=None, **more) -> ActivityView:
    return ActivityView(
        key=key,
        date=D(when),
        mechanism=more.pop("mechanism", "societal"),
        status=status,
        not_before=date.fromisoformat(nb) if nb else None,
        not_after=date.fromisoformat(na) if na else None,
        **more,
    )


# --- the interval ---------------------------------------------------------------------------


def test_the_known_interval_is_the_printed_one_narrowed_by_the_bounds():
    january = D("2014-01")
    assert known_interval(january) == (date(2014, 1, 1), date(2014, 1, 31))
    assert known_interval(january, date(2014, 1, 13)) == (date(2014, 1, 13), date(2014, 1, 31))
    assert known_interval(january, None, date(2014, 1, 9)) == (date(2014, 1, 1), date(2014, 1, 9))
    assert view("a", "2022-09", nb="2022-09-18", na="2022-09-28").known_interval == (
        date(2022, 9, 18),
        date(2022, 9, 28),
    )
    assert view("b", "2022-09-16").known_interval == (date(2022, 9, 16), date(2022, 9, 16))


# --- exposure: the known answers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({}, UNDETERMINED),  # January 2014 straddles the period's start
        ({"nb": "2014-01-13"}, IN),  # after the 13th: inside
        ({"nb": "2014-01-11", "na": "2014-01-20"}, IN),
        ({"na": "2014-01-10"}, OUT),  # before the period began
        ({"nb": "2014-01-05", "na": "2014-01-20"}, UNDETERMINED),  # still straddles
    ],
)
def test_a_month_row_is_placed_by_its_bounds(bounds, expected):
    import numpy as np

    row = view("a", "2014-01", **bounds)
    assert activity_exposure(row, [PERIOD]) == expected
    assert PeriodIndex([PERIOD]).activity(row) == expected
    first, last = row.known_interval
    codes = exposure_codes(np.array([first.toordinal()]), np.array([last.toordinal()]), [PERIOD])
    assert CODES[codes[0]] == expected


def test_the_resilience_table_and_held_broken_count_the_bounded_rows():
    rows = [
        view("inside", "2014-01", "suspended", nb="2014-01-11"),
        view("open", "2014-01", "held"),
        view("before", "2014-01", "held", na="2014-01-10"),
        view("day", "2014-02-02", "held"),
    ]
    dataset = Dataset(rows, [PERIOD_EVENT])
    codebook = load_codebook()
    options = AnalysisOptions(as_of=AS_OF)
    table = disruption_by_mechanism(dataset, codebook, options)["all_mechanisms"]
    assert sorted(table["in_tension"]["ids"]) == ["day", "inside"]
    assert table["in_tension"]["disrupted_ids"] == ["inside"]
    assert table["outside"]["ids"] == ["before"]
    assert table["undetermined"]["ids"] == ["open"]
    held = held_broken(dataset, codebook, options).to_dict()
    societal = held["periods"][0]["by_mechanism"]["societal"]
    assert [a["id"] for a in societal["disrupted"]] == ["inside"]
    assert [a["id"] for a in societal["held"]] == ["day"]
    assert [a["id"] for a in societal["coarsely_dated"]] == ["open"]


def test_merged_reports_keep_the_tightest_bounds_of_their_date():
    rows = [
        view("a", "2014-01", nb="2014-01-05"),
        view("b", "2014-01", nb="2014-01-12", same_as="a"),
        view("c", "2014", same_as="a"),
    ]
    base = counting_base(rows, load_codebook(), AS_OF, 90)
    (unit,) = base.units
    assert (unit.date, unit.not_before, unit.not_after) == (D("2014-01"), date(2014, 1, 12), None)
    contradicting = [
        view("a", "2014-01", nb="2014-01-20"),
        view("b", "2014-01", na="2014-01-10", same_as="a"),
    ]
    (unit,) = counting_base(contradicting, load_codebook(), AS_OF, 90).units
    assert (unit.not_before, unit.not_after) == (None, None)  # the printed month stands


# --- the importer ---------------------------------------------------------------------------

GOOD = dict(mechanism="societal", status="held", source_url="https://example.org/a")


def _rows():
    return [
        registry_row(id="g1", date="2014-01", title="t1", not_before="2014-01-11", **GOOD),
        registry_row(
            id="g2",
            date="2022-09",
            title="t2",
            not_before="2022-09-18",
            not_after="2022-09-28",
            **GOOD,
        ),
        registry_row(id="g3", date="2019", title="t3", not_after="07.08.2019", **GOOD),
        registry_row(id="b1", date="2014-01", title="b1", not_before="2014-01", **GOOD),
        registry_row(id="b2", date="2014-01-12", title="b2", not_before="2014-01-11", **GOOD),
        registry_row(id="b3", date="2014-01", title="b3", not_after="2014-02-02", **GOOD),
        registry_row(
            id="b4",
            date="2014-01",
            title="b4",
            not_before="2014-01-20",
            not_after="2014-01-10",
            **GOOD,
        ),
        registry_row(id="b5", date="2014-01", title="b5", not_before="2014-01-32", **GOOD),
    ]


def test_the_importer_keeps_good_bounds_and_names_every_bad_one(tmp_path, codebook, gazetteer):
    path = write_registry(tmp_path / "r.csv", _rows())
    parsed = parse_registry(path, codebook, gazetteer)
    records = {r.key: r for r in parsed.records}
    assert set(records) == {"g1", "g2", "g3"}
    assert (records["g1"].not_before, records["g1"].not_after) == (date(2014, 1, 11), None)
    assert records["g2"].known_interval == (date(2022, 9, 18), date(2022, 9, 28))
    assert records["g3"].not_after == date(2019, 8, 7)  # a regional day, as the date column
    errors = {(e.line, e.column): (e.value, e.expected) for r in parsed.rejected for e in r.errors}
    assert {e.file for r in parsed.rejected for e in r.errors} == {"r.csv"}
    assert errors == {
        (5, "not_before"): ("2014-01", "a full day YYYY-MM-DD"),
        (6, "not_before"): (
            "2014-01-11",
            "empty: the row is dated to the day (2014-01-12); a bound only narrows a date "
            "given as a month or a year",
        ),
        (7, "not_after"): (
            "2014-02-02",
            "a day inside the row's date 2014-01 (2014-01-01 to 2014-01-31)",
        ),
        (8, "not_after"): ("2014-01-10", "a day on or after not_before (2014-01-20)"),
        (9, "not_before"): ("2014-01-32", "a real date as YYYY-MM-DD, YYYY-MM or YYYY"),
    }


def test_the_fast_and_full_checks_agree_on_bounded_rows(tmp_path, codebook, gazetteer):
    path = write_registry(tmp_path / "r.csv", _rows())
    vocabulary = Vocabulary(codebook)
    fast = FastRegistryCheck(path.name, vocabulary, gazetteer)
    for line, cells in stream_table(path).rows:
        answer = fast.record(line, cells, {})
        full = check_registry_row(RowChecker(path.name, line, cells), vocabulary, gazetteer, [])
        if cells["id"].startswith("g"):
            assert answer is not SLOW and answer == full, cells["id"]
        else:
            assert answer is SLOW and full is None, cells["id"]


def test_a_row_without_bounds_keeps_its_content_hash(tmp_path, codebook, gazetteer):
    """Files written before the columns existed re-import unchanged."""
    plain = registry_row(id="h", date="2014-01", title="t", **GOOD)
    older = {k: v for k, v in plain.items() if k not in ("not_before", "not_after")}
    path = tmp_path / "old.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(older))
        writer.writeheader()
        writer.writerow(older)
    before = parse_registry(path, codebook, gazetteer).records[0].content_hash
    now = parse_registry(write_registry(tmp_path / "new.csv", [plain]), codebook, gazetteer)
    assert now.records[0].content_hash == before
    bounded = write_registry(tmp_path / "b.csv", [{**plain, "not_before": "2014-01-11"}])
    assert parse_registry(bounded, codebook, gazetteer).records[0].content_hash != before


# --- the store, both backends -----------------------------------------------------------------


def test_bounds_are_stored_exported_and_read_by_the_analyses(engine, codebook, gazetteer, tmp_path):
    good = [r for r in _rows() if r["id"].startswith("g")]
    path = write_registry(tmp_path / "r.csv", good)
    import_file(engine, "registry", path, codebook, gazetteer)
    with session_scope(engine) as session:
        stored = {a.key: a for a in session.scalars(select(Activity))}
        assert (stored["g2"].not_before, stored["g2"].not_after) == (
            date(2022, 9, 18),
            date(2022, 9, 28),
        )
        rows = [activity_row(stored[k]) for k in ("g1", "g2", "g3")]
        views = {v.key: v for v in load_dataset(session).activities}
    assert [(r["not_before"], r["not_after"]) for r in rows] == [
        ("2014-01-11", ""),
        ("2022-09-18", "2022-09-28"),
        ("", "2019-08-07"),
    ]
    assert views["g1"].known_interval == (date(2014, 1, 11), date(2014, 1, 31))
    assert views["g3"].not_after == date(2019, 8, 7)
    # the export is a registry file again: re-imported, nothing changes
    again = write_registry(tmp_path / "again.csv", rows)
    outcome = import_file(engine, "registry", again, codebook, gazetteer)
    assert (outcome.result.added, outcome.result.updated, outcome.result.unchanged) == (0, 0, 3)
    assert set(REGISTRY_COLUMNS) == set(rows[0])


# --- the web app --------------------------------------------------------------------------------

NEW = {
    "id": "w-b",
    "date": "2014-01",
    "title": "Reporter's visit to Batken",
    "mechanism": "discursive",
    "status": "held",
    "not_before": "2014-01-13",
    "source_url": ["https://example.org/visit"],
}


def test_the_api_and_the_pages_carry_the_bounds(web):
    client = web.client()
    headers = web.bearer("editor")
    created = client.post("/api/v1/activities", json=NEW, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()["activity"]
    assert (body["not_before"], body["not_after"]) == ("2014-01-13", None)
    page = web.client("viewer").get("/activities/w-b")
    assert 'id="not-before"' in page.text and 'id="not-after"' not in page.text
    # an update that leaves the bounds out keeps them; one that breaks them is refused
    changed = {**NEW, "title": "Visit", "version": 1}
    changed.pop("not_before")
    kept = client.put("/api/v1/activities/w-b", json=changed, headers=headers)
    assert kept.status_code == 200 and kept.json()["activity"]["not_before"] == "2014-01-13"
    bad = client.put(
        "/api/v1/activities/w-b",
        json={**changed, "version": 2, "date": "2014-01-12"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["error"]["fields"]] == ["not_before"]


def test_the_form_says_what_a_bound_expects_in_the_readers_language(web):
    client = web.client("editor", lang="ru")
    form = {"csrf_token": client.csrf, "title": "Визит", "date": "2014-01"}
    form.update(mechanism="societal", status="held", not_after="2014-02-02")
    page = client.post("/activities/new", data=form)
    assert page.status_code == 422
    assert 'id="err-not_after"' in page.text
    assert "день внутри даты записи 2014-01" in page.text
