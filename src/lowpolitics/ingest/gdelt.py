"""GDELT 2.0 events (tab-separated, no header, 61 fields; plain or as the ``.export.CSV.zip``
GDELT publishes) read into context events of the country pair.

GDELT codes every sentence of an article as an event, so one report of a border clash arrives as
a handful of rows — a meeting (CAMEO 04), a threat (13), the fighting (19) — with the same
SOURCEURL and day. Keeping the first of them, as this reader once did, kept whatever the article
said first: often the diplomatic framing, not the clash. Of the rows of one article and day the
**most severe** is kept — security before political (QuadClass 3–4 before 1–2), then the
severity the CAMEO root gives (18–20 → 2, other conflict codes → 1), then the lowest Goldstein
score, then the earliest row — and the others are counted as *merged*, not as outside the pair.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pycountry

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.archives import is_zip, single_member
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.ingest.context import ContextRecord, make_record
from lowpolitics.ingest.feed_common import (
    DEFAULT_PAIR,
    event_day,
    find_place,
    resolve_date_format,
)
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import require_file

_ACTOR_FIELDS = (
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
_GEO_FIELDS = (
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
    + [f"{actor}{field}" for actor in ("Actor1", "Actor2") for field in _ACTOR_FIELDS]
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
    + [f"{p}Geo_{f}" for p in ("Actor1", "Actor2", "Action") for f in _GEO_FIELDS]
    + ["DATEADDED", "SOURCEURL"]
)
# what a file with this many fields probably is, to say so when it is not the events export
_OTHER_LAYOUTS = {
    57: "a GDELT 1.0 events file",
    58: "a GDELT 1.0 events file",
    16: "a GDELT 2.0 mentions file",
    27: "a GDELT GKG file",
}
SEVERE_ROOTS = ("18", "19", "20")  # assault, fight, unconventional mass violence


def _read_rows(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]], list[str]]:
    """The file's name for messages, its rows by line, and notes (what a .zip also held)."""
    notes: list[str] = []
    name = path.name
    if is_zip(path):
        member = single_member(path, (".csv", ".tsv", ".txt"))
        name = f"{path.name}/{member.name}"
        raw = member.data
        if member.ignored:
            notes.append(f"{path.name}: read {member.name}; not read: {', '.join(member.ignored)}")
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError([CellError(name, None, None, None, "a readable file")]) from exc
    text = raw.decode("utf-8", errors="replace")
    rows = []
    for number, values in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        if not values or values[0] == "GlobalEventID":
            continue
        if len(values) != len(GDELT_COLUMNS):
            expected = (
                f"{len(GDELT_COLUMNS)} tab-separated fields (a GDELT 2.0 events export: "
                "*.export.CSV, or the .zip it comes in)"
            )
            if len(values) in _OTHER_LAYOUTS:
                expected += f"; {len(values)} fields looks like {_OTHER_LAYOUTS[len(values)]}"
            raise InputError([CellError(name, number, None, f"{len(values)} fields", expected)])
        rows.append((number, dict(zip(GDELT_COLUMNS, values, strict=True))))
    return name, rows, notes


@dataclass
class _Candidate:
    record: ContextRecord
    rank: tuple
    event_code: str


def _goldstein(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0  # only orders rows of one article; an unreadable score ranks as neutral


def parse_gdelt(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    pair: tuple[str, str] = DEFAULT_PAIR,
    date_format: str | None = None,
) -> Parsed[ContextRecord]:
    path = Path(path)
    require_file(path)
    date_format = resolve_date_format(date_format)
    name, rows, notes = _read_rows(path)
    parsed: Parsed[ContextRecord] = Parsed(path, list(GDELT_COLUMNS), name=name)
    parsed.warnings.extend(notes)
    alpha3 = {pycountry.countries.get(alpha_2=c).alpha_3 for c in pair}
    by_alpha3 = {pycountry.countries.get(alpha_2=c).alpha_3: c for c in pair}
    articles: dict[tuple[str, str], list[_Candidate]] = {}
    for line, cells in rows:
        if {cells["Actor1CountryCode"], cells["Actor2CountryCode"]} != alpha3:
            parsed.skipped += 1
            continue
        check = RowChecker(name, line, cells)
        candidate = _convert(check, line, cells, gazetteer, by_alpha3, date_format)
        if check.errors or candidate is None:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        articles.setdefault((cells["SOURCEURL"].strip(), cells["Day"].strip()), []).append(
            candidate
        )
    for group in articles.values():  # in the order each article first appears
        kept = max(group, key=lambda c: c.rank)
        others = [c for c in group if c is not kept]
        record = kept.record
        if others:
            codes = ", ".join(sorted({c.event_code for c in others}))
            record = _with_summary(
                record,
                f"{record.summary}; {len(others)} more event{'s' if len(others) > 1 else ''} "
                f"of this article that day merged (CAMEO {codes})",
            )
        parsed.merged += len(others)
        parsed.records.append(record)
    if parsed.merged:
        parsed.warnings.append(
            f"{name}: {parsed.merged} rows merged — GDELT codes one article as several events; "
            "of each article and day the most severe row is kept (QuadClass, CAMEO root, "
            "Goldstein)"
        )
    return parsed


def _with_summary(record: ContextRecord, summary: str) -> ContextRecord:
    return make_record(
        key=record.key,
        date=record.date,
        end_date=record.end_date,
        kind=record.kind,
        severity=record.severity,
        fatalities=(record.fatalities_low, record.fatalities_high),
        region_code=record.region_code,
        place_id=record.place_id,
        place_text=record.place_text,
        summary=summary,
        source_urls=record.source_urls,
        origin_format=record.origin_format,
        line=record.line,
    )


def _convert(
    check: RowChecker,
    line: int,
    cells: dict[str, str],
    gazetteer: Gazetteer,
    by_alpha3: dict[str, str],
    date_format: str | None,
) -> _Candidate | None:
    day = event_day(check, "Day", date_format)
    quad = check.integer("QuadClass", allowed=(1, 2, 3, 4))
    if day is None or check.errors:
        return None
    root = cells["EventRootCode"].strip()
    kind = "security" if quad in (3, 4) else "political"
    severity = None
    if kind == "security":
        severity = 2 if root in SEVERE_ROOTS else 1
    country = by_alpha3.get(cells["Actor1CountryCode"])
    place_id, place_text, region_code = find_place(
        gazetteer, cells["ActionGeo_Fullname"].split(",")[0].strip(), "", country
    )
    url = cells["SOURCEURL"].strip()
    record = make_record(
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
    rank = (kind == "security", severity or 0, -_goldstein(cells["GoldsteinScale"]), -line)
    return _Candidate(record, rank, cells["EventCode"].strip() or root)
