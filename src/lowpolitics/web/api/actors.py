"""/api/v1/actors — who takes part: list, read, create, change, delete (refused while used)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from lowpolitics.store.registry_entities import delete_actor, get_actor, save_actor
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import StrictIn, created, deleted
from lowpolitics.web.entity_views import ACTOR_SORTS, actor_json, find_actors
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged


class ActorIn(StrictIn):
    """An actor as in the actors file: name and country are its identity."""

    name: str = Field(..., examples=["Ministry of Culture of Kyrgyzstan"])
    country: str = Field(..., description="ISO alpha-2 code or INT", examples=["KG"])
    type: str | None = Field(None, description="a codebook actor type", examples=["ministry"])
    notes: str | None = None


class ActorUpdate(ActorIn):
    version: int = Field(..., description="the version you read (GET returns it)")


ActorPatch = patch_model(ActorIn)


class ActorOut(BaseModel):
    id: int
    name: str
    country: str
    type: str | None
    group: str | None
    notes: str | None
    version: int
    activities: int
    instruments: list[str]
    initiatives_led: list[str]


router = APIRouter(prefix="/api/v1/actors", tags=["actors"])


@router.get("", response_model=PageOut[ActorOut])
def list_(
    request: Request,
    country: str | None = Query(None, description="ISO alpha-2 code or INT"),
    type: str | None = Query(None, description="a codebook actor type"),
    q: str | None = Query(None, description="text in the name or notes"),
    sort: str = Query(
        "name",
        description="name, country, type or activities; - to reverse",
        pattern=crud.sort_pattern(ACTOR_SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        rows = find_actors(session, ctx.codebook, country=country, type=type, q=q, sort=sort)
        chunk = paginate(rows, page, per_page)
        return page_out(chunk, chunk.items)


@router.get("/{actor_id}", response_model=ActorOut)
def get(
    request: Request, actor_id: int, response: Response, who: Principal = requires(VIEWER)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        return tagged(response, actor_json(session, ctx.codebook, get_actor(session, actor_id)))


@router.post("", response_model=ActorOut, status_code=201)
def create(
    request: Request, body: ActorIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        actor = save_actor(
            session, ctx.codebook, body.model_dump(), who=who.name, source="request body"
        )
        return created(
            response, f"/api/v1/actors/{actor.id}", actor_json(session, ctx.codebook, actor)
        )


def _save(request: Request, session, actor_id: int, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    actor = save_actor(
        session,
        ctx.codebook,
        data,
        who=who.name,
        actor_id=actor_id,
        version=version,
        source="request body",
    )
    return actor_json(session, ctx.codebook, actor)


@router.put("/{actor_id}", response_model=ActorOut)
def update(
    request: Request,
    actor_id: int,
    body: ActorUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(request, session, actor_id, data, body.version, who))


@router.patch("/{actor_id}", response_model=ActorOut)
def patch(
    request: Request,
    actor_id: int,
    changes: ActorPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    ctx = web_context(request)
    with ctx.session() as session:
        current = actor_json(session, ctx.codebook, get_actor(session, actor_id))
        patched = apply_patch(ActorIn, current, changes, if_match, f"actor {actor_id}")
        saved = _save(request, session, actor_id, patched.data(), patched.version, who)
        return tagged(response, saved)


@router.delete("/{actor_id}", status_code=204)
def delete(
    request: Request,
    actor_id: int,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the actor at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"actor {actor_id}")
    return deleted(request, lambda s: delete_actor(s, actor_id, who=who.name, version=version))
