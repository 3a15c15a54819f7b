"""Actors, initiatives, instruments with commitments, and bodies through the API and pages:
CRUD with audit entries, stale versions, field errors, refusals, and what the pages flag."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import select

from lowpolitics.analysis.continuity import continuity, load_continuity_inputs
from lowpolitics.analysis.dataset import load_dataset
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry

ACTOR = {"name": "Batken Youth Centre", "country": "KG", "type": "youth_group", "notes": "NGO"}
INSTRUMENT = {
    "key": "prog-2025",
    "title": "Programme of cultural cooperation 2025–2027",
    "kind": "programme",
    "signed_on": "2025-07-08",
    "status": "signed",
    "parties": ["Ministry of Culture of Kyrgyzstan [KG]", "Ministry of Culture of Tajikistan [TJ]"],
}


CREATE_UPDATE_DELETE = [("editor", "create"), ("editor", "update"), ("editor", "delete")]


def activity(key: str, date: str, **extra) -> dict:
    row = {
        "id": key,
        "date": date,
        "title": f"Activity {key}",
        "mechanism": "institutional",
        "status": "held",
        "host_country": "KG",
        "partner_country": "TJ",
        "source_url": ["https://example.org/" + key],
    }
    row.update(extra)
    return row


def audit(engine, entity: str, key: str) -> list[AuditEntry]:
    with session_scope(engine) as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_key == key)
        return list(session.scalars(query.order_by(AuditEntry.id)))


def fields(response) -> set[str]:
    return {f["field"] for f in response.json()["error"]["fields"]}


# --- actors --------------------------------------------------------------------------------


def test_actor_api_create_get_list_update_delete_with_audit(web):
    client, editor = web.client(), web.bearer("editor")
    created = client.post("/api/v1/actors", json=ACTOR, headers=editor)
    assert created.status_code == 201, created.text
    body = created.json()
    actor_id = body["id"]
    assert created.headers["location"] == f"/api/v1/actors/{actor_id}"
    assert (body["name"], body["country"], body["type"], body["version"]) == (
        "Batken Youth Centre",
        "KG",
        "youth_group",
        1,
    )
    assert body["group"] == web.app.state.ctx.codebook.actor_group_of("youth_group")
    assert body["activities"] == 0

    got = client.get(f"/api/v1/actors/{actor_id}", headers=web.bearer("viewer")).json()
    assert got == body
    listed = client.get("/api/v1/actors?country=kg&type=youth_group", headers=editor).json()
    assert [a["id"] for a in listed["items"]] == [actor_id] and listed["total"] == 1

    changed = {**ACTOR, "type": "cso", "notes": "registered 2019", "version": 1}
    updated = client.put(f"/api/v1/actors/{actor_id}", json=changed, headers=editor)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2 and updated.json()["type"] == "cso"

    stale = client.put(f"/api/v1/actors/{actor_id}", json={**changed, "notes": "x"}, headers=editor)
    assert stale.status_code == 409
    assert stale.json()["error"]["type"] == "conflict_error"
    assert client.get(f"/api/v1/actors/{actor_id}", headers=editor).json()["notes"] == (
        "registered 2019"
    )

    assert client.delete(f"/api/v1/actors/{actor_id}?version=1", headers=editor).status_code == 409
    assert client.delete(f"/api/v1/actors/{actor_id}?version=2", headers=editor).status_code == 204
    assert client.get(f"/api/v1/actors/{actor_id}", headers=editor).status_code == 404

    entries = audit(web.engine, "actor", str(actor_id))
    assert [(e.actor, e.action) for e in entries] == CREATE_UPDATE_DELETE
    assert entries[0].before is None and entries[0].after["name"] == "Batken Youth Centre"
    assert entries[1].before["type"] == "youth_group" and entries[1].after["type"] == "cso"
    assert entries[2].before["notes"] == "registered 2019" and entries[2].after is None


def test_actor_field_errors_come_back_in_the_one_shape(web):
    client, editor = web.client(), web.bearer("editor")
    bad = {**ACTOR, "type": "wizard", "country": "XX"}
    response = client.post("/api/v1/actors", json=bad, headers=editor)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and error["type"] == "input_error"
    by_field = {f["field"]: f for f in error["fields"]}
    assert set(by_field) == {"type", "country"}
    assert by_field["type"]["value"] == "wizard" and "ministry" in by_field["type"]["expected"]
    missing = client.post("/api/v1/actors", json={"country": "KG"}, headers=editor)
    assert missing.status_code == 422 and fields(missing) == {"name"}
    assert client.post("/api/v1/actors", json=ACTOR, headers=editor).status_code == 201
    again = client.post("/api/v1/actors", json={**ACTOR, "type": None}, headers=editor)
    assert again.status_code == 409 and "already exists" in again.json()["error"]["message"]


def test_an_actor_named_by_activities_cannot_be_deleted(web):
    client, editor = web.client(), web.bearer("editor")
    for key in ("a-1", "a-2"):
        row = activity(key, "2023-05", actors=["Batken Youth Centre [KG]", "UNICEF [INT]"])
        assert client.post("/api/v1/activities", json=row, headers=editor).status_code == 201
    found = client.get("/api/v1/actors?q=batken", headers=editor).json()["items"]
    assert len(found) == 1 and found[0]["activities"] == 2
    actor_id = found[0]["id"]

    refused = client.delete(f"/api/v1/actors/{actor_id}?version=1", headers=editor)
    assert refused.status_code == 409
    assert "used by 2 activities;" in refused.json()["error"]["message"]
    party = {**INSTRUMENT, "parties": ["Batken Youth Centre [KG]"]}
    assert client.post("/api/v1/instruments", json=party, headers=editor).status_code == 201
    refused = client.delete(f"/api/v1/actors/{actor_id}?version=1", headers=editor)
    assert "used by 2 activities and 1 instrument (as a party)" in refused.text

    page_client = web.client("editor")
    page = page_client.get(f"/actors/{actor_id}")
    assert "Activity a-1" in page.text and "Activity a-2" in page.text
    assert f'action="/actors/{actor_id}/delete"' not in page.text  # no button that must fail
    form = {"csrf_token": page_client.csrf, "version": "1"}
    refused_page = page_client.post(f"/actors/{actor_id}/delete", data=form)
    assert refused_page.status_code == 409 and "used by 2 activities" in refused_page.text
    assert client.get(f"/api/v1/actors/{actor_id}", headers=editor).status_code == 200
    assert audit(web.engine, "actor", str(actor_id)) == []  # created by the import path


def test_actor_list_filters_sorts_and_pages(web):
    client, editor = web.client(), web.bearer("editor")
    for n, country in enumerate(["KG", "TJ", "KG", "TJ", "KG"]):
        actor = {"name": f"Theatre {n}", "country": country, "type": "cultural_institution"}
        assert client.post("/api/v1/actors", json=actor, headers=editor).status_code == 201
    page = client.get("/api/v1/actors?country=KG&sort=-name&per_page=2", headers=editor).json()
    assert page["total"] == 3 and [a["name"] for a in page["items"]] == ["Theatre 4", "Theatre 2"]
    second = client.get("/api/v1/actors?country=KG&sort=-name&per_page=2&page=2", headers=editor)
    assert [a["name"] for a in second.json()["items"]] == ["Theatre 0"]
    bad = client.get("/api/v1/actors?sort=colour", headers=editor)
    assert bad.status_code == 422 and fields(bad) == {"sort"}

    viewer = web.client("viewer")
    html = viewer.get("/actors?country=TJ&sort=name").text
    assert "Theatre 1" in html and "Theatre 3" in html and "Theatre 0" not in html
    partial = viewer.get(
        "/actors?q=theatre 3", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<html" not in partial.text and "Theatre 3" in partial.text
    assert "Theatre 1" not in partial.text


def test_actor_forms_errors_csrf_and_roles(web):
    client = web.client("editor")
    form = {"csrf_token": client.csrf, "name": "<b>Isfara</b> women's council", "country": "TJ"}
    bad = client.post("/actors/new", data={**form, "type": "wizard"})
    assert bad.status_code == 422
    assert 'id="err-type"' in bad.text and "nothing was saved" in bad.text
    assert "<b>Isfara</b>" not in bad.text  # escaped when shown back
    no_token = client.post("/actors/new", data={k: v for k, v in form.items() if k != "csrf_token"})
    assert no_token.status_code == 403
    saved = client.post(
        "/actors/new", data={**form, "type": "womens_group"}, follow_redirects=False
    )
    assert saved.status_code == 303
    actor_id = int(re.search(r"/actors/(\d+)", saved.headers["location"]).group(1))
    page = client.get(f"/actors/{actor_id}")
    assert "&lt;b&gt;Isfara&lt;/b&gt;" in page.text
    assert str(escape(web.app.state.ctx.codebook.label("actor_types", "womens_group"))) in page.text

    edit = client.get(f"/actors/{actor_id}/edit")
    assert 'name="version" value="1"' in edit.text
    changed = {**form, "type": "cso", "version": "1"}
    assert client.post(f"/actors/{actor_id}/edit", data=changed).status_code == 200  # redirected
    stale = client.post(f"/actors/{actor_id}/edit", data={**changed, "notes": "late"})
    assert stale.status_code == 409 and 'name="version" value="2"' in stale.text

    viewer = web.client("viewer")
    refused = viewer.post("/actors/new", data={**form, "csrf_token": viewer.csrf})
    assert refused.status_code == 403
    api = web.client().post("/api/v1/actors", json=ACTOR, headers=web.bearer("viewer"))
    assert api.status_code == 403
    coder = web.client().delete(f"/api/v1/actors/{actor_id}", headers=web.bearer("coder"))
    assert coder.status_code == 403


# --- instruments and commitments -----------------------------------------------------------


def test_instrument_api_with_commitments_and_audit(web):
    client, editor = web.client(), web.bearer("editor")
    created = client.post("/api/v1/instruments", json=INSTRUMENT, headers=editor)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/instruments/prog-2025"
    body = created.json()
    assert body["parties"] == INSTRUMENT["parties"] and body["commitments"] == []
    assert body["signed_on"] == "2025-07-08" and body["version"] == 1

    days = client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "days", "title": "Reciprocal Days of Culture", "mechanism": "institutional"},
        headers=editor,
    )
    assert days.status_code == 201, days.text
    days_id = days.json()["id"]
    assert days.headers["location"] == f"/api/v1/commitments/{days_id}"
    assert days.json()["no_activity"] is True and days.json()["initiatives"] == []
    heritage = client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "heritage", "title": "Heritage"},
        headers=editor,
    ).json()
    twice = client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "days", "title": "Again"},
        headers=editor,
    )
    assert twice.status_code == 409

    got = client.get("/api/v1/instruments/prog-2025", headers=web.bearer("viewer")).json()
    assert [c["code"] for c in got["commitments"]] == ["days", "heritage"]

    update = {**INSTRUMENT, "status": "in_force", "in_force_on": "2025-09-01", "version": 1}
    update["parties"] = "Ministry of Culture of Kyrgyzstan [KG]"
    updated = client.put("/api/v1/instruments/prog-2025", json=update, headers=editor)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    assert updated.json()["parties"] == ["Ministry of Culture of Kyrgyzstan [KG]"]
    stale = client.put("/api/v1/instruments/prog-2025", json=update, headers=editor)
    assert stale.status_code == 409
    renamed = client.put(
        "/api/v1/instruments/prog-2025",
        json={**update, "key": "other", "version": 2},
        headers=editor,
    )
    assert renamed.status_code == 422 and fields(renamed) == {"key"}

    changed = {"code": "heritage", "title": "Documenting shared heritage", "version": 1}
    ok = client.put(f"/api/v1/commitments/{heritage['id']}", json=changed, headers=editor)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    again = client.put(f"/api/v1/commitments/{heritage['id']}", json=changed, headers=editor)
    assert again.status_code == 409
    gone = client.delete(f"/api/v1/commitments/{heritage['id']}?version=2", headers=editor)
    assert gone.status_code == 204
    left = client.get("/api/v1/instruments/prog-2025", headers=editor).json()["commitments"]
    assert [c["code"] for c in left] == ["days"]

    commitment_log = audit(web.engine, "commitment", str(heritage["id"]))
    assert [(e.actor, e.action) for e in commitment_log] == CREATE_UPDATE_DELETE
    assert commitment_log[1].before["title"] == "Heritage"
    assert commitment_log[1].after["title"] == "Documenting shared heritage"
    assert commitment_log[2].before["instrument"] == "prog-2025"

    tag = client.get("/api/v1/instruments/prog-2025", headers=editor).headers["etag"]
    gone = client.delete("/api/v1/instruments/prog-2025", headers={**editor, "If-Match": tag})
    assert gone.status_code == 204
    assert client.get(f"/api/v1/commitments/{days_id}", headers=editor).status_code == 404
    log = audit(web.engine, "instrument", "prog-2025")
    assert [(e.actor, e.action) for e in log] == CREATE_UPDATE_DELETE
    assert log[1].before["status"] == "signed" and log[1].after["status"] == "in_force"
    assert log[1].before["parties"] == INSTRUMENT["parties"]
    assert [c["code"] for c in log[2].before["commitments"]] == ["days"]
    new_actor = client.get("/api/v1/actors?q=Tajikistan", headers=editor).json()["items"][0]
    assert audit(web.engine, "actor", str(new_actor["id"]))[0].action == "create"


def test_instrument_field_errors_name_the_field(web):
    client, editor = web.client(), web.bearer("editor")
    bad = {
        **INSTRUMENT,
        "signed_on": "2025-02-30",
        "expires_on": "2030",
        "status": "forgotten",
        "parties": ["Ministry of Culture"],
    }
    response = client.post("/api/v1/instruments", json=bad, headers=editor)
    assert response.status_code == 422
    by_field = {f["field"]: f for f in response.json()["error"]["fields"]}
    assert set(by_field) == {"signed_on", "expires_on", "status", "parties"}
    assert by_field["signed_on"]["value"] == "2025-02-30"
    assert by_field["signed_on"]["expected"] == "a real date as YYYY-MM-DD"
    assert "Name [CC]" in by_field["parties"]["expected"]
    reserved = client.post("/api/v1/instruments", json={**INSTRUMENT, "key": "new"}, headers=editor)
    assert reserved.status_code == 422 and fields(reserved) == {"key"}
    commitment = client.post(
        "/api/v1/instruments/none/commitments", json={"code": "x", "title": "y"}, headers=editor
    )
    assert commitment.status_code == 404


def test_instrument_page_flags_a_commitment_with_no_activity(web):
    client, editor = web.client(), web.bearer("editor")
    client.post("/api/v1/instruments", json=INSTRUMENT, headers=editor)
    for code, title in (("days", "Reciprocal Days of Culture"), ("heritage", "Shared heritage")):
        item = {"code": code, "title": title}
        client.post("/api/v1/instruments/prog-2025/commitments", json=item, headers=editor)
    for key, status in (("d-1", "held"), ("d-2", "cancelled")):
        row = activity(key, "2025-09", initiative="Days of Culture", status=status)
        assert client.post("/api/v1/activities", json=row, headers=editor).status_code == 201
    initiative = client.get("/api/v1/initiatives?q=days", headers=editor).json()["items"][0]
    link = {
        "name": "Days of Culture",
        "instrument": "prog-2025",
        "commitment": "days",
        "version": initiative["version"],
    }
    linked = client.put(f"/api/v1/initiatives/{initiative['id']}", json=link, headers=editor)
    assert linked.status_code == 200, linked.text

    got = client.get("/api/v1/instruments/prog-2025", headers=editor).json()
    by_code = {c["code"]: c for c in got["commitments"]}
    assert (by_code["days"]["activities"], by_code["days"]["held"]) == (2, 1)
    assert by_code["days"]["no_activity"] is False and by_code["heritage"]["no_activity"] is True
    assert by_code["days"]["initiatives"] == ["Days of Culture"]

    page = web.client("viewer").get("/instruments/prog-2025").text
    section = r'<section class="card commitment( flagged)?" id="commitment-\d+">\s*<h3><code>(\w+)'
    found = re.findall(section, page)
    assert {code: flag for flag, code in found} == {"days": "", "heritage": " flagged"}
    assert "No held activity implements this commitment: no initiative is linked to it." in page
    assert "Commitments with no held activity:" in page and "<code>heritage</code>" in page
    assert "Activity d-1" in page and "Activity d-2" in page
    listing = web.client("viewer").get("/instruments").text
    assert re.search(r"prog-2025.*?<strong[^>]*>1</strong>", listing, re.S)
    idle = client.get("/api/v1/instruments?sort=-idle", headers=editor).json()["items"]
    assert idle[0]["key"] == "prog-2025"


def test_instrument_and_commitment_forms(web):
    client = web.client("editor")
    form = {"csrf_token": client.csrf, "key": "mou-2021", "title": "Memorandum on culture"}
    bad = client.post("/instruments/new", data={**form, "signed_on": "2021-13-01"})
    assert bad.status_code == 422 and 'id="err-signed_on"' in bad.text
    no_token = {k: v for k, v in form.items() if k != "csrf_token"}
    assert client.post("/instruments/new", data=no_token).status_code == 403
    saved = client.post(
        "/instruments/new",
        data={**form, "signed_on": "2021-05-10", "parties": "UNESCO [INT]"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith(
        "/instruments/mou-2021"
    )
    stored = web.client().get("/api/v1/instruments/mou-2021", headers=web.bearer("viewer")).json()
    assert stored["kind"] == "agreement" and stored["parties"] == ["UNESCO [INT]"]

    edit = client.get("/instruments/mou-2021/edit")
    assert 'value="UNESCO [INT]"' in edit.text and 'name="version" value="1"' in edit.text

    c_form = {"csrf_token": client.csrf, "code": "film", "title": "Film weeks"}
    bad_c = client.post("/instruments/mou-2021/commitments/new", data={**c_form, "mechanism": "x"})
    assert bad_c.status_code == 422 and 'id="err-mechanism"' in bad_c.text
    ok = client.post("/instruments/mou-2021/commitments/new", data=c_form, follow_redirects=False)
    assert ok.status_code == 303
    commitment = web.client().get("/api/v1/instruments/mou-2021", headers=web.bearer("viewer"))
    cid = commitment.json()["commitments"][0]["id"]
    page = client.get(f"/instruments/mou-2021/commitments/{cid}/edit")
    assert 'value="Film weeks"' in page.text
    changed = {**c_form, "title": "Film and theatre weeks", "version": "1"}
    done = client.post(
        f"/instruments/mou-2021/commitments/{cid}/edit", data=changed, follow_redirects=False
    )
    assert done.status_code == 303
    removed = client.post(
        f"/instruments/mou-2021/commitments/{cid}/delete",
        data={"csrf_token": client.csrf, "version": "2"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert client.get(f"/instruments/other/commitments/{cid}/edit").status_code == 404
    viewer = web.client("viewer")
    refused = viewer.post("/instruments/mou-2021/delete", data={"csrf_token": viewer.csrf})
    assert refused.status_code == 403


# --- initiatives ---------------------------------------------------------------------------


def test_initiative_api_crud_links_and_audit(web):
    client, editor = web.client(), web.bearer("editor")
    client.post("/api/v1/instruments", json=INSTRUMENT, headers=editor)
    client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "days", "title": "Days of Culture"},
        headers=editor,
    )
    new = {
        "name": "Days of Culture",
        "mechanism": "institutional",
        "activity_type": "days_of_culture",
        "rhythm_months": 12,
        "instrument": "prog-2025",
        "commitment": "days",
        "lead_actor": "Ministry of Culture of Kyrgyzstan [KG]",
    }
    created = client.post("/api/v1/initiatives", json=new, headers=editor)
    assert created.status_code == 201, created.text
    body = created.json()
    initiative_id = body["id"]
    assert created.headers["location"] == f"/api/v1/initiatives/{initiative_id}"
    assert (body["instrument"], body["commitment"], body["lead_actor"]) == (
        "prog-2025",
        "days",
        "Ministry of Culture of Kyrgyzstan [KG]",
    )
    assert body["lead_actor_id"] is not None and body["activities"] == 0

    bad = client.post(
        "/api/v1/initiatives",
        json={
            "name": "Other",
            "mechanism": "sport",
            "rhythm_months": 0,
            "instrument": "nope",
            "lead_actor": "Nobody",
        },
        headers=editor,
    )
    assert bad.status_code == 422
    assert fields(bad) == {"mechanism", "rhythm_months", "lead_actor"}
    links = client.post(
        "/api/v1/initiatives",
        json={"name": "Other", "instrument": "nope", "body": "igc", "commitment": "days"},
        headers=editor,
    )
    assert links.status_code == 422 and fields(links) == {"instrument", "body", "commitment"}
    duplicate = client.post("/api/v1/initiatives", json={"name": "Days of Culture"}, headers=editor)
    assert duplicate.status_code == 409

    change = {**new, "rhythm_months": 24, "commitment": None, "version": 1}
    updated = client.put(f"/api/v1/initiatives/{initiative_id}", json=change, headers=editor)
    assert updated.status_code == 200 and updated.json()["version"] == 2
    assert updated.json()["commitment"] is None and updated.json()["rhythm_months"] == 24
    stale = client.put(f"/api/v1/initiatives/{initiative_id}", json=change, headers=editor)
    assert stale.status_code == 409

    row = activity("i-1", "2024-06", initiative="Days of Culture", activity_type="days_of_culture")
    client.post("/api/v1/activities", json=row, headers=editor)
    refused = client.delete(f"/api/v1/initiatives/{initiative_id}?version=2", headers=editor)
    assert refused.status_code == 409 and "1 activity" in refused.json()["error"]["message"]
    client.delete("/api/v1/activities/i-1?version=1", headers=editor)
    done = client.delete(f"/api/v1/initiatives/{initiative_id}?version=2", headers=editor)
    assert done.status_code == 204

    log = audit(web.engine, "initiative", str(initiative_id))
    assert [(e.actor, e.action) for e in log] == CREATE_UPDATE_DELETE
    assert log[1].before["commitment"] == "days" and log[1].after["commitment"] is None
    assert log[1].before["rhythm_months"] == 12 and log[1].after["rhythm_months"] == 24
    assert log[2].before["lead_actor"] == "Ministry of Culture of Kyrgyzstan [KG]"


def test_removing_a_commitment_or_instrument_unlinks_what_pointed_at_it(web):
    client, editor = web.client(), web.bearer("editor")
    client.post("/api/v1/instruments", json=INSTRUMENT, headers=editor)
    days = client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "days", "title": "Days of Culture"},
        headers=editor,
    ).json()
    new = {"name": "Days of Culture", "instrument": "prog-2025", "commitment": "days"}
    initiative = client.post("/api/v1/initiatives", json=new, headers=editor).json()
    gone = client.delete(f"/api/v1/commitments/{days['id']}?version=1", headers=editor)
    assert gone.status_code == 204
    after = client.get(f"/api/v1/initiatives/{initiative['id']}", headers=editor).json()
    assert after["commitment"] is None and after["instrument"] == "prog-2025"
    assert after["version"] == 2
    log = audit(web.engine, "initiative", str(initiative["id"]))
    assert log[-1].action == "update" and log[-1].before["commitment"] == "days"

    body = {"key": "igc", "name": "Commission", "instrument": "prog-2025"}
    assert client.post("/api/v1/bodies", json=body, headers=editor).status_code == 201
    tag = client.get("/api/v1/instruments/prog-2025", headers=editor).headers["etag"]
    gone = client.delete("/api/v1/instruments/prog-2025", headers={**editor, "If-Match": tag})
    assert gone.status_code == 204
    after = client.get(f"/api/v1/initiatives/{initiative['id']}", headers=editor).json()
    assert after["instrument"] is None and after["version"] == 3
    assert client.get("/api/v1/bodies/igc", headers=editor).json()["instrument"] is None
    body_log = audit(web.engine, "body", "igc")
    assert (
        body_log[-1].before["instrument"] == "prog-2025"
        and body_log[-1].after["instrument"] is None
    )


def test_initiative_pages_and_forms(web):
    client, editor = web.client("editor"), web.bearer("editor")
    for key, date, status in (("o-1", "2021-05", "held"), ("o-2", "2022-05", "cancelled")):
        row = activity(key, date, initiative="Navruz concerts", status=status)
        web.client().post("/api/v1/activities", json=row, headers=editor)
    listing = client.get("/initiatives?sort=-activities")
    assert "Navruz concerts" in listing.text
    initiative = web.client().get("/api/v1/initiatives", headers=editor).json()["items"][0]
    assert (initiative["activities"], initiative["first_date"], initiative["last_date"]) == (
        2,
        "2021-05",
        "2022-05",
    )
    page = client.get(f"/initiatives/{initiative['id']}")
    assert "Activity o-1" in page.text and "Activity o-2" in page.text
    assert page.text.index("Activity o-1") < page.text.index("Activity o-2")
    assert f'action="/initiatives/{initiative["id"]}/delete"' not in page.text

    form = {"csrf_token": client.csrf, "name": "Film week", "rhythm_months": "abc"}
    bad = client.post("/initiatives/new", data=form)
    assert bad.status_code == 422 and 'id="err-rhythm_months"' in bad.text
    no_token = client.post("/initiatives/new", data={"name": "Film week"})
    assert no_token.status_code == 403
    taken = client.post(
        "/initiatives/new", data={**form, "name": "Navruz concerts", "rhythm_months": ""}
    )
    assert taken.status_code == 409 and 'id="err-name"' in taken.text
    saved = client.post(
        "/initiatives/new", data={**form, "rhythm_months": "12"}, follow_redirects=False
    )
    assert saved.status_code == 303
    new_id = int(saved.headers["location"].split("/")[2].split("?")[0])
    shown = client.get(f"/initiatives/{new_id}")
    assert "every 12 months" in shown.text
    edit = client.get(f"/initiatives/{new_id}/edit")
    assert 'value="Film week"' in edit.text
    gone = client.post(
        f"/initiatives/{new_id}/delete",
        data={"csrf_token": client.csrf, "version": "1"},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    viewer = web.client("viewer")
    assert (
        viewer.post("/initiatives/new", data={**form, "csrf_token": viewer.csrf}).status_code == 403
    )


# --- bodies --------------------------------------------------------------------------------


def _sessions(web, editor):
    client = web.client()
    for key, date in (("s-1", "2019-03-12"), ("s-2", "2020-04-02"), ("s-3", "2023-06-20")):
        row = activity(
            key, date, initiative="Commission sessions", activity_type="commission_meeting"
        )
        assert client.post("/api/v1/activities", json=row, headers=editor).status_code == 201


def test_body_api_crud_with_continuity_figures_and_audit(web):
    client, editor = web.client(), web.bearer("editor")
    _sessions(web, editor)
    client.post("/api/v1/instruments", json=INSTRUMENT, headers=editor)
    new = {
        "key": "igc",
        "name": "Intergovernmental commission",
        "kind": "commission",
        "rhythm_months": 12,
        "instrument": "prog-2025",
        "initiative": "Commission sessions",
    }
    created = client.post("/api/v1/bodies", json=new, headers=editor)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/bodies/igc"
    assert created.json()["initiatives"] == ["Commission sessions"]
    assert created.json()["activities"] == 3

    got = client.get("/api/v1/bodies/igc", headers=web.bearer("viewer")).json()
    figures = got["continuity"]
    with session_scope(web.engine) as session:
        codebook = web.app.state.ctx.codebook
        result = continuity(
            load_dataset(session),
            load_continuity_inputs(session),
            codebook,
            meeting_types=codebook.body_session_types,
        )
    expected = next(b for b in result["bodies"] if b["key"] == "igc")
    assert figures["sessions"] == expected["sessions"] == 3
    assert figures["session_ids"] == ["s-1", "s-2", "s-3"]
    assert (figures["rhythm_months"], figures["rhythm_source"]) == (12, "declared")
    assert {k: figures[k] for k in expected} == expected  # the analysis's own entry
    assert [g["days"] for g in figures["gaps"][:2]] == [387, 1174]
    assert [g["exceeds_rhythm"] for g in figures["gaps"][:2]] == [True, True]

    bad = client.post(
        "/api/v1/bodies",
        json={"key": "wg", "name": "WG", "rhythm_months": 500, "initiative": "Unknown"},
        headers=editor,
    )
    assert bad.status_code == 422 and fields(bad) == {"rhythm_months"}
    unknown = client.post(
        "/api/v1/bodies", json={"key": "wg", "name": "WG", "initiative": "Unknown"}, headers=editor
    )
    assert unknown.status_code == 422 and fields(unknown) == {"initiative"}
    assert client.post("/api/v1/bodies", json=new, headers=editor).status_code == 409

    change = {**new, "rhythm_months": 6, "initiative": None, "version": 1}
    updated = client.put("/api/v1/bodies/igc", json=change, headers=editor)
    assert updated.status_code == 200 and updated.json()["version"] == 2
    assert updated.json()["initiatives"] == [] and updated.json()["activities"] == 0
    assert client.put("/api/v1/bodies/igc", json=change, headers=editor).status_code == 409
    assert client.delete("/api/v1/bodies/igc?version=2", headers=editor).status_code == 204

    log = audit(web.engine, "body", "igc")
    assert [(e.actor, e.action) for e in log] == CREATE_UPDATE_DELETE
    assert log[1].before["initiatives"] == ["Commission sessions"]
    assert log[1].after["initiatives"] == [] and log[1].after["rhythm_months"] == 6
    sessions = client.get("/api/v1/initiatives?q=commission", headers=editor).json()["items"][0]
    unlinked = audit(web.engine, "initiative", str(sessions["id"]))
    assert [e.after["body"] for e in unlinked] == ["igc", None]


def test_body_pages_show_rhythm_sessions_and_forms(web):
    editor = web.bearer("editor")
    _sessions(web, editor)
    client = web.client("editor")
    form = {"csrf_token": client.csrf, "key": "igc", "name": "Intergovernmental commission"}
    bad = client.post("/bodies/new", data={**form, "rhythm_months": "0"})
    assert bad.status_code == 422 and 'id="err-rhythm_months"' in bad.text
    assert client.post("/bodies/new", data={"key": "igc", "name": "x"}).status_code == 403
    saved = client.post(
        "/bodies/new",
        data={**form, "rhythm_months": "12", "initiative": "Commission sessions"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/bodies/igc")
    page = web.client("viewer").get("/bodies/igc").text
    assert "every 12 months" in page and "held sessions" in page
    assert "Activity s-1" in page and "Activity s-3" in page
    assert re.search(r'<div class="figure">3</div>\s*held sessions', page)
    assert "Gaps between sessions" in page
    listing = web.client("viewer").get("/bodies").text
    assert "Intergovernmental commission" in listing and "Commission sessions" in listing

    edit = client.get("/bodies/igc/edit")
    assert 'name="version" value="1"' in edit.text
    assert re.search(r'<option value="Commission sessions"\s+selected>', edit.text)
    stale = client.post("/bodies/igc/edit", data={**form, "version": "0"})
    assert stale.status_code == 409 and 'name="version" value="1"' in stale.text
    viewer = web.client("viewer")
    refused = viewer.post("/bodies/igc/delete", data={"csrf_token": viewer.csrf, "version": "1"})
    assert refused.status_code == 403
    gone = client.post(
        "/bodies/igc/delete",
        data={"csrf_token": client.csrf, "version": "1"},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert web.client().get("/api/v1/bodies/igc", headers=editor).status_code == 404
