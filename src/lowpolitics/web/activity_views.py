"""Activities as the API and the pages show them: filtering, sorting, JSON conversion.

Filters mean what they mean in ``lowpolitics list activities`` (store.queries), plus a free
text ``q`` over title, initiative, place and notes, and a sort on any listed column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lowpolitics.analysis.dataset import ActivityView
from lowpolitics.analysis.options import GRACE_DAYS
from lowpolitics.analysis.units import UNKNOWN, outcome
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.activity_reading import DisplayedActivity
from lowpolitics.store.models import Activity, Initiative
from lowpolitics.store.queries import activity_end, activity_query
from lowpolitics.store.rows import date_text
from lowpolitics.web.paging import Page, bounded, paginate

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


# the same orders as SORTS, as SQL (title is left to Python: SQLite's lower() knows only ASCII)
_SQL_SORTS = {
    "date": (Activity.date_start, Activity.key),
    "mechanism": (Activity.mechanism, Activity.date_start, Activity.key),
    "status": (Activity.status, Activity.date_start, Activity.key),
    "region": (func.coalesce(Activity.region_code, ""), Activity.date_start, Activity.key),
    "participants": (
        func.coalesce(Activity.participants_total, -1),
        Activity.date_start,
        Activity.key,
    ),
    "id": (Activity.key,),
}


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
    lower, upper, key = checked_filters(date_from, date_to, sort, SORTS)
    base = _filtered(select(Activity.id), mechanism, status, region, lower, upper, contact)
    if total is None:
        total = _count(session, base)
    order = [c.desc() if sort.startswith("-") else c.asc() for c in _SQL_SORTS[key]]
    rows = session.scalars(base.order_by(*order).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


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


def find_activity_ids(
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
) -> list[int]:
    """Ids of the matching activities in display order. Filters mean what they mean in
    ``store.queries.list_activities``; ``q`` matches title, id, initiative, place or notes
    case-insensitively in any script (Python's casefold, which SQLite's LOWER is not)."""
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
    return [r.id for r in rows]


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
    **filters,
) -> Page[Activity]:
    """One page of matching activities: only that page is loaded with its relations (by
    ``load``: ORM objects for the pages, ``store.activity_reading.read_activities`` for the
    API). Without free text and title order the database does the filtering, counting,
    sorting and paging; otherwise Python does (casefolded matching in any script).
    ``total_of(filters)``: the total for the SQL filters (without ``sort``), when the caller
    keeps counted totals (the API: ``web.list_totals``)."""
    page, per_page = bounded(page, per_page)
    if not filters.get("q") and filters.get("sort", "date").lstrip("-") != "title":
        sql_filters = {k: v for k, v in filters.items() if k != "q"}
        counted = {k: v for k, v in sql_filters.items() if k != "sort"}
        total = total_of(counted) if total_of is not None else None
        ids, total = activity_page_sql(session, page, per_page, **sql_filters, total=total)
        return Page(load(session, ids), total, page, per_page)
    ids = find_activity_ids(session, **filters)
    chunk = paginate(ids, page, per_page)
    return Page(load(session, chunk.items), chunk.total, chunk.number, chunk.per_page)


def unknown_outcomes(
    activities: list[Activity], codebook: Codebook, as_of: date, grace_days: int = GRACE_DAYS
) -> set[str]:
    """Keys of the activities whose outcome is unknown — planned, and past their date by more
    than the grace period — as the resilience analyses count them (``analysis.units``), so
    the list flags exactly the rows the rates set apart."""
    views = [
        ActivityView(
            key=a.key,
            date=PartialDate.from_parts(a.date_start, a.date_precision),
            mechanism=a.mechanism,
            status=a.status,
        )
        for a in activities
    ]
    return unknown_outcome_keys(views, codebook, as_of, grace_days)


def unknown_outcome_keys(
    views: Iterable[ActivityView], codebook: Codebook, as_of: date, grace_days: int = GRACE_DAYS
) -> set[str]:
    """:func:`unknown_outcomes` for rows already read as the analyses read them (the
    dashboard's)."""
    disrupted = codebook.disrupted_statuses
    return {v.key for v in views if outcome(v, disrupted, as_of, grace_days) == UNKNOWN}


def activity_json(activity: Activity | DisplayedActivity) -> dict[str, Any]:
    """The registry fields with JSON types, plus version, end of interval and status history.
    The fields are those of ``store.rows.activity_row`` (a test compares them on every bundled
    activity), computed here one by one: the whole row cost half of this function's time on
    an API page (issue 17, API latency)."""
    initiative = activity.initiative
    return {
        "id": activity.key,
        "date": date_text(activity.date_start, activity.date_precision),
        "end_date": date_text(activity.end_start, activity.end_precision) or None,
        "title": activity.title,
        "initiative": (initiative.name if initiative else "") or None,
        "mechanism": activity.mechanism,
        "mechanisms_secondary": [m.mechanism for m in activity.secondary],
        "activity_type": activity.activity_type,
        "status": activity.status,
        "status_reason": activity.status_reason,
        "host_country": activity.host_country,
        "partner_country": activity.partner_country,
        "region": activity.region_code,
        "place": activity.place_text,
        "actors": [
            f"{link.actor.name} [{link.actor.country_code}]"
            + (f" ({link.role})" if link.role else "")
            for link in activity.actor_links
        ],
        "participants_total": activity.participants_total,
        "participants_women": activity.participants_women,
        "participants_youth": activity.participants_youth,
        "source_url": [link.source.url for link in activity.source_links],
        "notes": activity.notes,
        "record_kind": activity.record_kind or "activity",
        "same_as": activity.same_as,
        "frame": activity.frame,
        "contact": activity.contact,
        "not_before": activity.not_before.isoformat() if activity.not_before else None,
        "not_after": activity.not_after.isoformat() if activity.not_after else None,
        "title_ru": activity.title_ru,
        "title_ky": activity.title_ky,
        "title_tg": activity.title_tg,
        "version": activity.version,
        "last_day": activity_end(activity).isoformat(),
        "status_history": [
            {
                "status": change.status,
                "changed_on": change.changed_on.isoformat() if change.changed_on else None,
                "reason": change.reason,
                "recorded_at": change.recorded_at.isoformat() if change.recorded_at else None,
                "origin": change.origin,
                "reported": bool(change.reported),
                "source_url": change.source_url,
            }
            for change in activity.history
        ],
    }


class ActivityIn(BaseModel):
    """An activity in the registry's fields (docs/data-formats.md). Lists may also be given
    as ';'-separated text, exactly as in the CSV; every value is checked as an import is."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="registry id; made from the content if omitted")
    date: str = Field(..., description="YYYY-MM-DD, YYYY-MM or YYYY", examples=["2023-05-17"])
    end_date: str | None = None
    title: str
    initiative: str | None = None
    mechanism: str = Field(..., examples=["societal"])
    mechanisms_secondary: list[str] | str | None = None
    activity_type: str | None = None
    status: str = Field(..., examples=["held"])
    status_reason: str | None = None
    host_country: str | None = Field(None, examples=["KG"])
    partner_country: str | None = Field(None, examples=["TJ"])
    region: str | None = Field(None, examples=["KG-B"])
    place: str | None = None
    actors: list[str] | str | None = Field(None, examples=[["Ministry of Culture [KG]"]])
    participants_total: int | None = Field(None, ge=0)
    participants_women: int | None = Field(None, ge=0)
    participants_youth: int | None = Field(None, ge=0)
    source_url: list[str] | str | None = None
    notes: str | None = None
    record_kind: str | None = Field(None, examples=["activity"])
    same_as: str | None = None
    frame: str | None = None
    contact: str | None = Field(
        None,
        description="how the two sides met (codebook contacts); empty = not coded",
        examples=["bilateral"],
    )
    not_before: str | None = Field(
        None,
        description="YYYY-MM-DD: the source places the activity on or after this day "
        "(inside a date given as a month or a year)",
        examples=["2014-01-11"],
    )
    not_after: str | None = Field(
        None,
        description="YYYY-MM-DD: the source places the activity on or before this day "
        "(inside a date given as a month or a year)",
        examples=["2014-01-31"],
    )
    title_ru: str | None = None
    title_ky: str | None = None
    title_tg: str | None = None


class ActivityUpdate(ActivityIn):
    """An update names the version it was based on; a stale one is refused with 409."""

    version: int = Field(..., description="the version you read (GET returns it)")


class StatusChangeOut(BaseModel):
    status: str
    changed_on: str | None
    reason: str | None
    recorded_at: str | None
    origin: str | None
    reported: bool = False  # a step a source reported (registry status_history)
    source_url: str | None = None


class ActivityOut(BaseModel):
    id: str
    date: str
    end_date: str | None
    title: str
    initiative: str | None
    mechanism: str
    mechanisms_secondary: list[str]
    activity_type: str | None
    status: str
    status_reason: str | None
    host_country: str | None
    partner_country: str | None
    region: str | None
    place: str | None
    actors: list[str]
    participants_total: int | None
    participants_women: int | None
    participants_youth: int | None
    source_url: list[str]
    notes: str | None
    record_kind: str = "activity"
    same_as: str | None = None
    frame: str | None = None
    contact: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    title_ru: str | None = None
    title_ky: str | None = None
    title_tg: str | None = None
    version: int
    last_day: str
    status_history: list[StatusChangeOut]


class SavedActivity(BaseModel):
    activity: ActivityOut
    warnings: list[str]
