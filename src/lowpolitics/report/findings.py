"""Key findings, chart readings and caveats for the brief, written from the analysis document.

Every sentence is a translated template filled with figures from the same ``analyse all``
document the rest of the tools read, formatted in the reader's locale, so the brief's numbers
are the analyses' numbers and the Russian brief has no English left in it.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_decimal, format_percent

from lowpolitics.advise.figures import figures_from
from lowpolitics.advise.rules import format_figure
from lowpolitics.framework.codebook import Codebook

Translate = Callable[[str], str]


def pct(value: float | None, lang: str) -> str:
    return "—" if value is None else format_percent(value, format="#,##0 %", locale=lang)


def num(value: float | None, lang: str) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0.##", locale=lang)


def _mix(document: dict, codebook: Codebook, lang: str) -> str:
    counts: dict[str, int] = {}
    for row in (document.get("timeline") or {}).get("by_year") or []:
        for mechanism, n in row["counts"].items():
            counts[mechanism] = counts.get(mechanism, 0) + n
    parts = [
        f"{codebook.label('mechanisms', m, lang).split(' (')[0].lower()} — {counts[m]}"
        for m in codebook.mechanism_codes
        if counts.get(m)
    ]
    return "; ".join(parts)


def key_findings(document: dict, codebook: Codebook, lang: str, _: Translate) -> list[dict]:
    """Three to five findings, each naming the chart that shows it."""
    meta = document.get("meta") or {}
    resilience = document.get("resilience") or {}
    figures = figures_from(document)
    found: list[dict] = []
    n_activities = meta.get("activities", 0)
    if not n_activities:
        return [
            {
                "text": _("The database holds no activities yet: there is nothing to analyse."),
                "chart": None,
            }
        ]
    years = [row["period"] for row in (document.get("timeline") or {}).get("by_year") or []]
    found.append(
        {
            "text": _("The record holds {n} activities from {first} to {last}: {mix}.").format(
                n=num(n_activities, lang),
                first=years[0] if years else "—",
                last=years[-1] if years else "—",
                mix=_mix(document, codebook, lang),
            ),
            "chart": "timeline",
        }
    )
    overall = resilience.get("all_mechanisms")
    if overall:
        inside, outside = overall["in_tension"], overall["outside"]
        text = _(
            "During tension periods {k} of {n} counted activities were disrupted ({rate}); "
            "outside them, {k_out} of {n_out} ({rate_out})."
        ).format(
            k=inside["disrupted"],
            n=inside["n"],
            rate=format_figure(figures["disruption_in_tension.all"], lang),
            k_out=outside["disrupted"],
            n_out=outside["n"],
            rate_out=format_figure(figures["disruption_outside.all"], lang),
        )
        if inside["n"] < (resilience.get("methods") or {}).get("small_sample_threshold", 10):
            text += " " + _(
                "So few activities fell in tension that the rates cannot be "
                "compared with confidence; the intervals show how wide the "
                "uncertainty is."
            )
        found.append({"text": text, "chart": "disruption"})
    network = (document.get("network") or {}).get("overall") or {}
    across = network.get("reach_across") or {}
    if across.get("actors"):
        found.append(
            {
                "text": _(
                    "{k} of {n} Kyrgyz and Tajik organisations in the record have worked "
                    "with at least one organisation from the other side ({share}); "
                    "{ties} such cross-border ties in all."
                ).format(
                    k=across["with_tie"],
                    n=across["actors"],
                    share=format_figure(figures["cross_border_actor_share"], lang),
                    ties=(network.get("cross_border") or {}).get("ties", 0),
                ),
                "chart": None,
            }
        )
    if "border_share" in figures and figures["border_share"].value is not None:
        found.append(
            {
                "text": _(
                    "{share} of activities with a known place took place in border regions."
                ).format(share=format_figure(figures["border_share"], lang)),
                "chart": "border_map",
            }
        )
    totals = ((document.get("continuity") or {}).get("recurring") or {}).get("totals")
    if totals and totals.get("silent_inferred"):
        found.append(
            {
                "text": _(
                    "Recurring events left {n} expected years without any record, {k} of "
                    "them in or around tension periods — inferred gaps to check with "
                    "organisers, not confirmed cancellations."
                ).format(
                    n=totals["silent_inferred"], k=totals.get("silent_overlapping_tension", 0)
                ),
                "chart": "continuity",
            }
        )
    return found[:5]


def chart_readings(document: dict, codebook: Codebook, lang: str, _: Translate) -> dict[str, str]:
    """One line under each chart saying what to read in it."""
    readings: dict[str, str] = {}
    rows = (document.get("timeline") or {}).get("by_year") or []
    if rows:
        busiest = max(rows, key=lambda r: r["total"])
        readings["timeline"] = _(
            "Activities per year by mechanism; shaded bands are tension "
            "periods. The busiest year was {year}, with {n} "
            "activities."
        ).format(year=busiest["period"], n=busiest["total"])
        readings["mechanism_mix"] = _(
            "Each bar shows how a year's activities divide between the four mechanisms."
        )
    readings["disruption"] = _(
        "Dots are disruption rates, lines their 95 % Wilson intervals; "
        "wide lines mean few activities."
    )
    readings["survival"] = _(
        "Share of initiatives not yet disrupted, by years since their "
        "first activity (Kaplan–Meier, with 95 % bands)."
    )
    readings["reach"] = _(
        "Shares of women, young people and border regions per year, with "
        "their intervals; missing points mean no reported numbers."
    )
    readings["continuity"] = _(
        "Sessions of joint bodies held per year against what their rhythm implies."
    )
    readings["network"] = _(
        "Organisations linked by shared activities; pink lines join a Kyrgyz "
        "and a Tajik organisation, and the most connecting ones are named."
    )
    readings["border_map"] = _(
        "Activities with a known place; circle size grows with the number of activities there."
    )
    return readings


def caveats(document: dict, recommendations: dict, lang: str, _: Translate) -> list[str]:
    """Plain statements of where the data are thin, built from counts (never raw warnings)."""
    notes: list[str] = []
    resilience = document.get("resilience") or {}
    threshold = (resilience.get("methods") or {}).get("small_sample_threshold", 10)
    small = [
        m
        for m, block in (resilience.get("by_mechanism") or {}).items()
        if block["in_tension"]["n"] < threshold
    ]
    total = len(resilience.get("by_mechanism") or {})
    if small and len(small) == total:
        notes.append(
            _(
                "For every mechanism fewer than {t} activities fell in tension periods; "
                "their rates are shown with intervals and should not be quoted alone."
            ).format(t=threshold)
        )
    elif small:
        notes.append(
            _(
                "For {k} of {n} mechanisms fewer than {t} activities fell in tension "
                "periods; their rates are shown with intervals and should not be quoted alone."
            ).format(k=len(small), n=total, t=threshold)
        )
    if resilience.get("undetermined"):
        notes.append(
            _(
                "{n} activities are dated only to a month or year that overlaps a "
                "tension period; they are counted neither in tension nor outside."
            ).format(n=resilience["undetermined"])
        )
    if resilience.get("planned_not_counted"):
        notes.append(
            _(
                "{n} activities are still marked as planned and are not counted in "
                "disruption rates."
            ).format(n=resilience["planned_not_counted"])
        )
    reach = (document.get("reach") or {}).get("overall") or {}
    if reach:
        notes.append(
            _(
                "Only {k} of {n} activities report participant numbers; shares of "
                "women and youth describe those activities only."
            ).format(k=reach["participants"]["activities_reporting"], n=reach["activities"])
        )
    counts = recommendations.get("counts") or {}
    if counts.get("thin") or counts.get("no_data"):
        notes.append(
            _(
                "{thin} recommendation rules could not speak because their figures "
                "rest on too few cases, and {none} because the data they need are not "
                "recorded yet."
            ).format(thin=counts.get("thin", 0), none=counts.get("no_data", 0))
        )
    cox = (document.get("survival") or {}).get("cox")
    if cox is None and document.get("survival"):
        notes.append(
            _(
                "Too few disruptions are recorded to fit a survival model with tension "
                "as a time-varying factor."
            )
        )
    return notes
