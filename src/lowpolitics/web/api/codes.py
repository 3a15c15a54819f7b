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
from lowpolitics.web.crud import VersionQuery, created, deleted
from lowpolitics.web.i18n import request_language
from lowpolitics.web.paging import PageOut, page_out, paginate

router = APIRouter(prefix="/api/v1/codes", tags=["codes"])


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., examples=["water sharing"])
    parent: str | None = Field(None, description="name of the parent code")
    colour: str | None = Field(None, description="#RRGGBB", examples=["#0072B2"])
    definition: str | None = None


class CodeUpdate(CodeIn):
    version: int = Field(..., description="the version you read (GET returns it)")


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
def get(request: Request, ref: str, who: Principal = requires(VIEWER)) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        framework_codes(session, ctx.codebook)
        code = find_code(session, ref)
        return code_json(session, request, code, code_usage(session).get(code.id, 0))


@router.post("", response_model=CodeOut, status_code=201)
def create(
    request: Request, body: CodeIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        code = save_user_code(session, ctx.codebook, body.model_dump(), who.name)
        return created(response, f"/api/v1/codes/{code.id}", code_json(session, request, code, 0))


@router.put("/{ref}", response_model=CodeOut)
def update(request: Request, ref: str, body: CodeUpdate, who: Principal = requires(EDITOR)) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        code = save_user_code(
            session,
            ctx.codebook,
            body.model_dump(exclude={"version"}),
            who.name,
            ref=ref,
            version=body.version,
        )
        return code_json(session, request, code, code_usage(session).get(code.id, 0))


@router.delete("/{ref}", status_code=204)
def delete(
    request: Request,
    ref: str,
    version: VersionQuery = None,
    who: Principal = requires(EDITOR),
) -> Response:
    return deleted(request, lambda s: delete_user_code(s, ref, who.name, version))
