"""Actor pages: the list (country, type, text; sort; pages), one actor with what it took part
in, and the forms. An actor still named by an activity, an instrument or an initiative cannot
be deleted: the refusal says by how many."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.store.models import Activity, ActivityActor, Initiative, Instrument
from lowpolitics.store.models import InstrumentParty as Party
from lowpolitics.store.registry_entities import (
    actor_record,
    actor_uses,
    delete_actor,
    get_actor,
    save_actor,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import activities_where, actor_countries, actor_json, find_actors
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _partial(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"


@router.get("/actors")
def actor_list(
    request: Request,
    country: str = "",
    type: str = "",
    q: str = "",
    sort: str = "name",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        rows = find_actors(session, ctx.codebook, country=country, type=type, q=q, sort=sort)
        chunk = paginate(rows, page, per_page)
        context = {
            "page": chunk,
            "actors": chunk.items,
            "filters": {"country": country, "type": type, "q": q},
            "sort": sort,
            "countries": actor_countries(session),
            "actor_types": ctx.codebook.actor_type_codes,
        }
    template = "actors/_table.html.j2" if _partial(request) else "actors/list.html.j2"
    return render(request, template, context)


def _form(
    request: Request,
    values: dict,
    errors: dict,
    *,
    actor_id: int | None,
    version: int | None = None,
    status_code: int = 200,
    conflict: str | None = None,
) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "actor_id": actor_id,
        "version": version,
        "conflict": conflict,
        "actor_types": web_context(request).codebook.actor_type_codes,
    }
    return render(request, "actors/form.html.j2", context, status_code=status_code)


@router.get("/actors/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, actor_id=None)


@router.post("/actors/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, ACTOR_COLUMNS)
    try:
        with ctx.session() as session:
            actor_id = save_actor(session, ctx.codebook, values, who=who.name).id
    except InputError as exc:
        return _form(request, values, field_errors(exc), actor_id=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"name": [str(exc)]}, actor_id=None, status_code=409)
    return RedirectResponse(f"/actors/{actor_id}?saved=1", status_code=303)


@router.get("/actors/{actor_id}")
def detail(request: Request, actor_id: int, who: Principal = requires(VIEWER)) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        actor = get_actor(session, actor_id)
        linked = select(ActivityActor.activity_id).where(ActivityActor.actor_id == actor_id)
        parties = select(Party.instrument_id).where(Party.actor_id == actor_id)
        instruments = session.scalars(
            select(Instrument).where(Instrument.id.in_(parties)).order_by(Instrument.key)
        )
        led = session.scalars(
            select(Initiative).where(Initiative.lead_actor_id == actor_id).order_by(Initiative.name)
        )
        context = {
            "a": actor_json(session, ctx.codebook, actor),
            "activities": activities_where(session, Activity.id.in_(linked)),
            "instruments": [(i.key, i.title) for i in instruments],
            "initiatives": [(i.id, i.name) for i in led],
            "uses": actor_uses(session, actor_id),
            "saved": request.query_params.get("saved"),
        }
    return render(request, "actors/detail.html.j2", context)


def _values(record: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in record.items()}


@router.get("/actors/{actor_id}/edit")
def edit_form(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        actor = get_actor(session, actor_id)
        values, version = _values(actor_record(actor)), actor.version
    return _form(request, values, {}, actor_id=actor_id, version=version)


@router.post("/actors/{actor_id}/edit")
async def update(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*ACTOR_COLUMNS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_actor(
                session, ctx.codebook, values, who=who.name, actor_id=actor_id, version=version
            )
    except InputError as exc:
        return _form(
            request, values, field_errors(exc), actor_id=actor_id, version=version, status_code=422
        )
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_actor(session, actor_id).version
        if current == version:  # not stale: the new name and country belong to another actor
            errors = {"name": [str(exc)]}
            return _form(
                request, values, errors, actor_id=actor_id, version=version, status_code=409
            )
        return _form(
            request,
            values,
            {},
            actor_id=actor_id,
            version=current,
            status_code=409,
            conflict=str(exc),
        )
    return RedirectResponse(f"/actors/{actor_id}?saved=1", status_code=303)


@router.post("/actors/{actor_id}/delete")
async def delete(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        delete_actor(session, actor_id, who=who.name, version=form_version(values.get("version")))
    return RedirectResponse(f"/actors?deleted={actor_id}", status_code=303)
