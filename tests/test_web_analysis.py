"""Dashboard, analysis pages, brief download and their API: the numbers shown equal the
analyses', charts are inline SVG, the cache runs the analyses once per database state, and
empty databases, unknown sections and anonymous visitors get the answers they should."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from datetime import date

import pytest

from conftest import WebApp
from lowpolitics.advise.rules import evaluate_rules, load_rules
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.run_all import analyse_database
from lowpolitics.cli.demo import build_demo
from lowpolitics.store.db import session_scope
from lowpolitics.store.queries import compute_stats
from lowpolitics.web import analysis_cache
from lowpolitics.web.analysis_cache import SECTIONS
from lowpolitics.web.i18n import Formatter

PAGES = [s for s in SECTIONS if s != "meta"]
EN = Formatter("en")
ACTIVITY = {
    "date": "2023-05",
    "title": "Joint youth camp in Batken",
    "mechanism": "education_youth",
    "status": "held",
    "host_country": "KG",
    "partner_country": "TJ",
    "region": "KG-B",
    "source_url": ["https://example.org/camp"],
}


def plain(fragment: str) -> str:
    """The visible text of an HTML fragment, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def row(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)


def cell(fragment: str, css: str) -> str:
    match = re.search(rf'<td class="[^"]*\b{css}\b[^"]*">(.*?)</td>', fragment, re.S)
    assert match, f"no cell {css}"
    return plain(match.group(1))


def rate_text(rate, ci) -> str:
    if rate is None:
        return "—"
    return f"{EN.percent(rate)} [{EN.percent(ci[0])}–{EN.percent(ci[1])}]"


def as_json(value):
    return json.loads(json.dumps(value))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, codebook, gazetteer):
    """The bundled dataset behind the app, built once (SQLite)."""
    folder = tmp_path_factory.mktemp("web-demo")
    state = build_demo(folder / "db", verbose=False)
    app = WebApp(state.engine, codebook, gazetteer, folder / "work")
    yield app
    state.close()


@pytest.fixture(scope="module")
def demo_document(demo, codebook):
    document, _ = analyse_database(demo.engine, codebook, AnalysisOptions())
    return document


# --- bundled data (SQLite, built once) ------------------------------------------------------


def test_dashboard_counts_equal_compute_stats_and_chart_is_inline(demo):
    with session_scope(demo.engine) as session:
        stats = compute_stats(session)
    page = demo.client("viewer").get("/")
    assert page.status_code == 200
    text = page.text
    assert f'id="n-activities">{EN.number(stats.activities)}<' in text
    assert f'id="n-context">{EN.number(stats.context_events)}<' in text
    assert f'id="n-actors">{EN.number(stats.actors)}<' in text
    assert f'id="n-sources">{EN.number(stats.sources)}<' in text
    chart = re.search(r'<figure class="chart"><svg[^>]*>.*?</svg>', text, re.S)
    assert chart and "<img" not in text  # the timeline is drawn inline, not linked
    latest = re.search(r'<table id="latest"[^>]*>(.*?)</table>', text, re.S).group(1)
    links = re.findall(r'href="/activities/([^"]+)"', latest)
    assert len(links) == 10
    first = re.search(r"<tbody>\s*<tr>(.*?)</tr>", latest, re.S).group(1)
    assert str(stats.last.year) in plain(first)  # newest first


def test_resilience_page_equals_the_api_and_analyse_database(demo, demo_document):
    client = demo.client("viewer")
    api = client.get("/api/v1/analysis/resilience", headers=demo.bearer("viewer"))
    assert api.status_code == 200
    direct = as_json(demo_document["resilience"])
    served = api.json()
    assert served["by_mechanism"] == direct["by_mechanism"]
    assert served["all_mechanisms"] == direct["all_mechanisms"]
    assert served["warnings"] == direct["warnings"]

    page = client.get("/analysis/resilience").text
    blocks = [*direct["by_mechanism"].items(), ("all", direct["all_mechanisms"])]
    for code, r in blocks:
        tr = row(page, f"row-{code}")
        inside, outside = r["in_tension"], r["outside"]
        assert cell(tr, "in-n") == f"{inside['disrupted']}/{inside['n']}"
        assert cell(tr, "out-n") == f"{outside['disrupted']}/{outside['n']}"
        assert cell(tr, "in-rate") == rate_text(inside["rate"], inside["ci"])
        assert cell(tr, "out-rate") == rate_text(outside["rate"], outside["ci"])
        ratio = cell(tr, "ratio")
        if r["risk_ratio"] is None:
            assert ratio == "—"
        else:
            low, high = r["risk_ratio_ci"]
            expected = f"{EN.number(r['risk_ratio'], 2)} [{EN.number(low, 2)}–{EN.number(high, 2)}]"
            assert ratio.startswith(expected)
        for key in inside["ids"]:  # every row behind the figure is one click away
            assert f'href="/activities/{key}"' in tr
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # field paths are set as <code>
    for warning in direct["warnings"]:  # small-sample warnings exactly as the analysis words them
        assert warning in text
    assert '<figure class="chart"><svg' in page


def test_every_analysis_page_renders_with_its_row_links(demo, demo_document):
    client = demo.client("viewer")
    overview = client.get("/analysis")
    assert overview.status_code == 200
    for name in PAGES:
        assert f'href="/analysis/{name}"' in overview.text
        page = client.get(f"/analysis/{name}")
        assert page.status_code == 200, (name, page.text[:500])
        assert "No activities recorded yet" not in page.text
    survival = client.get("/analysis/survival").text
    if demo_document["survival"]["cox"] is None:  # refused on the bundled data: say why
        reason = next(w for w in demo_document["survival"]["warnings"] if w.startswith("Cox"))
        assert 'id="cox-refused"' in survival and reason in html.unescape(survival)
    timeline = client.get("/analysis/timeline").text
    for year in demo_document["timeline"]["by_year"]:
        assert cell(row(timeline, f"by-year-{year['period']}"), "num") != ""
        assert plain(row(timeline, f"by-year-{year['period']}")).endswith(EN.number(year["total"]))


def test_query_options_reach_the_analyses(demo, codebook):
    client = demo.client("viewer")
    headers = demo.bearer("viewer")
    options = AnalysisOptions(date_from=date(2020, 1, 1), as_of=date(2025, 12, 1))
    direct, _ = analyse_database(demo.engine, codebook, options)
    served = client.get(
        "/api/v1/analysis/resilience?date_from=2020&as_of=2025-12-01", headers=headers
    ).json()
    assert served["all_mechanisms"] == as_json(direct["resilience"]["all_mechanisms"])
    page = client.get("/analysis/at_risk?as_of=2025-12-01&date_from=2020").text
    planned = [a["id"] for a in direct["at_risk"]["activities"]]
    assert planned, "the bundled data have planned activities after 2025-12-01"
    for key in planned:
        assert f'href="/activities/{key}"' in page
    bad = client.get("/api/v1/analysis?date_from=soon", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "date_from"
    assert client.get("/analysis/reach?periods=sometimes").status_code == 422


def test_stats_and_recommendations_api_equal_the_cli_functions(demo, demo_document):
    client = demo.client()
    headers = demo.bearer("viewer")
    with session_scope(demo.engine) as session:
        expected = compute_stats(session).as_dict()
    assert client.get("/api/v1/stats", headers=headers).json() == as_json(expected)

    ru = client.get("/api/v1/recommendations?lang=ru", headers=headers).json()
    direct = evaluate_rules(demo_document, load_rules(), "ru")
    assert ru["counts"] == direct["counts"] and ru["language"] == "ru"
    assert [(r["id"], r["state"]) for r in ru["recommendations"]] == [
        (r["id"], r["state"]) for r in direct["recommendations"]
    ]
    assert client.get("/api/v1/recommendations?lang=tg", headers=headers).status_code == 422

    dashboard = html.unescape(demo.client("viewer").get("/").text)
    english = evaluate_rules(demo_document, load_rules(), "en")["recommendations"]
    for rule in english:
        if rule["state"] == "fired":
            assert rule["recommendation"] in dashboard and rule["finding"] in dashboard
        elif rule["state"] in ("thin", "no_data"):
            assert f"{rule['id']}</code>" in dashboard and rule["reason"] in dashboard


def test_brief_pdf_download(demo, monkeypatch):
    from lowpolitics.report import build

    builds = []
    real = build.brief_from_store

    def counting(*args, **kwargs):
        builds.append(kwargs.get("lang"))
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "brief_from_store", counting)
    client = demo.client("viewer")
    pdf = client.get("/brief/brief.pdf?lang=ru")
    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="lowpolitics-brief-ru.pdf"'
    page = client.get("/brief/brief.html?lang=ru")  # the same build, from the cache
    assert builds == ["ru"]
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-disposition"] == 'inline; filename="lowpolitics-brief-ru.html"'
    assert "<svg" in page.text and 'lang="ru"' in page.text
    folders = list((demo.app.state.ctx.work_dir / "briefs").glob("g*-ru-*"))
    assert len(folders) == 1 and (folders[0] / "brief.pdf").is_file()


# --- both backends, small data -------------------------------------------------------------


def test_dashboard_on_small_data(web):
    headers = web.bearer("editor")
    client = web.client("viewer")
    for n in range(3):
        body = {**ACTIVITY, "id": f"d-{n}", "title": f"Camp <{n}>", "date": f"202{n}-05"}
        assert (
            web.client().post("/api/v1/activities", json=body, headers=headers).status_code == 201
        )
    page = client.get("/")
    assert page.status_code == 200
    with session_scope(web.engine) as session:
        assert compute_stats(session).activities == 3
    assert 'id="n-activities">3<' in page.text
    assert '<figure class="chart"><svg' in page.text
    assert "Camp &lt;2&gt;" in page.text and "Camp <2>" not in page.text
    latest = re.search(r'<table id="latest"[^>]*>(.*?)</table>', page.text, re.S).group(1)
    assert re.findall(r'href="/activities/([^"]+)"', latest) == ["d-2", "d-1", "d-0"]
    stats = web.client().get("/api/v1/stats", headers=web.bearer("viewer")).json()
    assert stats["activities"] == 3 and stats["activities_with_source"] == 3


def test_cache_runs_once_per_state_and_a_write_invalidates_it(web, monkeypatch):
    calls = []
    real = analysis_cache.analyse_database

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_cache, "analyse_database", counting)
    client = web.client("viewer")
    headers = web.bearer("viewer")
    assert client.get("/api/v1/analysis", headers=headers).status_code == 200
    assert client.get("/api/v1/analysis/meta", headers=headers).json()["activities"] == 0
    assert client.get("/").status_code == 200
    assert client.get("/analysis/resilience").status_code == 200
    assert len(calls) == 1  # four requests, one run
    assert client.get("/api/v1/analysis/meta?periods=both", headers=headers).status_code == 200
    assert len(calls) == 2  # other options, another run

    created = web.client().post(
        "/api/v1/activities", json={**ACTIVITY, "id": "c-1"}, headers=web.bearer("editor")
    )
    assert created.status_code == 201
    meta = client.get("/api/v1/analysis/meta", headers=headers).json()
    assert len(calls) == 3 and meta["activities"] == 1
    assert client.get("/api/v1/analysis/resilience", headers=headers).status_code == 200
    assert len(calls) == 3


def test_concurrent_requests_share_one_run(web, monkeypatch):
    calls = []
    real = analysis_cache.analyse_database

    def slow(*args, **kwargs):
        calls.append(1)
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_cache, "analyse_database", slow)
    ctx = web.app.state.ctx
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(analysis_cache.analysis(ctx)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_empty_database_pages_say_so(web):
    client = web.client("viewer")
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "The database is empty" in dashboard.text and 'id="n-activities">0<' in dashboard.text
    overview = client.get("/analysis")
    assert overview.status_code == 200 and "No activities recorded yet" in overview.text
    for name in PAGES:
        page = client.get(f"/analysis/{name}")
        assert page.status_code == 200, (name, page.text[:500])
        assert "No activities recorded yet" in page.text
    brief = client.get("/brief")
    assert brief.status_code == 200 and 'id="empty-state"' in brief.text
    document = client.get("/api/v1/analysis", headers=web.bearer("viewer")).json()
    assert set(document) == set(SECTIONS) and document["meta"]["activities"] == 0


def test_unknown_section_is_404_in_the_one_error_shape(web):
    response = web.client().get("/api/v1/analysis/colour", headers=web.bearer("viewer"))
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404 and error["type"] == "not_found_error"
    assert all(name in error["message"] for name in SECTIONS)
    page = web.client("viewer").get("/analysis/colour")
    assert page.status_code == 404 and "resilience" in page.text
    brief = web.client("viewer").get("/brief/brief.pdf?lang=fr")
    assert brief.status_code == 422  # refused before anything is built
    schema = web.client().get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/v1/analysis/{section}"]["get"]["parameters"]
    section = next(p for p in parameters if p["name"] == "section")
    assert section["schema"]["enum"] == list(SECTIONS)


def test_anonymous_is_sent_to_login_or_refused(web):
    client = web.client()
    for url in ("/", "/analysis", "/analysis/resilience", "/brief", "/brief/brief.pdf"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == f"/login?next={url.split('?')[0]}"
    for url in (
        "/api/v1/stats",
        "/api/v1/analysis",
        "/api/v1/analysis/resilience",
        "/api/v1/recommendations",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"]["status"] == 401


def test_discourse_page_shows_the_document_and_its_kwic_lines(demo, demo_document):
    client = demo.client("viewer")
    section = demo_document["discourse"]
    assert section["units"] >= 50 and set(section["by_side"]) >= {"KG", "TJ"}
    page = client.get("/analysis/discourse")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f'id="discourse-units">{EN.number(section["units"])}<' in text
    assert text.count("<svg") >= 2  # the trend per side and the divergence line
    frames = re.search(r'<table id="discourse-frames">(.*?)</table>', text, re.S).group(1)
    assert frames.count("<tr>") == len(section["frames"]) + 1
    first = section["frames"][0]
    assert EN.percent(first["shares"]["securitizing"]["value"]) in plain(frames)
    tables = [t for t in section["keyness"]["tables"] if t["terms"]]
    assert tables, "the bundled index marks each side with some stems"
    term = tables[0]["terms"][0]
    link = re.search(r'href="(/analysis/discourse/kwic\?term=[^"]+)"', page.text).group(1)
    kwic = client.get(html.unescape(link))
    assert kwic.status_code == 200 and 'id="kwic-coded"' in kwic.text
    assert all(key in kwic.text for key in term["texts"][:3])


def test_discourse_api_section_equals_the_document(demo, demo_document):
    client = demo.client("viewer")
    response = client.get("/api/v1/analysis/discourse")
    assert response.status_code == 200
    assert response.json()["units"] == demo_document["discourse"]["units"]


def test_discourse_page_filters_by_genre_and_outlet(demo):
    client = demo.client("viewer")
    whole = client.get("/analysis/discourse").text
    official = client.get("/analysis/discourse?genre=official")
    assert official.status_code == 200

    def units(page):
        return int(re.search(r'id="discourse-units">([\d,]+)<', page).group(1).replace(",", ""))

    assert 0 < units(official.text) < units(whole)
    assert '<option value="official" selected' in official.text
    khovar = client.get("/analysis/discourse?outlet=khovar").text
    assert 0 < units(khovar) < units(whole) and 'value="khovar"' in khovar
    bad = client.get("/analysis/discourse?genre=rumour")
    assert bad.status_code == 422 and "genre" in bad.text
