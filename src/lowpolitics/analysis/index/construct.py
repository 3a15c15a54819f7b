"""Normalise, weight and aggregate the indicator table into pillar scores and the index.

Steps 4–7 of the OECD/JRC guide. The units are the years of one dyad, so every normaliser is
computed across years (a year is scored against the dyad's own record), over the years that
have the indicator. All normalised values lie in [0, 1] with 1 = best, so that pillar and index
scores share one 0–100 scale whatever the choice:

- ``minmax``: (x − min) ÷ (max − min); ``1 −`` that for direction −1; a constant column is 0.5.
- ``zscore``: z = direction × (x − mean) ÷ sd (sd with n − 1), mapped to (0, 1) by the standard
  normal CDF Φ(z) so it can be aggregated with the others; fewer than two values or sd = 0 → 0.5.
- ``rank``: average rank of direction × x, (rank − 1) ÷ (n − 1); a single value is 0.5.
- ``target``: distance to target — the share of the way from the worst observed value to the
  indicator's ``target`` (its best observed value when it has none), clipped to [0, 1]; a value
  at or beyond the target scores 1.

Weights are relative within their level. ``equal``: all ones. ``user``: the framework's weights
(after any weights file). ``pca``: within each pillar, w_j = v_j² ÷ Σ_k v_k², v the first
eigenvector of the correlation matrix of the pillar's normalised indicators over complete-case
years (squared loadings scaled to unity); pillar weights stay as in ``user``. PCA falls back to
equal weights, with a warning, when the pillar has one indicator, fewer than three complete
years, or a constant indicator.

Aggregation re-weights over the indicators (pillars) a year has: missing ones drop out and the
rest keep their relative weights. ``arithmetic`` is Σ w x ÷ Σ w (fully compensatory).
``geometric`` is Π x^(w/Σw) (partly compensatory) computed on x' = ε + (1 − ε) x with ε = 0.01
so a zero does not annihilate the whole score, then mapped back by (G − ε) ÷ (1 − ε) so that
all-0 and all-1 still give 0 and 1.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr
from scipy.stats import rankdata

from lowpolitics.analysis.index.framework import Framework
from lowpolitics.analysis.index.indicators import IndicatorTable
from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.notes import N_, Note, ident, note

NORMALISATIONS = ("minmax", "zscore", "rank", "target")
WEIGHTINGS = ("equal", "user", "pca")
AGGREGATIONS = ("arithmetic", "geometric")
EPSILON = 0.01
PCA_MIN_ROWS = 3
PCA_METHOD = (
    "w_j = v_j² / Σ v_k², v = first eigenvector of the correlation matrix of the "
    "pillar's normalised indicators over complete-case years"
)
# why PCA is not computable: the ``reason`` of pca_weights's info, and the note it gives
PCA_FEW_INDICATORS = "fewer than two indicators"
PCA_FEW_ROWS = f"fewer than {PCA_MIN_ROWS} complete-case years"
PCA_CONSTANT = "an indicator is constant over complete-case years"


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def normalise(
    values: np.ndarray, direction: int = 1, target: float | None = None, method: str = "minmax"
) -> np.ndarray:
    """One indicator across years → [0, 1], 1 = best; NaN stays NaN."""
    x = np.asarray(values, dtype=float)
    out = np.full_like(x, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    if v.size == 0:
        return out
    if method == "minmax":
        low, high = v.min(), v.max()
        s = np.full_like(v, 0.5) if high == low else (v - low) / (high - low)
        out[ok] = s if direction == 1 else 1 - s
    elif method == "zscore":
        sd = v.std(ddof=1) if v.size > 1 else 0.0
        out[ok] = 0.5 if sd == 0 else ndtr(direction * (v - v.mean()) / sd)
    elif method == "rank":
        out[ok] = 0.5 if v.size == 1 else (rankdata(direction * v) - 1) / (v.size - 1)
    elif method == "target":
        worst = v.min() if direction == 1 else v.max()
        goal = target if target is not None else (v.max() if direction == 1 else v.min())
        reached = direction * (v - goal) >= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(reached, 1.0, (v - worst) / (goal - worst))
        out[ok] = np.clip(s, 0.0, 1.0)
    else:
        raise ConfigError(f"normalisation {method!r}: use one of {', '.join(NORMALISATIONS)}")
    return out


def normalise_table(matrix: np.ndarray, framework: Framework, method: str) -> np.ndarray:
    cols = [
        normalise(matrix[:, j], ind.direction, ind.target, method)
        for j, ind in enumerate(framework.indicators)
    ]
    return np.column_stack(cols) if cols else matrix.copy()


def pca_weights(matrix: np.ndarray) -> tuple[np.ndarray | None, dict]:
    """Squared first-component loadings of the correlation matrix, scaled to sum to one.

    Rows with any NaN are dropped (complete cases). Returns ``(None, info)`` when PCA is not
    computable, so the caller can fall back and say why."""
    m = np.asarray(matrix, dtype=float)
    m = m[~np.isnan(m).any(axis=1)] if m.ndim == 2 else m
    info: dict = {"rows": int(m.shape[0]) if m.ndim == 2 else 0, "method": PCA_METHOD}
    if m.ndim != 2 or m.shape[1] < 2:
        return None, {**info, "reason": PCA_FEW_INDICATORS}
    if m.shape[0] < PCA_MIN_ROWS:
        return None, {**info, "reason": PCA_FEW_ROWS}
    sd = m.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return None, {**info, "reason": PCA_CONSTANT}
    eigval, eigvec = np.linalg.eigh(np.corrcoef(m, rowvar=False))
    first = eigvec[:, -1]
    weights = first**2 / np.sum(first**2)
    explained = float(eigval[-1] / eigval.sum())
    return weights, {**info, "explained": _r(explained), "loadings": [_r(v) for v in first]}


def _pca_fallback(pillar: str, reason: str) -> Note:
    """The warning that PCA weights for ``pillar`` fell back to equal weights, and why."""
    if reason == PCA_FEW_INDICATORS:
        message = N_(
            "PCA weights for pillar {pillar} not computable (fewer than two indicators): "
            "equal weights used"
        )
    elif reason == PCA_FEW_ROWS:
        return note(
            N_(
                "PCA weights for pillar {pillar} not computable (fewer than {rows} "
                "complete-case years): equal weights used"
            ),
            pillar=ident(pillar),
            rows=PCA_MIN_ROWS,
        )
    else:
        message = N_(
            "PCA weights for pillar {pillar} not computable (an indicator is constant over "
            "complete-case years): equal weights used"
        )
    return note(message, pillar=ident(pillar))


def aggregate(values: np.ndarray, weights: np.ndarray, method: str = "arithmetic") -> np.ndarray:
    """Rows of [0, 1] values → one score per row, re-weighting over non-missing columns."""
    x = np.atleast_2d(np.asarray(values, dtype=float))
    w = np.broadcast_to(np.asarray(weights, dtype=float), x.shape)
    ok = ~np.isnan(x)
    total = np.where(ok, w, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            score = np.where(ok, w * np.nan_to_num(x), 0.0).sum(axis=1) / total
        elif method == "geometric":
            logs = np.log(EPSILON + (1 - EPSILON) * np.clip(np.nan_to_num(x), 0, 1))
            g = np.exp(np.where(ok, w * logs, 0.0).sum(axis=1) / total)
            score = (g - EPSILON) / (1 - EPSILON)
        else:
            raise ConfigError(f"aggregation {method!r}: use one of {', '.join(AGGREGATIONS)}")
    return np.where(total > 0, score, np.nan)


def groups(framework: Framework) -> list[np.ndarray]:
    codes = framework.indicator_codes
    return [
        np.array([codes.index(i.code) for i in framework.members(p)])
        for p in framework.pillar_codes
    ]


def scheme_weights(
    framework: Framework, norm: np.ndarray, weighting: str, warnings: list[str] | None = None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Indicator weights (each pillar's summing to one) and pillar weights (summing to one)."""
    if weighting not in WEIGHTINGS:
        raise ConfigError(f"weighting {weighting!r}: use one of {', '.join(WEIGHTINGS)}")
    ind = np.array([1.0 if weighting == "equal" else i.weight for i in framework.indicators])
    pil = np.array([1.0 if weighting == "equal" else p.weight for p in framework.pillars])
    pca: dict = {}
    for code, idx in zip(framework.pillar_codes, groups(framework), strict=True):
        if weighting == "pca":
            w, info = pca_weights(norm[:, idx])
            pca[code] = info
            if w is None:
                ind[idx] = 1.0
                if warnings is not None:
                    warnings.append(_pca_fallback(code, info["reason"]))
            else:
                ind[idx] = w
        ind[idx] = ind[idx] / ind[idx].sum() if ind[idx].sum() > 0 else 1.0 / idx.size
    return ind, pil / pil.sum(), pca


def compose(
    norm: np.ndarray, framework: Framework, ind_w: np.ndarray, pil_w: np.ndarray, aggregation: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pillar scores (years × pillars) and the index (years), both in [0, 1]."""
    pillars = pillar_scores(norm, framework, ind_w, aggregation)
    return pillars, index_scores(pillars, pil_w, aggregation)


def pillar_scores(
    norm: np.ndarray, framework: Framework, ind_w: np.ndarray, aggregation: str
) -> np.ndarray:
    """Pillar scores (years × pillars) in [0, 1]: the first step of :func:`compose`."""
    if not norm.shape[0]:
        return np.empty((0, len(framework.pillars)))
    return np.column_stack(
        [aggregate(norm[:, idx], ind_w[idx], aggregation) for idx in groups(framework)]
    )


def index_scores(pillars: np.ndarray, pil_w: np.ndarray, aggregation: str) -> np.ndarray:
    """The index (years) from pillar scores: the second step of :func:`compose`."""
    return aggregate(pillars, pil_w, aggregation) if pillars.shape[0] else np.empty(0)


def _pearson(a: np.ndarray, b: np.ndarray) -> tuple[float | None, int]:
    ok = ~np.isnan(a) & ~np.isnan(b)
    n = int(ok.sum())
    if n < 3 or a[ok].std() == 0 or b[ok].std() == 0:
        return None, n
    return _r(float(np.corrcoef(a[ok], b[ok])[0, 1])), n


def correlations(
    norm: np.ndarray, pillars: np.ndarray, index: np.ndarray, framework: Framework
) -> dict:
    """Pearson r (pairwise complete years, with n) within and across pillars (JRC step 4)."""
    codes, where = framework.indicator_codes, {i.code: i.pillar for i in framework.indicators}
    matrix: dict = {c: {} for c in codes}
    within, across = [], []
    for a, ca in enumerate(codes):
        for b, cb in enumerate(codes):
            r, n = _pearson(norm[:, a], norm[:, b])
            matrix[ca][cb] = {"r": r, "n": n}
            if a < b and r is not None:
                (within if where[ca] == where[cb] else across).append(r)
    pcodes = framework.pillar_codes
    pillar_m = {
        p: {
            q: dict(zip(("r", "n"), _pearson(pillars[:, i], pillars[:, j]), strict=True))
            for j, q in enumerate(pcodes)
        }
        for i, p in enumerate(pcodes)
    }
    return {
        "method": "Pearson r over years where both are present (n), on normalised values "
        "(direction applied, so positive = improving together); r is None when "
        "n < 3 or a series is constant",
        "indicators": matrix,
        "pillars": pillar_m,
        "pillar_to_index": {
            p: dict(zip(("r", "n"), _pearson(pillars[:, i], index), strict=True))
            for i, p in enumerate(pcodes)
        },
        "mean_within_pillars": _r(float(np.mean(within))) if within else None,
        "mean_across_pillars": _r(float(np.mean(across))) if across else None,
    }


def build_index(
    table: IndicatorTable,
    framework: Framework,
    normalisation: str = "minmax",
    weighting: str = "equal",
    aggregation: str = "arithmetic",
    weights: dict[str, float] | None = None,
) -> dict:
    """One index variant: per year the score (0–100), pillar scores and each indicator's raw
    and normalised value with the ids behind it; plus weights, correlations and warnings."""
    if aggregation not in AGGREGATIONS:
        raise ConfigError(f"aggregation {aggregation!r}: use one of {', '.join(AGGREGATIONS)}")
    framework = framework.with_weights(weights)
    warnings: list[str] = []
    norm = normalise_table(table.matrix(), framework, normalisation)
    ind_w, pil_w, pca = scheme_weights(framework, norm, weighting, warnings)
    pillars, index = compose(norm, framework, ind_w, pil_w, aggregation)
    years = {}
    threshold = table.coverage.get("threshold", 0)
    for t, year in enumerate(table.years):
        coverage = table.coverage.get("years", {}).get(str(year), {}).get("share")
        # a year below the coverage threshold is not published: its score would say more
        # about what was recorded than about what happened
        withheld = coverage is not None and coverage < threshold
        years[str(year)] = {
            "score": None if withheld else _r(index[t] * 100, 2),
            "withheld": withheld,
            "pillars": {
                p: None if withheld else _r(pillars[t, k] * 100, 2)
                for k, p in enumerate(framework.pillar_codes)
            },
            "indicators": {
                code: {
                    "raw": _r(table.values[code][year], 6),
                    "normalised": _r(norm[t, j]),
                    "imputed": table.is_imputed(code, year),
                    "ids": table.ids[code][year],
                }
                for j, code in enumerate(table.codes)
            },
            "coverage": coverage,
        }
        missing = [p for k, p in enumerate(framework.pillar_codes) if np.isnan(pillars[t, k])]
        if missing and not np.isnan(index[t]):
            warnings.append(
                note(
                    N_(
                        "{year}: no data for pillar(s) {pillars}; the index re-weights over the "
                        "other pillars"
                    ),
                    year=str(year),
                    pillars=[ident(p) for p in missing],
                )
            )
    return {
        "choices": {
            "normalisation": normalisation,
            "weighting": weighting,
            "aggregation": aggregation,
        },
        "weights": {
            "pillars": {p: _r(w) for p, w in zip(framework.pillar_codes, pil_w, strict=True)},
            "indicators": {c: _r(w) for c, w in zip(table.codes, ind_w, strict=True)},
            "pca": pca or None,
        },
        "years": years,
        "correlations": correlations(norm, pillars, index, framework),
        "warnings": warnings,
    }
