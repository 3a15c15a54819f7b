"""Actor pages: the list (country, type, text; sort; pages), one actor with what it took part
in, and the forms. An actor still named by an activity, an instrument or an initiative cannot
be deleted: the refusal says by how many."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

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
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import activities_where, actor_countries, actor_json, find_actors
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


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
    template = crud.list_template(request, "actors/list.html.j2", "actors/_table.html.j2")
    return render(request, template, context)


def _form(
    request: Request, values: dict, errors: dict, *, actor_id: int | None, **shown
) -> Response:
    context = {
        "actor_id": actor_id,
        "actor_types": web_context(request).codebook.actor_type_codes,
    }
    return crud.form_page(request, "actors/form.html.j2", values, errors, context, **shown)


@router.get("/actors/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, actor_id=None)


@router.post("/actors/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.create_from_form(
        request,
        ACTOR_COLUMNS,
        save=lambda s, values: save_actor(s, codebook, values, who=who.name).id,
        show_form=partial(_form, request, actor_id=None),
        detail_url=lambda actor_id: f"/actors/{actor_id}?saved=1",
        conflict_field="name",
    )


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


@router.get("/actors/{actor_id}/edit")
def edit_form(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        actor = get_actor(session, actor_id)
        values, version = crud.form_text(actor_record(actor)), actor.version
    return _form(request, values, {}, actor_id=actor_id, version=version)


@router.post("/actors/{actor_id}/edit")
async def update(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.update_from_form(
        request,
        ACTOR_COLUMNS,
        save=lambda s, values, version: save_actor(
            s, codebook, values, who=who.name, actor_id=actor_id, version=version
        ),
        show_form=partial(_form, request, actor_id=actor_id),
        detail_url=f"/actors/{actor_id}?saved=1",
        current_version=lambda s: get_actor(s, actor_id).version,
        taken_field="name",  # not stale: the new name and country belong to another actor
    )


@router.post("/actors/{actor_id}/delete")
async def delete(request: Request, actor_id: int, who: Principal = requires(EDITOR)) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_actor(s, actor_id, who=who.name, version=version),
        list_url=f"/actors?deleted={actor_id}",
    )
