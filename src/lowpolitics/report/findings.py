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
from lowpolitics.analysis.contact_scope import contact_scope_text
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
    records = meta.get("records") or {}
    found.append(
        {
            "text": _(
                "The record holds {n} cooperative activities from {first} to {last} "
                "(reports of one event counted once): {mix}. Statements ({s}) and "
                "restrictions ({r}) are counted apart."
            ).format(
                n=num(records.get("cooperative_units", n_activities), lang),
                first=years[0] if years else "—",
                last=years[-1] if years else "—",
                mix=_mix(document, codebook, lang),
                s=num(records.get("statements", 0), lang),
                r=num(records.get("restrictions", 0), lang),
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
        found.append({"text": text, "chart": None})
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
            "Cooperative activities per year by mechanism; grey bands are tension periods, "
            "black triangles mark activities that were postponed, cancelled, suspended or "
            "downgraded. Busiest year: {year} ({n})."
        ).format(year=busiest["period"], n=busiest["total"])
        readings["mechanism_mix"] = _(
            "Each bar shows how a year's activities divide between the four mechanisms."
        )
    readings["disruption"] = _(
        "Dots are disruption rates, lines their 95 % Wilson intervals; "
        "wide lines mean few activities."
    )
    readings["reach"] = reach_reading(document, lang, _)
    readings["continuity"] = _(
        "Sessions of joint bodies held per year against what their rhythm implies."
    )
    readings["network"] = _(
        "Organisations linked by shared activities; pink lines join a Kyrgyz "
        "and a Tajik organisation, and the most connecting ones are named."
    )
    readings["border_map"] = " ".join(
        (
            _(
                "Cooperative activities with a known place; circle size grows with the number "
                "of activities there. Regions holding border districts are shaded; crosses mark "
                "clashes and armed incidents at a known place."
            ),
            # the map places the rows the figures count: say which, as beside the headline
            _("Activities mapped: {definition}.").format(
                definition=contact_scope_text(
                    (document.get("meta") or {}).get("contact"), codebook, lang
                )
            ),
        )
    )
    return readings


def reach_reading(document: dict, lang: str, _: Translate) -> str:
    """What the reach chart shows and which series it cannot show: a share is drawn for a year
    only when enough activities report it, and a series reported almost nowhere is named as
    not reported rather than left silently out."""
    from lowpolitics.report.charts import small_sample_threshold

    threshold = small_sample_threshold(document)
    overall = (document.get("reach") or {}).get("overall") or {}
    text = _(
        "Share of activities in border regions per year, with 95 % intervals; a year is drawn "
        "when at least {t} activities have a known place."
    ).format(t=threshold)
    by_year = (document.get("reach") or {}).get("by_year") or {}
    for key, label in (("women", _("Women")), ("youth", _("Young people"))):
        cell = overall.get(key) or {}
        reporting = cell.get("activities") or 0
        drawn = [
            y
            for y, b in by_year.items()
            if ((b.get(key) or {}).get("activities") or 0) >= threshold
        ]
        if drawn:
            continue
        text += " " + _(
            "{who}: not charted — participant numbers for them are reported for {k} of {n} "
            "activities, too few for a yearly series."
        ).format(who=label, k=num(reporting, lang), n=num(overall.get("activities", 0), lang))
    return text


def not_charted(document: dict, _: Translate) -> dict:
    """Charts the brief leaves out and the one line that says why."""
    from lowpolitics.report.charts import small_sample_threshold

    threshold = small_sample_threshold(document)
    blocks = ((document.get("resilience") or {}).get("by_mechanism") or {}).values()
    largest = max((b["in_tension"]["n"] for b in blocks), default=0)
    skip = {"survival", "mechanism_mix"}
    lines = []
    if largest < threshold:
        skip.add("disruption")
        lines.append(
            _(
                "Not charted: disruption rates and survival curves by mechanism — every group "
                "in tension holds fewer than {t} activities (the largest has {n}); the tables "
                "above name them instead."
            ).format(t=threshold, n=largest)
        )
    else:
        lines.append(
            _(
                "Not charted: survival curves — they rest on too few disruptions to read; "
                "the tables above name the activities instead."
            )
        )
    return {"skip": skip, "lines": lines}


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
                "rest on too few cases or their intervals reach both sides of the "
                "threshold, and {none} because the data they need are not recorded yet."
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
