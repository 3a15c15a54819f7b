"""Initiative pages: the list, one initiative with its activities over time and its links
(instrument, commitment, body, lead actor), and the forms."""

from __future__ import annotations

from collections import Counter
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lowpolitics.store.models import Activity, Body, Commitment, Instrument
from lowpolitics.store.registry_entities import (
    INITIATIVE_FIELDS,
    delete_initiative,
    get_initiative,
    initiative_record,
    save_initiative,
)
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import activities_where, find_initiatives, initiative_json
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _choices(request: Request) -> dict:
    """Codebook vocabularies and the instruments, commitments and bodies one can link to."""
    ctx = web_context(request)
    with ctx.session() as session:
        query = select(Instrument).options(selectinload(Instrument.commitments))
        instruments = list(session.scalars(query.order_by(Instrument.key)))
        commitments = [
            (c.code, f"{i.key} · {c.code} — {c.title}")
            for i in instruments
            for c in sorted(i.commitments, key=lambda c: c.code)
        ]
        bodies = [(b.key, f"{b.key} — {b.name}") for b in session.scalars(select(Body))]
    return {
        "mechanisms": ctx.codebook.mechanism_codes,
        "activity_types": ctx.codebook.activity_type_codes,
        "instruments": [(i.key, f"{i.key} — {i.title}") for i in instruments],
        "commitments": commitments,
        "bodies": sorted(bodies),
    }


@router.get("/initiatives")
def initiative_list(
    request: Request,
    mechanism: str = "",
    activity_type: str = "",
    instrument: str = "",
    body: str = "",
    q: str = "",
    sort: str = "name",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    filters = {
        "mechanism": mechanism,
        "activity_type": activity_type,
        "instrument": instrument,
        "body": body,
        "q": q,
    }
    with web_context(request).session() as session:
        rows = find_initiatives(session, **filters, sort=sort)
    chunk = paginate(rows, page, per_page)
    context = {
        "page": chunk,
        "initiatives": chunk.items,
        "filters": filters,
        "sort": sort,
        **_choices(request),
    }
    template = crud.list_template(request, "initiatives/list.html.j2", "initiatives/_table.html.j2")
    return render(request, template, context)


def _form(
    request: Request, values: dict, errors: dict, *, initiative_id: int | None, **shown
) -> Response:
    context = {"initiative_id": initiative_id, **_choices(request)}
    return crud.form_page(request, "initiatives/form.html.j2", values, errors, context, **shown)


@router.get("/initiatives/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, initiative_id=None)


@router.post("/initiatives/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.create_from_form(
        request,
        INITIATIVE_FIELDS,
        save=lambda s, values: save_initiative(s, codebook, values, who=who.name).id,
        show_form=partial(_form, request, initiative_id=None),
        detail_url=lambda new_id: f"/initiatives/{new_id}?saved=1",
        conflict_field="name",
    )


@router.get("/initiatives/{initiative_id}")
def detail(request: Request, initiative_id: int, who: Principal = requires(VIEWER)) -> Response:
    with web_context(request).session() as session:
        initiative = get_initiative(session, initiative_id)
        data = initiative_json(session, initiative)
        rows = activities_where(session, Activity.initiative_id == initiative_id)
        titles = {
            "instrument": session.scalar(
                select(Instrument.title).where(Instrument.key == data["instrument"])
            ),
            "commitment": session.scalar(
                select(Commitment.title).where(Commitment.id == initiative.commitment_id)
            ),
            "body": session.scalar(select(Body.name).where(Body.key == data["body"])),
        }
    by_status = Counter(r["status"] for r in rows)
    years: dict[str, Counter] = {}
    for r in rows:
        years.setdefault(r["date"][:4], Counter())[r["status"]] += 1
    context = {
        "i": data,
        "activities": rows,
        "by_status": sorted(by_status.items()),
        "years": sorted(years.items()),
        "titles": titles,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "initiatives/detail.html.j2", context)


@router.get("/initiatives/{initiative_id}/edit")
def edit_form(request: Request, initiative_id: int, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        initiative = get_initiative(session, initiative_id)
        values = crud.form_text(initiative_record(session, initiative))
        version = initiative.version
    return _form(request, values, {}, initiative_id=initiative_id, version=version)


@router.post("/initiatives/{initiative_id}/edit")
async def update(
    request: Request, initiative_id: int, who: Principal = requires(EDITOR)
) -> Response:
    codebook = web_context(request).codebook
    return await crud.update_from_form(
        request,
        INITIATIVE_FIELDS,
        save=lambda s, values, version: save_initiative(
            s, codebook, values, who=who.name, initiative_id=initiative_id, version=version
        ),
        show_form=partial(_form, request, initiative_id=initiative_id),
        detail_url=f"/initiatives/{initiative_id}?saved=1",
        current_version=lambda s: get_initiative(s, initiative_id).version,
        taken_field="name",  # not stale: the name belongs to another initiative
    )


@router.post("/initiatives/{initiative_id}/delete")
async def delete(
    request: Request, initiative_id: int, who: Principal = requires(EDITOR)
) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_initiative(
            s, initiative_id, who=who.name, version=version
        ),
        list_url=f"/initiatives?deleted={initiative_id}",
    )
