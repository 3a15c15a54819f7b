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


def test_reach_and_timeline(cli, demo_db):
    reach = json.loads(cli("--db", demo_db, "analyse", "reach", "--format", "json").out)
    assert reach["overall"]["activities"] > 100
    assert "bootstrap" in reach["methods"]["participant_shares"]
    timeline = json.loads(cli("--db", demo_db, "analyse", "timeline", "--format", "json").out)
    assert sum(r["total"] for r in timeline["by_year"]) == 140
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
        "survival",
        "recovery",
        "at_risk",
        "continuity",
        "reach",
        "network",
        "index",
        "timeline",
    }


def test_network_exports(cli, demo_db, tmp_path):
    data = json.loads(cli("--db", demo_db, "analyse", "network", "--format", "json").out)
    assert data["overall"]["cross_border"]["ties"] > 0
    target = tmp_path / "net.graphml"
    assert cli("--db", demo_db, "analyse", "network", "-f", "graphml", "--out", target).code == 0
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    assert cli("--db", demo_db, "analyse", "network", "-f", "gexf").code == 2
    assert cli("--db", demo_db, "analyse", "network").code == 0


def test_index_command(cli, demo_db):
    data = json.loads(
        cli(
            "--db", demo_db, "analyse", "index", "--runs", "50", "--seed", "3", "--format", "json"
        ).out
    )
    years = data["years"]
    assert years and all(y["p05"] <= y["median"] <= y["p95"] for y in years.values())
    again = json.loads(
        cli(
            "--db", demo_db, "analyse", "index", "--runs", "50", "--seed", "3", "--format", "json"
        ).out
    )
    assert again["years"] == years
    assert data["warnings"]  # coverage is reported honestly on thin data
    assert cli("--db", demo_db, "analyse", "index", "--runs", "50").code == 0
