"""Context pages: security, political and economic events and declared tension periods — the
list (filters, sort, pages), one event with its sources, and the forms to add, edit and
delete one (the same row checks as a file import, and the version check)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.framework.i18n import translator
from lowpolitics.ingest.context import CONTEXT_COLUMNS, TENSION_PERIOD, context_kinds
from lowpolitics.store.editing import delete_context_event, save_context_event
from lowpolitics.store.rows import context_row
from lowpolitics.web.api.context import event_json, event_page, get_event
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.i18n import request_language
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


def _partial(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"


@router.get("/context")
def context_list(
    request: Request,
    kind: str = "",
    region: str = "",
    date_from: str = "",
    date_to: str = "",
    q: str = "",
    sort: str = "date",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    with web_context(request).session() as session:
        chunk = event_page(
            session,
            page,
            per_page,
            kind=kind,
            region=region,
            date_from=date_from,
            date_to=date_to,
            q=q,
            sort=sort,
        )
        context = {
            "page": chunk,
            "events": [event_json(e) for e in chunk.items],
            "filters": {
                "kind": kind,
                "region": region,
                "date_from": date_from,
                "date_to": date_to,
                "q": q,
            },
            "sort": sort,
            **_choices(request),
        }
    template = "context/_table.html.j2" if _partial(request) else "context/list.html.j2"
    return render(request, template, context)


def _form(
    request: Request,
    values: dict,
    errors: dict,
    *,
    key: str | None,
    version=None,
    status_code: int = 200,
    conflict: str | None = None,
) -> Response:
    return render(
        request,
        "context/form.html.j2",
        {
            "values": values,
            "errors": errors,
            "key": key,
            "version": version,
            "conflict": conflict,
            **_choices(request),
        },
        status_code=status_code,
    )


@router.get("/context/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/context/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, CONTEXT_COLUMNS)
    try:
        with ctx.session() as session:
            event, _ = save_context_event(
                session, ctx.codebook, ctx.gazetteer, values, who=who.name
            )
            key = event.key
    except InputError as exc:
        return _form(request, values, field_errors(exc), key=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"id": [str(exc)]}, key=None, status_code=409)
    return RedirectResponse(f"/context/{quote(key)}?saved=1", status_code=303)


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
    values = await form_values(request, (*CONTEXT_COLUMNS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_context_event(
                session,
                ctx.codebook,
                ctx.gazetteer,
                values,
                who=who.name,
                key=key,
                version=version,
            )
    except InputError as exc:
        return _form(request, values, field_errors(exc), key=key, version=version, status_code=422)
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_event(session, key).version
        return _form(
            request, values, {}, key=key, version=current, status_code=409, conflict=str(exc)
        )
    return RedirectResponse(f"/context/{quote(key)}?saved=1", status_code=303)


@router.post("/context/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        delete_context_event(
            session, key, who=who.name, version=form_version(values.get("version"))
        )
    return RedirectResponse("/context?deleted=" + quote(key), status_code=303)
