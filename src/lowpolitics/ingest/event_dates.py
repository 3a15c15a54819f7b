"""Dates as event datasets and the spreadsheets they pass through write them.

ACLED alone has written ``2020-05-08``, ``08 May 2020`` and ``8 May 2020`` over the years, and
Excel re-saves any of them as ``8-May-20`` or, in a US locale, ``5/8/2020``. Every form whose
reading is certain is accepted: ISO, a month written as a word, ``yyyymmdd`` (GDELT), the
region's day-first ``dd.mm.yyyy``, and a numeric ``a/b/yyyy`` when only one of "day first" and
"month first" gives a real date. A numeric date that reads as two different days (``5/8/2020``:
5 August or May 8) is **refused** and the user is asked for the pattern (``--date-format
%m/%d/%Y``): a clash dated three months off would silently move it in or out of a tension
period, which is worse than stopping.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import ConfigError

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

# a time after the date, as databases and Excel add it: "2022-09-14 00:00:00.000",
# "2021-04-29T00:00:00Z", "5/8/2020 0:00", "8/5/2020 12:00 AM"
_TIME = re.compile(
    r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{4}|\d{2})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_NUMERIC = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})")

EXAMPLE = date(2020, 5, 8)  # shown in messages in the user's own pattern
ACCEPTED = "a date such as 2020-05-08, 8 May 2020, 8-May-20 or 08.05.2020"
FORMAT_HINT = (
    "give the file's pattern with --date-format, such as %m/%d/%Y (month first) or "
    "%d/%m/%Y (day first)"
)


class DateReadError(ValueError):
    """A date that cannot be read, with what was expected in the words of a cell error."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def full_year(text: str) -> int:
    """A two-digit year is 20yy up to this year's last two digits and 19yy after (ACLED's
    ``8-May-97`` is 1997, its ``8-May-20`` 2020) — the rule of ``checks.regional_date``."""
    year = int(text)
    if len(text) > 2:
        return year
    return 2000 + year if year <= date.today().year % 100 else 1900 + year


def _day(year: int, month: int, day: int) -> PartialDate | None:
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


def _precision_of(pattern: str) -> str:
    if "%d" in pattern or "%j" in pattern:
        return "day"
    if any(d in pattern for d in ("%m", "%b", "%B")):
        return "month"
    return "year"


def check_date_format(pattern: str) -> str:
    """A user's ``--date-format``: a strftime pattern that names the year and reads back its
    own example. Refused with :class:`ConfigError` otherwise, before any row is read."""
    if "%Y" not in pattern and "%y" not in pattern:
        raise ConfigError(
            f"--date-format '{pattern}': expected a pattern with the year (%Y or %y), "
            "such as %m/%d/%Y or %d.%m.%Y"
        )
    try:
        written = EXAMPLE.strftime(pattern)
        back = datetime.strptime(written, pattern).date()
    except (ValueError, re.error) as exc:  # re.error: a code used twice, such as %d/%d/%Y
        raise ConfigError(
            f"--date-format '{pattern}': not a pattern Python can read dates with ({exc}); "
            "use strftime codes such as %d, %m, %b, %Y"
        ) from exc
    precision = _precision_of(pattern)
    wanted = {"day": EXAMPLE, "month": EXAMPLE.replace(day=1), "year": date(2020, 1, 1)}
    if back != wanted[precision]:
        raise ConfigError(
            f"--date-format '{pattern}': 8 May 2020 written with it ('{written}') reads back "
            f"as {back.isoformat()}; use each of %d, %m and %Y once"
        )
    return pattern


def read_with_format(text: str, pattern: str) -> PartialDate:
    """``text`` read with the user's strftime ``pattern``, to the precision the pattern has
    (no ``%d``: the month; no month either: the year). Raises ``ValueError``."""
    parsed = datetime.strptime(text, pattern)
    precision = _precision_of(pattern)
    if precision == "day":
        return PartialDate(parsed.year, parsed.month, parsed.day)
    if precision == "month":
        return PartialDate(parsed.year, parsed.month)
    return PartialDate(parsed.year)


def _unambiguous(text: str) -> PartialDate | None:
    """The forms with one reading; ``None`` when ``text`` has none of them."""
    if match := _ISO.fullmatch(text) or _YEAR_FIRST.fullmatch(text) or _COMPACT.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return _day(year, month, day) or _invalid(text)
    if match := _DOTTED.fullmatch(text):
        day, month, year = match.groups()
        return _day(full_year(year), int(month), int(day)) or _invalid(text)
    if match := _DAY_MONTH_NAME.fullmatch(text):
        day, name, year = match.groups()
        if name.lower() in MONTHS:
            return _day(full_year(year), MONTHS[name.lower()], int(day)) or _invalid(text)
    if match := _MONTH_NAME_DAY.fullmatch(text):
        name, day, year = match.groups()
        if name.lower() in MONTHS:
            return _day(int(year), MONTHS[name.lower()], int(day)) or _invalid(text)
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        try:
            return PartialDate.parse(text)
        except ValueError:
            return _invalid(text)
    return None


def _invalid(text: str) -> PartialDate:
    raise DateReadError(f"a real date ({text} has no such day)")


def read_event_date(text: str, date_format: str | None = None) -> PartialDate:
    """Read one date cell of an event dataset; raise :class:`DateReadError` saying what was
    expected. With ``date_format`` the user's pattern is tried first; the forms that cannot be
    misread are accepted either way, the guessable ``a/b/yyyy`` only through the pattern."""
    value = " ".join(text.split())
    if not value:
        raise DateReadError(ACCEPTED + " (the date is required)")
    if date_format:
        try:
            return read_with_format(value, date_format)
        except ValueError:
            pass
    bare = _TIME.sub("", value) if _TIME.search(value) else value
    if date_format and bare != value:
        try:
            return read_with_format(bare, date_format)
        except ValueError:
            pass
    found = _unambiguous(bare)
    if found is not None:
        return found
    if date_format:
        raise DateReadError(
            f"a date written as {date_format} (the --date-format given), such as "
            f"{EXAMPLE.strftime(date_format)}, or as 2020-05-08 or 8 May 2020"
        )
    if match := _NUMERIC.fullmatch(bare):
        first, second, year_text = match.groups()
        year = full_year(year_text)
        day_first = _day(year, int(second), int(first))
        month_first = _day(year, int(first), int(second))
        readings = {r for r in (day_first, month_first) if r is not None}
        if len(readings) == 1:
            return readings.pop()
        if not readings:
            raise DateReadError(f"a real date ({value} is no day read either way)")
        raise DateReadError(
            f"an unambiguous date: {value} could be {_words(day_first)} (day first) or "
            f"{_words(month_first)} (month first) — {FORMAT_HINT}"
        )
    raise DateReadError(f"{ACCEPTED}, or {FORMAT_HINT}")


def _words(day: PartialDate | None) -> str:
    assert day is not None and day.month is not None
    full = next(name for name, number in MONTHS.items() if number == day.month)
    return f"{day.day} {full.title()} {day.year}"
