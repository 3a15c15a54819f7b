"""How fast does cooperation come back after tension begins?

For each tension period and mechanism: days from the period's first day to the next activity of
that mechanism seen working (held or resumed). For initiatives: the share of disrupted ones
that resumed within a year, with its Wilson interval; disruptions too recent to have had a year
are left out of the share and listed, because counting them would bias it down.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.intervals import RATE_METHOD, wilson
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.survival import (
    RESUME_WITHIN_DAYS,
    WORKING,
    _order,
    _round,
    _window,
    end_of_observation,
    group_by_initiative,
    main_mechanism,
)
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note


class _Working:
    """The held/resumed activities of each mechanism in date order, so that the earliest one
    starting on or after a day is one bisection away (not a scan of every row per period)."""

    def __init__(self, activities: list[ActivityView]) -> None:
        by_mechanism: dict[str, list[ActivityView]] = {}
        for a in activities:
            if a.status in WORKING:
                by_mechanism.setdefault(a.mechanism, []).append(a)
        self._rows = {m: sorted(rows, key=_order) for m, rows in by_mechanism.items()}
        self._starts = {m: [a.date.start for a in rows] for m, rows in self._rows.items()}

    def next(self, mechanism: str, since: date) -> ActivityView | None:
        """The earliest held/resumed activity of ``mechanism`` whose whole interval starts
        ≥ since (earliest by start, end, id)."""
        rows = self._rows.get(mechanism, [])
        at = bisect_left(self._starts.get(mechanism, []), since)
        return rows[at] if at < len(rows) else None


def _resumption(
    activities: list[ActivityView], disrupted: frozenset[str], until: date, small_n: int
) -> tuple[dict, list[str]]:
    groups, _ = group_by_initiative(activities)
    cases, too_recent = [], []
    for name, acts in groups.items():
        bad = next((a for a in acts if a.status in disrupted and a.date.start <= until), None)
        if bad is None:
            continue
        limit = bad.date.start + timedelta(days=RESUME_WITHIN_DAYS)
        back = next(
            (
                a
                for a in acts
                if a.status in WORKING and bad.date.start < a.date.start <= min(limit, until)
            ),
            None,
        )
        if back is None and limit > until:
            too_recent.append(name)  # not back yet, but a full year has not passed
            continue
        cases.append(
            {
                "initiative": name,
                "mechanism": main_mechanism(acts),
                "disrupted_activity": bad.key,
                "disrupted_on": bad.date.start.isoformat(),
                "resumed_activity": back.key if back else None,
                "resumed_on": back.date.start.isoformat() if back else None,
                "days": (back.date.start - bad.date.start).days if back else None,
            }
        )
    resumed = [c for c in cases if c["resumed_activity"]]
    ci = wilson(len(resumed), len(cases))
    block = {
        "n": len(cases),
        "resumed": len(resumed),
        "share": _round(len(resumed) / len(cases)) if cases else None,
        "ci": [_round(ci[0]), _round(ci[1])] if ci else None,
        "initiatives": [c["initiative"] for c in cases],
        "resumed_initiatives": [c["initiative"] for c in resumed],
        "activity_ids": sorted(
            {c["disrupted_activity"] for c in cases} | {c["resumed_activity"] for c in resumed}
        ),
        "cases": cases,
        "too_recent": too_recent,
    }
    notes = []
    if not cases:
        notes.append(
            note(N_("no disrupted initiative with a full year of follow-up — no resumption share"))
        )
    elif len(cases) < small_n:
        if len(cases) == 1:
            message = N_(
                "resumption: only {n} disrupted initiative; the share is not reliable — read "
                "its interval"
            )
        else:
            message = N_(
                "resumption: only {n} disrupted initiatives; the share is not reliable — read "
                "its interval"
            )
        notes.append(note(message, n=len(cases)))
    if too_recent:
        notes.append(
            note(
                N_(
                    "{n} initiative(s) disrupted less than a year before the end of "
                    "observation and not yet back are left out of the share"
                ),
                n=len(too_recent),
            )
        )
    return block, notes


def recovery(dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None) -> dict:
    """Days from each period's start until each mechanism works again; resumption within 1 year."""
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    until = end_of_observation(options)
    window = dataset.between(options.date_from, options.date_to)
    acts = [a for a in window.activities if a.date.start <= until]
    notes: list[str] = []
    by_period = []
    working = _Working(acts)
    for p in periods:
        if p.start > until or (options.date_from and p.start < options.date_from):
            continue
        rows = {}
        for mechanism in codebook.mechanism_codes:
            hit = working.next(mechanism, p.start)
            rows[mechanism] = {
                "days": (hit.date.start - p.start).days if hit else None,
                "activity": hit.key if hit else None,
                "date": hit.date.isoformat() if hit else None,
                "waiting_days": None if hit else (until - p.start).days,
            }
        by_period.append({"period": p.as_dict(), "by_mechanism": rows})
    if not periods:
        notes.append(note(N_("no tension periods: no recovery to measure")))
    share, share_notes = _resumption(
        window.activities, codebook.disrupted_statuses, until, options.small_n
    )
    return {
        "as_of": options.today().isoformat(),
        "end_of_observation": until.isoformat(),
        "window": _window(options),
        "period_method": describe_periods(options, periods),
        "methods": {
            "recovery_days": "days from a period's first day to the start of the next activity "
            "of the mechanism (primary) with status held or resumed whose whole date interval "
            "starts on or after that day; waiting_days: days so far when none is recorded",
            "resumption": f"an initiative is disrupted at its first disrupted activity; it "
            f"resumed if a later activity of it with status held or resumed starts within "
            f"{RESUME_WITHIN_DAYS} days; disruptions without a full year of follow-up and not "
            "yet resumed are left out",
            "share_interval": RATE_METHOD,
            "small_sample_threshold": options.small_n,
        },
        "by_period": by_period,
        "resumption": share,
        "warnings": notes + share_notes,
    }
