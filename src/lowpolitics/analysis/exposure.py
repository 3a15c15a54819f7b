"""Was an activity held in tension? Answered honestly for dates known only to a month or year.

A day-dated activity is *in tension* when that day falls inside a period. An activity dated to
a month or a year counts as in tension only when its whole interval lies inside one period, as
*outside* only when its interval touches no period, and is *undetermined* otherwise — a festival
"in 2021" cannot be said to have been held during the April clashes or outside them.
"""

from __future__ import annotations

from datetime import date

from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.framework.dates import PartialDate

IN, OUT, UNDETERMINED = "in_tension", "outside", "undetermined"


def interval_exposure(start: date, end: date, periods: list[TensionPeriod]) -> str:
    for p in periods:
        if p.start <= start and end <= p.end:
            return IN
    if any(p.start <= end and start <= p.end for p in periods):
        return UNDETERMINED
    return OUT


def exposure(when: PartialDate, periods: list[TensionPeriod]) -> str:
    """``in_tension``, ``outside`` or ``undetermined`` for a date at its precision."""
    return interval_exposure(when.start, when.end, periods)


def in_tension_on(day: date, periods: list[TensionPeriod]) -> TensionPeriod | None:
    return next((p for p in periods if p.contains(day)), None)
