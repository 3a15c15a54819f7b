"""Analyse: what holds when tension rises — periods, disruption, survival, continuity, reach.

Every analysis is a pure function over a :class:`~lowpolitics.analysis.dataset.Dataset` (plain
records read once from the store), so it can be tested on hand-built data and every figure can
name the activity ids behind it.
"""
