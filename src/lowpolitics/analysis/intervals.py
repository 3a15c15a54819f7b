"""Confidence intervals used across the analyses, each with a known-answer test.

- Rates: the Wilson score interval (Wilson 1927), which behaves at 0 %, 100 % and small n,
  where the textbook Wald interval fails.
- Risk ratios: the Katz log interval (Katz et al. 1978): exp(ln RR ± z·SE) with
  SE = √(1/a − 1/n₁ + 1/b − 1/n₂). When a count is zero the ratio or its logarithm is
  undefined; then 0.5 is added to both event counts and 1 to both totals (Haldane–Anscombe),
  and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054

RATE_METHOD = "Wilson score interval, 95 %"
RATIO_METHOD = (
    "Katz log interval, 95 %; with 0.5 added to each count and 1 to each total when a "
    "count is zero (Haldane–Anscombe)"
)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for k successes in n trials; ``None`` when n is 0."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError("k must lie between 0 and n")
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact at the ends, not 0.9999…
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def share_with_interval(k: int, n: int, digits: int = 4) -> dict:
    """``{"share", "ci"}`` for k of n, rounded for reports: the share and its Wilson interval
    (both ``None`` when n is 0). One place, so every "k of n" in the analyses reads alike."""
    ci = wilson(k, n)
    return {
        "share": round(k / n, digits) if n else None,
        "ci": [round(ci[0], digits), round(ci[1], digits)] if ci else None,
    }


@dataclass(frozen=True)
class RiskRatio:
    ratio: float
    low: float
    high: float
    corrected: bool  # Haldane–Anscombe correction applied


def risk_ratio(a: int, n1: int, b: int, n2: int, z: float = Z95) -> RiskRatio | None:
    """Risk ratio (a/n1)/(b/n2) with the Katz log interval; ``None`` when a group is empty
    or when neither group has any event (the ratio says nothing then)."""
    if n1 <= 0 or n2 <= 0 or (a == 0 and b == 0):
        return None
    corrected = a == 0 or b == 0
    if corrected:
        a, b, n1, n2 = a + 0.5, b + 0.5, n1 + 1, n2 + 1
    ratio = (a / n1) / (b / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return RiskRatio(
        ratio, math.exp(math.log(ratio) - z * se), math.exp(math.log(ratio) + z * se), corrected
    )
