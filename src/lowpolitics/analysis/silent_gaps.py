"""Silent gaps: years a recurring initiative was due and nothing at all was recorded.

A gap is only worth naming when the initiative was alive and regular, so the rules are strict:

- **Inside its life.** A gap is inferred only between the initiative's first recorded year and
  the end of its life: the ``end`` of a life that ``ended`` (a donor project that closed), the
  last completed year for a life recorded as still running, and otherwise the last year
  anything was recorded — years after that are reported as *quiet since*, never as gaps.
- **Regular rhythm.** A declared rhythm (frameworks file) always wins. Otherwise a rhythm is
  inferred only from at least three distinct years with a held occurrence *and* only when the
  record is regular: at least two thirds of the gaps between those years equal their median.
  An initiative with a treaty and two campus openings is not a recurring event.
- **Spans.** Consecutive silent years form one gap, with the ids recorded just before and after.
- **Baseline.** How many silent years would overlap a tension year if each initiative's silent
  years fell at random years of its life (drawn without replacement from the years between its
  first recorded year and the end of the span, fixed seed)? The observed count is set against
  the mean and the 5th–95th percentiles of that draw, with a one-sided permutation p-value.
- Bodies (commissions, working groups) and initiatives made only of their sessions are left to
  the bodies section, so that each body has one rhythm everywhere.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from datetime import date

from lowpolitics.analysis.dataset import ActivityView
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.notes import N_, note

HELD_STATUSES = frozenset({"held", "signed", "resumed"})
MIN_YEARS = 3
REGULAR_SHARE = 2 / 3


def silent_years(active: set[int], last_year: int, rhythm_months: int) -> list[tuple[int, bool]]:
    """Years due by the rhythm with nothing recorded, each with whether it follows the last
    active year (``open``: the initiative may have stopped): after an active year *a*, the
    years ``a + ceil(j × rhythm / 12)`` for j = 1, 2, …"""
    first, last_active = min(active), max(active)
    due: list[tuple[int, bool]] = []
    anchor = first
    for year in range(first + 1, last_year + 1):
        if year in active:
            anchor = year
            continue
        j = 1
        while (step := -(-j * rhythm_months // 12)) < year - anchor:
            j += 1
        if step == year - anchor:
            due.append((year, year > last_active))
    return due


def yearly_rhythm(held_years: list[int]) -> tuple[int | None, str]:
    """(months, reason): the inferred rhythm of a recurring event from its held years, or
    ``None`` with the reason it cannot be inferred (too few years, or irregular)."""
    years = sorted(set(held_years))
    if len(years) < MIN_YEARS:
        return None, note(N_("fewer than {n} years with a held occurrence"), n=MIN_YEARS)
    gaps = [b - a for a, b in zip(years, years[1:], strict=False)]
    typical = max(1, int(statistics.median(gaps) + 0.5))
    share = sum(1 for g in gaps if g == typical) / len(gaps)
    if share < REGULAR_SHARE:
        return None, note(
            N_("irregular: only {share} of the gaps between its years equal {typical}"),
            share=f"{share:.0%}",
            typical=typical,
        )
    return 12 * typical, note(
        N_("{share} of the gaps between its years equal {typical}"),
        share=f"{share:.0%}",
        typical=typical,
    )


def _last_complete_year(horizon: date) -> int:
    return horizon.year if (horizon.month, horizon.day) == (12, 31) else horizon.year - 1


def span_end(recorded_years: set[int], life, horizon: date) -> tuple[int, str]:
    """The last year a gap can be inferred in, and why (see the module docstring)."""
    complete = _last_complete_year(horizon)
    last_recorded = max(recorded_years)
    if life is not None and life.end is not None and life.ended:
        return min(life.end.year, complete), "the initiative's recorded end"
    if life is not None and life.ended is False:
        end = min(life.end.year, complete) if life.end else complete
        return max(end, last_recorded), "the initiative is recorded as still running"
    return last_recorded, "no recorded life: the last year anything was recorded"


def _spans(silent: list[int], acts: list[ActivityView]) -> list[dict]:
    spans: list[list[int]] = []
    for y in sorted(silent):
        if spans and y == spans[-1][-1] + 1:
            spans[-1].append(y)
        else:
            spans.append([y])
    out = []
    for years in spans:
        before = [a for a in acts if a.date.end.year < years[0]]
        after = [a for a in acts if a.date.start.year > years[-1]]
        out.append(
            {
                "from_year": years[0],
                "to_year": years[-1],
                "years": len(years),
                "before_id": before[-1].key if before else None,
                "after_id": after[0].key if after else None,
            }
        )
    return out


class _Span:
    """A run of whole years, shaped like a date interval for :func:`_against`."""

    def __init__(self, first: int, last: int):
        self.start, self.end = date(first, 1, 1), date(last, 12, 31)


def _years_interval(first: int, last: int) -> _Span:
    return _Span(first, last)


def tension_year_set(periods) -> set[int]:
    return {y for p in periods for y in range(p.start.year, p.end.year + 1)}


def _against(record: dict, when: PartialDate, periods) -> dict:
    over = [
        {"start": p.start.isoformat(), "end": p.end.isoformat(), "origin": p.origin}
        for p in periods
        if p.start <= when.end and when.start <= p.end
    ]
    return {**record, "overlaps_tension": bool(over), "periods": over}


def _year(year: int, acts: list[ActivityView], expected: float | None) -> dict:
    held = sum(1 for a in acts if a.status in HELD_STATUSES)
    return {
        "year": year,
        "expected": expected,
        "held": held,
        "recorded": len(acts),
        "ids": [a.key for a in acts],
    }


def recurring_entry(
    name: str,
    acts: list[ActivityView],
    declared: int | None,
    life,
    horizon: date,
    disrupted: frozenset[str],
    periods,
) -> dict:
    acts = sorted(acts, key=lambda a: (a.date.start, a.date.end, a.key))
    held = [a for a in acts if a.status in HELD_STATUSES]
    recorded: dict[int, list[ActivityView]] = defaultdict(list)
    for a in acts:
        recorded[a.date.year].append(a)
    if declared:
        months, source = declared, "declared"
        why = note(N_("declared in the frameworks file"))
    else:
        months, why = yearly_rhythm([a.date.year for a in held])
        source = "inferred" if months else "unknown"
    last, last_reason = span_end(set(recorded), life, horizon)
    first = min(recorded)
    expected = round(12 / months, 3) if months else None
    silent = [y for y, _ in silent_years(set(recorded), last, months)] if months else []
    explicit = [
        _against({"id": a.key, "date": a.date.isoformat(), "status": a.status}, a.date, periods)
        for a in acts
        if a.status in disrupted
    ]
    gaps = [
        _against(span, _years_interval(span["from_year"], span["to_year"]), periods)
        for span in _spans(silent, acts)
    ]
    last_active = max(recorded)
    quiet = _last_complete_year(horizon) - last_active
    return {
        "initiative": name,
        "activities": len(acts),
        "held": len(held),
        "rhythm_months": months,
        "rhythm_source": source,
        "rhythm_basis": why,
        "expected_per_year": expected,
        "life": {
            "start": life.start.isoformat() if life and life.start else None,
            "end": life.end.isoformat() if life and life.end else None,
            "ended": life.ended if life else None,
        },
        "first_year": first,
        "span_end": last,
        "span_end_reason": last_reason,
        "per_year": [_year(y, recorded[y], expected) for y in range(first, last_active + 1)],
        "last_activity": {"id": acts[-1].key, "date": acts[-1].date.isoformat()},
        "quiet_since": {"last_year": last_active, "years": max(0, quiet)},
        "explicit_disruptions": explicit,
        "silent_disruptions": [
            _against(
                {
                    "year": y,
                    "inferred": True,
                    "open": y > last_active,
                    "expected_occurrences": expected,
                },
                PartialDate(y),
                periods,
            )
            for y in silent
        ],
        "gaps": gaps,
        "stopped": bool(life and life.ended),
        "_candidates": list(range(first + 1, last + 1)),
    }


def permutation_baseline(entries: list[dict], periods, permutations: int, seed: int) -> dict:
    """Observed silent years in tension years vs the same number drawn at random years of each
    initiative's span (see the module docstring)."""
    years = tension_year_set(periods)
    draws = [(e["_candidates"], len(e["silent_disruptions"])) for e in entries]
    draws = [(c, k) for c, k in draws if k and len(c) >= k]
    observed = sum(1 for e in entries for s in e["silent_disruptions"] if s["year"] in years)
    total = sum(k for _, k in draws)
    if not draws or permutations <= 0:
        return {
            "observed": observed,
            "silent_years": total,
            "expected": None,
            "p05": None,
            "p95": None,
            "p_value": None,
            "permutations": 0,
            "seed": seed,
        }
    rng = random.Random(seed)
    # ``sample`` picks positions from the population's length alone, so drawing from each
    # initiative's tension flags instead of its years gives the same picks from the same
    # generator, and the count of tension years among them is a sum of booleans
    flags = [([y in years for y in c], k) for c, k in draws]
    counts = []
    for _ in range(permutations):
        counts.append(sum(sum(rng.sample(f, k)) for f, k in flags))
    counts.sort()
    at_least = sum(1 for c in counts if c >= observed)
    return {
        "observed": observed,
        "silent_years": total,
        "expected": round(statistics.fmean(counts), 3),
        "p05": counts[int(0.05 * (len(counts) - 1))],
        "p95": counts[int(0.95 * (len(counts) - 1))],
        "p_value": round((1 + at_least) / (1 + permutations), 4),
        "permutations": permutations,
        "seed": seed,
    }


def recurring(
    by_initiative: dict[str, list[ActivityView]],
    declared: dict[str, int],
    lives: dict,
    skip: set[str],
    horizon: date,
    disrupted: frozenset[str],
    periods,
    permutations: int,
    seed: int,
) -> tuple[dict, list[str]]:
    entries, notes = [], []
    for name in sorted(by_initiative):
        acts = by_initiative[name]
        if len(acts) < 2 or name in skip:
            continue
        entry = recurring_entry(
            name, acts, declared.get(name), lives.get(name), horizon, disrupted, periods
        )
        entries.append(entry)
        if entry["rhythm_source"] == "unknown":
            notes.append(
                note(
                    N_("recurring.{name}: no rhythm ({why}) — no silent year"),
                    name=name,
                    why=entry["rhythm_basis"],
                )
            )
    baseline = permutation_baseline(entries, periods, permutations, seed)
    for e in entries:
        del e["_candidates"]
    explicit = [d for e in entries for d in e["explicit_disruptions"]]
    silent = [
        {"initiative": e["initiative"], **s} for e in entries for s in e["silent_disruptions"]
    ]
    gaps = [{"initiative": e["initiative"], **g} for e in entries for g in e["gaps"]]
    totals = {
        "explicit": len(explicit),
        "explicit_ids": [d["id"] for d in explicit],
        "explicit_overlapping_tension": sum(1 for d in explicit if d["overlaps_tension"]),
        "silent_inferred": len(silent),
        "silent_overlapping_tension": sum(1 for s in silent if s["overlaps_tension"]),
        "silent_after_last_activity": sum(1 for s in silent if s["open"]),
        "silent_years": [
            {
                "initiative": s["initiative"],
                "year": s["year"],
                "overlaps_tension": s["overlaps_tension"],
            }
            for s in silent
        ],
        "gaps": gaps,
        "stopped_initiatives": [e["initiative"] for e in entries if e["stopped"]],
        "baseline": baseline,
    }
    if baseline["expected"] is not None:
        notes.append(
            note(
                N_(
                    "recurring.totals.silent_overlapping_tension: {observed} silent years fall "
                    "in tension years; at random years of the same lives about {expected} would "
                    "(5–95 %: {p05}–{p95}, p = {p})"
                ),
                observed=baseline["observed"],
                expected=baseline["expected"],
                p05=baseline["p05"],
                p95=baseline["p95"],
                p=baseline["p_value"],
            )
        )
    return {"initiatives": entries, "totals": totals}, notes
