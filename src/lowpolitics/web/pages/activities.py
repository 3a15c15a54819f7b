"""Activity pages: the list (filters, sort, pages), one activity, and its forms."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lowpolitics.analysis.options import GRACE_DAYS
from lowpolitics.exchange.table_export import FORMATS, table_bytes
from lowpolitics.framework.errors import InputError, NotFoundError
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.audit import changes_since
from lowpolitics.store.editing import delete_activity, save_activity
from lowpolitics.store.queries import get_activity
from lowpolitics.store.rows import activity_row
from lowpolitics.web import crud
from lowpolitics.web.activity_views import (
    activity_json,
    activity_page,
    find_activities,
    unknown_outcomes,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors
from lowpolitics.web.paging import Page, bounded
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
        "contacts": ctx.codebook.contact_codes,
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
    sort: str = "-date",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    ctx = web_context(request)
    filters = {
        "mechanism": mechanism,
        "status": status,
        "region": region,
        "date_from": date_from,
        "date_to": date_to,
        "q": q,
    }
    errors: dict[str, list[str]] = {}
    with ctx.session() as session:
        try:
            chunk = activity_page(session, page, per_page, sort=sort, **filters)
        except InputError as exc:  # a bad date or sort: said next to its field, nothing listed
            errors = field_errors(exc, request)
            chunk = Page([], 0, *bounded(1, per_page))
        context = {
            "page": chunk,
            "activities": [activity_json(a) for a in chunk.items],
            "unknown_outcome": unknown_outcomes(chunk.items, ctx.codebook, ctx.today()),
            "grace_days": GRACE_DAYS,
            "filters": filters,
            "sort": sort,
            **_choices(request),
        }
    full, partial = "activities/list.html.j2", "activities/_table.html.j2"
    return crud.render_list(request, full, partial, context, errors)


@router.get("/activities.{fmt}")
def export(
    request: Request,
    fmt: str,
    mechanism: str = "",
    status: str = "",
    region: str = "",
    date_from: str = "",
    date_to: str = "",
    q: str = "",
    sort: str = "-date",
    who: Principal = requires(VIEWER),
) -> Response:
    """The list as filtered on the page — every matching row, not one page — in the
    registry's columns (CSV or XLSX), so that it can be corrected and imported again; cells
    that a spreadsheet would run as formulas are neutralised (exchange.table_export)."""
    if fmt not in FORMATS:
        raise NotFoundError(f"no export as '{fmt}': use activities.csv or activities.xlsx")
    ctx = web_context(request)
    filters = {"mechanism": mechanism, "status": status, "region": region, "q": q}
    with ctx.session() as session:
        found = find_activities(session, date_from=date_from, date_to=date_to, sort=sort, **filters)
        rows = [activity_row(a) for a in found]
    body = table_bytes(fmt, REGISTRY_COLUMNS, rows, sheet="activities")
    name = f"activities-{ctx.today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=FORMATS[fmt], headers=headers)


def _form(request: Request, values: dict, errors: dict, *, key: str | None, **shown) -> Response:
    context = {"key": key, **_choices(request)}
    return crud.form_page(request, "activities/form.html.j2", values, errors, context, **shown)


@router.get("/activities/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {"status": "held"}, {}, key=None)


@router.post("/activities/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)

    def save(session, values):
        activity, _ = save_activity(
            session, ctx.codebook, ctx.gazetteer, values, who=who.name, as_of=ctx.as_of
        )
        return activity.key

    return await crud.create_from_form(
        request,
        REGISTRY_COLUMNS,
        save=save,
        show_form=partial(_form, request, key=None),
        detail_url=lambda key: f"/activities/{key}?saved=1",
        conflict_field="id",
    )


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
    return await crud.update_from_form(
        request,
        REGISTRY_COLUMNS,
        save=lambda s, values, version: save_activity(
            s,
            ctx.codebook,
            ctx.gazetteer,
            values,
            who=who.name,
            key=key,
            version=version,
            as_of=ctx.as_of,
        ),
        show_form=partial(_form, request, key=key),
        detail_url=f"/activities/{key}?saved=1",
        current_version=lambda s: get_activity(s, key).version,
        stored=lambda s: activity_row(get_activity(s, key)),
        history=lambda s, since, now: changes_since(s, "activity", key, since, now),
    )


@router.post("/activities/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_activity(s, key, who=who.name, version=version),
        list_url="/activities?deleted=" + key,
    )
