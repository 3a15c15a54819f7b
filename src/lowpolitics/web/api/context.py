"""/api/v1/context-events — security, political and economic events and declared tension
periods over HTTP, in the fields of the context CSV (docs/data-formats.md).

The filtering, sorting and JSON conversion here are shared with the context pages
(``web.pages.context``), so a filter means the same in both. The routes are the generic
ones of ``web.api.resource_router``; the list finds its page itself (``find``) and a write
answers with the event and the warnings about it (``envelope``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.editing import delete_context_event, save_context_event
from lowpolitics.store.models import ContextEvent, ContextSource
from lowpolitics.store.queries import interval_end
from lowpolitics.store.rows import context_row
from lowpolitics.web.activity_views import checked_filters
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.paging import Page, paginate
from lowpolitics.web.resources import Filter, ResourceSpec


def event_end(event) -> date:
    """Last day an event (or a light row of one) may cover: its end date if given, else the
    end of its date."""
    if event.end_start is not None:
        return interval_end(event.end_start, event.end_precision)
    return interval_end(event.date_start, event.date_precision)


SORTS = {
    "date": lambda e: (e.date_start, e.key),
    "kind": lambda e: (e.kind, e.date_start, e.key),
    "severity": lambda e: (e.severity if e.severity is not None else -1, e.date_start, e.key),
    "fatalities": lambda e: (
        e.fatalities_high if e.fatalities_high is not None else -1,
        e.date_start,
        e.key,
    ),
    "region": lambda e: (e.region_code or "", e.date_start, e.key),
    "place": lambda e: ((e.place_text or "").casefold(), e.date_start, e.key),
    "id": lambda e: (e.key,),
}


# the columns a filter or a sort reads: fetched as plain rows, so that narrowing thousands of
# events costs one light query and only the page shown is loaded with its sources
_LIGHT = (
    ContextEvent.id,
    ContextEvent.key,
    ContextEvent.date_start,
    ContextEvent.date_precision,
    ContextEvent.end_start,
    ContextEvent.end_precision,
    ContextEvent.kind,
    ContextEvent.severity,
    ContextEvent.fatalities_high,
    ContextEvent.region_code,
    ContextEvent.place_id,
    ContextEvent.place_text,
    ContextEvent.summary,
)


def find_event_ids(
    session: Session,
    *,
    kind: str | None = None,
    region: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    q: str | None = None,
    place_id: str | None = None,
    sort: str = "date",
) -> list[int]:
    """Ids of the context events matching kind, region, date span (overlap: ``date_from``
    keeps events ending on or after it, ``date_to`` those starting on or before it), place
    and text (id, summary, place, region or kind, case-insensitive), in display order."""
    start, end, key = checked_filters(date_from, date_to, sort, SORTS)
    query = select(*_LIGHT)
    if kind:
        query = query.where(ContextEvent.kind == kind)
    if region:
        query = query.where(ContextEvent.region_code == region.strip().upper())
    if place_id:
        query = query.where(ContextEvent.place_id == place_id)
    if end is not None:
        query = query.where(ContextEvent.date_start <= end.end)
    rows = list(session.execute(query))
    if start is not None:
        rows = [r for r in rows if event_end(r) >= start.start]
    if q:
        needle = q.casefold()
        rows = [
            r
            for r in rows
            if any(
                needle in (text or "").casefold()
                for text in (r.key, r.summary, r.place_text, r.region_code, r.kind)
            )
        ]
    rows.sort(key=SORTS[key], reverse=sort.startswith("-"))
    return [r.id for r in rows]


def _loaded():
    return select(ContextEvent).options(
        selectinload(ContextEvent.source_links).selectinload(ContextSource.source)
    )


def load_events(session: Session, ids: list[int]) -> list[ContextEvent]:
    """The events with these ids, with their sources, in the order given."""
    found: dict[int, ContextEvent] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            {e.id: e for e in session.scalars(_loaded().where(ContextEvent.id.in_(chunk)))}
        )
    return [found[i] for i in ids if i in found]


def find_events(session: Session, **filters) -> list[ContextEvent]:
    """Every matching event, loaded with its sources."""
    return load_events(session, find_event_ids(session, **filters))


def event_page(session: Session, page: int, per_page: int, **filters) -> Page[ContextEvent]:
    """One page of matching events: only that page is loaded with its sources."""
    chunk = paginate(find_event_ids(session, **filters), page, per_page)
    return Page(load_events(session, chunk.items), chunk.total, chunk.number, chunk.per_page)


def event_json(event: ContextEvent) -> dict[str, Any]:
    """The context CSV fields with JSON types, plus version, place id and last day.

    ``fatalities`` is a whole number, or the text ``low-high`` when sources disagree (the
    bounds are also given as ``fatalities_low`` and ``fatalities_high``)."""
    row = context_row(event)
    if event.fatalities_low is None:
        fatalities: int | str | None = None
    elif event.fatalities_low == event.fatalities_high:
        fatalities = event.fatalities_low
    else:
        fatalities = row["fatalities"]
    return {
        "id": row["id"],
        "date": row["date"],
        "end_date": row["end_date"] or None,
        "kind": event.kind,
        "severity": event.severity,
        "fatalities": fatalities,
        "fatalities_low": event.fatalities_low,
        "fatalities_high": event.fatalities_high,
        "place": event.place_text,
        "place_id": event.place_id,
        "region": event.region_code,
        "summary": event.summary,
        "source_url": [link.source.url for link in event.source_links],
        "origin_format": event.origin_format,
        "version": event.version,
        "last_day": event_end(event).isoformat(),
    }


def get_event(session: Session, key: str) -> ContextEvent:
    found = session.scalars(_loaded().where(ContextEvent.key == key)).first()
    if found is None:
        raise NotFoundError(f"no context event with id '{key}'")
    return found


class ContextEventIn(BaseModel):
    """A context event in the context CSV's fields. ``source_url`` may be a list or
    ';'-separated text, as in the CSV; every value is checked as an import is."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="event id; made from the content if omitted")
    date: str = Field(..., description="YYYY-MM-DD, YYYY-MM or YYYY", examples=["2022-09-14"])
    end_date: str | None = Field(None, description="required for a tension_period")
    kind: str = Field(..., examples=["security"])
    severity: int | None = Field(None, description="a severity level of the codebook")
    fatalities: int | str | None = Field(
        None, description="a count, or a range low-high when sources disagree", examples=["36-55"]
    )
    place: str | None = Field(None, description="a place name; linked through the gazetteer")
    region: str | None = Field(None, examples=["KG-B"])
    summary: str | None = None
    source_url: list[str] | str | None = None


class ContextEventUpdate(ContextEventIn):
    """An update names the version it was based on; a stale one is refused with 409."""

    version: int = Field(..., description="the version you read (GET returns it)")


ContextEventPatch = patch_model(ContextEventIn)


class ContextEventOut(BaseModel):
    id: str
    date: str
    end_date: str | None
    kind: str
    severity: int | None
    fatalities: int | str | None
    fatalities_low: int | None
    fatalities_high: int | None
    place: str | None
    place_id: str | None
    region: str | None
    summary: str | None
    source_url: list[str]
    origin_format: str
    version: int
    last_day: str


class SavedContextEvent(BaseModel):
    event: ContextEventOut
    warnings: list[str]


def _find(ctx: WebContext, session: Session, values: dict, sort: str, page: int, per_page: int):
    return event_page(session, page, per_page, **values, sort=sort)


def _rows(ctx: WebContext, session: Session, events: Sequence[ContextEvent]) -> list[dict]:
    return [event_json(e) for e in events]


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version):
    return save_context_event(
        session,
        ctx.codebook,
        ctx.gazetteer,
        data,
        who=who,
        key=key,
        version=version,
        source=SOURCE,
    )


def _delete(session: Session, key: str, who: str, version: int) -> None:
    delete_context_event(session, key, who=who, version=version)


SPEC = ResourceSpec(
    name="context-events",
    noun="context event",
    model=ContextEvent,
    key_column="key",
    key_param="key",
    key_type=str,
    schema_in=ContextEventIn,
    schema_update=ContextEventUpdate,
    schema_patch=ContextEventPatch,
    schema_out=ContextEventOut,
    load=get_event,
    save=_save,
    delete=_delete,
    rows=_rows,
    find=_find,  # a span of partial dates overlaps, text matches in any script: not SQL
    filters={
        "kind": Filter(description="a context kind of the codebook, or tension_period"),
        "region": Filter(description="ISO 3166-2 code, e.g. KG-B"),
        "date_from": Filter(description="keeps events ending on or after it"),
        "date_to": Filter(description="keeps events starting on or before it"),
        "q": Filter(description="text in id, summary, place, region or kind"),
        "place_id": Filter(description="a place id (see /api/v1/places)"),
    },
    sorts=SORTS,
    default_sort="date",
    sort_doc="date, kind, severity, fatalities, region, place or id; prefix - to reverse",
    envelope="event",  # a saved event comes with what looked odd in it
    schema_saved=SavedContextEvent,
    tags=("context events",),
    docs={
        "get": "One event; its version is also the ``ETag`` (send it back as ``If-Match``).",
        "patch": "Change only the fields given (a JSON merge patch); ``null`` clears an "
        "optional\nfield. The patched event is checked and saved as a PUT is.",
        "delete": 'Delete the event at the version you read: ``?version=N`` or ``If-Match: "N"``.',
    },
)

router = resource_router(SPEC)
