"""/api/v1/users and /api/v1/me — accounts, for admins; who am I, for everyone."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from lowpolitics.store.accounts import add_user, delete_user, get_user, list_users, update_user
from lowpolitics.web.auth import ADMIN, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

router = APIRouter(prefix="/api/v1", tags=["users"])

ROLE_PATTERN = "^(viewer|coder|editor|admin)$"


class UserOut(BaseModel):
    name: str
    role: str
    active: bool
    version: int


class Me(BaseModel):
    name: str
    role: str
    via: str


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=120)
    role: str = Field(..., pattern=ROLE_PATTERN)
    password: str = Field(..., min_length=10, max_length=500)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    role: str | None = Field(None, pattern=ROLE_PATTERN)
    active: StrictBool | None = None
    password: str | None = Field(None, min_length=10, max_length=500)


class UserState(BaseModel):
    """An account as a merge patch changes it: role and active cannot be cleared; a
    password, if given, replaces the old one (and ends the account's sessions)."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(..., pattern=ROLE_PATTERN)
    active: StrictBool
    password: str | None = Field(None, min_length=10, max_length=500)


UserPatch = patch_model(UserState)


def _out(user) -> dict:
    return {"name": user.name, "role": user.role, "active": user.active, "version": user.version}


@router.get("/me", response_model=Me)
async def me(who: Principal = requires(VIEWER)) -> dict:
    """Async: it reads no database (the token check is done), so it need not wait for a
    thread of the pool, nor its response model be validated in another (issue 17)."""
    return {"name": who.name, "role": who.role, "via": who.via}


@router.get("/users", response_model=PageOut[UserOut])
def users(
    request: Request,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(ADMIN),
) -> dict:
    with web_context(request).session() as session:
        chunk = paginate(list_users(session), page, per_page)
        return page_out(chunk, [_out(u) for u in chunk.items])


@router.get("/users/{name}", response_model=UserOut)
def user(request: Request, name: str, response: Response, who: Principal = requires(ADMIN)) -> dict:
    with web_context(request).session() as session:
        return tagged(response, _out(get_user(session, name)))


@router.post("/users", response_model=UserOut, status_code=201)
def create(
    request: Request, body: UserIn, response: Response, who: Principal = requires(ADMIN)
) -> dict:
    with web_context(request).session() as session:
        user = add_user(session, body.name, body.role, body.password, who=who.name)
        return created(response, f"/api/v1/users/{user.name}", _out(user))


@router.put("/users/{name}", response_model=UserOut)
def update(
    request: Request,
    name: str,
    body: UserUpdate,
    response: Response,
    who: Principal = requires(ADMIN),
) -> dict:
    with web_context(request).session() as session:
        changed = update_user(
            session,
            name,
            who=who.name,
            role=body.role,
            active=body.active,
            password=body.password,
            version=body.version,
        )
        return tagged(response, _out(changed))


@router.patch("/users/{name}", response_model=UserOut)
def patch(
    request: Request,
    name: str,
    changes: UserPatch,
    response: Response,
    who: Principal = requires(ADMIN),
    if_match: PatchHeaders = None,
) -> dict:
    """Change the role, the active flag or the password (a JSON merge patch)."""
    with web_context(request).session() as session:
        current = _out(get_user(session, name))
        patched = apply_patch(UserState, current, changes, if_match, f"user '{name}'")
        state = patched.record
        changed = update_user(
            session,
            name,
            who=who.name,
            role=state.role if state.role != current["role"] else None,
            active=state.active if state.active != current["active"] else None,
            password=state.password,
            version=patched.version,
        )
        return tagged(response, _out(changed))


@router.delete("/users/{name}", status_code=204)
def delete(
    request: Request,
    name: str,
    who: Principal = requires(ADMIN),
    expected: DeleteVersion = None,
) -> Response:
    """Remove the account at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"user '{name}'")
    return deleted(request, lambda s: delete_user(s, name, who=who.name, version=version))
