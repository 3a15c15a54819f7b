"""The activities list (API and page) at real sizes: one page of 50, filtered and sorted, in
the database (SQL count + SQL order/limit) against the earlier path in the same run (fetch
every matching row, filter, sort and page in Python); then the API's page as a request builds
it (Core rows into plain objects, serialised) against the same page through ORM objects.

    python bench/activity_list.py [N]      # N generated activities on SQLite (default 10000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from import_throughput import generate  # noqa: E402

from lowpolitics.framework.codebook import load_codebook  # noqa: E402
from lowpolitics.framework.gazetteer import load_gazetteer  # noqa: E402
from lowpolitics.store.activity_reading import read_activities  # noqa: E402
from lowpolitics.store.db import make_engine, session_scope, upgrade  # noqa: E402
from lowpolitics.store.importing import import_file  # noqa: E402
from lowpolitics.store.reference import seed_reference  # noqa: E402
from lowpolitics.web.activity_views import (  # noqa: E402
    activity_json,
    activity_page,
    find_activity_ids,
    load_activities,
)
from lowpolitics.web.paging import paginate  # noqa: E402

CASES = [
    {"sort": "date"},
    {"sort": "-date", "mechanism": "societal"},
    {"sort": "status", "date_from": "2015", "date_to": "2020-06"},
    {"sort": "-participants", "region": "KG-B"},
]


def _python_page(session, **flt):
    chunk = paginate(find_activity_ids(session, **flt), 3, 50)
    return load_activities(session, chunk.items)


def _timed(fn, repeats=7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    codebook, gazetteer = load_codebook(), load_gazetteer()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.csv"
        generate(path, n)
        engine = make_engine(f"sqlite:///{Path(folder) / 'b.db'}")
        upgrade(engine)
        with session_scope(engine) as session:
            seed_reference(session, gazetteer)
        start = time.perf_counter()
        import_file(engine, "registry", path, codebook=codebook, gazetteer=gazetteer)
        print(f"{n:,} activities imported in {time.perf_counter() - start:.0f} s")
        print(f"{'filters':<55}{'SQL ms':>9}{'Python ms':>11}{'× faster':>10}")
        with session_scope(engine) as session:
            for flt in CASES:
                sql = _timed(lambda f=flt: activity_page(session, 3, 50, **f))
                py = _timed(lambda f=flt: _python_page(session, **f))
                label = ", ".join(f"{k}={v}" for k, v in flt.items())
                print(f"{label:<55}{sql * 1000:>9.1f}{py * 1000:>11.1f}{py / sql:>10.1f}")
        # the API's page: load and serialise 50 in a fresh session, as a request does;
        # baseline: the same page through ORM objects (what the API did before)
        print()
        head = "API page of 50, load + JSON, new session"
        print(f"{head:<55}{'Core ms':>9}{'ORM ms':>11}{'× faster':>10}")
        for flt in CASES:

            def served(load, f=flt):
                with session_scope(engine) as session:
                    chunk = activity_page(session, 3, 50, load=load, **f)
                    return [activity_json(a) for a in chunk.items]

            core = _timed(lambda: served(read_activities))
            orm = _timed(lambda: served(load_activities))
            label = ", ".join(f"{k}={v}" for k, v in flt.items())
            print(f"{label:<55}{core * 1000:>9.1f}{orm * 1000:>11.1f}{orm / core:>10.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
