"""Body pages: the list, one body (expected rhythm, its sessions — the activities of the
initiative linked to it — and the continuity analysis's own figures: rhythm given or
inferred, sessions per year, gaps against the rhythm), and the forms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lowpolitics.analysis.continuity import MONTH_DAYS
from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.store.models import Activity, Initiative, Instrument
from lowpolitics.store.registry_frameworks import (
    BODY_FIELDS,
    body_record,
    delete_body,
    get_body,
    save_body,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import (
    activities_where,
    body_continuity,
    body_json,
    body_kinds,
    find_bodies,
)
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _partial(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"


def _choices(request: Request) -> dict:
    with web_context(request).session() as session:
        instruments = session.execute(
            select(Instrument.key, Instrument.title).order_by(Instrument.key)
        )
        return {
            "instruments": [(key, f"{key} — {title}") for key, title in instruments],
            "initiatives": [
                (name, name)
                for name in session.scalars(select(Initiative.name).order_by(Initiative.name))
            ],
            "kinds": body_kinds(session),
        }


@router.get("/bodies")
def body_list(
    request: Request,
    kind: str = "",
    instrument: str = "",
    q: str = "",
    sort: str = "key",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    with web_context(request).session() as session:
        rows = find_bodies(session, kind=kind, instrument=instrument, q=q, sort=sort)
    chunk = paginate(rows, page, per_page)
    context = {
        "page": chunk,
        "bodies": chunk.items,
        "filters": {"kind": kind, "instrument": instrument, "q": q},
        "sort": sort,
        **_choices(request),
    }
    template = "bodies/_table.html.j2" if _partial(request) else "bodies/list.html.j2"
    return render(request, template, context)


def _form(
    request: Request,
    values: dict,
    errors: dict,
    *,
    key: str | None,
    version: int | None = None,
    status_code: int = 200,
    conflict: str | None = None,
) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "key": key,
        "version": version,
        "conflict": conflict,
        **_choices(request),
    }
    return render(request, "bodies/form.html.j2", context, status_code=status_code)


@router.get("/bodies/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/bodies/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, BODY_FIELDS)
    try:
        with ctx.session() as session:
            key = save_body(session, ctx.codebook, values, who=who.name).key
    except InputError as exc:
        return _form(request, values, field_errors(exc), key=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"key": [str(exc)]}, key=None, status_code=409)
    return RedirectResponse(f"/bodies/{key}?saved=1", status_code=303)


@router.get("/bodies/{key}")
def detail(request: Request, key: str, who: Principal = requires(VIEWER)) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        body = get_body(session, key)
        analysis = body_continuity(ctx.cache, session, ctx.codebook, key)
        data = body_json(session, body, analysis=analysis)
        linked = session.execute(
            select(Initiative.id, Initiative.name)
            .where(Initiative.body_id == body.id)
            .order_by(Initiative.name)
        ).all()
        rows = activities_where(session, Activity.initiative_id.in_([i for i, _ in linked]))
        title = session.scalar(select(Instrument.title).where(Instrument.key == data["instrument"]))
    counted = set(analysis["session_ids"]) if analysis else set()
    context = {
        "b": data,
        "c": analysis,
        "initiatives": [tuple(row) for row in linked],
        "activities": rows,
        "counted": counted,
        "instrument_title": title,
        "month_days": MONTH_DAYS,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "bodies/detail.html.j2", context)


def _values(record: dict) -> dict:
    values = {k: "" if v is None else str(v) for k, v in record.items() if k != "initiatives"}
    values["initiative"] = (record["initiatives"] or [""])[0]
    return values


@router.get("/bodies/{key}/edit")
def edit_form(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        body = get_body(session, key)
        values, version = _values(body_record(session, body)), body.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/bodies/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*BODY_FIELDS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_body(session, ctx.codebook, values, who=who.name, key=key, version=version)
    except InputError as exc:
        errors = field_errors(exc)
        return _form(request, values, errors, key=key, version=version, status_code=422)
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_body(session, key).version
        return _form(
            request, values, {}, key=key, version=current, status_code=409, conflict=str(exc)
        )
    return RedirectResponse(f"/bodies/{key}?saved=1", status_code=303)


@router.post("/bodies/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        delete_body(session, key, who=who.name, version=form_version(values.get("version")))
    return RedirectResponse(f"/bodies?deleted={key}", status_code=303)
