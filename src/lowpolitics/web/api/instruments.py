"""/api/v1/instruments and /api/v1/commitments — agreements with their parties and their
commitments (nested in the instrument; each also editable on its own)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from lowpolitics.store.registry_frameworks import (
    delete_commitment,
    delete_instrument,
    get_commitment,
    get_instrument,
    save_commitment,
    save_instrument,
)
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import StrictIn, created, deleted
from lowpolitics.web.entity_views import (
    INSTRUMENT_SORTS,
    commitment_json,
    commitment_links,
    find_instruments,
    instrument_json,
)
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
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


# One router for two entities (commitments live in instruments), so its prefix is /api/v1:
# the app and the route-walking test both read plain routes off ``router``.
router = APIRouter(prefix="/api/v1", tags=["instruments"])


@router.get("/instruments", response_model=PageOut[InstrumentOut])
def list_(
    request: Request,
    status: str | None = Query(None, description="a codebook status"),
    kind: str | None = Query(None, description="agreement, programme …"),
    q: str | None = Query(None, description="text in the key, title or notes"),
    sort: str = Query(
        "key",
        description="key, title, signed, status or idle; - to reverse",
        pattern=crud.sort_pattern(INSTRUMENT_SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        rows = find_instruments(session, status=status, kind=kind, q=q, sort=sort)
        chunk = paginate(rows, page, per_page)
        return page_out(chunk, chunk.items)


@router.get("/instruments/{key}", response_model=InstrumentOut)
def get(request: Request, key: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    with web_context(request).session() as session:
        return tagged(response, instrument_json(session, get_instrument(session, key)))


@router.post("/instruments", response_model=InstrumentOut, status_code=201)
def create(
    request: Request, body: InstrumentIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        instrument = save_instrument(
            session, ctx.codebook, body.model_dump(), who=who.name, source="request body"
        )
        out = instrument_json(session, instrument)
        return created(response, f"/api/v1/instruments/{instrument.key}", out)


def _save_instrument(request: Request, session, key: str, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    instrument = save_instrument(
        session,
        ctx.codebook,
        data,
        who=who.name,
        key=key,
        version=version,
        source="request body",
    )
    return instrument_json(session, instrument)


@router.put("/instruments/{key}", response_model=InstrumentOut)
def update(
    request: Request,
    key: str,
    body: InstrumentUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save_instrument(request, session, key, data, body.version, who))


@router.patch("/instruments/{key}", response_model=InstrumentOut)
def patch(
    request: Request,
    key: str,
    changes: InstrumentPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one.
    Commitments are patched at their own address."""
    with web_context(request).session() as session:
        current = instrument_json(session, get_instrument(session, key))
        patched = apply_patch(InstrumentIn, current, changes, if_match, f"instrument '{key}'")
        saved = _save_instrument(request, session, key, patched.data(), patched.version, who)
        return tagged(response, saved)


@router.delete("/instruments/{key}", status_code=204)
def delete(
    request: Request,
    key: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the instrument at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"instrument '{key}'")
    return deleted(request, lambda s: delete_instrument(s, key, who=who.name, version=version))


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
