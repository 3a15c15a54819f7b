"""The dashboard at ``/``: what the database holds, the timeline, the latest activities, the
at-risk list, the recommendations that speak and the warnings that come with small samples.

Everything shown comes from the cached analysis run (``web.analysis_cache``) and from
``compute_stats``, so the dashboard quotes the same numbers as the CLI and the brief.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from lowpolitics.analysis.options import GRACE_DAYS
from lowpolitics.framework.i18n import pick, translator
from lowpolitics.report.findings import caveats
from lowpolitics.store.models import Activity
from lowpolitics.web import analysis_cache as cache
from lowpolitics.web.activity_views import unknown_outcome_keys
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import request_language
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

LATEST = 10
# analyses whose warnings the dashboard lists, in the order of the analysis pages
WARNED = (
    "resilience",
    "survival",
    "recovery",
    "at_risk",
    "continuity",
    "reach",
    "network",
    "index",
)


def _titles(ctx, keys: list[str], lang: str) -> dict[str, tuple[str, str]]:
    """Each listed row's title in the reader's language where the row has one (else Russian
    for Kyrgyz and Tajik readers, else English), with the language it is in — one query for
    the rows shown, not for the whole registry."""
    columns = (
        Activity.key,
        Activity.title,
        Activity.title_ru,
        Activity.title_ky,
        Activity.title_tg,
    )
    with ctx.session() as session:
        rows = session.execute(select(*columns).where(Activity.key.in_(keys))).all()
    return {
        key: pick({"en": en, "ru": ru, "ky": ky, "tg": tg}, lang) for key, en, ru, ky, tg in rows
    }


@router.get("/")
def dashboard(
    request: Request,
    chosen: cache.Selection = Depends(cache.selection),
    who: Principal = requires(VIEWER),
) -> Response:
    """The analysis options of the analysis pages apply here too (``?contact=bilateral``…), so
    the dashboard can be read under every definition of a cooperative row, not only the
    default one; each choice is its own cached result."""
    ctx = web_context(request)
    lang = request_language(request)
    gen = cache.current_generation(ctx)
    stats = cache.stats(ctx, gen)
    result = cache.analysis(ctx, chosen, gen)
    empty = stats["activities"] == 0
    recs = cache.recommendations(ctx, lang, chosen, gen)
    latest = sorted(result.dataset.activities, key=lambda a: (a.date.start, a.key), reverse=True)[
        :LATEST
    ]
    titles = _titles(ctx, [a.key for a in latest], lang)
    # planned and past their date by more than the grace period: flagged, and counted with a
    # link to the planned activities dated before the cut-off
    today = ctx.today()
    unknown = unknown_outcome_keys(result.dataset.activities, ctx.codebook, today)
    cutoff = today - timedelta(days=GRACE_DAYS)
    return render(
        request,
        "dashboard.html.j2",
        {
            "empty": empty,
            "stats": stats,
            "sourced_share": stats["activities_with_source"] / stats["activities"]
            if stats["activities"]
            else None,
            "document": result.document,
            "resilience": result.document["resilience"],
            "at_risk": result.document["at_risk"],
            "keys": result.activity_keys,
            "latest": latest,
            "unknown_outcome": unknown,
            "unknown_cutoff": cutoff.isoformat(),
            "grace_days": GRACE_DAYS,
            "titles": titles,
            "timeline_svg": None if empty else cache.chart_svg(ctx, "timeline", lang, chosen, gen),
            "given": chosen.given,
            "contact_block": result.document.get("meta", {}).get("contact"),
            "recs": recs,
            # the brief's plain statements of where data are thin, in the reader's language;
            # the analyses' own notes (English, technical) follow them
            "caveats": [] if empty else caveats(result.document, recs, lang, translator(lang)),
            "advice_note": cache.advice_language(lang) != lang,
            "warned": WARNED,
        },
    )
