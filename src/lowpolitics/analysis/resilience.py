"""Disruption by mechanism, in tension and outside it: the framework's central claim in numbers.

What is counted (see :mod:`lowpolitics.analysis.units`): cooperative units only — statements
and restrictions are set aside with their ids, and several reports of one event count once.
An activity is disrupted when its status is one the codebook marks as disrupted (postponed,
cancelled, suspended, downgraded). A ``planned`` activity past its date by more than the grace
period has an unknown outcome: the rate *as recorded* leaves it out, and two bounds say what the
rate would be if every unknown had been held, or disrupted.

Exposure is reported three ways at day resolution — in tension, outside, undetermined (a date
known only to a month or year that overlaps a period) — and again at year resolution, where a
year that overlaps any period is a tension year, so that no disruption dated only to a year is
out of sight. Each rate carries its Wilson interval and the ids behind it; the risk ratio (in
tension ÷ outside) carries a Katz interval. Samples under the threshold get a plain warning.
"""

from __future__ import annotations

from lowpolitics.analysis.contact_scope import contact_scope
from lowpolitics.analysis.dataset import ActivityView, Dataset, shared
from lowpolitics.analysis.exposure import CODES, IN, OUT, UNDETERMINED, PeriodIndex, exposure_codes
from lowpolitics.analysis.intervals import RATE_METHOD, RATIO_METHOD, risk_ratio, wilson
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.units import (
    DISRUPTED,
    HELD,
    UNKNOWN,
    CountingBase,
    counting_base,
    unit_ids,
)
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note

TENSION_YEARS, CALM_YEARS = "tension_years", "calm_years"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _rate(k: int, n: int) -> dict:
    ci = wilson(k, n)
    return {
        "n": n,
        "disrupted": k,
        "rate": _round(k / n) if n else None,
        "ci": [_round(ci[0]), _round(ci[1])] if ci else None,
    }


def rate_block(
    group: list[ActivityView],
    disrupted_statuses: frozenset[str],
    unknown: list[ActivityView] | None = None,
) -> dict:
    """n, disrupted, rate with its Wilson interval, and the ids behind both counts; with
    ``unknown`` (outcome-unknown units of the same group), the two bounds as well."""
    disrupted = [a for a in group if a.status in disrupted_statuses]
    unknown = unknown or []
    n, k, u = len(group), len(disrupted), len(unknown)
    block = {
        **_rate(k, n),
        "ids": [a.key for a in group],
        "disrupted_ids": [a.key for a in disrupted],
        "reports": {a.key: unit_ids(a) for a in group if a.members},
        "unknown": u,
        "unknown_ids": [a.key for a in unknown],
    }
    block["bounds"] = {
        "as_recorded": _rate(k, n),
        "if_unknown_held": _rate(k, n + u),
        "if_unknown_disrupted": _rate(k + u, n + u),
    }
    return block


def _ratio(block_in: dict, block_out: dict) -> dict:
    rr = risk_ratio(block_in["disrupted"], block_in["n"], block_out["disrupted"], block_out["n"])
    return {
        "risk_ratio": _round(rr.ratio, 3) if rr else None,
        "risk_ratio_ci": [_round(rr.low, 3), _round(rr.high, 3)] if rr else None,
        "risk_ratio_corrected": rr.corrected if rr else False,
    }


def compare(
    inside: list[ActivityView],
    outside: list[ActivityView],
    disrupted_statuses: frozenset[str],
    unknown_in: list[ActivityView] | None = None,
    unknown_out: list[ActivityView] | None = None,
) -> dict:
    """Two groups, their rates and the risk ratio; with unknowns, the ratio under each bound."""
    block_in = rate_block(inside, disrupted_statuses, unknown_in)
    block_out = rate_block(outside, disrupted_statuses, unknown_out)
    result = {"in_tension": block_in, "outside": block_out, **_ratio(block_in, block_out)}
    if unknown_in or unknown_out:
        result["risk_ratio_bounds"] = {
            bound: _ratio(block_in["bounds"][bound], block_out["bounds"][bound])
            for bound in ("if_unknown_held", "if_unknown_disrupted")
        }
    return result


def _warnings(label: str, result: dict, small_n: int) -> list[str]:
    notes = []
    for side in ("in_tension", "outside"):
        n = result[side]["n"]
        where = f"{label}.{side}"
        during = side == "in_tension"
        if n == 0:
            notes.append(
                note(N_("{where}: no activity during tension — no rate can be given"), where=where)
                if during
                else note(
                    N_("{where}: no activity outside tension — no rate can be given"), where=where
                )
            )
        elif n < small_n:
            if during:
                message = (
                    N_(
                        "{where}: only {n} activity during tension; the rate is not reliable — "
                        "read its interval, not the percentage"
                    )
                    if n == 1
                    else N_(
                        "{where}: only {n} activities during tension; the rate is not reliable — "
                        "read its interval, not the percentage"
                    )
                )
            else:
                message = (
                    N_(
                        "{where}: only {n} activity outside tension; the rate is not reliable — "
                        "read its interval, not the percentage"
                    )
                    if n == 1
                    else N_(
                        "{where}: only {n} activities outside tension; the rate is not reliable — "
                        "read its interval, not the percentage"
                    )
                )
            notes.append(note(message, where=where, n=n))
    if result["risk_ratio"] is None and result["in_tension"]["n"] and result["outside"]["n"]:
        notes.append(
            note(
                N_("{label}.risk_ratio: no disruption recorded in either group — no ratio"),
                label=label,
            )
        )
    elif result["risk_ratio_corrected"]:
        notes.append(
            note(
                N_(
                    "{label}.risk_ratio: a zero count — the ratio uses the Haldane–Anscombe "
                    "correction"
                ),
                label=label,
            )
        )
    return notes


def classify(
    activities: list[ActivityView], periods: list[TensionPeriod]
) -> dict[str, list[ActivityView]]:
    """Split activities by exposure at day resolution; planned ones are left out (used by
    at-risk, which asks about plans separately)."""
    groups: dict[str, list[ActivityView]] = {IN: [], OUT: [], UNDETERMINED: []}
    where = PeriodIndex(periods).activity
    for activity in activities:
        if activity.status == "planned":
            continue
        groups[where(activity)].append(activity)
    return groups


def tension_years(periods: list[TensionPeriod]) -> set[int]:
    return {y for p in periods for y in range(p.start.year, p.end.year + 1)}


def year_exposure(unit: ActivityView, years: set[int]) -> str:
    """A unit is in a tension year when any year its known interval covers overlaps a period."""
    first, last = unit.known_interval
    covered = range(first.year, last.year + 1)
    return TENSION_YEARS if any(y in years for y in covered) else CALM_YEARS


def _split(base: CountingBase, periods: list[TensionPeriod]) -> dict:
    """Counted units (held or disrupted) and unknown ones, by exposure at both resolutions."""
    years = tension_years(periods)
    exposure = PeriodIndex(periods).activity
    split: dict[str, dict[str, list[ActivityView]]] = {}
    for unit in base.units:
        outcome = base.outcomes[unit.key]
        if outcome not in (HELD, DISRUPTED, UNKNOWN):
            continue
        slot = "unknown" if outcome == UNKNOWN else "counted"
        for where in (exposure(unit), year_exposure(unit, years)):
            split.setdefault(where, {"counted": [], "unknown": []})[slot].append(unit)
    for where in (IN, OUT, UNDETERMINED, TENSION_YEARS, CALM_YEARS):
        split.setdefault(where, {"counted": [], "unknown": []})
    return split


class _Columns:
    """The units a resilience table counts (held, disrupted or unknown, in the base's order)
    as columns: built once per counting base and reused for every set of periods."""

    def __init__(self, base: CountingBase) -> None:
        import numpy as np  # here, not at the top: the CLI's start-up stays light

        self.units = [u for u in base.units if base.outcomes[u.key] in (HELD, DISRUPTED, UNKNOWN)]
        self.unknown = np.array([base.outcomes[u.key] == UNKNOWN for u in self.units], dtype=bool)
        # the days each unit's sources leave open (its known interval), as exposure reads them
        known = [u.known_interval for u in self.units]
        self.start = np.array([s.toordinal() for s, _ in known], dtype=np.int64)
        self.end = np.array([e.toordinal() for _, e in known], dtype=np.int64)
        self.first_year = np.array([s.year for s, _ in known], dtype=np.int64)
        self.last_year = np.array([e.year for _, e in known], dtype=np.int64)
        self.mechanisms = sorted({u.mechanism for u in self.units})
        position = {m: i for i, m in enumerate(self.mechanisms)}
        self.mechanism = np.array([position[u.mechanism] for u in self.units], dtype=np.int64)


def _grouped(base: CountingBase, periods: list[TensionPeriod]) -> dict:
    """:func:`_split` with each group also by mechanism, ``(where, slot) → {mechanism or None:
    units}`` in the base's order: exposure for every unit in a few array searches, not a call
    per unit for each of the sensitivity analysis' definitions."""
    import numpy as np

    columns = shared(base, "resilience_columns", lambda: _Columns(base))
    units = columns.units
    day = exposure_codes(columns.start, columns.end, periods)
    tension = np.array(sorted(tension_years(periods)), dtype=np.int64)
    in_years = np.searchsorted(tension, columns.last_year, side="right") > np.searchsorted(
        tension, columns.first_year, side="left"
    )
    slots = {"counted": ~columns.unknown, "unknown": columns.unknown}
    wheres = {code: day == i for i, code in enumerate(CODES)}
    wheres |= {TENSION_YEARS: in_years, CALM_YEARS: ~in_years}
    by_mechanism = [columns.mechanism == i for i in range(len(columns.mechanisms))]
    grouped: dict = {}
    for where, at in wheres.items():
        for slot, kept in slots.items():
            mask = at & kept
            groups = {None: [units[i] for i in np.flatnonzero(mask)]}
            for mechanism, own in zip(columns.mechanisms, by_mechanism, strict=True):
                groups[mechanism] = [units[i] for i in np.flatnonzero(mask & own)]
            grouped[(where, slot)] = groups
    return grouped


def _table(grouped: dict, mechanism: str | None, disrupted: frozenset[str]) -> dict:
    def part(where: str, slot: str) -> list[ActivityView]:
        return grouped[(where, slot)].get(mechanism, [])

    day = compare(
        part(IN, "counted"),
        part(OUT, "counted"),
        disrupted,
        part(IN, "unknown"),
        part(OUT, "unknown"),
    )
    day["undetermined"] = rate_block(
        part(UNDETERMINED, "counted"), disrupted, part(UNDETERMINED, "unknown")
    )
    years = compare(
        part(TENSION_YEARS, "counted"),
        part(CALM_YEARS, "counted"),
        disrupted,
        part(TENSION_YEARS, "unknown"),
        part(CALM_YEARS, "unknown"),
    )
    day["year_resolution"] = {
        TENSION_YEARS: years["in_tension"],
        CALM_YEARS: years["outside"],
        **{k: v for k, v in years.items() if k not in ("in_tension", "outside")},
    }
    return day


def resilience_table(
    base: CountingBase, periods: list[TensionPeriod], codebook: Codebook, small_n: int
) -> tuple[dict, dict, list[str]]:
    """Per mechanism and overall: the comparison at day and year resolution, with warnings."""
    disrupted = codebook.disrupted_statuses
    grouped = _grouped(base, periods)
    by_mechanism, warnings = {}, []
    for mechanism in codebook.mechanism_codes:
        by_mechanism[mechanism] = _table(grouped, mechanism, disrupted)
        warnings += _warnings(f"by_mechanism.{mechanism}", by_mechanism[mechanism], small_n)
    overall = _table(grouped, None, disrupted)
    warnings += _warnings("all_mechanisms", overall, small_n)
    return by_mechanism, overall, warnings


def disruption_by_mechanism(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> dict:
    """The resilience table: per mechanism, disruption in tension vs outside."""
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    window = dataset.between(options.date_from, options.date_to)
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    warnings: list[str] = []
    if not periods:
        warnings.append(
            note(
                N_(
                    "periods: no tension periods, nothing to compare — declare periods or import "
                    "security events"
                )
            )
        )
    by_mechanism, overall, table_notes = resilience_table(base, periods, codebook, options.small_n)
    warnings += table_notes
    undetermined = overall["undetermined"]
    hidden = undetermined["disrupted_ids"]
    if undetermined["n"] or undetermined["unknown"]:
        count = undetermined["n"] + undetermined["unknown"]
        warnings.append(
            note(
                N_(
                    "all_mechanisms.undetermined: {n} activities are dated only to a month or "
                    "year that overlaps a period, so they are neither in tension nor outside at "
                    "day resolution — among them the disruptions {ids}; see year_resolution, "
                    "where every one of them is placed"
                ),
                n=count,
                ids=hidden,
            )
            if hidden
            else note(
                N_(
                    "all_mechanisms.undetermined: {n} activities are dated only to a month or "
                    "year that overlaps a period, so they are neither in tension nor outside at "
                    "day resolution; see year_resolution, where every one of them is placed"
                ),
                n=count,
            )
        )
    unknown = [u.key for u in base.with_outcome(UNKNOWN)]
    if unknown:
        warnings.append(
            note(
                N_(
                    "bounds: {n} planned activities are past their date by more than {days} days "
                    "with no reported outcome ({ids}); each rate shows its bounds if all were "
                    "held or all disrupted"
                ),
                n=len(unknown),
                days=options.grace_days,
                ids=unknown,
            )
        )
    if base.broken_links:
        warnings.append(
            note(
                N_(
                    "same_as: rows point at an id that is not a cooperative row of this window "
                    "({ids}); they are counted on their own"
                ),
                ids=list(base.broken_links),
            )
        )
    pending = [u.key for u in base.units if base.outcomes[u.key] == "pending"]
    return {
        "periods": [p.as_dict() for p in periods],
        "period_method": describe_periods(options, periods),
        "methods": {
            "rate_interval": RATE_METHOD,
            "risk_ratio_interval": RATIO_METHOD,
            "disrupted_statuses": sorted(codebook.disrupted_statuses),
            "counted": "cooperative units (record kinds marked cooperative), linked reports "
            "merged into one; held or disrupted; primary mechanism",
            "unknown_outcome": f"planned, and past its date by more than {options.grace_days} "
            "days: left out of the rate as recorded; bounds count every one held, or every "
            "one disrupted",
            "year_resolution": "a unit whose date covers a year that overlaps any tension "
            "period is in a tension year",
            "small_sample_threshold": options.small_n,
        },
        "window": {
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
        },
        "contact": contact_scope(dataset),
        "counting": {
            "units": len(base.units),
            "merged_reports": base.merged,
            "statements_set_aside": [s.key for s in base.statements],
            "restrictions_set_aside": [r.key for r in base.restrictions],
            "unknown_outcome_ids": unknown,
            "pending_ids": pending,
        },
        "by_mechanism": by_mechanism,
        "all_mechanisms": overall,
        "undetermined": undetermined["n"],
        "undetermined_ids": undetermined["ids"],
        "planned_not_counted": len(pending) + len(unknown),
        "warnings": warnings,
    }
