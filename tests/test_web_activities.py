"""Activities through the API and the pages: CRUD, field errors, concurrency, escaping."""

from __future__ import annotations

from sqlalchemy import select

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry

NEW = {
    "id": "w-1",
    "date": "2023-05",
    "title": "Joint youth camp in Batken",
    "mechanism": "education_youth",
    "mechanisms_secondary": ["societal"],
    "activity_type": None,
    "status": "held",
    "host_country": "KG",
    "partner_country": "TJ",
    "region": "KG-B",
    "actors": ["Batken Youth Centre [KG]"],
    "participants_total": 60,
    "participants_women": 30,
    "source_url": ["https://example.org/camp"],
}


def test_api_create_get_update_delete_with_audit(web):
    client = web.client()
    headers = web.bearer("editor")
    created = client.post("/api/v1/activities", json=NEW, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()["activity"]
    assert body["id"] == "w-1" and body["version"] == 1
    assert body["mechanisms_secondary"] == ["societal"]
    assert body["actors"] == ["Batken Youth Centre [KG]"]
    assert created.headers["location"] == "/api/v1/activities/w-1"

    got = client.get("/api/v1/activities/w-1", headers=web.bearer("viewer")).json()
    assert got["participants_total"] == 60 and got["status_history"][0]["status"] == "held"

    changed = {**NEW, "status": "postponed", "status_reason": "border closed", "version": 1}
    updated = client.put("/api/v1/activities/w-1", json=changed, headers=headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["activity"]["version"] == 2
    assert [h["status"] for h in updated.json()["activity"]["status_history"]] == [
        "held",
        "postponed",
    ]

    stale = client.put("/api/v1/activities/w-1", json={**changed, "title": "x"}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["type"] == "conflict_error"
    assert client.get("/api/v1/activities/w-1", headers=headers).json()["title"] == NEW["title"]

    assert client.delete("/api/v1/activities/w-1?version=1", headers=headers).status_code == 409
    assert client.delete("/api/v1/activities/w-1?version=2", headers=headers).status_code == 204
    assert client.get("/api/v1/activities/w-1", headers=headers).status_code == 404

    with session_scope(web.engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_key == "w-1").order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action) for e in entries] == [
            ("editor", "create"),
            ("editor", "update"),
            ("editor", "delete"),
        ]
        assert entries[1].before["status"] == "held" and entries[1].after["status"] == "postponed"
        assert entries[2].after is None and entries[2].before["title"] == NEW["title"]


def test_api_reports_every_bad_field_in_one_shape(web):
    bad = {**NEW, "date": "2023-13", "mechanism": "sport", "participants_women": 90}
    response = web.client().post("/api/v1/activities", json=bad, headers=web.bearer("editor"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422
    fields = {f["field"] for f in error["fields"]}
    assert {"date", "mechanism", "participants_women"} <= fields
    unknown = web.client().post(
        "/api/v1/activities", json={**NEW, "colour": "red"}, headers=web.bearer("editor")
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "colour"


def test_list_filters_sorts_and_pages(web):
    client = web.client()
    headers = web.bearer("editor")
    for n in range(7):
        row = {**NEW, "id": f"p-{n}", "date": f"202{n % 3}-0{n + 1}", "title": f"Event {n}"}
        if n % 2:
            row["mechanism"] = "institutional"
        assert client.post("/api/v1/activities", json=row, headers=headers).status_code == 201
    page = client.get(
        "/api/v1/activities?mechanism=institutional&sort=-date&per_page=2", headers=headers
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["per_page"] == 2
    dates = [a["date"] for a in page["items"]]
    assert dates == sorted(dates, reverse=True)
    second = client.get(
        "/api/v1/activities?mechanism=institutional&sort=-date&per_page=2&page=2", headers=headers
    ).json()
    assert len(second["items"]) == 1
    found = client.get("/api/v1/activities?q=event 4", headers=headers).json()
    assert [a["id"] for a in found["items"]] == ["p-4"]
    bad = client.get("/api/v1/activities?date_from=soon", headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "date_from"


def test_form_shows_field_errors_and_escapes_titles(web):
    client = web.client("editor")
    form = {"csrf_token": client.csrf, "title": "<script>alert(1)</script> camp"}
    form.update(date="2023-02-30", mechanism="societal", status="held")
    response = client.post("/activities/new", data=form)
    assert response.status_code == 422
    assert 'id="err-date"' in response.text and "nothing was saved" in response.text
    assert "<script>alert(1)</script>" not in response.text
    form.update(date="2023-02-28", id="x-1")
    saved = client.post("/activities/new", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/activities/x-1")
    for url in ("/activities/x-1", "/activities?q=camp"):
        page = client.get(url)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert(1)</script>" not in page.text


def test_form_without_csrf_token_is_refused(web):
    client = web.client("editor")
    form = {"title": "No token", "date": "2023", "mechanism": "societal", "status": "held"}
    assert client.post("/activities/new", data=form).status_code == 403
    headers = {"X-CSRF-Token": "forged"}
    assert client.post("/api/v1/activities", json=NEW, headers=headers).status_code == 403
    assert client.post("/api/v1/activities", json=NEW).status_code == 403
    ok = client.post("/api/v1/activities", json=NEW, headers={"X-CSRF-Token": client.csrf})
    assert ok.status_code == 201


def test_edit_form_refuses_a_stale_version_without_overwriting(web):
    editor = web.client("editor")
    web.client().post("/api/v1/activities", json=NEW, headers=web.bearer("admin"))
    page = editor.get("/activities/w-1/edit")
    assert 'name="version" value="1"' in page.text
    other = {**NEW, "title": "Changed elsewhere", "version": 1}
    web.client().put("/api/v1/activities/w-1", json=other, headers=web.bearer("admin"))
    form = {k: (";".join(v) if isinstance(v, list) else str(v)) for k, v in NEW.items() if v}
    form.update(csrf_token=editor.csrf, version="1", title="My change")
    response = editor.post("/activities/w-1/edit", data=form)
    assert response.status_code == 409
    assert 'name="version" value="2"' in response.text
    stored = web.client().get("/api/v1/activities/w-1", headers=web.bearer("viewer")).json()
    assert stored["title"] == "Changed elsewhere"
