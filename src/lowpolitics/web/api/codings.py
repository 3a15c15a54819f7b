"""/api/v1/codings — one coding at a time — and /api/v1/reliability between two coders.

New codings are made under their document (POST /api/v1/documents/{ref}/codings). A coder
changes or removes only their own codings; editors and admins anyone's (automatic ones
included). Codings have no version column: their ``version`` counts the audited changes.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from lowpolitics.framework.errors import ForbiddenError, NotFoundError
from lowpolitics.store.blind import blind_coding, visible_clause
from lowpolitics.store.corpus import get_document
from lowpolitics.store.corpus_edit import coding_versions, find_code, get_coding, recode, uncode
from lowpolitics.store.models import Coding
from lowpolitics.web.auth import CODER, EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import agreement, coding_json
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

codings_router = APIRouter(prefix="/api/v1/codings", tags=["codings"])
reliability_router = APIRouter(prefix="/api/v1/reliability", tags=["codings"])
BLIND_AGREEMENT = "blind coding is on: agreement between coders is shown to editors and admins only"


class CodingOut(BaseModel):
    id: int
    document_id: int
    document: str = Field(..., description="the document's key")
    code: str
    start: int = Field(..., description="first code point of the span")
    end: int = Field(..., description="code point after the span (exclusive)")
    text: str
    coder: str = Field(..., description="a user name, or auto:<model>")
    automatic: bool
    confidence: float | None
    created_at: str | None
    version: int


class CodingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., description="the new code's name")
    version: int | None = Field(None, description="refuse if the coding changed since")


CodingPatch = patch_model(CodingUpdate)


class StatsOut(BaseModel):
    percent_agreement: float | None
    unanimous: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    n_units: int = Field(..., description="units coded by both coders")
    small_sample: bool
    n_documents: int | None = None


class DisagreementOut(BaseModel):
    document: str
    start: int
    end: int
    text: str
    codes: dict[str, list[str] | None] = Field(..., description="coder → codes (null: not coded)")


class ReliabilityOut(BaseModel):
    coders: list[str]
    unit: str
    codes: list[str]
    documents: list[str]
    overall: StatsOut
    by_code: dict[str, StatsOut]
    disagreements: list[DisagreementOut]
    methods: dict[str, str]
    warnings: list[str]
    small_sample_threshold: int


@codings_router.get("", response_model=PageOut[CodingOut])
def list_(
    request: Request,
    document: str | None = Query(None, description="document id or key"),
    coder: str | None = None,
    code: str | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        query = select(Coding).order_by(Coding.document_id, Coding.start, Coding.id)
        if document:
            query = query.where(Coding.document_id == get_document(session, document).id)
        if coder:
            query = query.where(Coding.coder == coder)
        if code:
            query = query.where(Coding.code_id == find_code(session, code).id)
        visible = visible_clause(session, who.name, who.can(EDITOR))
        if visible is not None:  # blind coding: the caller's own, and where they are done
            query = query.where(visible)
        chunk = paginate(list(session.scalars(query)), page, per_page)
        versions = coding_versions(session, [c.id for c in chunk.items])
        return page_out(chunk, [coding_json(session, c, versions[c.id]) for c in chunk.items])


@codings_router.get("/{coding_id}", response_model=CodingOut)
def get(
    request: Request, coding_id: int, response: Response, who: Principal = requires(VIEWER)
) -> dict:
    with web_context(request).session() as session:
        coding = get_coding(session, coding_id)
        visible = visible_clause(session, who.name, who.can(EDITOR))
        if visible is not None and not session.scalar(
            select(Coding.id).where(Coding.id == coding_id, visible)
        ):
            raise NotFoundError(f"no coding {coding_id}")  # blind coding: not yet to be seen
        return tagged(response, coding_json(session, coding))


@codings_router.put("/{coding_id}", response_model=CodingOut)
def update(
    request: Request,
    coding_id: int,
    body: CodingUpdate,
    response: Response,
    who: Principal = requires(CODER),
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        coding = recode(
            session, coding_id, body.code, who.name, who.role, body.version, ctx.codebook
        )
        return tagged(response, coding_json(session, coding))


@codings_router.patch("/{coding_id}", response_model=CodingOut)
def patch(
    request: Request,
    coding_id: int,
    changes: CodingPatch,
    response: Response,
    who: Principal = requires(CODER),
    if_match: PatchHeaders = None,
) -> dict:
    """Give the coding another code (a JSON merge patch; the span and coder stay)."""
    ctx = web_context(request)
    with ctx.session() as session:
        current = coding_json(session, get_coding(session, coding_id))
        patched = apply_patch(CodingUpdate, current, changes, if_match, f"coding {coding_id}")
        code = patched.record.code
        coding = recode(session, coding_id, code, who.name, who.role, patched.version, ctx.codebook)
        return tagged(response, coding_json(session, coding))


@codings_router.delete("/{coding_id}", status_code=204)
def delete(
    request: Request,
    coding_id: int,
    who: Principal = requires(CODER),
    expected: DeleteVersion = None,
) -> Response:
    """Remove the coding at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"coding {coding_id}")
    return deleted(request, lambda s: uncode(s, coding_id, who.name, who.role, version))


@reliability_router.get("", response_model=ReliabilityOut)
def reliability_(
    request: Request,
    coder_a: str = Query(..., description="a user name or auto:<model>"),
    coder_b: str = Query(..., description="a user name or auto:<model>"),
    unit: str = Query("segment", description="segment (sentences) | character"),
    who: Principal = requires(VIEWER),
) -> dict:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha, overall and per code, over
    the documents both coders coded (as ``lowpolitics reliability``)."""
    with web_context(request).session() as session:
        if blind_coding(session) and not who.can(EDITOR):
            raise ForbiddenError(BLIND_AGREEMENT)
        return agreement(session, coder_a, coder_b, unit)


router = APIRouter()
router.include_router(codings_router)
router.include_router(reliability_router)
