"""Charts for the policy brief, drawn from the ``analyse all`` document.

Every chart reads the document (never the database), so a figure in the brief can be traced to
the same numbers the tables quote. Titles and axis labels go through ``_`` and mechanism names
through the codebook, so a Russian brief has no English in its figures. Colours are the
codebook's colour-blind-safe mechanism colours, the same in every chart.

Every chart function returns an Altair chart, never ``None``: when the document has nothing to
draw (an empty database, no tension periods, no commission sessions) it returns a small chart
that says so, so the brief can place every figure unconditionally. Rendering is offline:
:func:`to_svg` and :func:`to_png` use vl-convert and all data is inline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt

from lowpolitics.framework.codebook import Codebook

Translate = Callable[[str], str]
AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.VConcatChart | alt.HConcatChart

WIDTH = 560
HEIGHT = 260
FONT = "DejaVu Sans"  # in the base image; has the Cyrillic of Kyrgyz and Tajik
PERIOD_FILL = "#BBBBBB"
# Okabe–Ito colours the mechanisms do not use, for charts whose series are not mechanisms.
SERIES_COLOURS = ("#D55E00", "#56B4E9", "#000000", "#F0E442")
LOCALES = {"en": "en-GB", "ru": "ru-RU"}  # d3 locales bundled in vl-convert


def identity(text: str) -> str:
    """The default ``_``: English titles as written."""
    return text


def mechanism_name(codebook: Codebook, code: str, lang: str) -> str:
    """A mechanism's short name for legends ("Institutional", not "Institutional (state
    channel)"): long legends widen a chart until its text is too small to read in print."""
    return codebook.label("mechanisms", code, lang).split(" (")[0]


def _mechanism_scale(codebook: Codebook, lang: str) -> alt.Scale:
    """Mechanism labels in ``lang`` mapped to the codebook colours, in codebook order."""
    codes = codebook.mechanism_codes
    return alt.Scale(
        domain=[mechanism_name(codebook, c, lang) for c in codes],
        range=[codebook.colour("mechanisms", c) or "#999999" for c in codes],
    )


def _finish(chart: Any, title: str) -> Any:
    """Shared size, title and fonts, so every figure of the brief looks alike."""
    return configure(chart.properties(title=title))


def configure(chart: Any) -> Any:
    """Fonts and frame; axes and legends without Vega's English screen-reader phrases."""
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(aria=False, labelFontSize=11, titleFontSize=11)
        .configure_legend(aria=False, labelFontSize=11, titleFontSize=11)
    )


def empty_chart(title: str, _: Translate = identity, message: str | None = None) -> alt.Chart:
    """A small chart that says there is nothing to show, so the brief's layout never breaks."""
    text = message or _("Nothing to show: no records for this chart")
    chart = (
        alt.Chart(alt.Data(values=[{"text": text}]))
        .mark_text(fontSize=13, color="#555555", aria=False)
        .encode(text="text:N")
        .properties(width=WIDTH, height=60)
    )
    return _finish(chart, title)


def _year_span(year: int) -> tuple[str, str]:
    """A bar for a year, inset a little so neighbouring years stay apart."""
    return date(year, 1, 20).isoformat(), date(year, 12, 11).isoformat()


def _periods_layer(periods: list[dict], _: Translate) -> alt.Chart | None:
    rows = [
        {"start": p["start"], "end": p["end"], "days": p.get("days")}
        for p in periods
        if p.get("start") and p.get("end")
    ]
    if not rows:
        return None
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_rect(color=PERIOD_FILL, opacity=0.45, stroke=PERIOD_FILL, strokeWidth=2, aria=False)
        .encode(
            x="start:T",
            x2="end:T",
            tooltip=[
                alt.Tooltip("start:T", title=_("From")),
                alt.Tooltip("end:T", title=_("To")),
                alt.Tooltip("days:Q", title=_("Days")),
            ],
        )
    )


def _by_mechanism(codebook: Codebook, lang: str, _: Translate) -> dict[str, Any]:
    """Colour by mechanism (codebook colours, legend below) and the per-year tooltip, shared
    by the charts that split each year by mechanism."""
    return {
        "color": alt.Color(
            "mechanism:N",
            title=_("Mechanism"),
            scale=_mechanism_scale(codebook, lang),
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
        ),
        "order": alt.Order("order:Q"),
        "description": "description:N",
        "tooltip": [
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("mechanism:N", title=_("Mechanism")),
            alt.Tooltip("count:Q", title=_("Activities")),
        ],
    }


def _year_counts(rows: list[dict], codebook: Codebook, lang: str) -> list[dict]:
    out = []
    for row in rows:
        year = int(str(row["period"])[:4])
        start, end = _year_span(year)
        for code, count in (row.get("counts") or {}).items():
            if count:
                out.append(
                    {
                        "year": year,
                        "start": start,
                        "end": end,
                        "mechanism": mechanism_name(codebook, code, lang),
                        "order": codebook.mechanism_codes.index(code)
                        if code in codebook.mechanism_codes
                        else 99,
                        "count": count,
                        "description": f"{year}, {mechanism_name(codebook, code, lang)}: {count}",
                    }
                )
    return out


def timeline(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Activities per year, stacked by mechanism, over the tension periods shaded in grey:
    the reader sees at once whether cooperation thinned when tension rose."""
    section = document.get("timeline") or {}
    title = _("Cooperative activities per year by mechanism, tension periods shaded")
    rows = _year_counts(section.get("by_year") or [], codebook, lang)
    if not rows:
        return empty_chart(title, _)
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=_("Year"), axis=alt.Axis(format="%Y", labelAngle=0)),
            x2="end:T",
            y=alt.Y("sum(count):Q", title=_("Activities"), stack="zero"),
            **_by_mechanism(codebook, lang, _),
        )
    )
    shade = _periods_layer(section.get("periods") or [], _)
    marks = _disruption_marks(section, max(r["total"] for r in section["by_year"]), lang, _)
    layers = [layer for layer in (shade, bars, marks) if layer is not None]
    chart = alt.layer(*layers).resolve_scale(color="independent", shape="independent")
    return _finish(chart.properties(width=WIDTH, height=HEIGHT), title)


def _disruption_marks(section: dict, top: int, lang: str, _: Translate) -> alt.Chart | None:
    """One black mark per disrupted unit above the bars, at its date (mid-year when dated only
    to a year), stacked when several fall in one year, so breaks are seen where they happened."""
    rows, per_year = [], {}
    label = _("Disrupted activity")
    for item in section.get("disruptions") or []:
        start = date.fromisoformat(item["date"])
        if item.get("precision") == "year":
            start = date(start.year, 7, 1)
        elif item.get("precision") == "month":
            start = date(start.year, start.month, 15)
        k = per_year.get(start.year, 0)
        per_year[start.year] = k + 1
        rows.append(
            {
                "at": start.isoformat(),
                "y": top * 1.06 + k * max(1.0, top * 0.05),
                "kind": label,
                "id": item["id"],
                "title": item.get("title") or "",
                # the id and date only: a record's title is in the data's language, not the
                # reader's, and the cited-rows table names it
                "description": f"{label}: {item['id']}, {item['date']}",
            }
        )
    if not rows:
        return None
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True, size=45, color="#000000", opacity=1)
        .encode(
            x="at:T",
            y="y:Q",
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(range=["triangle-down"]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
            ),
            description="description:N",
            tooltip=[alt.Tooltip("id:N", title=_("Row")), alt.Tooltip("title:N", title=_("Title"))],
        )
    )


def mechanism_mix(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Each mechanism's share of the year's activities: whether the mix shifts (for instance
    from people-to-people to state channels) matters more than the totals."""
    title = _("Share of each mechanism per year")
    rows = _year_counts((document.get("timeline") or {}).get("by_year") or [], codebook, lang)
    if not rows:
        return empty_chart(title, _)
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=-90)),
            y=alt.Y(
                "count:Q",
                stack="normalize",
                title=_("Share of activities"),
                axis=alt.Axis(format="%"),
            ),
            **_by_mechanism(codebook, lang, _),
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return _finish(chart, title)


def disruption(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Disruption rates in tension and outside it per mechanism, with Wilson intervals and n
    printed: with a handful of cases the interval, not the point, is the finding."""
    section = document.get("resilience") or {}
    title = _("Share of activities disrupted, in tension and outside (95 % interval)")
    sides = (("in_tension", _("In tension")), ("outside", _("Outside tension")))
    rows = []
    for code, block in (section.get("by_mechanism") or {}).items():
        for side, side_label in sides:
            cell = block.get(side) or {}
            if not cell.get("n") or cell.get("rate") is None:
                continue
            low, high = cell.get("ci") or (cell["rate"], cell["rate"])
            rows.append(
                {
                    "mechanism": mechanism_name(codebook, code, lang),
                    "side": side_label,
                    "rate": cell["rate"],
                    "low": low,
                    "high": high,
                    "n": cell["n"],
                    "disrupted": cell.get("disrupted", 0),
                    "label": f"{cell.get('disrupted', 0)}/{cell['n']}",
                    "description": f"{mechanism_name(codebook, code, lang)}, {side_label}: "
                    f"{cell.get('disrupted', 0)}/{cell['n']} ({low:.0%}–{high:.0%})",
                }
            )
    if not rows:
        return empty_chart(title, _)
    scale = _mechanism_scale(codebook, lang)
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y(
            "mechanism:N",
            title=_("Mechanism"),
            sort=scale.domain,
            axis=alt.Axis(title=None, labelLimit=0),
        ),
        yOffset=alt.YOffset("side:N", title=_("When"), sort=[s[1] for s in sides]),
        color=alt.Color("mechanism:N", title=_("Mechanism"), scale=scale, legend=None),
    )
    tooltip = [
        alt.Tooltip("mechanism:N", title=_("Mechanism")),
        alt.Tooltip("side:N", title=_("When")),
        alt.Tooltip("rate:Q", title=_("Disrupted"), format=".0%"),
        alt.Tooltip("low:Q", title=_("Interval from"), format=".0%"),
        alt.Tooltip("high:Q", title=_("Interval to"), format=".0%"),
        alt.Tooltip("disrupted:Q", title=_("Disrupted activities")),
        alt.Tooltip("n:Q", title=_("Activities (n)")),
    ]
    bars = base.mark_rule(strokeWidth=2, aria=False).encode(
        x=alt.X(
            "low:Q",
            title=_("Share disrupted"),
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", tickCount=5),
        ),
        x2="high:Q",
    )
    points = base.mark_point(size=70, filled=True, opacity=1).encode(
        x="rate:Q",
        shape=alt.Shape(
            "side:N",
            sort=[s[1] for s in sides],
            scale=alt.Scale(range=["circle", "triangle-up"]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=tooltip,
        description="description:N",
    )
    labels = base.mark_text(align="left", dx=6, fontSize=10, color="#333333", aria=False).encode(
        x="high:Q", text="label:N"
    )
    chart = alt.layer(bars, points, labels).properties(width=WIDTH - 160, height=HEIGHT)
    return _finish(chart, title)


def survival(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Kaplan–Meier curves of initiatives staying undisrupted, per mechanism, with their
    pointwise bands: which kinds of cooperation last, and how sure we can be."""
    section = document.get("survival") or {}
    title = _("Initiatives not yet disrupted (Kaplan–Meier, 95 % band)")
    rows = []
    for code, block in (section.get("by_mechanism") or {}).items():
        label = mechanism_name(codebook, code, lang)
        for point in block.get("curve") or []:
            if point.get("survival") is None:
                continue
            rows.append(
                {
                    "mechanism": label,
                    "years": round(float(point["t_days"]) / 365.25, 3),
                    "survival": point["survival"],
                    "low": point.get("ci_low", point["survival"]),
                    "high": point.get("ci_high", point["survival"]),
                    "n": block.get("n"),
                    "description": f"{label}",
                }
            )
    if not rows:
        return empty_chart(title, _)
    scale = _mechanism_scale(codebook, lang)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("years:Q", title=_("Years since the initiative began")),
        color=alt.Color(
            "mechanism:N",
            title=_("Mechanism"),
            scale=scale,
            legend=alt.Legend(
                title=_("Mechanism"),
                orient="bottom",
                columns=2,
                labelLimit=0,
                symbolType="stroke",
                symbolOpacity=1,
                symbolStrokeWidth=3,
            ),
        ),
    )
    band = base.mark_area(interpolate="step-after", opacity=0.15, aria=False).encode(
        y=alt.Y(
            "low:Q",
            title=_("Share not yet disrupted"),
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        y2="high:Q",
    )
    line = base.mark_line(interpolate="step-after", strokeWidth=2).encode(
        y="survival:Q",
        description="description:N",
        tooltip=[
            alt.Tooltip("mechanism:N", title=_("Mechanism")),
            alt.Tooltip("years:Q", title=_("Years"), format=".1f"),
            alt.Tooltip("survival:Q", title=_("Share not yet disrupted"), format=".0%"),
            alt.Tooltip("n:Q", title=_("Initiatives (n)")),
        ],
    )
    chart = alt.layer(band, line).properties(width=WIDTH, height=HEIGHT)
    return _finish(chart, title)


def small_sample_threshold(document: dict) -> int:
    """The analyses' threshold below which a group is too small to quote alone."""
    methods = (document.get("resilience") or {}).get("methods") or {}
    return int(methods.get("small_sample_threshold", 10))


def reach(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Shares of women, of youth and of activities in border regions per year, with
    intervals: whom cooperation reaches, and whether it reaches the border where it matters."""
    section = document.get("reach") or {}
    title = _("Reach per year (95 % interval)")
    series = (
        ("women", _("Women among participants"), "activities"),
        ("youth", _("Youth among participants"), "activities"),
        ("border_regions", _("Activities in border regions"), "n"),
    )
    rows = []
    # a year's share is drawn only when it rests on enough activities (the small-sample
    # threshold of the analyses); the brief says which series that leaves out
    min_n = small_sample_threshold(document)
    for year, block in (section.get("by_year") or {}).items():
        for key, label, n_key in series:
            cell = block.get(key) or {}
            if cell.get("share") is None or (cell.get(n_key) or 0) < min_n:
                continue
            low, high = cell.get("ci") or (cell["share"], cell["share"])
            rows.append(
                {
                    "year": int(year),
                    "series": label,
                    "share": cell["share"],
                    "low": low,
                    "high": high,
                    "n": cell.get(n_key, 0),
                    "description": f"{year}, {label}: {cell['share']:.0%} ({low:.0%}–{high:.0%})",
                }
            )
    if not rows:
        return empty_chart(title, _)
    present = {r["series"] for r in rows}
    labels = [s[1] for s in series if s[1] in present]
    colour = alt.Color(
        "series:N",
        title=_("Measure"),
        scale=alt.Scale(
            domain=labels,
            range=[c for s, c in zip(series, SERIES_COLOURS, strict=False) if s[1] in present],
        ),
        legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
    )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=-90)),
        xOffset=alt.XOffset("series:N", sort=labels),
        color=colour,
    )
    rules = base.mark_rule(opacity=0.6, aria=False).encode(
        y=alt.Y(
            "low:Q", title=_("Share"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
        ),
        y2="high:Q",
    )
    points = base.mark_point(filled=True, size=40).encode(
        y="share:Q",
        description="description:N",
        tooltip=[
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("series:N", title=_("Measure")),
            alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
            alt.Tooltip("n:Q", title=_("Activities (n)")),
        ],
    )
    chart = alt.layer(rules, points).properties(width=WIDTH, height=HEIGHT)
    return _finish(chart, title)


def continuity(
    document: dict, codebook: Codebook, lang: str = "en", _: Translate = identity
) -> AnyChart:
    """Sessions of the joint bodies held each year against the number their rhythm leads one to
    expect: a commission that stops meeting is an early, quiet sign of strain."""
    section = document.get("continuity") or {}
    title = _("Sessions of joint bodies per year: held and expected")
    rows = []
    for body in section.get("bodies") or []:
        for cell in body.get("per_year") or []:
            rows.append(
                {
                    "body": body.get("name") or body.get("key") or "",
                    "year": int(cell["year"]),
                    "held": cell.get("held", 0),
                    "expected": cell.get("expected"),
                    "description": f"{cell['year']}: {cell.get('held', 0)}",
                }
            )
    if not rows:
        return empty_chart(title, _, _("No sessions of joint bodies recorded"))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=-90))
    )
    held = base.mark_bar(color=SERIES_COLOURS[1]).encode(
        y=alt.Y("held:Q", title=_("Sessions"), axis=alt.Axis(tickMinStep=1)),
        description="description:N",
        tooltip=[
            alt.Tooltip("body:N", title=_("Body")),
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("held:Q", title=_("Held")),
            alt.Tooltip("expected:Q", title=_("Expected"), format=".2f"),
        ],
    )
    expected = base.mark_tick(color=SERIES_COLOURS[2], thickness=2, aria=False).encode(
        y="expected:Q"
    )
    layered = alt.layer(held, expected).properties(width=WIDTH, height=HEIGHT // 2)
    bodies = sorted({r["body"] for r in rows})
    if len(bodies) > 1:
        layered = layered.facet(row=alt.Row("body:N", title=None, header=alt.Header(labelAngle=0)))
    legend = _("bar: held; tick: expected")  # outside the f-string, so extraction sees it
    return _finish(layered, f"{title} ({legend})")


def all_charts(
    document: dict,
    codebook: Codebook,
    lang: str = "en",
    _: Translate = identity,
    dataset: Any = None,
    *,
    gazetteer: Any = None,
    points: Any = None,
    clashes: Any = None,
    zoom: bool = False,
) -> dict[str, AnyChart]:
    """Every chart the brief and the dashboard can show, by name."""
    from lowpolitics.report.chart_discourse import discourse_divergence, discourse_trend
    from lowpolitics.report.chart_map import border_map

    charts: dict[str, AnyChart] = {
        name: make(document, codebook, lang, _)
        for name, make in (
            ("timeline", timeline),
            ("mechanism_mix", mechanism_mix),
            ("disruption", disruption),
            ("survival", survival),
            ("reach", reach),
            ("continuity", continuity),
            ("discourse_trend", discourse_trend),
            ("discourse_divergence", discourse_divergence),
        )
    }
    charts["border_map"] = border_map(
        document,
        codebook,
        lang,
        _,
        dataset=dataset,
        gazetteer=gazetteer,
        points=points,
        clashes=clashes,
        zoom=zoom,
    )
    return charts


def _vl_version() -> str:
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def _render_options(lang: str) -> dict[str, Any]:
    """Offline rendering: no external data may load, numbers follow the brief's language."""
    options: dict[str, Any] = {"vl_version": _vl_version(), "allowed_base_urls": []}
    if lang in LOCALES:
        options["format_locale"] = LOCALES[lang]
        options["time_format_locale"] = LOCALES[lang]
    return options


def to_svg(chart: AnyChart, lang: str = "en") -> str:
    """The chart as an SVG string, rendered offline (vl-convert; all data is inline)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict(), **_render_options(lang))


def to_png(chart: AnyChart, path: str | Path, scale: float = 2.0, lang: str = "en") -> Path:
    """The chart as a PNG file (twice the nominal size by default, sharp in print)."""
    import vl_convert

    data = vl_convert.vegalite_to_png(chart.to_dict(), scale=scale, **_render_options(lang))
    target = Path(path)
    target.write_bytes(data)
    return target
