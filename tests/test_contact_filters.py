"""Filtering on how the two sides met (``contact``) where a user reads figures and lists:
``analyse all`` / ``held-broken`` (and every analysis counting cooperative rows) under
``--contact``, with the definition printed and carried in the JSON; the activities list on the
web and ``GET /api/v1/activities?contact=…``. Known answers on a small registry, both backends.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from lowpolitics.store.importing import import_file

# one tension period (2021-04-28 – 2021-10-26); in it: two bilateral rows (one cancelled), one
# joint row at a wider event, one co-presence row, one row not coded; outside it: one
# co-presence row, one one-sided row, one row not coded (postponed), and a statement
REGISTRY = """id,date,title,mechanism,status,contact,record_kind,frame
b1,2021-05-02,Joint festival,societal,held,bilateral,,
b2,2021-05-10,Youth camp,education_youth,cancelled,bilateral,,
m1,2021-05-03,Regional games match,societal,held,multilateral_joint,,
c1,2021-05-04,Regional forum,institutional,held,co_presence,,
c2,2020-03-04,Regional forum 2020,institutional,held,co_presence,,
o1,2019-05-04,One side only,societal,held,one_sided,,
n1,2021-06-04,Not coded,societal,held,,,
n2,2019-06-04,Not coded 2019,societal,postponed,,,
s1,2021-05-05,Minister's statement,discursive,held,,statement,neutral
"""
CONTEXT = """id,date,end_date,kind,summary
p1,2021-04-28,2021-10-26,tension_period,Border conflict
"""

# cooperative units counted (meta.records) and (disrupted, n) in tension, per --contact value
EXPECTED = {
    None: (8, (1, 5)),
    "bilateral": (2, (1, 2)),
    "multilateral_joint": (1, (0, 1)),
    "co_presence": (2, (0, 1)),
    "one_sided": (1, (0, 0)),
    "bilateral,multilateral_joint": (3, (1, 3)),
}


@pytest.fixture
def small(engine, codebook, gazetteer, tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    context = tmp_path / "context.csv"
    context.write_text(CONTEXT, encoding="utf-8")
    assert import_file(engine, "registry", registry, codebook, gazetteer).result.added == 9
    import_file(engine, "context", context, codebook, gazetteer)
    return engine.url.render_as_string(hide_password=False)


def _all(cli, db, contact):
    args = ["--db", db, "analyse", "all", "--as-of", "2024-01-01"]
    result = cli(*args, *(["--contact", contact] if contact else []))
    assert result.code == 0, result
    return json.loads(result.out)


def test_analyse_all_counts_under_each_contact_and_says_which(cli, small):
    for contact, (units, (disrupted, n)) in EXPECTED.items():
        document = _all(cli, small, contact)
        meta = document["meta"]
        assert meta["records"]["cooperative_units"] == units, contact
        assert meta["records"]["statements"] == 1  # a statement is never filtered out
        tension = document["resilience"]["all_mechanisms"]["in_tension"]
        assert (tension["disrupted"], tension["n"]) == (disrupted, n), contact
        expected_codes = contact.split(",") if contact else None
        assert meta["contact"]["contacts"] == expected_codes
        assert document["resilience"]["contact"] == meta["contact"]
        assert document["held_broken"]["contact"] == meta["contact"]
        if contact:
            assert "rows not coded left out" in meta["contact"]["description"]
        else:
            assert "rows not coded included" in meta["contact"]["description"]


def test_held_broken_names_only_the_chosen_contacts(cli, small):
    def named(contact):
        args = ["--db", small, "analyse", "held-broken", "--as-of", "2024-01-01", "-f", "json"]
        out = cli(*args, *(["--contact", contact] if contact else [])).out
        result = json.loads(out)
        (period,) = result["periods"]
        ids = {
            a["id"]
            for entry in period["by_mechanism"].values()
            for group in ("held", "disrupted", "unknown")
            for a in entry[group]
        }
        return ids, result["contact"]["contacts"]

    assert named(None) == ({"b1", "b2", "m1", "c1", "n1"}, None)
    assert named("bilateral") == ({"b1", "b2"}, ["bilateral"])
    # the order of the codebook, whatever the order typed
    assert named("co_presence,BILATERAL") == ({"b1", "b2", "c1"}, ["bilateral", "co_presence"])
    table = cli("--db", small, "analyse", "held-broken", "--contact", "bilateral").out
    assert table.startswith("cooperative rows counted: only cooperative rows whose contact")
    assert "c1" not in table and "b2" in table


def test_every_counting_command_takes_the_option_and_prints_the_definition(cli, small):
    for command in ("timeline", "reach", "survival", "recovery", "restart", "at-risk"):
        table = cli("--db", small, "analyse", command, "--contact", "co_presence")
        assert table.code == 0, (command, table)
        assert "cooperative rows counted: only cooperative rows whose contact is co_presence" in (
            " ".join(table.out.split())
        ), command
        as_json = cli("--db", small, "analyse", command, "--contact", "one_sided", "-f", "json")
        assert json.loads(as_json.out)["contact"]["contacts"] == ["one_sided"], command
    timeline = json.loads(
        cli("--db", small, "analyse", "timeline", "--contact", "bilateral", "-f", "json").out
    )
    assert sum(row["total"] for row in timeline["by_year"]) == 2
    plain = cli("--db", small, "analyse", "timeline").out
    assert "every cooperative row, whatever its contact" in " ".join(plain.split())


@pytest.mark.parametrize("command", ["all", "held-broken", "resilience", "timeline"])
def test_a_bad_contact_is_refused_before_anything_is_read(cli, small, command):
    bad = cli("--db", small, "analyse", command, "--contact", "met")
    assert bad.code != 0 and "--contact 'met'" in bad.err


# --- the API and the list page ----------------------------------------------------------------


@pytest.fixture
def listed(web, small):
    return web


def _api_ids(web, query: str) -> set[str]:
    response = web.client().get(f"/api/v1/activities?{query}", headers=web.bearer("viewer"))
    assert response.status_code == 200, response.text
    return {a["id"] for a in response.json()["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("contact=bilateral", {"b1", "b2"}),
        ("contact=bilateral&contact=co_presence", {"b1", "b2", "c1", "c2"}),
        ("contact=multilateral_joint,one_sided", {"m1", "o1"}),
        ("contact=co_presence&sort=title", {"c1", "c2"}),  # the Python path too
        ("contact=bilateral&q=camp", {"b2"}),
        ("contact=", {"b1", "b2", "m1", "c1", "c2", "o1", "n1", "n2", "s1"}),
    ],
)
def test_api_filters_on_contact(listed, query, expected):
    assert _api_ids(listed, query) == expected


def test_api_refuses_an_unknown_contact_naming_the_field(listed):
    response = listed.client().get(
        "/api/v1/activities?contact=bilateral&contact=met", headers=listed.bearer("viewer")
    )
    assert response.status_code == 422
    (field,) = response.json()["error"]["fields"]
    assert field["field"] == "contact" and field["value"] == "met"
    assert "co_presence" in field["expected"]


def test_openapi_documents_the_contact_filter(listed):
    schema = listed.app.openapi()
    parameters = schema["paths"]["/api/v1/activities"]["get"]["parameters"]
    (contact,) = [p for p in parameters if p["name"] == "contact"]
    assert contact["in"] == "query" and "co_presence" in contact["description"]
    types = json.dumps(contact["schema"])
    assert '"array"' in types  # several values allowed


def _rows(html: str) -> set[str]:
    return set(re.findall(r'<a href="/activities/([^"]+)">', html))


def test_list_page_filters_on_contact_with_labels_in_the_readers_language(listed):
    viewer = listed.client("viewer")
    page = viewer.get("/activities?contact=bilateral&contact=multilateral_joint")
    assert page.status_code == 200
    assert _rows(page.text) == {"b1", "b2", "m1"}
    pattern = r'<select id="f-contact" name="contact" multiple.*?</select>'
    select = re.search(pattern, page.text, re.S)
    assert select, "no contact filter"
    chosen = re.findall(r'<option value="(\w+)" selected>', select.group(0))
    assert chosen == ["bilateral", "multilateral_joint"]
    assert "Bilateral" in select.group(0)
    russian = listed.client("viewer", lang="ru").get("/activities?contact=co_presence")
    assert _rows(russian.text) == {"c1", "c2"}
    assert "Двустороннее" in russian.text
    # sort and export links keep every chosen value
    assert "contact=bilateral&amp;contact=multilateral_joint" in page.text
    csv = viewer.get("/activities.csv?contact=one_sided").text
    assert "o1" in csv and "b1" not in csv


def test_list_page_says_an_unknown_contact_next_to_its_field(listed):
    page = listed.client("viewer").get("/activities?contact=met")
    assert page.status_code == 422 and "<html" in page.text
    field = re.search(r'<div class="field invalid" id="filter-contact".*?</div>', page.text, re.S)
    assert field and "met" in field.group(0)


# --- the brief and the analysis pages say which rows they count -------------------------------


def test_the_definition_reads_in_every_language_with_the_vocabularys_labels(codebook):
    from lowpolitics.analysis.contact_scope import contact_scope_text

    both = {"contacts": ["bilateral", "co_presence"]}
    assert contact_scope_text(both, codebook, "en").startswith(
        "only cooperative rows whose contact is Bilateral; "
    )
    assert "Двустороннее" in contact_scope_text(both, codebook, "ru")
    for lang in ("ru", "ky", "tg"):
        assert contact_scope_text(None, codebook, lang) != contact_scope_text(None, codebook, "en")
    # a document written before the block existed counted every row
    assert contact_scope_text({}, codebook, "en").startswith("every cooperative row")


def test_analysis_pages_say_which_rows_they_count(listed):
    viewer = listed.client("viewer")
    for address in ("/analysis", "/analysis/resilience", "/analysis/timeline"):
        page = viewer.get(address)
        assert page.status_code == 200, address
        scope = re.search(r'<p class="muted" id="contact-scope">(.*?)</p>', page.text, re.S)
        assert scope, address
        assert "every cooperative row, whatever its contact" in scope.group(1)
    russian = listed.client("viewer", lang="ru").get("/analysis/resilience").text
    assert "Учтённые мероприятия сотрудничества" in russian


def test_brief_names_the_definition_it_counts(small, codebook, tmp_path):
    from lowpolitics.analysis.options import AnalysisOptions
    from lowpolitics.report.build import brief_from_store
    from lowpolitics.store.db import make_engine

    engine = make_engine(small)
    try:
        html, _, document = brief_from_store(
            engine,
            codebook,
            tmp_path / "brief",
            AnalysisOptions(as_of=date(2024, 1, 1)),
            "en",
            with_charts=False,
            contacts=frozenset({"bilateral"}),
        )
    finally:
        engine.dispose()
    text = html.read_text(encoding="utf-8")
    scope = re.search(r'<p class="counted" id="contact-scope">(.*?)</p>', text, re.S).group(1)
    assert "only cooperative rows whose contact is Bilateral" in scope
    assert document["meta"]["records"]["cooperative_units"] == 2


# --- IATI: a tag in our own vocabulary ---------------------------------------------------------

IATI_REGISTRY = """id,date,title,initiative,mechanism,status,host_country,actors,contact
t1,2019-05-02,Festival,Border festivals,societal,held,KG,Theatre [KG],bilateral
t2,2020-05-02,Forum festival,Border festivals,societal,held,KG,Theatre [KG],co_presence
t3,2019-06-02,Games,,societal,held,KG,Sports committee [KG],multilateral_joint
t4,2019-07-02,Not coded,,societal,held,KG,Sports committee [KG],
"""
# the IATI schema the project is checked against, beside the project (as tests/test_iati.py)
XSD = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "schemas"
    / "iati"
    / "iati-activities-schema.xsd"
)


def test_iati_carries_the_contact_as_a_tag_of_our_own_vocabulary(
    engine, codebook, gazetteer, tmp_path
):
    from lxml import etree

    from lowpolitics.exchange.iati_export import export_iati

    registry = tmp_path / "registry.csv"
    registry.write_text(IATI_REGISTRY, encoding="utf-8")
    import_file(engine, "registry", registry, codebook, gazetteer)
    target = tmp_path / "iati.xml"
    export_iati(engine, target, codebook, as_of=date(2024, 1, 1))
    root = etree.parse(str(target)).getroot()

    def tags(suffix: str) -> list[tuple[str, str, str]]:
        (found,) = [
            a for a in root.iter("iati-activity") if suffix in a.findtext("iati-identifier")
        ]
        return [
            (t.get("vocabulary"), t.get("code"), t.findtext("narrative")) for t in found.iter("tag")
        ]

    assert tags("-a-t3") == [("99", "contact:multilateral_joint", "Joint, in a wider setting")]
    assert tags("-a-t4") == []  # not coded: nothing is guessed
    assert [code for _, code, _ in tags("-i-border-festivals")] == [
        "contact:bilateral",
        "contact:co_presence",
    ]
    (games,) = [a for a in root.iter("iati-activity") if "-a-t3" in a.findtext("iati-identifier")]
    languages = {
        n.get("{http://www.w3.org/XML/1998/namespace}lang")
        for n in games.iter("narrative")
        if n.getparent().tag == "tag"
    }
    assert languages == {None, "ru", "ky", "tg"}
    assert "How the two sides met: Joint, in a wider setting." in games.findtext(
        "description/narrative"
    )
    checker = etree.XMLSchema(etree.parse(str(XSD)))  # the tag sits where the schema allows
    assert checker.validate(etree.parse(str(target))), checker.error_log


def test_list_activities_filters_on_contact_as_the_web_list_does(cli, small):
    listed = json.loads(
        cli(
            "--db", small, "list", "activities", "--contact", "co_presence,one_sided", "-f", "json"
        ).out
    )
    assert {r["id"] for r in listed} == {"c1", "c2", "o1"}
    bad = cli("--db", small, "list", "activities", "--contact", "met")
    assert bad.code != 0 and "--contact 'met'" in bad.err


# --- the analysis pages and their API under a chosen contact ----------------------------------


def _analysed(page: str) -> int:
    return int(re.search(r"Activities analysed: (\d+)", page).group(1))


def test_analysis_pages_count_only_the_chosen_contacts(listed):
    viewer = listed.client("viewer")
    page = viewer.get("/analysis/resilience?as_of=2024-01-01&contact=bilateral")
    assert page.status_code == 200
    # b1 and b2, and the statement s1 (a filter on contact keeps what is not cooperative)
    assert _analysed(page.text) == 3
    assert set(re.findall(r'href="/activities/([^"]+)"', page.text)) <= {"b1", "b2", "s1"}
    scope = re.search(r'id="contact-scope">(.*?)</p>', page.text, re.S).group(1)
    assert "only cooperative rows whose contact is Bilateral" in scope
    pattern = r'<select id="o-contact" name="contact" multiple.*?</select>'
    select = re.search(pattern, page.text, re.S)
    assert select and re.findall(r'<option value="(\w+)" selected>', select.group(0)) == [
        "bilateral"
    ]
    # the JSON link and the section links carry the choice
    assert "/api/v1/analysis/resilience?as_of=2024-01-01&amp;contact=bilateral" in page.text
    overview = viewer.get("/analysis?contact=bilateral&contact=co_presence").text
    assert _analysed(overview) == 5
    assert 'href="/analysis/timeline?contact=bilateral%2Cco_presence"' in overview
    # repeated or comma-separated, as the activities list takes it
    assert _analysed(viewer.get("/analysis/reach?contact=bilateral,co_presence").text) == 5
    assert _analysed(viewer.get("/analysis/reach").text) == 9
    russian = listed.client("viewer", lang="ru").get("/analysis/reach?contact=co_presence").text
    assert "Двустороннее" in russian  # the options are the vocabulary's labels in Russian


def test_analysis_api_takes_contact_and_the_cache_keeps_definitions_apart(listed, monkeypatch):
    from lowpolitics.web import analysis_cache

    runs = []
    real = analysis_cache.analyse_database

    def counting(*args, **kwargs):
        runs.append(kwargs.get("contacts"))
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_cache, "analyse_database", counting)
    client, headers = listed.client(), listed.bearer("viewer")

    def units(query: str) -> int:
        response = client.get(f"/api/v1/analysis/meta?as_of=2024-01-01{query}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["records"]["cooperative_units"]

    assert units("") == 8
    assert units("&contact=bilateral") == 2  # not the entry computed for every row
    assert units("") == 8  # nor the other way round
    assert units("&contact=bilateral,multilateral_joint") == 3
    assert units("&contact=multilateral_joint&contact=bilateral") == 3  # the same definition
    assert units("&contact=") == 8  # nothing chosen: every row, the default entry
    assert runs == [None, frozenset({"bilateral"}), frozenset({"bilateral", "multilateral_joint"})]
    whole = client.get("/api/v1/analysis?contact=one_sided", headers=headers).json()
    assert whole["meta"]["contact"]["contacts"] == ["one_sided"]
    # the charts a page draws come from the same entry, never another definition's
    timeline = listed.client("viewer").get("/analysis/timeline?contact=one_sided")
    assert timeline.status_code == 200 and "<svg" in timeline.text
    assert len(runs) == 4
    keys = [k for (_, k) in analysis_cache.memo(listed.app.state.ctx)._slots if k[0] == "chart"]
    assert keys and all(k[3][-1] == ("one_sided",) for k in keys)


@pytest.mark.parametrize("address", ["/analysis/resilience", "/analysis", "/api/v1/analysis"])
def test_a_bad_contact_on_the_analyses_is_refused_naming_the_field(listed, address):
    response = listed.client("viewer").get(
        f"{address}?contact=bilateral,met", headers=listed.bearer("viewer")
    )
    assert response.status_code == 422
    if address.startswith("/api"):
        (field,) = response.json()["error"]["fields"]
        assert field["field"] == "contact" and field["value"] == "met"
    else:
        assert "<strong>contact</strong>: met" in response.text


# --- the brief's map places the rows its figures count ----------------------------------------


def _map_points(engine_url, codebook, tmp_path, monkeypatch, contacts):
    from lowpolitics.analysis.options import AnalysisOptions
    from lowpolitics.report import build
    from lowpolitics.store.db import make_engine

    seen = {}

    def capture(inputs, out_dir):
        seen["points"] = inputs.points
        return out_dir / "brief.html", out_dir / "brief.pdf"

    monkeypatch.setattr(build, "write_brief", capture)
    engine = make_engine(engine_url)
    try:
        build.brief_from_store(
            engine, codebook, tmp_path, AnalysisOptions(as_of=date(2024, 1, 1)), contacts=contacts
        )
    finally:
        engine.dispose()
    return seen["points"]


def test_brief_map_places_only_the_chosen_contacts(small, codebook, tmp_path, monkeypatch):
    def mechanisms(contacts):
        points = _map_points(small, codebook, tmp_path, monkeypatch, contacts)
        return sorted(p["mechanism"] for p in points)

    assert len(mechanisms(None)) == 8  # every cooperative row, coded or not; no statement
    assert mechanisms(frozenset({"bilateral"})) == ["education_youth", "societal"]
    assert mechanisms(frozenset({"co_presence"})) == ["institutional", "institutional"]
    assert mechanisms(frozenset({"bilateral", "one_sided"})) == [
        "education_youth",
        "societal",
        "societal",
    ]


def test_brief_map_caption_says_which_rows_it_places(codebook):
    from lowpolitics.framework.i18n import translator
    from lowpolitics.report.findings import chart_readings

    def caption(block, lang="en"):
        document = {"meta": {"contact": block}}
        return chart_readings(document, codebook, lang, translator(lang))["border_map"]

    assert caption({"contacts": ["bilateral"]}).endswith(
        "Activities mapped: only cooperative rows whose contact is Bilateral "
        "(rows not coded left out)."
    )
    assert "Activities mapped: every cooperative row" in caption({"contacts": None})
    assert "Двустороннее" in caption({"contacts": ["bilateral"]}, "ru")


# --- the dashboard and the brief's download take the same choice ------------------------------


def _tension_split(page: str) -> tuple[int, int]:
    block = re.search(r'id="tension-split"><div class="figure">(\d+) / (\d+)</div>', page)
    assert block, "the dashboard's in/outside card"
    return int(block.group(1)), int(block.group(2))


def test_dashboard_counts_under_the_chosen_contact_and_says_so(listed):
    viewer = listed.client("viewer")
    every = viewer.get("/?as_of=2024-01-01")
    assert every.status_code == 200
    chosen = viewer.get("/?as_of=2024-01-01&contact=bilateral")
    assert chosen.status_code == 200
    # (disrupted, n) in tension: 5 of every cooperative row, 2 bilateral (EXPECTED above)
    assert _tension_split(every.text)[0] == EXPECTED[None][1][1]
    assert _tension_split(chosen.text)[0] == EXPECTED["bilateral"][1][1]
    scope = re.search(r'id="contact-scope">(.*?)</p>', chosen.text, re.S).group(1)
    assert "only cooperative rows whose contact is Bilateral" in scope
    assert "every cooperative row, whatever its contact" in re.search(
        r'id="contact-scope">(.*?)</p>', every.text, re.S
    ).group(1)
    # the options open, with the choice selected, when a choice was made
    assert '<details id="dashboard-options" open>' in chosen.text
    assert '<details id="dashboard-options">' in viewer.get("/").text  # defaults: closed
    refused = viewer.get("/?contact=met")
    assert refused.status_code == 422 and "<strong>contact</strong>: met" in refused.text


def test_web_brief_counts_the_chosen_contact_and_keeps_definitions_apart(listed, monkeypatch):
    import lowpolitics.report.build as build

    built = []
    real = build.brief_from_store

    def counting(*args, **kwargs):
        built.append(kwargs.get("contacts"))
        return real(*args, **{**kwargs, "with_charts": False})

    monkeypatch.setattr(build, "brief_from_store", counting)
    viewer = listed.client("viewer")
    page = viewer.get("/brief")
    assert page.status_code == 200 and 'id="b-contact" name="contact" multiple' in page.text
    chosen = viewer.get("/brief/brief.html?lang=en&contact=bilateral")
    assert chosen.status_code == 200
    assert 'filename="lowpolitics-brief-en-bilateral.html"' in chosen.headers["content-disposition"]
    scope = re.search(r'id="contact-scope">(.*?)</p>', chosen.text, re.S).group(1)
    assert "only cooperative rows whose contact is Bilateral" in scope
    every = viewer.get("/brief/brief.html?lang=en")
    assert "every cooperative row, whatever its contact" in re.search(
        r'id="contact-scope">(.*?)</p>', every.text, re.S
    ).group(1)
    assert viewer.get("/brief/brief.html?lang=en&contact=bilateral").text == chosen.text
    assert built == [frozenset({"bilateral"}), None]  # each definition built once
    refused = viewer.get("/brief/brief.html?contact=met")
    assert refused.status_code == 422


def test_brief_job_carries_the_contact(listed):
    from sqlalchemy import select

    from lowpolitics.store.job_models import Job

    editor = listed.client("editor")
    data = {"lang": "ru", "contact": ["bilateral", "co_presence"], "csrf_token": editor.csrf}
    response = editor.post("/brief/build", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    with listed.app.state.ctx.session() as session:
        job = session.execute(select(Job).order_by(Job.id.desc())).scalars().first()
    assert job.kind == "brief"
    assert job.params == {"lang": "ru", "contact": ["bilateral", "co_presence"]}
    refused = editor.post("/brief/build", data={**data, "contact": ["met"]}, follow_redirects=False)
    assert refused.status_code == 422
