"""The discourse files: the outlets table and the coded index of real texts.

An outlet row says who speaks (country, ownership). A coded-text row is one real article or
statement as a named coder read it (see the coding protocol shipped with the bundled index):
address, outlet, side, genre, date, language, frame, the words that decided the frame, and
every mention of the other side with the frame of its sentence. Stem counts, for keyness, come
in a JSON-lines file beside it (``{"id": …, "lang": …, "stems": {stem: count}}``) because a
text's sentences are never part of the index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import CellError
from lowpolitics.ingest.checks import RowChecker, check_header, content_hash
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import read_table
from lowpolitics.text.other_side import other_of, the_pair

OUTLET_COLUMNS = ("id", "name", "country", "ownership", "languages", "domain", "source_url", "note")
OUTLET_REQUIRED = ("id", "name", "country")
CODED_COLUMNS = (
    "id",
    "url",
    "outlet",
    "outlet_country",
    "genre",
    "date",
    "lang",
    "frame",
    "frame_evidence",
    "mentions",
    "topic",
    "coder",
    "read_chars",
    "note",
)
CODED_REQUIRED = ("id", "url", "outlet_country", "genre", "date", "lang", "frame", "coder")
THIRD = "third"
LANGUAGES = ("ru", "ky", "tg", "en", "uz")


def sides() -> tuple[str, ...]:
    """What an outlet's country can be: either country of the pair, or a third country."""
    return (*the_pair(), THIRD)


@dataclass(frozen=True)
class OutletRecord:
    key: str
    name: str
    country: str
    ownership: str | None
    languages: str | None
    domain: str | None
    source_url: str | None
    note: str | None
    line: int


@dataclass(frozen=True)
class CodedTextRecord:
    key: str
    url: str
    outlet: str | None
    side: str
    genre: str
    published_on: date
    language: str
    frame: str
    frame_evidence: str | None
    mentions: tuple[tuple[str, str, str, str], ...]  # (side, kind, name, frame)
    topic: str | None
    coder: str
    read_chars: int | None
    note: str | None
    line: int
    content_hash: str
    stems: dict[str, int] = field(default_factory=dict)


def _side(check: RowChecker, column: str) -> str | None:
    value = check.raw(column)
    allowed = sides()
    normal = value.lower() if value.lower() == THIRD else value.upper()
    if normal not in allowed:
        check.fail(column, f"one of {', '.join(allowed)}")
        return None
    return normal


def parse_outlets(path: Path | str, codebook: Codebook) -> Parsed[OutletRecord]:
    table = read_table(path, json_key="outlets")
    name = table.path.name
    parsed: Parsed[OutletRecord] = Parsed(table.path, table.header)
    parsed.warnings.extend(table.notes)  # how the file was read (encoding, merged cells)
    parsed.errors = check_header(name, table.header, OUTLET_COLUMNS, OUTLET_REQUIRED)
    if parsed.errors:
        return parsed
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        check = RowChecker(name, line, cells)
        key = check.identifier("id")
        if key is None and not check.errors:
            check.fail("id", "an outlet id (required)")
        title = check.text("name", required=True, max_len=300)
        country = _side(check, "country")
        ownership = check.code("ownership", codebook.ownership_codes, what="ownership")
        urls = check.urls("source_url")
        if key and key in seen:
            check.fail("id", f"each outlet once (already on {table.unit} {seen[key]})")
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        seen[key] = line
        parsed.records.append(
            OutletRecord(
                key,
                title,
                country,
                ownership,
                check.text("languages", max_len=100),
                check.text("domain", max_len=300),
                urls[0] if urls else None,
                check.text("note", max_len=2000),
                line,
            )
        )
    return parsed


def _mentions(
    check: RowChecker, side: str | None, codebook: Codebook
) -> tuple[tuple[str, str, str, str], ...]:
    """``kind:name:frame ; …``; a third-country outlet names the country first (``TJ@people:…``)."""
    found = []
    if side is None:
        return ()  # the side is already refused; its mentions cannot be read without it
    for part in (p.strip() for p in check.raw("mentions").split(";")):
        if not part:
            continue
        named, _, rest = part.rpartition("@") if "@" in part else ("", "", part)
        pieces = [p.strip() for p in rest.split(":")]
        country = named.strip().upper() or other_of(side)
        if (
            len(pieces) != 3
            or pieces[0] not in codebook.mention_kind_codes
            or not pieces[1]
            or pieces[2] not in codebook.frame_codes
            or country not in the_pair()
        ):
            check.fail(
                "mentions",
                "mentions as kind:name:frame separated by ';' (kind one of "
                f"{', '.join(codebook.mention_kind_codes)}; frame one of "
                f"{', '.join(codebook.frame_codes)}; a third-country outlet writes the country "
                "first, as TJ@people:Tajiks:neutral)",
                part,
            )
            continue
        found.append((country, pieces[0], pieces[1], pieces[2]))
    return tuple(found)


def parse_coded_texts(
    path: Path | str, codebook: Codebook, outlets: dict[str, str] | None = None
) -> Parsed[CodedTextRecord]:
    """Parse a coded index. ``outlets`` maps known outlet ids to their country: a row whose
    outlet is known must state that country (a text speaks for its outlet's country)."""
    table = read_table(path, json_key="coded_texts")
    name = table.path.name
    parsed: Parsed[CodedTextRecord] = Parsed(table.path, table.header)
    parsed.warnings.extend(table.notes)  # how the file was read (encoding, merged cells)
    parsed.errors = check_header(name, table.header, CODED_COLUMNS, CODED_REQUIRED)
    if parsed.errors:
        return parsed
    seen: dict[str, int] = {}
    known = outlets or {}
    for line, cells in table.rows:
        check = RowChecker(name, line, cells)
        key = check.identifier("id")
        if key is None and not check.errors:
            check.fail("id", "a text id (required)")
        urls = check.urls("url")
        if not urls and not any(e.column == "url" for e in check.errors):
            check.fail("url", "the address of the text read (required)")
        outlet = check.text("outlet", max_len=100)
        side = _side(check, "outlet_country")
        if outlet and side and outlet in known and known[outlet] != side:
            check.fail("outlet_country", f"{known[outlet]}, the country of outlet {outlet}")
        genre = check.code("genre", codebook.genre_codes, what="genre", required=True)
        when = check.date("date", required=True)
        if when is not None and when.day is None:
            check.fail("date", "the publication day as YYYY-MM-DD")
            when = None
        lang = check.code("lang", LANGUAGES, what="language", required=True)
        frame = check.code("frame", codebook.frame_codes, what="frame", required=True)
        mentions = _mentions(check, side, codebook)
        coder = check.text("coder", required=True, max_len=200)
        read_chars = check.integer("read_chars", minimum=0)
        if key and key in seen:
            check.fail("id", f"each text once (already on {table.unit} {seen[key]})")
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        seen[key] = line
        values = {c: (cells.get(c) or "").strip() for c in CODED_COLUMNS}
        parsed.records.append(
            CodedTextRecord(
                key=key,
                url=urls[0],
                outlet=outlet,
                side=side,
                genre=genre,
                published_on=date(when.year, when.month, when.day),
                language=lang,
                frame=frame,
                frame_evidence=check.text("frame_evidence", max_len=1000),
                mentions=mentions,
                topic=check.text("topic", max_len=500),
                coder=coder,
                read_chars=read_chars,
                note=check.text("note", max_len=4000),
                line=line,
                content_hash=content_hash(values),
            )
        )
    return parsed


def read_stems(path: Path | str) -> tuple[dict[str, dict[str, int]], list[CellError]]:
    """Stem counts by text id from a JSON-lines file; errors name the line and what was wrong."""
    source = Path(path)
    found: dict[str, dict[str, int]] = {}
    errors: list[CellError] = []
    with source.open(encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                key, stems = row["id"], row["stems"]
                if not isinstance(key, str) or not isinstance(stems, dict):
                    raise TypeError
                counts = {str(s): int(c) for s, c in stems.items() if int(c) > 0}
            except (ValueError, KeyError, TypeError):
                errors.append(
                    CellError(
                        source.name,
                        number,
                        "stems",
                        raw.strip()[:80],
                        'a JSON object {"id": TEXT_ID, "stems": {STEM: COUNT}}',
                    )
                )
                continue
            found[key] = counts
    return found, errors
