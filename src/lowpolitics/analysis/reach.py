"""Reach: whom the activities reach (participants, women, youth), where (border regions), and
whether the two sides host each other in turn (reciprocity), per year and overall.

Participant shares pool the people of every activity that reports both numbers. People at one
event are not independent draws, so the interval comes from a seeded bootstrap over activities
(the unit that was actually sampled), not from a binomial formula. The border-region share is a
share of activities, with a Wilson interval.

Only cooperative units are counted (statements and restrictions reach nobody; several reports
of one event count once). Because few rows report participant numbers, and mostly the rows of
youth events, the participant shares describe those few. The **components** say instead how many
activities have a youth or a women's component at all — by their activity type or an actor's
type (codebook ``reaches``), by their mechanism (education and youth), or by a reported count —
which every row can answer.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.intervals import RATE_METHOD, share_with_interval
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note

BOOTSTRAP_RUNS = 2000
BOOTSTRAP_SEED = 20221
BOOTSTRAP_CELLS = 2_000_000  # resampled indices held at once (memory, not results)
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
        # the resamples drawn a block of rows at a time: the same generator gives the same
        # draws in the same order, and each row's sums are the same, but a 100,000-activity
        # year no longer holds 2,000 × n indices (and their gathered values) at once
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        shares = np.empty(BOOTSTRAP_RUNS)
        block = max(1, BOOTSTRAP_CELLS // len(pairs))
        for first in range(0, BOOTSTRAP_RUNS, block):
            size = min(block, BOOTSTRAP_RUNS - first)
            draws = rng.integers(0, len(pairs), size=(size, len(pairs)))
            shares[first : first + size] = parts[draws].sum(axis=1) / totals[draws].sum(axis=1)
        ci = [_r(np.percentile(shares, 2.5)), _r(np.percentile(shares, 97.5))]
    return {
        "share": _r(share),
        "ci": ci,
        "people": int(parts.sum()),
        "of": int(totals.sum()),
        "activities": len(pairs),
    }


def _component(counted: list[ActivityView], has) -> dict:
    ids = [a.key for a in counted if has(a)]
    return {
        "n": len(counted),
        "with_component": len(ids),
        **share_with_interval(len(ids), len(counted)),
        "ids": ids,
    }


def components(
    counted: list[ActivityView], codebook: Codebook, actor_types: dict[tuple[str, str], str]
) -> dict:
    """Share of activities with a youth and with a women's component (see the module)."""
    youth_acts, youth_actors = codebook.reaching("youth")
    women_acts, women_actors = codebook.reaching("women")

    def youth(a: ActivityView) -> bool:
        return (
            a.mechanism == "education_youth"
            or "education_youth" in a.secondary
            or a.activity_type in youth_acts
            or bool(a.participants_youth)
            or any(actor_types.get(actor) in youth_actors for actor in a.actors)
        )

    def women(a: ActivityView) -> bool:
        return (
            a.activity_type in women_acts
            or bool(a.participants_women)
            or any(actor_types.get(actor) in women_actors for actor in a.actors)
        )

    return {"youth": _component(counted, youth), "women": _component(counted, women)}


def reach_block(
    activities: list[ActivityView],
    codebook: Codebook | None = None,
    actor_types: dict[tuple[str, str], str] | None = None,
) -> dict:
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
            **share_with_interval(len(border), len(located)),
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
    if codebook is not None:
        block["components"] = components(counted, codebook, actor_types or {})
    return block


def reach(
    dataset: Dataset, options: AnalysisOptions | None = None, codebook: Codebook | None = None
) -> dict:
    """Reach per year and for the whole window, with the ids behind each count. With a
    codebook only cooperative units count, and the youth and women components are added."""
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    rows = window.activities
    if codebook is not None:
        rows = counting_base(rows, codebook, options.today(), options.grace_days).units
    by_year: dict[int, list[ActivityView]] = defaultdict(list)
    for activity in rows:
        by_year[activity.date.start.year].append(activity)
    types = dataset.actor_types
    overall = reach_block(rows, codebook, types)
    warnings = []
    reporting = overall["participants"]["activities_reporting"]
    if overall["activities"] and reporting < options.small_n:
        warnings.append(
            note(
                N_(
                    "only {k} of {n} activities report participant numbers; the shares of "
                    "women and youth describe those few, not the whole record"
                ),
                k=reporting,
                n=overall["activities"],
            )
        )
    if overall["border_regions"]["unknown_location"]:
        warnings.append(
            note(
                N_(
                    "{n} activities have no known place or region and are left out of the "
                    "border-region share"
                ),
                n=overall["border_regions"]["unknown_location"],
            )
        )
    return {
        "methods": {
            "participant_shares": SHARE_METHOD,
            "border_share_interval": RATE_METHOD,
            "border_region": "the place's border flag in the gazetteer, else the region's",
            "counted": (
                "cooperative units (statements and restrictions left out, linked reports "
                "merged) with any status except planned"
                if codebook is not None
                else "registry rows with any status except planned"
            ),
            "components": "youth: education-and-youth mechanism, an activity or actor type "
            "that reaches youth (codebook), or a reported youth count; women: an activity or "
            "actor type that reaches women, or a reported count of women",
        },
        "overall": overall,
        "by_year": {
            str(year): reach_block(acts, codebook, types) for year, acts in sorted(by_year.items())
        },
        "warnings": warnings,
    }
