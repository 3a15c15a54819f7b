"""How the two sides met (registry ``contact``, codebook ``contacts``): the vocabulary, the
importer's checks, the store round trip on both backends, the bundled record's coding, and the
sensitivity analysis' second axis — what counts as cooperation — on planted data whose verdict
changes, or holds, when co-presence at a wider event is not counted."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from importlib import resources

import pytest

from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView, load_dataset
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.sensitivity import (
    ALL_UNITS,
    BILATERAL,
    CANNOT_TELL,
    DEPENDS,
    DIRECT,
    HIGHER,
    HOLDS,
    NOT_CO_PRESENCE,
    UNCLEAR,
    SensitivityResult,
    cooperation_definitions,
    sensitivity,
)
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, parse_registry
from lowpolitics.report.held_broken_page import cooperation_table
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity
from lowpolitics.store.rows import activity_row

D = PartialDate.parse
AS_OF = date(2024, 1, 1)
PERIOD = EventView(key="p1", date=D("2021-04-28"), end_date=D("2021-10-26"), kind="tension_period")
CEASEFIRE = EventView(key="cf", date=D("2021-06-30"), kind="political", event_type="ceasefire")


def act(key, when, status="held", contact=None, mechanism="societal") -> ActivityView:
    return ActivityView(key=key, date=D(when), mechanism=mechanism, status=status, contact=contact)


def run(activities) -> SensitivityResult:
    return sensitivity(
        Dataset(activities, [PERIOD, CEASEFIRE]),
        load_codebook(),
        AnalysisOptions(as_of=AS_OF, margins=(30,)),
    )


# --- the vocabulary -------------------------------------------------------------------------


def test_codebook_defines_the_contacts_in_every_language(codebook):
    assert codebook.contact_codes == ["bilateral", "multilateral_joint", "co_presence", "one_sided"]
    assert codebook.direct_contacts == {"bilateral", "multilateral_joint"}
    for entry in codebook.contacts:
        assert set(entry.label) >= {"en", "ru", "ky", "tg"}, entry.code
        assert set(entry.definition) >= {"en", "ru", "ky", "tg"}, entry.code
    names = [c.name for c in cooperation_definitions(codebook)]
    assert names == [ALL_UNITS, NOT_CO_PRESENCE, DIRECT, BILATERAL]


# --- the importer ---------------------------------------------------------------------------


def _parse(tmp_path, codebook, gazetteer, rows: str):
    path = tmp_path / "r.csv"
    path.write_text("id,date,title,mechanism,status,record_kind,frame,contact\n" + rows)
    return parse_registry(path, codebook, gazetteer)


def test_contact_is_read_and_an_omitted_one_stays_unknown(tmp_path, codebook, gazetteer):
    parsed = _parse(
        tmp_path,
        codebook,
        gazetteer,
        "a,2021,A,societal,held,,,bilateral\nb,2021,B,societal,held,,,\n"
        "c,2021,C,societal,held,,,CO_PRESENCE\n",
    )
    assert parsed.ok
    assert {r.key: r.contact for r in parsed.records} == {
        "a": "bilateral",
        "b": None,
        "c": "co_presence",
    }
    assert "contact" in REGISTRY_COLUMNS


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("x,2021,T,societal,held,,,met", "bilateral, multilateral_joint, co_presence"),
        ("x,2021,T,discursive,held,statement,neutral,bilateral", "only cooperative rows"),
    ],
)
def test_a_bad_contact_is_named_with_file_line_and_column(
    tmp_path, codebook, gazetteer, row, expected
):
    parsed = _parse(tmp_path, codebook, gazetteer, row + "\n")
    (rejected,) = parsed.rejected
    (error,) = rejected.errors
    assert (error.file, error.line, error.column) == ("r.csv", 2, "contact")
    assert expected in error.expected


def test_a_row_without_the_column_keeps_its_hash(tmp_path, codebook, gazetteer):
    before = tmp_path / "before.csv"
    before.write_text("id,date,title,mechanism,status\na,2021,A,societal,held\n")
    after = tmp_path / "after.csv"
    after.write_text("id,date,title,mechanism,status,contact\na,2021,A,societal,held,\n")
    coded = tmp_path / "coded.csv"
    coded.write_text("id,date,title,mechanism,status,contact\na,2021,A,societal,held,bilateral\n")
    hashes = [
        parse_registry(p, codebook, gazetteer).records[0].content_hash
        for p in (before, after, coded)
    ]
    assert hashes[0] == hashes[1] != hashes[2]


# --- through the store, both backends -------------------------------------------------------

REGISTRY = """id,date,title,mechanism,status,contact
a1,2021-05-02,Joint festival,societal,held,bilateral
a2,2021-05-03,Regional games,societal,held,co_presence
a3,2021-05-04,Not coded,societal,held,
"""


def test_contact_through_the_store(engine, codebook, gazetteer, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    import_file(engine, "registry", path, codebook, gazetteer)
    with session_scope(engine) as session:
        dataset = load_dataset(session)
        rows = {a.key: activity_row(a) for a in session.query(Activity)}
    assert {a.key: a.contact for a in dataset.activities} == {
        "a1": "bilateral",
        "a2": "co_presence",
        "a3": None,
    }
    assert rows["a2"]["contact"] == "co_presence" and rows["a3"]["contact"] == ""
    again = import_file(engine, "registry", path, codebook, gazetteer)
    assert again.result.unchanged == 3
    path.write_text(
        REGISTRY.replace(
            "a3,2021-05-04,Not coded,societal,held,",
            "a3,2021-05-04,Not coded,societal,held,one_sided",
        )
    )
    changed = import_file(engine, "registry", path, codebook, gazetteer)
    assert changed.result.unchanged == 2
    with session_scope(engine) as session:
        assert session.query(Activity).filter_by(key="a3").one().contact == "one_sided"


# --- the bundled record ---------------------------------------------------------------------


def test_every_bundled_cooperative_row_says_how_the_sides_met(codebook, gazetteer):
    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    with resources.as_file(folder.joinpath("registry.csv")) as path:
        parsed = parse_registry(path, codebook, gazetteer)
    assert parsed.ok
    coop = [r for r in parsed.records if r.record_kind == "activity"]
    assert all(r.contact in codebook.contact_codes for r in coop)
    assert not [r.key for r in parsed.records if r.record_kind != "activity" and r.contact]
    # the figures the coding log prints, with round 13's eighteen rows (sixteen co-presence,
    # two joint), round 14's thirteen (co-presence), round 16B's one (bilateral), round 16C's one
    # (co-presence) and round 17's two (co-presence)
    assert Counter(r.contact for r in coop) == {
        "bilateral": 168,
        "co_presence": 163,
        "multilateral_joint": 81,
        "one_sided": 18,
    }
    # the "regional" and "shared participation" rows the README used to send readers to
    with resources.as_file(folder.joinpath("registry.csv")) as path, open(path) as handle:
        notes = {row["id"]: row["notes"].lower() for row in csv.DictReader(handle)}
    shared = [r for r in coop if "shared participation" in notes[r.key]]
    assert shared and all(r.contact == "co_presence" for r in shared)


# --- the second axis: what counts as cooperation ---------------------------------------------


def test_the_verdict_changes_when_co_presence_is_not_counted():
    # regional events both attended, cancelled in tension; bilateral activities all held
    inside = [
        act(f"c{k}", f"2021-05-{k + 2:02d}", "cancelled", "co_presence") for k in range(20)
    ] + [act(f"b{k}", f"2021-05-{k + 2:02d}", "held", "bilateral") for k in range(10)]
    outside = [act(f"o{k}", f"2019-{k % 12 + 1:02d}-10", "held", "co_presence") for k in range(40)]
    outside += [act(f"ob{k}", f"2018-{k % 12 + 1:02d}-10", "held", "bilateral") for k in range(20)]
    result = run(inside + outside)
    soc = result.by_mechanism["societal"]
    assert soc.tension_verdict == HOLDS and {r.direction for r in soc.rows} == {HIGHER}
    per = {c.cooperation: c for c in soc.by_cooperation}
    assert per[ALL_UNITS].verdict == HOLDS
    assert per[ALL_UNITS].rows == soc.rows
    assert (per[BILATERAL].units, per[DIRECT].units, per[NOT_CO_PRESENCE].units) == (30, 30, 30)
    declared = per[BILATERAL].rows[0]
    assert (declared.definition, declared.cooperation) == ("declared", BILATERAL)
    assert (declared.disrupted_in, declared.n_in, declared.disrupted_out, declared.n_out) == (
        0,
        10,
        0,
        20,
    )
    assert declared.direction == UNCLEAR and per[BILATERAL].verdict == CANNOT_TELL
    assert soc.verdict == DEPENDS  # across both axes
    assert result.all_mechanisms.verdict == DEPENDS
    assert [c["name"] for c in result.cooperation] == [
        ALL_UNITS,
        NOT_CO_PRESENCE,
        DIRECT,
        BILATERAL,
    ]
    # the brief's table reads the same figures
    table = cooperation_table(result.to_dict(), load_codebook(), "en", lambda s: s)
    first, *_, last = table["rows"]
    assert first["cells"][-1] == "20/30↑" and last["cells"][-1] == "0/10"
    assert last["verdict"] == CANNOT_TELL and table["tension"] == "declared periods"


def test_the_verdict_holds_when_bilateral_activities_broke_too():
    inside = [
        act(f"c{k}", f"2021-05-{k + 2:02d}", "cancelled", "co_presence") for k in range(10)
    ] + [act(f"b{k}", f"2021-05-{k + 2:02d}", "postponed", "bilateral") for k in range(20)]
    outside = [act(f"o{k}", f"2019-{k % 12 + 1:02d}-10", "held", "co_presence") for k in range(20)]
    outside += [act(f"ob{k}", f"2018-{k % 12 + 1:02d}-10", "held", "bilateral") for k in range(40)]
    result = run(inside + outside)
    soc = result.by_mechanism["societal"]
    assert {c.cooperation: c.verdict for c in soc.by_cooperation} == {
        ALL_UNITS: HOLDS,
        NOT_CO_PRESENCE: HOLDS,
        DIRECT: HOLDS,
        BILATERAL: HOLDS,
    }
    assert soc.verdict == HOLDS and soc.tension_verdict == HOLDS
    assert (
        result.to_dict()["by_mechanism"]["societal"]["by_cooperation"][3]["rows"][0]["cooperation"]
        == BILATERAL
    )


def test_uncoded_data_keep_the_first_axis_alone_and_say_so():
    inside = [act(f"i{k}", f"2021-05-{k + 2:02d}", "cancelled") for k in range(20)]
    outside = [act(f"o{k}", f"2019-{k % 12 + 1:02d}-10") for k in range(40)]
    result = run(inside + outside)
    soc = result.by_mechanism["societal"]
    assert [c.cooperation for c in soc.by_cooperation] == [ALL_UNITS]
    assert soc.verdict == soc.tension_verdict == HOLDS
    assert any("no unit says how the two sides met" in w for w in result.warnings)


def test_partly_coded_data_count_the_uncoded_under_all_only():
    rows = [act("a", "2021-05-02", "held", "bilateral"), act("b", "2021-05-03", "held")]
    rows += [act(f"o{k}", f"2019-{k + 1:02d}-10", "held", "bilateral") for k in range(3)]
    result = run(rows)
    units = {c["name"]: c["units"] for c in result.cooperation}
    assert units == {ALL_UNITS: 5, NOT_CO_PRESENCE: 4, DIRECT: 4, BILATERAL: 4}
    assert any("1 units say nothing" in w and w.endswith(": b") for w in result.warnings)


# --- the bundled demo through the CLI and the web page --------------------------------------


def test_cli_shows_what_counts_as_cooperation_and_filters_on_contact(cli, demo_db):
    import json

    sens = json.loads(
        cli("--db", demo_db, "analyse", "resilience", "--sensitivity", "--format", "json").out
    )
    assert [c["name"] for c in sens["cooperation"]] == [
        ALL_UNITS,
        NOT_CO_PRESENCE,
        DIRECT,
        BILATERAL,
    ]
    tension = [d["name"] for d in sens["definitions"]]
    for block in [*sens["by_mechanism"].values(), sens["all_mechanisms"]]:
        assert [c["cooperation"] for c in block["by_cooperation"]] == [
            c["name"] for c in sens["cooperation"]
        ]
        for per in block["by_cooperation"]:
            assert [r["definition"] for r in per["rows"]] == tension
            assert {r["cooperation"] for r in per["rows"]} == {per["cooperation"]}
        assert block["by_cooperation"][0]["rows"] == block["rows"]
    table = cli("--db", demo_db, "analyse", "resilience", "--sensitivity").out
    flat = "".join(ch for ch in table if not ch.isspace() and ch not in "│┃")
    assert "whatcountsascooperation" in flat and "acrossbothaxes" in flat
    every = json.loads(cli("--db", demo_db, "analyse", "resilience", "--format", "json").out)
    only = json.loads(
        cli(
            "--db", demo_db, "analyse", "resilience", "--contact", "bilateral", "--format", "json"
        ).out
    )
    units = {c["name"]: c["units"] for c in sens["cooperation"]}
    assert every["counting"]["units"] == units[ALL_UNITS]
    assert only["counting"]["units"] == units[BILATERAL] < units[ALL_UNITS]
    bad = cli("--db", demo_db, "analyse", "resilience", "--contact", "met")
    assert bad.code != 0 and "--contact 'met'" in bad.err


def test_resilience_page_shows_the_cooperation_table(demo_db, codebook, gazetteer, tmp_path):
    from conftest import WebApp, copy_sqlite
    from lowpolitics.store.db import make_engine

    engine = make_engine(copy_sqlite(demo_db, tmp_path / "demo.db"))
    try:
        app = WebApp(engine, codebook, gazetteer, tmp_path / "work")
        text = app.client("viewer").get("/analysis/resilience").text
        assert 'id="cooperation-table"' in text and "bilateral only" in text
        ru = app.client("viewer", lang="ru").get("/analysis/resilience").text
        assert "только двустороннее" in ru
        form = app.client("editor").get("/activities/new").text
        assert 'name="contact"' in form and 'value="co_presence"' in form
        detail = app.client("viewer").get("/activities/kgtj-a-0001").text
        assert "How the two sides met" in detail and "Bilateral" in detail
        book = app.client("viewer", lang="ru").get("/codebook").text
        assert 'id="contacts"' in book and "Совместное присутствие" in book
    finally:
        engine.dispose()


def test_what_held_and_broke_names_how_the_sides_met(codebook):
    from lowpolitics.analysis.held_broken import held_broken

    rows = [
        act("b", "2021-05-02", "held", "bilateral"),
        act("c", "2021-05-03", "cancelled", "co_presence"),
    ]
    result = held_broken(Dataset(rows, [PERIOD]), codebook, AnalysisOptions(as_of=AS_OF))
    (period,) = result.periods
    soc = period.by_mechanism["societal"]
    assert [(a.id, a.contact) for a in soc.held] == [("b", "bilateral")]
    assert [(a.id, a.contact) for a in soc.disrupted] == [("c", "co_presence")]
