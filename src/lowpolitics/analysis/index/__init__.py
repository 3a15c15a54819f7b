"""The Cultural Diplomacy Index of a country pair, per year (the unit is the dyad-year).

Built the way the OECD/JRC *Handbook on Constructing Composite Indicators* and the JRC 10-step
guide ask: an explicit framework (``framework.yaml``), raw indicators with coverage and flagged
imputation (:mod:`.indicators`), normalisation, weighting and aggregation (:mod:`.construct`),
then Monte Carlo uncertainty and variance-based sensitivity (:mod:`.uncertainty`).
"""

from lowpolitics.analysis.index.construct import build_index, pca_weights
from lowpolitics.analysis.index.framework import Framework, load_framework, load_weights
from lowpolitics.analysis.index.indicators import IndicatorTable, indicator_table
from lowpolitics.analysis.index.uncertainty import run_index

__all__ = [
    "Framework",
    "IndicatorTable",
    "build_index",
    "indicator_table",
    "load_framework",
    "load_weights",
    "pca_weights",
    "run_index",
]
