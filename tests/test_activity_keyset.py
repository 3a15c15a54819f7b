"""Keyset paging of the activities list (issue 17): walking the list by cursors gives exactly
the pages by number, on every sort (SQL and Python paths) and filter, on SQLite and
PostgreSQL; a bad cursor is a 422 naming ``after``; and page 50 by cursor makes the database
read about as many rows as page 1, where page 50 by number reads every row before it."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from sqlalchemy import event, text

from conftest import registry_row, write_registry
from lowpolitics.framework.errors import InputError
from lowpolitics.store.activity_reading import read_activities
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.web.activity_views import activity_page, find_activity_ids
from lowpolitics.web.cursors import decode_cursor, encode_cursor

DATES = ["2021-04", "2021", "2021-04-30", "2021-05-02", "2020-12", "2022-01-10", "2021-03-31"]
TITLES = ["Ärt", "art", "Zoo", "éclat", "Art"]
SORTS = ["date", "title", "mechanism", "status", "region", "participants", "id"]


def _ids(session, ids):
    return list(ids)


def _rows(n: int, dates=DATES) -> list[dict[str, str]]:
    return [
        registry_row(
            id=f"k-{i:04d}", date=d, title=TITLES[i % 5] + f" {i % 3}",
            mechanism=["societal", "institutional", "discursive"][i % 3],
            status=["held", "planned", "cancelled", "postponed"][i % 4],
            host_country="KG", partner_country="TJ", region=["KG-B", "TJ-SU", ""][i % 3],
            participants_total=str(i % 7) if i % 2 else "", source_url="https://example.org/x",
        )
        for i, d in zip(range(n), itertools.cycle(dates))
    ]  # fmt: skip


@pytest.fixture
def listed(engine, tmp_path, codebook, gazetteer):
    path = write_registry(tmp_path / "r.csv", _rows(40))
    import_file(engine, "registry", path, codebook=codebook, gazetteer=gazetteer)
    return engine


def _walk(session, per_page: int, **filters) -> list[int]:
    """Every id of the list, page after page by cursor."""
    seen: list[int] = []
    page = activity_page(session, 1, per_page, load=_ids, **filters)
    while True:
        seen += page.items
        assert len(page.items) <= per_page
        if page.next is None:
            return seen
        page = activity_page(session, 1, per_page, load=_ids, after=page.next, **filters)
        assert page.number == 0  # a page found by cursor has no number


def test_walking_by_cursor_gives_the_pages_by_number(listed):
    filters = [{}, {"mechanism": "societal"}, {"region": "kg-b", "date_to": "2021-04"}]
    free = [{"q": "art"}, {"q": "ÄRT", "status": "held"}]
    with session_scope(listed) as session:
        for flt, sort in itertools.product(filters + free, SORTS):
            for way in (sort, f"-{sort}"):
                expected = find_activity_ids(session, sort=way, **flt)
                assert _walk(session, 7, sort=way, **flt) == expected, (flt, way)
                numbered = []
                for number in range(1, len(expected) // 7 + 2):
                    numbered += activity_page(session, number, 7, load=_ids, sort=way, **flt).items
                assert numbered == expected, (flt, way)


def test_a_page_by_number_gives_the_cursor_of_the_next(listed):
    with session_scope(listed) as session:
        expected = find_activity_ids(session, sort="-participants")
        third = activity_page(session, 3, 5, load=_ids, sort="-participants")
        after = activity_page(session, 1, 5, load=_ids, sort="-participants", after=third.next)
        assert after.items == expected[15:20]
        last = activity_page(session, 8, 5, load=_ids, sort="-participants")
        assert last.items == expected[35:40] and last.next is None


def test_cursors_are_checked():
    token = encode_cursor("-region", ["KG-B", date(2021, 4, 1), "k-1"])
    assert decode_cursor(token, "-region", (str, date, str)) == ("KG-B", date(2021, 4, 1), "k-1")
    for token, kinds, message in [
        ("not a cursor!", (str,), "is not a cursor this list gave"),
        ("W10", (str,), "is not a cursor this list gave"),  # [] in base64
        (encode_cursor("date", ["2021-04-01"]), (date, str), "is not a cursor"),  # one value
        (encode_cursor("date", [1, "k"]), (date, str), "is not a cursor"),  # a count for a date
        (encode_cursor("date", ["2021-14-01", "k"]), (date, str), "is not a cursor"),
        (encode_cursor("-date", ["2021-04-01", "k"]), (date, str), "made for sort=-date, not"),
    ]:
        with pytest.raises(InputError, match=message) as caught:
            decode_cursor(token, "date", kinds)
        assert caught.value.errors[0].column == "after"


def test_the_api_pages_by_cursor_and_refuses_bad_ones(listed, web):
    client, auth = web.client(), web.bearer("viewer")
    first = client.get("/api/v1/activities?per_page=3&sort=-date", headers=auth).json()
    assert first["page"] == 1 and first["next"]
    second = client.get(
        f"/api/v1/activities?per_page=3&sort=-date&after={first['next']}", headers=auth
    ).json()
    by_number = client.get("/api/v1/activities?per_page=3&sort=-date&page=2", headers=auth)
    assert second["items"] == by_number.json()["items"] and second["page"] is None
    assert second["total"] == first["total"]
    for query, message in [
        ("after=garbage", "'after' is not a cursor this list gave"),
        (f"sort=date&after={first['next']}", "'after' was made for sort=-date, not sort=date"),
        (f"sort=-date&page=2&after={first['next']}", "give one of them, not both"),
    ]:
        refused = client.get(f"/api/v1/activities?{query}", headers=auth)
        assert refused.status_code == 422, query
        error = refused.json()["error"]
        assert message in error["message"] and error["fields"][0]["field"] == "after", error
    listing = web.app.openapi()["paths"]["/api/v1/activities"]["get"]
    assert "after" in {p["name"] for p in listing["parameters"]}


# ----------------------------------------------------------------- what the database reads


class Reads:
    """What the database does for the statements run inside ``watch()``: on PostgreSQL the
    rows every scan node produced (EXPLAIN ANALYZE of the same statements: an OFFSET's
    skipped rows are produced by the scan and thrown away by the Limit); on SQLite, which
    counts no rows per plan node, its virtual machine's steps (a progress handler called on
    every instruction), which grow with every row it visits the same way."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def count(self, session, fn) -> int:
        connection = session.connection()
        if self.engine.dialect.name == "sqlite":
            steps = [0]

            def step() -> int:
                steps[0] += 1
                return 0

            raw = connection.connection.dbapi_connection
            raw.set_progress_handler(step, 1)
            try:
                fn()
            finally:
                raw.set_progress_handler(None, 1)
            return steps[0]
        self.statements = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                self.statements.append((statement, parameters))

        event.listen(self.engine, "before_cursor_execute", keep)
        try:
            fn()
        finally:
            event.remove(self.engine, "before_cursor_execute", keep)
        cursor = connection.connection.dbapi_connection.cursor()
        rows = 0
        for statement, parameters in self.statements:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            rows += _scanned(plan[0]["Plan"])
        return rows


def _scanned(node: dict) -> int:
    own = node["Actual Rows"] * node["Actual Loops"] if "Relation Name" in node else 0
    return own + sum(_scanned(child) for child in node.get("Plans", []))


def test_page_50_by_cursor_reads_what_page_1_reads(engine, tmp_path, codebook, gazetteer):
    """3,000 activities, pages of 50 with their relations as the API reads them (the total
    given, as the API keeps it counted): page 50 after a cursor costs the database within 10 %
    of page 1, on every SQL sort; page 50 by number costs at least the 2,450 rows it skips
    more (the check that the measure sees what OFFSET walks past)."""
    dates = [f"20{10 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(97)]
    path = write_registry(tmp_path / "r.csv", _rows(3000, dates))
    import_file(engine, "registry", path, codebook=codebook, gazetteer=gazetteer)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # what an import of 10,000 rows or more does itself
            conn.execute(text("ANALYZE"))
    reads = Reads(engine)
    counted = {}
    with session_scope(engine) as session:
        for sort in ("date", "-date", "mechanism", "-status", "region", "-participants", "id"):

            def page(number: int, after: str | None = None, sort=sort):
                return activity_page(
                    session,
                    number,
                    50,
                    load=read_activities,
                    total_of=lambda filters: 3000,
                    sort=sort,
                    after=after,
                )

            cursor = page(49).next  # the cursor that page 49's answer gave
            first = reads.count(session, lambda: page(1))
            by_cursor = reads.count(session, lambda c=cursor: page(1, c))
            by_number = reads.count(session, lambda: page(50))
            counted[sort] = (first, by_cursor, by_number)
            assert page(1, cursor).items == page(50).items, sort
    skipped = 49 * 50
    for sort, (first, by_cursor, by_number) in counted.items():
        assert by_cursor <= 1.1 * first, (sort, counted)
        # at least one row (PostgreSQL) or one instruction (SQLite) per row OFFSET walks past
        assert by_number >= first + skipped, (sort, counted)
