"""Instrument pages: the list, one instrument (dates, status, parties, and each commitment
with the initiatives and activities implementing it — a commitment with no held activity is
flagged), the instrument forms and the forms adding, changing and removing commitments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from lowpolitics.framework.errors import ConflictError, InputError, NotFoundError
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
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import find_instruments, instrument_json, instrument_kinds
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def _partial(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"


def _text(record: dict) -> dict:
    """A record as form values: lists joined with ';' as in the CSV layouts."""
    return {
        k: ";".join(v) if isinstance(v, list) else ("" if v is None else str(v))
        for k, v in record.items()
    }


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
    template = "instruments/_table.html.j2" if _partial(request) else "instruments/list.html.j2"
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
    ctx = web_context(request)
    with ctx.session() as session:
        kinds = instrument_kinds(session)
    context = {
        "values": values,
        "errors": errors,
        "key": key,
        "version": version,
        "conflict": conflict,
        "statuses": ctx.codebook.status_codes,
        "kinds": kinds,
    }
    return render(request, "instruments/form.html.j2", context, status_code=status_code)


@router.get("/instruments/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {}, {}, key=None)


@router.post("/instruments/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, INSTRUMENT_FIELDS)
    try:
        with ctx.session() as session:
            key = save_instrument(session, ctx.codebook, values, who=who.name).key
    except InputError as exc:
        return _form(request, values, field_errors(exc), key=None, status_code=422)
    except ConflictError as exc:
        return _form(request, values, {"key": [str(exc)]}, key=None, status_code=409)
    return RedirectResponse(f"/instruments/{key}?saved=1", status_code=303)


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
        values, version = _text(instrument_record(session, instrument)), instrument.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/instruments/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*INSTRUMENT_FIELDS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            save_instrument(session, ctx.codebook, values, who=who.name, key=key, version=version)
    except InputError as exc:
        errors = field_errors(exc)
        return _form(request, values, errors, key=key, version=version, status_code=422)
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_instrument(session, key).version
        return _form(
            request, values, {}, key=key, version=current, status_code=409, conflict=str(exc)
        )
    return RedirectResponse(f"/instruments/{key}?saved=1", status_code=303)


@router.post("/instruments/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        delete_instrument(session, key, who=who.name, version=form_version(values.get("version")))
    return RedirectResponse(f"/instruments?deleted={key}", status_code=303)


# --- commitments ---------------------------------------------------------------------------


def _commitment_form(
    request: Request,
    key: str,
    values: dict,
    errors: dict,
    *,
    commitment_id: int | None,
    version: int | None = None,
    status_code: int = 200,
    conflict: str | None = None,
) -> Response:
    context = {
        "key": key,
        "values": values,
        "errors": errors,
        "commitment_id": commitment_id,
        "version": version,
        "conflict": conflict,
        "mechanisms": web_context(request).codebook.mechanism_codes,
    }
    return render(request, "instruments/commitment_form.html.j2", context, status_code=status_code)


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
    ctx = web_context(request)
    values = await form_values(request, COMMITMENT_FIELDS)
    try:
        with ctx.session() as session:
            save_commitment(session, ctx.codebook, values, who=who.name, instrument_key=key)
    except InputError as exc:
        return _commitment_form(
            request, key, values, field_errors(exc), commitment_id=None, status_code=422
        )
    except ConflictError as exc:
        errors = {"code": [str(exc)]}
        return _commitment_form(request, key, values, errors, commitment_id=None, status_code=409)
    return RedirectResponse(f"/instruments/{key}?saved=1#commitments", status_code=303)


@router.get("/instruments/{key}/commitments/{commitment_id}/edit")
def edit_commitment_form(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    with web_context(request).session() as session:
        commitment = _commitment_of(session, key, commitment_id)
        values, version = _text(commitment_record(commitment)), commitment.version
    return _commitment_form(request, key, values, {}, commitment_id=commitment_id, version=version)


@router.post("/instruments/{key}/commitments/{commitment_id}/edit")
async def update_commitment(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    ctx = web_context(request)
    values = await form_values(request, (*COMMITMENT_FIELDS, "version"))
    version = form_version(values.pop("version", None))
    try:
        with ctx.session() as session:
            _commitment_of(session, key, commitment_id)
            save_commitment(
                session,
                ctx.codebook,
                values,
                who=who.name,
                commitment_id=commitment_id,
                version=version,
            )
    except InputError as exc:
        return _commitment_form(
            request,
            key,
            values,
            field_errors(exc),
            commitment_id=commitment_id,
            version=version,
            status_code=422,
        )
    except ConflictError as exc:
        with ctx.session() as session:
            current = get_commitment(session, commitment_id).version
        stale = current != version
        return _commitment_form(
            request,
            key,
            values,
            {} if stale else {"code": [str(exc)]},
            commitment_id=commitment_id,
            version=current,
            status_code=409,
            conflict=str(exc) if stale else None,
        )
    return RedirectResponse(f"/instruments/{key}?saved=1#commitments", status_code=303)


@router.post("/instruments/{key}/commitments/{commitment_id}/delete")
async def remove_commitment(
    request: Request, key: str, commitment_id: int, who: Principal = requires(EDITOR)
) -> Response:
    values = await form_values(request, ("version",))
    version = form_version(values.get("version"))
    with web_context(request).session() as session:
        _commitment_of(session, key, commitment_id)
        delete_commitment(session, commitment_id, who=who.name, version=version)
    return RedirectResponse(f"/instruments/{key}?saved=1#commitments", status_code=303)
