"""/api/v1/codes — the codes one can code with: the codebook's (read-only) and user codes.

Codebook codes (mechanisms, context kinds, frames) come from the codebook file and are the
same on every install; editors add, change and remove user codes here. A code in use by a
coding, or with child codes, is not removed.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from lowpolitics.store.corpus import framework_codes
from lowpolitics.store.corpus_edit import (
    code_usage,
    delete_user_code,
    find_code,
    list_codes,
    save_user_code,
)
from lowpolitics.store.models import Code
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import code_colour, code_label, code_section
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.i18n import request_language
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

router = APIRouter(prefix="/api/v1/codes", tags=["codes"])


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., examples=["water sharing"])
    parent: str | None = Field(None, description="name of the parent code")
    colour: str | None = Field(None, description="#RRGGBB", examples=["#0072B2"])
    definition: str | None = None


class CodeUpdate(CodeIn):
    version: int = Field(..., description="the version you read (GET returns it)")


CodePatch = patch_model(CodeIn)


class CodeOut(BaseModel):
    id: int
    name: str
    label: str = Field(..., description="in the reader's language (?lang=) for codebook codes")
    section: str | None = Field(None, description="codebook section of a codebook code")
    parent: str | None
    colour: str = Field(..., description="its own colour, or the one the coding screen uses")
    definition: str | None
    origin: str = Field(..., description="codebook (read-only) or user")
    codings: int
    version: int


def code_json(session: Session, request: Request, code: Code, used: int) -> dict:
    codebook = web_context(request).codebook
    parent = session.get(Code, code.parent_id) if code.parent_id else None
    return {
        "id": code.id,
        "name": code.name,
        "label": code_label(codebook, code, request_language(request)),
        "section": code_section(codebook, code.name) if code.origin == "codebook" else None,
        "parent": parent.name if parent else None,
        "colour": code_colour(code.name, code.colour),
        "definition": code.definition,
        "origin": code.origin,
        "codings": used,
        "version": code.version,
    }


@router.get("", response_model=PageOut[CodeOut])
def list_(
    request: Request,
    origin: str | None = Query(None, description="codebook or user"),
    page: int = Query(1, ge=1),
    per_page: int = Query(500, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        framework_codes(session, ctx.codebook)  # the codebook's codes exist from the start
        usage = code_usage(session)
        chunk = paginate(list_codes(session, origin or None), page, per_page)
        return page_out(
            chunk, [code_json(session, request, c, usage.get(c.id, 0)) for c in chunk.items]
        )


@router.get("/{ref}", response_model=CodeOut)
def get(request: Request, ref: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        framework_codes(session, ctx.codebook)
        code = find_code(session, ref)
        used = code_usage(session).get(code.id, 0)
        return tagged(response, code_json(session, request, code, used))


@router.post("", response_model=CodeOut, status_code=201)
def create(
    request: Request, body: CodeIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        code = save_user_code(session, ctx.codebook, body.model_dump(), who.name)
        return created(response, f"/api/v1/codes/{code.id}", code_json(session, request, code, 0))


def _save(request: Request, session: Session, ref: str, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    code = save_user_code(session, ctx.codebook, data, who.name, ref=ref, version=version)
    return code_json(session, request, code, code_usage(session).get(code.id, 0))


@router.put("/{ref}", response_model=CodeOut)
def update(
    request: Request,
    ref: str,
    body: CodeUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(request, session, ref, data, body.version, who))


def _stored(session: Session, code: Code) -> dict:
    """A user code as its PUT takes it (its own colour, not the one shown for it)."""
    parent = session.get(Code, code.parent_id) if code.parent_id else None
    return {
        "name": code.name,
        "parent": parent.name if parent else None,
        "colour": code.colour,
        "definition": code.definition,
    }


@router.patch("/{ref}", response_model=CodeOut)
def patch(
    request: Request,
    ref: str,
    changes: CodePatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    with web_context(request).session() as session:
        code = find_code(session, ref)
        patched = apply_patch(CodeIn, _stored(session, code), changes, if_match, f"code '{ref}'")
        return tagged(response, _save(request, session, ref, patched.data(), patched.version, who))


@router.delete("/{ref}", status_code=204)
def delete(
    request: Request,
    ref: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete a user code at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"code '{ref}'")
    return deleted(request, lambda s: delete_user_code(s, ref, who.name, version))
