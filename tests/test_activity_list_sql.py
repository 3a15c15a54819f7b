"""The activities list filtered, counted, sorted and paged in the database gives exactly what
the Python path gives — every sort but title, every filter, month- and year-dated rows around
the date bounds — on SQLite and PostgreSQL."""

import itertools

from sqlalchemy import event

from conftest import registry_row, write_registry
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.web.activity_views import activity_page_sql, find_activity_ids

DATES = ["2021-04", "2021", "2021-04-30", "2021-05-02", "2020-12", "2022-01-10", "2021-03-31"]
ENDS = ["", "", "2021-05", "", "2021-04-29", "", ""]


def test_sql_page_equals_python_order(engine, tmp_path, codebook, gazetteer):
    rows = []
    for i, (d, e) in enumerate(
        itertools.islice(itertools.cycle(zip(DATES, ENDS, strict=True)), 42)
    ):
        rows.append(
            registry_row(
                id=f"s-{i:02d}", date=d, end_date=e, title=f"Activity {i % 5}",
                mechanism=["societal", "institutional", "discursive"][i % 3],
                status=["held", "planned", "cancelled", "postponed"][i % 4],
                host_country="KG", partner_country="TJ",
                region=["KG-B", "TJ-SU", ""][i % 3],
                participants_total=str(i % 7) if i % 2 else "",
                source_url="https://example.org/x",
            )
        )  # fmt: skip
    path = write_registry(tmp_path / "r.csv", rows)
    import_file(engine, "registry", path, codebook=codebook, gazetteer=gazetteer)
    filters = [
        {},
        {"mechanism": "societal"},
        {"status": "held", "region": "kg-b"},
        {"date_from": "2021-04-30"},
        {"date_from": "2021-05", "date_to": "2021-12"},
        {"date_to": "2021-04"},
    ]
    sorts = ["date", "-date", "mechanism", "status", "-region", "participants", "id"]
    with session_scope(engine) as session:
        for flt, sort in itertools.product(filters, sorts):
            expected = find_activity_ids(session, sort=sort, **flt)
            for page in (1, 2, 3):
                ids, total = activity_page_sql(session, page, 10, sort=sort, **flt)
                assert total == len(expected), (flt, sort)
                assert ids == expected[(page - 1) * 10 : page * 10], (flt, sort, page)


def test_date_order_pages_from_the_index(engine, tmp_path, codebook, gazetteer):
    """The default order (date, then id), both ways, is read from ix_activities_date_order:
    no sort of the table and, on SQLite, no table lookup per row skipped — what made a page
    deep in 100,000 activities take 0.1–0.3 s (bench/api_open_loop.py)."""
    rows = [
        registry_row(
            id=f"o-{i:02d}",
            date=f"2021-0{1 + i % 9}-1{i % 10}",
            title=f"Activity {i}",
            mechanism="societal",
            status="held",
            host_country="KG",
            partner_country="TJ",
            source_url="https://example.org/x",
        )
        for i in range(30)
    ]
    path = write_registry(tmp_path / "r.csv", rows)
    import_file(engine, "registry", path, codebook=codebook, gazetteer=gazetteer)
    for sort in ("date", "-date"):
        seen = []

        def keep(conn, cursor, statement, parameters, context, executemany, seen=seen):
            if "ORDER BY" in statement:
                seen.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", keep)
        try:
            with session_scope(engine) as session:
                activity_page_sql(session, 3, 10, sort=sort)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        ((statement, parameters),) = seen
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                plan = " ".join(
                    str(r[-1])
                    for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
                assert "COVERING INDEX ix_activities_date_order" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
            else:  # too few rows for the planner to prefer the index by cost: forbid the rest
                conn.exec_driver_sql("SET enable_seqscan = off")
                conn.exec_driver_sql("SET enable_bitmapscan = off")
                plan = " ".join(
                    r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                )
                assert "ix_activities_date_order" in plan, plan
                assert "Sort" not in plan, (statement, plan)
