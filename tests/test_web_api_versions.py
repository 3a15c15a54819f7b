"""The API's versions: DELETE and PATCH must name the version they change (428 without,
409 with the stored one when stale), GET gives it as ETag, If-Match stands in for it, and
PATCH is a JSON merge patch (RFC 7396) saved exactly as a PUT is — on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from sqlalchemy import select

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry
from lowpolitics.web.merge_patch import MERGE_PATCH, merge
from lowpolitics.web.routes import ROUTERS

ACTIVITY = {
    "id": "v-1",
    "date": "2023-05",
    "title": "Joint youth camp in Batken",
    "mechanism": "education_youth",
    "status": "held",
    "host_country": "KG",
    "partner_country": "TJ",
    "region": "KG-B",
    "participants_total": 60,
    "notes": "from the district office",
    "title_ru": "Совместный молодёжный лагерь",
    "source_url": ["https://example.org/camp"],
}
MERGE = {"Content-Type": MERGE_PATCH}


def _flat(routes, prefix: str = ""):
    """Every APIRoute, also those of routers included in a router (codings, documents)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            inner = prefix + route.include_context.prefix
            yield from _flat(route.original_router.routes, inner)


def _routes(method: str) -> list[str]:
    return sorted(
        path
        for router in ROUTERS
        for path, route in _flat(router.routes)
        if method in route.methods and "{" in path and path.startswith("/api/")
    )


def test_merge_patch_follows_rfc_7396():
    """The examples of RFC 7396, appendix A."""
    assert merge({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge({"a": "b"}, {"a": None}) == {}
    assert merge({"a": "b", "b": "c"}, {"a": None}) == {"b": "c"}
    assert merge({"a": ["b"]}, {"a": "c"}) == {"a": "c"}
    assert merge({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert merge({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge([1, 2], {"a": "b", "c": None}) == {"a": "b"}


UNVERSIONED = {"/api/v1/documents/{ref}/done/{coder}"}


def test_every_api_delete_and_patch_without_a_version_is_428(web):
    """Whatever the resource, a DELETE or PATCH that names no version is refused before
    anything is read — and the answer says what to send."""
    deletes, patches = _routes("DELETE"), _routes("PATCH")
    # a coder's done mark has no content that another person could have changed: taking it
    # back (reopening) is idempotent and carries no version
    deletes = [p for p in deletes if p not in UNVERSIONED]
    assert len(deletes) >= 13 and set(patches) <= set(deletes)
    client, admin = web.client(), web.bearer("admin")
    for path in deletes:
        url = re.sub(r"\{[^}]+\}", "1", path)  # any key: the version is checked first
        answer = client.delete(url, headers=admin)
        assert answer.status_code == 428, f"DELETE {path} → {answer.status_code}"
        error = answer.json()["error"]
        assert error["type"] == "precondition_required_error"
        assert "?version=" in error["message"] and "If-Match" in error["message"]
    for path in patches:
        url = re.sub(r"\{[^}]+\}", "1", path)  # a patch reads the record, then its version
        answer = client.patch(url, json={}, headers=admin)
        assert answer.status_code in (404, 428), f"PATCH {path} → {answer.status_code}"


def test_delete_by_version_or_if_match_and_stale_is_409_with_the_stored_version(web):
    client, editor = web.client(), web.bearer("editor")
    assert client.post("/api/v1/activities", json=ACTIVITY, headers=editor).status_code == 201
    got = client.get("/api/v1/activities/v-1", headers=web.bearer("viewer"))
    assert got.headers["etag"] == '"1"'
    changed = client.put(
        "/api/v1/activities/v-1", json={**ACTIVITY, "title": "Camp", "version": 1}, headers=editor
    )
    assert changed.headers["etag"] == '"2"'

    stale = client.delete("/api/v1/activities/v-1", headers={**editor, "If-Match": '"1"'})
    assert stale.status_code == 409 and stale.headers["etag"] == '"2"'
    assert stale.json()["error"]["current_version"] == 2
    for bad in ("*", '"1", "2"', "one"):
        refused = client.delete("/api/v1/activities/v-1", headers={**editor, "If-Match": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["fields"][0]["field"] == "If-Match"
    both = client.delete("/api/v1/activities/v-1?version=2", headers={**editor, "If-Match": '"1"'})
    assert both.status_code == 422 and "different versions" in both.json()["error"]["message"]
    weak = client.delete("/api/v1/activities/v-1", headers={**editor, "If-Match": 'W/"2"'})
    assert weak.status_code == 204
    assert client.get("/api/v1/activities/v-1", headers=editor).status_code == 404


def test_users_and_codings_need_the_version_too(web):
    client, admin = web.client(), web.bearer("admin")
    body = {"name": "zarina", "role": "coder", "password": "a long password here"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    assert client.get("/api/v1/users/zarina", headers=admin).headers["etag"] == '"1"'
    patched = client.patch(
        "/api/v1/users/zarina", json={"role": "editor"}, headers={**admin, "If-Match": '"1"'}
    )
    assert patched.status_code == 200 and patched.json() == {
        "name": "zarina",
        "role": "editor",
        "active": True,
        "version": 2,
    }
    cleared = client.patch("/api/v1/users/zarina", json={"role": None, "version": 2}, headers=admin)
    assert cleared.status_code == 422 and cleared.json()["error"]["fields"][0]["field"] == "role"
    stale = client.delete("/api/v1/users/zarina?version=1", headers=admin)
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 2
    assert client.delete("/api/v1/users/zarina?version=2", headers=admin).status_code == 204


def test_patch_changes_only_the_fields_given_and_null_clears(web):
    client, editor = web.client(), web.bearer("editor")
    client.post("/api/v1/activities", json=ACTIVITY, headers=editor)
    patch = {"status": "postponed", "status_reason": "border closed", "notes": None}
    patch["title_ru"] = None  # kept when a PUT leaves it out; a patch clears it on purpose
    done = client.patch(
        "/api/v1/activities/v-1", json=patch, headers={**editor, **MERGE, "If-Match": '"1"'}
    )
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    activity = done.json()["activity"]
    assert activity["status"] == "postponed" and activity["status_reason"] == "border closed"
    assert activity["notes"] is None and activity["title_ru"] is None
    for kept in ("title", "date", "region", "participants_total", "source_url", "mechanism"):
        assert activity[kept] == ACTIVITY[kept], kept
    assert [h["status"] for h in activity["status_history"]] == ["held", "postponed"]

    with session_scope(web.engine) as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_key == "v-1", AuditEntry.action == "update")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry.actor == "editor" and entry.after["status"] == "postponed"
        assert entry.before["title"] == entry.after["title"] == ACTIVITY["title"]

    plain = client.patch(
        "/api/v1/activities/v-1", json={"participants_total": 75, "version": 2}, headers=editor
    )
    assert plain.status_code == 200 and plain.json()["activity"]["participants_total"] == 75


def test_patch_refuses_what_a_put_refuses_naming_the_field(web):
    client, editor = web.client(), web.bearer("editor")
    client.post("/api/v1/activities", json=ACTIVITY, headers=editor)
    url = "/api/v1/activities/v-1"

    def fields(response):
        return [f["field"] for f in response.json()["error"]["fields"]]

    required = client.patch(url, json={"title": None, "version": 1}, headers=editor)
    assert required.status_code == 422 and fields(required) == ["title"]
    bad = client.patch(url, json={"date": "2023-13", "version": 1}, headers=editor)
    assert bad.status_code == 422 and fields(bad) == ["date"]
    women = client.patch(url, json={"participants_women": 90, "version": 1}, headers=editor)
    assert women.status_code == 422 and fields(women) == ["participants_women"]
    unknown = client.patch(url, json={"colour": "red", "version": 1}, headers=editor)
    assert unknown.status_code == 422 and fields(unknown) == ["colour"]
    typed = client.patch(url, json={"participants_total": "many", "version": 1}, headers=editor)
    assert typed.status_code == 422 and fields(typed) == ["participants_total"]

    missing = client.patch(url, json={"title": "x"}, headers={**editor, **MERGE})
    assert missing.status_code == 428
    stale = client.patch(url, json={"title": "x", "version": 7}, headers=editor)
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1
    text = client.patch(url, content="title=x", headers={**editor, "Content-Type": "text/plain"})
    assert text.status_code == 415
    assert text.json()["error"]["type"] == "unsupported_media_type_error"
    assert client.get(url, headers=editor).json()["version"] == 1  # nothing was saved
    assert client.patch(url, json={"title": "x"}, headers=web.bearer("viewer")).status_code == 403


def test_patch_on_every_other_resource(web):
    """Each resource with a PUT takes a merge patch of its own fields."""
    client, editor = web.client(), web.bearer("editor")
    coder = web.bearer("coder")

    def patched(url: str, change: dict, headers=editor) -> dict:
        tag = client.get(url, headers=headers).headers["etag"]
        answer = client.patch(url, json=change, headers={**headers, **MERGE, "If-Match": tag})
        assert answer.status_code == 200, f"{url}: {answer.text}"
        assert answer.headers["etag"] == f'"{int(tag.strip(chr(34))) + 1}"' or "coding" in url
        return answer.json()

    event = {"id": "c-1", "date": "2022-09-14", "kind": "security", "summary": "clash"}
    client.post("/api/v1/context-events", json={**event, "region": "KG-B"}, headers=editor)
    out = patched("/api/v1/context-events/c-1", {"summary": "border clash", "region": None})
    assert out["event"]["summary"] == "border clash" and out["event"]["region"] is None
    assert out["event"]["date"] == "2022-09-14"

    actor = client.post(
        "/api/v1/actors",
        json={"name": "Batken Youth Centre", "country": "KG", "notes": "n"},
        headers=editor,
    ).json()
    out = patched(f"/api/v1/actors/{actor['id']}", {"notes": None})
    assert out["notes"] is None and out["name"] == "Batken Youth Centre"

    instrument = {"key": "prog-2025", "title": "Programme", "status": "signed"}
    client.post("/api/v1/instruments", json=instrument, headers=editor)
    out = patched("/api/v1/instruments/prog-2025", {"status": "in_force"})
    assert out["status"] == "in_force" and out["title"] == "Programme"
    commitment = client.post(
        "/api/v1/instruments/prog-2025/commitments",
        json={"code": "days", "title": "Days of Culture", "mechanism": "institutional"},
        headers=editor,
    ).json()
    out = patched(f"/api/v1/commitments/{commitment['id']}", {"mechanism": None})
    assert out["mechanism"] is None and out["code"] == "days"

    initiative = client.post(
        "/api/v1/initiatives", json={"name": "Days of Culture", "rhythm_months": 12}, headers=editor
    ).json()
    out = patched(f"/api/v1/initiatives/{initiative['id']}", {"rhythm_months": 24})
    assert out["rhythm_months"] == 24 and out["name"] == "Days of Culture"

    client.post("/api/v1/bodies", json={"key": "igc", "name": "Commission"}, headers=editor)
    out = patched("/api/v1/bodies/igc", {"rhythm_months": 6})
    assert out["rhythm_months"] == 6 and out["name"] == "Commission"

    place = {"id": "my_camp", "kind": "village", "country": "KG", "name_en": "Camp"}
    client.post("/api/v1/places", json={**place, "name_ru": "Лагерь"}, headers=editor)
    out = patched("/api/v1/places/my_camp", {"name_ru": None, "lat": 40.1, "lon": 70.5})
    assert out["name_ru"] is None and out["lat"] == 40.1 and out["name_en"] == "Camp"

    document = client.post(
        "/api/v1/documents",
        json={"title": "Days", "text": "Дни культуры в Бишкеке.", "outlet": "24.kg"},
        headers=editor,
    ).json()
    out = patched(f"/api/v1/documents/{document['id']}", {"outlet": None, "language": "ru"})
    assert out["outlet"] is None and out["language"] == "ru" and out["title"] == "Days"

    code = client.post(
        "/api/v1/codes", json={"name": "water sharing", "colour": "#0072B2"}, headers=editor
    ).json()
    out = patched(f"/api/v1/codes/{code['id']}", {"definition": "Irrigation water"})
    assert out["definition"] == "Irrigation water" and out["name"] == "water sharing"

    coding = client.post(
        f"/api/v1/documents/{document['id']}/codings",
        json={"code": "societal", "start": 0, "end": 4},
        headers=coder,
    ).json()
    out = patched(f"/api/v1/codings/{coding['id']}", {"code": "institutional"}, coder)
    assert out["code"] == "institutional" and (out["start"], out["end"]) == (0, 4)

    memo = client.post("/api/v1/memos", json={"text": "check"}, headers=coder).json()
    out = patched(f"/api/v1/memos/{memo['id']}", {"text": "checked"}, coder)
    assert out["text"] == "checked"


def test_openapi_documents_versions_and_merge_patch(web):
    spec = web.client().get("/api/openapi.json").json()
    operation = spec["paths"]["/api/v1/activities/{key}"]
    patch = operation["patch"]
    assert list(patch["requestBody"]["content"]) == [MERGE_PATCH, "application/json"]
    assert {"409", "415", "422", "428"} <= set(patch["responses"])
    deleting = operation["delete"]
    assert {p["name"] for p in deleting["parameters"]} >= {"version", "If-Match"}
    assert "428" in deleting["responses"]
    assert "current_version" in str(spec["components"]["schemas"]["ErrorResponse"])
