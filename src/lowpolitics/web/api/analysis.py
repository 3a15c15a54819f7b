"""/api/v1/stats, /api/v1/analysis and /api/v1/recommendations — the numbers of
``lowpolitics stats``, ``analyse all`` and ``recommend`` over HTTP.

The analysis document comes from the web cache (one run per database state, see
``web.analysis_cache``), so the API, the pages and the dashboard always quote the same run.
Every figure in it carries the ids of the rows behind it; ``GET /api/v1/activities/{id}``
shows each row.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.web import analysis_cache as cache
from lowpolitics.web.analysis_cache import SECTIONS, Selection, selection
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import web_context

router = APIRouter(prefix="/api/v1", tags=["analysis"])

Section = dict[str, Any]


class TensionPeriodOut(BaseModel):
    id: str
    start: str
    end: str | None
    summary: str | None
    sources: list[str]


class StatsOut(BaseModel):
    """What the database holds, counted the obvious ways (``lowpolitics stats``)."""

    activities: int
    context_events: int
    actors: int
    initiatives: int
    sources: int
    activities_with_source: int
    first_date: str | None
    last_date: str | None
    by_mechanism: dict[str, int]
    by_status: dict[str, int]
    by_year: dict[str, int]
    by_year_mechanism: dict[str, dict[str, int]]
    by_region: dict[str, int]
    by_context_kind: dict[str, int]
    tension_periods: list[TensionPeriodOut]


class AnalysisOut(BaseModel):
    """The whole ``lowpolitics analyse all`` document; each section is documented in
    docs/analysis.md and can be fetched alone from ``/api/v1/analysis/{section}``."""

    meta: Section = Field(..., description="what was analysed: versions, data fingerprint")
    resilience: Section = Field(..., description="disruption by mechanism, in and out of tension")
    survival: Section = Field(..., description="Kaplan–Meier curves and the Cox model")
    recovery: Section = Field(..., description="days until each mechanism works again")
    at_risk: Section = Field(..., description="planned activities and their chance of disruption")
    continuity: Section = Field(..., description="joint bodies, commitments, recurring events")
    reach: Section = Field(..., description="participants, women, youth, border regions")
    network: Section = Field(..., description="ties between actors across the border")
    index: Section = Field(..., description="Cultural Diplomacy Index with its sensitivity")
    timeline: Section = Field(..., description="activities by mechanism per year and quarter")
    discourse: Section = Field(
        ..., description="how each side's outlets frame the other: shares, divergence, trend"
    )


class EvidenceOut(BaseModel):
    name: str
    value: int | float | None
    kind: str
    ci: list[float] | None
    n: int | None
    ids: list[str]
    source: str
    label: str
    shown: str


class BenchmarkOut(BaseModel):
    kind: str
    text: str
    source: str


class RecommendationOut(BaseModel):
    id: str
    priority: int
    state: Literal["fired", "thin", "no_data", "silent"]
    reason: str | None
    undecided: bool = False  # thin because an interval straddles, not for want of cases
    condition: str
    finding: str | None
    recommendation: str
    options: list[str]
    evidence: list[EvidenceOut]
    prescription: str | None = None
    prescription_label: str | None = None
    benchmark: BenchmarkOut | None = None


class RecommendationsOut(BaseModel):
    """Every rule's state: ``fired`` (speaks: the whole interval is beyond the threshold),
    ``silent`` (condition false on the values and on every bound), ``thin`` (too few cases,
    or an interval straddling the threshold — then ``undecided``) or ``no_data`` (a figure it
    needs is missing), with its benchmark."""

    language: str
    rules_version: str
    counts: dict[str, int]
    recommendations: list[RecommendationOut]


@router.get("/stats", response_model=StatsOut)
def stats(request: Request, who: Principal = requires(VIEWER)) -> dict:
    return cache.stats(web_context(request))


@router.get("/analysis", response_model=AnalysisOut)
def whole_document(
    request: Request,
    who: Principal = requires(VIEWER),
    chosen: Selection = Depends(selection),
) -> dict:
    return cache.analysis(web_context(request), chosen).document


@router.get("/analysis/{section}", response_model=Section)
def one_section(
    request: Request,
    section: str = Path(
        ...,
        description="one section of the document",
        json_schema_extra={"enum": list(SECTIONS)},
    ),
    who: Principal = requires(VIEWER),
    chosen: Selection = Depends(selection),
) -> dict:
    if section not in SECTIONS:
        raise NotFoundError(
            f"no analysis section '{section}'; the sections are: {', '.join(SECTIONS)}"
        )
    return cache.analysis(web_context(request), chosen).section(section)


@router.get("/recommendations", response_model=RecommendationsOut)
def recommendations(
    request: Request,
    lang: Literal["en", "ru"] = Query("en", description="language of the texts"),
    who: Principal = requires(VIEWER),
    chosen: Selection = Depends(selection),
) -> dict:
    return cache.recommendations(web_context(request), lang, chosen)
