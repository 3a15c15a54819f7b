"""The registry importer: one row per activity, in the documented contract (docs/data-formats.md).

Reads CSV, XLSX or JSON; checks every cell against the codebook and the gazetteer; returns
:class:`ActivityRecord` objects that the store can write without further checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate, known_interval
from lowpolitics.framework.errors import CellError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import (
    RowChecker,
    Vocabulary,
    check_header,
    content_hash,
    is_subdivision,
)
from lowpolitics.ingest.results import Parsed, Rejected, Streamed
from lowpolitics.ingest.table_stream import row_count, stream_table
from lowpolitics.ingest.tables import Table, read_table

REGISTRY_COLUMNS = (
    "id",
    "date",
    "end_date",
    "title",
    "initiative",
    "mechanism",
    "mechanisms_secondary",
    "activity_type",
    "status",
    "status_reason",
    "host_country",
    "partner_country",
    "region",
    "place",
    "actors",
    "participants_total",
    "participants_women",
    "participants_youth",
    "source_url",
    "notes",
    "record_kind",
    "same_as",
    "frame",
    "title_ru",
    "title_ky",
    "title_tg",
    "status_history",
    "contact",
    "not_before",
    "not_after",
)
REGISTRY_REQUIRED = ("date", "title", "mechanism", "status")


@dataclass(frozen=True)
class StatusStep:
    """One reported step of a row's status history: when, what, and the page that says so."""

    day: PartialDate
    status: str
    source_url: str | None = None


def parse_status_history(
    check: RowChecker, column: str, statuses: list[str]
) -> tuple[StatusStep, ...]:
    """``DATE|status|url ; DATE|status|url`` (oldest first) → steps; every bad step named."""
    steps: list[StatusStep] = []
    for part in (p.strip() for p in check.raw(column).split(" ; ") if p.strip()):
        bits = [b.strip() for b in part.split("|")]
        expected = "steps written DATE|status|url, separated by ' ; ', oldest first"
        if len(bits) not in (2, 3):
            check.fail(column, expected, part)
            continue
        try:
            day = PartialDate.parse(bits[0])
        except ValueError:
            check.fail(column, "a date YYYY, YYYY-MM or YYYY-MM-DD at the start of each step", part)
            continue
        status = bits[1].lower()
        if status not in statuses:
            check.fail(column, "a status in each step: one of " + ", ".join(statuses), part)
            continue
        url = bits[2] if len(bits) == 3 and bits[2] else None
        if url is not None and not url.startswith(("http://", "https://")):
            check.fail(column, "an http(s) address as the third part of each step", part)
            continue
        steps.append(StatusStep(day, status, url))
    if [s.day.start for s in steps] != sorted(s.day.start for s in steps):
        check.fail(column, "steps in date order, oldest first")
    return tuple(steps)


@dataclass(frozen=True)
class ActivityRecord:
    """A validated registry row."""

    key: str
    date: PartialDate
    end_date: PartialDate | None
    title: str
    initiative: str | None
    mechanism: str
    mechanisms_secondary: tuple[str, ...]
    activity_type: str | None
    status: str
    status_reason: str | None
    host_country: str | None
    partner_country: str | None
    region_code: str | None
    place_id: str | None
    place_text: str | None
    actors: tuple[tuple[str, str], ...]
    participants_total: int | None
    participants_women: int | None
    participants_youth: int | None
    source_urls: tuple[str, ...]
    notes: str | None
    line: int
    content_hash: str
    record_kind: str = "activity"
    same_as: str | None = None
    frame: str | None = None
    actor_roles: tuple[str | None, ...] = ()  # parallel to ``actors``; None = not stated
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) beyond the English one
    status_history: tuple[StatusStep, ...] = ()
    contact: str | None = None  # codebook contacts; None = not coded
    # the source places the activity on or after / on or before these days (inside ``date``)
    not_before: datetime.date | None = None
    not_after: datetime.date | None = None

    @property
    def known_interval(self) -> tuple[datetime.date, datetime.date]:
        """The printed date's interval narrowed by the stated bounds (what exposure reads)."""
        return known_interval(self.date, self.not_before, self.not_after)


BOUND_COLUMNS = ("not_before", "not_after")


def bound_problems(
    date: PartialDate,
    bounds: dict[str, PartialDate | None],
) -> list[tuple[str, str]]:
    """What is wrong with a row's ``not_before``/``not_after`` given its ``date``, as
    (column, what was expected) pairs; empty when the bounds can be kept.

    A bound is a day a source states without dating the activity to it ("after the 11 January
    shootout"), so it must be a full day; it narrows the interval that ``date`` prints, so it
    lies inside that interval and means nothing on a row already dated to the day. It narrows
    ``date`` and not ``end_date``: exposure to tension reads ``date`` alone. Both importers
    (this one and :mod:`lowpolitics.ingest.registry_fast`) ask this one function."""
    problems: list[tuple[str, str]] = []
    given = {column: day for column, day in bounds.items() if day is not None}
    for column, day in given.items():
        if day.precision != "day":
            problems.append((column, "a full day YYYY-MM-DD"))
        elif date.precision == "day":
            problems.append(
                (
                    column,
                    f"empty: the row is dated to the day ({date}); a bound only narrows a "
                    "date given as a month or a year",
                )
            )
        elif not date.start <= day.start <= date.end:
            problems.append(
                (column, f"a day inside the row's date {date} ({date.start} to {date.end})")
            )
    low, high = given.get("not_before"), given.get("not_after")
    if not problems and low is not None and high is not None and high.start < low.start:
        problems.append(("not_after", f"a day on or after not_before ({low})"))
    return problems


def resolve_region(check: RowChecker, column: str, gazetteer: Gazetteer) -> str | None:
    value = check.raw(column)
    if not value:
        return None
    region = gazetteer.region(value)
    if region is not None:
        return region.region
    if is_subdivision(value):
        return value.upper()
    check.fail(
        column,
        "an ISO 3166-2 region code such as KG-B or TJ-SU, or a region name the gazetteer knows",
    )
    return None


def resolve_place(
    check: RowChecker,
    gazetteer: Gazetteer,
    country: str | None,
    region_code: str | None,
    warnings: list[str],
    unit: str,
):
    """Place through the gazetteer; an unknown place is kept as text with a warning.

    Two villages may share a name across the border (there is an Arka on each side), so a
    region given in the row decides between them; a place known only outside that region is
    kept as text rather than linked to the wrong village.
    """
    text = check.text("place", max_len=300)
    if text is None:
        return None, None, region_code
    candidates = gazetteer.lookup(text)
    where = f"{check.file}, {unit} {check.line}"
    if not candidates:
        warnings.append(f"{where}: place '{text}' is not in the gazetteer; kept as text")
        return None, text, region_code
    if region_code is not None:
        in_region = [p for p in candidates if p.region == region_code]
        if not in_region:
            elsewhere = ", ".join(sorted({p.region or p.country for p in candidates}))
            warnings.append(
                f"{where}: the gazetteer's '{text}' lies in {elsewhere}, not in "
                f"region {region_code}; kept as text"
            )
            return None, text, region_code
        candidates = in_region
    elif country is not None and any(p.country == country for p in candidates):
        candidates = [p for p in candidates if p.country == country]
    place = gazetteer.best(candidates)
    return place.id, text, region_code or place.region


def parse_registry(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    ignore_extra: bool = False,
    as_of: datetime.date | None = None,
) -> Parsed[ActivityRecord]:
    """Validate a registry file completely; never stops at the first bad cell. ``as_of`` is
    the day taken as today (see :func:`check_registry_row`)."""
    table = read_table(path, json_key="activities")
    name = table.path.name
    parsed: Parsed[ActivityRecord] = Parsed(table.path, table.header)
    parsed.warnings.extend(table.notes)
    parsed.errors = check_header(
        name, table.header, REGISTRY_COLUMNS, REGISTRY_REQUIRED, ignore_extra=ignore_extra
    )
    if parsed.errors:
        return parsed
    parsed.records = list(
        registry_records(table, codebook, gazetteer, parsed.warnings, parsed.rejected.append, as_of)
    )
    return parsed


def stream_registry(
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    cap: int,
    rejects: Path | None = None,
    ignore_extra: bool = False,
    as_of: datetime.date | None = None,
) -> Streamed[ActivityRecord]:
    """Like :func:`parse_registry`, but the rows are read and checked as ``records`` is
    iterated (see :class:`Streamed`): the bulk import validates and writes in one pass."""
    table = stream_table(path, json_key="activities")
    name = table.path.name
    stream: Streamed[ActivityRecord] = Streamed(table.path, table.header, name, iter(()), cap)
    stream.rejects_path = rejects
    stream.size = row_count(table)
    stream.warnings.extend(table.notes)
    stream.errors = check_header(
        name, table.header, REGISTRY_COLUMNS, REGISTRY_REQUIRED, ignore_extra=ignore_extra
    )
    if not stream.errors:
        stream.records = registry_records(
            table, codebook, gazetteer, stream.warnings, stream.reject, as_of
        )
    return stream


def registry_records(
    table: Table,
    codebook: Codebook,
    gazetteer: Gazetteer,
    warnings: list[str],
    reject: Callable[[Rejected], None],
    as_of: datetime.date | None = None,
) -> Iterator[ActivityRecord]:
    """The good rows of ``table`` as records, in file order; each bad row goes to ``reject``."""
    from lowpolitics.ingest.registry_fast import SLOW, FastRegistryCheck

    name = table.path.name
    seen_keys: dict[str, int] = {}
    codebook = Vocabulary(codebook)  # type: ignore[assignment]
    # a clean row is accepted by the fast check; any other is answered by the full one
    fast = FastRegistryCheck(name, codebook, gazetteer, as_of).record
    for line, cells in table.rows:
        record = fast(line, cells, seen_keys)
        if record is not SLOW:
            seen_keys[record.key] = line
            yield record
            continue
        check = RowChecker(name, line, cells)
        record = check_registry_row(
            check, codebook, gazetteer, warnings, table.unit, seen_keys, as_of=as_of
        )
        if record is None:
            if check.errors:
                reject(Rejected(line, cells, check.errors))
            continue
        seen_keys[record.key] = line
        yield record


def check_not_future(
    check: RowChecker,
    start: PartialDate | None,
    status: str | None,
    codebook: Codebook,
    as_of: datetime.date | None = None,
) -> None:
    """Refuse a ``happened`` status (held, signed …) on a date that begins after today."""
    if start is None or status not in codebook.happened_statuses:
        return
    if start.start > (as_of or datetime.date.today()):
        check.fail("date", f"a date not after today for status {status}")


def check_registry_row(
    check: RowChecker,
    codebook: Codebook,
    gazetteer: Gazetteer,
    warnings: list[str],
    unit: str = "line",
    seen_keys: dict[str, int] | None = None,
    *,
    as_of: datetime.date | None = None,
) -> ActivityRecord | None:
    """One registry row → a record, or ``None`` with every bad cell in ``check.errors``.

    Files and the web app's forms and API go through this same function, so an activity
    typed into a form is held to exactly the rules of one imported from a spreadsheet.
    ``None`` with no errors means the row repeats an earlier one of the same file.

    A status that says the activity took place (codebook ``happened``: held, signed …) with
    a start date after ``as_of`` (today when None) is refused on the date: it is a plan typed
    as an outcome, and would count as held in every rate until someone noticed. A month or
    year is after today only when it begins after today.
    """
    seen_keys = {} if seen_keys is None else seen_keys
    families = codebook.mechanism_codes
    date = check.date("date", required=True)
    end_date = check.date("end_date")
    if date and end_date and end_date.end < date.start:
        check.fail("end_date", f"a date on or after the start date {date}")
    title = check.text("title", required=True)
    mechanism = check.code("mechanism", families, what="mechanism", required=True)
    secondary = tuple(
        m for m in check.codes("mechanisms_secondary", families, what="mechanism") if m != mechanism
    )
    activity_type = check.code("activity_type", codebook.activity_type_codes, what="activity type")
    status = check.code("status", codebook.status_codes, what="status", required=True)
    check_not_future(check, date, status, codebook, as_of)
    host = check.country("host_country")
    partner = check.country("partner_country")
    region_code = resolve_region(check, "region", gazetteer)
    place_id, place_text, region_code = resolve_place(
        check, gazetteer, host, region_code, warnings, unit
    )
    with_roles = check.actors_with_roles("actors", codebook.actor_role_codes)
    actors = tuple(actor for actor, _ in with_roles)
    roles = tuple(role for _, role in with_roles)
    total = check.integer("participants_total")
    women = check.integer("participants_women")
    youth = check.integer("participants_youth")
    for column, part in (("participants_women", women), ("participants_youth", youth)):
        if total is not None and part is not None and part > total:
            check.fail(column, f"at most participants_total ({total})")
    urls = check.urls("source_url")
    key = check.identifier("id")
    if key is not None and key in seen_keys:
        check.fail("id", f"a unique id (already used on {unit} {seen_keys[key]})")
    initiative = check.text("initiative", max_len=300)
    status_reason = check.text("status_reason", max_len=2000)
    notes = check.text("notes", max_len=5000)
    record_kind = (
        check.code("record_kind", codebook.record_kind_codes, what="record kind") or "activity"
    )
    same_as = check.text("same_as", max_len=120)
    if same_as is not None and same_as == key:
        check.fail("same_as", "the id of another row reporting the same event (not this row)")
    frame = check.code("frame", codebook.frame_codes, what="frame")
    if frame is not None and record_kind != "statement":
        check.fail("frame", "empty: only statements (record_kind statement) carry a frame")
    contact = check.code("contact", codebook.contact_codes, what="contact")
    cooperative = codebook.cooperative_kinds or frozenset({"activity"})
    if contact is not None and record_kind not in cooperative:
        check.fail(
            "contact",
            "empty: only cooperative rows (record_kind "
            + ", ".join(sorted(cooperative))
            + ") say how the two sides met",
        )
    titles = tuple(
        (column.removeprefix("title_"), text)
        for column in ("title_ru", "title_ky", "title_tg")
        if (text := check.text(column)) is not None
    )
    history = parse_status_history(check, "status_history", codebook.status_codes)
    bounds = {column: check.date(column) for column in BOUND_COLUMNS}
    if date is not None:
        for column, expected in bound_problems(date, bounds):
            check.fail(column, expected)
    not_before, not_after = (b.start if b is not None else None for b in bounds.values())
    if check.errors:
        return None
    content = {
        "date": str(date),
        "end_date": str(end_date) if end_date else None,
        "title": title,
        "initiative": initiative,
        "mechanism": mechanism,
        "mechanisms_secondary": list(secondary),
        "activity_type": activity_type,
        "status": status,
        "status_reason": status_reason,
        "host_country": host,
        "partner_country": partner,
        "region_code": region_code,
        "place_id": place_id,
        "place_text": place_text,
        "actors": [list(a) for a in actors],
        "participants_total": total,
        "participants_women": women,
        "participants_youth": youth,
        "source_urls": list(urls),
        "notes": notes,
    }
    # the second-edition fields join the hash only when set, so that rows written before
    # them keep their hash and a re-import of an old file changes nothing
    extra = {
        "record_kind": record_kind,
        "same_as": same_as,
        "frame": frame,
        "actor_roles": list(roles) if any(roles) else None,
        "titles": [list(t) for t in titles] or None,
        "status_history": [[str(h.day), h.status, h.source_url] for h in history] or None,
        "contact": contact,
        "not_before": str(not_before) if not_before else None,
        "not_after": str(not_after) if not_after else None,
    }
    content.update({k: v for k, v in extra.items() if v not in (None, "activity")})
    digest = content_hash(content)
    if key is None:
        key = "row-" + digest[:16]
        if key in seen_keys:
            warnings.append(
                f"{check.file}, {unit} {check.line}: same content as "
                f"{unit} {seen_keys[key]}; counted once"
            )
            return None
    if not urls:
        warnings.append(
            f"{check.file}, {unit} {check.line}: no source_url — every fact "
            "should cite where it is reported"
        )
    return ActivityRecord(
        key=key,
        date=date,
        end_date=end_date,
        title=title,
        initiative=initiative,
        mechanism=mechanism,
        mechanisms_secondary=secondary,
        activity_type=activity_type,
        status=status,
        status_reason=status_reason,
        host_country=host,
        partner_country=partner,
        region_code=region_code,
        place_id=place_id,
        place_text=place_text,
        actors=actors,
        participants_total=total,
        participants_women=women,
        participants_youth=youth,
        source_urls=urls,
        notes=notes,
        line=check.line,
        content_hash=digest,
        record_kind=record_kind,
        same_as=same_as,
        frame=frame,
        actor_roles=roles,
        titles=titles,
        status_history=history,
        contact=contact,
        not_before=not_before,
        not_after=not_after,
    )


def record_as_dict(record: ActivityRecord) -> dict:
    data = asdict(record)
    data["status_history"] = [
        {"date": str(h.day), "status": h.status, "source_url": h.source_url}
        for h in record.status_history
    ]
    data["date"] = str(record.date)
    data["end_date"] = str(record.end_date) if record.end_date else None
    for column in BOUND_COLUMNS:
        data[column] = str(data[column]) if data[column] else None
    return data


__all__ = ["REGISTRY_COLUMNS", "ActivityRecord", "CellError", "parse_registry"]
