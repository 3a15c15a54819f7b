"""Instrument pages: the list, one instrument (dates, status, parties, and each commitment
with the initiatives and activities implementing it — a commitment with no held activity is
flagged), the instrument forms and the forms adding, changing and removing commitments.

The instrument's own views are the generic ones of ``web.pages.resource_pages``; the
commitments' forms, which sit inside an instrument, are written out here."""

from __future__ import annotations

from functools import partial

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.models import Initiative, Instrument
from lowpolitics.store.registry_entities import actor_label
from lowpolitics.store.registry_frameworks import (
    COMMITMENT_FIELDS,
    INSTRUMENT_FIELDS,
    commitment_record,
    delete_commitment,
    get_commitment,
    get_instrument,
    instrument_parties,
    instrument_record,
    save_commitment,
    save_instrument,
)
from lowpolitics.web import crud
from lowpolitics.web.api.instruments import SPEC as API
from lowpolitics.web.auth import EDITOR, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.entity_views import find_instruments, instrument_json, instrument_kinds
from lowpolitics.web.pages.resource_pages import PageContext, PageSpec, resource_pages


def _detail(ctx: PageContext, session: Session, instrument: Instrument) -> dict:
    """The instrument, its parties and initiatives, and its commitments (those with no held
    activity flagged)."""
    data = instrument_json(session, instrument, rows=True)
    parties = [(a.id, actor_label(a)) for a in instrument_parties(session, instrument)]
    linked = select(Initiative.id, Initiative.name).where(Initiative.instrument_id == instrument.id)
    commitments = data["commitments"]
    return {
        "i": data,
        "parties": parties,
        "initiatives": [tuple(row) for row in session.execute(linked.order_by(Initiative.name))],
        "implemented": sum(not c["no_activity"] for c in commitments),
        "flagged": [c for c in commitments if c["no_activity"]],
    }


PAGES = PageSpec(
    resource=API,
    fields=INSTRUMENT_FIELDS,
    find=lambda ctx, session, filters, sort: find_instruments(session, **filters, sort=sort),
    detail=_detail,
    record=lambda session, instrument: crud.form_text(instrument_record(session, instrument)),
    save=lambda ctx, session, values, who, key, version: save_instrument(
        session, ctx.codebook, values, who=who, key=key, version=version
    ),
    conflict_field="key",
    choices=lambda ctx, session: {
        "statuses": ctx.codebook.status_codes,
        "kinds": instrument_kinds(session),
    },
)

router = resource_pages(PAGES)


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
