"""Documents through the API and the pages: CRUD, filters, search with snippets, upload,
codes and the codebook page."""

from __future__ import annotations

from sqlalchemy import select

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry, Coding, Document, Memo

DOC = {
    "title": "Фестиваль в Баткене",
    "text": "Фестиваль дружбы прошёл в Баткене. Музыканты приехали из Исфары.",
    "language": "ru",
    "published_on": "2023-05-17",
    "outlet": "Kaktus",
    "country": "KG",
    "genre": "news",
    "url": "https://example.org/fest",
}
OTHER = {
    "title": "Ҳамкории фарҳангӣ",
    "text": "Рӯзҳои фарҳанги Қирғизистон дар Душанбе баргузор шуданд.",
    "language": "tg",
    "published_on": "2022-09-01",
    "outlet": "Asia-Plus",
    "country": "TJ",
    "genre": "analysis",
}


def _create(web, body, role="editor"):
    response = web.client().post("/api/v1/documents", json=body, headers=web.bearer(role))
    assert response.status_code == 201, response.text
    return response.json()


def test_api_create_get_update_delete_with_audit(web):
    client, headers = web.client(), web.bearer("editor")
    created = _create(web, DOC)
    doc_id = created["id"]
    assert created["version"] == 1 and created["text"] == DOC["text"]
    assert created["length"] == len(DOC["text"]) and created["country"] == "KG"

    got = client.get(f"/api/v1/documents/{doc_id}", headers=web.bearer("viewer")).json()
    assert got["title"] == DOC["title"] and got["published_on"] == "2023-05-17"
    by_key = client.get(f"/api/v1/documents/{created['key']}", headers=headers).json()
    assert by_key["id"] == doc_id

    again = client.post("/api/v1/documents", json=DOC, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict_error"
    bad = client.post(
        "/api/v1/documents",
        json={**DOC, "text": " ", "country": "XX", "published_on": "2023-13-01"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["error"]["fields"]} == {
        "text",
        "country",
        "published_on",
    }
    refused = client.post("/api/v1/documents", json=OTHER, headers=web.bearer("coder"))
    assert refused.status_code == 403

    change = {k: v for k, v in DOC.items() if k != "text"} | {"genre": "report", "version": 1}
    updated = client.put(f"/api/v1/documents/{doc_id}", json=change, headers=headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["genre"] == "report" and updated.json()["version"] == 2
    stale = client.put(f"/api/v1/documents/{doc_id}", json=change, headers=headers)
    assert stale.status_code == 409

    coded = client.post(
        f"/api/v1/documents/{doc_id}/codings",
        json={"code": "societal", "start": 0, "end": 9, "memo": "festival"},
        headers=web.bearer("coder"),
    )
    assert coded.status_code == 201
    url = f"/api/v1/documents/{doc_id}"
    assert client.delete(url + "?version=1", headers=headers).status_code == 409
    assert client.delete(url + "?version=2", headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    with session_scope(web.engine) as session:  # codings and their memos went with it
        assert session.scalars(select(Coding)).all() == []
        assert session.scalars(select(Memo)).all() == []

    with session_scope(web.engine) as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "document", AuditEntry.entity_key == created["key"])
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action) for e in entries] == [
            ("editor", "create"),
            ("editor", "update"),
            ("editor", "delete"),
        ]
        assert entries[1].before["genre"] == "news" and entries[1].after["genre"] == "report"


def test_list_filters_and_pages(web):
    client, headers = web.client(), web.bearer("viewer")
    first, second = _create(web, DOC), _create(web, OTHER)
    web.client().post(
        f"/api/v1/documents/{second['id']}/codings",
        json={"code": "institutional", "start": 0, "end": 6},
        headers=web.bearer("coder"),
    )
    everything = client.get("/api/v1/documents", headers=headers).json()
    assert everything["total"] == 2
    assert [d["id"] for d in everything["items"]] == [first["id"], second["id"]]  # newest first
    assert "text" not in everything["items"][0]
    tajik = client.get("/api/v1/documents?language=tg", headers=headers).json()
    assert [d["id"] for d in tajik["items"]] == [second["id"]]
    assert tajik["items"][0]["codings_people"] == 1
    coded = client.get("/api/v1/documents?coded=true", headers=headers).json()
    assert [d["id"] for d in coded["items"]] == [second["id"]]
    uncoded = client.get("/api/v1/documents?coded=false", headers=headers).json()
    assert [d["id"] for d in uncoded["items"]] == [first["id"]]
    paged = client.get("/api/v1/documents?per_page=1&page=2", headers=headers).json()
    assert paged["total"] == 2 and [d["id"] for d in paged["items"]] == [second["id"]]
    assert client.get("/api/v1/documents?coded=maybe", headers=headers).status_code == 422

    page = web.client("viewer").get("/documents?country=TJ&coded=yes")
    assert page.status_code == 200
    assert OTHER["title"] in page.text and DOC["title"] not in page.text


def test_search_finds_the_document_with_a_snippet(web):
    first, _ = _create(web, DOC), _create(web, OTHER)
    found = web.client().get("/api/v1/search?q=музыкант", headers=web.bearer("viewer")).json()
    assert found["total"] == 1
    hit = found["items"][0]
    assert hit["document_id"] == first["id"]
    snippet = hit["snippets"][0]
    assert snippet["match"] == "Музыканты"
    assert DOC["text"][snippet["start"] : snippet["end"]] == "Музыканты"

    page = web.client("viewer").get("/documents?q=музыкант")
    assert page.status_code == 200
    assert "<mark>Музыканты</mark>" in page.text
    assert OTHER["title"] not in page.text
    filtered = web.client().get(
        "/api/v1/documents?q=музыкант&language=tg", headers=web.bearer("viewer")
    )
    assert filtered.json()["total"] == 0
    broken = web.client("viewer").get('/documents?q="unclosed')
    assert broken.status_code == 200 and "not closed" in broken.text


def test_upload_imports_each_file_and_reports_failures(web):
    editor = web.client("editor")
    files = [
        ("files", ("../../etc/Дни культуры.txt", "Дни культуры Таджикистана в Оше.".encode())),
        ("files", ("broken.pdf", b"%PDF-1.4 not really a pdf")),
        ("files", ("notes.xyz", b"some text")),
    ]
    data = {"csrf_token": editor.csrf, "outlet": "24.kg", "country": "KG", "language": "ru"}
    response = editor.post("/documents/upload", data=data, files=files)
    assert response.status_code == 200, response.text
    assert "1 imported" in response.text.replace("\xa0", " ")
    assert "broken.pdf" in response.text and "notes.xyz" in response.text
    assert str(web.app.state.ctx.work_dir) not in response.text

    uploads = list((web.app.state.ctx.work_dir / "uploads").glob("*/*"))
    names = sorted(p.name for p in uploads)
    assert "Дни_культуры.txt" in names and all(".." not in n for n in names)
    with session_scope(web.engine) as session:
        stored = session.scalars(select(Document)).all()
        assert [(d.filename, d.outlet, d.country_code) for d in stored] == [
            ("Дни_культуры.txt", "24.kg", "KG")
        ]

    again = editor.post("/documents/upload", data=data, files=files[:1])
    assert "already in the corpus" in again.text
    coder = web.client("coder")
    refused = coder.post("/documents/upload", data={"csrf_token": coder.csrf}, files=files[:1])
    assert refused.status_code == 403
    empty = editor.post("/documents/upload", data={"csrf_token": editor.csrf, "country": "XX"})
    assert empty.status_code == 422 and 'id="err-country"' in empty.text


def test_document_page_escapes_and_edit_form_saves(web):
    doc = _create(web, {**DOC, "title": "<script>x</script> Фест"})
    viewer = web.client("viewer")
    page = viewer.get(f"/documents/{doc['id']}")
    assert page.status_code == 200
    assert "&lt;script&gt;x&lt;/script&gt; Фест" in page.text and "<script>x" not in page.text
    assert DOC["text"] in page.text
    assert viewer.get(f"/documents/{doc['id']}/edit").status_code == 403

    editor = web.client("editor")
    form = editor.get(f"/documents/{doc['id']}/edit")
    assert 'name="version" value="1"' in form.text
    values = {"csrf_token": editor.csrf, "version": "1", "title": "Новый", "country": "TJ"}
    saved = editor.post(f"/documents/{doc['id']}/edit", data=values, follow_redirects=False)
    assert saved.status_code == 303
    assert (
        web.client()
        .get(f"/api/v1/documents/{doc['id']}", headers=web.bearer("viewer"))
        .json()["country"]
        == "TJ"
    )
    stale = editor.post(f"/documents/{doc['id']}/edit", data=values)
    assert stale.status_code == 409
    bad = editor.post(
        f"/documents/{doc['id']}/edit",
        data={**values, "version": "2", "published_on": "someday"},
    )
    assert bad.status_code == 422 and 'id="err-published_on"' in bad.text


def test_codes_api_user_codes_and_read_only_codebook_codes(web, codebook):
    client = web.client()
    listed = client.get("/api/v1/codes?lang=ru", headers=web.bearer("viewer")).json()
    by_name = {c["name"]: c for c in listed["items"]}
    assert by_name["societal"]["origin"] == "codebook"
    assert by_name["societal"]["label"] == codebook.label("mechanisms", "societal", "ru")

    new = {"name": "water sharing", "colour": "#0072B2", "definition": "Irrigation water"}
    assert client.post("/api/v1/codes", json=new, headers=web.bearer("coder")).status_code == 403
    created = client.post("/api/v1/codes", json=new, headers=web.bearer("editor"))
    assert created.status_code == 201 and created.json()["origin"] == "user"
    code_id = created.json()["id"]
    clash = client.post("/api/v1/codes", json=new, headers=web.bearer("editor"))
    assert clash.status_code == 409
    reserved = client.post("/api/v1/codes", json={"name": "societal"}, headers=web.bearer("editor"))
    assert reserved.status_code == 422
    bad = client.post(
        "/api/v1/codes", json={"name": "x", "colour": "red"}, headers=web.bearer("editor")
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "colour"

    change = {**new, "parent": "societal", "version": 1}
    updated = client.put(f"/api/v1/codes/{code_id}", json=change, headers=web.bearer("editor"))
    assert updated.status_code == 200 and updated.json()["parent"] == "societal"
    assert updated.json()["version"] == 2
    frozen = client.put(
        "/api/v1/codes/societal",
        json={"name": "societal", "version": 1},
        headers=web.bearer("admin"),
    )
    assert frozen.status_code == 409 and "read-only" in frozen.json()["error"]["message"]

    doc = _create(web, DOC)
    client.post(
        f"/api/v1/documents/{doc['id']}/codings",
        json={"code": "water sharing", "start": 0, "end": 9},
        headers=web.bearer("coder"),
    )
    in_use = client.delete(f"/api/v1/codes/{code_id}?version=2", headers=web.bearer("editor"))
    assert in_use.status_code == 409


def test_codebook_page_in_russian_with_lexicon_and_user_codes(web, codebook):
    web.client().post("/api/v1/codes", json={"name": "water sharing"}, headers=web.bearer("editor"))
    page = web.client("viewer").get("/codebook?lang=ru")
    assert page.status_code == 200
    for section in ("mechanisms", "context_kinds", "statuses", "activity_types", "actor_types"):
        entry = getattr(codebook, section)[0]
        assert entry.text("ru") in page.text
    assert codebook.entry("mechanisms", "societal").describe("ru") in page.text
    disrupted = next(s for s in codebook.statuses if s.disrupted)
    assert disrupted.text("ru") in page.text
    assert codebook.lexicon["codes"]["societal"]["ru"][0] in page.text
    assert "water sharing" in page.text
    assert 'action="/codebook/codes"' not in page.text  # viewers get no form

    editor = web.client("editor")
    form = {"csrf_token": editor.csrf, "name": "border trade", "colour": "#E69F00"}
    added = editor.post("/codebook/codes", data=form, follow_redirects=False)
    assert added.status_code == 303
    bad = editor.post("/codebook/codes", data={**form, "name": "x", "colour": "blue"})
    assert bad.status_code == 422 and 'id="err-colour"' in bad.text
