"""Context pages: security, political and economic events and declared tension periods — the
list (filters, sort, pages) and its download as a context file, one event with its sources,
and the forms to add, edit and delete one (the same row checks as a file import, and the
version check; a stale edit shows, field by field, what changed meanwhile).

Declarations only: the views are the generic ones of ``web.pages.resource_pages``, at
``/context`` (the API's is ``/api/v1/context-events``); the list is cut to its page as the
API cuts it (``page_of``: only that page is loaded with its sources)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lowpolitics.ingest.context import CONTEXT_COLUMNS, TENSION_PERIOD, context_kinds
from lowpolitics.store.editing import save_context_event
from lowpolitics.store.models import ContextEvent
from lowpolitics.store.rows import context_row
from lowpolitics.web.api.context import SPEC as API
from lowpolitics.web.api.context import event_json, find_events
from lowpolitics.web.pages.resource_pages import Export, PageContext, PageSpec, resource_pages


def kind_labels(ctx: PageContext) -> dict[str, str]:
    """Context kind → its label in the reader's language (tension periods are not in the
    codebook: they are declared spans, not a kind of event)."""
    _ = ctx.gettext()
    labels = {
        code: ctx.codebook.label("context_kinds", code, ctx.lang)
        for code in context_kinds(ctx.codebook)
    }
    labels[TENSION_PERIOD] = _("Tension period")
    return labels


def _choices(ctx: PageContext, session: Session) -> dict:
    return {
        "kinds": kind_labels(ctx),
        "severities": [
            (str(code), f"{code} — {ctx.codebook.label('severity_levels', code, ctx.lang)}")
            for code in ctx.codebook.severity_codes
        ],
        "regions": sorted({p.region for p in ctx.gazetteer.places if p.region}),
    }


def _detail(ctx: PageContext, session: Session, event: ContextEvent) -> dict:
    """The event, and the gazetteer place it was linked to, named in the reader's language."""
    place = None
    if event.place is not None:
        name = getattr(event.place, f"name_{ctx.lang}", None) or event.place.name_en
        place = {"id": event.place.id, "name": name}
    return {"e": event_json(event), "place": place, "kinds": kind_labels(ctx)}


def _save(ctx: PageContext, session: Session, values: dict, who: str, key, version):
    event, _ = save_context_event(
        session, ctx.codebook, ctx.gazetteer, values, who=who, key=key, version=version
    )
    return event


PAGES = PageSpec(
    resource=API,
    path="context",
    fields=CONTEXT_COLUMNS,
    filters=("kind", "region", "date_from", "date_to", "q"),  # not the API's place_id
    default_sort="-date",  # newest first
    find=lambda ctx, session, filters, sort: find_events(session, **filters, sort=sort),
    page_of=lambda ctx, session, filters, sort, page, per_page: API.find(
        ctx.web, session, filters, sort, page, per_page
    ),
    shown=lambda ctx, session, chunk, found: {"events": [event_json(e) for e in chunk.items]},
    detail=_detail,
    record=lambda session, event: context_row(event),
    save=_save,
    conflict_field="id",
    choices=_choices,
    audited="context_event",
    export=Export(CONTEXT_COLUMNS, context_row),  # as a context file, to import again
)

router = resource_pages(PAGES)
