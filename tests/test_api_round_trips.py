"""How many statements and transactions a read of the activities API costs, on both
backends: each statement is a round trip to the database server, and on PostgreSQL at
100,000 activities the round trips were much of a request's time (issue 17). Counted
exactly, so that a change that adds one has to say so here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from conftest import write_registry
from lowpolitics.store.importing import import_file
from test_bulk_import import generated_rows


@contextmanager
def counting(engine) -> Iterator[dict[str, list]]:
    """The statements run (SQLite's own ``BEGIN`` left out) and the transactions begun."""
    seen: dict[str, list] = {"statements": [], "begins": []}

    def statement(conn, cursor, sql, *args) -> None:
        if not sql.startswith("BEGIN"):
            seen["statements"].append(sql.split("\n")[0][:80])

    def begin(conn) -> None:
        seen["begins"].append(conn)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)


@pytest.fixture
def api(web, codebook, gazetteer, tmp_path):
    path = write_registry(tmp_path / "reg.csv", generated_rows(120))
    import_file(web.engine, "registry", path, codebook, gazetteer)
    client, headers = web.client(), web.bearer("viewer")
    assert client.get("/api/v1/activities?page=2", headers=headers).status_code == 200  # warm
    return web, client, headers


# token check; the activity's columns; its four relations (one UNION ALL)
ONE_ACTIVITY = 3
# token check; audit generation (the cached total's key); the page's ids; their columns;
# their relations — the total itself comes from the cache filled by the warm-up request
LIST_PAGE = 5
TRANSACTIONS = 2  # the token check's, the handler's


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_list_page_costs_five_statements(api, page):
    web, client, headers = api
    with counting(web.engine) as seen:
        response = client.get(f"/api/v1/activities?page={page}", headers=headers)
    assert response.status_code == 200 and response.json()
    assert len(seen["statements"]) == LIST_PAGE, seen["statements"]
    assert len(seen["begins"]) == TRANSACTIONS


def test_a_page_after_a_cursor_costs_what_a_numbered_page_costs(api):
    """In the default order the page after a cursor is one row-value range scan."""
    web, client, headers = api
    following = client.get("/api/v1/activities?page=1", headers=headers).json()["next"]
    with counting(web.engine) as seen:
        response = client.get(f"/api/v1/activities?after={following}", headers=headers)
    assert response.status_code == 200 and len(response.json()["items"]) == 50
    assert len(seen["statements"]) == LIST_PAGE, seen["statements"]


def test_one_activity_costs_three_statements(api):
    web, client, headers = api
    items = client.get("/api/v1/activities?page=1", headers=headers).json()
    key = _first_key(items)
    with counting(web.engine) as seen:
        response = client.get(f"/api/v1/activities/{key}", headers=headers)
    assert response.status_code == 200 and response.json()["id"] == key
    assert len(seen["statements"]) == ONE_ACTIVITY, seen["statements"]
    assert len(seen["begins"]) == TRANSACTIONS


def _first_key(body) -> str:
    rows = body if isinstance(body, list) else next(v for v in body.values() if isinstance(v, list))
    return rows[0]["id"]
