"""The fast registry check agrees with the full one: every row it accepts gets the record the
full check builds (same key, values and content hash), and every other row — bad, warning,
repeated — is left to the full check, so files read the same either way."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOOD_ROWS, registry_row, write_registry
from lowpolitics.ingest.checks import RowChecker, Vocabulary
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, check_registry_row, parse_registry
from lowpolitics.ingest.registry_fast import SLOW, FastRegistryCheck
from lowpolitics.ingest.table_stream import stream_table

# per column: good values, bad values, values that warn, and values that need rules across cells
CHOICES = {
    "id": ["a-1", "a-2", "a-3", "", "bad id", "x" * 121, "=cmd", "kgtj-a-0042"],
    "date": ["2019-06", "2020-01-31", "2021", "05.06.2020", "2020-13-01", "", "2999-01-01"],
    "end_date": ["", "", "2019-07", "2018", "2020-02-30", "2030-01-01"],
    "title": ["Days of culture", "A" * 501, "", " spaced ", "'=SUM(A1)", "Титул"],
    "initiative": ["", "Days of Culture", "I" * 301],
    "mechanism": ["institutional", "Societal", "", "unknown", "education-youth"],
    "mechanisms_secondary": ["", "societal", "societal;institutional", "nope", "institutional"],
    "activity_type": ["", "days_of_culture", "days of culture", "nothing"],
    "status": ["held", "planned", "Held", "", "canceled", "signed"],
    "status_reason": ["", "postponed by the ministry", "R" * 2001],
    "host_country": ["KG", "tj", "", "XX", "KGZ"],
    "partner_country": ["TJ", "", "KG", "ZZ"],
    "region": ["", "KG-B", "TJ-SU", "Batken", "nowhere"],
    "place": ["", "Bishkek", "Isfara", "Batken", "Nowhereville", "Arka", "P" * 301],
    "actors": [
        "",
        "Ministry of Culture [KG]",
        "Ministry of Culture [KG] (organiser); Union [TJ]",
        "Union [TJ] (nobody)",
        "Union [TJ] (funder)",
        "Bad actor",
        "A [KG];A [KG]",
    ],
    "participants_total": ["", "100", "10", "-3", "many", "1 000", "99999999999"],
    "participants_women": ["", "5", "50", "x"],
    "participants_youth": ["", "7", "200"],
    "source_url": [
        "https://example.org/a",
        "",
        "http://x.kg/1; https://y.tj/2",
        "ftp://example.org",
        "HTTPS://Example.org/P?q=1#f",
        "https:///nohost",
        "https://[::1]/v6",
    ],
    "notes": ["", "a note", "N" * 5001],
    "record_kind": ["", "activity", "statement", "restriction", "nonsense"],
    "same_as": ["", "a-1", "a-2"],
    "frame": ["", "", "integrative", "nonsense"],
    "title_ru": ["", "Дни культуры", "T" * 501],
    "title_ky": ["", "Маданият күндөрү"],
    "title_tg": [""],
    "status_history": [
        "",
        "2018|planned",
        "2018|planned|https://example.org/p ; 2019-01|held",
        "2019|held ; 2018|planned",
        "2018|unknown",
        "garbage",
    ],
    "contact": ["", "bilateral", "co_presence", "Bilateral", "nonsense"],
    # bounds inside the first date (2019-06), outside it, coarse, on a day-dated row, reversed
    "not_before": ["", "2019-06-11", "2019-06", "2019-07-02", "11.06.2019", "2019-06-31"],
    "not_after": ["", "2019-06-20", "2019-06-05", "2020-01-31", "junk"],
}

rows = st.lists(
    # the first value of each column is good: drawn half the time, so that whole rows pass
    st.fixed_dictionaries(
        {c: st.one_of(st.just(v[0]), st.sampled_from(v)) for c, v in CHOICES.items()}
    ),
    min_size=1,
    max_size=12,
)


def _full(path, codebook, gazetteer):
    """The file read through the full check alone, as before the fast one existed."""
    table = stream_table(path)
    vocabulary = Vocabulary(codebook)
    records, rejected, warnings, seen = [], [], [], {}
    for line, cells in table.rows:
        check = RowChecker(path.name, line, cells)
        record = check_registry_row(check, vocabulary, gazetteer, warnings, "line", seen)
        if record is None:
            if check.errors:
                rejected.append((line, check.errors))
            continue
        seen[record.key] = line
        records.append(record)
    return records, rejected, warnings


def test_the_drawn_rows_cover_every_registry_column():
    """A column the draws leave out is one where the two checks are never compared."""
    assert set(CHOICES) == set(REGISTRY_COLUMNS)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows)
def test_fast_and_full_checks_read_a_file_alike(tmp_path_factory, codebook, gazetteer, drawn):
    path = write_registry(tmp_path_factory.mktemp("f") / "r.csv", drawn)
    parsed = parse_registry(path, codebook, gazetteer)
    records, rejected, warnings = _full(path, codebook, gazetteer)
    assert parsed.records == records
    assert [(r.line, r.errors) for r in parsed.rejected] == rejected
    assert parsed.warnings == warnings


def test_the_drawn_rows_take_both_paths(tmp_path, codebook, gazetteer):
    """The comparison above means something only if many drawn rows pass the fast check."""
    rng = random.Random(5)
    drawn = [
        {c: v[0] if rng.random() < 0.5 else rng.choice(v) for c, v in CHOICES.items()}
        for _ in range(200)
    ]
    path = write_registry(tmp_path / "r.csv", drawn)
    fast = FastRegistryCheck(path.name, Vocabulary(codebook), gazetteer)
    answers = [fast.record(line, cells, {}) for line, cells in stream_table(path).rows]
    taken = sum(a is not SLOW for a in answers)
    assert 0 < taken < len(answers)


def test_a_clean_row_takes_the_fast_path(tmp_path, codebook, gazetteer):
    path = write_registry(tmp_path / "r.csv", GOOD_ROWS)
    fast = FastRegistryCheck(path.name, Vocabulary(codebook), gazetteer)
    answers = [fast.record(line, cells, {}) for line, cells in stream_table(path).rows]
    assert any(a is not SLOW for a in answers)
    bad = registry_row(id="b", date="2019-13-01", title="t", mechanism="societal", status="held")
    assert fast.record(2, bad, {}) is SLOW
