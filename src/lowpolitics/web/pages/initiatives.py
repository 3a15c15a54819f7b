"""Initiative pages: the list, one initiative with its activities over time and its links
(instrument, commitment, body, lead actor), and the forms."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.store.models import Activity, Body, Commitment, Instrument
from lowpolitics.store.registry_entities import (
    INITIATIVE_FIELDS,
    delete_initiative,
    get_initiative,
    initiative_record,
    save_initiative,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import activities_where, find_initiatives, initiative_json
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _partial(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"


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
    template = "initiatives/_table.html.j2" if _partial(request) else "initiatives/list.html.j2"
    return render(request, template, context)


def _form(
    request: Request,
    values: dict,
    errors: dict,
    *,
    initiative_id: int | None,
    version: int | None = None,
    status_code: int = 200,
    conflict: str | None = None,
) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "initiative_id": initiative_id,
        "version": version,
        "conflict": conflict,
        **_choices(request),
    }
    return render(request, "initiatives/form.html.j2", context, status_code=status_code)


@router.get("/initiatives/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, initiative_id=None)


@router.post("/initiatives/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, INITIATIVE_FIELDS)
    try:
        with ctx.session() as session:
            new_id = save_initiative(session, ctx.codebook, values, who=who.name).id
    except InputError as exc:
        return _form(request, values, field_errors(exc), initiative_id=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"name": [str(exc)]}, initiative_id=None, status_code=409)
    return RedirectResponse(f"/initiatives/{new_id}?saved=1", status_code=303)


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


def _values(record: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in record.items()}


@router.get("/initiatives/{initiative_id}/edit")
def edit_form(request: Request, initiative_id: int, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        initiative = get_initiative(session, initiative_id)
        values = _values(initiative_record(session, initiative))
        version = initiative.version
    return _form(request, values, {}, initiative_id=initiative_id, version=version)


@router.post("/initiatives/{initiative_id}/edit")
async def update(
    request: Request, initiative_id: int, who: Principal = requires(EDITOR)
) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*INITIATIVE_FIELDS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_initiative(
                session,
                ctx.codebook,
                values,
                who=who.name,
                initiative_id=initiative_id,
                version=version,
            )
    except InputError as exc:
        errors = field_errors(exc)
        return _form(
            request, values, errors, initiative_id=initiative_id, version=version, status_code=422
        )
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_initiative(session, initiative_id).version
        if current == version:  # not stale: the name belongs to another initiative
            return _form(
                request,
                values,
                {"name": [str(exc)]},
                initiative_id=initiative_id,
                version=version,
                status_code=409,
            )
        return _form(
            request,
            values,
            {},
            initiative_id=initiative_id,
            version=current,
            status_code=409,
            conflict=str(exc),
        )
    return RedirectResponse(f"/initiatives/{initiative_id}?saved=1", status_code=303)


@router.post("/initiatives/{initiative_id}/delete")
async def delete(
    request: Request, initiative_id: int, who: Principal = requires(EDITOR)
) -> Response:
    values = await form_values(request, ("version",))
    version = form_version(values.get("version"))
    with web_context(request).session() as session:
        delete_initiative(session, initiative_id, who=who.name, version=version)
    return RedirectResponse(f"/initiatives?deleted={initiative_id}", status_code=303)
