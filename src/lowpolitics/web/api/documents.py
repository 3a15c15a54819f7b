"""/api/v1/documents — the corpus over HTTP, its codings, and /api/v1/search.

A document is named by its id or its key. Its text never changes once stored (codings point
into it by code-point offsets); PUT changes the metadata only.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.blind import visible_clause
from lowpolitics.store.corpus import codings, get_document
from lowpolitics.store.corpus_edit import (
    DocumentFilter,
    code_span,
    coding_counts,
    coding_versions,
    create_document,
    delete_document,
    list_documents,
    update_document,
)
from lowpolitics.store.models import Coding
from lowpolitics.store.search import search
from lowpolitics.web.api.codings import CodingOut
from lowpolitics.web.auth import CODER, EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import coding_json, document_json
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

SEARCH_LIMIT = 100_000  # search() ranks every match anyway; pages cut the list

documents = APIRouter(prefix="/api/v1/documents", tags=["documents"])
searching = APIRouter(prefix="/api/v1/search", tags=["documents"])


class DocumentIn(BaseModel):
    """Metadata as in the side CSV of ``lowpolitics import documents``."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., examples=["Дни культуры Таджикистана в Бишкеке"])
    language: str | None = Field(None, description="ru, ky, tg, en, uz or other")
    published_on: str | None = Field(None, description="YYYY-MM-DD", examples=["2023-05-17"])
    outlet: str | None = None
    country: str | None = Field(None, examples=["KG"])
    genre: str | None = None
    url: str | None = None


class DocumentCreate(DocumentIn):
    text: str = Field(..., description="stored NFC with LF line ends; offsets refer to that")


class DocumentUpdate(DocumentIn):
    version: int = Field(..., description="the version you read (GET returns it)")


DocumentPatch = patch_model(DocumentIn)


class DocumentSummary(BaseModel):
    id: int
    key: str
    title: str | None
    language: str | None
    published_on: str | None
    outlet: str | None
    country: str | None
    genre: str | None
    url: str | None
    filename: str | None
    version: int
    codings_people: int
    codings_automatic: int


class DocumentOut(DocumentSummary):
    text: str
    length: int = Field(..., description="length of the text in code points")


class CodingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., description="a code name (GET /api/v1/codes)", examples=["societal"])
    start: int = Field(..., ge=0, description="first code point of the span")
    end: int = Field(..., ge=1, description="code point after the span (exclusive)")
    memo: str | None = Field(None, description="a memo attached to the new coding")


class SnippetOut(BaseModel):
    start: int
    end: int
    match: str
    left: str
    right: str
    context_start: int


class SearchHitOut(BaseModel):
    document_id: int
    key: str
    title: str | None
    language: str | None
    published_on: str | None
    score: float
    snippets: list[SnippetOut]


def _bool(value: str | None, name: str) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise InputError([CellError("query", None, name, value, "true or false")])


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError([CellError("query", None, name, value, "a date YYYY-MM-DD")]) from None


@documents.get("", response_model=PageOut[DocumentSummary])
def list_(
    request: Request,
    language: str | None = None,
    genre: str | None = None,
    country: str | None = None,
    outlet: str | None = None,
    coded: str | None = Query(None, description="true: coded by a person; false: not yet"),
    q: str | None = Query(None, description="full-text search (see /api/v1/search)"),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        ids = None
        if q:
            ids = [h.document_id for h in search(session, q, limit=SEARCH_LIMIT)]
        flt = DocumentFilter(language, genre, country, outlet, _bool(coded, "coded"), ids)
        visible = visible_clause(session, who.name, who.can(EDITOR))  # blind coding
        rows = list_documents(session, flt, visible)
        if ids is not None:
            rank = {doc_id: n for n, doc_id in enumerate(ids)}
            rows.sort(key=lambda d: rank[d.id])
        chunk = paginate(rows, page, per_page)
        counts = coding_counts(session, [d.id for d in chunk.items], visible)
        return page_out(chunk, [document_json(d, counts[d.id]) for d in chunk.items])


@documents.get("/{ref}", response_model=DocumentOut)
def get(request: Request, ref: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    with web_context(request).session() as session:
        document = get_document(session, ref)
        visible = visible_clause(session, who.name, who.can(EDITOR))  # blind coding
        counts = coding_counts(session, [document.id], visible)[document.id]
        return tagged(response, document_json(document, counts, with_text=True))


@documents.post("", response_model=DocumentOut, status_code=201)
def create(
    request: Request, body: DocumentCreate, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    with web_context(request).session() as session:
        document = create_document(session, body.model_dump(), who.name)
        out = document_json(document, with_text=True)
        return created(response, f"/api/v1/documents/{document.id}", out)


def _save(session, ref: str, data: dict, version: int, who) -> dict:
    document = update_document(session, ref, data, who.name, version)
    counts = coding_counts(session, [document.id])[document.id]
    return document_json(document, counts, with_text=True)


@documents.put("/{ref}", response_model=DocumentOut)
def update(
    request: Request,
    ref: str,
    body: DocumentUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(session, ref, data, body.version, who))


@documents.patch("/{ref}", response_model=DocumentOut)
def patch(
    request: Request,
    ref: str,
    changes: DocumentPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the metadata given (a JSON merge patch); ``null`` clears an optional
    field. The text never changes."""
    with web_context(request).session() as session:
        current = document_json(get_document(session, ref))
        patched = apply_patch(DocumentIn, current, changes, if_match, f"document '{ref}'")
        return tagged(response, _save(session, ref, patched.data(), patched.version, who))


@documents.delete("/{ref}", status_code=204)
def delete(
    request: Request,
    ref: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the document (and its codings) at the version you read: ``?version=N`` or
    ``If-Match: "N"``."""
    version = expected.required(f"document '{ref}'")
    return deleted(request, lambda s: delete_document(s, ref, who.name, version))


@documents.get("/{ref}/codings", response_model=PageOut[CodingOut])
def codings_of(
    request: Request,
    ref: str,
    coder: str | None = None,
    automatic: str | None = Query(None, description="true: only auto:… coders; false: people"),
    page: int = Query(1, ge=1),
    per_page: int = Query(500, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        document = get_document(session, ref)
        rows = codings(session, document, coder=coder or None)
        visible = visible_clause(session, who.name, who.can(EDITOR))
        if visible is not None:  # blind coding
            query = select(Coding.id).where(Coding.document_id == document.id, visible)
            shown = set(session.scalars(query))
            rows = [c for c in rows if c.id in shown]
        machine = _bool(automatic, "automatic")
        if machine is not None:
            rows = [c for c in rows if bool(c.automatic) == machine]
        chunk = paginate(rows, page, per_page)
        versions = coding_versions(session, [c.id for c in chunk.items])
        return page_out(chunk, [coding_json(session, c, versions[c.id]) for c in chunk.items])


@documents.post("/{ref}/codings", response_model=CodingOut, status_code=201)
def code(
    request: Request,
    ref: str,
    body: CodingIn,
    response: Response,
    who: Principal = requires(CODER),
) -> dict:
    """Code the span [start, end) — code points of the stored text — as the caller."""
    ctx = web_context(request)
    with ctx.session() as session:
        document = get_document(session, ref)
        coding = code_span(
            session, document, body.code, body.start, body.end, who.name, body.memo, ctx.codebook
        )
        return created(response, f"/api/v1/codings/{coding.id}", coding_json(session, coding, 1))


@searching.get("", response_model=PageOut[SearchHitOut])
def search_(
    request: Request,
    q: str = Query(..., description='words (stemmed), prefix*, "a phrase"; all must match'),
    lang: str | None = Query(None, description="only documents in this language"),
    date_from: str | None = Query(None, description="published on or after, YYYY-MM-DD"),
    date_to: str | None = Query(None, description="published on or before, YYYY-MM-DD"),
    window: int = Query(60, ge=0, le=500, description="code points of context either side"),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        hits = search(
            session,
            q,
            lang=lang or None,
            date_from=_day(date_from, "date_from"),
            date_to=_day(date_to, "date_to"),
            limit=SEARCH_LIMIT,
            window=window,
        )
    chunk = paginate(hits, page, per_page)
    return page_out(chunk, [h.as_dict() for h in chunk.items])


router = APIRouter()
router.include_router(documents)
router.include_router(searching)
