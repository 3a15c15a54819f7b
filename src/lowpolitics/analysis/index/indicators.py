"""The raw indicator table: one value per dyad-year and indicator, with the ids behind it.

Steps 2–3 of the OECD/JRC guide: every value is computed from the registry, names the
activities it rests on, and is either observed or visibly imputed — a composite is only as
honest as the gaps it admits. A year with no data for an indicator gets ``None`` (not zero):
"nothing was reported" and "nothing happened" are different claims. Counts are the exception,
since the registry is the record of what happened: a year in the range with no held activity
of a mechanism has a true zero. The rules (years, counted/held/disrupted, the tension ratio)
are returned under ``methods``; a source ``name:mechanism`` restricts a figure to activities of
that primary mechanism.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.exposure import IN, OUT, PeriodIndex
from lowpolitics.analysis.index.framework import Framework
from lowpolitics.analysis.options import AnalysisOptions, periods_for
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.notes import N_, ident, note

IMPUTATIONS = ("none", "pillar_mean", "indicator_mean")
COVERAGE_THRESHOLD = 0.65  # JRC COIN rule of thumb: at least 65 % coverage per indicator/unit
Cell = tuple[float | None, list[str]]


@dataclass
class _Context:
    years: list[int]
    disrupted: frozenset[str]
    periods: list[TensionPeriod]
    span: tuple[date, date]
    pair: tuple[str, str]


@dataclass
class IndicatorTable:
    """Years × indicators. ``raw`` is what the data say; ``values`` adds the imputed cells."""

    years: list[int]
    codes: list[str]
    raw: dict[str, dict[int, float | None]]
    values: dict[str, dict[int, float | None]]
    ids: dict[str, dict[int, list[str]]]
    imputed: list[dict] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    impute: str = "none"

    def matrix(self) -> np.ndarray:
        """Years × codes as floats, ``NaN`` where the value is missing after imputation."""
        return np.array(
            [
                [np.nan if self.values[c][y] is None else self.values[c][y] for c in self.codes]
                for y in self.years
            ],
            dtype=float,
        ).reshape(len(self.years), len(self.codes))

    def is_imputed(self, code: str, year: int) -> bool:
        return self.raw[code][year] is None and self.values[code][year] is not None


def _counted(acts: list[ActivityView]) -> list[ActivityView]:
    return [a for a in acts if a.status != "planned"]


def _ratio(part: list[str], whole: list[str]) -> Cell:
    return (len(part) / len(whole) if whole else None), whole


def _held_count(acts: list[ActivityView], ctx: _Context) -> Cell:
    held = [a.key for a in _counted(acts) if a.status not in ctx.disrupted]
    return float(len(held)), held


def _status_share(disrupted: bool) -> Callable[[list[ActivityView], _Context], Cell]:
    def share(acts: list[ActivityView], ctx: _Context) -> Cell:
        keys = [a.key for a in _counted(acts)]
        part = [a.key for a in _counted(acts) if (a.status in ctx.disrupted) == disrupted]
        return _ratio(part, keys)

    return share


def _resumption_ratio(acts: list[ActivityView], ctx: _Context) -> Cell:
    resumed = [a.key for a in acts if a.status == "resumed"]
    broken = [a.key for a in acts if a.status in ctx.disrupted]
    return _ratio(resumed, resumed + broken)


def _initiatives(acts: list[ActivityView], ctx: _Context) -> Cell:
    linked = [a for a in _counted(acts) if a.initiative]
    return float(len({a.initiative for a in linked})), [a.key for a in linked]


def _reciprocity(acts: list[ActivityView], ctx: _Context) -> Cell:
    a_side = [a.key for a in _counted(acts) if a.host_country == ctx.pair[0]]
    b_side = [a.key for a in _counted(acts) if a.host_country == ctx.pair[1]]
    most = max(len(a_side), len(b_side))
    return (min(len(a_side), len(b_side)) / most if most else None), a_side + b_side


def _border_share(acts: list[ActivityView], ctx: _Context) -> Cell:
    located = [a for a in _counted(acts) if a.border_area is not None]
    return _ratio([a.key for a in located if a.border_area], [a.key for a in located])


def _people_share(attr: str) -> Callable[[list[ActivityView], _Context], Cell]:
    def share(acts: list[ActivityView], ctx: _Context) -> Cell:
        rows = [a for a in _counted(acts) if a.participants_total and getattr(a, attr) is not None]
        total = sum(a.participants_total or 0 for a in rows)
        part = sum(getattr(a, attr) for a in rows)
        return (part / total if total else None), [a.key for a in rows]

    return share


def _participants(acts: list[ActivityView], ctx: _Context) -> Cell:
    rows = [a for a in _counted(acts) if a.participants_total is not None]
    total = sum(a.participants_total or 0 for a in rows)
    return (total / len(rows) if rows else None), [a.key for a in rows]


PER_YEAR: dict[str, Callable[[list[ActivityView], _Context], Cell]] = {
    "held_count": _held_count,
    "held_share": _status_share(disrupted=False),
    "disruption_rate": _status_share(disrupted=True),
    "resumption_ratio": _resumption_ratio,
    "initiatives_active": _initiatives,
    "reciprocity_balance": _reciprocity,
    "border_share": _border_share,
    "women_share": _people_share("participants_women"),
    "youth_share": _people_share("participants_youth"),
    "participants_per_activity": _participants,
}
SOURCES = (*PER_YEAR, "tension_held_ratio")


def _overlap_days(start: date, end: date, periods: list[TensionPeriod]) -> int:
    return sum(max(0, (min(end, p.end) - max(start, p.start)).days + 1) for p in periods)


def _tension_held_ratio(acts: list[ActivityView], ctx: _Context) -> dict[int, Cell]:
    """Held in tension ÷ expected, expected = (held outside ÷ days outside) × tension days."""
    held = [a for a in _counted(acts) if a.status not in ctx.disrupted]
    exposure = PeriodIndex(ctx.periods).activity
    where = {a.key: exposure(a) for a in held}
    span_days = (ctx.span[1] - ctx.span[0]).days + 1
    outside_days = span_days - _overlap_days(*ctx.span, ctx.periods)
    outside = sum(1 for a in held if where[a.key] == OUT)
    rate = outside / outside_days if outside_days > 0 and outside else None
    cells: dict[int, Cell] = {}
    for year in ctx.years:
        first, last = max(date(year, 1, 1), ctx.span[0]), min(date(year, 12, 31), ctx.span[1])
        days = _overlap_days(first, last, ctx.periods)
        inside = [a.key for a in held if a.date.start.year == year and where[a.key] == IN]
        cells[year] = ((len(inside) / (rate * days)) if rate and days else None, inside)
    return cells


def _source_cells(
    source: str, acts: list[ActivityView], ctx: _Context, mechanisms: list[str]
) -> dict[int, Cell]:
    name, _, mechanism = source.partition(":")
    if name not in SOURCES:
        raise ConfigError(
            f"indicator source {source!r}: unknown figure; use one of "
            f"{', '.join(SOURCES)} (optionally ':<mechanism>')"
        )
    if mechanism:
        if mechanism not in mechanisms:
            raise ConfigError(f"indicator source {source!r}: {mechanism!r} is not a mechanism")
        acts = [a for a in acts if a.mechanism == mechanism]
    if name == "tension_held_ratio":
        return _tension_held_ratio(acts, ctx)
    by_year: dict[int, list[ActivityView]] = {y: [] for y in ctx.years}
    for a in acts:
        by_year.setdefault(a.date.start.year, []).append(a)
    return {y: PER_YEAR[name](by_year[y], ctx) for y in ctx.years}


def _impute(table: IndicatorTable, framework: Framework, method: str) -> None:
    """Fill missing cells by ``method`` and flag each one; cells that cannot be filled stay."""
    stats = {}
    for code in table.codes:
        seen = [v for v in table.raw[code].values() if v is not None]
        stats[code] = (min(seen), max(seen), float(np.mean(seen))) if seen else None

    def position(code: str, value: float) -> float:  # direction-aware min–max position
        low, high, _ = stats[code]
        pos = 0.5 if high == low else (value - low) / (high - low)
        return pos if framework.indicator(code).direction == 1 else 1 - pos

    for code in table.codes:
        ind = framework.indicator(code)
        for year in table.years:
            if table.raw[code][year] is not None:
                continue
            value, basis = None, []
            if stats[code] is not None and method == "indicator_mean":
                value = stats[code][2]
            elif stats[code] is not None and method == "pillar_mean":
                basis = [
                    o.code
                    for o in framework.members(ind.pillar)
                    if o.code != code and table.raw[o.code][year] is not None
                ]
                if basis:
                    pos = float(np.mean([position(o, table.raw[o][year]) for o in basis]))
                    pos = pos if ind.direction == 1 else 1 - pos
                    low, high, _ = stats[code]
                    value = low + pos * (high - low)
            if value is None:
                table.warnings.append(
                    note(
                        N_(
                            "{code} {year}: missing and could not be imputed by {method} — left "
                            "missing"
                        ),
                        code=code,
                        year=str(year),
                        method=ident(method),
                    )
                )
                continue
            table.values[code][year] = value
            cell = dict(indicator=code, year=year, value=round(value, 6), method=method)
            table.imputed.append({**cell, "basis": basis})


def _coverage(table: IndicatorTable) -> dict:
    n_years, n_codes = len(table.years), len(table.codes)
    per_ind = {}
    for code in table.codes:
        seen = [y for y in table.years if table.raw[code][y] is not None]
        share = round(len(seen) / n_years, 4) if n_years else None
        missing = [y for y in table.years if y not in seen]
        imputed = sum(1 for c in table.imputed if c["indicator"] == code)
        per_ind[code] = dict(observed=len(seen), years=n_years, share=share)
        per_ind[code].update(missing_years=missing, imputed=imputed)
    per_year = {}
    for year in table.years:
        seen = sum(1 for c in table.codes if table.raw[c][year] is not None)
        share = round(seen / n_codes, 4) if n_codes else None
        per_year[str(year)] = dict(observed=seen, indicators=n_codes, share=share)
    cells = n_years * n_codes
    observed = sum(v["observed"] for v in per_ind.values())
    return {
        "threshold": COVERAGE_THRESHOLD,
        "overall": round(observed / cells, 4) if cells else None,
        "indicators": per_ind,
        "years": per_year,
    }


def indicator_table(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions | None,
    framework: Framework,
    impute: str = "none",
    pair: tuple[str, str] = ("KG", "TJ"),
) -> IndicatorTable:
    """Compute every framework indicator per year, with ids, coverage and flagged imputations.

    ``impute="none"`` (default) leaves gaps; aggregation then re-weights within the pillar
    over the indicators a year does have. ``pillar_mean`` fills a gap with the mean min–max
    position of the year's other indicators of the same pillar, mapped back to the
    indicator's own range; ``indicator_mean`` with the indicator's mean over observed years.
    Every filled cell is listed in ``imputed``."""
    if impute not in IMPUTATIONS:
        raise ConfigError(f"impute {impute!r}: use one of {', '.join(IMPUTATIONS)}")
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    # cooperation pillars count cooperative units only: a securitizing statement or a ban is
    # no "discursive cooperation"; several reports of one event count once
    acts = counting_base(window.activities, codebook, options.today(), options.grace_days).units
    recorded = {a.date.start.year for a in window.activities}
    years = sorted(recorded)
    years = list(range(years[0], years[-1] + 1)) if years else []
    warnings = (
        [] if years else [note(N_("no activity in the window: the index has no year to score"))]
    )
    first, last = (years[0], years[-1]) if years else (1, 1)
    span = (
        max(date(first, 1, 1), options.date_from or date.min),
        min(date(last, 12, 31), options.date_to or date.max),
    )
    periods = periods_for(dataset, options)
    ctx = _Context(years, codebook.disrupted_statuses, periods, span, pair)
    raw, ids = {}, {}
    tension_years = {
        y
        for y in years
        if _overlap_days(max(date(y, 1, 1), span[0]), min(date(y, 12, 31), span[1]), periods)
    }
    needs_tension = {p.code for p in framework.pillars if p.needs_tension}
    for ind in framework.indicators:
        cells = _source_cells(ind.source, acts, ctx, codebook.mechanism_codes)

        def known(y: int, ind=ind) -> bool:
            # a year without any record is missing, not zero; a tension pillar needs tension
            return y in recorded and (ind.pillar not in needs_tension or y in tension_years)

        raw[ind.code] = {
            y: (None if cells[y][0] is None or not known(y) else float(cells[y][0])) for y in years
        }
        ids[ind.code] = {y: cells[y][1] if known(y) else [] for y in years}
    values = {c: dict(v) for c, v in raw.items()}
    table = IndicatorTable(years, framework.indicator_codes, raw, values, ids, impute=impute)
    table.warnings = warnings
    if impute != "none" and years:
        _impute(table, framework, impute)
    table.coverage = _coverage(table)
    threshold = round(COVERAGE_THRESHOLD * 100)  # percent, as the rule of thumb is quoted
    for code, cov in table.coverage["indicators"].items():
        if cov["share"] is not None and cov["share"] < COVERAGE_THRESHOLD:
            warnings.append(
                note(
                    N_(
                        "{code}: data in only {observed} of {years} years ({share}%, below the "
                        "{threshold}% rule of thumb)"
                    ),
                    code=code,
                    observed=cov["observed"],
                    years=cov["years"],
                    share=round(cov["share"] * 100),
                    threshold=threshold,
                )
            )
    thin = [y for y, c in table.coverage["years"].items() if c["share"] < COVERAGE_THRESHOLD]
    if thin:
        warnings.append(
            note(
                N_("{n} of {total} years have fewer than {threshold}% of indicators: {years}"),
                n=len(thin),
                total=len(years),
                threshold=threshold,
                years=thin,
            )
        )
    if not periods and any(i.source.startswith("tension_held_ratio") for i in framework.indicators):
        warnings.append(note(N_("no tension periods: tension_held_ratio is missing in every year")))
    table.methods = {
        "years": "first to last calendar year with any activity in the window; an activity "
        "belongs to the year its date starts in",
        "counted": "cooperative units (statements and restrictions left out, linked reports "
        "merged) with any status except planned; disrupted: "
        + ", ".join(sorted(codebook.disrupted_statuses))
        + "; held: counted and not disrupted",
        "tension_held_ratio": "held activities in tension in the year ÷ (held activities "
        "outside tension ÷ days outside tension over all years) × "
        "tension days in the year; activities dated only to a month "
        "or year that straddle a period count neither in nor out",
        "reciprocity_balance": f"min ÷ max of counted activities hosted by {pair[0]} and {pair[1]}",
        "participant_shares": "pooled over counted activities reporting both numbers",
        "missing": "left missing unless imputed; every imputed cell is listed. A year with no "
        "record at all is missing in every indicator (not zero); indicators of a pillar that "
        "needs tension are missing in years without a tension day",
        "impute": impute,
    }
    return table
