"""The policy brief: one self-contained HTML file (inline CSS and SVG) and its PDF.

Built from one ``analyse all`` document, the recommendations evaluated on it, and the list of
sources, so that every number in the brief is a number of the analyses. All text goes through
the translation catalogues; ``--lang ru`` gives a brief with no English left in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import Environment, select_autoescape

from lowpolitics.analysis.contact_scope import contact_scope_text
from lowpolitics.analysis.dataset import Dataset
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.i18n import translator
from lowpolitics.report.brief_sections import continuity_section, restart_section
from lowpolitics.report.discourse_section import discourse_section
from lowpolitics.report.findings import caveats, chart_readings, key_findings, not_charted, num
from lowpolitics.report.held_broken_page import day, held_broken_page
from lowpolitics.report.records import Citations, RecordRef

LANGUAGES = ("en", "ru", "ky", "tg")
# what the brief charts, in order; the survival curves, the disruption rates by mechanism and
# the mix of mechanisms are left out (their groups in tension are below the small-sample
# threshold, and the timeline already shows the mix) and the brief says so in one line
SHOWN_IDS = 8  # ids shown per figure (the rest counted); the brief lists the shown ones
CHART_ORDER = ("timeline", "disruption", "reach", "continuity", "border_map")


@dataclass
class BriefInputs:
    document: dict
    recommendations: dict
    codebook: Codebook
    lang: str = "en"
    sources: list[str] = field(default_factory=list)
    dataset: Dataset | None = None
    with_charts: bool = True
    points: list[dict] | None = None  # cooperative activities at their places, for the map
    clashes: list[dict] | None = None  # security events at known places, for the map
    records: dict[str, RecordRef] = field(default_factory=dict)  # id → title, date, source


def _chart_titles(_) -> dict[str, str]:
    return {
        "timeline": _("Cooperative activities by mechanism and year, with disruptions"),
        "disruption": _("Disruption in tension and outside"),
        "reach": _("Whom the activities reach"),
        "continuity": _("Sessions of joint bodies"),
        "border_map": _("Where the activities take place, and where clashes happened"),
    }


def _charts(inputs: BriefInputs, _) -> list[dict]:
    if not inputs.with_charts:
        return []
    # heavy imports, only when drawing
    from lowpolitics.report.charts import all_charts, to_svg

    charts = all_charts(
        inputs.document,
        inputs.codebook,
        inputs.lang,
        _,
        dataset=inputs.dataset,
        points=inputs.points,
        clashes=inputs.clashes if inputs.clashes is not None else [],
        zoom=True,
    )
    readings = chart_readings(inputs.document, inputs.codebook, inputs.lang, _)
    titles = _chart_titles(_)
    skip = not_charted(inputs.document, _)["skip"]
    out = []
    for name in CHART_ORDER:
        chart = charts.get(name)
        if chart is None or name in skip:
            continue
        if name != "border_map":  # the caption carries the title; in-chart titles in Russian
            chart = chart.properties(title="")  # widen a figure until its text is too small
        out.append(
            {
                "name": name,
                "title": titles[name],
                "svg": to_svg(chart, inputs.lang),
                "reading": readings.get(name, ""),
            }
        )
    return out


def _sources(urls: list[str]) -> dict:
    domains = Counter(urlparse(u).netloc.removeprefix("www.") for u in urls if u)
    return {
        "n": len(set(urls)),
        "domains": domains.most_common(12),
        "other_domains": max(0, len(domains) - 12),
    }


def _periods(document: dict, lang: str) -> list[dict]:
    return [
        {
            "start": day(p["start"], lang),
            "end": day(p["end"], lang),
            "days": p["days"],
            "origin": p["origin"],
            "sources": len(p.get("sources") or []),
        }
        for p in (document.get("resilience") or {}).get("periods") or []
    ]


def _recommendations(rec: dict, citations: Citations) -> tuple[list, list, list]:
    """Fired and thin recommendations with their figures (ids cited), and those without data."""
    fired, thin, none = [], [], []
    for r in rec.get("recommendations", []):
        for e in r.get("evidence") or []:
            citations.cite((e.get("ids") or [])[:SHOWN_IDS])
        {"fired": fired, "thin": thin, "no_data": none}.get(r["state"], []).append(r)
    return fired, thin, none


def _period_method(periods: list[dict], _) -> str:
    origins = {p["origin"] for p in periods}
    if not periods:
        return _("No tension periods: none declared and no security event meets the rule.")
    if origins == {"declared"}:
        return _(
            "Tension periods are declared by hand in the context data, each with "
            "its sources, and used as given."
        )
    return _(
        "Tension periods are derived from security events: each event opens "
        "a window that grows with its severity and deaths; overlapping "
        "windows merge."
    )


def context(inputs: BriefInputs) -> dict:
    """Everything the template shows, already translated and formatted."""
    lang, _ = inputs.lang, translator(inputs.lang)
    meta = inputs.document.get("meta") or {}
    records = meta.get("records") or {}
    rec = inputs.recommendations
    citations = Citations(records=inputs.records)
    page_one = held_broken_page(inputs.document, inputs.codebook, lang, _, citations)
    fired, thin, none = _recommendations(rec, citations)
    timeline = (inputs.document.get("timeline") or {}).get("by_year") or []
    periods = _periods(inputs.document, lang)
    return {
        "lang": lang,
        "_": _,
        "title": _("Cultural cooperation between Kyrgyzstan and Tajikistan"),
        "subtitle": _("What holds when tension rises — policy brief"),
        "covered": {
            "activities": num(records.get("cooperative_units", meta.get("activities", 0)), lang),
            "statements": num(records.get("statements", 0), lang),
            "restrictions": num(records.get("restrictions", 0), lang),
            "events": num(meta.get("context_events", 0), lang),
            "first": timeline[0]["period"] if timeline else "—",
            "last": timeline[-1]["period"] if timeline else "—",
            # "data as of" is the latest record, not the day the brief was run
            "as_of": day(meta.get("last_record"), lang),
            # which cooperative rows every count of the brief includes (``--contact``)
            "counted": contact_scope_text(meta.get("contact"), inputs.codebook, lang),
        },
        "held_broken": page_one,
        "findings": key_findings(inputs.document, inputs.codebook, lang, _),
        "recommendations": fired,
        "thin": thin,
        "quiet": none,
        "continuity": continuity_section(inputs.document, lang, _, citations),
        "restart": restart_section(inputs.document, inputs.codebook, lang, _, citations),
        "discourse": discourse_section(
            inputs.document, inputs.codebook, lang, _, with_chart=inputs.with_charts
        ),
        "charts": _charts(inputs, _),
        "not_charted": not_charted(inputs.document, _),
        "periods": periods,
        "period_method": _period_method(periods, _),
        "caveats": caveats(inputs.document, rec, lang, _),
        "sources": _sources(inputs.sources),
        "cited": [
            {
                "id": r.id,
                "date": day(r.date, lang, r.precision),
                "title": r.title(lang),
                "source": r.source,
            }
            for r in citations.listed()
        ],
        "stamp": {
            "fingerprint": (meta.get("data_fingerprint") or "")[:16],
            "codebook": meta.get("codebook_version", ""),
            "software": meta.get("software", ""),
            "generated": (meta.get("generated_at") or "")[:10],
            "generated_shown": day((meta.get("generated_at") or "")[:10] or None, lang),
            "rules": rec.get("rules_version", ""),
        },
    }


def render_html(ctx: dict) -> str:
    env = Environment(
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )
    template = resources.files("lowpolitics.report").joinpath("templates/brief.html.j2")
    return env.from_string(template.read_text(encoding="utf-8")).render(**ctx)


def write_brief(inputs: BriefInputs, out_dir: Path) -> tuple[Path, Path]:
    """Write ``brief.html`` and ``brief.pdf`` into ``out_dir``; return both paths."""
    from weasyprint import HTML  # imported late: it loads Pango, which takes a moment

    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_html(context(inputs))
    html_path, pdf_path = out_dir / "brief.html", out_dir / "brief.pdf"
    html_path.write_text(html, encoding="utf-8")
    HTML(string=html, base_url=str(out_dir)).write_pdf(pdf_path)
    return html_path, pdf_path
