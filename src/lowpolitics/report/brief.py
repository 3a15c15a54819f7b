"""The policy brief: one self-contained HTML file (inline CSS and SVG) and its PDF.

Built from one ``analyse all`` document, the recommendations evaluated on it, and the list of
sources, so that every number in the brief is a number of the analyses. All text goes through
the translation catalogues; ``--lang ru`` gives a brief with no English left in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

from babel.dates import format_date
from jinja2 import Environment, select_autoescape

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.i18n import translator
from lowpolitics.report.findings import caveats, chart_readings, key_findings, num

LANGUAGES = ("en", "ru")
CHART_ORDER = (
    "timeline",
    "mechanism_mix",
    "disruption",
    "survival",
    "reach",
    "continuity",
    "border_map",
)


@dataclass
class BriefInputs:
    document: dict
    recommendations: dict
    codebook: Codebook
    lang: str = "en"
    sources: list[str] = field(default_factory=list)
    dataset: Dataset | None = None
    with_charts: bool = True
    points: list[dict] | None = None  # activities at their places, for the map


def _chart_titles(_) -> dict[str, str]:
    return {
        "timeline": _("Activities by mechanism and year"),
        "mechanism_mix": _("Mix of mechanisms by year"),
        "disruption": _("Disruption in tension and outside"),
        "survival": _("How long initiatives last before a disruption"),
        "reach": _("Whom the activities reach"),
        "continuity": _("Sessions of joint bodies"),
        "network": _("Ties between organisations"),
        "border_map": _("Where the activities take place"),
    }


def _charts(inputs: BriefInputs, _) -> list[dict]:
    if not inputs.with_charts:
        return []
    # heavy imports, only when drawing
    from lowpolitics.report.chart_network import network_chart
    from lowpolitics.report.charts import all_charts, to_svg

    charts = all_charts(
        inputs.document,
        inputs.codebook,
        inputs.lang,
        _,
        dataset=inputs.dataset,
        points=inputs.points,
    )
    charts["network"] = network_chart(inputs.dataset, inputs.codebook, inputs.lang, _)
    readings = chart_readings(inputs.document, inputs.codebook, inputs.lang, _)
    titles = _chart_titles(_)
    out = []
    for name in CHART_ORDER:
        chart = charts.get(name)
        if chart is None:
            continue
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


def _periods(document: dict) -> list[dict]:
    return [
        {
            "start": p["start"],
            "end": p["end"],
            "days": p["days"],
            "origin": p["origin"],
            "sources": len(p.get("sources") or []),
        }
        for p in (document.get("resilience") or {}).get("periods") or []
    ]


def context(inputs: BriefInputs) -> dict:
    """Everything the template shows, already translated and formatted."""
    lang, _ = inputs.lang, translator(inputs.lang)
    meta = inputs.document.get("meta") or {}
    rec = inputs.recommendations
    fired = [r for r in rec.get("recommendations", []) if r["state"] == "fired"]
    quiet = [
        {
            "recommendation": r["recommendation"],
            "why": _("too few cases") if r["state"] == "thin" else _("no data recorded yet"),
        }
        for r in rec.get("recommendations", [])
        if r["state"] in ("thin", "no_data")
    ]
    timeline = (inputs.document.get("timeline") or {}).get("by_year") or []
    periods = _periods(inputs.document)
    origins = {p["origin"] for p in periods}
    if not periods:
        period_method = _("No tension periods: none declared and no security event meets the rule.")
    elif origins == {"declared"}:
        period_method = _(
            "Tension periods are declared by hand in the context data, each with "
            "its sources, and used as given."
        )
    else:
        period_method = _(
            "Tension periods are derived from security events: each event opens "
            "a window that grows with its severity and deaths; overlapping "
            "windows merge."
        )
    return {
        "lang": lang,
        "_": _,
        "title": _("Cultural cooperation between Kyrgyzstan and Tajikistan"),
        "subtitle": _("What holds when tension rises — policy brief"),
        "covered": {
            "activities": num(meta.get("activities", 0), lang),
            "events": num(meta.get("context_events", 0), lang),
            "first": timeline[0]["period"] if timeline else "—",
            "last": timeline[-1]["period"] if timeline else "—",
            # "data as of" is the latest record, not the day the brief was run
            "as_of": _day(meta.get("last_record"), lang),
        },
        "findings": key_findings(inputs.document, inputs.codebook, lang, _),
        "charts": _charts(inputs, _),
        "recommendations": fired,
        "quiet": quiet,
        "periods": periods,
        "period_method": period_method,
        "caveats": caveats(inputs.document, rec, lang, _),
        "sources": _sources(inputs.sources),
        "stamp": {
            "fingerprint": (meta.get("data_fingerprint") or "")[:16],
            "codebook": meta.get("codebook_version", ""),
            "software": meta.get("software", ""),
            "generated": (meta.get("generated_at") or "")[:10],
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


def _day(iso: str | None, lang: str) -> str:
    """A date as readers of the language write it (05.12.2026 in Russian, 5 Dec 2026 in
    English); "—" when the record has none."""
    if not iso:
        return "—"
    pattern = "d MMM y" if lang == "en" else "dd.MM.y"
    return format_date(date.fromisoformat(iso), format=pattern, locale=lang)
