"""``analyse all`` at real sizes, against the same aggregations written as DuckDB SQL.

For each size (default 10,000 and 100,000 activities, as many context events) a store is
generated (``analyse_data.populate``) on SQLite — and on PostgreSQL too when ``CI=true`` or
``--pg`` — and timed three ways, in the same process on the same tables:

* ``analyse all`` through the library (``run_all.analyse_database``: read the store, every
  analysis, the JSON-ready document), with the reading and the network section (exact
  weighted betweenness overall and per year, Louvain communities: no GROUP BY replaces
  them) also timed apart;
* the baseline: the columns the counts need fetched with the plain driver (``sqlite3`` /
  ``psycopg``) into Arrow tables and the aggregations run in DuckDB — exposure of every
  activity to tension periods (declared, else derived from security events by the default
  rule, merged as gaps and islands), counts by mechanism × exposure × year × status, by
  tension year, per period, status counts by year, reach (participants, women, youth,
  border regions, hosts) per year, first date and first disruption per initiative, actor
  co-participation ties per year;
* the SQL alone (the same queries on tables already in DuckDB).

The library's run is also split into its parts, each timed inside the run (wall and CPU):
reading the store; the *counting* sections, whose work the DuckDB queries also do (record
counts, resilience, sensitivity, held/broken, restart, recovery, at-risk, timeline); the two
sections that add resampling to such counts (reach: 2,000 bootstrap resamples per share;
continuity: 2,000 permutations of silent years); and the statistics no GROUP BY does
(survival fits, the index's Monte Carlo and PCA, network betweenness, discourse). The line
"read + counting sections" is the part measured against the baseline like for like; the
total is printed too. CPU seconds (DuckDB's threads included) are printed beside wall
seconds because on a shared machine the wall figures move with the load.

Above 100,000 activities the network section is left out of the library's run (its exact
betweenness grows with actors × ties: about a minute of CPU at 100,000 on the build machine,
untried beyond): the figure printed then is ``analyse all`` with that one section empty, and
says so. (Until the betweenness moved to array operations the limit was 20,000: networkx's
own loop would have taken hours at 100,000.)

    python bench/analyse_all.py [N ...] [--pg]

DuckDB is a bench-only dependency (in the ``dev`` extra). Its SQLite and PostgreSQL
scanners are extensions fetched over the network, so the baseline reads with the drivers.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from analyse_data import populate  # noqa: E402

from lowpolitics.analysis.dataset import load_dataset  # noqa: E402
from lowpolitics.analysis.network import network_metrics  # noqa: E402
from lowpolitics.analysis.options import AnalysisOptions  # noqa: E402
from lowpolitics.analysis.run_all import analyse_database  # noqa: E402
from lowpolitics.framework.codebook import load_codebook  # noqa: E402
from lowpolitics.store.db import make_engine, session_scope  # noqa: E402

AS_OF = date(2026, 1, 1)
REPEATS = 2  # analyse all runs; the fastest is reported
NETWORK_UP_TO = 100_000  # above: the network section is left out (see library())
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"

TABLES = {
    "activities": "SELECT id, initiative_id, date_start, date_precision, mechanism, status, "
    "host_country, region_code, place_id, participants_total, participants_women, "
    "participants_youth, record_kind FROM activities",
    "places": "SELECT id, border_area FROM places",
    "regions": "SELECT code, border FROM regions",
    "activity_actors": "SELECT activity_id, actor_id FROM activity_actors",
    "context_events": "SELECT date_start, date_precision, end_start, end_precision, kind, "
    "severity, fatalities_low FROM context_events",
}

SETUP = """
CREATE OR REPLACE TEMP TABLE acts AS
SELECT a.*, CAST(a.date_start AS DATE) AS s,
       CASE a.date_precision
         WHEN 'day' THEN CAST(a.date_start AS DATE)
         WHEN 'month' THEN last_day(CAST(a.date_start AS DATE))
         ELSE make_date(year(CAST(a.date_start AS DATE)), 12, 31) END AS e
FROM activities a;

CREATE OR REPLACE TEMP TABLE events AS
SELECT kind, severity, fatalities_low, CAST(date_start AS DATE) AS s,
       CASE coalesce(end_precision, date_precision)
         WHEN 'day' THEN CAST(coalesce(end_start, date_start) AS DATE)
         WHEN 'month' THEN last_day(CAST(coalesce(end_start, date_start) AS DATE))
         ELSE make_date(year(CAST(coalesce(end_start, date_start) AS DATE)), 12, 31) END AS e
FROM context_events;

-- derived periods: a window per security event of severity >= 2, overlapping or touching
-- windows merged (gaps and islands)
CREATE OR REPLACE TEMP TABLE derived AS
WITH w AS (
  SELECT s, e + CAST(least(365, CASE severity WHEN 2 THEN 30 WHEN 3 THEN 60 WHEN 4 THEN 120
                                  WHEN 5 THEN 180 ELSE 0 END + coalesce(fatalities_low, 0))
                  AS INTEGER) AS e
  FROM events WHERE kind = 'security' AND severity >= 2),
m AS (SELECT s, e, max(e) OVER (ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING
                                AND 1 PRECEDING) AS reach FROM w),
g AS (SELECT s, e, sum(CASE WHEN reach IS NULL OR s > reach + 1 THEN 1 ELSE 0 END)
                     OVER (ORDER BY s, e) AS island FROM m)
SELECT min(s) AS s, max(e) AS e FROM g GROUP BY island;

CREATE OR REPLACE TEMP TABLE periods AS
SELECT s, e FROM events WHERE kind = 'tension_period'
UNION ALL
SELECT s, e FROM derived WHERE NOT EXISTS (SELECT 1 FROM events WHERE kind = 'tension_period');

CREATE OR REPLACE TEMP TABLE exposure AS
SELECT a.id,
       CASE WHEN bool_or(p.s <= a.s AND a.e <= p.e) THEN 'in_tension'
            WHEN count(p.s) > 0 THEN 'undetermined' ELSE 'outside' END AS exposure
FROM acts a LEFT JOIN periods p ON p.s <= a.e AND p.e >= a.s
GROUP BY a.id;
"""

QUERIES = {
    "mechanism × exposure × year × status": """
        SELECT mechanism, exposure, year(s) AS y, status, count(*) AS n
        FROM acts JOIN exposure USING (id) WHERE record_kind = 'activity'
        GROUP BY ALL ORDER BY ALL""",
    "mechanism × tension year × status": """
        WITH ty AS (SELECT DISTINCT unnest(range(year(s), year(e) + 1)) AS y FROM periods)
        SELECT mechanism, (year(s) IN (SELECT y FROM ty)) AS tension_year, status, count(*)
        FROM acts WHERE record_kind = 'activity' GROUP BY ALL ORDER BY ALL""",
    "per period × mechanism × status": """
        SELECT p.s, p.e, a.mechanism, a.status,
               count(*) FILTER (WHERE p.s <= a.s AND a.e <= p.e) AS inside,
               count(*) FILTER (WHERE NOT (p.s <= a.s AND a.e <= p.e)) AS coarsely_dated
        FROM periods p JOIN acts a ON p.s <= a.e AND p.e >= a.s
        GROUP BY ALL ORDER BY ALL""",
    "status × mechanism × year": """
        SELECT year(s), mechanism, status, record_kind, count(*)
        FROM acts GROUP BY ALL ORDER BY ALL""",
    "reach per year": """
        SELECT year(a.s) AS y, count(*) AS n, sum(participants_total),
               sum(participants_women) FILTER (WHERE participants_women IS NOT NULL),
               sum(participants_total) FILTER (WHERE participants_women IS NOT NULL),
               sum(participants_youth), count(participants_youth),
               count(*) FILTER (WHERE coalesce(pl.border_area, r.border)),
               count(*) FILTER (WHERE coalesce(pl.border_area, r.border) IS NOT NULL),
               count(*) FILTER (WHERE host_country = 'KG'),
               count(*) FILTER (WHERE host_country = 'TJ')
        FROM acts a LEFT JOIN places pl ON pl.id = a.place_id
        LEFT JOIN regions r ON r.code = a.region_code
        WHERE record_kind = 'activity' GROUP BY ALL ORDER BY ALL""",
    "initiative first date, first disruption": """
        SELECT initiative_id, min(s),
               min(s) FILTER (WHERE status IN ('postponed', 'cancelled', 'suspended',
                                                'downgraded')),
               max(s), count(*)
        FROM acts WHERE initiative_id IS NOT NULL GROUP BY ALL ORDER BY ALL""",
    "actor ties per year": """
        WITH ties AS (
          SELECT year(a.s) AS y, x.actor_id AS p, z.actor_id AS q, count(*) AS w
          FROM activity_actors x JOIN activity_actors z
            ON x.activity_id = z.activity_id AND x.actor_id < z.actor_id
          JOIN acts a ON a.id = x.activity_id GROUP BY ALL)
        SELECT y, count(*) AS edges, sum(w), count(DISTINCT p) + count(DISTINCT q)
        FROM ties GROUP BY y ORDER BY y""",
}


def _fetch(connection, sql: str) -> tuple[list[str], list[tuple]]:
    cursor = connection.cursor()
    cursor.execute(sql)
    names = [d[0] for d in cursor.description]
    return names, cursor.fetchall()


def baseline(open_driver) -> dict[str, float]:
    """Seconds (wall and CPU, DuckDB's threads included) for transfer + SQL and for the SQL
    alone, and the result rows."""
    import duckdb
    import pyarrow as pa

    start, cpu = time.perf_counter(), time.process_time()
    source = open_driver()
    duck = duckdb.connect()
    for name, sql in TABLES.items():
        columns, rows = _fetch(source, sql)
        table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        duck.register(f"{name}_arrow", table)
        duck.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    source.close()
    transfer, transfer_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    duck.execute(SETUP)
    produced = sum(len(duck.execute(sql).fetchall()) for sql in QUERIES.values())
    sql_time, sql_cpu = time.perf_counter() - start, time.process_time() - cpu
    duck.close()
    return {
        "total": transfer + sql_time,
        "total_cpu": transfer_cpu + sql_cpu,
        "sql": sql_time,
        "sql_cpu": sql_cpu,
        "rows": produced,
    }


# what each part of ``analyse all`` is, next to the baseline: the sections whose work the
# DuckDB queries also do (counts by mechanism, exposure, year, status, period, initiative),
# the two that add resampling to such counts, and those no GROUP BY replaces
READING = ("load_dataset", "load_continuity_inputs", "load_units")
COUNTING = (
    "meta",
    "disruption_by_mechanism",
    "sensitivity",
    "held_broken",
    "restart_lags",
    "recovery",
    "at_risk",
    "timeline",
)
RESAMPLING = ("reach", "continuity")  # + 2,000 bootstrap resamples / 2,000 permutations
STATISTICS = ("survival", "run_index", "network_metrics", "analyse_discourse")


def _timed(module, name: str, spent: dict[str, list[float]]):
    """Replace ``module.name`` with a wrapper adding its wall and CPU seconds to spent[name];
    returns the original."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name][0] += time.perf_counter() - start
            spent[name][1] += time.process_time() - cpu

    setattr(module, name, timed)
    return original


def library(engine, with_network: bool) -> dict:
    """Wall and CPU seconds for ``analyse all`` (the fastest of REPEATS runs) and for each of
    its parts in that run, and for the network section alone. Without the network (large
    sizes: exact betweenness grows with actors × ties), ``analyse all`` runs with that one
    section left empty."""
    from lowpolitics.analysis import continuity, dataset, discourse, discourse_units, run_all

    codebook, options = load_codebook(), AnalysisOptions(as_of=AS_OF)
    network = None
    if with_network:
        with session_scope(engine) as session:
            loaded = load_dataset(session)
        start, cpu = time.perf_counter(), time.process_time()
        network_metrics(loaded, codebook, options)
        network = [time.perf_counter() - start, time.process_time() - cpu]
        del loaded
    whole = run_all.network_metrics
    if not with_network:
        run_all.network_metrics = lambda *args, **kwargs: {}
    where = {
        "load_dataset": dataset,
        "load_continuity_inputs": continuity,
        "load_units": discourse_units,
        "analyse_discourse": discourse,
    }
    best = None
    try:
        for _ in range(REPEATS):  # the first run also pays the libraries' imports
            spent = {name: [0.0, 0.0] for name in READING + COUNTING + RESAMPLING + STATISTICS}
            originals = {
                name: (where.get(name, run_all), _timed(where.get(name, run_all), name, spent))
                for name in spent
            }
            try:
                start, cpu = time.perf_counter(), time.process_time()
                analyse_database(engine, codebook, options)
                run = {"total": [time.perf_counter() - start, time.process_time() - cpu]}
            finally:
                for name, (module, original) in originals.items():
                    setattr(module, name, original)
            for group, names in (
                ("read", READING),
                ("counting", COUNTING),
                ("resampling", RESAMPLING),
                ("statistics", STATISTICS),
            ):
                run[group] = [sum(spent[n][i] for n in names) for i in (0, 1)]
            if best is None or run["total"][0] < best["total"][0]:
                best = run
    finally:
        run_all.network_metrics = whole
    best["network"] = network
    return best


def run(label: str, engine, open_driver, n: int) -> None:
    start = time.perf_counter()
    populate(engine, n, n)
    built = time.perf_counter() - start
    with_network = n <= NETWORK_UP_TO
    lib = library(engine, with_network)
    duck = baseline(open_driver)
    print(f"\n{label}: {n:,} activities + {n:,} context events (generated in {built:.1f} s)")
    print(f"{'':<58}{'wall s':>8}{'× DuckDB':>10}{'CPU s':>8}{'× DuckDB':>10}")
    read, counting, resampling, stats = (
        lib["read"],
        lib["counting"],
        lib["resampling"],
        lib["statistics"],
    )
    aggregation = [read[i] + counting[i] for i in (0, 1)]
    rows = [
        (
            "analyse all (library, read included)"
            if with_network
            else "analyse all, network section not run",
            lib["total"],
        ),
        ("  reading the store", read),
        ("  counting sections (the baseline's aggregations)", counting),
        ("  counts + resampling (reach bootstrap, gap permutations)", resampling),
        ("  survival, index, network, discourse (no GROUP BY)", stats),
        ("read + counting sections: against the same SQL", aggregation),
        (
            "read + counting + resampling sections",
            [aggregation[i] + resampling[i] for i in (0, 1)],
        ),
    ]
    if with_network:
        rows.append(("  network section alone (betweenness, communities)", lib["network"]))
    rows += [
        (
            "DuckDB: driver fetch + Arrow + SQL",
            [duck["total"], duck["total_cpu"]],
        ),
        (f"DuckDB: SQL alone ({duck['rows']:,} result rows)", [duck["sql"], duck["sql_cpu"]]),
    ]
    for name, (wall, cpu) in rows:
        line = f"{name:<58}{wall:>8.2f}{wall / duck['total']:>10.1f}"
        if cpu is not None:
            line += f"{cpu:>8.2f}{cpu / duck['total_cpu']:>10.1f}"
        print(line)


def _sqlite(n: int, folder: Path) -> None:
    import sqlite3

    path = folder / f"analyse-{n}.db"
    engine = make_engine(f"sqlite:///{path}")
    run("SQLite", engine, lambda: sqlite3.connect(path), n)
    engine.dispose()


def _postgres(n: int) -> None:
    import psycopg

    name = f"lp_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        run(
            "PostgreSQL",
            engine,
            lambda: psycopg.connect(PG_ADMIN.replace("dbname=test", f"dbname={name}")),
            n,
        )
        engine.dispose()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    args = sys.argv[1:]
    postgres = "--pg" in args or os.environ.get("CI") == "true"
    sizes = [int(a) for a in args if a.isdigit()] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            _sqlite(n, Path(tmp))
            if postgres:
                _postgres(n)


if __name__ == "__main__":
    main()
