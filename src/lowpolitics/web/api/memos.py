"""/api/v1/memos — notes on a document, a coding, a code, or the whole project.

Coders write memos and change or remove their own; editors and admins anyone's.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.blind import memos_visible
from lowpolitics.store.corpus import get_document
from lowpolitics.store.corpus_edit import (
    find_code,
    get_coding,
    usable_code,
)
from lowpolitics.store.memos_edit import (
    delete_memo,
    edit_memo,
    get_memo,
    list_memos,
    write_memo,
)
from lowpolitics.store.models import Memo
from lowpolitics.web.auth import CODER, EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

router = APIRouter(prefix="/api/v1/memos", tags=["memos"])


class MemoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    document: str | None = Field(None, description="document id or key")
    coding: int | None = Field(None, description="coding id")
    code: str | None = Field(None, description="code name")


class MemoUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    version: int = Field(..., description="the version you read (GET returns it)")


MemoPatch = patch_model(MemoUpdate)


class MemoOut(BaseModel):
    id: int
    text: str
    author: str
    document_id: int | None
    coding_id: int | None
    code_id: int | None
    created_at: str | None
    version: int


def memo_json(memo: Memo) -> dict:
    return {
        "id": memo.id,
        "text": memo.text,
        "author": memo.author,
        "document_id": memo.document_id,
        "coding_id": memo.coding_id,
        "code_id": memo.code_id,
        "created_at": memo.created_at.isoformat() if memo.created_at else None,
        "version": memo.version,
    }


@router.get("", response_model=PageOut[MemoOut])
def list_(
    request: Request,
    document: str | None = Query(None, description="document id or key"),
    coding: int | None = None,
    code: str | None = Query(None, description="code name"),
    author: str | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        rows = list_memos(
            session,
            document_id=get_document(session, document).id if document else None,
            coding_id=coding,
            code_id=find_code(session, code).id if code else None,
            author=author or None,
        )
        rows = memos_visible(session, rows, who.name, who.can(EDITOR))
        chunk = paginate(rows, page, per_page)
        return page_out(chunk, [memo_json(m) for m in chunk.items])


@router.get("/{memo_id}", response_model=MemoOut)
def get(
    request: Request, memo_id: int, response: Response, who: Principal = requires(VIEWER)
) -> dict:
    with web_context(request).session() as session:
        memo = get_memo(session, memo_id)
        if not memos_visible(session, [memo], who.name, who.can(EDITOR)):
            raise NotFoundError(f"no memo {memo_id}")  # blind coding: not yet to be seen
        return tagged(response, memo_json(memo))


@router.post("", response_model=MemoOut, status_code=201)
def create(
    request: Request, body: MemoIn, response: Response, who: Principal = requires(CODER)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        memo = write_memo(
            session,
            body.text,
            who.name,
            document=get_document(session, body.document) if body.document else None,
            coding=get_coding(session, body.coding) if body.coding is not None else None,
            code=usable_code(session, body.code, ctx.codebook) if body.code else None,
        )
        return created(response, f"/api/v1/memos/{memo.id}", memo_json(memo))


@router.put("/{memo_id}", response_model=MemoOut)
def update(
    request: Request,
    memo_id: int,
    body: MemoUpdate,
    response: Response,
    who: Principal = requires(CODER),
) -> dict:
    with web_context(request).session() as session:
        memo = edit_memo(session, memo_id, body.text, who.name, who.role, body.version)
        return tagged(response, memo_json(memo))


@router.patch("/{memo_id}", response_model=MemoOut)
def patch(
    request: Request,
    memo_id: int,
    changes: MemoPatch,
    response: Response,
    who: Principal = requires(CODER),
    if_match: PatchHeaders = None,
) -> dict:
    """Change the memo's text (a JSON merge patch; the text cannot be cleared)."""
    with web_context(request).session() as session:
        current = memo_json(get_memo(session, memo_id))
        patched = apply_patch(MemoUpdate, current, changes, if_match, f"memo {memo_id}")
        text = patched.record.text
        memo = edit_memo(session, memo_id, text, who.name, who.role, patched.version)
        return tagged(response, memo_json(memo))


@router.delete("/{memo_id}", status_code=204)
def delete(
    request: Request,
    memo_id: int,
    who: Principal = requires(CODER),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the memo at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"memo {memo_id}")
    return deleted(request, lambda s: delete_memo(s, memo_id, who.name, who.role, version))
