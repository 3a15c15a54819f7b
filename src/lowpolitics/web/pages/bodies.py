"""Body pages: the list, one body (expected rhythm, its sessions — the activities of the
initiative linked to it — and the continuity analysis's own figures: rhythm given or
inferred, sessions per year, gaps against the rhythm), and the forms."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from lowpolitics.analysis.continuity import MONTH_DAYS
from lowpolitics.store.models import Activity, Initiative, Instrument
from lowpolitics.store.registry_frameworks import (
    BODY_FIELDS,
    body_record,
    delete_body,
    get_body,
    save_body,
)
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import (
    activities_where,
    body_continuity,
    body_json,
    body_kinds,
    find_bodies,
)
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


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
    template = crud.list_template(request, "bodies/list.html.j2", "bodies/_table.html.j2")
    return render(request, template, context)


def _form(request: Request, values: dict, errors: dict, *, key: str | None, **shown) -> Response:
    context = {"key": key, **_choices(request)}
    return crud.form_page(request, "bodies/form.html.j2", values, errors, context, **shown)


@router.get("/bodies/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/bodies/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.create_from_form(
        request,
        BODY_FIELDS,
        save=lambda s, values: save_body(s, codebook, values, who=who.name).key,
        show_form=partial(_form, request, key=None),
        detail_url=lambda key: f"/bodies/{key}?saved=1",
        conflict_field="key",
    )


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
    codebook = web_context(request).codebook
    return await crud.update_from_form(
        request,
        BODY_FIELDS,
        save=lambda s, values, version: save_body(
            s, codebook, values, who=who.name, key=key, version=version
        ),
        show_form=partial(_form, request, key=key),
        detail_url=f"/bodies/{key}?saved=1",
        current_version=lambda s: get_body(s, key).version,
    )


@router.post("/bodies/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_body(s, key, who=who.name, version=version),
        list_url=f"/bodies?deleted={key}",
    )
