"""``lowpolitics analyse …`` on the bundled dataset: runs, reports periods with sources, warns."""

import json

import pytest

from lowpolitics.cli.demo import build_demo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    state = build_demo(tmp_path_factory.mktemp("analyse") / "demo", verbose=False)
    url = state.url
    state.close()
    return url


def test_resilience_on_bundled_data(cli, demo_db):
    result = cli("--db", demo_db, "analyse", "resilience", "--format", "json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert len(data["periods"]) == 5
    assert all(p["sources"] and p["origin"] == "declared" for p in data["periods"])
    assert {p["start"][:4] for p in data["periods"]} == {"2014", "2019", "2021", "2022"}
    assert set(data["by_mechanism"]) == {
        "institutional",
        "societal",
        "education_youth",
        "discursive",
    }
    assert any("not reliable" in w for w in data["warnings"])
    for block in data["by_mechanism"].values():
        for side in ("in_tension", "outside"):
            assert block[side]["n"] == len(block[side]["ids"])
    table = cli("--db", demo_db, "analyse", "resilience")
    assert table.code == 0 and "risk ratio" in table.out and "note:" in table.err


def test_derived_periods_and_window(cli, demo_db):
    result = cli(
        "--db",
        demo_db,
        "analyse",
        "resilience",
        "--periods",
        "derived",
        "--from",
        "2020",
        "--to",
        "2023",
        "--format",
        "json",
    )
    data = json.loads(result.out)
    assert data["periods"] and all(p["origin"] == "derived" for p in data["periods"])
    assert data["window"] == {"from": "2020-01-01", "to": "2023-12-31"}


def test_reach_and_timeline(cli, demo_db, bundled_rows):
    reach = json.loads(cli("--db", demo_db, "analyse", "reach", "--format", "json").out)
    assert reach["overall"]["activities"] > 100
    assert "bootstrap" in reach["methods"]["participant_shares"]
    timeline = json.loads(cli("--db", demo_db, "analyse", "timeline", "--format", "json").out)
    units = sum(r["total"] for r in timeline["by_year"])
    said = sum(r["total"] for r in timeline["statements_by_year"])
    barred = sum(r["total"] for r in timeline["restrictions_by_year"])
    # cooperative units: linked reports of one event merge, so fewer units than activity rows
    assert said and barred and units + said + barred < bundled_rows
    assert {d["id"] for d in timeline["disruptions"]} == {
        i for r in timeline["disrupted_by_year"] for ids in r["ids"].values() for i in ids
    }
    assert cli("--db", demo_db, "analyse", "reach").code == 0
    assert cli("--db", demo_db, "analyse", "timeline").code == 0


def test_analyse_all_document(cli, demo_db, tmp_path):
    target = tmp_path / "all.json"
    result = cli("--db", demo_db, "analyse", "all", "--out", target, "--as-of", "2026-11-28")
    assert result.code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {"meta", "resilience", "reach", "timeline"} <= set(data)
    assert data["meta"]["as_of"] == "2026-11-28"
    assert len(data["meta"]["data_fingerprint"]) == 64


@pytest.mark.parametrize(
    "args, message",
    [
        (["resilience", "--periods", "sometimes"], "--periods"),
        (["resilience", "--from", "last year"], "--from"),
        (["resilience", "--format", "xml"], "--format"),
        (["all", "--as-of", "2026"], "--as-of"),
    ],
)
def test_bad_options(cli, demo_db, args, message):
    result = cli("--db", demo_db, "analyse", *args)
    assert result.code == 2 and message in result.err


def test_simulate_then_recover_counts(cli, tmp_path):
    folder = tmp_path / "sim"
    result = cli(
        "simulate",
        "--out",
        folder,
        "--seed",
        "7",
        "--n",
        "300",
        "--rates",
        "institutional=0.6/0.02",
    )
    assert result.code == 0, result
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert truth["rates"]["institutional"] == {"in_tension": 0.6, "outside": 0.02}
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    cli("--db", db, "init")
    assert cli("--db", db, "import", "registry", folder / "registry.csv").code == 0
    assert cli("--db", db, "import", "context", folder / "context.csv").code == 0
    data = json.loads(cli("--db", db, "analyse", "resilience", "--format", "json").out)
    for mechanism, sides in truth["counts"].items():
        for side, counts in sides.items():
            block = data["by_mechanism"][mechanism][side]
            assert (block["n"], block["disrupted"]) == (counts["n"], counts["disrupted"])
    assert data["undetermined"] == truth["undetermined"]
    bad = cli("simulate", "--out", folder, "--rates", "institutional=high/low")
    assert bad.code == 2 and "--rates" in bad.err


def test_survival_recovery_at_risk_continuity(cli, demo_db):
    survival = json.loads(
        cli("--db", demo_db, "analyse", "survival", "--format", "json", "--as-of", "2026-11-28").out
    )
    assert survival["all_mechanisms"]["n"] == len(survival["initiatives"])
    assert survival["cox"] is None and any("Cox" in w for w in survival["warnings"])
    recovery = json.loads(cli("--db", demo_db, "analyse", "recovery", "--format", "json").out)
    assert len(recovery["by_period"]) == 5
    risk = json.loads(
        cli(
            "--db",
            demo_db,
            "analyse",
            "at-risk",
            "--as-of",
            "2023-03-01",
            "--horizon",
            "365",
            "--format",
            "json",
        ).out
    )
    assert risk["tension_now"]["state"] == "recent"
    assert all(a["reason"] and a["based_on_n"] for a in risk["activities"])
    cont = json.loads(cli("--db", demo_db, "analyse", "continuity", "--format", "json").out)
    assert cont["recurring"]["totals"]["explicit"] >= 1
    assert all(
        s["inferred"] for r in cont["recurring"]["initiatives"] for s in r["silent_disruptions"]
    )
    for command in ("survival", "recovery", "at-risk", "continuity"):
        result = cli("--db", demo_db, "analyse", command)
        assert result.code == 0, (command, result)


def test_analyse_all_has_every_section(cli, demo_db):
    data = json.loads(cli("--db", demo_db, "analyse", "all", "--as-of", "2026-11-28").out)
    assert set(data) == {
        "meta",
        "resilience",
        "sensitivity",
        "held_broken",
        "restart",
        "survival",
        "recovery",
        "at_risk",
        "continuity",
        "reach",
        "network",
        "index",
        "timeline",
        "discourse",
    }
    discourse = data["discourse"]
    assert discourse["units"] >= 200 and discourse["by_side"]["KG"] >= 100
    assert discourse["by_side"]["TJ"] >= 100
    for cell in discourse["frames"]:
        assert cell["n"] == len(cell["ids"])
        assert all(e["low"] <= e["value"] <= e["high"] for e in cell["shares"].values())
    assert discourse["divergence"] and discourse["event_study"] and discourse["trends"]
    assert discourse["mentions"] and discourse["keyness"]["tables"]


def test_network_exports(cli, demo_db, tmp_path):
    data = json.loads(cli("--db", demo_db, "analyse", "network", "--format", "json").out)
    assert data["overall"]["cross_border"]["ties"] > 0
    target = tmp_path / "net.graphml"
    assert cli("--db", demo_db, "analyse", "network", "-f", "graphml", "--out", target).code == 0
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    assert cli("--db", demo_db, "analyse", "network", "-f", "gexf").code == 2
    gexf = tmp_path / "net.gexf"
    assert cli("--db", demo_db, "analyse", "network", "-f", "gexf", "--out", gexf).code == 0
    assert 'xmlns="http://gexf.net/1.3" version="1.3"' in gexf.read_text(encoding="utf-8")
    assert cli("--db", demo_db, "analyse", "network").code == 0


def test_index_command(cli, demo_db):
    data = json.loads(
        cli(
            "--db", demo_db, "analyse", "index", "--runs", "50", "--seed", "3", "--format", "json"
        ).out
    )
    years = data["years"]
    published = [y for y in years.values() if y["median"] is not None]
    assert published and all(y["p05"] <= y["median"] <= y["p95"] for y in published)
    # a year below the coverage threshold (or without any record) is not published
    assert all(y["score"] is None for y in years.values() if y["withheld"])
    again = json.loads(
        cli(
            "--db", demo_db, "analyse", "index", "--runs", "50", "--seed", "3", "--format", "json"
        ).out
    )
    assert again["years"] == years
    assert data["warnings"]  # coverage is reported honestly on thin data
    assert cli("--db", demo_db, "analyse", "index", "--runs", "50").code == 0


def test_honest_resilience_on_bundled_data(cli, demo_db):
    """The acceptance points of the honest-analysis issue, on the bundled record."""
    data = json.loads(cli("--db", demo_db, "analyse", "resilience", "--format", "json").out)
    counting = data["counting"]
    assert {"kgtj-a-0084", "kgtj-a-0104"} <= set(counting["statements_set_aside"])
    for block in data["by_mechanism"].values():
        for side in ("in_tension", "outside"):
            assert not {"kgtj-a-0084", "kgtj-a-0104"} & set(block[side]["ids"])
    # three reports of one suspension, listed by date (0082 of July 2021 first)
    assert counting["merged_reports"]["kgtj-a-0081"] == [
        "kgtj-a-0082",
        "kgtj-a-0081",
        "kgtj-a-0093",
    ]
    # every recorded disruption is placed at year resolution
    years = data["all_mechanisms"]["year_resolution"]
    placed = set(years["tension_years"]["disrupted_ids"]) | set(
        years["calm_years"]["disrupted_ids"]
    )
    assert {"kgtj-a-0081", "kgtj-a-0089", "kgtj-a-0097", "kgtj-a-0106"} <= placed
    assert (
        data["all_mechanisms"]["in_tension"]["bounds"]["if_unknown_disrupted"]["n"]
        >= (data["all_mechanisms"]["in_tension"]["n"])
    )
    sens = json.loads(
        cli("--db", demo_db, "analyse", "resilience", "--sensitivity", "--format", "json").out
    )
    names = [d["name"] for d in sens["definitions"]]
    assert {"declared", "derived", "to_ceasefire", "to_restored_contact", "end+90"} <= set(names)
    assert "set:closure_2021_2025" in names
    for block in sens["by_mechanism"].values():
        assert [r["definition"] for r in block["rows"]] == names
        assert block["verdict"] in {
            "holds under every definition",
            "depends on the definition",
            "the data cannot tell",
        }
    held = json.loads(cli("--db", demo_db, "analyse", "held-broken", "--format", "json").out)
    p2021 = next(p for p in held["periods"] if p["start"] == "2021-04-28")
    named = {
        a["id"]: kind
        for m in p2021["by_mechanism"].values()
        for kind in ("held", "disrupted", "unknown", "coarsely_dated")
        for a in m[kind]
    }
    # the period ends on 16 May 2021, the day before the regional heads met (kgtj-c-0078)
    assert p2021["end"] == "2021-05-16"
    assert named["kgtj-a-0381"] == "held"  # the diasporas' joint appeal of 30 April
    assert named["kgtj-a-0701"] == "coarsely_dated"  # a 2021 tournament with no month
    assert "kgtj-a-0491" not in named  # the Asian sambo final, June 2021: after the period
    assert "kgtj-a-0264" not in named  # an AFC Cup match in Bishkek on 20 May: after it
    assert "kgtj-a-0084" in [s["id"] for s in p2021["statements"]]
    assert any(p["start"] == "2022-09-14" for p in held["periods"])
    restart = json.loads(cli("--db", demo_db, "analyse", "restart", "--format", "json").out)
    assert restart["periods"] and restart["periods"][0]["steps"]


def test_continuity_headline_and_gaps_on_bundled_data(cli, demo_db):
    data = json.loads(cli("--db", demo_db, "analyse", "all", "--as-of", "2026-11-28").out)
    cont = data["continuity"]
    gap = cont["headline"]["longest_body_gap"]
    assert gap["from_date"] and gap["days"] > 3650
    totals = cont["recurring"]["totals"]
    assert totals["baseline"]["seed"] == 2021
    assert all(g["initiative"] and "before_id" in g for g in totals["gaps"])
    un = next(
        e for e in cont["recurring"]["initiatives"] if e["initiative"].startswith("UN cross-border")
    )
    assert un["span_end"] == 2018  # the project closed: no gap after it
