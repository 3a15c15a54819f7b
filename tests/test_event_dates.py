"""Dates of event datasets: every certain form read, a date that reads two ways refused."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.framework.errors import ConfigError
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.ingest.event_dates import (
    DateReadError,
    check_date_format,
    read_event_date,
)

MAY_8 = "2020-05-08"


@pytest.mark.parametrize(
    "text",
    [
        "8-May-20",  # ACLED re-saved by Excel
        "08-May-2020",
        "08 May 2020",  # ACLED's export tool before 2020
        "8 May 2020",
        "8 may 2020",
        "2020-05-08",  # ACLED's API, ISO
        "08.05.2020",  # the region's spreadsheets
        "8.5.20",
        "20200508",  # GDELT's Day
        "2020-05-08 00:00:00.000",  # UCDP GED's CSV
        "2020-05-08T00:00:00",  # UCDP's API
        "May 8, 2020",
        "2020/05/08",
        " 8  May 2020 ",
    ],
)
def test_every_certain_form_is_read(text):
    assert str(read_event_date(text)) == MAY_8


@pytest.mark.parametrize(
    "text, iso",
    [
        ("25/8/2020", "2020-08-25"),  # no 25th month: only day first is a date
        ("8/25/2020", "2020-08-25"),
        ("5/5/2020", "2020-05-05"),  # both readings are the same day
        ("8-May-97", "1997-05-08"),  # ACLED's earliest years
        ("16 September 2022", "2022-09-16"),
        ("16 Sept 2022", "2022-09-16"),
    ],
)
def test_known_answers(text, iso):
    assert str(read_event_date(text)) == iso


def test_ambiguous_numeric_date_is_refused_not_guessed():
    with pytest.raises(DateReadError) as info:
        read_event_date("5/8/2020")
    expected = info.value.expected
    assert "5 August 2020" in expected and "8 May 2020" in expected
    assert "--date-format" in expected and "%m/%d/%Y" in expected


@pytest.mark.parametrize("text", ["31-Feb-20", "30.02.2020", "13/13/2020", "2020-13-01"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(DateReadError) as info:
        read_event_date(text)
    assert "real date" in info.value.expected


def test_unknown_text_asks_for_a_pattern():
    with pytest.raises(DateReadError) as info:
        read_event_date("last Friday")
    assert "8-May-20" in info.value.expected and "--date-format" in info.value.expected


def test_date_format_reads_what_was_ambiguous():
    assert str(read_event_date("5/8/2020", "%m/%d/%Y")) == MAY_8
    assert str(read_event_date("8/5/2020", "%d/%m/%Y")) == MAY_8
    assert str(read_event_date("5/8/2020 0:00", "%m/%d/%Y")) == MAY_8  # Excel adds a time
    assert str(read_event_date("2020-05-08", "%m/%d/%Y")) == MAY_8  # certain forms still read
    assert str(read_event_date("05/2020", "%m/%Y")) == "2020-05"  # the pattern's precision


def test_date_format_mismatch_names_the_pattern():
    with pytest.raises(DateReadError) as info:
        read_event_date("25/8/2020", "%m/%d/%Y")  # a row that contradicts the pattern
    assert "%m/%d/%Y" in info.value.expected and "08/25/2020" not in info.value.expected
    assert "05/08/2020" in info.value.expected  # the example, written in the user's pattern


@pytest.mark.parametrize("pattern", ["abc", "%d/%m", "%d/%d/%Y", "%m/%m/%Y"])
def test_bad_patterns_are_refused_before_reading(pattern):
    with pytest.raises(ConfigError) as info:
        check_date_format(pattern)
    assert "--date-format" in str(info.value)


def test_own_layout_checker_uses_the_pattern():
    check = RowChecker("c.csv", 2, {"date": "5/8/2020"}, date_format="%m/%d/%Y")
    assert str(check.date("date")) == MAY_8 and not check.errors
    plain = RowChecker("c.csv", 2, {"date": "5/8/2020"})
    assert plain.date("date") is None and "YYYY-MM-DD" in plain.errors[0].expected


# --- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))
CERTAIN = [
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S",
]


@given(days, st.sampled_from(CERTAIN))
def test_certain_forms_round_trip(day, pattern):
    assert read_event_date(day.strftime(pattern)).start == day


@given(days.filter(lambda d: d.year % 100 <= date.today().year % 100))
def test_acled_two_digit_years_round_trip(day):
    text = f"{day.day}-{day.strftime('%b')}-{day.strftime('%y')}"
    assert read_event_date(text).start == day


@given(days)
def test_numeric_slash_dates_are_read_only_when_certain(day):
    text = f"{day.day}/{day.month}/{day.year}"
    if day.day <= 12 and day.day != day.month:
        with pytest.raises(DateReadError):
            read_event_date(text)  # two different days: refused
    else:
        assert read_event_date(text).start == day
    assert read_event_date(text, "%d/%m/%Y").start == day
    assert read_event_date(f"{day.month}/{day.day}/{day.year}", "%m/%d/%Y").start == day


@given(st.text(max_size=30))
def test_reader_never_crashes(text):
    try:
        read_event_date(text)
    except DateReadError as exc:
        assert exc.expected
