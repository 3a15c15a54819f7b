"""/api/v1/bodies — joint commissions and working groups, their rhythm and, for one body,
the continuity analysis's figures (sessions, gaps against the rhythm)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from lowpolitics.store.registry_frameworks import delete_body, get_body, save_body
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import StrictIn, created, deleted
from lowpolitics.web.entity_views import (
    BODY_SORTS,
    body_continuity,
    body_json,
    find_bodies,
)
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged


class BodyIn(StrictIn):
    """A body as in a frameworks file; ``initiative`` is the one whose activities are its
    sessions (after saving, only that initiative points at the body)."""

    key: str = Field(..., examples=["igc"])
    name: str
    kind: str | None = Field(None, description="commission when empty", examples=["commission"])
    rhythm_months: int | None = Field(None, description="expected months between sessions")
    instrument: str | None = Field(None, description="an instrument's key")
    initiative: str | None = Field(None, description="an initiative's name")
    notes: str | None = None


class BodyUpdate(BodyIn):
    key: str | None = Field(None, description="if given, must be the key in the address")
    version: int = Field(..., description="the version you read (GET returns it)")


BodyPatch = patch_model(BodyIn)


class BodyOut(BaseModel):
    key: str
    name: str
    kind: str
    rhythm_months: int | None
    instrument: str | None
    initiative: str | None
    initiatives: list[str]
    notes: str | None
    version: int
    activities: int = Field(..., description="activities of the linked initiatives")
    continuity: dict[str, Any] | None = Field(
        None, description="the continuity analysis's figures for the body (GET of one body)"
    )


router = APIRouter(prefix="/api/v1/bodies", tags=["bodies"])


@router.get("", response_model=PageOut[BodyOut])
def list_(
    request: Request,
    kind: str | None = Query(None, description="commission, working_group …"),
    instrument: str | None = Query(None, description="an instrument's key"),
    q: str | None = Query(None, description="text in the key, name or notes"),
    sort: str = Query(
        "key",
        description="key, name, kind or rhythm; - to reverse",
        pattern=crud.sort_pattern(BODY_SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        rows = find_bodies(session, kind=kind, instrument=instrument, q=q, sort=sort)
        chunk = paginate(rows, page, per_page)
        return page_out(chunk, chunk.items)


@router.get("/{key}", response_model=BodyOut)
def get(request: Request, key: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        body = get_body(session, key)
        analysis = body_continuity(ctx.cache, session, ctx.codebook, key)
        return tagged(response, body_json(session, body, analysis=analysis))


@router.post("", response_model=BodyOut, status_code=201)
def create(
    request: Request, body: BodyIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        saved = save_body(
            session, ctx.codebook, body.model_dump(), who=who.name, source="request body"
        )
        return created(response, f"/api/v1/bodies/{saved.key}", body_json(session, saved))


def _save(request: Request, session, key: str, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    saved = save_body(
        session,
        ctx.codebook,
        data,
        who=who.name,
        key=key,
        version=version,
        source="request body",
    )
    return body_json(session, saved)


@router.put("/{key}", response_model=BodyOut)
def update(
    request: Request,
    key: str,
    body: BodyUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(request, session, key, data, body.version, who))


@router.patch("/{key}", response_model=BodyOut)
def patch(
    request: Request,
    key: str,
    changes: BodyPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    with web_context(request).session() as session:
        current = body_json(session, get_body(session, key))
        patched = apply_patch(BodyIn, current, changes, if_match, f"body '{key}'")
        saved = _save(request, session, key, patched.data(), patched.version, who)
        return tagged(response, saved)


@router.delete("/{key}", status_code=204)
def delete(
    request: Request,
    key: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the body at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"body '{key}'")
    return deleted(request, lambda s: delete_body(s, key, who=who.name, version=version))
