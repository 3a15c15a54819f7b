"""Activity pages: the list (filters, sort, pages; planned activities long past their date
flagged "outcome unknown"), its download in the registry's columns, one activity with its
status history, and the forms (a stale edit shows, field by field, what changed meanwhile).

Declarations only: the views are the generic ones of ``web.pages.resource_pages``; the list
is cut to its page as the API cuts it (``page_of``: only that page is loaded)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lowpolitics.analysis.options import GRACE_DAYS
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.editing import save_activity
from lowpolitics.store.rows import activity_row
from lowpolitics.web.activity_views import (
    activity_json,
    contact_filter,
    find_activities,
    unknown_outcomes,
)
from lowpolitics.web.api.activities import SPEC as API
from lowpolitics.web.pages.resource_pages import Export, PageContext, PageSpec, resource_pages


def choices(ctx: PageContext, session: Session) -> dict:
    """The codebook's vocabularies and the gazetteer's regions (the list's filters and the
    form's fields)."""
    return {
        "mechanisms": ctx.codebook.mechanism_codes,
        "statuses": ctx.codebook.status_codes,
        "activity_types": ctx.codebook.activity_type_codes,
        "contacts": ctx.codebook.contact_codes,
        "regions": sorted({p.region for p in ctx.gazetteer.places if p.region}),
    }


def _shown(ctx: PageContext, session: Session, chunk, found) -> dict:
    return {
        "activities": [activity_json(a) for a in chunk.items],
        "unknown_outcome": unknown_outcomes(chunk.items, ctx.codebook, ctx.today()),
        "grace_days": GRACE_DAYS,
    }


def _save(ctx: PageContext, session: Session, values: dict, who: str, key, version):
    activity, _ = save_activity(
        session,
        ctx.codebook,
        ctx.gazetteer,
        values,
        who=who,
        key=key,
        version=version,
        as_of=ctx.as_of,
    )
    return activity


PAGES = PageSpec(
    resource=API,
    fields=REGISTRY_COLUMNS,
    default_sort="-date",  # newest first
    find=lambda ctx, session, filters, sort: find_activities(
        session, **contact_filter(filters, ctx.codebook.contact_codes), sort=sort
    ),
    page_of=lambda ctx, session, filters, sort, page, per_page: API.find(
        ctx.web, session, filters, sort, page, per_page
    ),
    shown=_shown,
    detail=lambda ctx, session, activity: {"a": activity_json(activity)},
    record=lambda session, activity: activity_row(activity),
    save=_save,
    conflict_field="id",
    choices=choices,
    new_values={"status": "held"},
    audited="activity",
    export=Export(REGISTRY_COLUMNS, activity_row),
)

router = resource_pages(PAGES)
