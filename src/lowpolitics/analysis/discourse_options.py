"""How the discourse analysis cuts its texts — part of the one settings object
(:class:`lowpolitics.analysis.options.AnalysisOptions`), kept light to import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

BY = ("country", "outlet", "genre")
PERIODS = ("year", "quarter")
WINDOWS = (30, 90)  # days before and after a tension period's onset and end
DRAWS = 2000  # bootstrap draws behind every discourse interval


@dataclass(frozen=True)
class DiscourseOptions:
    """How the discourse is cut: grouping, period length, event windows, bootstrap draws."""

    by: str = "country"
    period: str = "year"
    windows: tuple[int, ...] = WINDOWS
    draws: int = DRAWS
    seed: int = 2021
    small_n: int = 10
    min_cell: int = 5  # a period enters the trend only with this many texts on each side
    date_from: date | None = None
    date_to: date | None = None
