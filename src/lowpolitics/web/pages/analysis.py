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

from lowpolitics.framework.errors import CellError, InputError, NotFoundError
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
    "discourse": ("discourse_trend", "discourse_divergence"),
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


@router.get("/analysis/discourse/kwic")
def discourse_kwic(
    request: Request,
    term: str,
    lang: str,
    texts: str = "",
    who: Principal = requires(VIEWER),
) -> Response:
    """Key-word-in-context lines for one key stem, in the texts the keyness table named (at
    most ten: the page never scans the whole store)."""
    from sqlalchemy import select

    from lowpolitics.analysis.keyness import concordance
    from lowpolitics.store.discourse_models import CodedText, Outlet
    from lowpolitics.store.models import Document

    keys = [k for k in texts.split(",") if k][:10]
    lines, coded = [], []
    with web_context(request).session() as session:
        for document in session.scalars(select(Document).where(Document.key.in_(keys))):
            for left, word, right, _offset in concordance(document.text, lang, term):
                lines.append({"key": document.key, "left": left, "word": word, "right": right})
        rows = session.execute(
            select(CodedText, Outlet.key)
            .outerjoin(Outlet, Outlet.id == CodedText.outlet_id)
            .where(CodedText.key.in_(keys))
            .order_by(CodedText.published_on)
        )
        for text, outlet in rows:
            coded.append(
                {
                    "key": text.key,
                    "date": text.published_on.isoformat(),
                    "outlet": outlet,
                    "frame": text.frame,
                    "count": (text.stems or {}).get(term, 0),
                    "url": text.url,
                }
            )
    return render(
        request,
        "analysis/kwic.html.j2",
        {"term": term, "lang": lang, "lines": lines, "coded": coded},
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
    filters: dict[str, str] = {}
    if section == "discourse":
        doc, filters = _filtered_discourse(request, ctx, chosen, gen, doc)
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
            # … and the comparison under each definition of tension and of cooperation
            "sensitivity": result.document.get("sensitivity") if section == "resilience" else None,
            "filters": filters,
            "genres": ctx.codebook.genre_codes,
        },
    )


def _filtered_discourse(request: Request, ctx, chosen: Selection, gen: int, doc: dict):
    """The discourse section for one genre and/or outlet (``?genre=&outlet=``): the whole
    document's section when none is chosen, else the same analysis on the chosen texts,
    computed once per database state and choice."""
    genre = (request.query_params.get("genre") or "").strip()
    outlet = (request.query_params.get("outlet") or "").strip()
    if genre and genre not in ctx.codebook.genre_codes:
        raise InputError([CellError("query", None, "genre", genre[:80], "a genre of the codebook")])
    if not genre and not outlet:
        return doc, {}
    from lowpolitics.analysis.discourse import discourse_database
    from lowpolitics.analysis.discourse_units import UnitFilter

    keep = UnitFilter(
        genres=(genre,) if genre else None, outlets=(outlet[:100],) if outlet else None
    )
    filtered = cache.memo(ctx).get(
        gen,
        ("discourse", chosen.key, genre, outlet[:100]),
        lambda: discourse_database(ctx.engine, ctx.codebook, chosen.options, keep).to_dict(),
    )
    return filtered, {"genre": genre, "outlet": outlet[:100]}
