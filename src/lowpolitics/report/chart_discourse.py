"""The discourse charts: each side's securitizing share of texts about the other per period,
and the divergence between the sides, both over the tension periods shaded in grey.

Drawn from the ``discourse`` and ``timeline`` sections of the ``analyse all`` document, like
every chart of the brief. A period's point sits in its middle (1 July for a year, the middle
month for a quarter); error bars are the 95 % intervals the tables quote, and a hollow point
marks a cell with fewer texts than the small-sample threshold.
"""

from __future__ import annotations

from datetime import date

import altair as alt

from lowpolitics.framework.codebook import Codebook
from lowpolitics.report.charts import (
    HEIGHT,
    SERIES_COLOURS,
    WIDTH,
    AnyChart,
    Translate,
    _finish,
    _periods_layer,
    empty_chart,
    identity,
)


def period_middle(label: str) -> str:
    if "Q" in label:
        year, quarter = label.split("Q")
        return date(int(year), 3 * int(quarter) - 1, 15).isoformat()
    return date(int(label), 7, 1).isoformat()


def side_name(code: str, lang: str) -> str:
    """A side's country in the reader's language (the gazetteer's name), else its code."""
    from lowpolitics.framework.gazetteer import load_gazetteer

    for place in load_gazetteer().places:
        if place.kind == "country" and place.country == code:
            return place.label(lang)
    return code


def _periods(document: dict) -> list[dict]:
    return (document.get("timeline") or {}).get("periods") or []


def discourse_trend(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Securitizing share of each side's texts about the other, per period, with intervals."""
    section = document.get("discourse") or {}
    title = _("Securitizing texts about the other side, by country of outlet")
    pair = section.get("pair") or []
    names = {code: side_name(code, lang) for code in pair}
    rows = []
    for cell in section.get("frames") or []:
        if cell["group"] not in pair:
            continue
        share = cell["shares"]["securitizing"]
        if share["value"] is None:
            continue
        rows.append(
            {
                "when": period_middle(cell["period"]),
                "period": cell["period"],
                "side": names[cell["group"]],
                "share": share["value"],
                "low": share["low"],
                "high": share["high"],
                "n": cell["n"],
                "small": _("few texts") if cell["small"] else _("enough texts"),
                "description": f"{names[cell['group']]}, {cell['period']}: "
                f"{round(share['value'] * 100)} % (n = {cell['n']})",
            }
        )
    if not rows:
        return empty_chart(
            title, _, _("Nothing to show: no coded texts or documents about the other side")
        )
    colour = alt.Color(
        "side:N",
        title=_("Country of outlet"),
        scale=alt.Scale(domain=[names[c] for c in pair], range=list(SERIES_COLOURS[:2])),
        legend=alt.Legend(orient="bottom"),
    )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("when:T", title=_("Period"), axis=alt.Axis(format="%Y", labelAngle=0)),
        color=colour,
    )
    tooltip = [
        alt.Tooltip("period:N", title=_("Period")),
        alt.Tooltip("side:N", title=_("Country of outlet")),
        alt.Tooltip("share:Q", title=_("Securitizing share"), format=".0%"),
        alt.Tooltip("n:Q", title=_("Texts")),
    ]
    bars = base.mark_rule(aria=False).encode(y="low:Q", y2="high:Q")
    line = base.mark_line(opacity=0.6, aria=False).encode(
        y=alt.Y(
            "share:Q",
            title=_("Securitizing share"),
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        )
    )
    points = base.mark_point(size=60, filled=True).encode(
        y="share:Q",
        shape=alt.Shape("small:N", title=_("Sample"), legend=alt.Legend(orient="bottom")),
        tooltip=tooltip,
        description="description:N",
    )
    layers = [
        layer for layer in (_periods_layer(_periods(document), _), bars, line, points) if layer
    ]
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return _finish(chart, title)


def discourse_divergence(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Jensen–Shannon divergence of the two sides' frame distributions per period, with its
    interval and the level sampling noise alone would reach at those sample sizes."""
    section = document.get("discourse") or {}
    title = _("Divergence between the two sides' framing (Jensen–Shannon)")
    rows = []
    for cell in section.get("divergence") or []:
        jsd = cell["jsd"]
        if jsd["value"] is None:
            continue
        rows.append(
            {
                "when": period_middle(cell["period"]),
                "period": cell["period"],
                "jsd": jsd["value"],
                "low": jsd["low"],
                "high": jsd["high"],
                "noise": cell["jsd_noise"],
                "n": sum(cell["n"].values()),
                "description": f"{cell['period']}: {jsd['value']:.3f} "
                f"(n = {sum(cell['n'].values())})",
            }
        )
    if not rows:
        return empty_chart(title, _, _("Nothing to show: no period with texts from both sides"))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("when:T", title=_("Period"), axis=alt.Axis(format="%Y", labelAngle=0))
    )
    band = base.mark_area(opacity=0.25, color=SERIES_COLOURS[1], aria=False).encode(
        y=alt.Y("low:Q", title=_("Divergence (bits)"), scale=alt.Scale(domain=[0, 1])),
        y2="high:Q",
    )
    line = base.mark_line(point=True, color=SERIES_COLOURS[2]).encode(
        y="jsd:Q",
        description="description:N",
        tooltip=[
            alt.Tooltip("period:N", title=_("Period")),
            alt.Tooltip("jsd:Q", title=_("Divergence (bits)"), format=".3f"),
            alt.Tooltip("noise:Q", title=_("Noise alone"), format=".3f"),
            alt.Tooltip("n:Q", title=_("Texts")),
        ],
    )
    noise = base.mark_line(strokeDash=[4, 3], color=SERIES_COLOURS[0], aria=False).encode(
        y="noise:Q"
    )
    layers = [
        layer for layer in (_periods_layer(_periods(document), _), band, line, noise) if layer
    ]
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return _finish(chart, title)
