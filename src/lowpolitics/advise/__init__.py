"""Advise: recommendation rules (a data file) evaluated against the analyses' figures.

Every recommendation carries the figures that triggered it, with their intervals and the rows
behind them; a rule whose figures rest on too few cases says so instead of firing.
"""
