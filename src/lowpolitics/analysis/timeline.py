"""Timeline: cooperative activities by mechanism per year and per quarter, with the tension
periods and every dated disruption, as data for charts.

What a row is comes first: the bars count cooperative *units* (several reports of one event are
one unit, see ``units``); statements and restrictions are counted apart, per year, because a
year of hostile statements is not a year of cooperation. Quarters are given only for units dated
to a month or a day; those dated to a year are counted in their year and reported as not placed
in a quarter.
"""

from __future__ import annotations

from collections import defaultdict

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.analysis.options import AnalysisOptions, periods_for
from lowpolitics.analysis.units import DISRUPTED, counting_base, unit_ids
from lowpolitics.framework.codebook import Codebook

Cells = dict[str, dict[str, list[str]]]


def _table(cells: Cells, codes: list[str]) -> list[dict]:
    rows = []
    for key in sorted(cells):
        counts = {m: len(cells[key].get(m, [])) for m in codes}
        rows.append(
            {
                "period": key,
                "counts": counts,
                "total": sum(counts.values()),
                "ids": {m: ids for m, ids in cells[key].items()},
            }
        )
    return rows


def timeline(dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None) -> dict:
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    codes = list(codebook.mechanism_codes)
    years: Cells = defaultdict(lambda: defaultdict(list))
    years_disrupted: Cells = defaultdict(lambda: defaultdict(list))
    quarters: Cells = defaultdict(lambda: defaultdict(list))
    statements: Cells = defaultdict(lambda: defaultdict(list))
    restrictions: Cells = defaultdict(lambda: defaultdict(list))
    unplaced: list[str] = []
    disruptions: list[dict] = []
    for unit in base.units:
        year = str(unit.date.start.year)
        years[year][unit.mechanism].append(unit.key)
        if base.outcomes[unit.key] == DISRUPTED:
            years_disrupted[year][unit.mechanism].append(unit.key)
            disruptions.append(
                {
                    "id": unit.key,
                    "ids": unit_ids(unit),
                    "date": unit.date.start.isoformat(),
                    "precision": unit.date.precision,
                    "mechanism": unit.mechanism,
                    "status": unit.status,
                    "title": unit.title,
                }
            )
        if unit.date.precision == "year":
            unplaced.append(unit.key)
        else:
            quarter = f"{unit.date.start.year}-Q{(unit.date.start.month - 1) // 3 + 1}"
            quarters[quarter][unit.mechanism].append(unit.key)
    for row in base.statements:
        statements[str(row.date.start.year)][row.mechanism].append(row.key)
    for row in base.restrictions:
        restrictions[str(row.date.start.year)][row.mechanism].append(row.key)

    return {
        "counting": "cooperative units (reports of one event merged); statements and "
        "restrictions counted apart",
        "mechanisms": codes,
        "by_year": _table(years, codes),
        "disrupted_by_year": _table(years_disrupted, codes),
        "disruptions": disruptions,
        "statements_by_year": _table(statements, codes),
        "restrictions_by_year": _table(restrictions, codes),
        "by_quarter": _table(quarters, codes),
        "not_in_a_quarter": {"n": len(unplaced), "ids": unplaced},
        "periods": [p.as_dict() for p in periods_for(dataset, options)],
    }
