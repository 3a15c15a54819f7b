"""Was an activity held in tension? Answered honestly for dates known only to a month or year.

A day-dated activity is *in tension* when that day falls inside a period. An activity dated to
a month or a year counts as in tension only when its whole interval lies inside one period, as
*outside* only when its interval touches no period, and is *undetermined* otherwise — a festival
"in 2021" cannot be said to have been held during the April clashes or outside them.

An activity's interval is the one its sources leave open (``known_interval``: the printed date
narrowed by the registry's ``not_before``/``not_after``), so a row dated "January 2014" that
its source places after the shootout of 11 January is inside the period that begins that day.
:func:`activity_exposure` and :meth:`PeriodIndex.activity` read it; an analysis asking about an
activity goes through one of them, never through the printed date.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Protocol

from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.framework.dates import PartialDate

if TYPE_CHECKING:  # numpy is imported where it is used: the CLI's start-up stays light
    import numpy as np

IN, OUT, UNDETERMINED = "in_tension", "outside", "undetermined"
CODES = (IN, OUT, UNDETERMINED)  # the codes :func:`exposure_codes` gives, by position


def interval_exposure(start: date, end: date, periods: list[TensionPeriod]) -> str:
    for p in periods:
        if p.start <= start and end <= p.end:
            return IN
    if any(p.start <= end and start <= p.end for p in periods):
        return UNDETERMINED
    return OUT


class Bounded(Protocol):
    """A dated row whose sources may narrow its printed date (an activity view or record)."""

    @property
    def known_interval(self) -> tuple[date, date]: ...


def exposure(when: PartialDate, periods: list[TensionPeriod]) -> str:
    """``in_tension``, ``outside`` or ``undetermined`` for a date at its precision."""
    return interval_exposure(when.start, when.end, periods)


def activity_exposure(activity: Bounded, periods: list[TensionPeriod]) -> str:
    """:func:`exposure` of an activity over the days its sources leave open."""
    return interval_exposure(*activity.known_interval, periods)


def in_tension_on(day: date, periods: list[TensionPeriod]) -> TensionPeriod | None:
    return next((p for p in periods if p.contains(day)), None)


class PeriodIndex:
    """:func:`exposure` for many dates against one set of periods in O(log P) each.

    Periods are sorted by start, with the running maximum of their ends: among the periods
    that begin by a day, one reaches a given day if and only if that maximum does. "Inside one
    period" asks it of the periods that begin by the interval's start; "touches a period" of
    those that begin by its end. Overlapping declared periods need no merging."""

    __slots__ = ("_starts", "_reach")

    def __init__(self, periods: Sequence[TensionPeriod]) -> None:
        ordered = sorted(periods, key=lambda p: p.start)
        self._starts = [p.start for p in ordered]
        self._reach = list(accumulate((p.end for p in ordered), max))

    def _reaches(self, began_by: date, day: date) -> bool:
        count = bisect_right(self._starts, began_by)
        return count > 0 and self._reach[count - 1] >= day

    def interval(self, start: date, end: date) -> str:
        if self._reaches(start, end):
            return IN
        return UNDETERMINED if self._reaches(end, start) else OUT

    def exposure(self, when: PartialDate) -> str:
        return self.interval(when.start, when.end)

    def activity(self, activity: Bounded) -> str:
        """:func:`activity_exposure` through the index."""
        return self.interval(*activity.known_interval)


class SpanIndex:
    """Which of many date intervals overlap a window, in their original order, without
    scanning them all: intervals sorted by start, and none longer than the longest."""

    __slots__ = ("_order", "_starts", "_ends", "_longest")

    def __init__(self, spans: Sequence[tuple[date, date]]) -> None:
        self._order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self._starts = [spans[i][0] for i in self._order]
        self._ends = [spans[i][1] for i in self._order]
        self._longest = max((end - start for start, end in spans), default=timedelta(0))

    def overlapping(self, first: date, last: date) -> list[int]:
        """Positions (in the sequence given) of the intervals that share a day with
        [first, last], ascending."""
        try:
            low = bisect_left(self._starts, first - self._longest)
        except OverflowError:  # ``first`` within the longest span of date.min
            low = 0
        high = bisect_right(self._starts, last)
        return sorted(self._order[k] for k in range(low, high) if self._ends[k] >= first)


def exposure_codes(starts: np.ndarray, ends: np.ndarray, periods: Sequence[TensionPeriod]):
    """:meth:`PeriodIndex.interval` for many intervals at once: ``starts`` and ``ends`` are
    day ordinals (``date.toordinal``); the result holds, for each interval, the position in
    :data:`CODES` of its exposure (0 in tension, 1 outside, 2 undetermined). The same sorted
    starts and running maximum of ends, searched in one call per question."""
    import numpy as np

    ordered = sorted(periods, key=lambda p: p.start)
    first = np.array([p.start.toordinal() for p in ordered], dtype=np.int64)
    reach = np.maximum.accumulate(np.array([p.end.toordinal() for p in ordered], dtype=np.int64))

    def reaches(began_by: np.ndarray, day: np.ndarray) -> np.ndarray:
        if not len(first):
            return np.zeros(len(began_by), dtype=bool)
        count = np.searchsorted(first, began_by, side="right")
        return (count > 0) & (reach[np.maximum(count - 1, 0)] >= day)

    inside = reaches(starts, ends)
    touching = reaches(ends, starts)
    return np.where(inside, 0, np.where(touching, 2, 1))
