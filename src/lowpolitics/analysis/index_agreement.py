"""Agreement between the coder of a coded index and a second, blind coder of a sample of it.

Why: a frame share is only as good as the reading behind it. The coded index ships one coder per
text; a second person who never saw the first coding reads a random sample again, and the two
frames are compared. The unit is the text (one nominal value: integrative, neutral,
securitizing); a text the second coder could not read is left out and counted, never guessed.
The same statistics as ``lowpolitics reliability`` (percent agreement, Cohen's kappa,
Krippendorff's alpha), plus a percentile bootstrap interval for alpha over texts, because a
sample of a few dozen texts gives a wide one, and the confusion table that says which frames
the coders read differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from lowpolitics.analysis.reliability import _alpha, _cohen, _undefined
from lowpolitics.framework.notes import N_, note

BOOTSTRAP_DRAWS = 2000
SEED = 20261206
SMALL_SAMPLE = 50  # below this many paired texts the interval is wide: say so


@dataclass(frozen=True)
class FramePair:
    """One text both coders read: its key and the two frames."""

    key: str
    first: str
    second: str


@dataclass
class IndexAgreement:
    """Frame agreement on the texts both coders read."""

    first_coders: list[str]
    second_coders: list[str]
    n_sample: int  # texts in the second coder's file
    n_paired: int  # of which both coders gave a frame
    n_unreadable: int  # the second coder could not read the page: no frame
    n_unknown: int  # keys the first coding does not have
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    alpha_ci: tuple[float, float] | None
    confusion: dict[str, dict[str, int]]  # first frame -> second frame -> texts
    disagreements: list[FramePair]
    warnings: list[str] = field(default_factory=list)


def index_agreement(
    first: Mapping[str, tuple[str, str]],
    second: Mapping[str, tuple[str | None, str]],
    frames: list[str],
    *,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = SEED,
) -> IndexAgreement:
    """Compare ``second`` (key -> (frame or None when unreadable, coder)) with ``first`` (key ->
    (frame, coder)); ``frames`` fixes the order of the confusion table."""
    pairs, unreadable, unknown = [], 0, 0
    for key, (frame, _coder) in second.items():
        if key not in first:
            unknown += 1
        elif not frame:
            unreadable += 1
        else:
            pairs.append(FramePair(key, first[key][0], frame))
    index = {f: i for i, f in enumerate(frames)}
    for p in pairs:
        for f in (p.first, p.second):
            index.setdefault(f, len(index))
    labels = np.array(
        [[index[p.first] for p in pairs], [index[p.second] for p in pairs]], dtype=np.int64
    ).reshape(2, len(pairs))
    warnings: list[str] = []
    percent = float((labels[0] == labels[1]).mean()) if pairs else None
    kappa, why_k = _cohen(labels[0], labels[1]) if pairs else (None, None)
    alpha, why_a = _alpha(labels)
    for why in (why_k, why_a):
        if why:
            warnings.append(_undefined(why, None))
    interval = _bootstrap(labels, draws, seed) if alpha is not None else None
    if pairs and len(pairs) < SMALL_SAMPLE:
        warnings.append(
            note(
                N_(
                    "only {n} texts were read by both coders: the interval is wide; read the "
                    "agreement as a first check, not a settled figure"
                ),
                n=len(pairs),
            )
        )
    confusion = {a: {b: 0 for b in index} for a in index}
    for p in pairs:
        confusion[p.first][p.second] += 1
    return IndexAgreement(
        first_coders=sorted({first[p.key][1] for p in pairs}),
        second_coders=sorted({coder for _f, coder in second.values()}),
        n_sample=len(second),
        n_paired=len(pairs),
        n_unreadable=unreadable,
        n_unknown=unknown,
        percent_agreement=percent,
        cohen_kappa=kappa,
        krippendorff_alpha=alpha,
        alpha_ci=interval,
        confusion=confusion,
        disagreements=[p for p in pairs if p.first != p.second],
        warnings=warnings,
    )


def _bootstrap(labels: np.ndarray, draws: int, seed: int) -> tuple[float, float] | None:
    """95 % percentile interval of alpha over texts resampled with replacement; draws where
    alpha is undefined (a resample with a single value) are left out."""
    rng = np.random.default_rng(seed)
    n = labels.shape[1]
    values = []
    for _ in range(draws):
        sample = labels[:, rng.integers(0, n, n)]
        value, _why = _alpha(sample)
        if value is not None:
            values.append(value)
    if len(values) < draws // 2:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)
