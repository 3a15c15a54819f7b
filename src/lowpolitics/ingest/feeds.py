"""Context events from the big event datasets, each read in its own native layout.

ACLED (CSV export), UCDP GED (CSV download or API JSON) and GDELT 2.0 events (tab-separated,
no header) are filtered to the country pair — a row is kept when it happens in one of the two
countries and names the other one among its actors (or, for GDELT, when the two actors are
the two countries) — and mapped to :class:`ContextRecord`. Severity follows the codebook's
scale from fatalities: none → 2 for violent events (1 for protests and threats), 1–9 → 3,
10–99 → 4, 100 or more → 5. Layouts and codings: ``docs/data-formats.md``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import pycountry

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker, check_header
from lowpolitics.ingest.context import ContextRecord, make_record
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import read_table

DEFAULT_PAIR = ("KG", "TJ")

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "country", "fatalities")
ACLED_VIOLENT = {"battles", "explosions/remote violence", "violence against civilians", "riots"}
ACLED_POLITICAL = {"strategic developments"}

UCDP_REQUIRED = ("id", "date_start", "country", "side_a", "side_b", "best")

_GDELT_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GDELT_GEO_FIELDS = (
    "Type",
    "Fullname",
    "CountryCode",
    "ADM1Code",
    "ADM2Code",
    "Lat",
    "Long",
    "FeatureID",
)
GDELT_COLUMNS = (
    ["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate"]
    + [f"{actor}{field}" for actor in ("Actor1", "Actor2") for field in _GDELT_ACTOR_FIELDS]
    + [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ]
    + [f"{p}Geo_{f}" for p in ("Actor1", "Actor2", "Action") for f in _GDELT_GEO_FIELDS]
    + ["DATEADDED", "SOURCEURL"]
)


def severity_from_fatalities(fatalities: int | None, violent: bool) -> int:
    if fatalities is None or fatalities == 0:
        return 2 if violent else 1
    if fatalities < 10:
        return 3
    if fatalities < 100:
        return 4
    return 5


class _Pair:
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

    def country_of(self, name: str) -> str | None:
        try:
            code = pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            key = fold(name)
            code = next((c for c, names in self.names.items() if key in names), None)
        return code if code in self.pair else None

    def other(self, code: str) -> str:
        return self.pair[1] if code == self.pair[0] else self.pair[0]

    def mentions(self, code: str, texts: Iterable[str]) -> bool:
        joined = fold(" ".join(t for t in texts if t))
        return any(name in joined for name in self.names[code])


def _place(gazetteer: Gazetteer, name: str, admin1: str, country: str | None):
    place = gazetteer.resolve(name, country) if name else None
    region = gazetteer.region(admin1) if admin1 else None
    region_code = region.region if region and region.country == country else None
    if place is not None:
        return place.id, name, region_code or place.region
    return None, name or None, region_code


def _parse_day(text: str) -> PartialDate:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%Y%m%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt)
            return PartialDate(parsed.year, parsed.month, parsed.day)
        except ValueError:
            continue
    raise ValueError(text)


def _feed_rows(parsed: Parsed[ContextRecord], rows, convert: Callable) -> Parsed[ContextRecord]:
    seen: set[str] = set()
    for line, cells in rows:
        check = RowChecker(parsed.file.name, line, cells)
        record = convert(check, line, cells)
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
        elif record is None or record.key in seen:
            parsed.skipped += 1
        else:
            seen.add(record.key)
            parsed.records.append(record)
    return parsed


def _day(check: RowChecker, column: str) -> PartialDate | None:
    try:
        return _parse_day(check.raw(column))
    except ValueError:
        check.fail(column, "a date such as 2021-04-29 or 29 April 2021")
        return None


def parse_acled(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
) -> Parsed[ContextRecord]:
    table = read_table(path)
    parsed: Parsed[ContextRecord] = Parsed(table.path, table.header)
    parsed.errors = check_header(table.path.name, table.header, table.header, ACLED_REQUIRED)
    if parsed.errors:
        return parsed
    countries = _Pair(pair, gazetteer)

    def convert(check: RowChecker, line: int, cells: dict[str, str]) -> ContextRecord | None:
        country = countries.country_of(cells.get("country", ""))
        if country is None:
            return None
        actors = [
            cells.get(c, "")
            for c in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "notes")
        ]
        if not countries.mentions(countries.other(country), actors):
            return None
        day = _day(check, "event_date")
        fatalities = check.integer("fatalities")
        if day is None or check.errors:
            return None
        if cells.get("time_precision", "").strip() == "3":
            day = PartialDate(day.year, day.month)
        event_type = cells.get("event_type", "").strip().lower()
        violent = event_type in ACLED_VIOLENT
        kind = "political" if event_type in ACLED_POLITICAL else "security"
        severity = severity_from_fatalities(fatalities, violent) if kind == "security" else None
        place_id, place_text, region_code = _place(
            gazetteer, cells.get("location", ""), cells.get("admin1", ""), country
        )
        summary = " — ".join(
            p for p in (cells.get("sub_event_type", ""), cells.get("notes", "")) if p
        )
        return make_record(
            key=f"acled-{cells['event_id_cnty'].strip()}",
            date=day,
            end_date=None,
            kind=kind,
            severity=severity,
            fatalities=(fatalities, fatalities),
            region_code=region_code,
            place_id=place_id,
            place_text=place_text,
            summary=summary or None,
            source_urls=(),
            origin_format="acled",
            line=line,
        )

    return _feed_rows(parsed, table.rows, convert)


def parse_ucdp(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
) -> Parsed[ContextRecord]:
    table = read_table(path, json_key="Result")
    parsed: Parsed[ContextRecord] = Parsed(table.path, table.header)
    parsed.errors = check_header(table.path.name, table.header, table.header, UCDP_REQUIRED)
    if parsed.errors:
        return parsed
    countries = _Pair(pair, gazetteer)

    def convert(check: RowChecker, line: int, cells: dict[str, str]) -> ContextRecord | None:
        country = countries.country_of(cells.get("country", ""))
        if country is None:
            return None
        sides = [cells.get(c, "") for c in ("side_a", "side_b", "dyad_name", "conflict_name")]
        if not countries.mentions(countries.other(country), sides):
            return None
        start = _day(check, "date_start")
        end = _day(check, "date_end") if cells.get("date_end") else None
        best = check.integer("best")
        low = check.integer("low") if cells.get("low") else best
        high = check.integer("high") if cells.get("high") else best
        if start is None or check.errors:
            return None
        place_id, place_text, region_code = _place(
            gazetteer,
            cells.get("where_description", "").split("(")[0].strip(),
            cells.get("adm_1", "").replace(" province", "").replace(" region", ""),
            country,
        )
        headline = cells.get("source_headline", "") or cells.get("where_description", "")
        return make_record(
            key=f"ucdp-{cells['id'].strip()}",
            date=start,
            end_date=end if end and end != start else None,
            kind="security",
            severity=severity_from_fatalities(best, True),
            fatalities=(low, high),
            region_code=region_code,
            place_id=place_id,
            place_text=place_text,
            summary=f"UCDP GED: {cells.get('side_a', '')} – {cells.get('side_b', '')}; "
            f"best estimate {best} deaths. {headline}".strip(),
            source_urls=(),
            origin_format="ucdp",
            line=line,
        )

    return _feed_rows(parsed, table.rows, convert)


def _read_gdelt(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError([CellError(path.name, None, None, None, "a readable file")]) from exc
    rows = []
    for number, values in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        if not values or values[0] == "GlobalEventID":
            continue
        if len(values) != len(GDELT_COLUMNS):
            raise InputError(
                [
                    CellError(
                        path.name,
                        number,
                        None,
                        f"{len(values)} fields",
                        f"{len(GDELT_COLUMNS)} tab-separated fields (GDELT 2.0 events export)",
                    )
                ]
            )
        rows.append((number, dict(zip(GDELT_COLUMNS, values, strict=True))))
    return rows


def parse_gdelt(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
) -> Parsed[ContextRecord]:
    path = Path(path)
    if not path.exists():
        raise InputError(
            [CellError(str(path), None, None, None, "an existing file")],
            message=f"{path}: no such file",
        )
    rows = _read_gdelt(path)
    parsed: Parsed[ContextRecord] = Parsed(path, list(GDELT_COLUMNS))
    alpha3 = {pycountry.countries.get(alpha_2=c).alpha_3 for c in pair}
    by_alpha3 = {pycountry.countries.get(alpha_2=c).alpha_3: c for c in pair}
    urls_seen: set[tuple[str, str]] = set()

    def convert(check: RowChecker, line: int, cells: dict[str, str]) -> ContextRecord | None:
        if {cells["Actor1CountryCode"], cells["Actor2CountryCode"]} != alpha3:
            return None
        dedupe = (cells["SOURCEURL"], cells["Day"])
        if dedupe in urls_seen:  # GDELT repeats one article's event many times
            return None
        urls_seen.add(dedupe)
        day = _day(check, "Day")
        quad = check.integer("QuadClass", allowed=(1, 2, 3, 4))
        if day is None or check.errors:
            return None
        root = cells["EventRootCode"].strip()
        kind = "security" if quad in (3, 4) else "political"
        severity = None
        if kind == "security":
            severity = 2 if root in ("18", "19", "20") else 1
        country = by_alpha3.get(cells["Actor1CountryCode"])
        place_id, place_text, region_code = _place(
            gazetteer, cells["ActionGeo_Fullname"].split(",")[0].strip(), "", country
        )
        url = cells["SOURCEURL"].strip()
        return make_record(
            key=f"gdelt-{cells['GlobalEventID'].strip()}",
            date=day,
            end_date=None,
            kind=kind,
            severity=severity,
            fatalities=(None, None),
            region_code=region_code,
            place_id=place_id,
            place_text=place_text,
            summary=f"GDELT CAMEO {cells['EventCode']} ({cells['Actor1Name']} → "
            f"{cells['Actor2Name']}), Goldstein {cells['GoldsteinScale']}",
            source_urls=(url,) if url.startswith("http") else (),
            origin_format="gdelt",
            line=line,
        )

    return _feed_rows(parsed, rows, convert)


FEEDS = {"acled": parse_acled, "ucdp": parse_ucdp, "gdelt": parse_gdelt}
