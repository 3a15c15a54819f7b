"""Dates that keep their precision.

Registry rows are dated to a day, a month or a year — a festival "in June 2019" must not
become 1 June 2019, or every analysis that asks "was this inside a tension period?" would be
answering a question the source never settled. A :class:`PartialDate` stores what was given
and exposes the interval it covers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

Precision = Literal["day", "month", "year"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to a day, a month or a year.

    ``start`` and ``end`` are computed once per object (analyses ask for them millions of
    times at real sizes); being derived, they take no part in equality, order or hashing."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if not 1 <= self.year <= 9999:
            raise ValueError("year out of range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month out of range")
        if self.day is not None:
            date(self.year, self.month, self.day)  # raises ValueError for 2021-02-30

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; raise ``ValueError`` otherwise."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not a date: {text!r}")
        year, month, day = (int(g) if g else None for g in match.groups())
        return cls(year, month, day)

    @classmethod
    def from_parts(cls, start: date, precision: str) -> PartialDate:
        """Rebuild from what the store keeps: the first day of the interval and the precision."""
        if precision == "day":
            return cls(start.year, start.month, start.day)
        if precision == "month":
            return cls(start.year, start.month)
        if precision == "year":
            return cls(start.year)
        raise ValueError(f"unknown precision {precision!r}")

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @cached_property
    def start(self) -> date:
        """First day of the interval the date covers."""
        return date(self.year, self.month or 1, self.day or 1)

    @cached_property
    def end(self) -> date:
        """Last day of the interval the date covers (inclusive)."""
        if self.day is not None:
            return self.start
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.isoformat()


def first_day(text: str | None) -> date | None:
    """The first day of the date that ``text`` begins with (``2022-09-14T…``, ``2022-09``),
    or ``None`` when there is none — for lenient metadata such as a document's date."""
    if not text:
        return None
    try:
        return PartialDate.parse(text.strip()[:10]).start
    except ValueError:
        return None


def known_interval(
    when: PartialDate, not_before: date | None = None, not_after: date | None = None
) -> tuple[date, date]:
    """The days a source leaves open for an activity dated ``when``: its printed interval,
    narrowed by the bounds a source states without printing a day ("after the shootout of
    11 January", "between the end of fighting and the report of 28 September").

    Exposure to a tension period asks this interval, not the printed one: a row dated to a
    month that straddles a period's start is inside when the source places it after that start.
    The importer keeps each bound inside ``when``'s interval, so the result is never empty."""
    start, end = when.start, when.end
    if not_before is not None and not_before > start:
        start = not_before
    if not_after is not None and not_after < end:
        end = not_after
    return start, end
