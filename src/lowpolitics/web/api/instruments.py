"""/api/v1/instruments and /api/v1/commitments — agreements with their parties and their
commitments (nested in the instrument; each also editable on its own)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lowpolitics.analysis.continuity import HELD_STATUSES
from lowpolitics.store.models import Activity, Commitment, Initiative, Instrument
from lowpolitics.store.registry_frameworks import (
    delete_commitment,
    delete_instrument,
    get_commitment,
    get_instrument,
    save_commitment,
    save_instrument,
)
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import WebContext, web_context
from lowpolitics.web.crud import StrictIn, created, deleted
from lowpolitics.web.entity_views import commitment_json, commitment_links, instrument_json
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.resources import Filter, ResourceSpec, text_in
from lowpolitics.web.versions import DeleteVersion, tagged


class InstrumentIn(StrictIn):
    """An instrument as in a frameworks file, without commitments (they have their routes)."""

    key: str = Field(..., examples=["prog-2025"])
    title: str
    kind: str | None = Field(None, description="agreement when empty", examples=["programme"])
    signed_on: str | None = Field(None, description="YYYY-MM-DD", examples=["2025-07-08"])
    ratified_on: str | None = Field(None, description="YYYY-MM-DD")
    in_force_on: str | None = Field(None, description="YYYY-MM-DD")
    expires_on: str | None = Field(None, description="YYYY-MM-DD")
    status: str | None = Field(None, description="a codebook status", examples=["signed"])
    parties: list[str] | str | None = Field(None, examples=[["Ministry of Culture [KG]"]])
    notes: str | None = None


class InstrumentUpdate(InstrumentIn):
    key: str | None = Field(None, description="if given, must be the key in the address")
    version: int = Field(..., description="the version you read (GET returns it)")


class CommitmentIn(StrictIn):
    code: str = Field(..., examples=["heritage"])
    title: str = Field(..., examples=["Documenting shared heritage"])
    mechanism: str | None = Field(None, examples=["societal"])


class CommitmentUpdate(CommitmentIn):
    version: int = Field(..., description="the version you read (GET returns it)")


InstrumentPatch = patch_model(InstrumentIn)
CommitmentPatch = patch_model(CommitmentIn)


class CommitmentOut(BaseModel):
    id: int
    instrument: str
    code: str
    title: str
    mechanism: str | None
    version: int
    initiatives: list[str]
    activities: int = Field(..., description="activities of the linked initiatives")
    held: int = Field(..., description="of them held (held, signed or resumed)")
    no_activity: bool = Field(..., description="true when no held activity implements it")


class InstrumentOut(BaseModel):
    key: str
    title: str
    kind: str
    signed_on: str | None
    ratified_on: str | None
    in_force_on: str | None
    expires_on: str | None
    status: str | None
    parties: list[str]
    notes: str | None
    version: int
    commitments: list[CommitmentOut]
    bodies: list[str]
    initiatives: list[str]


def _rows(ctx: WebContext, session: Session, instruments: Sequence[Instrument]) -> list[dict]:
    implementation = commitment_links(session)
    return [instrument_json(session, i, implementation) for i in instruments]


def _save_instrument(
    ctx: WebContext, session: Session, data: dict, who: str, key, version
) -> Instrument:
    return save_instrument(
        session, ctx.codebook, data, who=who, key=key, version=version, source=SOURCE
    )


def _idle():
    """How many of the instrument's commitments no held activity implements."""
    held = (
        select(Activity.id)
        .join(Initiative, Activity.initiative_id == Initiative.id)
        .where(Initiative.commitment_id == Commitment.id, Activity.status.in_(HELD_STATUSES))
    )
    return (
        select(func.count())
        .select_from(Commitment)
        .where(Commitment.instrument_id == Instrument.id, ~held.exists())
        .correlate(Instrument)
        .scalar_subquery()
    )


SPEC = ResourceSpec(
    name="instruments",
    noun="instrument",
    model=Instrument,
    key_column="key",
    key_param="key",
    key_type=str,
    schema_in=InstrumentIn,
    schema_update=InstrumentUpdate,
    schema_patch=InstrumentPatch,
    schema_out=InstrumentOut,
    load=get_instrument,
    save=_save_instrument,
    delete=lambda session, key, who, version: delete_instrument(
        session, key, who=who, version=version
    ),
    rows=_rows,
    filters={
        "status": Filter(lambda v: Instrument.status == v, description="a codebook status"),
        "kind": Filter(lambda v: Instrument.kind == v, description="agreement, programme …"),
        "q": Filter(
            lambda v: text_in(v, Instrument.key, Instrument.title, Instrument.notes),
            description="text in the key, title or notes",
        ),
    },
    sorts={
        "key": (Instrument.key,),
        "title": (func.lower(Instrument.title), Instrument.key),
        "signed": (
            case((Instrument.signed_on.is_(None), 0), else_=1),  # unsigned first
            Instrument.signed_on,
            Instrument.key,
        ),
        "status": (func.coalesce(Instrument.status, ""), Instrument.key),
        "idle": (_idle(), Instrument.key),
    },
    default_sort="key",
    sort_doc="key, title, signed, status or idle; - to reverse",
    patch_note="Commitments are patched at their own address.",
    tags=(),  # the enclosing router's
)

# One router for two entities (commitments live in instruments), so its prefix is /api/v1:
# the instruments' routes are the generic ones; a commitment's are written out below.
router = APIRouter(prefix="/api/v1", tags=["instruments"])
router.include_router(resource_router(SPEC, prefix="/instruments"))


@router.post("/instruments/{key}/commitments", response_model=CommitmentOut, status_code=201)
def add_commitment(
    request: Request,
    key: str,
    body: CommitmentIn,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        commitment = save_commitment(
            session,
            ctx.codebook,
            body.model_dump(),
            who=who.name,
            instrument_key=key,
            source="request body",
        )
        out = commitment_json(commitment, commitment_links(session))
        return created(response, f"/api/v1/commitments/{commitment.id}", out)


@router.get("/commitments/{commitment_id}", response_model=CommitmentOut)
def get_one(
    request: Request, commitment_id: int, response: Response, who: Principal = requires(VIEWER)
) -> dict:
    with web_context(request).session() as session:
        commitment = get_commitment(session, commitment_id)
        return tagged(response, commitment_json(commitment, commitment_links(session)))


def _save_commitment(
    request: Request, session, commitment_id: int, data: dict, version: int, who
) -> dict:
    ctx = web_context(request)
    commitment = save_commitment(
        session,
        ctx.codebook,
        data,
        who=who.name,
        commitment_id=commitment_id,
        version=version,
        source="request body",
    )
    return commitment_json(commitment, commitment_links(session))


@router.put("/commitments/{commitment_id}", response_model=CommitmentOut)
def update_commitment(
    request: Request,
    commitment_id: int,
    body: CommitmentUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        saved = _save_commitment(request, session, commitment_id, data, body.version, who)
        return tagged(response, saved)


@router.patch("/commitments/{commitment_id}", response_model=CommitmentOut)
def patch_commitment(
    request: Request,
    commitment_id: int,
    changes: CommitmentPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    with web_context(request).session() as session:
        current = commitment_json(get_commitment(session, commitment_id), commitment_links(session))
        what = f"commitment {commitment_id}"
        patched = apply_patch(CommitmentIn, current, changes, if_match, what)
        data = patched.data()
        saved = _save_commitment(request, session, commitment_id, data, patched.version, who)
        return tagged(response, saved)


@router.delete("/commitments/{commitment_id}", status_code=204)
def remove_commitment(
    request: Request,
    commitment_id: int,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the commitment at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"commitment {commitment_id}")
    return deleted(
        request,
        lambda s: delete_commitment(s, commitment_id, who=who.name, version=version),
    )
