"""Activity pages: the list (filters, sort, pages), one activity, and its forms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.editing import delete_activity, save_activity
from lowpolitics.store.queries import get_activity
from lowpolitics.store.rows import activity_row
from lowpolitics.web.activity_views import activity_json, activity_page
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _choices(request: Request) -> dict:
    ctx = web_context(request)
    regions = sorted(
        {(p.region, p.region) for p in ctx.gazetteer.places if p.region}, key=lambda r: r[0]
    )
    return {
        "mechanisms": ctx.codebook.mechanism_codes,
        "statuses": ctx.codebook.status_codes,
        "activity_types": ctx.codebook.activity_type_codes,
        "regions": [code for code, _ in regions],
    }


@router.get("/activities")
def activity_list(
    request: Request,
    mechanism: str = "",
    status: str = "",
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
        chunk = activity_page(
            session,
            page,
            per_page,
            mechanism=mechanism,
            status=status,
            region=region,
            date_from=date_from,
            date_to=date_to,
            q=q,
            sort=sort,
        )
        context = {
            "page": chunk,
            "activities": [activity_json(a) for a in chunk.items],
            "filters": {
                "mechanism": mechanism,
                "status": status,
                "region": region,
                "date_from": date_from,
                "date_to": date_to,
                "q": q,
            },
            "sort": sort,
            **_choices(request),
        }
    template = (
        "activities/_table.html.j2"
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "results"
        else "activities/list.html.j2"
    )
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
        "activities/form.html.j2",
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


@router.get("/activities/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {"status": "held"}, {}, key=None)


@router.post("/activities/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, REGISTRY_COLUMNS)
    try:
        with ctx.session() as session:
            activity, _ = save_activity(session, ctx.codebook, ctx.gazetteer, values, who=who.name)
            key = activity.key
    except InputError as exc:
        return _form(request, values, field_errors(exc), key=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"id": [str(exc)]}, key=None, status_code=409)
    return RedirectResponse(f"/activities/{key}?saved=1", status_code=303)


@router.get("/activities/{key}")
def detail(request: Request, key: str, who: Principal = requires(VIEWER)) -> Response:
    with web_context(request).session() as session:
        activity = get_activity(session, key)
        data = activity_json(activity)
    return render(
        request,
        "activities/detail.html.j2",
        {"a": data, "saved": request.query_params.get("saved")},
    )


@router.get("/activities/{key}/edit")
def edit_form(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        activity = get_activity(session, key)
        values, version = activity_row(activity), activity.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/activities/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*REGISTRY_COLUMNS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_activity(
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
            current = get_activity(session, key).version
        return _form(
            request, values, {}, key=key, version=current, status_code=409, conflict=str(exc)
        )
    return RedirectResponse(f"/activities/{key}?saved=1", status_code=303)


@router.post("/activities/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        delete_activity(session, key, who=who.name, version=form_version(values.get("version")))
    return RedirectResponse("/activities?deleted=" + key, status_code=303)
