"""Disruption by mechanism, in tension and outside it: the framework's central claim in numbers.

Planned activities are not counted (nothing has happened to them yet). An activity is disrupted
when its status is one the codebook marks as disrupted (postponed, cancelled, suspended,
downgraded). Each rate carries its Wilson interval and the ids behind it; the risk ratio (in
tension ÷ outside) carries a Katz interval. Samples under the threshold get a plain warning.
"""

from __future__ import annotations

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.exposure import IN, OUT, UNDETERMINED, exposure
from lowpolitics.analysis.intervals import RATE_METHOD, RATIO_METHOD, risk_ratio, wilson
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.framework.codebook import Codebook


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def rate_block(group: list[ActivityView], disrupted_statuses: frozenset[str]) -> dict:
    """n, disrupted, rate with its Wilson interval, and the ids behind both counts."""
    disrupted = [a.key for a in group if a.status in disrupted_statuses]
    n = len(group)
    ci = wilson(len(disrupted), n)
    return {
        "n": n,
        "disrupted": len(disrupted),
        "rate": _round(len(disrupted) / n) if n else None,
        "ci": [_round(ci[0]), _round(ci[1])] if ci else None,
        "ids": [a.key for a in group],
        "disrupted_ids": disrupted,
    }


def compare(
    inside: list[ActivityView], outside: list[ActivityView], disrupted_statuses: frozenset[str]
) -> dict:
    block_in = rate_block(inside, disrupted_statuses)
    block_out = rate_block(outside, disrupted_statuses)
    rr = risk_ratio(block_in["disrupted"], block_in["n"], block_out["disrupted"], block_out["n"])
    return {
        "in_tension": block_in,
        "outside": block_out,
        "risk_ratio": _round(rr.ratio, 3) if rr else None,
        "risk_ratio_ci": [_round(rr.low, 3), _round(rr.high, 3)] if rr else None,
        "risk_ratio_corrected": rr.corrected if rr else False,
    }


def _warnings(label: str, result: dict, small_n: int) -> list[str]:
    notes = []
    for side, words in (("in_tension", "during tension"), ("outside", "outside tension")):
        n = result[side]["n"]
        if n == 0:
            notes.append(f"{label}: no activity {words} — no rate can be given")
        elif n < small_n:
            notes.append(
                f"{label}: only {n} activit{'y' if n == 1 else 'ies'} {words}; the rate "
                f"is not reliable — read its interval, not the percentage"
            )
    if result["risk_ratio"] is None and result["in_tension"]["n"] and result["outside"]["n"]:
        notes.append(f"{label}: no disruption recorded in either group — no risk ratio")
    elif result["risk_ratio_corrected"]:
        notes.append(f"{label}: a zero count — the risk ratio uses the Haldane–Anscombe correction")
    return notes


def classify(
    activities: list[ActivityView], periods: list[TensionPeriod]
) -> dict[str, list[ActivityView]]:
    """Split counted activities (planned ones are left out) by exposure."""
    groups: dict[str, list[ActivityView]] = {IN: [], OUT: [], UNDETERMINED: []}
    for activity in activities:
        if activity.status == "planned":
            continue
        groups[exposure(activity.date, periods)].append(activity)
    return groups


def disruption_by_mechanism(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> dict:
    """The resilience table: per mechanism, disruption in tension vs outside."""
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    window = dataset.between(options.date_from, options.date_to)
    disrupted_statuses = codebook.disrupted_statuses
    groups = classify(window.activities, periods)
    planned = [a.key for a in window.activities if a.status == "planned"]
    by_mechanism = {}
    warnings: list[str] = []
    if not periods:
        warnings.append(
            "no tension periods: nothing to compare — declare periods or import security events"
        )
    for mechanism in codebook.mechanism_codes:
        inside = [a for a in groups[IN] if a.mechanism == mechanism]
        outside = [a for a in groups[OUT] if a.mechanism == mechanism]
        result = compare(inside, outside, disrupted_statuses)
        by_mechanism[mechanism] = result
        warnings += _warnings(mechanism, result, options.small_n)
    overall = compare(groups[IN], groups[OUT], disrupted_statuses)
    warnings += _warnings("all mechanisms", overall, options.small_n)
    if groups[UNDETERMINED]:
        warnings.append(
            f"{len(groups[UNDETERMINED])} activities are dated only to a month or year that "
            "overlaps a period; they are counted neither in tension nor outside"
        )
    return {
        "periods": [p.as_dict() for p in periods],
        "period_method": describe_periods(options, periods),
        "methods": {
            "rate_interval": RATE_METHOD,
            "risk_ratio_interval": RATIO_METHOD,
            "disrupted_statuses": sorted(disrupted_statuses),
            "counted": "activities with any status except planned; primary mechanism",
            "small_sample_threshold": options.small_n,
        },
        "window": {
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
        },
        "by_mechanism": by_mechanism,
        "all_mechanisms": overall,
        "undetermined": len(groups[UNDETERMINED]),
        "undetermined_ids": [a.key for a in groups[UNDETERMINED]],
        "planned_not_counted": len(planned),
        "warnings": warnings,
    }
