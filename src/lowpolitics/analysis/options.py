"""Options shared by every analysis, and the periods they imply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lowpolitics.analysis.dataset import Dataset, shared
from lowpolitics.analysis.discourse_options import DiscourseOptions
from lowpolitics.analysis.periods import PeriodRule, TensionPeriod, tension_periods

SMALL_N = 10  # below this many activities a rate gets a plain warning
GRACE_DAYS = 90  # a planned activity this long past its date has an unknown outcome
PERMUTATIONS = 2000  # draws of the random-year baseline for silent gaps
SEED = 2021  # fixed, so that the baseline is reproducible
MARGINS = (30, 90)  # days by which the sensitivity analysis moves the end of each period


@dataclass(frozen=True)
class AnalysisOptions:
    date_from: date | None = None
    date_to: date | None = None
    periods_mode: str = "auto"  # auto | declared | derived | both
    rule: PeriodRule = field(default_factory=PeriodRule)
    small_n: int = SMALL_N
    as_of: date | None = None  # "now" for at-risk and censoring; today when None
    grace_days: int = GRACE_DAYS
    permutations: int = PERMUTATIONS
    seed: int = SEED
    margins: tuple[int, ...] = MARGINS
    discourse: DiscourseOptions = field(default_factory=DiscourseOptions)

    def today(self) -> date:
        return self.as_of or date.today()


def periods_for(dataset: Dataset, options: AnalysisOptions) -> list[TensionPeriod]:
    """The tension periods under the options (worked out once per ``analyse all`` run; each
    caller gets its own list)."""
    found = shared(
        dataset.events,
        ("periods", options.periods_mode, repr(options.rule)),
        lambda: tension_periods(dataset.events, options.periods_mode, options.rule),
    )
    return list(found)


def describe_periods(options: AnalysisOptions, periods: list[TensionPeriod]) -> str:
    origins = {p.origin for p in periods}
    if not periods:
        return "no tension periods (none declared, and no security event meets the rule)"
    if origins == {"declared"}:
        return "declared by hand (context rows with kind=tension_period), used as given"
    return "derived from security events: " + options.rule.describe()


def discourse_options_for(options: AnalysisOptions) -> DiscourseOptions:
    """The discourse settings with the shared ones (window, small n, seed) applied."""
    from dataclasses import replace

    return replace(
        options.discourse,
        small_n=options.small_n,
        seed=options.seed,
        date_from=options.date_from,
        date_to=options.date_to,
    )
