"""From confidence-building to restart: how soon each mechanism worked again after a period.

For every tension period and mechanism: the first cooperative activity *held* after the period
ended (day-dated, or dated to a month that starts after the end), its lag in days from the end
of the period, and its lag from the nearest confidence-building step before it (a ceasefire,
protocol, reopening of crossings, treaty, meeting of border-region heads or of leaders — the
codebook's ``context_event_types`` marked ``confidence_building``) taken on or after the period
began. This is the framework's "alignment with confidence-building measures" in days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from lowpolitics.analysis.dataset import Dataset, EventView
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.units import HELD, counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note
from lowpolitics.framework.plain import as_plain


@dataclass
class Step:
    id: str
    date: str
    event_type: str
    summary: str | None


@dataclass
class Restart:
    mechanism: str
    first_held_id: str | None = None
    first_held_date: str | None = None
    first_held_title: str | None = None
    days_after_period: int | None = None
    nearest_step: Step | None = None
    days_after_step: int | None = None


@dataclass
class PeriodRestart:
    start: str
    end: str
    steps: list[Step] = field(default_factory=list)  # confidence-building steps from the start
    by_mechanism: dict[str, Restart] = field(default_factory=dict)


@dataclass
class RestartResult:
    period_method: str
    periods: list[PeriodRestart]
    methods: dict
    warnings: list[str]

    def to_dict(self) -> dict:
        return as_plain(self)


def _step(e: EventView) -> Step:
    return Step(e.key, e.date.isoformat(), e.event_type or "", e.summary)


def restart_lags(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> RestartResult:
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    # every row, whatever the window (a restart may fall after it); the unbounded window is
    # the same rows in the same order, and inside ``analyse all`` its base is already built
    # when the options set no window
    rows = dataset.between(None, None).activities
    base = counting_base(rows, codebook, options.today(), options.grace_days)
    held = [u for u in base.units if base.outcomes[u.key] == HELD and u.date.precision != "year"]
    cb_types = codebook.confidence_building_types
    steps = sorted(
        (e for e in dataset.events if e.event_type in cb_types), key=lambda e: e.date.start
    )
    step_days = [e.date.start for e in steps]
    # the held units of each mechanism, in the units' order (date, id), and their first days:
    # the first one after a period is a bisection, not a scan of every unit
    held_by: dict[str, list] = {}
    for u in held:
        held_by.setdefault(u.mechanism, []).append(u)
    held_days = {m: [u.date.start for u in units] for m, units in held_by.items()}
    out, warnings = [], []
    for i, p in enumerate(periods):
        following = periods[i + 1].start if i + 1 < len(periods) else None
        own_steps = steps[
            bisect_left(step_days, p.start) : (
                len(steps) if following is None else bisect_left(step_days, following)
            )
        ]
        entry = PeriodRestart(p.start.isoformat(), p.end.isoformat(), [_step(e) for e in own_steps])
        for mechanism in codebook.mechanism_codes:
            candidates = held_by.get(mechanism, [])
            at = bisect_right(held_days.get(mechanism, []), p.end)
            first = candidates[at] if at < len(candidates) else None
            if first is not None and following is not None and first.date.start >= following:
                first = None
            restart = Restart(mechanism)
            if first is not None:
                restart.first_held_id = first.key
                restart.first_held_date = first.date.isoformat()
                restart.first_held_title = first.title
                restart.days_after_period = (first.date.start - p.end).days
                before = [e for e in own_steps if e.date.start <= first.date.start]
                if before:
                    restart.nearest_step = _step(before[-1])
                    restart.days_after_step = (first.date.start - before[-1].date.start).days
            else:
                warnings.append(
                    note(
                        N_(
                            "periods.{start}.{mechanism}: no held activity recorded between "
                            "this period and the next"
                        ),
                        start=p.start.isoformat(),
                        mechanism=mechanism,
                    )
                )
            entry.by_mechanism[mechanism] = restart
        if not own_steps:
            warnings.append(
                note(
                    N_(
                        "periods.{start}: no confidence-building step recorded (context rows "
                        "need an event_type such as ceasefire, protocol, crossing_reopened)"
                    ),
                    start=p.start.isoformat(),
                )
            )
        out.append(entry)
    return RestartResult(
        period_method=describe_periods(options, periods),
        periods=out,
        methods={
            "first_held": "the earliest held cooperative unit dated (to the day or month) "
            "after the period's end and before the next period; year-dated ones cannot be "
            "placed and are skipped",
            "nearest_step": "the latest confidence-building context event on or after the "
            "period's start and on or before the restart",
            "confidence_building_types": sorted(cb_types),
        },
        warnings=warnings,
    )
