"""The analysis pages: an overview of every analysis and one page per analysis.

Each page shows the numbers of the ``analyse all`` document as ``lowpolitics analyse …``
prints them (same rates, intervals, ratios, warnings), the chart the brief draws for it, and
for every figure the ids of the rows behind it. The document comes from the web cache, so
paging through the analyses runs them once per database state.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.web import analysis_cache as cache
from lowpolitics.web.analysis_cache import SECTIONS, Selection, selection
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import request_language
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

PAGES = tuple(name for name in SECTIONS if name != "meta")
# the brief's charts each page shows, drawn from the same document
PAGE_CHARTS = {
    "resilience": ("disruption",),
    "survival": ("survival",),
    "continuity": ("continuity",),
    "reach": ("reach",),
    "network": ("network",),
    "timeline": ("timeline", "mechanism_mix"),
}


def _query(chosen: Selection) -> str:
    return "?" + urlencode(chosen.given) if chosen.given else ""


def _has_curve(section: dict) -> bool:
    return any(block.get("curve") for block in section.get("by_mechanism", {}).values())


@router.get("/analysis")
def overview(
    request: Request,
    who: Principal = requires(VIEWER),
    chosen: Selection = Depends(selection),
) -> Response:
    result = cache.analysis(web_context(request), chosen)
    meta = result.document["meta"]
    return render(
        request,
        "analysis/overview.html.j2",
        {
            "doc": result.document,
            "meta": meta,
            "sections": PAGES,
            "empty": meta["activities"] == 0,
            "given": chosen.given,
            "query": _query(chosen),
            "keys": result.activity_keys,
        },
    )


@router.get("/analysis/{section}")
def analysis_page(
    request: Request,
    section: str,
    who: Principal = requires(VIEWER),
    chosen: Selection = Depends(selection),
) -> Response:
    if section not in PAGES:
        raise NotFoundError(f"no analysis '{section}'; the analyses are: {', '.join(PAGES)}")
    ctx = web_context(request)
    gen = cache.current_generation(ctx)
    result = cache.analysis(ctx, chosen, gen)
    doc = result.section(section)
    meta = result.document["meta"]
    empty = meta["activities"] == 0
    lang = request_language(request)
    names = () if empty else PAGE_CHARTS.get(section, ())
    if section == "survival" and not _has_curve(doc):
        names = ()  # the page says why there is no curve instead of an empty frame
    charts = {name: cache.chart_svg(ctx, name, lang, chosen, gen) for name in names}
    return render(
        request,
        f"analysis/{section}.html.j2",
        {
            "doc": doc,
            "meta": meta,
            "empty": empty,
            "charts": charts,
            "given": chosen.given,
            "query": _query(chosen),
            "keys": result.activity_keys,
            # the resilience page also names what held and what broke in each period
            "held_broken": result.document.get("held_broken") if section == "resilience" else None,
        },
    )
