"""Places through the API and the pages: the list with its SVG map, a place with what
happened there, filters in any spelling, CRUD with audit and versions, and the refusals to
delete a place that records use or that the shipped gazetteer provides."""

from __future__ import annotations

import re

from sqlalchemy import select

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry, Place

ACTIVITY = {
    "id": "a-isfara",
    "date": "2023-09-01",
    "title": "Women's groups meet in Isfara",
    "mechanism": "societal",
    "status": "held",
    "host_country": "TJ",
    "place": "Isfara",
    "source_url": ["https://example.org/women"],
}
EVENT = {"id": "e-isfara", "date": "2022-09-14", "kind": "security", "place": "Isfara"}
NEW_PLACE = {
    "id": "my_camp_site",
    "kind": "landmark",
    "country": "KG",
    "region": "KG-B",
    "name_en": "Youth camp site",
    "name_ru": "Лагерь",
    "lat": 39.95,
    "lon": 70.6,
    "border_area": True,
}


def _seed(web, gazetteer) -> str:
    headers = web.bearer("editor")
    client = web.client()
    assert client.post("/api/v1/activities", json=ACTIVITY, headers=headers).status_code == 201
    assert client.post("/api/v1/context-events", json=EVENT, headers=headers).status_code == 201
    return gazetteer.resolve("Isfara").id


def test_list_shows_a_map_and_counts_and_detail_lists_what_happened(web, gazetteer):
    place_id = _seed(web, gazetteer)
    viewer = web.client("viewer")
    page = viewer.get("/places")
    assert page.status_code == 200
    assert "<svg" in page.text
    svg = re.search(r"<svg.*?</svg>", page.text, flags=re.S).group(0)
    assert f'href="/places/{place_id}"' in svg  # each point opens its place
    assert "vega.github.io" not in svg and "lowpolitics.invalid" not in svg
    assert "Isfara: 1 activities, 1 context events" in svg  # the point's description
    again = viewer.get("/places")  # the second rendering comes from the cache
    assert re.search(r"<svg.*?</svg>", again.text, flags=re.S).group(0) == svg

    api = web.client().get(f"/api/v1/places/{place_id}", headers=web.bearer("viewer")).json()
    assert (api["activities"], api["context_events"], api["in_gazetteer"]) == (1, 1, True)

    detail = viewer.get(f"/places/{place_id}")
    assert detail.status_code == 200
    assert "/activities/a-isfara" in detail.text and "Women&#39;s groups meet in Isfara" in (
        detail.text
    )
    assert "/context/e-isfara" in detail.text
    names = gazetteer.by_id[place_id].names
    assert names["ru"] in detail.text and names["ky"] in detail.text  # every language
    ru = web.client("viewer", lang="ru").get(f"/places/{place_id}")
    assert f"<h1>{names['ru']}</h1>" in ru.text  # the reader's language first


def test_filters_search_any_spelling_and_page(web, gazetteer):
    client = web.client()
    viewer = web.bearer("viewer")
    tj = client.get("/api/v1/places?country=tj&per_page=500", headers=viewer).json()
    assert tj["total"] == sum(1 for p in gazetteer.places if p.country == "TJ")
    assert {p["country"] for p in tj["items"]} == {"TJ"}
    border = client.get("/api/v1/places?border=yes&per_page=500", headers=viewer).json()
    assert border["total"] == sum(1 for p in gazetteer.places if p.border_area)
    villages = client.get("/api/v1/places?kind=village&region=KG-B&per_page=5", headers=viewer)
    body = villages.json()
    assert len(body["items"]) == 5 and body["per_page"] == 5
    assert all(p["kind"] == "village" and p["region"] == "KG-B" for p in body["items"])
    for spelling in ("Ворух", "воруҳ", "vorukh"):
        found = client.get(f"/api/v1/places?q={spelling}", headers=viewer).json()
        assert "tj_vorukh" in [p["id"] for p in found["items"]], spelling
    bad = client.get("/api/v1/places?border=maybe", headers=viewer)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "border"

    page = web.client("viewer").get("/places?q=vorukh")
    assert "/places/tj_vorukh" in page.text and '/places/kg_batken_oblast"' not in page.text
    partial = web.client("viewer").get(
        "/places?country=UZ", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<html" not in partial.text and "<svg" in partial.text


def test_api_crud_with_versions_and_audit(web):
    client = web.client()
    editor = web.bearer("editor")
    created = client.post("/api/v1/places", json=NEW_PLACE, headers=editor)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/places/my_camp_site"
    body = created.json()
    assert body["version"] == 1 and body["border_area"] is True and body["in_gazetteer"] is False
    twice = client.post("/api/v1/places", json=NEW_PLACE, headers=editor)
    assert twice.status_code == 409

    moved = {**NEW_PLACE, "lat": 40.0, "name_ky": "Лагер", "version": 1}
    updated = client.put("/api/v1/places/my_camp_site", json=moved, headers=editor)
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put("/api/v1/places/my_camp_site", json=moved, headers=editor)
    assert stale.status_code == 409
    assert client.delete("/api/v1/places/my_camp_site?version=1", headers=editor).status_code == 409
    viewer = client.delete("/api/v1/places/my_camp_site", headers=web.bearer("viewer"))
    assert viewer.status_code == 403
    assert client.delete("/api/v1/places/my_camp_site?version=2", headers=editor).status_code == 204
    assert client.get("/api/v1/places/my_camp_site", headers=editor).status_code == 404

    with session_scope(web.engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "place").order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action) for e in entries] == [
            ("editor", "create"),
            ("editor", "update"),
            ("editor", "delete"),
        ]
        assert entries[1].before["lat"] == 39.95 and entries[1].after["lat"] == 40.0
        assert entries[2].before["name_ky"] == "Лагер" and entries[2].after is None


def test_api_reports_every_bad_field(web):
    bad = {
        "id": "Bad Id!",
        "kind": "castle",
        "country": "XX",
        "region": "TJ-SU",
        "name_en": "",
        "lat": 39.9,
    }
    response = web.client().post("/api/v1/places", json=bad, headers=web.bearer("editor"))
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"id", "kind", "country", "name_en", "lon"}
    wrong_country = {**NEW_PLACE, "region": "TJ-SU"}
    response = web.client().post("/api/v1/places", json=wrong_country, headers=web.bearer("editor"))
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["region"]


def test_deleting_a_used_or_shipped_place_is_refused(web, gazetteer):
    place_id = _seed(web, gazetteer)
    client = web.client()
    editor = web.bearer("editor")
    used = client.delete(f"/api/v1/places/{place_id}?version=1", headers=editor)
    assert used.status_code == 409
    message = used.json()["error"]["message"]
    assert "1 activity" in message and "1 context event" in message
    shipped = client.delete("/api/v1/places/tj_vorukh?version=1", headers=editor)
    assert shipped.status_code == 409 and "gazetteer" in shipped.json()["error"]["message"]
    form_client = web.client("editor")
    page = form_client.post(f"/places/{place_id}/delete", data={"csrf_token": form_client.csrf})
    assert page.status_code == 409 and "1 activity" in page.text
    with session_scope(web.engine) as session:
        assert session.get(Place, place_id) is not None
        assert session.get(Place, "tj_vorukh") is not None


def test_forms_create_edit_and_escape_names_on_the_map(web):
    editor = web.client("editor")
    assert editor.get("/places/new").status_code == 200
    form = {"csrf_token": editor.csrf, "id": "x", "kind": "village", "country": "KG"}
    form.update(name_en='<script>alert("x")</script> & Co', lat="95", lon="70")
    response = editor.post("/places/new", data=form)
    assert response.status_code == 422
    assert 'id="err-lat"' in response.text and "nothing was saved" in response.text
    assert "<script>alert" not in response.text
    form.update(lat="40.1", border_area="yes")
    saved = editor.post("/places/new", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/places/x?saved=1"
    page = editor.get("/places")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text  # in the table and in the map's description

    edit = editor.get("/places/x/edit")
    assert 'name="version" value="1"' in edit.text and "checked" in edit.text
    changed = {**form, "version": "1", "name_ru": "Деревня"}
    changed.pop("id")
    done = editor.post("/places/x/edit", data=changed, follow_redirects=False)
    assert done.status_code == 303
    stale = editor.post("/places/x/edit", data={**changed, "name_ru": "Другое"})
    assert stale.status_code == 409 and 'name="version" value="2"' in stale.text
    gone = editor.post(
        "/places/x/delete", data={"csrf_token": editor.csrf, "version": "2"}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/places?deleted=x"
    viewer = web.client("viewer")
    assert viewer.get("/places/new").status_code == 403
    assert viewer.get("/places/tj_vorukh/edit").status_code == 403
