"""A form saved over a newer version shows what the other person changed, field by field,
with who stored it, and keeps nothing silently — on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from lowpolitics.store.audit import changes_since
from lowpolitics.store.db import session_scope
from lowpolitics.web.conflicts import field_conflicts, same

ACTIVITY = {
    "id": "c-1",
    "date": "2023-05",
    "title": "Camp",
    "mechanism": "education_youth",
    "mechanisms_secondary": "societal;discursive",
    "status": "held",
    "host_country": "KG",
    "partner_country": "TJ",
    "notes": "first note",
    "participants_total": 40,
}


def _form(client, url: str) -> dict[str, str]:
    """The edit form's fields as the browser would send them untouched."""
    page = client.get(url).text
    values = dict(re.findall(r'<input id="f-\w+" name="(\w+)" type="\w+" value="([^"]*)"', page))
    values.update(re.findall(r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', page))
    for name, body in re.findall(r'<select id="f-\w+" name="(\w+)".*?>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    values["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)
    values["csrf_token"] = client.csrf
    return values


def _blocks(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<fieldset class="conflict" id="conflict-(\w+)">(.*?)</fieldset>', html, re.S)
    )


def test_the_audit_trail_says_what_changed_since_a_version(web):
    client, admin = web.client(), web.bearer("admin")
    client.post("/api/v1/activities", json=ACTIVITY, headers=admin)
    client.patch("/api/v1/activities/c-1", json={"title": "Camp 2", "version": 1}, headers=admin)
    client.patch(
        "/api/v1/activities/c-1",
        json={"title": "Camp", "notes": "second", "version": 2},
        headers=web.bearer("editor"),
    )
    with session_scope(web.engine) as session:
        changes = changes_since(session, "activity", "c-1", 1, 3)
        assert set(changes) == {"notes"}  # the title went back to what it was at version 1
        assert (changes["notes"].before, changes["notes"].after) == ("first note", "second")
        assert changes["notes"].actor == "editor"
        assert set(changes_since(session, "activity", "c-1", 2, 3)) == {"title", "notes"}
        assert changes_since(session, "activity", "c-1", 3, 3) == {}


def test_field_conflicts_list_only_what_the_other_changed_and_you_differ_on(web):
    assert same("societal;discursive", "discursive; societal") and same(None, "")
    client, admin = web.client(), web.bearer("admin")
    client.post("/api/v1/activities", json=ACTIVITY, headers=admin)
    change = {"title": "Camp (admin)", "notes": "admin note", "status": "postponed", "version": 1}
    client.patch("/api/v1/activities/c-1", json=change, headers=admin)
    with session_scope(web.engine) as session:
        changes = changes_since(session, "activity", "c-1", 1, 2)
    mine = {"title": "Camp (mine)", "notes": "first note", "status": "postponed", "date": "2024"}
    stored = {
        "title": "Camp (admin)",
        "notes": "admin note",
        "status": "postponed",
        "date": "2023-05",
    }
    found = field_conflicts(("title", "notes", "status", "date"), mine, stored, changes)
    assert set(found) == {"title", "notes"}  # status: same value; date: only mine changed
    assert found["title"].you_changed is True and found["notes"].you_changed is False
    assert found["title"].actor == "admin" and found["title"].stored == "Camp (admin)"


def test_a_stale_form_asks_field_by_field_and_keeps_the_answers(web):
    client, admin = web.client(), web.bearer("admin")
    client.post("/api/v1/activities", json=ACTIVITY, headers=admin)
    editor = web.client("editor")
    form = _form(editor, "/activities/c-1/edit")
    assert (
        same(form["mechanisms_secondary"], "societal;discursive") and form["notes"] == "first note"
    )
    change = {"title": "Camp (admin)", "notes": "admin note", "version": 1}
    assert client.patch("/api/v1/activities/c-1", json=change, headers=admin).status_code == 200

    mine = {**form, "title": "Camp (editor)", "participants_total": "55"}
    first = editor.post("/activities/c-1/edit", data=mine, follow_redirects=False)
    assert first.status_code == 409
    blocks = _blocks(first.text)
    assert set(blocks) == {"title", "notes"}
    assert "admin" in blocks["title"] and "Camp (admin)" in blocks["title"]
    assert "Camp (editor)" in blocks["title"]
    assert "you did not change this field" in blocks["notes"]
    state = dict(
        re.findall(r'name="(version|base_version|conflict_fields)" value="([^"]*)"', first.text)
    )
    assert state == {"version": "2", "base_version": "1", "conflict_fields": "title,notes"}
    assert client.get("/api/v1/activities/c-1", headers=admin).json()["title"] == "Camp (admin)"

    again = editor.post("/activities/c-1/edit", data={**mine, **state}, follow_redirects=False)
    assert again.status_code == 409 and "Choose which value to keep." in again.text
    half = {**mine, **state, "keep__title": "mine"}
    again = editor.post("/activities/c-1/edit", data=half, follow_redirects=False)
    assert again.status_code == 409
    assert "Choose which value to keep." in _blocks(again.text)["notes"]
    assert 'value="mine" checked' in _blocks(again.text)["title"]

    answered = {**half, "keep__notes": "stored"}
    done = editor.post("/activities/c-1/edit", data=answered, follow_redirects=False)
    assert done.status_code == 303
    stored = client.get("/api/v1/activities/c-1", headers=admin).json()
    assert stored["title"] == "Camp (editor)" and stored["notes"] == "admin note"
    assert stored["participants_total"] == 55 and stored["version"] == 3


def test_a_third_save_in_between_is_asked_about_too(web):
    client, admin = web.client(), web.bearer("admin")
    client.post("/api/v1/activities", json=ACTIVITY, headers=admin)
    editor = web.client("editor")
    form = _form(editor, "/activities/c-1/edit")
    client.patch("/api/v1/activities/c-1", json={"title": "A", "version": 1}, headers=admin)
    mine = {**form, "title": "B"}
    first = editor.post("/activities/c-1/edit", data=mine, follow_redirects=False)
    state = dict(
        re.findall(r'name="(version|base_version|conflict_fields)" value="([^"]*)"', first.text)
    )
    client.patch("/api/v1/activities/c-1", json={"notes": "C", "version": 2}, headers=admin)
    answer = {**mine, **state, "keep__title": "mine"}
    second = editor.post("/activities/c-1/edit", data=answer, follow_redirects=False)
    assert second.status_code == 409
    assert set(_blocks(second.text)) == {"title", "notes"}  # everything since version 1
    assert 'value="mine" checked' in _blocks(second.text)["title"]


def test_the_context_form_asks_the_same_way(web):
    client, admin = web.client(), web.bearer("admin")
    event = {"id": "e-1", "date": "2022-09-14", "kind": "security", "summary": "clash"}
    client.post("/api/v1/context-events", json=event, headers=admin)
    editor = web.client("editor")
    form = _form(editor, "/context/e-1/edit")
    client.patch(
        "/api/v1/context-events/e-1", json={"summary": "border clash", "version": 1}, headers=admin
    )
    answer = editor.post(
        "/context/e-1/edit", data={**form, "summary": "clash at Vorukh"}, follow_redirects=False
    )
    assert answer.status_code == 409
    block = _blocks(answer.text)["summary"]
    assert "border clash" in block and "clash at Vorukh" in block and "admin" in block
