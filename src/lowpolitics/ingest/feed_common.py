"""What the readers of ACLED, UCDP GED and GDELT share: the country pair, severity from
fatalities, places, dates, and column names as the datasets have spelt them over the years."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import pycountry

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.ingest.context import ContextRecord
from lowpolitics.ingest.event_dates import DateReadError, check_date_format, read_event_date
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import Table

DEFAULT_PAIR = ("KG", "TJ")


def severity_from_fatalities(fatalities: int | None, violent: bool) -> int:
    if fatalities is None or fatalities == 0:
        return 2 if violent else 1
    if fatalities < 10:
        return 3
    if fatalities < 100:
        return 4
    return 5


class CountryPair:
    """Names by which each country of the pair shows up in actor fields."""

    def __init__(self, pair: tuple[str, str], gazetteer: Gazetteer):
        self.pair = tuple(c.upper() for c in pair)
        self.names: dict[str, set[str]] = {}
        for code in self.pair:
            country = pycountry.countries.get(alpha_2=code)
            names = {country.name, getattr(country, "official_name", country.name)}
            for place in gazetteer.places:
                if place.kind == "country" and place.country == code:
                    names.update(place.all_names)
            stems = set()
            for name in names:
                if name.endswith("stan"):  # Kyrgyzstan → Kyrgyz, Tajikistan → Tajik
                    stems.add(name[:-4].rstrip("i"))
            self.names[code] = {fold(n) for n in names | stems if len(fold(n)) >= 4}

    def country_of(self, name: str, numeric: str = "") -> str | None:
        """The pair country a ``country`` cell names; ``numeric`` (ACLED's ``iso``, an ISO
        3166 number such as 417) decides when the name is not recognised."""
        try:
            code = pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            key = fold(name)
            code = next((c for c, names in self.names.items() if key in names), None)
        if code is None and numeric.strip().isdigit():
            found = pycountry.countries.get(numeric=f"{int(numeric):03d}")
            code = found.alpha_2 if found else None
        return code if code in self.pair else None

    def other(self, code: str) -> str:
        return self.pair[1] if code == self.pair[0] else self.pair[0]

    def mentions(self, code: str, texts: Iterable[str]) -> bool:
        joined = fold(" ".join(t for t in texts if t))
        return any(name in joined for name in self.names[code])


def find_place(gazetteer: Gazetteer, name: str, admin1: str, country: str | None):
    """(place id, place text, region code) of an event's location and first-level region."""
    place = gazetteer.resolve(name, country) if name else None
    region = gazetteer.region(admin1) if admin1 else None
    region_code = region.region if region and region.country == country else None
    if place is not None:
        return place.id, name, region_code or place.region
    return None, name or None, region_code


def header_key(column: str) -> str:
    """``EVENT_DATE``, ``Event Date`` and ``event_date`` are one column."""
    return re.sub(r"[\s-]+", "_", column.strip().lower())


def canonical_columns(table: Table, aliases: Mapping[str, str]) -> dict[str, str]:
    """Rename the table's columns, in place, to the current lower-case names: any case, and
    older names (``aliases``: old → current) when the current one is not there as well.
    Returns current → the file's own spelling, for :func:`restore_names`."""
    keys = [header_key(c) for c in table.header]
    renamed = [aliases.get(k, k) if aliases.get(k, k) not in keys else k for k in keys]
    mapping = dict(zip(table.header, renamed, strict=True))
    if renamed != table.header:  # a current export is left as it is (GED: 300,000 rows)
        table.header = renamed
        rows = table.rows  # renamed as they are read: the table may be streamed (ACLED: millions)
        table.rows = (
            (line, {mapping.get(k, k): v for k, v in cells.items()}) for line, cells in rows
        )
    return {new: old for old, new in mapping.items()}


def restore_names(parsed: Parsed[ContextRecord], spelling: Mapping[str, str]) -> None:
    """Errors, rejected rows and the header as the user's file spells its columns, so that a
    message says ``EVENT_DATE`` to whoever has ``EVENT_DATE`` in their spreadsheet."""
    if all(new == old for new, old in spelling.items()):
        return

    def name(column: str | None) -> str | None:
        return spelling.get(column, column) if column else column

    parsed.header = [name(c) or c for c in parsed.header]
    parsed.errors = [replace(e, column=name(e.column)) for e in parsed.errors]
    for row in parsed.rejected:
        row.errors = [replace(e, column=name(e.column)) for e in row.errors]
        row.cells = {name(k) or k: v for k, v in row.cells.items()}


def resolve_date_format(date_format: str | None) -> str | None:
    return check_date_format(date_format) if date_format else None


def event_day(check: RowChecker, column: str, date_format: str | None) -> PartialDate | None:
    """The cell read by :func:`read_event_date`; a bad or ambiguous one is a cell error."""
    try:
        return read_event_date(check.raw(column), date_format)
    except DateReadError as exc:
        check.fail(column, exc.expected)
        return None


def feed_rows(parsed: Parsed[ContextRecord], rows, convert: Callable) -> Parsed[ContextRecord]:
    """Each row converted once; ``None`` means outside the pair (counted as skipped)."""
    seen: set[str] = set()
    for line, cells in rows:
        check = RowChecker(parsed.name, line, cells)
        record = convert(check, line, cells)
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
        elif record is None or record.key in seen:
            parsed.skipped += 1
        else:
            seen.add(record.key)
            parsed.records.append(record)
    return parsed
