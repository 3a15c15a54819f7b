"""How much does the index depend on the builder's choices? Monte Carlo, then sensitivity.

Step 8 of the OECD/JRC guide (after Saisana, Saltelli & Tarantola 2005): a score is credible
only with the band that the defensible alternatives put around it. Each run draws, uniformly and
independently, a normalisation, a weighting scheme and an aggregation rule, and multiplies each
pillar weight by its own U(1 − p, 1 + p) factor (p = 0.25 by default) before re-normalising.
Runs are seeded (``numpy.random.default_rng(seed)``), so the same seed gives the same bands.

Sensitivity: the first-order index S_i = Var(E[Y | X_i]) ÷ Var(Y) per year, estimated from the
same runs by the *binned correlation ratio* (η², a given-data estimator): runs are grouped by
the value of a discrete choice, or into equal-count quantile bins of a continuous weight factor,
and S_i is the size-weighted variance of the group means over the total variance. It needs no
extra model runs, but is biased upwards by about (groups − 1) ÷ (runs − 1) when X_i has no
effect, so small values should be read as "negligible", not as exact.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.analysis.index.construct import (
    AGGREGATIONS,
    EPSILON,
    NORMALISATIONS,
    PCA_METHOD,
    build_index,
    index_scores,
    normalise_table,
    pillar_scores,
    scheme_weights,
)
from lowpolitics.analysis.index.framework import Framework, load_framework, load_weights
from lowpolitics.analysis.index.indicators import (
    COVERAGE_THRESHOLD,
    IndicatorTable,
    indicator_table,
)
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.notes import N_, note

PERTURBATION = 0.25
BINS = 10
ESTIMATOR = (
    "first-order index S_i = Var(E[Y|X_i]) / Var(Y) per year, estimated by the binned "
    f"correlation ratio η² on the Monte Carlo runs: groups = the values of a discrete choice, or "
    f"{BINS} equal-count quantile bins of a continuous weight factor; upward bias ≈ "
    "(groups − 1)/(runs − 1) for an input without effect"
)


def _r(value: float, digits: int = 4) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)


def correlation_ratio(y: np.ndarray, x: np.ndarray, bins: int | None = None) -> float | None:
    """η² = Σ_k n_k (ȳ_k − ȳ)² ÷ Σ (y − ȳ)²; ``bins`` set → equal-count quantile bins of x."""
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    y, x = y[ok], np.asarray(x)[ok]
    total = float(np.sum((y - y.mean()) ** 2)) if y.size else 0.0
    if y.size < 2 or total <= 1e-12 * max(1.0, float(np.sum(y**2))):
        return None
    if bins:
        order = np.argsort(x, kind="stable")
        labels = np.empty(y.size, dtype=int)
        for k, chunk in enumerate(np.array_split(order, min(bins, y.size))):
            labels[chunk] = k
    else:
        labels = np.unique(x, return_inverse=True)[1]
    between = sum(
        np.sum(labels == k) * (y[labels == k].mean() - y.mean()) ** 2 for k in np.unique(labels)
    )
    return float(min(1.0, max(0.0, between / total)))


def monte_carlo(
    table: IndicatorTable,
    framework: Framework,
    runs: int = 1000,
    seed: int = 42,
    weightings: tuple[str, ...] = ("equal", "pca"),
    perturbation: float = PERTURBATION,
) -> dict:
    """Scores (runs × years), pillar scores (runs × years × pillars), and the inputs drawn."""
    rng = np.random.default_rng(seed)
    matrix = table.matrix()
    warnings: list[str] = []
    norms = {n: normalise_table(matrix, framework, n) for n in NORMALISATIONS}
    schemes = {
        (n, w): scheme_weights(framework, norms[n], w, warnings)[:2]
        for n in NORMALISATIONS
        for w in weightings
    }
    n_years, n_pillars = len(table.years), len(framework.pillars)
    draws = {
        "normalisation": rng.integers(0, len(NORMALISATIONS), runs),
        "weighting": rng.integers(0, len(weightings), runs),
        "aggregation": rng.integers(0, len(AGGREGATIONS), runs),
    }
    factors = rng.uniform(1 - perturbation, 1 + perturbation, (runs, n_pillars))
    scores = np.full((runs, n_years), np.nan)
    pillars = np.full((runs, n_years, n_pillars), np.nan)
    # the pillar scores depend on the normalisation, weighting and aggregation drawn, not on
    # the perturbed pillar weights: one per combination, the index recomposed every run
    pillar_cache: dict[tuple[str, str, str], np.ndarray] = {}
    for r in range(runs):
        n = NORMALISATIONS[draws["normalisation"][r]]
        weighting = weightings[draws["weighting"][r]]
        aggregation = AGGREGATIONS[draws["aggregation"][r]]
        ind_w, pil_w = schemes[(n, weighting)]
        pil = pil_w * factors[r]
        p = pillar_cache.get((n, weighting, aggregation))
        if p is None:
            p = pillar_cache[(n, weighting, aggregation)] = pillar_scores(
                norms[n], framework, ind_w, aggregation
            )
        y = index_scores(p, pil / pil.sum(), aggregation)
        scores[r], pillars[r] = y * 100, p * 100
    inputs = {k: v for k, v in draws.items()}
    for j, code in enumerate(framework.pillar_codes):
        inputs[f"weight:{code}"] = factors[:, j]
    # each w is a note of scheme_weights (PCA fallback), shown inside this one in the reader's words
    notes = [
        note(N_("Monte Carlo, some normalisations: {warning}"), warning=w)
        for w in sorted(set(warnings))
    ]
    return {
        "scores": scores,
        "pillars": pillars,
        "inputs": inputs,
        "weightings": weightings,
        "warnings": notes,
    }


def sensitivity(scores: np.ndarray, inputs: dict[str, np.ndarray], years: list[int]) -> dict:
    """First-order indices per year and their mean over years, for every uncertain input."""
    by_year = {}
    for t, year in enumerate(years):
        by_year[str(year)] = {
            name: _r(s)
            if (
                s := correlation_ratio(
                    scores[:, t],
                    x,
                    None if name in ("normalisation", "weighting", "aggregation") else BINS,
                )
            )
            is not None
            else None
            for name, x in inputs.items()
        }
    mean = {}
    for name in inputs:
        vals = [v[name] for v in by_year.values() if v[name] is not None]
        mean[name] = _r(float(np.mean(vals))) if vals else None
    return {"estimator": ESTIMATOR, "by_year": by_year, "mean_over_years": mean}


def _band(values: np.ndarray) -> dict:
    v = values[np.isfinite(values)]
    if not v.size:
        return {"median": None, "p05": None, "p95": None}
    p05, med, p95 = np.percentile(v, [5, 50, 95])
    return {"median": _r(med, 2), "p05": _r(p05, 2), "p95": _r(p95, 2)}


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each year within each run (1 = best); NaN where the year has no score."""
    filled = np.where(np.isfinite(scores), scores, -np.inf)
    ranks = (-filled).argsort(axis=1, kind="stable").argsort(axis=1) + 1.0
    return np.where(np.isfinite(scores), ranks, np.nan)


def run_index(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions | None = None,
    framework: Framework | Path | str | None = None,
    weights: dict[str, float] | Path | str | None = None,
    runs: int = 1000,
    seed: int = 42,
    impute: str = "none",
    perturbation: float = PERTURBATION,
) -> dict:
    """The Cultural Diplomacy Index per year with its uncertainty band, as JSON-ready data.

    ``score`` is the nominal variant: min–max, arithmetic, and equal weights — or the user's
    weights when the framework or ``weights`` make them unequal (named in ``methods``)."""
    if runs < 1:
        raise ConfigError("runs must be at least 1")
    if not 0 <= perturbation < 1:
        raise ConfigError("perturbation must be in [0, 1)")
    if not isinstance(framework, Framework):
        framework = load_framework(framework)
    if weights is not None and not isinstance(weights, dict):
        weights = load_weights(weights)
    framework = framework.with_weights(weights)
    table = indicator_table(dataset, codebook, options, framework, impute=impute)
    nominal_weighting = "equal" if framework.equal_weights() else "user"
    nominal = build_index(table, framework, "minmax", nominal_weighting, "arithmetic")
    weightings = ("equal", "pca") + (("user",) if nominal_weighting == "user" else ())
    mc = monte_carlo(table, framework, runs, seed, weightings, perturbation)
    ranks = _ranks(mc["scores"])
    years = {}
    for t, year in enumerate(table.years):
        entry = nominal["years"][str(year)]
        withheld = entry["withheld"]  # below the coverage threshold: not published

        def band(values, withheld=withheld):
            return _band(values) if not withheld else _band(np.array([]))

        years[str(year)] = {
            "score": entry["score"],
            "withheld": withheld,
            **band(mc["scores"][:, t]),
            "rank": band(ranks[:, t]),
            "pillars": {
                p: {"score": entry["pillars"][p], **band(mc["pillars"][:, t, k])}
                for k, p in enumerate(framework.pillar_codes)
            },
            "coverage": entry["coverage"],
            "indicators": entry["indicators"],
        }
    warnings = table.warnings + nominal["warnings"] + mc["warnings"]
    if runs < 200:
        warnings.append(
            note(N_("only {n} Monte Carlo runs: percentiles and sensitivity are rough"), n=runs)
        )
    return {
        "framework": {**framework.model_dump(), "weights_in_use": nominal["weights"]},
        "years": years,
        "sensitivity": sensitivity(mc["scores"], mc["inputs"], table.years),
        "correlations": nominal["correlations"],
        "coverage": table.coverage,
        "imputed": table.imputed,
        "methods": {
            "nominal": {
                **nominal["choices"],
                "note": "score = this variant; median/p05/p95 = over the Monte Carlo runs",
            },
            "indicators": table.methods,
            "normalisation": "across years of the dyad, to [0, 1] with 1 = best: minmax; "
            "zscore via the normal CDF; rank (average ties); target = share "
            "of the way from the worst observed value to the target",
            "weighting": {
                "equal": "all ones",
                "user": "framework weights after any weights file",
                "pca": PCA_METHOD + "; pillar weights as user",
            },
            "aggregation": "re-weighted over non-missing members; arithmetic Σwx/Σw; "
            f"geometric Π x'^(w/Σw) on x' = {EPSILON} + (1 − {EPSILON})x, "
            "rescaled so 0 and 1 are kept",
            "missing": "left missing and re-weighted within the pillar (and across pillars "
            "when a pillar is empty) unless impute is set; imputed cells are listed",
            "coverage_threshold": COVERAGE_THRESHOLD,
            "withheld": "a year whose indicator coverage is below the threshold gets no score, "
            "pillar scores or bands (null): it is not published",
            "monte_carlo": {
                "runs": runs,
                "seed": seed,
                "rng": "numpy default_rng (PCG64)",
                "normalisation": list(NORMALISATIONS),
                "weighting": list(weightings),
                "aggregation": list(AGGREGATIONS),
                "pillar_weight_factor": f"U({1 - perturbation:g}, {1 + perturbation:g}) each",
                "bands": "5th, 50th and 95th percentiles; rank 1 = best year in the run",
            },
            "sensitivity": ESTIMATOR,
            "scale": "0–100",
        },
        "warnings": list(dict.fromkeys(warnings)),
    }
