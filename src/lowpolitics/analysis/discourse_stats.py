"""The statistics of the discourse analysis: frame shares with bootstrap intervals, the gap and
the Jensen–Shannon divergence between two sides, and the trend of a per-period measure.

Every interval is a percentile interval of a smoothed (Bayesian) bootstrap: a cell of n texts
with frame counts c is redrawn as shares from Dirichlet(c + ½) — the resampling of its texts,
with the Jeffreys half-count added so that a frame seen 0 times in 6 texts gets an interval
above zero instead of the plain bootstrap's [0, 0]. An interval widens as n shrinks, and a cell
of three texts says plainly how little it knows. Gaps, divergences and slopes are computed on
the same draws. Draws use one seeded generator, so a figure is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAMES = ("integrative", "neutral", "securitizing")


@dataclass(frozen=True)
class Estimate:
    """A value with its 95 % interval (None where it cannot be computed)."""

    value: float | None
    low: float | None = None
    high: float | None = None


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or np.isnan(x) else round(float(x), digits)


def estimate(value: float, draws: np.ndarray) -> Estimate:
    """The value with the 2.5 and 97.5 percentiles of its draws, widened to hold the value: the
    half-count pulls draws off 0 and 1, so a frame seen in none (or all) of a cell's texts would
    otherwise get an interval that excludes what was seen (Brown, Cai & DasGupta 2001 set the
    bound to 0 or 1 there for the same reason)."""
    draws = draws[~np.isnan(draws)]
    if draws.size == 0 or value is None or np.isnan(value):
        return Estimate(_round(value))
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(_round(value), _round(min(low, value)), _round(max(high, value)))


def counts_of(frames: list[str], order: tuple[str, ...] = FRAMES) -> np.ndarray:
    return np.array([frames.count(f) for f in order], dtype=float)


def share_draws(counts: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` × len(counts) bootstrap shares (rows of NaN when the cell is empty)."""
    if counts.sum() == 0:
        return np.full((draws, counts.size), np.nan)
    return rng.dirichlet(counts + 0.5, size=draws)


def shares(counts: np.ndarray) -> np.ndarray:
    n = counts.sum()
    return counts / n if n else np.full(counts.size, np.nan)


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence in bits (0 = same distribution, 1 = disjoint), row-wise."""
    p, q = np.atleast_2d(p), np.atleast_2d(q)
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(a > 0, a * np.log2(a / b), 0.0)
        return terms.sum(axis=1)

    return (kl(p, m) + kl(q, m)) / 2


def shuffled_jsd(a: np.ndarray, b: np.ndarray, draws: int, rng: np.random.Generator) -> float:
    """The divergence two samples of these sizes show when they come from ONE distribution
    (the pooled shares): the level that sampling noise alone produces. A JSD near this says
    nothing; small samples always diverge a little."""
    na, nb = int(a.sum()), int(b.sum())
    if not na or not nb:
        return float("nan")
    pooled = (a + b) / (na + nb)
    pa = rng.multinomial(na, pooled, size=draws) / na
    pb = rng.multinomial(nb, pooled, size=draws) / nb
    return float(jensen_shannon(pa, pb).mean())


def slope(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of ``ys`` on ``xs`` (NaN rows where < 2 points)."""
    ys = np.atleast_2d(ys)
    out = np.full(ys.shape[0], np.nan)
    for i, row in enumerate(ys):
        ok = ~np.isnan(row)
        if ok.sum() >= 2 and np.ptp(xs[ok]) > 0:
            out[i] = np.polyfit(xs[ok], row[ok], 1)[0]
    return out


def wilson_share(k: int, n: int) -> Estimate:
    """A share with the Wilson interval, where a bootstrap of a tiny cell would be degenerate."""
    from lowpolitics.analysis.intervals import wilson

    if n == 0:
        return Estimate(None)
    low, high = wilson(k, n) or (None, None)
    return Estimate(_round(k / n), _round(low), _round(high))
