"""Blind coding: a coder sees only their own codings of a document until they mark it done,
then those of each other coder who marked it done too; editors and admins see everything.
The page, the API (codings, memos, agreement) and the lists all follow the same rule. Also the
stacked stripes of overlapping codes on the coding screen."""

from __future__ import annotations

from sqlalchemy import select

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.store.accounts import add_user, issue_token
from lowpolitics.store.corpus import add_coding, framework_codes, get_document
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import AuditEntry
from lowpolitics.web.coding_views import CodingView, split_pieces

TEXT = "🎉 Фестивали «Наврӯз» дар Хуҷанд баргузор шуд. Мусиқачиён аз Исфара омаданд."
A_SPAN = "Наврӯз"
B_SPAN = "Хуҷанд"


def _document(web) -> int:
    body = {"title": "Наврӯз", "text": TEXT, "language": "tg"}
    response = web.client().post("/api/v1/documents", json=body, headers=web.bearer("editor"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _code(web, doc_id: int, headers: dict, span: str, code: str = "societal"):
    start = TEXT.index(span)
    return web.client().post(
        f"/api/v1/documents/{doc_id}/codings",
        json={"code": code, "start": start, "end": start + len(span), "memo": f"memo {span}"},
        headers=headers,
    )


def _coder_b(web) -> dict[str, str]:
    with session_scope(web.engine) as session:
        add_user(session, "coder2", "coder", "correct horse battery staple", who="test")
        session.flush()
        token = issue_token(session, "coder2", who="test")
    return {"Authorization": f"Bearer {token}"}


def _blind(web, on: bool = True) -> None:
    response = web.client().put(
        "/api/v1/coding-settings", json={"blind": on}, headers=web.bearer("editor")
    )
    assert response.status_code == 200 and response.json() == {"blind": on}, response.text


def _seen(web, doc_id: int, headers: dict) -> dict[str, set]:
    """What a caller sees of the document's codings, everywhere they are shown."""
    client = web.client()
    by_document = client.get(f"/api/v1/documents/{doc_id}/codings", headers=headers).json()
    listed = client.get("/api/v1/codings", headers=headers).json()
    memos = client.get(f"/api/v1/memos?document={doc_id}", headers=headers).json()
    coded = client.get("/api/v1/memos", headers=headers).json()
    page = client.get(f"/documents/{doc_id}/code", headers=headers)
    assert page.status_code == 200
    return {
        "document": {c["text"] for c in by_document["items"]},
        "list": {c["text"] for c in listed["items"]},
        "memos": {m["text"] for m in memos["items"]} | {m["text"] for m in coded["items"]},
        "page": {span for span in (A_SPAN, B_SPAN) if f">{span}</mark>" in page.text},
        "page_text": page.text,
    }


def test_blind_coding_is_off_until_an_editor_turns_it_on(web):
    client = web.client()
    assert client.get("/api/v1/coding-settings", headers=web.bearer("viewer")).json() == {
        "blind": False
    }
    refused = client.put(
        "/api/v1/coding-settings", json={"blind": True}, headers=web.bearer("coder")
    )
    assert refused.status_code == 403
    _blind(web)
    with session_scope(web.engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "coding_setting")
        ).one()
        assert (entry.actor, entry.before, entry.after) == (
            "editor",
            {"blind": False},
            {"blind": True},
        )


def test_without_blind_coding_coders_see_each_other(web):
    doc_id = _document(web)
    b = _coder_b(web)
    assert _code(web, doc_id, web.bearer("coder"), A_SPAN).status_code == 201
    assert _code(web, doc_id, b, B_SPAN).status_code == 201
    seen = _seen(web, doc_id, b)
    assert seen["document"] == seen["list"] == seen["page"] == {A_SPAN, B_SPAN}


def test_blind_hides_a_coders_codings_until_both_marked_the_document_done(web):
    doc_id = _document(web)
    a, b = web.bearer("coder"), _coder_b(web)
    _blind(web)
    a_id = _code(web, doc_id, a, A_SPAN).json()["id"]
    assert _code(web, doc_id, b, B_SPAN).status_code == 201
    client = web.client()

    seen = _seen(web, doc_id, b)
    assert seen["document"] == seen["list"] == seen["page"] == {B_SPAN}
    assert seen["memos"] == {f"memo {B_SPAN}"}
    assert f'id="coding-{a_id}"' not in seen["page_text"] and "(coder)" not in seen["page_text"]
    assert "Mark this document done" in seen["page_text"]
    assert client.get(f"/api/v1/codings/{a_id}", headers=b).status_code == 404
    assert client.get("/api/v1/codings?coder=coder", headers=b).json()["items"] == []
    refused = client.get("/api/v1/reliability?coder_a=coder&coder_b=coder2", headers=b)
    assert refused.status_code == 403
    assert (
        "Blind coding is on"
        in client.get("/agreement?coder_a=coder&coder_b=coder2", headers=b).text
    )
    # nor does A see B's
    assert _seen(web, doc_id, a)["document"] == {A_SPAN}

    # B is done, A not yet: B still sees only their own, and can no longer change them
    marked = client.post(f"/api/v1/documents/{doc_id}/codings/done", headers=b)
    assert marked.status_code == 200, marked.text
    assert marked.json()["done_by"] == ["coder2"] and marked.json()["you_are_done"] is True
    assert _seen(web, doc_id, b)["document"] == {B_SPAN}
    closed = _code(web, doc_id, b, "Исфара")
    assert closed.status_code == 409 and "marked this document done" in closed.text

    # A marks done: the comparison opens for both, codings and memos
    assert client.post(f"/api/v1/documents/{doc_id}/codings/done", headers=a).status_code == 200
    for headers in (a, b):
        seen = _seen(web, doc_id, headers)
        assert seen["document"] == seen["list"] == seen["page"] == {A_SPAN, B_SPAN}
        assert seen["memos"] == {f"memo {A_SPAN}", f"memo {B_SPAN}"}
    assert client.get(f"/api/v1/codings/{a_id}", headers=b).status_code == 200
    with session_scope(web.engine) as session:
        actions = session.execute(
            select(AuditEntry.actor, AuditEntry.action).where(AuditEntry.entity == "coding_done")
        ).all()
    assert sorted(actions) == [("coder", "create"), ("coder2", "create")]


def test_editors_and_admins_see_everything_and_reopen(web):
    doc_id = _document(web)
    a, b = web.bearer("coder"), _coder_b(web)
    _blind(web)
    _code(web, doc_id, a, A_SPAN)
    _code(web, doc_id, b, B_SPAN)
    for role in ("editor", "admin"):
        seen = _seen(web, doc_id, web.bearer(role))
        assert seen["document"] == seen["list"] == seen["page"] == {A_SPAN, B_SPAN}
        assert "Turn blind coding off" in seen["page_text"]
    assert _seen(web, doc_id, web.bearer("viewer"))["document"] == set()
    reliability = web.client().get(
        "/api/v1/reliability?coder_a=coder&coder_b=coder2", headers=web.bearer("editor")
    )
    assert reliability.status_code == 200

    client = web.client()
    client.post(f"/api/v1/documents/{doc_id}/codings/done", headers=b)
    assert _code(web, doc_id, b, "Исфара").status_code == 409
    done = client.get(f"/api/v1/documents/{doc_id}/done", headers=web.bearer("viewer")).json()
    assert done["done_by"] == ["coder2"] and done["hidden_from_you"] is True
    assert client.delete(f"/api/v1/documents/{doc_id}/done/coder2", headers=b).status_code == 403
    editor = web.bearer("editor")
    assert (
        client.delete(f"/api/v1/documents/{doc_id}/done/coder2", headers=editor).status_code == 204
    )
    assert (
        client.delete(f"/api/v1/documents/{doc_id}/done/coder2", headers=editor).status_code == 404
    )
    assert _code(web, doc_id, b, "Исфара").status_code == 201


def test_a_programs_codings_show_once_the_coder_is_done(web):
    doc_id = _document(web)
    b = _coder_b(web)
    _blind(web)
    with session_scope(web.engine) as session:
        document = get_document(session, doc_id)
        code = framework_codes(session, load_codebook())["institutional"]
        start = TEXT.index(A_SPAN)
        add_coding(session, document, code, start, start + len(A_SPAN), "auto:test", confidence=0.9)
    _code(web, doc_id, b, B_SPAN)
    assert _seen(web, doc_id, b)["document"] == {B_SPAN}
    web.client().post(f"/api/v1/documents/{doc_id}/codings/done", headers=b)
    assert _seen(web, doc_id, b)["document"] == {A_SPAN, B_SPAN}  # a program has no "done"


def test_the_forms_mark_done_and_switch_blind_coding(web):
    doc_id = _document(web)
    editor = web.client("editor")
    switched = editor.post(
        "/coding/blind",
        data={"csrf_token": editor.csrf, "blind": "on", "back": f"/documents/{doc_id}/code"},
        follow_redirects=False,
    )
    assert (
        switched.status_code == 303 and switched.headers["location"] == f"/documents/{doc_id}/code"
    )
    elsewhere = editor.post(
        "/coding/blind",
        data={"csrf_token": editor.csrf, "blind": "on", "back": "https://example.org/"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/documents"
    bad = editor.post("/coding/blind", data={"csrf_token": editor.csrf, "blind": "maybe"})
    assert bad.status_code == 422

    coder = web.client("coder")
    _code(web, doc_id, web.bearer("coder"), A_SPAN)
    htmx = {"HX-Request": "true", "HX-Target": "panel"}
    panel = coder.post(
        f"/documents/{doc_id}/code/done", data={"csrf_token": coder.csrf}, headers=htmx
    )
    assert panel.status_code == 200 and "Marked done." in panel.text
    assert "You marked this document done" in panel.text
    assert 'id="code-form"' not in panel.text  # closed for this coder
    reopened = editor.post(
        f"/documents/{doc_id}/reopen",
        data={"csrf_token": editor.csrf, "coder": "coder"},
        headers=htmx,
    )
    assert reopened.status_code == 200 and "Reopened for the coder." in reopened.text
    assert 'id="code-form"' in coder.get(f"/documents/{doc_id}/code").text


# --- stacked stripes --------------------------------------------------------------------------


def _view(coding_id, code, colour, start, end, automatic=False) -> CodingView:
    return CodingView(
        coding_id, code, code, colour, start, end, "", "coder", automatic, None, 1, None
    )


def test_overlapping_codes_stack_one_stripe_each_at_a_lane_kept_along_the_text():
    text = "abcdefghij"
    views = [
        _view(1, "societal", "#E69F00", 0, 6),
        _view(2, "institutional", "#0072B2", 3, 10),
        _view(3, "institutional", "#0072B2", 4, 5, automatic=True),  # same code: one stripe
    ]
    pieces = split_pieces(text, views)
    assert "".join(p.text for p in pieces) == text
    overlap = next(p for p in pieces if p.start == 3)
    assert overlap.stripes == [
        ("#E69F00", "societal", False, 0),
        ("#0072B2", "institutional", False, 1),
    ]
    assert overlap.colours == "#E69F00 #0072B2"
    assert overlap.style.count("linear-gradient") == 2
    assert "0 calc(100% - 0px) / 100% 3px" in overlap.style
    assert "0 calc(100% - 3px) / 100% 3px" in overlap.style
    assert "padding-bottom: 6px" in overlap.style
    inner = next(p for p in pieces if p.start == 4)
    assert [stripe[3] for stripe in inner.stripes] == [0, 1]
    assert not any(stripe[2] for stripe in inner.stripes)  # a person gave that code too
    # past the first coding, the second keeps its lane (a gap below, not a jump)
    tail = pieces[-1]
    assert tail.stripes == [("#0072B2", "institutional", False, 1)]
    assert "padding-bottom: 6px" in tail.style
    machine = split_pieces(text, [_view(4, "frames", "#F0E442", 0, 2, automatic=True)])[0]
    assert machine.stripes[0][2] is True and "repeating-linear-gradient" in machine.style


def test_counts_and_the_coded_filter_do_not_tell_a_coder_about_a_colleagues_codings(web):
    """A count of codings on the documents list, or the "coded by a person" filter, would say
    that a colleague coded a text before the coder has finished it — the blindness would leak
    through the lists even with the codings themselves hidden."""
    doc_id = _document(web)
    coder_b = _coder_b(web)
    assert _code(web, doc_id, web.bearer("coder"), A_SPAN).status_code == 201
    _blind(web)
    client = web.client()

    def listed(headers: dict, **params) -> dict[int, int]:
        body = client.get("/api/v1/documents", params=params, headers=headers).json()
        return {d["id"]: d["codings_people"] for d in body["items"]}

    one = client.get(f"/api/v1/documents/{doc_id}", headers=coder_b).json()
    assert one["codings_people"] == 0
    assert listed(coder_b).get(doc_id) == 0
    assert doc_id not in listed(coder_b, coded="true")
    assert doc_id in listed(coder_b, coded="false")
    page = client.get("/documents?coded=yes", headers=coder_b).text
    assert f'href="/documents/{doc_id}"' not in page
    # the coder who coded it, and an editor, still see the count
    assert listed(web.bearer("coder")).get(doc_id) == 1
    assert listed(web.bearer("editor"), coded="true").get(doc_id) == 1
    # once both are done, the comparison is open and the count with it
    assert _code(web, doc_id, coder_b, B_SPAN).status_code == 201
    for headers in (web.bearer("coder"), coder_b):
        done = client.post(f"/api/v1/documents/{doc_id}/codings/done", headers=headers)
        assert done.status_code in (200, 201), done.text
    assert listed(coder_b).get(doc_id) == 2
