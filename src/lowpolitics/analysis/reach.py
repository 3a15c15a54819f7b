"""Reach: whom the activities reach (participants, women, youth), where (border regions), and
whether the two sides host each other in turn (reciprocity), per year and overall.

Participant shares pool the people of every activity that reports both numbers. People at one
event are not independent draws, so the interval comes from a seeded bootstrap over activities
(the unit that was actually sampled), not from a binomial formula. The border-region share is a
share of activities, with a Wilson interval.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.intervals import RATE_METHOD, wilson
from lowpolitics.analysis.options import AnalysisOptions

BOOTSTRAP_RUNS = 2000
BOOTSTRAP_SEED = 20221
SHARE_METHOD = (
    f"pooled share over activities reporting both counts; 95 % percentile interval from "
    f"{BOOTSTRAP_RUNS} bootstrap resamples of activities (seed {BOOTSTRAP_SEED})"
)


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def pooled_share(pairs: list[tuple[int, int]]) -> dict:
    """Sum of parts over sum of totals, with a bootstrap interval over activities."""
    pairs = [(part, total) for part, total in pairs if total > 0]
    if not pairs:
        return {"share": None, "ci": None, "people": 0, "of": 0, "activities": 0}
    parts = np.array([p for p, _ in pairs], dtype=float)
    totals = np.array([t for _, t in pairs], dtype=float)
    share = parts.sum() / totals.sum()
    ci = None
    if len(pairs) >= 2:
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        draws = rng.integers(0, len(pairs), size=(BOOTSTRAP_RUNS, len(pairs)))
        shares = parts[draws].sum(axis=1) / totals[draws].sum(axis=1)
        ci = [_r(np.percentile(shares, 2.5)), _r(np.percentile(shares, 97.5))]
    return {
        "share": _r(share),
        "ci": ci,
        "people": int(parts.sum()),
        "of": int(totals.sum()),
        "activities": len(pairs),
    }


def reach_block(activities: list[ActivityView]) -> dict:
    counted = [a for a in activities if a.status != "planned"]
    with_total = [a for a in counted if a.participants_total is not None]
    women = [
        (a.participants_women, a.participants_total)
        for a in with_total
        if a.participants_women is not None
    ]
    youth = [
        (a.participants_youth, a.participants_total)
        for a in with_total
        if a.participants_youth is not None
    ]
    located = [a for a in counted if a.border_area is not None]
    border = [a.key for a in located if a.border_area]
    border_ci = wilson(len(border), len(located))
    hosts: dict[str, list[str]] = defaultdict(list)
    for a in counted:
        hosts[a.host_country or "unknown"].append(a.key)
    kg, tj = len(hosts.get("KG", [])), len(hosts.get("TJ", []))
    block = {
        "activities": len(counted),
        "participants": {
            "total": sum(a.participants_total for a in with_total),
            "activities_reporting": len(with_total),
            "ids": [a.key for a in with_total],
        },
        "women": pooled_share(women),
        "youth": pooled_share(youth),
        "border_regions": {
            "n": len(located),
            "in_border_regions": len(border),
            "share": _r(len(border) / len(located)) if located else None,
            "ci": [_r(border_ci[0]), _r(border_ci[1])] if border_ci else None,
            "ids": border,
            "unknown_location": len(counted) - len(located),
        },
        "reciprocity": {
            "hosted_by": {country: len(keys) for country, keys in sorted(hosts.items())},
            "kg_to_tj_ratio": _r(kg / tj) if tj else None,
            "balance": _r(min(kg, tj) / max(kg, tj)) if max(kg, tj) else None,
            "ids": {country: keys for country, keys in sorted(hosts.items())},
        },
    }
    return block


def reach(dataset: Dataset, options: AnalysisOptions | None = None) -> dict:
    """Reach per year and for the whole window, with the ids behind each count."""
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    by_year: dict[int, list[ActivityView]] = defaultdict(list)
    for activity in window.activities:
        by_year[activity.date.start.year].append(activity)
    overall = reach_block(window.activities)
    warnings = []
    reporting = overall["participants"]["activities_reporting"]
    if overall["activities"] and reporting < options.small_n:
        warnings.append(
            f"only {reporting} of {overall['activities']} activities report participant "
            "numbers; the shares of women and youth describe those few, not the whole record"
        )
    if overall["border_regions"]["unknown_location"]:
        warnings.append(
            f"{overall['border_regions']['unknown_location']} activities have no known place or "
            "region and are left out of the border-region share"
        )
    return {
        "methods": {
            "participant_shares": SHARE_METHOD,
            "border_share_interval": RATE_METHOD,
            "border_region": "the place's border flag in the gazetteer, else the region's",
            "counted": "activities with any status except planned",
        },
        "overall": overall,
        "by_year": {str(year): reach_block(acts) for year, acts in sorted(by_year.items())},
        "warnings": warnings,
    }
