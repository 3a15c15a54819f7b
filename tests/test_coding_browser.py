"""The coding screen in a real browser: blind coding hides then reveals another coder's
codings, a quick-code button (and its number key) codes a mouse selection, and overlapping
codes show one stripe each. Skips without Debian's chromium, as tests/test_web_browser.py."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import serving
from lowpolitics.store.accounts import add_user
from lowpolitics.store.blind import set_blind_coding
from lowpolitics.store.corpus import DocumentMeta, add_document
from lowpolitics.store.corpus_edit import code_span
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.models import Coding
from lowpolitics.store.reference import seed_reference

# the emoji (two UTF-16 units, one code point) makes browser and server offsets differ
TEXT = "🎉 Фестивали «Наврӯз» дар Хуҷанд баргузор шуд. Мусиқачиён аз Исфара омаданд."
PASSWORD = "correct horse battery staple"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, codebook, gazetteer):
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")

    from lowpolitics.web import create_app

    folder = tmp_path_factory.mktemp("coding-browser-blind")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
        for name, role in (("alice", "coder"), ("bob", "coder"), ("ed", "editor")):
            add_user(session, name, role, PASSWORD, who="t")
        set_blind_coding(session, True, "ed")
    app = create_app(engine, codebook, gazetteer, work_dir=folder / "work")
    with serving(app) as url:
        yield {"url": url, "engine": engine, "codebook": codebook}
    engine.dispose()


def _document(server, title: str, codings=()) -> int:
    """A document of TEXT with codings (coder, code, word) made in the store."""
    with session_scope(server["engine"]) as session:
        # the title at the end keeps the texts apart (a stored text is stored once)
        text = f"{TEXT} ({title})"
        document, _ = add_document(session, text, DocumentMeta(title=title, language="tg"))
        for coder, code, word in codings:
            start = TEXT.index(word)
            code_span(
                session, document, code, start, start + len(word), coder, None, server["codebook"]
            )
        return document.id


@contextmanager
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _logged_in(browser, server, name: str, errors: list[str]):
    context = browser.new_context(base_url=server["url"], locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm on "Mark done"
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _marked(page) -> list[str]:
    return page.locator("#doc-text mark").all_inner_texts()


def test_blind_coding_hides_a_coders_codings_until_both_are_done(server):
    doc_id = _document(
        server, "blind", [("alice", "societal", "Наврӯз"), ("bob", "institutional", "Хуҷанд")]
    )
    errors: list[str] = []
    with _browser() as browser:
        bob = _logged_in(browser, server, "bob", errors)
        bob.goto(f"/documents/{doc_id}/code")
        assert _marked(bob) == ["Хуҷанд"]
        assert "alice" not in bob.locator("#panel").inner_text()

        bob.get_by_role("button", name="Mark this document done").click()
        bob.get_by_text("Marked done.").wait_for()
        assert _marked(bob) == ["Хуҷанд"]  # alice has not finished: still hidden
        assert bob.locator("#code-form").count() == 0  # bob's codings are closed

        alice = _logged_in(browser, server, "alice", errors)
        alice.goto(f"/documents/{doc_id}/code")
        assert _marked(alice) == ["Наврӯз"]
        alice.get_by_role("button", name="Mark this document done").click()
        alice.get_by_text("Marked done.").wait_for()
        assert _marked(alice) == ["Наврӯз", "Хуҷанд"]  # the comparison

        bob.reload()
        assert _marked(bob) == ["Наврӯз", "Хуҷанд"]
        compared = bob.locator(".by-coder h3").all_inner_texts()
        assert [h.split(" ")[0] for h in compared] == ["alice", "bob"]
    assert not errors, errors


SPAN_RECT = """(word) => {
  const root = document.getElementById("doc-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    const rects = range.getClientRects();
    const first = rects[0], last = rects[rects.length - 1];
    return {x0: first.left, y0: first.top + first.height / 2,
            x1: last.right, y1: last.top + last.height / 2};
  }
  return null;
}"""


def _drag_select(page, word: str) -> None:
    """Select ``word`` with the mouse, as a reader does: press, drag, release."""
    box = page.evaluate(SPAN_RECT, word)
    assert box, word
    page.mouse.move(box["x0"] + 1, box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"] - 1, box["y1"], steps=8)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == word


def _stored(server, doc_id: int) -> list[tuple[int, int, str, str]]:
    with session_scope(server["engine"]) as session:
        rows = session.scalars(
            select(Coding).where(Coding.document_id == doc_id).order_by(Coding.start)
        )
        return [(c.start, c.end, c.coder, TEXT[c.start : c.end]) for c in rows]


def test_a_quick_code_button_codes_a_mouse_selection(server):
    doc_id = _document(server, "quick")
    errors: list[str] = []
    with _browser() as browser:
        page = _logged_in(browser, server, "alice", errors)
        page.goto(f"/documents/{doc_id}/code")
        toolbar = page.locator("#quick-codes")
        assert toolbar.is_hidden()  # nothing selected yet

        word = "Мусиқачиён"
        _drag_select(page, word)
        toolbar.wait_for(state="visible")
        button = toolbar.locator('button[data-code="societal"]')
        assert button.inner_text().startswith("2")  # its number key is shown on it
        button.click()
        page.locator("#doc-text mark", has_text=word).wait_for()
        assert "Coded." in page.locator("#panel").inner_text()
        start = TEXT.index(word)  # code points: one less than JavaScript's UTF-16 index
        assert _stored(server, doc_id) == [(start, start + len(word), "alice", word)]

        # the keyboard: select, then press 1 (the first code of the codebook)
        other = "Исфара"
        _drag_select(page, other)
        toolbar.wait_for(state="visible")
        page.keyboard.press("1")
        page.locator("#doc-text mark", has_text=other).wait_for()
        with session_scope(server["engine"]) as session:
            codes = {
                TEXT[c.start : c.end]: c.code_id
                for c in session.scalars(select(Coding).where(Coding.document_id == doc_id))
            }
        from lowpolitics.store.models import Code

        with session_scope(server["engine"]) as session:
            names = {code.id: code.name for code in session.scalars(select(Code))}
        assert {word: names[codes[word]], other: names[codes[other]]} == {
            word: "societal",
            other: "institutional",
        }
        assert toolbar.is_hidden()
    assert not errors, errors


def test_overlapping_codes_show_one_stripe_each(server):
    doc_id = _document(
        server,
        "stripes",
        [("alice", "institutional", "Фестивали «Наврӯз»"), ("alice", "societal", "«Наврӯз» дар")],
    )
    errors: list[str] = []
    with _browser() as browser:
        page = _logged_in(browser, server, "ed", errors)
        page.goto(f"/documents/{doc_id}/code")
        overlap = page.locator("#doc-text mark", has_text="«Наврӯз»").first
        assert overlap.inner_text() == "«Наврӯз»"
        assert overlap.get_attribute("data-colours") == "#0072B2 #E69F00"  # lowest lane first
        image = overlap.evaluate("(el) => getComputedStyle(el).backgroundImage")
        assert image.count("linear-gradient") == 2
        assert "rgb(0, 114, 178)" in image and "rgb(230, 159, 0)" in image
        title = overlap.get_attribute("title")
        assert "Institutional" in title and "Societal" in title
        alone = page.locator("#doc-text mark", has_text="Фестивали").first
        assert alone.evaluate("(el) => getComputedStyle(el).backgroundImage").count("gradient") == 1
    assert not errors, errors
