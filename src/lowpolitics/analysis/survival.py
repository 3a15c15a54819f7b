"""How long do initiatives last before tension disrupts them, and how fast does cooperation return?

A single festival tells little; an *initiative* (a recurring festival, a programme, a commission)
can be followed through time. :func:`survival` treats each initiative as a unit that is "at risk"
of disruption from its first activity on, estimates Kaplan–Meier curves by mechanism, and fits a
Cox model in which tension is a time-varying covariate — an initiative is exposed only while a
tension period lasts, not for its whole life. :func:`recovery` asks the reverse question: after
a period begins, how many days until each mechanism is seen working again, and how many
disrupted initiatives resume within a year.

Rules (they are repeated in each result's ``methods`` block):

- Time zero is the first day of the initiative's earliest activity (``date.start``; a month- or
  year-dated activity counts from the first day of its month or year).
- The event is the first activity with a disrupted status; its time is that activity's
  ``date.start``.
- Censoring: an initiative that was never disrupted is followed up to the start of its last
  activity that is not ``planned`` (the last time it was seen going ahead). If it also has a
  ``planned`` activity, it is still expected to continue, so follow-up runs to the end of
  observation. The end of observation is ``options.today()``, or ``options.date_to`` if that is
  earlier; no follow-up runs beyond it. Initiatives with only planned activities have not
  started and are left out (and listed).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, data, ident, note

WORKING = frozenset({"held", "resumed"})  # statuses that show a mechanism at work again
YEARS = (1, 2, 5)
MIN_COX_EVENTS = 5
RESUME_WITHIN_DAYS = 365
ZERO_DAY = 0.5  # follow-up given to an initiative disrupted on its very first day (Cox only)

CENSORING_RULE = (
    "never-disrupted initiatives are censored at the start of their last non-planned activity; "
    "if they also have a planned activity, at the end of observation (today, or the window end "
    "if earlier); never beyond the end of observation"
)
KM_METHOD = (
    "Kaplan–Meier (lifelines KaplanMeierFitter); pointwise 95 % interval from Greenwood's "
    "variance on the log(−log S) scale (lifelines default); survival at a time beyond the "
    "longest follow-up is not reported"
)
COX_METHOD = (
    "Cox proportional hazards with tension as a time-varying 0/1 covariate (lifelines "
    "CoxTimeVaryingFitter, Efron ties); follow-up split into episodes at tension-period "
    "boundaries; 95 % Wald interval for the hazard ratio exp(coef)"
)


def _order(activity: ActivityView) -> tuple:
    return (activity.date.start, activity.date.end, activity.key)


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def end_of_observation(options: AnalysisOptions) -> date:
    """Today, or the window end when that is earlier: no analysis looks past it."""
    today = options.today()
    return min(today, options.date_to) if options.date_to else today


@dataclass(frozen=True)
class Initiative:
    """One unit of the survival analysis, with the ids behind it."""

    name: str
    mechanism: str
    origin: date
    end: date  # day of the event, or of censoring
    event: bool
    activities: tuple[str, ...]
    event_activity: str | None = None

    @property
    def duration(self) -> int:
        return (self.end - self.origin).days

    def as_dict(self) -> dict:
        return {
            "initiative": self.name,
            "mechanism": self.mechanism,
            "origin": self.origin.isoformat(),
            "end": self.end.isoformat(),
            "duration_days": self.duration,
            "event": self.event,
            "event_activity": self.event_activity,
            "activities": list(self.activities),
        }


def group_by_initiative(
    activities: list[ActivityView],
) -> tuple[dict[str, list[ActivityView]], list[str]]:
    """Activities per initiative in date order, and the keys of those without one."""
    groups: dict[str, list[ActivityView]] = defaultdict(list)
    loose = []
    for a in activities:
        if a.initiative:
            groups[a.initiative].append(a)
        else:
            loose.append(a.key)
    return {name: sorted(acts, key=_order) for name, acts in sorted(groups.items())}, sorted(loose)


def main_mechanism(activities: list[ActivityView]) -> str:
    """The most common primary mechanism; among tied ones, the earliest activity's."""
    counts = Counter(a.mechanism for a in activities)
    top = max(counts.values())
    return next(a.mechanism for a in activities if counts[a.mechanism] == top)


def placed(when) -> date:
    """Where a date sits on the time line: a day as given, a month at its middle (±15 days).
    Year-dated origins and events are never placed (see :func:`build_initiatives`)."""
    if when.precision == "day":
        return when.start
    return when.start + (when.end - when.start) // 2


def build_initiatives(
    activities: list[ActivityView],
    disrupted: frozenset[str],
    until: date,
    imprecise: list[str] | None = None,
) -> tuple[list[Initiative], list[str], list[str]]:
    """Initiatives with origin, end and event flag; the names of those not started; loose keys.

    An initiative whose first activity or first disruption is dated only to a year is left out
    and its name added to ``imprecise``: placing it on 1 January would put a ban before the
    clash that caused it. Month-dated ones sit mid-month."""
    groups, loose = group_by_initiative(activities)
    units, not_started = [], []
    for name, acts in groups.items():
        origin_date = acts[0].date
        first_bad = next((a for a in acts if a.status in disrupted), None)
        seen = [a for a in acts if a.status != "planned"]
        if not seen or origin_date.start > until:
            not_started.append(name)
            continue
        if origin_date.precision == "year" or (
            first_bad is not None and first_bad.date.precision == "year"
        ):
            if imprecise is not None:
                imprecise.append(name)
            continue
        origin = placed(origin_date)
        keys = tuple(a.key for a in acts)
        if first_bad is not None and placed(first_bad.date) <= until:
            end, event, event_key = placed(first_bad.date), True, first_bad.key
        else:
            end = max(placed(a.date) for a in seen)
            if any(a.status == "planned" for a in acts):
                end = max(end, until)
            end, event, event_key = min(end, until), False, None
        units.append(
            Initiative(name, main_mechanism(acts), origin, max(end, origin), event, keys, event_key)
        )
    return units, not_started, loose


def _km_block(units: list[Initiative]) -> dict:
    """Kaplan–Meier summary and curve for a group of initiatives."""
    block: dict = {
        "n": len(units),
        "events": sum(u.event for u in units),
        "median_days": None,
        "at_years": {str(y): None for y in YEARS},
        "curve": [],
        "initiatives": [u.name for u in units],
        "durations": {u.name: u.duration for u in units},
        "event_flags": {u.name: u.event for u in units},
    }
    if not units:
        return block
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter(alpha=0.05)
    kmf.fit([u.duration for u in units], [u.event for u in units])
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    median = float(kmf.median_survival_time_)
    block["median_days"] = _round(median, 1)
    longest = max(u.duration for u in units)

    def at(t: float) -> tuple[float | None, float | None, float | None]:
        low, high = ci.loc[ci.index <= t].iloc[-1]
        return _round(sf.loc[sf.index <= t].iloc[-1]), _round(low), _round(high)

    for years in YEARS:
        if (t := 365 * years) <= longest:
            value, low, high = at(t)
            block["at_years"][str(years)] = {"t_days": t, "survival": value, "ci": [low, high]}
    start = [(0.0, 1.0, 1.0, 1.0)] if sf.iloc[0] < 1.0 else []  # an event on day 0
    keys = ("t_days", "survival", "ci_low", "ci_high")
    block["curve"] = [dict(zip(keys, row, strict=True)) for row in start] + [
        dict(zip(keys, (float(t), *at(t)), strict=True)) for t in sf.index
    ]
    return block


def split_episodes(
    origin: date, duration: float, event: bool, periods: list[TensionPeriod]
) -> list[tuple[float, float, int, int]]:
    """Cut follow-up ``(0, duration]`` into ``(start, stop, tension, event)`` episodes.

    Time is in days since ``origin``; day *d* is the instant ``(d − origin).days``. A period
    covering days ``ts..te`` (inclusive) is the half-open span ``(ts − ½, te + ½]``, so an event
    on the period's first or last day falls inside it and each period contributes exactly its
    length in days. Only the last episode of a disrupted initiative carries the event.
    """
    spans = []
    for p in periods:
        lo, hi = (p.start - origin).days - 0.5, (p.end - origin).days + 0.5
        if hi > 0 and lo < duration:
            spans.append((lo, hi))
    cuts = sorted({0.0, float(duration)} | {x for s in spans for x in s if 0 < x < duration})
    episodes = []
    for start, stop in zip(cuts, cuts[1:], strict=False):
        mid = (start + stop) / 2
        tense = int(any(lo < mid < hi for lo, hi in spans))
        episodes.append((start, stop, tense, int(event and stop == cuts[-1])))
    return episodes


def _cox(units: list[Initiative], periods: list[TensionPeriod]) -> tuple[dict | None, list[str]]:
    """Fit the time-varying Cox model, or say plainly why it cannot be fitted."""
    rows = []
    for i, u in enumerate(units):
        duration = max(u.duration, ZERO_DAY) if u.event else u.duration
        if duration <= 0:
            continue  # censored on its first day: at risk for no time at all
        rows += [(i, *episode) for episode in split_episodes(u.origin, duration, u.event, periods)]
    events = [r for r in rows if r[4]]
    in_tension = sum(r[3] for r in events)
    if not events:
        return None, [
            note(
                N_(
                    "Cox model not fitted: no initiative was disrupted, so there is no hazard "
                    "to compare"
                )
            )
        ]
    if len({r[3] for r in rows}) < 2:
        return None, [
            note(N_("Cox model not fitted: no initiative was followed both in and out of tension"))
        ]
    if len(events) < MIN_COX_EVENTS:
        return None, [
            note(
                N_(
                    "Cox model not fitted: only {n} disruption(s); fewer than {minimum} events "
                    "give no meaningful hazard ratio"
                ),
                n=len(events),
                minimum=MIN_COX_EVENTS,
            )
        ]
    if in_tension in (0, len(events)):
        if in_tension == 0:
            message = N_(
                "Cox model not fitted: all {n} disruptions happened outside tension, so the "
                "hazard ratio is unbounded (complete separation)"
            )
        else:
            message = N_(
                "Cox model not fitted: all {n} disruptions happened during tension, so the "
                "hazard ratio is unbounded (complete separation)"
            )
        return None, [note(message, n=len(events))]
    import pandas as pd
    from lifelines import CoxTimeVaryingFitter

    frame = pd.DataFrame(rows, columns=["id", "start", "stop", "tension", "event"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitter = CoxTimeVaryingFitter(alpha=0.05)
            columns = {"id_col": "id", "event_col": "event", "start_col": "start"}
            fitter.fit(frame, stop_col="stop", show_progress=False, **columns)
        row = fitter.summary.loc["tension"]
    except Exception as exc:  # lifelines raises several kinds on degenerate data
        return None, [
            note(
                N_("Cox model not fitted: the fit failed ({error}: {detail})"),
                error=ident(exc.__class__.__name__),
                detail=ident(str(exc)),
            )
        ]
    numbers = [row["exp(coef)"], row["exp(coef) lower 95%"], row["exp(coef) upper 95%"]]
    if not all(math.isfinite(x) for x in numbers) or row["se(coef)"] > 10:
        return None, [
            note(
                N_("Cox model not fitted: the estimate did not converge to a finite, stable value")
            )
        ]
    tense_days = sum(r[2] - r[1] for r in rows if r[3])
    result = {
        "hazard_ratio": _round(numbers[0], 3),
        "ci": [_round(numbers[1], 3), _round(numbers[2], 3)],
        "p_value": float(f"{row['p']:.3g}"),
        "coef": _round(row["coef"]),
        "se": _round(row["se(coef)"]),
        "initiatives": len({r[0] for r in rows}),
        "events": len(events),
        "events_in_tension": in_tension,
        "episodes": len(rows),
        "days_in_tension": _round(tense_days, 1),
        "days_outside": _round(sum(r[2] - r[1] for r in rows) - tense_days, 1),
        "initiative_ids": sorted({units[r[0]].name for r in rows}),
    }
    return result, []


def _window(options: AnalysisOptions) -> dict:
    start, end = options.date_from, options.date_to
    return {"from": start and start.isoformat(), "to": end and end.isoformat()}


def survival(dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None) -> dict:
    """Kaplan–Meier curves by mechanism and a Cox model of tension as time-varying exposure."""
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    until = end_of_observation(options)
    window = dataset.between(options.date_from, options.date_to)
    imprecise: list[str] = []
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    units, not_started, loose = build_initiatives(
        base.units, codebook.disrupted_statuses, until, imprecise
    )
    notes: list[str] = []
    if imprecise:
        notes.append(
            note(
                N_(
                    "initiatives: {n} left out because their start or first disruption is dated "
                    "only to a year ({initiatives})"
                ),
                n=len(imprecise),
                initiatives=data(imprecise),
            )
        )
    by_mechanism = {}
    for mechanism in codebook.mechanism_codes:
        group = [u for u in units if u.mechanism == mechanism]
        block = _km_block(group)
        if not group:
            notes.append(
                note(
                    N_("by_mechanism.{mechanism}: no initiative — no survival curve"),
                    mechanism=mechanism,
                )
            )
        elif len(group) < options.small_n:
            block["curve"] = []
            block["at_years"] = {str(y): None for y in YEARS}
            block["median_days"] = None
            block["withheld"] = f"fewer than {options.small_n} initiatives"
            if len(group) == 1:
                message = N_(
                    "by_mechanism.{mechanism}: only {n} initiative — no curve is shown below "
                    "{minimum}"
                )
            else:
                message = N_(
                    "by_mechanism.{mechanism}: only {n} initiatives — no curve is shown below "
                    "{minimum}"
                )
            notes.append(note(message, mechanism=mechanism, n=len(group), minimum=options.small_n))
        by_mechanism[mechanism] = block
    cox, cox_notes = _cox(units, periods)
    notes += cox_notes
    if not periods:
        notes.append(note(N_("no tension periods: the Cox model has no exposure to measure")))
    if loose:
        notes.append(
            note(N_("{n} activities belong to no initiative and are left out"), n=len(loose))
        )
    return {
        "as_of": options.today().isoformat(),
        "end_of_observation": until.isoformat(),
        "window": _window(options),
        "periods": [p.as_dict() for p in periods],
        "period_method": describe_periods(options, periods),
        "methods": {
            "unit": "initiative (activities sharing an initiative name)",
            "time_zero": "the initiative's earliest activity: its day, or mid-month for a "
            "month-dated one; initiatives whose start or first disruption is dated only to a "
            "year are left out and listed",
            "event": "day (or mid-month) of its first activity with status in "
            + ", ".join(sorted(codebook.disrupted_statuses)),
            "censoring": CENSORING_RULE,
            "mechanism": "most common primary mechanism of its activities; ties: earliest",
            "kaplan_meier": KM_METHOD,
            "cox": COX_METHOD,
            "zero_day_events": f"disrupted on day 0: {ZERO_DAY} day of follow-up in the Cox model",
            "min_cox_events": MIN_COX_EVENTS,
            "small_sample_threshold": options.small_n,
        },
        "initiatives": [u.as_dict() for u in units],
        "not_started": not_started,
        "year_dated_left_out": imprecise,
        "without_initiative": len(loose),
        "without_initiative_ids": loose,
        "by_mechanism": by_mechanism,
        "all_mechanisms": _km_block(units),
        "cox": cox,
        "warnings": notes,
    }
