"""Context events from the big event datasets, each read in its own native layout.

ACLED (CSV export or API JSON), UCDP GED (CSV download or API JSON) and GDELT 2.0 events
(tab-separated, no header; :mod:`lowpolitics.ingest.gdelt`) are filtered to the country pair — a
row is kept when it happens in one of the two countries and names the other one among its actors
(or, for GDELT, when the two actors are the two countries) — and mapped to
:class:`ContextRecord`. Severity follows the codebook's scale from fatalities: none → 2 for
violent events (1 for protests and threats), 1–9 → 3, 10–99 → 4, 100 or more → 5.

Files are read as users have them: zipped as downloaded, with column names in any case and as
older releases spelt them (ACLED's ``EVENT_DATE``, ``ALLY_ACTOR_1``; UCDP's ``best_est``), and
with dates in every form the datasets and spreadsheets have written
(:mod:`lowpolitics.ingest.event_dates`; a date that could be read two ways is refused, and
``date_format`` says how to read it). Layouts and codings: ``docs/data-formats.md``.
"""

from __future__ import annotations

from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker, check_header
from lowpolitics.ingest.context import ContextRecord, make_record
from lowpolitics.ingest.feed_common import (
    DEFAULT_PAIR,
    CountryPair,
    canonical_columns,
    event_day,
    feed_rows,
    find_place,
    resolve_date_format,
    restore_names,
    severity_from_fatalities,
)
from lowpolitics.ingest.gdelt import GDELT_COLUMNS, parse_gdelt
from lowpolitics.ingest.results import Parsed
from lowpolitics.ingest.table_stream import stream_table

__all__ = [
    "ACLED_REQUIRED",
    "DEFAULT_PAIR",
    "FEEDS",
    "GDELT_COLUMNS",
    "UCDP_REQUIRED",
    "parse_acled",
    "parse_gdelt",
    "parse_ucdp",
    "severity_from_fatalities",
]

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "country", "fatalities")
# names of ACLED's exports before 2019 (upper case there; any case is read)
ACLED_ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
ACLED_ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "notes")
ACLED_VIOLENT = {"battles", "explosions/remote violence", "violence against civilians", "riots"}
# event types of ACLED's exports before 2019: "Battle-No change of territory" and the other
# battle types, "Remote violence", "Riots/Protests" (violent unless told apart, as riots were
# the border incidents of the pair), "Strategic development"
ACLED_VIOLENT_BEFORE_2019 = ("battle", "remote violence", "riots/protests")
ACLED_POLITICAL = ("strategic development",)

UCDP_REQUIRED = ("id", "date_start", "country", "side_a", "side_b", "best")
# names of GED releases before 5.0 (2016)
UCDP_ALIASES = {"best_est": "best", "low_est": "low", "high_est": "high"}
# what GED's location names add to a place name ("Kok-Tash village", "Isfara district")
_UCDP_PLACE_WORDS = ("village", "town", "city", "district", "area", "province", "region")


def _acled_kind(event_type: str) -> tuple[str, bool]:
    """(kind, violent) of an ACLED event type, current or pre-2019."""
    if event_type.startswith(ACLED_POLITICAL):
        return "political", False
    violent = event_type in ACLED_VIOLENT or event_type.startswith(ACLED_VIOLENT_BEFORE_2019)
    return "security", violent


def parse_acled(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
    date_format: str | None = None,
) -> Parsed[ContextRecord]:
    """ACLED's export (any release's column names; CSV, XLSX, API JSON with a ``data`` array,
    or a .zip of one of them). ``date_format`` reads dates a spreadsheet re-wrote."""
    date_format = resolve_date_format(date_format)
    table = stream_table(path, json_key="data")
    spelling = canonical_columns(table, ACLED_ALIASES)
    parsed: Parsed[ContextRecord] = Parsed(table.path, table.header, name=table.name)
    parsed.warnings.extend(table.notes)
    parsed.errors = check_header(table.name, table.header, table.header, ACLED_REQUIRED)
    if parsed.errors:
        restore_names(parsed, spelling)
        return parsed
    countries = CountryPair(pair, gazetteer)

    def convert(check: RowChecker, line: int, cells: dict[str, str]) -> ContextRecord | None:
        country = countries.country_of(cells.get("country", ""), cells.get("iso", ""))
        if country is None:
            return None
        actors = [cells.get(c, "") for c in ACLED_ACTOR_COLUMNS]
        if not countries.mentions(countries.other(country), actors):
            return None
        day = event_day(check, "event_date", date_format)
        fatalities = check.integer("fatalities")
        if day is None or check.errors:
            return None
        if cells.get("time_precision", "").strip() == "3":
            day = PartialDate(day.year, day.month)
        kind, violent = _acled_kind(cells.get("event_type", "").strip().lower())
        severity = severity_from_fatalities(fatalities, violent) if kind == "security" else None
        place_id, place_text, region_code = find_place(
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

    feed_rows(parsed, table.rows, convert)
    restore_names(parsed, spelling)
    return parsed


def parse_ucdp(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
    date_format: str | None = None,
) -> Parsed[ContextRecord]:
    """UCDP GED: the CSV download (or its .zip) or the API's JSON (``{"Result": [...]}``)."""
    date_format = resolve_date_format(date_format)
    table = stream_table(path, json_key="Result")
    spelling = canonical_columns(table, UCDP_ALIASES)
    parsed: Parsed[ContextRecord] = Parsed(table.path, table.header, name=table.name)
    parsed.warnings.extend(table.notes)
    parsed.errors = check_header(table.name, table.header, table.header, UCDP_REQUIRED)
    if parsed.errors:
        restore_names(parsed, spelling)
        return parsed
    countries = CountryPair(pair, gazetteer)

    def convert(check: RowChecker, line: int, cells: dict[str, str]) -> ContextRecord | None:
        country = countries.country_of(cells.get("country", ""))
        if country is None:
            return None
        sides = [cells.get(c, "") for c in ("side_a", "side_b", "dyad_name", "conflict_name")]
        if not countries.mentions(countries.other(country), sides):
            return None
        start = event_day(check, "date_start", date_format)
        end = event_day(check, "date_end", date_format) if cells.get("date_end") else None
        best = check.integer("best")
        low = check.integer("low") if cells.get("low") else best
        high = check.integer("high") if cells.get("high") else best
        if start is None or check.errors:
            return None
        place_id, place_text, region_code = _ged_place(gazetteer, cells, country)
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

    feed_rows(parsed, table.rows, convert)
    restore_names(parsed, spelling)
    return parsed


def _ged_place_name(text: str) -> str:
    """GED's location as a name to look up: "Kok-Tash village, Batken district" → "Kok-Tash"."""
    words = text.split("(")[0].split(",")[0].split()
    while len(words) > 1 and words[-1].lower() in _UCDP_PLACE_WORDS:
        words.pop()
    return " ".join(words)


def _ged_place(gazetteer: Gazetteer, cells: dict[str, str], country: str):
    """``where_coordinates`` names the place the event is geo-coded to; ``where_description``
    (older releases' only location) says more about it. The first one the gazetteer knows is
    the place; else the first one given is kept as text."""
    admin1 = cells.get("adm_1", "").replace(" province", "").replace(" region", "")
    names = [_ged_place_name(cells.get(c, "")) for c in ("where_coordinates", "where_description")]
    names = [n for n in names if n]
    for name in names:
        found = find_place(gazetteer, name, admin1, country)
        if found[0] is not None:
            return found
    return find_place(gazetteer, names[0] if names else "", admin1, country)


FEEDS = {"acled": parse_acled, "ucdp": parse_ucdp, "gdelt": parse_gdelt}
