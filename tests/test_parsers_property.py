"""Property tests: parsers never crash on arbitrary cells; row order and the spelling of column
names change nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, GOOD_ROWS, write_registry
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.ingest.context import CONTEXT_COLUMNS, parse_context
from lowpolitics.ingest.feeds import parse_acled
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, parse_registry

cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    st.lists(st.fixed_dictionaries({c: cells for c in REGISTRY_COLUMNS}), min_size=1, max_size=4)
)
def test_registry_parser_reports_never_crashes(tmp_path_factory, codebook, gazetteer, rows):
    path = write_registry(tmp_path_factory.mktemp("p") / "r.csv", rows)
    parsed = parse_registry(path, codebook, gazetteer)
    # every row is accounted for: a record, a rejection, or a counted duplicate warning
    assert len(parsed.records) + len(parsed.rejected) <= len(rows)
    for rejected in parsed.rejected:
        assert rejected.errors and all(e.line == rejected.line for e in rejected.errors)


@SETTINGS
@given(st.lists(st.fixed_dictionaries({c: cells for c in CONTEXT_COLUMNS}), min_size=1, max_size=4))
def test_context_parser_never_crashes(tmp_path_factory, codebook, gazetteer, rows):
    path = write_registry(tmp_path_factory.mktemp("c") / "c.csv", rows, columns=CONTEXT_COLUMNS)
    parsed = parse_context(path, codebook, gazetteer)
    assert len(parsed.records) + len(parsed.rejected) <= len(rows)


@SETTINGS
@given(st.permutations(GOOD_ROWS))
def test_row_order_does_not_change_records(tmp_path_factory, codebook, gazetteer, order):
    folder = tmp_path_factory.mktemp("o")
    base = parse_registry(write_registry(folder / "a.csv", GOOD_ROWS), codebook, gazetteer)
    shuffled = parse_registry(write_registry(folder / "b.csv", list(order)), codebook, gazetteer)
    as_set = lambda parsed: {(r.key, r.content_hash) for r in parsed.records}  # noqa: E731
    assert as_set(base) == as_set(shuffled)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_count_range_parses_ordered_ranges(low, high):
    check = RowChecker("f.csv", 2, {"fatalities": f"{low}-{high}"})
    parsed = check.count_range("fatalities")
    if low <= high:
        assert parsed == (low, high) and not check.errors
    else:
        assert parsed == (None, None) and check.errors


@given(st.text(alphabet="0123456789²³¹٣৫१-– ", max_size=8))
def test_count_range_never_crashes_on_non_ascii_digits(value):
    # '²'.isdigit() is True but int('²') fails: such cells are errors, never a crash
    check = RowChecker("f.csv", 2, {"fatalities": value})
    low, high = check.count_range("fatalities")
    assert (low is None) == bool(check.errors) or not value.strip()


ACLED_CELLS = ("event_id_cnty", "event_date", "event_type", "country", "actor1", "assoc_actor_2")
acled_rows = st.lists(
    st.fixed_dictionaries(
        {
            **{c: cells for c in ACLED_CELLS},
            "country": st.sampled_from(["Kyrgyzstan", "Tajikistan", "Uzbekistan", ""]),
            "actor2": st.sampled_from(["Military Forces of Tajikistan", "Civilians (Kyrgyzstan)"]),
            "fatalities": st.one_of(cells, st.integers(0, 10**6).map(str)),
        }
    ),
    min_size=1,
    max_size=4,
)


@SETTINGS
@given(acled_rows)
def test_acled_parser_never_crashes(tmp_path_factory, codebook, gazetteer, rows):
    columns = [*ACLED_CELLS, "actor2", "fatalities"]
    path = write_registry(tmp_path_factory.mktemp("a") / "a.csv", rows, columns=columns)
    parsed = parse_acled(path, codebook, gazetteer)
    assert len(parsed.records) + len(parsed.rejected) + parsed.skipped <= len(rows)
    for rejected in parsed.rejected:
        assert all(e.line == rejected.line and e.expected for e in rejected.errors)


@SETTINGS
@given(st.lists(st.booleans(), min_size=31, max_size=31))
def test_acled_header_spelling_changes_nothing(tmp_path_factory, codebook, gazetteer, upper):
    """Any mix of upper- and lower-case column names reads to the same records."""
    source = DATA / "events" / "acled-2020-05-central-asia.csv"
    header, rest = source.read_text(encoding="utf-8").split("\n", 1)
    names = [n.upper() if up else n for n, up in zip(header.split(","), upper, strict=True)]
    path = tmp_path_factory.mktemp("h") / "acled.csv"
    path.write_text(",".join(names) + "\n" + rest, encoding="utf-8")
    as_set = lambda parsed: {(r.key, r.content_hash) for r in parsed.records}  # noqa: E731
    assert as_set(parse_acled(path, codebook, gazetteer)) == as_set(
        parse_acled(source, codebook, gazetteer)
    )
