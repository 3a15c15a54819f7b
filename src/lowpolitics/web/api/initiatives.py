"""/api/v1/initiatives — lines of work and their links to instruments, commitments, bodies."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from lowpolitics.store.registry_entities import delete_initiative, get_initiative, save_initiative
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import StrictIn, created, deleted
from lowpolitics.web.entity_views import (
    INITIATIVE_SORTS,
    find_initiatives,
    initiative_json,
)
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged


class InitiativeIn(StrictIn):
    """An initiative; links are named by key (instrument, body), code (the commitment, within
    the instrument) and ``Name [CC]`` (the lead actor, created when new)."""

    name: str = Field(..., examples=["Days of Culture"])
    mechanism: str | None = Field(None, examples=["institutional"])
    activity_type: str | None = Field(None, examples=["days_of_culture"])
    rhythm_months: int | None = Field(None, description="expected months between occurrences")
    instrument: str | None = Field(None, description="an instrument's key")
    commitment: str | None = Field(None, description="a commitment's code in that instrument")
    body: str | None = Field(None, description="a body's key")
    lead_actor: str | None = Field(None, examples=["Ministry of Culture of Tajikistan [TJ]"])


class InitiativeUpdate(InitiativeIn):
    version: int = Field(..., description="the version you read (GET returns it)")


InitiativePatch = patch_model(InitiativeIn)


class InitiativeOut(BaseModel):
    id: int
    name: str
    mechanism: str | None
    activity_type: str | None
    rhythm_months: int | None
    instrument: str | None
    commitment: str | None
    commitment_id: int | None
    body: str | None
    lead_actor: str | None
    lead_actor_id: int | None
    version: int
    activities: int
    first_date: str | None
    last_date: str | None


router = APIRouter(prefix="/api/v1/initiatives", tags=["initiatives"])


@router.get("", response_model=PageOut[InitiativeOut])
def list_(
    request: Request,
    mechanism: str | None = None,
    activity_type: str | None = None,
    instrument: str | None = Query(None, description="an instrument's key"),
    body: str | None = Query(None, description="a body's key"),
    q: str | None = Query(None, description="text in the name or the lead actor"),
    sort: str = Query(
        "name",
        description="name, mechanism, activities, first or last; - to reverse",
        pattern=crud.sort_pattern(INITIATIVE_SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        rows = find_initiatives(
            session,
            mechanism=mechanism,
            activity_type=activity_type,
            instrument=instrument,
            body=body,
            q=q,
            sort=sort,
        )
        chunk = paginate(rows, page, per_page)
        return page_out(chunk, chunk.items)


@router.get("/{initiative_id}", response_model=InitiativeOut)
def get(
    request: Request, initiative_id: int, response: Response, who: Principal = requires(VIEWER)
) -> dict:
    with web_context(request).session() as session:
        return tagged(response, initiative_json(session, get_initiative(session, initiative_id)))


@router.post("", response_model=InitiativeOut, status_code=201)
def create(
    request: Request, body: InitiativeIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        initiative = save_initiative(
            session, ctx.codebook, body.model_dump(), who=who.name, source="request body"
        )
        out = initiative_json(session, initiative)
        return created(response, f"/api/v1/initiatives/{initiative.id}", out)


def _save(request: Request, session, initiative_id: int, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    initiative = save_initiative(
        session,
        ctx.codebook,
        data,
        who=who.name,
        initiative_id=initiative_id,
        version=version,
        source="request body",
    )
    return initiative_json(session, initiative)


@router.put("/{initiative_id}", response_model=InitiativeOut)
def update(
    request: Request,
    initiative_id: int,
    body: InitiativeUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(request, session, initiative_id, data, body.version, who))


@router.patch("/{initiative_id}", response_model=InitiativeOut)
def patch(
    request: Request,
    initiative_id: int,
    changes: InitiativePatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    with web_context(request).session() as session:
        current = initiative_json(session, get_initiative(session, initiative_id))
        what = f"initiative {initiative_id}"
        patched = apply_patch(InitiativeIn, current, changes, if_match, what)
        saved = _save(request, session, initiative_id, patched.data(), patched.version, who)
        return tagged(response, saved)


@router.delete("/{initiative_id}", status_code=204)
def delete(
    request: Request,
    initiative_id: int,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the initiative at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"initiative {initiative_id}")
    return deleted(
        request,
        lambda s: delete_initiative(s, initiative_id, who=who.name, version=version),
    )
