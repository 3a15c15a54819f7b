"""What held and what broke: the named activities behind every tension period.

Rates say how much; a minister's office also wants to know *which*. For every tension period and
mechanism this lists the cooperative activities that went ahead, those that were disrupted (how,
why, and where it is reported), those announced with no reported outcome, and — apart — those
dated too coarsely (a month or a year overlapping the period) to be placed inside it. The
statements made during the period (with their frames) and the restrictions imposed are listed
next to them: they are the discourse and the cause, not cooperation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lowpolitics.analysis.contact_scope import contact_scope
from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.exposure import IN, OUT, UNDETERMINED, SpanIndex, interval_exposure
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.units import DISRUPTED, HELD, UNKNOWN, counting_base, unit_ids
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note
from lowpolitics.framework.plain import as_plain


@dataclass
class NamedActivity:
    id: str
    date: str
    title: str
    mechanism: str
    status: str
    outcome: str  # held | disrupted | unknown | pending
    reason: str | None = None
    initiative: str | None = None
    frame: str | None = None
    reports: list[str] = field(default_factory=list)  # every id behind it
    sources: list[str] = field(default_factory=list)
    contact: str | None = None  # how the two sides met (codebook contacts); None: not coded


@dataclass
class MechanismInPeriod:
    mechanism: str
    held: list[NamedActivity] = field(default_factory=list)
    disrupted: list[NamedActivity] = field(default_factory=list)
    unknown: list[NamedActivity] = field(default_factory=list)
    coarsely_dated: list[NamedActivity] = field(default_factory=list)


@dataclass
class PeriodHeldBroken:
    start: str
    end: str
    days: int
    summary: str | None
    by_mechanism: dict[str, MechanismInPeriod]
    statements: list[NamedActivity]
    restrictions: list[NamedActivity]


@dataclass
class HeldBrokenResult:
    period_method: str
    periods: list[PeriodHeldBroken]
    methods: dict
    warnings: list[str]
    # which cooperative rows are named (``analysis.contact_scope``): every one, or one contact
    contact: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return as_plain(self)


def _named(a: ActivityView, outcome: str) -> NamedActivity:
    return NamedActivity(
        id=a.key,
        date=a.date.isoformat(),
        title=a.title,
        mechanism=a.mechanism,
        status=a.status,
        outcome=outcome,
        reason=a.status_reason,
        initiative=a.initiative,
        frame=a.frame,
        reports=unit_ids(a),
        sources=list(a.sources),
        contact=a.contact,
    )


def _where(a: ActivityView, period: TensionPeriod) -> str:
    return interval_exposure(*a.known_interval, [period])


def _touching(rows: list[ActivityView]) -> Callable[[TensionPeriod], list[ActivityView]]:
    """The rows whose known interval (the printed date narrowed by its sources' bounds)
    shares a day with a period, in their order: a lookup in a sorted index instead of a pass
    over every row for every period."""
    index = SpanIndex([a.known_interval for a in rows])
    return lambda p: [rows[i] for i in index.overlapping(p.start, p.end)]


def held_broken(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> HeldBrokenResult:
    options = options or AnalysisOptions()
    periods = periods_for(dataset, options)
    window = dataset.between(options.date_from, options.date_to)
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    result = []
    warnings = []
    units, statements_in, restrictions_in = (
        _touching(base.units),
        _touching(base.statements),
        _touching(base.restrictions),
    )
    for p in periods:
        table = {m: MechanismInPeriod(m) for m in codebook.mechanism_codes}
        for unit in units(p):
            where = _where(unit, p)
            if where not in (IN, UNDETERMINED) or unit.mechanism not in table:
                continue
            outcome = base.outcomes[unit.key]
            named = _named(unit, outcome)
            entry = table[unit.mechanism]
            if where == UNDETERMINED:
                entry.coarsely_dated.append(named)
            elif outcome == HELD:
                entry.held.append(named)
            elif outcome == DISRUPTED:
                entry.disrupted.append(named)
            elif outcome == UNKNOWN:
                entry.unknown.append(named)
        statements = [_named(s, "statement") for s in statements_in(p) if _where(s, p) == IN]
        restrictions = [_named(r, "restriction") for r in restrictions_in(p) if _where(r, p) != OUT]
        label = f"periods.{p.start}"
        if not any(e.held or e.disrupted for e in table.values()):
            warnings.append(
                note(
                    N_("{label}: no cooperative activity recorded inside this period"), label=label
                )
            )
        result.append(
            PeriodHeldBroken(
                start=p.start.isoformat(),
                end=p.end.isoformat(),
                days=(p.end - p.start).days + 1,
                summary=p.summary,
                by_mechanism=table,
                statements=statements,
                restrictions=restrictions,
            )
        )
    if not periods:
        warnings.append(note(N_("periods: no tension periods — nothing to list")))
    return HeldBrokenResult(
        period_method=describe_periods(options, periods),
        periods=result,
        methods={
            "inside": "a cooperative unit whose whole date interval (narrowed by the days its "
            "sources place it after or before: not_before, not_after) lies inside the period",
            "coarsely_dated": "dated only to a month or year that overlaps the period, and not "
            "placed inside it by its sources' bounds: it may or may not have fallen inside, so "
            "it is named apart",
            "unknown": f"planned and past its date by more than {options.grace_days} days "
            "with no reported outcome",
            "merged": "several reports of one event are one entry; 'reports' lists their ids",
        },
        warnings=warnings,
        contact=contact_scope(dataset),
    )
