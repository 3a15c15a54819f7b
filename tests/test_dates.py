"""Partial dates: parse, keep precision, cover the right interval."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.framework.dates import PartialDate


@pytest.mark.parametrize(
    "text, precision, start, end",
    [
        ("2022-09-14", "day", date(2022, 9, 14), date(2022, 9, 14)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
        ("2014", "year", date(2014, 1, 1), date(2014, 12, 31)),
    ],
)
def test_interval_by_precision(text, precision, start, end):
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert (parsed.start, parsed.end) == (start, end)
    assert parsed.isoformat() == text


@pytest.mark.parametrize(
    "text", ["2021-13", "2021-02-30", "21-05-01", "2021/05/01", "", "May 2021", "2021-5", "0000"]
)
def test_rejects_non_dates(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
)
def test_round_trip_through_store_columns(day, precision):
    partial = PartialDate.from_parts(day, precision)
    assert PartialDate.parse(partial.isoformat()) == partial
    assert PartialDate.from_parts(partial.start, partial.precision) == partial
    assert partial.start <= day <= partial.end
