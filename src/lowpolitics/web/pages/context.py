"""Context pages: security, political and economic events and declared tension periods — the
list (filters, sort, pages), one event with its sources, and the forms to add, edit and
delete one (the same row checks as a file import, and the version check)."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lowpolitics.framework.errors import InputError
from lowpolitics.framework.i18n import translator
from lowpolitics.ingest.context import CONTEXT_COLUMNS, TENSION_PERIOD, context_kinds
from lowpolitics.store.audit import changes_since
from lowpolitics.store.editing import delete_context_event, save_context_event
from lowpolitics.store.rows import context_row
from lowpolitics.web import crud
from lowpolitics.web.api.context import event_json, event_page, get_event
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors
from lowpolitics.web.i18n import request_language
from lowpolitics.web.paging import Page, bounded
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def kind_labels(request: Request) -> dict[str, str]:
    """Context kind → its label in the reader's language (tension periods are not in the
    codebook: they are declared spans, not a kind of event)."""
    ctx = web_context(request)
    lang = request_language(request)
    _ = translator(lang)
    labels = {
        code: ctx.codebook.label("context_kinds", code, lang)
        for code in context_kinds(ctx.codebook)
    }
    labels[TENSION_PERIOD] = _("Tension period")
    return labels


def _choices(request: Request) -> dict:
    ctx = web_context(request)
    lang = request_language(request)
    return {
        "kinds": kind_labels(request),
        "severities": [
            (str(code), f"{code} — {ctx.codebook.label('severity_levels', code, lang)}")
            for code in ctx.codebook.severity_codes
        ],
        "regions": sorted({p.region for p in ctx.gazetteer.places if p.region}),
    }


@router.get("/context")
def context_list(
    request: Request,
    kind: str = "",
    region: str = "",
    date_from: str = "",
    date_to: str = "",
    q: str = "",
    sort: str = "-date",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    filters = {"kind": kind, "region": region, "date_from": date_from, "date_to": date_to, "q": q}
    errors: dict[str, list[str]] = {}
    with web_context(request).session() as session:
        try:
            chunk = event_page(session, page, per_page, sort=sort, **filters)
        except InputError as exc:  # a bad date or sort: said next to its field, nothing listed
            errors = field_errors(exc, request)
            chunk = Page([], 0, *bounded(1, per_page))
        context = {
            "page": chunk,
            "events": [event_json(e) for e in chunk.items],
            "filters": filters,
            "sort": sort,
            **_choices(request),
        }
    return crud.render_list(
        request, "context/list.html.j2", "context/_table.html.j2", context, errors
    )


def _form(request: Request, values: dict, errors: dict, *, key: str | None, **shown) -> Response:
    context = {"key": key, **_choices(request)}
    return crud.form_page(request, "context/form.html.j2", values, errors, context, **shown)


@router.get("/context/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/context/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)

    def save(session, values):
        event, _ = save_context_event(session, ctx.codebook, ctx.gazetteer, values, who=who.name)
        return event.key

    return await crud.create_from_form(
        request,
        CONTEXT_COLUMNS,
        save=save,
        show_form=partial(_form, request, key=None),
        detail_url=lambda key: f"/context/{quote(key)}?saved=1",
        conflict_field="id",
    )


@router.get("/context/{key}")
def detail(request: Request, key: str, who: Principal = requires(VIEWER)) -> Response:
    with web_context(request).session() as session:
        event = get_event(session, key)
        data = event_json(event)
        place = None
        if event.place is not None:
            lang = request_language(request)
            place = {
                "id": event.place.id,
                "name": getattr(event.place, f"name_{lang}", None) or event.place.name_en,
            }
    return render(
        request,
        "context/detail.html.j2",
        {
            "e": data,
            "place": place,
            "kinds": kind_labels(request),
            "saved": request.query_params.get("saved"),
        },
    )


@router.get("/context/{key}/edit")
def edit_form(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        event = get_event(session, key)
        values, version = context_row(event), event.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/context/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    return await crud.update_from_form(
        request,
        CONTEXT_COLUMNS,
        save=lambda s, values, version: save_context_event(
            s, ctx.codebook, ctx.gazetteer, values, who=who.name, key=key, version=version
        ),
        show_form=partial(_form, request, key=key),
        detail_url=f"/context/{quote(key)}?saved=1",
        current_version=lambda s: get_event(s, key).version,
        stored=lambda s: context_row(get_event(s, key)),
        history=lambda s, since, now: changes_since(s, "context_event", key, since, now),
    )


@router.post("/context/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_context_event(s, key, who=who.name, version=version),
        list_url="/context?deleted=" + quote(key),
    )
