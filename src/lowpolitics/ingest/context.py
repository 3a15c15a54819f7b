"""The context importer in lowpolitics' own CSV layout (security, political, economic events
and declared tension periods). The native layouts of ACLED, UCDP GED and GDELT are read by
:mod:`lowpolitics.ingest.feeds` into the same :class:`ContextRecord`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import RowChecker, Vocabulary, check_header, content_hash
from lowpolitics.ingest.event_dates import check_date_format
from lowpolitics.ingest.registry import resolve_place, resolve_region
from lowpolitics.ingest.results import Parsed, Rejected, Streamed
from lowpolitics.ingest.table_stream import row_count, stream_table
from lowpolitics.ingest.tables import Table, read_table

CONTEXT_COLUMNS = (
    "id",
    "date",
    "end_date",
    "kind",
    "severity",
    "fatalities",
    "place",
    "region",
    "summary",
    "source_url",
    "event_type",
    "period_set",
)
CONTEXT_REQUIRED = ("date", "kind")
TENSION_PERIOD = "tension_period"


@dataclass(frozen=True)
class ContextRecord:
    """A validated context event, whatever file layout it came from."""

    key: str
    date: PartialDate
    end_date: PartialDate | None
    kind: str
    severity: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    region_code: str | None
    place_id: str | None
    place_text: str | None
    summary: str | None
    source_urls: tuple[str, ...]
    origin_format: str
    line: int
    content_hash: str
    event_type: str | None = None
    period_set: str | None = None


def context_kinds(codebook: Codebook) -> list[str]:
    return [*codebook.context_kind_codes, TENSION_PERIOD]


def make_record(
    *,
    key: str | None,
    date: PartialDate,
    end_date: PartialDate | None,
    kind: str,
    severity: int | None,
    fatalities: tuple[int | None, int | None],
    region_code: str | None,
    place_id: str | None,
    place_text: str | None,
    summary: str | None,
    source_urls: tuple[str, ...],
    origin_format: str,
    line: int,
    event_type: str | None = None,
    period_set: str | None = None,
) -> ContextRecord:
    content = {
        "date": str(date),
        "end_date": str(end_date) if end_date else None,
        "kind": kind,
        "severity": severity,
        "fatalities": list(fatalities),
        "region_code": region_code,
        "place_id": place_id,
        "place_text": place_text,
        "summary": summary,
        "source_urls": list(source_urls),
        "origin_format": origin_format,
    }
    # set only when given, so that files written before these columns keep their hashes
    content.update({k: v for k, v in (("event_type", event_type), ("period_set", period_set)) if v})
    digest = content_hash(content)
    return ContextRecord(
        key=key or f"{origin_format}-{digest[:16]}",
        date=date,
        end_date=end_date,
        kind=kind,
        severity=severity,
        fatalities_low=fatalities[0],
        fatalities_high=fatalities[1],
        region_code=region_code,
        place_id=place_id,
        place_text=place_text,
        summary=summary,
        source_urls=source_urls,
        origin_format=origin_format,
        line=line,
        content_hash=digest,
        event_type=event_type,
        period_set=period_set,
    )


def parse_context(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    ignore_extra: bool = False,
    date_format: str | None = None,
) -> Parsed[ContextRecord]:
    """Validate a context file in the project's own layout. ``date_format`` (a strftime
    pattern) reads dates a spreadsheet re-wrote, such as ``%m/%d/%Y``."""
    date_format = check_date_format(date_format) if date_format else None
    table = read_table(path, json_key="events")
    name = table.name
    parsed: Parsed[ContextRecord] = Parsed(table.path, table.header, name=name)
    parsed.warnings.extend(table.notes)
    parsed.errors = check_header(
        name, table.header, CONTEXT_COLUMNS, CONTEXT_REQUIRED, ignore_extra=ignore_extra
    )
    if parsed.errors:
        return parsed
    parsed.records = list(
        context_records(table, codebook, gazetteer, parsed, parsed.rejected.append, date_format)
    )
    return parsed


def stream_context(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    cap: int,
    rejects: Path | None = None,
    ignore_extra: bool = False,
    date_format: str | None = None,
) -> Streamed[ContextRecord]:
    """Like :func:`parse_context`, with the rows checked as ``records`` is iterated."""
    date_format = check_date_format(date_format) if date_format else None
    table = stream_table(path, json_key="events")
    stream: Streamed[ContextRecord] = Streamed(table.path, table.header, table.name, iter(()), cap)
    stream.rejects_path = rejects
    stream.size = row_count(table)
    stream.warnings.extend(table.notes)
    stream.errors = check_header(
        table.name, table.header, CONTEXT_COLUMNS, CONTEXT_REQUIRED, ignore_extra=ignore_extra
    )
    if not stream.errors:
        stream.records = context_records(
            table, codebook, gazetteer, stream, stream.reject, date_format
        )
    return stream


def context_records(
    table: Table,
    codebook: Codebook,
    gazetteer: Gazetteer,
    into: Parsed | Streamed,
    reject: Callable[[Rejected], None],
    date_format: str | None = None,
) -> Iterator[ContextRecord]:
    """The good rows of ``table`` in file order; bad rows go to ``reject``, warnings and
    the count of repeated rows to ``into``."""
    name = table.name
    seen: dict[str, int] = {}
    codebook = Vocabulary(codebook)  # type: ignore[assignment]
    for line, cells in table.rows:
        check = RowChecker(name, line, cells, date_format=date_format)
        record = check_context_row(check, codebook, gazetteer, into.warnings, table.unit, seen)
        if record is None:
            reject(Rejected(line, cells, check.errors))
            continue
        if record.key in seen:
            into.warnings.append(
                f"{name}, {table.unit} {line}: same content as "
                f"{table.unit} {seen[record.key]}; counted once"
            )
            continue
        seen[record.key] = line
        yield record


def check_context_row(
    check: RowChecker,
    codebook: Codebook,
    gazetteer: Gazetteer,
    warnings: list[str],
    unit: str = "line",
    seen: dict[str, int] | None = None,
) -> ContextRecord | None:
    """One context row → a record, or ``None`` with every bad cell in ``check.errors``
    (shared by files, web forms and the API)."""
    seen = {} if seen is None else seen
    kinds = context_kinds(codebook)
    date = check.date("date", required=True)
    end_date = check.date("end_date")
    if date and end_date and end_date.end < date.start:
        check.fail("end_date", f"a date on or after the start date {date}")
    kind = check.code("kind", kinds, what="context kind", required=True)
    if kind == TENSION_PERIOD and end_date is None and not check.raw("end_date"):
        check.fail("end_date", "an end date: a tension period runs from date to end_date")
    severity = check.integer("severity", minimum=0, allowed=codebook.severity_codes)
    fatalities = check.count_range("fatalities")
    region_code = resolve_region(check, "region", gazetteer)
    place_id, place_text, region_code = resolve_place(
        check, gazetteer, None, region_code, warnings, unit
    )
    summary = check.text("summary", max_len=5000)
    urls = check.urls("source_url")
    key = check.identifier("id")
    if key is not None and key in seen:
        check.fail("id", f"a unique id (already used on {unit} {seen[key]})")
    event_type = check.code(
        "event_type", codebook.context_event_type_codes, what="context event type"
    )
    period_set = check.text("period_set", max_len=80)
    if period_set is not None and kind != TENSION_PERIOD:
        check.fail("period_set", "empty: only rows of kind tension_period belong to a period set")
    if check.errors:
        return None
    return make_record(
        key=key,
        date=date,
        end_date=end_date,
        kind=kind,
        severity=severity,
        fatalities=fatalities,
        region_code=region_code,
        place_id=place_id,
        place_text=place_text,
        summary=summary,
        source_urls=urls,
        origin_format="own",
        line=check.line,
        event_type=event_type,
        period_set=period_set,
    )
