"""The activities list: filters, sort orders and pages, in SQL where SQL can say them.

Filters mean what they mean in ``lowpolitics list activities`` (store.queries), plus a free
text ``q`` over title, initiative, place and notes, and a sort on any listed column. A page
is found by number (``OFFSET``) or after a cursor (``web.cursors``: the last row's sort key,
so a deep page is one index range scan, as cheap as the first — issue 17). Shared by the API
and the pages (``web.activity_views`` re-exports these names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.models import (
    ACTIVITY_PARTICIPANTS_ORDER,
    ACTIVITY_REGION_ORDER,
    Activity,
    Initiative,
)
from lowpolitics.store.queries import activity_query
from lowpolitics.web.cursors import decode_cursor, encode_cursor
from lowpolitics.web.paging import Page, bounded

SORTS = {
    "date": lambda a: (a.date_start, a.key),
    "title": lambda a: (a.title.casefold(), a.key),
    "mechanism": lambda a: (a.mechanism, a.date_start, a.key),
    "status": lambda a: (a.status, a.date_start, a.key),
    "region": lambda a: (a.region_code or "", a.date_start, a.key),
    "participants": lambda a: (
        -1 if a.participants_total is None else a.participants_total,
        a.date_start,
        a.key,
    ),
    "id": lambda a: (a.key,),
}
# the columns a filter or a sort reads: fetched as plain rows, so that narrowing thousands of
# activities costs one light query and only the page shown is loaded with its relations
_LIGHT = (
    Activity.id,
    Activity.key,
    Activity.date_start,
    Activity.date_precision,
    Activity.end_start,
    Activity.end_precision,
    Activity.title,
    Activity.mechanism,
    Activity.status,
    Activity.region_code,
    Activity.participants_total,
    Activity.place_text,
    Activity.notes,
    Initiative.name.label("initiative_name"),
)


def parse_bound(value: str | None, name: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        raise InputError(
            [CellError("query", None, name, value, "a date YYYY-MM-DD, YYYY-MM or YYYY")],
            f"'{name}' is not a date",
        ) from None


def checked_filters(
    date_from: str | None, date_to: str | None, sort: str, sorts: Iterable[str]
) -> tuple[PartialDate | None, PartialDate | None, str]:
    """A list's date bounds and sort key, every bad one reported at once (so that a page can
    show each error next to its own field)."""
    errors: list[CellError] = []
    bounds = []
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        try:
            bounds.append(parse_bound(value, name))
        except InputError as exc:
            errors.extend(exc.errors)
            bounds.append(None)
    key = sort.lstrip("-")
    if key not in sorts:
        expected = f"one of {', '.join(sorts)} (with - to reverse)"
        errors.append(CellError("query", None, "sort", sort, expected))
    if errors:
        names = " and ".join(f"'{e.column}'" for e in errors)
        raise InputError(errors, f"{names}: not a filter this list can apply")
    return bounds[0], bounds[1], key


# the same orders as SORTS, as SQL (title is left to Python: SQLite's lower() knows only ASCII),
# each held by an index (models: ix_activities_*_order; id: the key's unique index)
_SQL_SORTS = {
    "date": (Activity.date_start, Activity.key),
    "mechanism": (Activity.mechanism, Activity.date_start, Activity.key),
    "status": (Activity.status, Activity.date_start, Activity.key),
    "region": (ACTIVITY_REGION_ORDER, Activity.date_start, Activity.key),
    "participants": (ACTIVITY_PARTICIPANTS_ORDER, Activity.date_start, Activity.key),
    "id": (Activity.key,),
}
# the types of each sort key's values, as a cursor carries them (web.cursors)
_KEY_TYPES: dict[str, tuple[type, ...]] = {
    "date": (date, str),
    "title": (str, str),
    "mechanism": (str, date, str),
    "status": (str, date, str),
    "region": (str, date, str),
    "participants": (int, date, str),
    "id": (str,),
}


@dataclass
class Found:
    """One page's ids in order, the total, and the cursor of the page that follows (None:
    this page is the last)."""

    ids: list[int]
    total: int
    next: str | None


def _ends_on_or_after(lower: date):
    """SQL for "the activity's last day is on or after ``lower``": a month- or year-dated start
    (or end) lasts to the end of its month or year, so it is compared at its own precision."""

    def reaches(start, precision):
        month = date(lower.year, lower.month, 1)
        year = date(lower.year, 1, 1)
        return or_(
            and_(precision == "year", start >= year),
            and_(precision == "month", start >= month),
            and_(precision.notin_(("year", "month")), start >= lower),
        )

    return or_(
        and_(Activity.end_start.is_not(None), reaches(Activity.end_start, Activity.end_precision)),
        and_(Activity.end_start.is_(None), reaches(Activity.date_start, Activity.date_precision)),
    )


def contact_codes(
    given: str | Sequence[str] | None, codes: Sequence[str]
) -> tuple[str, ...] | None:
    """``contact`` query values as codebook codes in the codebook's order (None: no filter):
    given as repeated parameters (``?contact=bilateral&contact=co_presence``), comma-separated,
    or both. An unknown code is refused naming the field, before anything is read, so the list,
    the API and the analysis pages accept and refuse the same values."""
    if not given:
        return None
    raw = [given] if isinstance(given, str) else list(given)
    chosen = {c.strip().lower() for v in raw for c in v.split(",") if c.strip()}
    unknown = sorted(chosen - set(codes))
    if unknown:
        shown = ", ".join(unknown)
        expected = f"one or more of {', '.join(codes)}"
        raise InputError(
            [CellError("query", None, "contact", shown, expected)],
            f"'contact': {shown} is not a contact code",
        )
    return tuple(c for c in codes if c in chosen) or None


def contact_filter(values: dict, codes: Sequence[str]) -> dict:
    """A list's filters with ``contact`` as codebook codes (``contact_codes``)."""
    return {**values, "contact": contact_codes(values.get("contact"), codes)}


def _filtered(query, mechanism, status, region, lower, upper, contact=None):
    if contact:  # codes checked by contact_filter; a row not coded matches none of them
        query = query.where(Activity.contact.in_(list(contact)))
    if mechanism:
        query = query.where(Activity.mechanism == mechanism)
    if status:
        query = query.where(Activity.status == status)
    if region:
        query = query.where(Activity.region_code == region.upper())
    if upper:
        query = query.where(Activity.date_start <= upper.end)
    if lower:
        query = query.where(_ends_on_or_after(lower.start))
    return query


def activity_page_sql(
    session: Session,
    page: int,
    per_page: int,
    *,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    contact: Sequence[str] | None = None,
    sort: str = "date",
    total: int | None = None,
) -> tuple[list[int], int]:
    """Ids of one page and the total, counted, sorted and cut in the database: two queries
    whatever the number of activities (for every sort but title, and no free text); one
    when the caller knows the ``total`` already (``web.list_totals``)."""
    filters = {"mechanism": mechanism, "status": status, "region": region}
    filters |= {"date_from": date_from, "date_to": date_to, "contact": contact}
    found = find_page_sql(session, page, per_page, **filters, sort=sort, total=total)
    return found.ids, found.total


def find_page_sql(
    session: Session,
    page: int,
    per_page: int,
    *,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    contact: Sequence[str] | None = None,
    sort: str = "date",
    total: int | None = None,
    after: str | None = None,
) -> Found:
    """:func:`activity_page_sql` with the next page's cursor, and the page found either by
    number (``OFFSET``: the database walks past every earlier row) or ``after`` a cursor:
    the rows strictly after the cursor's sort key, read from the order's index, so page 2,000
    costs what page 1 does. One row more than the page is read, to know whether a next page
    exists."""
    lower, upper, key = checked_filters(date_from, date_to, sort, SORTS)
    columns = _SQL_SORTS[key]
    start = decode_cursor(after, sort, _KEY_TYPES[key]) if after is not None else None
    base = _filtered(select(Activity.id), mechanism, status, region, lower, upper, contact)
    if total is None:
        total = _count(session, base)
    keyed = base.add_columns(*columns)
    descending = sort.startswith("-")
    if start is None:
        order = [c.desc() if descending else c.asc() for c in columns]
        query = keyed.order_by(*order).offset((page - 1) * per_page).limit(per_page + 1)
        rows = list(session.execute(query))
    else:
        # a plain leading column no filter fixes: one row value; else two scans (``_after``)
        split = key in ("region", "participants") or {"mechanism": mechanism, "status": status}.get(
            key
        )
        rows = _after(session, keyed, columns, start, descending, per_page + 1, split=bool(split))
    more = len(rows) > per_page
    rows = rows[:per_page]
    following = encode_cursor(sort, tuple(rows[-1])[1:]) if more else None
    return Found([r[0] for r in rows], total, following)


def _after(
    session: Session, keyed, columns, values: tuple, descending: bool, limit: int, *, split: bool
) -> list:
    """The first ``limit`` rows strictly after ``values`` in the order of ``columns``.

    One row-value comparison, ``(c1, c2, c3) > (v1, v2, v3)``, where the index can start
    from it. Else (``split``) two range scans: SQLite's planner can start neither within an
    expression index (region, participants) nor from a row value whose first column a filter
    already fixes (it sorts instead). First the rows that share the first column's value and
    follow on the others (ordered by the others alone, so the index gives the order), then,
    if the page is not full, the rows past that value."""
    step = (lambda c, v: c < v) if descending else (lambda c, v: c > v)
    direction = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    if not split or len(columns) == 1:
        where = step(tuple_(*columns), tuple_(*values)) if len(columns) > 1 else None
        single = keyed.where(where if where is not None else step(columns[0], values[0]))
        return list(session.execute(single.order_by(*map(direction, columns)).limit(limit)))
    first, rest = columns[0], columns[1:]
    tail = step(tuple_(*rest), tuple_(*values[1:])) if len(rest) > 1 else step(rest[0], values[1])
    same = keyed.where(first == values[0], tail).order_by(*map(direction, rest))
    rows = list(session.execute(same.limit(limit)))
    if len(rows) < limit:
        past = keyed.where(step(first, values[0])).order_by(*map(direction, columns))
        rows += session.execute(past.limit(limit - len(rows)))
    return rows


def activity_count(
    session: Session,
    *,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    contact: Sequence[str] | None = None,
) -> int:
    """How many activities the SQL filters of :func:`activity_page_sql` keep."""
    lower, upper, _ = checked_filters(date_from, date_to, "date", SORTS)
    return _count(
        session, _filtered(select(Activity.id), mechanism, status, region, lower, upper, contact)
    )


def _count(session: Session, base) -> int:
    return session.scalar(select(func.count()).select_from(base.subquery())) or 0


def find_activity_ids(session: Session, **filters) -> list[int]:
    """Ids of the matching activities in display order. Filters mean what they mean in
    ``store.queries.list_activities``; ``q`` matches title, id, initiative, place or notes
    case-insensitively in any script (Python's casefold, which SQLite's LOWER is not)."""
    return [r.id for r in _found_rows(session, **filters)]


def _found_rows(
    session: Session,
    *,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    contact: Sequence[str] | None = None,
    sort: str = "date",
) -> list:
    """The matching activities' light rows (``_LIGHT``) in display order."""
    lower, upper, key = checked_filters(date_from, date_to, sort, SORTS)
    query = select(*_LIGHT).outerjoin(Initiative, Activity.initiative_id == Initiative.id)
    found = _filtered(query, mechanism, status, region, lower, upper, contact)
    rows = list(session.execute(found))
    if q:
        needle = q.casefold()
        rows = [
            r
            for r in rows
            if any(
                needle in (text or "").casefold()
                for text in (r.title, r.key, r.initiative_name, r.place_text, r.notes)
            )
        ]
    rows.sort(key=SORTS[key], reverse=sort.startswith("-"))
    return rows


def _python_page(session: Session, page: int, per_page: int, after: str | None, **filters):
    """:class:`Found` for free text or the title order: every match read and sorted in
    Python, the page cut by number or after a cursor (compared with the same sort key)."""
    sort = filters.get("sort", "date")
    key = SORTS[checked_filters(None, None, sort, SORTS)[2]]
    rows = _found_rows(session, **filters)
    start = (page - 1) * per_page
    if after is not None:
        values = decode_cursor(after, sort, _KEY_TYPES[sort.lstrip("-")])
        if sort.startswith("-"):
            start = next((i for i, r in enumerate(rows) if key(r) < values), len(rows))
        else:
            start = next((i for i, r in enumerate(rows) if key(r) > values), len(rows))
    chunk = rows[start : start + per_page]
    more = start + per_page < len(rows)
    following = encode_cursor(sort, key(chunk[-1])) if more and chunk else None
    return Found([r.id for r in chunk], len(rows), following)


def load_activities(session: Session, ids: list[int]) -> list[Activity]:
    """The activities with these ids, with their relations, in the order given."""
    if not ids:
        return []
    found = {a.id: a for a in session.scalars(activity_query().where(Activity.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def find_activities(session: Session, **filters) -> list[Activity]:
    """Every matching activity, loaded (for exports and small lists)."""
    return load_activities(session, find_activity_ids(session, **filters))


def activity_page(
    session: Session,
    page: int,
    per_page: int,
    *,
    load: Callable[[Session, list[int]], list[Any]] = load_activities,
    total_of: Callable[[dict[str, Any]], int] | None = None,
    after: str | None = None,
    **filters,
) -> Page[Activity]:
    """One page of matching activities: only that page is loaded with its relations (by
    ``load``: ORM objects for the pages, ``store.activity_reading.read_activities`` for the
    API). Without free text and title order the database does the filtering, counting,
    sorting and paging; otherwise Python does (casefolded matching in any script).
    ``total_of(filters)``: the total for the SQL filters (without ``sort``), when the caller
    keeps counted totals (the API: ``web.list_totals``). ``after``: a cursor (the ``next``
    of an earlier page) instead of the page number; the page's ``number`` is then 0
    (unknown without counting the rows before it)."""
    page, per_page = bounded(page, per_page)
    if not filters.get("q") and filters.get("sort", "date").lstrip("-") != "title":
        sql_filters = {k: v for k, v in filters.items() if k != "q"}
        counted = {k: v for k, v in sql_filters.items() if k != "sort"}
        total = total_of(counted) if total_of is not None else None
        found = find_page_sql(session, page, per_page, **sql_filters, total=total, after=after)
    else:
        found = _python_page(session, page, per_page, after, **filters)
    number = 0 if after is not None else page
    return Page(load(session, found.ids), found.total, number, per_page, found.next)
