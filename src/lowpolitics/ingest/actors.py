"""The actors file: who the named organisations are (type from the codebook), by name and
country exactly as they appear in the registry's ``actors`` column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker, check_header, is_country
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import read_table

ACTOR_COLUMNS = ("name", "country", "type", "notes")
ACTOR_REQUIRED = ("name", "country")


@dataclass(frozen=True)
class ActorRecord:
    name: str
    country: str
    type: str | None
    notes: str | None
    line: int


def parse_actors(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer | None = None,
    *,
    ignore_extra: bool = False,
) -> Parsed[ActorRecord]:
    table = read_table(path, json_key="actors")
    name = table.path.name
    parsed: Parsed[ActorRecord] = Parsed(table.path, table.header)
    parsed.warnings.extend(table.notes)  # how the file was read (encoding, merged cells)
    parsed.errors = check_header(
        name, table.header, ACTOR_COLUMNS, ACTOR_REQUIRED, ignore_extra=ignore_extra
    )
    if parsed.errors:
        return parsed
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.rows:
        check = RowChecker(name, line, cells)
        actor = check.text("name", required=True, max_len=300)
        country = check.raw("country").upper()
        if not country:
            check.fail("country", "an ISO alpha-2 country code or INT (required)")
        elif country != "INT" and not is_country(country):
            check.fail("country", "an ISO alpha-2 country code or INT")
        actor_type = check.code("type", codebook.actor_type_codes, what="actor type")
        if actor and (actor, country) in seen:
            check.fail(
                "name", f"each actor once (already on {table.unit} {seen[(actor, country)]})"
            )
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        seen[(actor, country)] = line
        parsed.records.append(
            ActorRecord(actor, country, actor_type, check.text("notes", max_len=2000), line)
        )
    return parsed
