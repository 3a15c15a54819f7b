"""/api/v1/coding-settings and the done marks of blind coding.

With blind coding on, a coder sees only their own codings of a document until they mark it
done (POST /api/v1/documents/{ref}/codings/done); editors and admins see everything, turn
blind coding on or off, and can reopen a document for a coder.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.blind import (
    blind_coding,
    done_coders,
    is_done,
    mark_done,
    reopen,
    set_blind_coding,
)
from lowpolitics.store.corpus import get_document
from lowpolitics.web.auth import CODER, EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context

router = APIRouter(prefix="/api/v1", tags=["codings"])


class CodingSettingsOut(BaseModel):
    blind: bool = Field(..., description="coders see only their own codings until done")


class CodingSettingsIn(BaseModel):
    blind: bool


class DoneOut(BaseModel):
    document: str
    done_by: list[str] = Field(..., description="coders who marked the document done")
    you_are_done: bool
    hidden_from_you: bool = Field(..., description="others' codings are hidden from you")


@router.get("/coding-settings", response_model=CodingSettingsOut)
def settings(request: Request, who: Principal = requires(VIEWER)) -> dict:
    with web_context(request).session() as session:
        return {"blind": blind_coding(session)}


@router.put("/coding-settings", response_model=CodingSettingsOut)
def change_settings(
    request: Request, body: CodingSettingsIn, who: Principal = requires(EDITOR)
) -> dict:
    """Turn blind coding on or off for the whole team (audited)."""
    with web_context(request).session() as session:
        set_blind_coding(session, body.blind, who.name)
        return {"blind": blind_coding(session)}


def _done(session, document, who: Principal) -> dict:
    done = is_done(session, document.id, who.name)
    hidden = blind_coding(session) and not done and not who.can(EDITOR)
    return {
        "document": document.key,
        "done_by": done_coders(session, document.id),
        "you_are_done": done,
        "hidden_from_you": hidden,
    }


@router.get("/documents/{ref}/done", response_model=DoneOut)
def done_marks(request: Request, ref: str, who: Principal = requires(VIEWER)) -> dict:
    with web_context(request).session() as session:
        return _done(session, get_document(session, ref), who)


@router.post("/documents/{ref}/codings/done", response_model=DoneOut)
def mark(request: Request, ref: str, who: Principal = requires(CODER)) -> dict:
    """The caller finished coding this document: they now see everyone's codings of it, and
    (while blind coding is on) can no longer change theirs."""
    with web_context(request).session() as session:
        document = get_document(session, ref)
        mark_done(session, document, who.name)
        return _done(session, document, who)


@router.delete("/documents/{ref}/done/{coder}", status_code=204)
def unmark(request: Request, ref: str, coder: str, who: Principal = requires(EDITOR)) -> None:
    """Reopen the document for ``coder`` (they may change their codings again)."""
    with web_context(request).session() as session:
        if not reopen(session, get_document(session, ref), coder, who.name):
            raise NotFoundError(f"'{coder}' has not marked document '{ref}' done")
