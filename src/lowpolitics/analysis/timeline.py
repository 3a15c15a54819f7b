"""Timeline: activities by mechanism per year and per quarter, with the tension periods, as
data for charts. Quarters are given only for activities dated to a month or a day; those dated
to a year are counted in their year and reported as not placed in a quarter.
"""

from __future__ import annotations

from collections import defaultdict

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.analysis.options import AnalysisOptions, periods_for
from lowpolitics.framework.codebook import Codebook


def timeline(dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None) -> dict:
    options = options or AnalysisOptions()
    window = dataset.between(options.date_from, options.date_to)
    disrupted = codebook.disrupted_statuses
    years: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    years_disrupted: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    quarters: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    unplaced: list[str] = []
    for a in window.activities:
        year = str(a.date.start.year)
        years[year][a.mechanism].append(a.key)
        if a.status in disrupted:
            years_disrupted[year][a.mechanism].append(a.key)
        if a.date.precision == "year":
            unplaced.append(a.key)
        else:
            quarter = f"{a.date.start.year}-Q{(a.date.start.month - 1) // 3 + 1}"
            quarters[quarter][a.mechanism].append(a.key)

    def table(cells: dict[str, dict[str, list[str]]]) -> list[dict]:
        rows = []
        for key in sorted(cells):
            counts = {m: len(cells[key].get(m, [])) for m in codebook.mechanism_codes}
            rows.append(
                {
                    "period": key,
                    "counts": counts,
                    "total": sum(counts.values()),
                    "ids": {m: ids for m, ids in cells[key].items()},
                }
            )
        return rows

    return {
        "mechanisms": codebook.mechanism_codes,
        "by_year": table(years),
        "disrupted_by_year": table(years_disrupted),
        "by_quarter": table(quarters),
        "not_in_a_quarter": {"n": len(unplaced), "ids": unplaced},
        "periods": [p.as_dict() for p in periods_for(dataset, options)],
    }
