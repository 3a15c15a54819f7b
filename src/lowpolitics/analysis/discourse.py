"""Narrative convergence: how each side frames the other, per period, and whether the two
sides' discourse moves apart or together — the framework's discursive mechanism.

What is counted: one unit per text that speaks about the other side (a row of the coded index
or a document the pipeline read; :mod:`lowpolitics.analysis.discourse_units`). Its side is its
outlet's country, never its language. Per side and period the result gives n, the shares of
integrative / neutral / securitizing texts with intervals, the mentions of the other side with
the frames of their sentences, the gap in securitizing share and the Jensen–Shannon divergence
between the sides with intervals and the level noise alone would give, the trend of both with
an interval on the slope, and an event study around each tension period's onset and end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import numpy as np

from lowpolitics.analysis.discourse_options import BY, PERIODS, DiscourseOptions
from lowpolitics.analysis.discourse_stats import (
    FRAMES,
    Estimate,
    counts_of,
    estimate,
    jensen_shannon,
    share_draws,
    shares,
    shuffled_jsd,
    slope,
)
from lowpolitics.analysis.discourse_units import DiscourseUnit
from lowpolitics.analysis.keyness import KeynessResult, keyness_tables
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.framework.notes import N_, note
from lowpolitics.text.other_side import the_pair

SECURITIZING = FRAMES.index("securitizing")


def period_of(day: date, period: str) -> str:
    return str(day.year) if period == "year" else f"{day.year}Q{(day.month - 1) // 3 + 1}"


def period_x(label: str) -> float:
    """A period label as a number of years (2021Q3 → 2021.5), for slopes per year."""
    if "Q" in label:
        year, quarter = label.split("Q")
        return int(year) + (int(quarter) - 1) / 4
    return float(label)


@dataclass(frozen=True)
class FrameCell:
    group: str
    period: str
    n: int
    shares: dict[str, Estimate]
    ids: tuple[str, ...]
    small: bool


@dataclass(frozen=True)
class MentionCell:
    side: str
    period: str
    texts: int
    mentions: int
    by_kind: dict[str, int]
    by_frame: dict[str, int]
    securitizing_share: Estimate
    names: dict[str, int]


@dataclass(frozen=True)
class DivergenceCell:
    period: str
    n: dict[str, int]
    securitizing_gap: Estimate  # first side of the pair minus the second
    jsd: Estimate
    jsd_noise: float | None  # what two samples of these sizes from one distribution show
    small: bool


@dataclass(frozen=True)
class Trend:
    measure: str  # jsd | securitizing_gap_abs
    slope_per_year: Estimate
    periods: tuple[str, ...]
    verdict: str  # converging | diverging | no_clear_trend | too_few_periods


@dataclass(frozen=True)
class WindowShare:
    n: int
    securitizing: Estimate
    ids: tuple[str, ...]


@dataclass(frozen=True)
class EventWindow:
    period_start: date
    period_end: date
    anchor: str  # onset | end
    anchor_date: date
    days: int
    side: str
    before: WindowShare
    after: WindowShare
    change: Estimate  # after minus before
    small: bool


@dataclass(frozen=True)
class Headline:
    """A figure the advice rules read, with its cases."""

    name: str
    value: Estimate
    n: int
    ids: tuple[str, ...]
    basis: str


@dataclass
class DiscourseResult:
    options: dict
    pair: tuple[str, str]
    units: int
    by_side: dict[str, int]
    by_origin: dict[str, int]
    frame_basis: dict[str, int]
    frames: list[FrameCell]
    mentions: list[MentionCell]
    divergence: list[DivergenceCell]
    trends: list[Trend]
    event_study: list[EventWindow]
    securitizing_share_change: Headline
    frame_divergence: Headline
    verdict: str
    keyness: KeynessResult
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        document = asdict(self)
        return _jsonable(document)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _group_of(unit: DiscourseUnit, by: str) -> str:
    if by == "outlet":
        return unit.outlet or "unknown"
    if by == "genre":
        return unit.genre or "unknown"
    return unit.side


def frame_cells(
    units: list[DiscourseUnit], options: DiscourseOptions, rng: np.random.Generator
) -> list[FrameCell]:
    cells: dict[tuple[str, str], list[DiscourseUnit]] = {}
    for unit in units:
        key = (_group_of(unit, options.by), period_of(unit.day, options.period))
        cells.setdefault(key, []).append(unit)
    out = []
    for (group, period), members in sorted(cells.items()):
        counts = counts_of([u.frame for u in members])
        draws = share_draws(counts, options.draws, rng)
        observed = shares(counts)
        out.append(
            FrameCell(
                group,
                period,
                len(members),
                {f: estimate(observed[i], draws[:, i]) for i, f in enumerate(FRAMES)},
                tuple(u.key for u in members),
                len(members) < options.small_n,
            )
        )
    return out


def mention_cells(
    units: list[DiscourseUnit], options: DiscourseOptions, rng: np.random.Generator
) -> list[MentionCell]:
    cells: dict[tuple[str, str], list[DiscourseUnit]] = {}
    for unit in units:
        cells.setdefault((unit.side, period_of(unit.day, options.period)), []).append(unit)
    out = []
    for (side, period), members in sorted(cells.items()):
        mentions = [m for u in members for m in u.mentions_of_other()]
        frames = counts_of([m.frame for m in mentions])
        draws = share_draws(frames, options.draws, rng)
        observed = shares(frames)
        out.append(
            MentionCell(
                side,
                period,
                len(members),
                len(mentions),
                dict(Counter(m.kind for m in mentions)),
                {f: int(frames[i]) for i, f in enumerate(FRAMES)},
                estimate(observed[SECURITIZING], draws[:, SECURITIZING]),
                dict(Counter(m.name for m in mentions).most_common(10)),
            )
        )
    return out


def _side_counts(units: Iterable[DiscourseUnit], period: str) -> dict[str, dict[str, np.ndarray]]:
    found: dict[str, dict[str, list[str]]] = {}
    for unit in units:
        found.setdefault(period_of(unit.day, period), {}).setdefault(unit.side, []).append(
            unit.frame
        )
    return {p: {s: counts_of(f) for s, f in sides.items()} for p, sides in found.items()}


def divergence_cells(
    units: list[DiscourseUnit], options: DiscourseOptions, rng: np.random.Generator
) -> tuple[list[DivergenceCell], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Per period with both sides present: the gap and the divergence, and their draws."""
    first, second = the_pair()
    out, kept = [], {}
    for period, sides in sorted(_side_counts(units, options.period).items()):
        a, b = sides.get(first), sides.get(second)
        if a is None or b is None:
            continue
        da, db = share_draws(a, options.draws, rng), share_draws(b, options.draws, rng)
        pa, pb = shares(a), shares(b)
        gap_draws = da[:, SECURITIZING] - db[:, SECURITIZING]
        jsd_draws = jensen_shannon(da, db)
        kept[period] = (gap_draws, jsd_draws)
        out.append(
            DivergenceCell(
                period,
                {first: int(a.sum()), second: int(b.sum())},
                estimate(pa[SECURITIZING] - pb[SECURITIZING], gap_draws),
                estimate(float(jensen_shannon(pa, pb)[0]), jsd_draws),
                float(round(shuffled_jsd(a, b, options.draws, rng), 4)),
                bool(min(a.sum(), b.sum()) < options.small_n),
            )
        )
    return out, kept


def trends(
    cells: list[DivergenceCell],
    draws: dict[str, tuple[np.ndarray, np.ndarray]],
    options: DiscourseOptions,
) -> list[Trend]:
    usable = [c for c in cells if min(c.n.values()) >= options.min_cell]
    labels = tuple(c.period for c in usable)
    out = []
    for measure, pick, value in (
        ("jsd", lambda d: d[1], lambda c: c.jsd.value),
        ("securitizing_gap_abs", lambda d: np.abs(d[0]), lambda c: abs(c.securitizing_gap.value)),
    ):
        if len(usable) < 3:
            out.append(Trend(measure, Estimate(None), labels, "too_few_periods"))
            continue
        xs = np.array([period_x(c.period) for c in usable])
        observed = slope(xs, np.array([value(c) for c in usable]))[0]
        matrix = np.vstack([pick(draws[c.period]) for c in usable]).T  # draws × periods
        fitted = estimate(observed, slope(xs, matrix))
        if fitted.high is not None and fitted.high < 0:
            verdict = "converging"
        elif fitted.low is not None and fitted.low > 0:
            verdict = "diverging"
        else:
            verdict = "no_clear_trend"
        out.append(Trend(measure, fitted, labels, verdict))
    return out


def _window(units: list[DiscourseUnit], side: str, start: date, end: date) -> list[DiscourseUnit]:
    return [u for u in units if u.side == side and start <= u.day <= end]


def _window_share(
    members: list[DiscourseUnit], options: DiscourseOptions, rng: np.random.Generator
) -> tuple[WindowShare, np.ndarray]:
    counts = counts_of([u.frame for u in members])
    draws = share_draws(counts, options.draws, rng)[:, SECURITIZING]
    observed = shares(counts)[SECURITIZING] if counts.sum() else float("nan")
    return WindowShare(
        len(members), estimate(observed, draws), tuple(u.key for u in members)
    ), draws


def event_study(
    units: list[DiscourseUnit],
    periods: list[TensionPeriod],
    options: DiscourseOptions,
    rng: np.random.Generator,
) -> list[EventWindow]:
    """Securitizing share before and after each period's onset and end, per side.

    Onset: the ``days`` before the first incident against the ``days`` from it — does discourse
    harden, and did it harden first? End: the last ``days`` of the period against the ``days``
    after it — does it recover once contact is restored?"""
    out = []
    for period in periods:
        for days in options.windows:
            span = timedelta(days=days)
            one = timedelta(days=1)
            for anchor, when, before, after in (
                (
                    "onset",
                    period.start,
                    (period.start - span, period.start - one),
                    (period.start, period.start + span - one),
                ),
                (
                    "end",
                    period.end,
                    (period.end - span + one, period.end),
                    (period.end + one, period.end + span),
                ),
            ):
                for side in the_pair():
                    pre, pre_draws = _window_share(_window(units, side, *before), options, rng)
                    post, post_draws = _window_share(_window(units, side, *after), options, rng)
                    change = Estimate(None)
                    if pre.n and post.n:
                        change = estimate(
                            post.securitizing.value - pre.securitizing.value,
                            post_draws - pre_draws,
                        )
                    out.append(
                        EventWindow(
                            period.start,
                            period.end,
                            anchor,
                            when,
                            days,
                            side,
                            pre,
                            post,
                            change,
                            bool(min(pre.n, post.n) < options.small_n),
                        )
                    )
    return out


def _headlines(
    units: list[DiscourseUnit], cells: list[DivergenceCell], options: DiscourseOptions, rng
) -> tuple[Headline, Headline]:
    pair = set(the_pair())
    # change in the securitizing share of the two sides' texts: latest period against the one
    # before it (both sides pooled, so a side that speaks more weighs more — n says how much)
    by_period: dict[str, list[DiscourseUnit]] = {}
    for unit in units:
        if unit.side in pair:
            by_period.setdefault(period_of(unit.day, options.period), []).append(unit)
    labels = sorted(by_period)
    if len(labels) >= 2:
        before, after = by_period[labels[-2]], by_period[labels[-1]]
        a, a_draws = _window_share(before, options, rng)
        b, b_draws = _window_share(after, options, rng)
        change = Headline(
            "securitizing_share_change",
            estimate(b.securitizing.value - a.securitizing.value, b_draws - a_draws),
            a.n + b.n,
            a.ids + b.ids,
            f"securitizing share {labels[-1]} minus {labels[-2]}, both sides' texts",
        )
    else:
        change = Headline(
            "securitizing_share_change", Estimate(None), 0, (), "fewer than two periods"
        )
    if cells:
        latest = cells[-1]
        gap = latest.securitizing_gap
        low, high = gap.low, gap.high
        # |gap|: the interval of a distance folds at zero
        if low is not None and high is not None and low < 0 < high:
            folded = Estimate(abs(gap.value), 0.0, max(abs(low), abs(high)))
        elif low is not None and high is not None:
            folded = Estimate(abs(gap.value), min(abs(low), abs(high)), max(abs(low), abs(high)))
        else:
            folded = Estimate(abs(gap.value) if gap.value is not None else None)
        members = tuple(
            u.key
            for u in units
            if u.side in pair and period_of(u.day, options.period) == latest.period
        )
        divergence = Headline(
            "frame_divergence",
            folded,
            sum(latest.n.values()),
            members,
            f"difference in securitizing share between the sides, {latest.period}",
        )
    else:
        divergence = Headline(
            "frame_divergence", Estimate(None), 0, (), "no period with both sides"
        )
    return change, divergence


def analyse_discourse(
    units: list[DiscourseUnit],
    periods: list[TensionPeriod],
    options: DiscourseOptions | None = None,
) -> DiscourseResult:
    options = options or DiscourseOptions()
    if options.by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    if options.period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    rng = np.random.default_rng(options.seed)
    units = [
        u
        for u in units
        if (options.date_from is None or u.day >= options.date_from)
        and (options.date_to is None or u.day <= options.date_to)
    ]
    cells, draws = divergence_cells(units, options, rng)
    trend = trends(cells, draws, options)
    change, divergence = _headlines(units, cells, options, rng)
    warnings = []
    small = [c for c in cells if c.small]
    if small:
        warnings.append(
            note(
                N_(
                    "{small} of {periods} periods have fewer than {n} texts on a side: their "
                    "shares and divergence rest on few texts; read the intervals."
                ),
                small=len(small),
                periods=len(cells),
                n=options.small_n,
            )
        )
    if not units:
        warnings.append(
            note(N_("No texts about the other side: import a coded index or documents."))
        )
    return DiscourseResult(
        options={k: v for k, v in asdict(options).items() if k not in ("date_from", "date_to")},
        pair=the_pair(),
        units=len(units),
        by_side=dict(Counter(u.side for u in units)),
        by_origin=dict(Counter(u.origin for u in units)),
        frame_basis=dict(Counter(u.frame_basis for u in units)),
        frames=frame_cells(units, options, rng),
        mentions=mention_cells(units, options, rng),
        divergence=cells,
        trends=trend,
        event_study=event_study(units, periods, options, rng),
        securitizing_share_change=change,
        frame_divergence=divergence,
        verdict=trend[0].verdict,
        keyness=keyness_tables(units, periods),
        warnings=warnings,
    )


def discourse_database(engine, codebook, options, unit_filter=None) -> DiscourseResult:
    """Read the texts about the other side and the tension periods from the store, then
    analyse them (``options``: :class:`AnalysisOptions`; ``unit_filter``: genre, outlet …)."""
    from lowpolitics.analysis.dataset import load_dataset
    from lowpolitics.analysis.discourse_units import UnitFilter, load_units
    from lowpolitics.analysis.options import discourse_options_for, periods_for
    from lowpolitics.store.db import require_schema, session_scope

    require_schema(engine)
    with session_scope(engine) as session:
        dataset = load_dataset(session)
        units = load_units(session, codebook.frame_codes)
    units = (unit_filter or UnitFilter()).apply(units)
    return analyse_discourse(units, periods_for(dataset, options), discourse_options_for(options))
