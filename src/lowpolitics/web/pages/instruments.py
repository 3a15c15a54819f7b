"""Instrument pages: the list, one instrument (dates, status, parties, and each commitment
with the initiatives and activities implementing it — a commitment with no held activity is
flagged), the instrument forms and the forms adding, changing and removing commitments."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.models import Initiative
from lowpolitics.store.registry_entities import actor_label
from lowpolitics.store.registry_frameworks import (
    COMMITMENT_FIELDS,
    INSTRUMENT_FIELDS,
    commitment_record,
    delete_commitment,
    delete_instrument,
    get_commitment,
    get_instrument,
    instrument_parties,
    instrument_record,
    save_commitment,
    save_instrument,
)
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import find_instruments, instrument_json, instrument_kinds
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/instruments")
def instrument_list(
    request: Request,
    status: str = "",
    kind: str = "",
    q: str = "",
    sort: str = "key",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        rows = find_instruments(session, status=status, kind=kind, q=q, sort=sort)
        kinds = instrument_kinds(session)
    chunk = paginate(rows, page, per_page)
    context = {
        "page": chunk,
        "instruments": chunk.items,
        "filters": {"status": status, "kind": kind, "q": q},
        "sort": sort,
        "statuses": ctx.codebook.status_codes,
        "kinds": kinds,
    }
    template = crud.list_template(request, "instruments/list.html.j2", "instruments/_table.html.j2")
    return render(request, template, context)


def _form(request: Request, values: dict, errors: dict, *, key: str | None, **shown) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        kinds = instrument_kinds(session)
    context = {"key": key, "statuses": ctx.codebook.status_codes, "kinds": kinds}
    return crud.form_page(request, "instruments/form.html.j2", values, errors, context, **shown)


@router.get("/instruments/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/instruments/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.create_from_form(
        request,
        INSTRUMENT_FIELDS,
        save=lambda s, values: save_instrument(s, codebook, values, who=who.name).key,
        show_form=partial(_form, request, key=None),
        detail_url=lambda key: f"/instruments/{key}?saved=1",
        conflict_field="key",
    )


@router.get("/instruments/{key}")
def detail(request: Request, key: str, who: Principal = requires(VIEWER)) -> Response:
    with web_context(request).session() as session:
        instrument = get_instrument(session, key)
        data = instrument_json(session, instrument, rows=True)
        parties = [(a.id, actor_label(a)) for a in instrument_parties(session, instrument)]
        linked = select(Initiative.id, Initiative.name).where(
            Initiative.instrument_id == instrument.id
        )
        initiatives = [tuple(row) for row in session.execute(linked.order_by(Initiative.name))]
    commitments = data["commitments"]
    context = {
        "i": data,
        "parties": parties,
        "initiatives": initiatives,
        "implemented": sum(not c["no_activity"] for c in commitments),
        "flagged": [c for c in commitments if c["no_activity"]],
        "saved": request.query_params.get("saved"),
    }
    return render(request, "instruments/detail.html.j2", context)


@router.get("/instruments/{key}/edit")
def edit_form(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        instrument = get_instrument(session, key)
        values, version = crud.form_text(instrument_record(session, instrument)), instrument.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/instruments/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.update_from_form(
        request,
        INSTRUMENT_FIELDS,
        save=lambda s, values, version: save_instrument(
            s, codebook, values, who=who.name, key=key, version=version
        ),
        show_form=partial(_form, request, key=key),
        detail_url=f"/instruments/{key}?saved=1",
        current_version=lambda s: get_instrument(s, key).version,
    )


@router.post("/instruments/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_instrument(s, key, who=who.name, version=version),
        list_url=f"/instruments?deleted={key}",
    )


# --- commitments ---------------------------------------------------------------------------


def _commitment_form(
    request: Request, key: str, values: dict, errors: dict, *, commitment_id: int | None, **shown
) -> Response:
    context = {
        "key": key,
        "commitment_id": commitment_id,
        "mechanisms": web_context(request).codebook.mechanism_codes,
    }
    template = "instruments/commitment_form.html.j2"
    return crud.form_page(request, template, values, errors, context, **shown)


def _commitment_of(session, key: str, commitment_id: int):
    commitment = get_commitment(session, commitment_id)
    if commitment.instrument.key != key:
        raise NotFoundError(f"instrument '{key}' has no commitment {commitment_id}")
    return commitment


@router.get("/instruments/{key}/commitments/new")
def new_commitment(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        get_instrument(session, key)
    return _commitment_form(request, key, {}, {}, commitment_id=None)


@router.post("/instruments/{key}/commitments/new")
async def add_commitment(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    codebook = web_context(request).codebook
    return await crud.create_from_form(
        request,
        COMMITMENT_FIELDS,
        save=lambda s, values: save_commitment(
            s, codebook, values, who=who.name, instrument_key=key
        ),
        show_form=partial(_commitment_form, request, key, commitment_id=None),
        detail_url=f"/instruments/{key}?saved=1#commitments",
        conflict_field="code",
    )


@router.get("/instruments/{key}/commitments/{commitment_id}/edit")
def edit_commitment_form(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    with web_context(request).session() as session:
        commitment = _commitment_of(session, key, commitment_id)
        values, version = crud.form_text(commitment_record(commitment)), commitment.version
    return _commitment_form(request, key, values, {}, commitment_id=commitment_id, version=version)


@router.post("/instruments/{key}/commitments/{commitment_id}/edit")
async def update_commitment(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    codebook = web_context(request).codebook

    def save(session, values, version):
        _commitment_of(session, key, commitment_id)
        save_commitment(
            session, codebook, values, who=who.name, commitment_id=commitment_id, version=version
        )

    return await crud.update_from_form(
        request,
        COMMITMENT_FIELDS,
        save=save,
        show_form=partial(_commitment_form, request, key, commitment_id=commitment_id),
        detail_url=f"/instruments/{key}?saved=1#commitments",
        current_version=lambda s: get_commitment(s, commitment_id).version,
        taken_field="code",
    )


@router.post("/instruments/{key}/commitments/{commitment_id}/delete")
async def remove_commitment(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    def remove(session, version):
        _commitment_of(session, key, commitment_id)
        delete_commitment(session, commitment_id, who=who.name, version=version)

    return await crud.delete_from_form(
        request, delete=remove, list_url=f"/instruments/{key}?saved=1#commitments"
    )
