"""The coding screen, codings and memos through the API and the forms, ownership of codings,
automatic codings shown apart, and agreement between coders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import serving
from lowpolitics.store.accounts import add_user, issue_token
from lowpolitics.store.corpus import (
    DocumentMeta,
    add_coding,
    add_document,
    framework_codes,
    get_document,
)
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.models import AuditEntry, Coding
from lowpolitics.store.reference import seed_reference
from lowpolitics.web.coding_views import CodingView, split_pieces

# An emoji (outside the BMP: two UTF-16 units, one code point) before the span, so code-point
# and UTF-16 offsets differ by one.
TAJIK = "🎉 Фестивали «Наврӯз» дар Хуҷанд баргузор шуд. Мусиқачиён аз Исфара омаданд."
SPAN = "Наврӯз"
START = TAJIK.index(SPAN)  # 13 code points
END = START + len(SPAN)
FOUR = (
    "Фестиваль прошёл в Баткене. Музыканты приехали из Исфары. "
    "Концерт длился три часа. Жители были рады."
)
CODING_JS = Path(__file__).parent.parent / "src" / "lowpolitics" / "web" / "static" / "coding.js"


def _document(web, text=TAJIK, language="tg") -> int:
    body = {"title": "Наврӯз", "text": text, "language": language}
    response = web.client().post("/api/v1/documents", json=body, headers=web.bearer("editor"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _code(web, doc_id, role, code="societal", start=START, end=END, headers=None):
    return web.client().post(
        f"/api/v1/documents/{doc_id}/codings",
        json={"code": code, "start": start, "end": end},
        headers=headers or web.bearer(role),
    )


def _second_coder(web) -> dict[str, str]:
    with session_scope(web.engine) as session:
        add_user(session, "coder2", "coder", "correct horse battery staple", who="test")
        session.flush()
        token = issue_token(session, "coder2", who="test")
    return {"Authorization": f"Bearer {token}"}


def test_known_answer_offsets_are_code_points():
    assert START == 13
    assert len(TAJIK[:START].encode("utf-16-le")) // 2 == START + 1  # what JavaScript counts


def test_code_a_span_through_the_api_and_see_it_highlighted(web, codebook):
    doc_id = _document(web)
    response = _code(web, doc_id, "coder")
    assert response.status_code == 201, response.text
    coding = response.json()
    assert (coding["start"], coding["end"], coding["text"]) == (START, END, SPAN)
    assert coding["coder"] == "coder" and coding["automatic"] is False and coding["version"] == 1
    assert response.headers["location"] == f"/api/v1/codings/{coding['id']}"
    assert _code(web, doc_id, "coder").status_code == 409  # the same span, code and coder
    outside = _code(web, doc_id, "coder", start=5, end=len(TAJIK) + 1)
    assert outside.status_code == 422
    assert _code(web, doc_id, "coder", code="no such code").status_code == 404

    listed = (
        web.client().get(f"/api/v1/documents/{doc_id}/codings", headers=web.bearer("viewer")).json()
    )
    assert [(c["code"], c["text"]) for c in listed["items"]] == [("societal", SPAN)]

    page = web.client("viewer", lang="ru").get(f"/documents/{doc_id}/code")
    assert page.status_code == 200
    assert f">{SPAN}</mark>" in page.text
    label = codebook.label("mechanisms", "societal", "ru")
    assert f'title="{label} (coder)"' in page.text
    assert 'id="code-form"' not in page.text  # viewers read only
    assert '<script src="/static/coding.js" defer></script>' in page.text
    # the text element holds exactly the stored text, so browser offsets match
    inner = page.text.split('id="doc-text"', 1)[1].split(">", 1)[1].split("</div>", 1)[0]
    assert re.sub(r"<[^>]+>", "", inner) == TAJIK


def test_code_a_selection_through_the_form_plain_and_htmx(web):
    doc_id = _document(web)
    coder = web.client("coder")
    screen = coder.get(f"/documents/{doc_id}/code")
    assert 'id="code-form"' in screen.text and 'name="csrf_token"' in screen.text
    form = {"csrf_token": coder.csrf, "code": "societal", "start": str(START), "end": str(END)}
    saved = coder.post(f"/documents/{doc_id}/code", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/documents/{doc_id}/code?saved=1"
    assert f">{SPAN}</mark>" in coder.get(saved.headers["location"]).text

    htmx = {"HX-Request": "true", "HX-Target": "panel"}
    second = {**form, "code": "institutional", "start": "0", "end": str(END), "memo": "обзор"}
    panel = coder.post(f"/documents/{doc_id}/code", data=second, headers=htmx)
    assert panel.status_code == 200
    assert panel.text.lstrip().startswith('<div id="panel"') or 'id="panel"' in panel.text[:400]
    assert "<html" not in panel.text
    # overlapping codings: the shared stretch is one piece listing both codings
    with session_scope(web.engine) as session:
        ids = sorted(c.id for c in session.scalars(select(Coding)))
    assert f'data-codings="{ids[0]} {ids[1]}">{SPAN}</mark>' in panel.text
    assert "обзор" in panel.text  # the memo on the coding

    bad = coder.post(f"/documents/{doc_id}/code", data={**form, "start": "", "end": ""})
    assert bad.status_code == 422 and "select some text first" in bad.text
    bad_htmx = coder.post(f"/documents/{doc_id}/code", data={**form, "end": "999"}, headers=htmx)
    assert bad_htmx.status_code == 200 and 'role="alert"' in bad_htmx.text

    viewer = web.client("viewer")
    refused = viewer.post(f"/documents/{doc_id}/code", data={**form, "csrf_token": viewer.csrf})
    assert refused.status_code == 403
    assert _code(web, doc_id, "viewer").status_code == 403
    assert (
        coder.post(f"/documents/{doc_id}/code", data={**form, "csrf_token": ""}).status_code == 403
    )


def test_change_and_remove_own_codings_with_audit(web):
    doc_id = _document(web)
    coding_id = _code(web, doc_id, "coder").json()["id"]
    client = web.client()
    changed = client.put(
        f"/api/v1/codings/{coding_id}",
        json={"code": "integrative", "version": 1},
        headers=web.bearer("coder"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["text"] == SPAN
    assert changed.json()["code"] == "integrative"
    stale = client.put(
        f"/api/v1/codings/{coding_id}",
        json={"code": "societal", "version": 1},
        headers=web.bearer("coder"),
    )
    assert stale.status_code == 409

    coder = web.client("coder")
    form = {"csrf_token": coder.csrf, "code": "societal", "version": "2"}
    back = coder.post(
        f"/documents/{doc_id}/codings/{coding_id}/change", data=form, follow_redirects=False
    )
    assert back.status_code == 303
    got = client.get(f"/api/v1/codings/{coding_id}", headers=web.bearer("viewer")).json()
    assert got["code"] == "societal" and got["version"] == 3

    removed = coder.post(
        f"/documents/{doc_id}/codings/{coding_id}/delete",
        data={"csrf_token": coder.csrf, "version": "3"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert (
        client.get(f"/api/v1/codings/{coding_id}", headers=web.bearer("viewer")).status_code == 404
    )
    with session_scope(web.engine) as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "coding", AuditEntry.entity_key == str(coding_id))
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action) for e in entries] == [
            ("coder", "create"),
            ("coder", "update"),
            ("coder", "update"),
            ("coder", "delete"),
        ]
        assert entries[1].before["code"] == "societal" and entries[1].after["code"] == "integrative"
        assert entries[0].after == {
            "document": entries[0].after["document"],
            "code": "societal",
            "start": START,
            "end": END,
            "coder": "coder",
        }


def test_a_coder_cannot_touch_another_coders_coding_but_an_editor_can(web):
    doc_id = _document(web)
    other = _second_coder(web)
    coding_id = _code(web, doc_id, "coder").json()["id"]
    client = web.client()
    assert client.delete(f"/api/v1/codings/{coding_id}?version=1", headers=other).status_code == 403
    put = client.put(f"/api/v1/codings/{coding_id}", json={"code": "institutional"}, headers=other)
    assert put.status_code == 403 and put.json()["error"]["type"] == "forbidden_error"
    # the second coder's screen offers no change or remove forms for it
    theirs = _code(web, doc_id, "coder2", headers=other).json()["id"]
    screen = web.client("coder").get(f"/documents/{doc_id}/code").text
    assert f'action="/documents/{doc_id}/codings/{coding_id}/change"' in screen
    assert f"/codings/{theirs}/change" not in screen and f"/codings/{theirs}/delete" not in screen
    coder = web.client("coder")
    refused = coder.post(
        f"/documents/{doc_id}/codings/{theirs}/delete",
        data={"csrf_token": coder.csrf, "version": "1"},
    )
    assert refused.status_code == 403
    assert (
        client.delete(
            f"/api/v1/codings/{coding_id}?version=1", headers=web.bearer("editor")
        ).status_code
        == 204
    )


def test_automatic_codings_are_listed_apart_and_can_be_hidden(web, codebook):
    doc_id = _document(web)
    with session_scope(web.engine) as session:
        document = get_document(session, doc_id)
        codes = framework_codes(session, codebook)
        auto = add_coding(session, document, codes["societal"], 34, 40, "auto:lexicon").id
        span = document.text[34:40]
    _code(web, doc_id, "coder", code="institutional")
    page = web.client("coder").get(f"/documents/{doc_id}/code").text
    people, machine = page.split("Automatic codings", 1)
    assert "auto:lexicon" not in people.split("Codings by people", 1)[1]
    assert "auto:lexicon" in machine and f"«{span}»" in machine
    assert '<mark class="auto" ' in page and f">{span}</mark>" in page
    hidden = web.client("coder").get(f"/documents/{doc_id}/code?auto=0").text
    assert '<mark class="auto"' not in hidden and f">{SPAN}</mark>" in hidden
    assert "Show automatic codings" in hidden

    api = (
        web.client()
        .get(f"/api/v1/documents/{doc_id}/codings?automatic=true", headers=web.bearer("viewer"))
        .json()
    )
    assert [(c["coder"], c["automatic"]) for c in api["items"]] == [("auto:lexicon", True)]
    client = web.client()
    url = f"/api/v1/codings/{auto}?version=1"
    assert client.delete(url, headers=web.bearer("coder")).status_code == 403
    assert client.delete(url, headers=web.bearer("editor")).status_code == 204


def test_memos_through_form_and_api_with_ownership(web):
    doc_id = _document(web)
    coder = web.client("coder")
    added = coder.post(
        f"/documents/{doc_id}/memos",
        data={"csrf_token": coder.csrf, "text": "Check the date"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    client = web.client()
    memos = client.get(f"/api/v1/memos?document={doc_id}", headers=web.bearer("viewer")).json()
    assert [(m["author"], m["text"]) for m in memos["items"]] == [("coder", "Check the date")]
    memo_id = memos["items"][0]["id"]
    other = _second_coder(web)
    change = {"text": "changed", "version": 1}
    assert client.put(f"/api/v1/memos/{memo_id}", json=change, headers=other).status_code == 403
    ok = client.put(f"/api/v1/memos/{memo_id}", json=change, headers=web.bearer("coder"))
    assert ok.status_code == 200 and ok.json()["version"] == 2
    created = client.post(
        "/api/v1/memos", json={"text": "On the code", "code": "societal"}, headers=other
    )
    assert created.status_code == 201 and created.json()["code_id"] is not None
    assert client.post("/api/v1/memos", json={"text": " "}, headers=other).status_code == 422
    assert "changed" in web.client("viewer").get(f"/documents/{doc_id}/code").text
    assert (
        client.delete(
            f"/api/v1/memos/{memo_id}?version=2", headers=web.bearer("editor")
        ).status_code
        == 204
    )


def test_agreement_known_answer_three_of_four_sentences(web):
    doc_id = _document(web, FOUR, "ru")
    bounds = [(0, 27), (28, 57), (58, 82), (83, 100)]
    for start, end in bounds[:3]:  # coder: sentences 1-3; editor: sentences 1-2
        assert _code(web, doc_id, "coder", start=start, end=end).status_code == 201
    for start, end in bounds[:2]:
        assert _code(web, doc_id, "editor", start=start, end=end).status_code == 201
    result = web.client().get(
        "/api/v1/reliability?coder_a=coder&coder_b=editor&unit=segment",
        headers=web.bearer("viewer"),
    )
    assert result.status_code == 200, result.text
    body = result.json()
    overall = body["overall"]
    assert overall["n_units"] == 4 and overall["percent_agreement"] == pytest.approx(0.75)
    assert overall["cohen_kappa"] == pytest.approx(0.5)
    assert overall["krippendorff_alpha"] == pytest.approx(8 / 15)
    assert body["by_code"]["societal"]["percent_agreement"] == pytest.approx(0.75)
    assert overall["small_sample"] is True and "only 4 units" in body["warnings"][0]
    assert [(d["start"], d["end"]) for d in body["disagreements"]] == [(58, 82)]
    assert body["disagreements"][0]["codes"] == {"coder": ["societal"], "editor": []}

    page = web.client("viewer").get("/agreement?coder_a=coder&coder_b=editor&unit=segment")
    assert page.status_code == 200
    assert "75.0" in page.text and "only 4 units" in page.text
    assert f'href="/documents/{doc_id}/code?focus=58-82#focus"' in page.text
    assert '<option value="auto:lexicon"' not in page.text
    focus = web.client("viewer").get(f"/documents/{doc_id}/code?focus=58-82").text
    assert 'id="focus"' in focus
    same = web.client().get(
        "/api/v1/reliability?coder_a=coder&coder_b=coder", headers=web.bearer("viewer")
    )
    assert same.status_code == 400


def test_split_pieces_cuts_at_every_boundary():
    def view(i, start, end, automatic=False):
        return CodingView(i, "c", "c", "#000000", start, end, "", "x", automatic, None, 1, None)

    text = "abcdefghij"
    pieces = split_pieces(text, [view(1, 2, 6), view(2, 4, 8, automatic=True)], focus=(0, 1))
    assert "".join(p.text for p in pieces) == text
    assert [(p.start, p.end, [c.id for c in p.covers]) for p in pieces] == [
        (0, 1, []),
        (1, 2, []),
        (2, 4, [1]),
        (4, 6, [1, 2]),
        (6, 8, [2]),
        (8, 10, []),
    ]
    assert pieces[0].focus_first and pieces[4].automatic and not pieces[3].automatic


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_browser_offsets_become_code_points():
    script = (
        "global.document = {addEventListener() {}};"
        f"const m = require({str(CODING_JS)!r});"
        f"const text = {TAJIK!r};"
        f"const units = text.indexOf({SPAN!r});"
        "console.log(m.codePoints(text, units), m.codePoints(text, units + "
        f"{len(SPAN)}));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(START), str(END)]


# --- in a real browser: selection → code points → htmx swap ---------------------------------


@pytest.fixture(scope="module")
def coding_server(tmp_path_factory, codebook, gazetteer):
    """uvicorn on a free port over SQLite, with a coder and the Tajik text (skips without
    Debian's chromium, as tests/test_web_browser.py does)."""
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")

    from lowpolitics.web import create_app

    folder = tmp_path_factory.mktemp("coding-browser")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
        add_user(session, "coder", "coder", "correct horse battery staple", who="t")
        document, _ = add_document(session, TAJIK, DocumentMeta(title="Наврӯз", language="tg"))
        document_id = document.id
    app = create_app(engine, codebook, gazetteer, work_dir=folder / "work")
    with serving(app) as url:
        yield {"url": url, "document_id": document_id, "engine": engine}
    engine.dispose()


SELECT_SECOND_NAVRUZ = """() => {
  const root = document.getElementById("doc-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node, found = null;
  while ((node = walker.nextNode())) { if (node.data.includes("Мусиқачиён")) found = node; }
  const at = found.data.indexOf("Мусиқачиён");
  const range = document.createRange();
  range.setStart(found, at);
  range.setEnd(found, at + "Мусиқачиён".length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""


def test_select_and_code_in_a_real_browser(coding_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = browser.new_context(base_url=coding_server["url"], locale="en-GB")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/login")
        page.get_by_label("User name").fill("coder")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        doc_id = coding_server["document_id"]
        page.goto(f"/documents/{doc_id}/code")
        page.evaluate(SELECT_SECOND_NAVRUZ)
        word = "Мусиқачиён"
        start = TAJIK.index(word)
        assert page.locator("#f-start").input_value() == str(start)
        assert page.locator("#f-end").input_value() == str(start + len(word))
        page.locator("#f-code").select_option("societal")
        page.get_by_role("button", name="Code selection").click()
        page.locator("#doc-text mark", has_text=word).wait_for()
        assert page.url.endswith(f"/documents/{doc_id}/code")  # swapped in place, no reload
        assert "Coded." in page.locator("#panel").inner_text()
        browser.close()
    assert not errors, errors
    with session_scope(coding_server["engine"]) as session:
        stored = [(c.start, c.end, c.coder) for c in session.scalars(select(Coding))]
    assert stored == [(start, start + len(word), "coder")]
