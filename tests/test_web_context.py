"""Context events through the API and the pages: CRUD with audit, every bad field at once,
stale versions refused, filters, sort and pages, and the list's htmx partial."""

from __future__ import annotations

import re

from sqlalchemy import select

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry, ContextEvent

CLASH = {
    "id": "c-1",
    "date": "2022-09-14",
    "end_date": "2022-09-16",
    "kind": "security",
    "severity": 4,
    "fatalities": "36-55",
    "place": "Isfara",
    "summary": "Armed clashes along the border",
    "source_url": ["https://example.org/clash", "https://example.org/clash-2"],
}


def test_api_create_get_update_delete_with_audit(web, gazetteer):
    client = web.client()
    editor = web.bearer("editor")
    created = client.post("/api/v1/context-events", json=CLASH, headers=editor)
    assert created.status_code == 201, created.text
    body = created.json()["event"]
    assert created.headers["location"] == "/api/v1/context-events/c-1"
    assert body["version"] == 1 and body["severity"] == 4
    assert body["fatalities"] == "36-55"
    assert (body["fatalities_low"], body["fatalities_high"]) == (36, 55)
    assert body["source_url"] == CLASH["source_url"]
    assert body["place"] == "Isfara" and body["place_id"] == gazetteer.resolve("Isfara").id
    assert body["region"] == "TJ-SU"  # from the gazetteer place
    assert body["last_day"] == "2022-09-16"

    got = client.get("/api/v1/context-events/c-1", headers=web.bearer("viewer"))
    assert got.status_code == 200 and got.json()["summary"] == CLASH["summary"]

    changed = {**CLASH, "fatalities": 100, "source_url": "https://example.org/a;https://x.org/b"}
    updated = client.put(
        "/api/v1/context-events/c-1", json={**changed, "version": 1}, headers=editor
    )
    assert updated.status_code == 200, updated.text
    event = updated.json()["event"]
    assert event["version"] == 2 and event["fatalities"] == 100
    assert event["source_url"] == ["https://example.org/a", "https://x.org/b"]

    stale = client.put(
        "/api/v1/context-events/c-1", json={**changed, "summary": "x", "version": 1}, headers=editor
    )
    assert stale.status_code == 409 and stale.json()["error"]["type"] == "conflict_error"
    assert (
        client.get("/api/v1/context-events/c-1", headers=editor).json()["summary"]
        == (CLASH["summary"])
    )

    viewer = client.put(
        "/api/v1/context-events/c-1", json={**changed, "version": 2}, headers=web.bearer("viewer")
    )
    assert viewer.status_code == 403

    assert client.delete("/api/v1/context-events/c-1?version=1", headers=editor).status_code == 409
    assert client.delete("/api/v1/context-events/c-1?version=2", headers=editor).status_code == 204
    assert client.get("/api/v1/context-events/c-1", headers=editor).status_code == 404

    with session_scope(web.engine) as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "context_event", AuditEntry.entity_key == "c-1")
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["create", "update", "delete"]
        assert (
            entries[1].before["fatalities"] == "36-55" and entries[1].after["fatalities"] == "100"
        )
        assert entries[2].after is None


def test_api_reports_every_bad_field(web):
    bad = {
        "date": "2022-02-30",
        "kind": "weather",
        "severity": 99,
        "fatalities": "many",
        "source_url": ["ftp://nope"],
    }
    response = web.client().post("/api/v1/context-events", json=bad, headers=web.bearer("editor"))
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert {"date", "kind", "severity", "fatalities", "source_url"} <= fields
    period = {"date": "2021-04", "kind": "tension_period"}  # a period needs its end
    response = web.client().post(
        "/api/v1/context-events", json=period, headers=web.bearer("editor")
    )
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["end_date"]
    unknown = web.client().post(
        "/api/v1/context-events", json={**CLASH, "colour": "red"}, headers=web.bearer("editor")
    )
    assert unknown.status_code == 422
    with session_scope(web.engine) as session:
        assert session.scalars(select(ContextEvent)).first() is None


def test_list_filters_sorts_and_pages(web):
    client = web.client()
    editor = web.bearer("editor")
    rows = [
        {"id": "e-1", "date": "2021-04-28", "kind": "security", "region": "KG-B"},
        {"id": "e-2", "date": "2021-04", "end_date": "2021-06", "kind": "tension_period"},
        {"id": "e-3", "date": "2022-09-14", "kind": "security", "summary": "Vorukh clash"},
        {"id": "e-4", "date": "2023-03-10", "kind": "political", "summary": "Summit"},
        {"id": "e-5", "date": "2024", "kind": "economic"},
    ]
    for row in rows:
        assert client.post("/api/v1/context-events", json=row, headers=editor).status_code == 201
    found = client.get("/api/v1/context-events?kind=security&sort=-date", headers=editor).json()
    assert [e["id"] for e in found["items"]] == ["e-3", "e-1"]
    span = client.get(
        "/api/v1/context-events?date_from=2021-05&date_to=2022", headers=editor
    ).json()
    assert [e["id"] for e in span["items"]] == ["e-2", "e-3"]  # e-2 runs until June 2021
    assert [
        e["id"]
        for e in client.get("/api/v1/context-events?region=kg-b", headers=editor).json()["items"]
    ] == ["e-1"]
    assert [
        e["id"]
        for e in client.get("/api/v1/context-events?q=vorukh", headers=editor).json()["items"]
    ] == ["e-3"]
    paged = client.get("/api/v1/context-events?per_page=2&page=3", headers=editor).json()
    assert paged["total"] == 5 and [e["id"] for e in paged["items"]] == ["e-5"]
    bad = client.get("/api/v1/context-events?sort=colour", headers=editor)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "sort"

    viewer = web.client("viewer")
    page = viewer.get("/context?kind=security")
    assert page.status_code == 200
    assert "/context/e-1" in page.text and "/context/e-3" in page.text
    assert "/context/e-4" not in page.text
    assert "/context/new" not in page.text  # viewers get no add button
    partial = viewer.get(
        "/context?q=summit", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<html" not in partial.text and "/context/e-4" in partial.text
    assert "/context/e-3" not in partial.text


def test_forms_field_errors_create_edit_conflict_delete(web):
    editor = web.client("editor")
    assert editor.get("/context/new").status_code == 200
    form = {"csrf_token": editor.csrf, "date": "2022-13-01", "kind": "security"}
    form.update(severity="9", summary="<script>alert(1)</script> clash", fatalities="a lot")
    response = editor.post("/context/new", data=form)
    assert response.status_code == 422
    for name in ("date", "severity", "fatalities"):
        assert f'id="err-{name}"' in response.text
    assert "nothing was saved" in response.text
    assert "<script>alert(1)</script>" not in response.text

    form.update(date="2022-09-14", severity="3", fatalities="12", id="f-1")
    saved = editor.post("/context/new", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/context/f-1?saved=1"
    page = editor.get("/context/f-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; clash" in page.text
    assert 'name="version" value="1"' in page.text

    again = editor.post("/context/new", data=form)
    assert again.status_code == 409 and "already exists" in again.text

    edit = editor.get("/context/f-1/edit")
    assert 'name="version" value="1"' in edit.text and 'value="12"' in edit.text
    web.client().put(
        "/api/v1/context-events/f-1",
        json={"date": "2022-09-14", "kind": "security", "summary": "elsewhere", "version": 1},
        headers=web.bearer("admin"),
    )
    form.pop("id")
    stale = editor.post("/context/f-1/edit", data={**form, "version": "1", "summary": "mine"})
    assert stale.status_code == 409 and 'name="version" value="2"' in stale.text
    stored = web.client().get("/api/v1/context-events/f-1", headers=web.bearer("viewer")).json()
    assert stored["summary"] == "elsewhere"

    fresh = editor.post(
        "/context/f-1/edit",
        data={**form, "version": "2", "summary": "mine"},
        follow_redirects=False,
    )
    assert fresh.status_code == 303
    deleted = editor.post(
        "/context/f-1/delete",
        data={"csrf_token": editor.csrf, "version": "3"},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and deleted.headers["location"] == "/context?deleted=f-1"
    assert editor.get("/context/f-1").status_code == 404


def test_viewer_cannot_open_forms_and_detail_shows_sources(web):
    web.client().post("/api/v1/context-events", json=CLASH, headers=web.bearer("editor"))
    viewer = web.client("viewer")
    assert viewer.get("/context/new").status_code == 403
    assert viewer.get("/context/c-1/edit").status_code == 403
    page = viewer.get("/context/c-1")
    assert page.status_code == 200
    assert "https://example.org/clash-2" in page.text
    assert re.search(r'href="/places/tj_[a-z_]+"', page.text)  # linked to its gazetteer place
    assert "/context/c-1/edit" not in page.text
