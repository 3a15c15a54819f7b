"""The web app in a real browser: Debian's chromium driven by Playwright, as a new user would.

Runs against uvicorn on a free local port over a SQLite database. When CI=true the browser
must be there; elsewhere the tests skip with the reason when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from conftest import PASSWORD, serving
from lowpolitics.store.corpus import DocumentMeta, add_document
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.reference import seed_reference

CHROMIUM = Path("/usr/bin/chromium")
DOC_TEXT = (
    "Фестиваль дружбы прошёл в Баткене. Молодёжь из Исфары и Баткена вместе пела и "
    "танцевала, а школы договорились об обмене учениками."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        reason = "Debian's chromium is not installed at /usr/bin/chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, codebook, gazetteer):
    _need_chromium()
    from argon2 import PasswordHasher

    from lowpolitics.store import accounts
    from lowpolitics.web import create_app

    folder = tmp_path_factory.mktemp("browser")
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    upgrade(engine)
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
        accounts.add_user(session, "editor", "editor", PASSWORD, who="test")
        document, _ = add_document(
            session,
            DOC_TEXT,
            DocumentMeta(key="festival-batken", title="Фестиваль в Баткене", language="ru"),
            who="test",
        )
        document_id = document.id
    app = create_app(engine, codebook, gazetteer, work_dir=folder / "work")
    with serving(app) as url:
        yield {"url": url, "document_id": document_id, "engine": engine}
    engine.dispose()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, gazetteer):
    """The web app over the bundled Kyrgyz–Tajik data, as ``lowpolitics demo`` serves it."""
    _need_chromium()
    from lowpolitics.cli.demo import build_demo
    from lowpolitics.store import accounts
    from lowpolitics.web import create_app

    folder = tmp_path_factory.mktemp("demo-browser")
    state = build_demo(folder / "db", verbose=False)
    with session_scope(state.engine) as session:
        accounts.add_user(session, "viewer", "viewer", PASSWORD, who="test")
    app = create_app(state.engine, state.codebook, gazetteer, work_dir=folder / "work")
    with serving(app) as url:
        yield url
    state.close()


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server["url"], locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a 4xx page is sometimes the point (a form with errors answers 422); a broken script,
    # a missing asset or any 5xx is not
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 500 or (r.status >= 400 and "/static/" in r.url)
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


def _log_in(page, user: str = "editor") -> None:
    page.goto("/activities")
    assert "/login" in page.url
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_log_in_add_an_activity_and_find_it_in_the_list(page):
    _log_in(page)
    page.goto("/activities/new")
    page.get_by_role("textbox", name="Title", exact=True).fill(
        "Cross-border <b>choir</b> meeting in Isfara"
    )
    page.get_by_role("textbox", name="Date", exact=True).fill("2024-06-15")
    page.get_by_role("combobox", name="Mechanism", exact=True).select_option("societal")
    page.get_by_role("combobox", name="Status", exact=True).select_option("held")
    page.get_by_label("Host country").fill("TJ")
    page.get_by_label("Partner country").fill("KG")
    page.get_by_role("spinbutton", name="Participants", exact=True).fill("45")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/activities/*?saved=1")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Cross-border <b>choir</b> meeting in Isfara"
    )
    page.goto("/activities")
    page.get_by_label("Search").fill("choir")
    page.get_by_role("button", name="Filter").click()
    row = page.locator("#results tbody tr").first
    row.wait_for()
    assert "choir" in row.inner_text()
    assert page.locator("#results tbody tr").count() == 1


def test_a_bad_date_shows_the_error_next_to_the_field(page):
    _log_in(page)
    page.goto("/activities/new")
    page.get_by_role("textbox", name="Title", exact=True).fill("Wrong date")
    page.get_by_role("textbox", name="Date", exact=True).fill("2024-02-31")
    page.get_by_role("combobox", name="Mechanism", exact=True).select_option("societal")
    page.get_by_role("combobox", name="Status", exact=True).select_option("held")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#err-date")
    error.wait_for()
    assert "2024-02-31" in error.inner_text()


def test_a_bad_filter_date_is_said_next_to_the_filter(page):
    """htmx refreshes only the results; the refused date's message still lands beside its
    field (out of band), and goes away once the date is right."""
    _log_in(page)
    page.goto("/activities")
    page.get_by_label("From").fill("soon")
    page.get_by_role("button", name="Filter").click()
    error = page.locator("#filter-date_from #err-date_from")
    error.wait_for()
    assert "soon" in error.inner_text()
    assert "A filter needs correcting" in page.locator("#results").inner_text()
    # the field's change and the button's submit each send a request, and each answer swaps
    # the field in again: type only once both have landed
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.get_by_label("From").fill("2020")
    page.get_by_role("button", name="Filter").click()
    error.wait_for(state="detached")
    assert "A filter needs correcting" not in page.locator("#results").inner_text()


def test_switch_to_russian(page):
    _log_in(page)
    page.goto("/activities")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    menu = page.get_by_role("navigation", name="Главное меню").inner_text()
    assert "Мероприятия" in menu and "Activities" not in menu
    assert page.get_by_role("heading", level=1).inner_text() == "Мероприятия"


def test_code_a_span_by_selecting_it_with_the_mouse(page, live_server):
    _log_in(page)
    page.goto(f"/documents/{live_server['document_id']}/code")
    words = "Фестиваль дружбы"
    # where the words are on screen, then a real drag across them with the mouse
    box = page.evaluate(
        """(words) => {
            const root = document.getElementById('doc-text');
            const node = root.firstChild;
            const at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x0: first.left + 1, y0: first.top + first.height / 2,
                    x1: last.right - 1, y1: last.top + last.height / 2};
        }""",
        words,
    )
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=8)
    page.mouse.up()
    assert page.locator("#f-start").input_value() == "0"
    assert page.locator("#f-end").input_value() == str(len(words))
    page.get_by_label("Code", exact=True).select_option("societal")
    page.get_by_role("button", name="Code selection").click()
    mark = page.locator("#doc-text mark").first
    mark.wait_for()
    assert mark.inner_text() == words
    assert page.locator("#panel").get_by_text("Coded.").is_visible()
    # the coding is stored in code points, by the logged-in user
    from sqlalchemy import select

    from lowpolitics.store.models import Coding

    with session_scope(live_server["engine"]) as session:
        coding = session.scalars(select(Coding).where(Coding.coder == "editor")).one()
        assert (coding.start, coding.end) == (0, len(words))


def test_deleting_asks_first(page, live_server):
    _log_in(page)
    page.goto("/activities/new")
    page.get_by_role("textbox", name="Title", exact=True).fill("Temporary record")
    page.get_by_role("textbox", name="Date", exact=True).fill("2020")
    page.get_by_role("combobox", name="Mechanism", exact=True).select_option("discursive")
    page.get_by_role("combobox", name="Status", exact=True).select_option("planned")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/activities/*?saved=1")
    detail = page.url.split("?")[0]
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_timeout(300)
    assert page.url.startswith(detail)  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/activities?deleted=*")
    assert page.goto(detail).status == 404


def test_two_editors_on_one_activity_the_second_sees_the_others_value(
    browser, live_server, codebook, gazetteer
):
    """Aziza and Timur open the same activity; Aziza saves first. Timur's save is not
    taken silently either way: his form shows, on the title, his value and Aziza's with her
    name, and saves only once he has chosen — here, to keep his own."""
    from lowpolitics.store import accounts
    from lowpolitics.store.editing import save_activity

    with session_scope(live_server["engine"]) as session:
        for name in ("aziza", "timur"):
            accounts.add_user(session, name, "editor", PASSWORD, who="test")
        row = {
            "id": "two-editors",
            "date": "2024-05",
            "title": "Choir exchange in Isfara",
            "mechanism": "societal",
            "status": "held",
            "participants_total": "30",
        }
        save_activity(session, codebook, gazetteer, row, who="test")

    contexts = [browser.new_context(base_url=live_server["url"], locale="en-GB") for _ in "ab"]
    failures: list[str] = []
    try:
        aziza, timur = (c.new_page() for c in contexts)
        for page, name in ((aziza, "aziza"), (timur, "timur")):
            page.on("response", lambda r: failures.append(r.url) if r.status >= 500 else None)
            _log_in(page, name)
            page.goto("/activities/two-editors/edit")
        aziza.fill("input[name='title']", "Choir exchange in Isfara and Batken")
        aziza.get_by_role("button", name="Save").click()
        aziza.wait_for_url("**/activities/two-editors?saved=1")

        timur.fill("input[name='title']", "Joint choir exchange, Isfara")
        timur.get_by_role("spinbutton", name="Participants", exact=True).fill("45")
        timur.get_by_role("button", name="Save").click()
        choice = timur.locator("#conflict-title")
        choice.wait_for()
        text = choice.inner_text()
        assert "aziza" in text and "Choir exchange in Isfara and Batken" in text
        assert "Joint choir exchange, Isfara" in text
        assert timur.locator("#conflict-participants_total").count() == 0  # only he changed it
        assert "/edit" in timur.url  # nothing saved yet

        timur.get_by_role("button", name="Save").click()  # no choice made: asked again
        timur.locator("#conflict-title .field-error").wait_for()
        assert "/edit" in timur.url

        choice = timur.locator("#conflict-title")
        choice.get_by_role("radio", name=re.compile("Keep yours")).check()
        timur.get_by_role("button", name="Save").click()
        timur.wait_for_url("**/activities/two-editors?saved=1")
        assert timur.get_by_role("heading", level=1).inner_text() == "Joint choir exchange, Isfara"
    finally:
        for context in contexts:
            context.close()
    assert not failures, failures
    from lowpolitics.store.queries import get_activity

    with session_scope(live_server["engine"]) as session:
        stored = get_activity(session, "two-editors")
        assert (stored.title, stored.participants_total, stored.version) == (
            "Joint choir exchange, Isfara",
            45,
            3,
        )


def test_import_a_file_after_seeing_its_errors(page, live_server, tmp_path):
    import csv

    from conftest import registry_row

    rows = [
        registry_row(
            id="imp-1",
            date="2022-09",
            title="Joint concert in Isfara",
            mechanism="societal",
            status="held",
            host_country="TJ",
        ),
        registry_row(
            id="imp-2", date="2022-13", title="Broken date", mechanism="societal", status="held"
        ),
    ]
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _log_in(page)
    page.goto("/import")
    page.get_by_role("button", name="File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    error = page.locator("tr.error-row")
    error.first.wait_for()
    assert error.count() == 1
    assert "2022-13" in error.first.inner_text() and "3" in error.first.inner_text()
    page.get_by_label("Skip invalid rows", exact=False).check()
    page.get_by_role("button", name="Import the valid rows").click()
    page.get_by_role("heading", level=1).filter(has_text="Import done").wait_for()
    page.goto("/activities?q=Joint concert")
    assert page.locator("#results tbody tr").count() == 1


# every text node of the page that is interface, not data: identifiers in <code>, names marked
# translate="no" (a user's name), text marked as another language (a row's title that exists
# only in English, the language switcher) and scripts are left out
INTERFACE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const skip = `code, script, style, [translate="no"], [lang]:not([lang="${lang}"])`;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest(skip)) out.push(node.nodeValue);
  }
  return out.join(" ");
}"""


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more that are not identifiers (row ids, field paths,
    rule ids carry digits, dots, underscores or hyphens), Roman numerals (Russian, Kyrgyz and
    Tajik titles number editions so: «XXII олимпиада») nor the product's name."""
    tokens = re.findall(r"[^\s,;:()«»—–\[\]]+", text)
    words = [t for t in tokens if not re.search(r"[\d._\-/'=]", t)]
    return [
        w
        for w in words
        if re.fullmatch(r"[A-Za-z]{3,}", w)
        and not re.fullmatch(r"[IVXLCDM]+", w)
        and w != "lowpolitics"
    ]


@pytest.mark.parametrize("lang", ["ky", "tg", "ru"])
def test_the_dashboard_in_kyrgyz_tajik_and_russian_has_no_english_interface_text(
    browser, demo_server, lang
):
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    _log_in(page, "viewer")
    page.goto(f"/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    # the analyses' notes are on the page, in the reader's language
    assert page.locator("#warnings-resilience li").count() >= 3
    english = english_words(page.evaluate(INTERFACE_TEXT))
    context.close()
    assert english == [], f"{len(english)} English words on the {lang} dashboard: {english[:40]}"


def test_the_discourse_page_draws_the_trend_per_side_with_periods_shaded(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    _log_in(page, "viewer")
    page.goto("/analysis/discourse")
    assert page.locator("h1").first.inner_text().startswith("Discourse")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 2
    # the tension periods are grey rectangles behind the points of both sides
    trend = charts.nth(0)
    assert trend.locator("path[fill='#BBBBBB'], path[fill='#bbbbbb']").count() >= 1
    assert page.locator("#discourse-frames tbody tr").count() >= 4
    page.locator("table.keyness a").first.click()
    page.wait_for_url("**/analysis/discourse/kwic**")
    assert page.locator("#kwic-coded tbody tr").count() >= 1
    context.close()


def test_the_place_field_offers_gazetteer_places_in_any_script(page, live_server):
    """Typing part of a name in Cyrillic offers the gazetteer's Isfara; the keyboard picks it
    and the saved activity is linked to the city."""
    _log_in(page)
    page.goto("/activities/new")
    place = page.get_by_role("combobox", name="Place", exact=True)
    place.press_sequentially("Исфа", delay=30)
    listbox = page.locator("#f-place-list")
    option = listbox.get_by_role("option").filter(has_text="Isfara — city")
    option.wait_for()
    assert place.get_attribute("aria-expanded") == "true"
    chosen = page.locator("#f-place-list [aria-selected=true]").filter(has_text="Isfara — city")
    for _ in range(10):
        place.press("ArrowDown")
        if chosen.count():
            break
    place.press("Enter")
    assert place.input_value() == "Исфара"
    assert listbox.is_hidden()
    # regions are narrowed to the host country typed above them
    page.get_by_role("combobox", name="Host country").fill("KG")
    region = page.get_by_role("combobox", name="Region", exact=True)
    region.press_sequentially("b", delay=30)
    page.locator("#f-region-list [role=option]").first.wait_for()
    offered = page.locator("#f-region-list [role=option]").all_inner_texts()
    assert offered and all("(KG-" in text for text in offered)
    region.press("Escape")
    region.fill("")
    page.get_by_role("combobox", name="Host country").fill("TJ")
    page.get_by_role("textbox", name="Title", exact=True).fill("Poetry evening in Isfara")
    page.get_by_role("textbox", name="Date", exact=True).fill("2024-03-08")
    page.get_by_role("combobox", name="Mechanism", exact=True).select_option("societal")
    page.get_by_role("combobox", name="Status", exact=True).select_option("held")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/activities/*?saved=1")
    assert "Исфара" in page.locator("dl.facts").inner_text()
    key = page.url.split("/activities/")[1].split("?")[0]
    from lowpolitics.store.queries import get_activity

    with session_scope(live_server["engine"]) as session:
        assert get_activity(session, key).place_id == "tj_isfara"


def test_the_actor_field_completes_the_last_name_and_still_takes_a_new_one(page, live_server):
    from lowpolitics.store.models import Actor

    with session_scope(live_server["engine"]) as session:
        session.add(Actor(name="Isfara Youth Theatre", country_code="TJ"))
    _log_in(page)
    page.goto("/activities/new")
    actors = page.get_by_role("combobox", name="Actors", exact=True)
    actors.fill("New choir [KG]; ")
    actors.press_sequentially("youth th", delay=30)
    page.locator("#f-actors-list").get_by_role("option").first.click()
    assert actors.input_value() == "New choir [KG]; Isfara Youth Theatre [TJ]"


PHONE_PAGES = (
    "/",
    "/activities",
    "/context",
    "/actors",
    "/initiatives",
    "/instruments",
    "/bodies",
    "/documents",
    "/places",
)


def test_on_a_390_px_phone_no_list_page_scrolls_sideways(browser, demo_server):
    """Over the bundled data (long titles, many columns): each list is one card per row,
    labelled from its column, and the page is no wider than the phone."""
    context = browser.new_context(
        base_url=demo_server, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    _log_in(page, "viewer")
    too_wide = {}
    for path in PHONE_PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    page.goto("/activities")
    first = page.locator("#results tbody tr").first
    assert first.locator("td[data-label='Title']").count() == 1
    # a card: the cells stack, so the status sits below the title, not beside it
    title = first.locator("td[data-label='Title']").bounding_box()
    status = first.locator("td[data-label='Status']").bounding_box()
    assert status["y"] > title["y"]
    context.close()
    assert too_wide == {}, too_wide


def test_the_map_zooms_pans_and_shows_the_ferghana_valley(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(page, "viewer")
    page.goto("/places")
    figure = page.locator("#places-map")
    view = figure.locator("g.map-view")
    view.wait_for(state="attached")
    assert figure.get_attribute("data-scale") == "1.000"
    box = figure.locator("svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
    page.mouse.wheel(0, -400)
    page.wait_for_function("document.querySelector('#places-map').dataset.scale > 1.5")
    zoomed = view.get_attribute("transform")
    assert "scale(" in zoomed
    # a drag moves the map
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55, steps=5)
    page.mouse.up()
    assert view.get_attribute("transform") != zoomed
    page.get_by_role("button", name="Whole map").click()
    assert figure.get_attribute("data-scale") == "1.000"
    page.get_by_role("button", name="Ferghana valley").click()
    assert float(figure.get_attribute("data-scale")) > 2
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom in").click()
    assert float(figure.get_attribute("data-scale")) > 2
    context.close()
    assert errors == []
