"""The brief's page on the discursive mechanism: how each side's outlets frame the other.

A reader gets the verdict on convergence in words, a table of each side's securitizing share per
period with its interval and n, the two headline figures the advice reads, and the trend chart
with the tension periods shaded. Small cells are marked; nothing is said the intervals do not
support.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from lowpolitics.report.findings import num


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else format_percent(value, format="#,##0 %", locale=lang)


def _share(estimate: dict, lang: str) -> str:
    text = _pct(estimate.get("value"), lang)
    if estimate.get("low") is not None:
        text += f" [{_pct(estimate['low'], lang)}–{_pct(estimate['high'], lang)}]"
    return text


def _points(estimate: dict, lang: str) -> str:
    def pp(value: float) -> str:
        return format_decimal(value * 100, format="+#,##0;−#,##0", locale=lang)

    if estimate.get("value") is None:
        return "—"
    text = pp(estimate["value"])
    if estimate.get("low") is not None:
        text += f" [{pp(estimate['low'])}…{pp(estimate['high'])}]"
    return text


def discourse_section(document: dict, codebook, lang: str, _, with_chart: bool = True) -> dict:
    section = document.get("discourse") or {}
    pair = section.get("pair") or []
    verdicts = {
        "converging": _("the two sides' framing of each other is converging"),
        "diverging": _("the two sides' framing of each other is drifting apart"),
        "no_clear_trend": _("no clear trend: the intervals of the slope include zero"),
        "too_few_periods": _("too few periods with texts from both sides to tell a trend"),
    }
    rows = []
    for cell in section.get("frames") or []:
        if cell["group"] not in pair:
            continue
        rows.append(
            {
                "side": cell["group"],
                "period": cell["period"],
                "n": num(cell["n"], lang),
                "small": cell["small"],
                "securitizing": _share(cell["shares"]["securitizing"], lang),
                "integrative": _share(cell["shares"]["integrative"], lang),
            }
        )
    chart = None
    if with_chart and rows:
        from lowpolitics.report.chart_discourse import discourse_trend
        from lowpolitics.report.charts import to_svg

        chart = to_svg(discourse_trend(document, codebook, lang, _).properties(title=""), lang)
    change = section.get("securitizing_share_change") or {}
    divergence = section.get("frame_divergence") or {}
    return {
        "units": num(section.get("units", 0), lang),
        "by_side": {s: num(n, lang) for s, n in (section.get("by_side") or {}).items()},
        "verdict": verdicts.get(section.get("verdict", ""), ""),
        "rows": rows,
        "change": _points(change.get("value") or {}, lang),
        "change_n": num(change.get("n", 0), lang),
        "divergence": _points(divergence.get("value") or {}, lang),
        "divergence_n": num(divergence.get("n", 0), lang),
        "chart": chart,
        "empty": not section.get("units"),
    }
