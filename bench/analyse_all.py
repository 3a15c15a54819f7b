"""``analyse all`` at real sizes, against the same aggregations written as DuckDB SQL.

For each size (default 10,000 and 100,000 activities, as many context events) a store is
generated (``analyse_data.populate``) on SQLite — and on PostgreSQL too when ``CI=true`` or
``--pg`` — and timed three ways, in the same process on the same tables:

* ``analyse all`` through the library (``run_all.analyse_database``: read the store, every
  analysis, the JSON-ready document), with the reading and the network section (exact
  weighted betweenness per year, which no GROUP BY replaces) also timed apart;
* the baseline: the columns the counts need fetched with the plain driver (``sqlite3`` /
  ``psycopg``) into Arrow tables and the aggregations run in DuckDB — exposure of every
  activity to tension periods (declared, else derived from security events by the default
  rule, merged as gaps and islands), counts by mechanism × exposure × year × status, by
  tension year, per period, status counts by year, reach (participants, women, youth,
  border regions, hosts) per year, first date and first disruption per initiative, actor
  co-participation ties per year;
* the SQL alone (the same queries on tables already in DuckDB).

Above 20,000 activities the network section is left out of the library's run (its exact
weighted betweenness, per year and overall, grows with actors × ties and would take hours):
the figure printed then is ``analyse all`` with that one section empty, and says so.

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
NETWORK_UP_TO = 20_000  # above: the network section is left out (see library())
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


def baseline(open_driver) -> tuple[float, float, int]:
    """Seconds for transfer + SQL, seconds for the SQL alone, result rows."""
    import duckdb
    import pyarrow as pa

    start = time.perf_counter()
    source = open_driver()
    duck = duckdb.connect()
    for name, sql in TABLES.items():
        columns, rows = _fetch(source, sql)
        table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        duck.register(f"{name}_arrow", table)
        duck.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    source.close()
    transfer = time.perf_counter() - start
    start = time.perf_counter()
    duck.execute(SETUP)
    produced = sum(len(duck.execute(sql).fetchall()) for sql in QUERIES.values())
    sql_time = time.perf_counter() - start
    duck.close()
    return transfer + sql_time, sql_time, produced


def library(engine, with_network: bool) -> dict[str, float]:
    """Seconds for ``analyse all``, for reading the store, for the network section. Without
    the network (large sizes: exact betweenness grows with actors × ties), ``analyse all``
    runs with that one section left empty, and its time is not measured."""
    from lowpolitics.analysis import run_all

    codebook, options = load_codebook(), AnalysisOptions(as_of=AS_OF)
    start = time.perf_counter()
    with session_scope(engine) as session:
        dataset = load_dataset(session)
    read = time.perf_counter() - start
    network = None
    if with_network:
        start = time.perf_counter()
        network_metrics(dataset, codebook, options)
        network = time.perf_counter() - start
    whole = run_all.network_metrics
    if not with_network:
        run_all.network_metrics = lambda *args, **kwargs: {}
    try:
        totals = []
        for _ in range(REPEATS):  # the first run also pays the libraries' imports
            start = time.perf_counter()
            analyse_database(engine, codebook, options)
            totals.append(time.perf_counter() - start)
        total = min(totals)
    finally:
        run_all.network_metrics = whole
    return {"total": total, "read": read, "network": network}


def run(label: str, engine, open_driver, n: int) -> None:
    start = time.perf_counter()
    populate(engine, n, n)
    built = time.perf_counter() - start
    with_network = n <= NETWORK_UP_TO
    lib = library(engine, with_network)
    with_transfer, sql_only, produced = baseline(open_driver)
    print(f"\n{label}: {n:,} activities + {n:,} context events (generated in {built:.1f} s)")
    print(f"{'':<46}{'seconds':>9}{'× DuckDB':>10}")
    if with_network:
        rows = [
            ("analyse all (library, read included)", lib["total"]),
            ("  of which: reading the store", lib["read"]),
            ("  of which: network (exact betweenness)", lib["network"]),
            ("analyse all without the network section", lib["total"] - lib["network"]),
        ]
    else:
        rows = [
            ("analyse all, network section not run", lib["total"]),
            ("  of which: reading the store", lib["read"]),
        ]
    rows += [
        ("DuckDB: driver fetch + Arrow + SQL", with_transfer),
        (f"DuckDB: SQL alone ({produced:,} result rows)", sql_only),
    ]
    for name, seconds in rows:
        print(f"{name:<46}{seconds:>9.2f}{seconds / with_transfer:>10.1f}")


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
