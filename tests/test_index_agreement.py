"""A second, blind coder's frames against the coded index: known answers for the statistics,
unreadable and unknown texts counted apart, bad files named by line and field, the CLI on both
backends."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.index_agreement import index_agreement
from lowpolitics.store.importing import import_file
from test_discourse_store import OUTLETS, coded_row, write_csv

FRAMES = ["integrative", "neutral", "securitizing"]


def test_known_answer_alpha_and_kappa():
    """Four texts: index a,a,b,b; second a,b,b,b. Coincidences o_aa=2, o_ab=o_ba=1, o_bb=4;
    n_a=3, n_b=5, n=8: alpha = 1 - 7·2 / (2·3·5) = 8/15. Kappa: p_o=3/4, p_e=1/2·1/4+1/2·3/4
    = 1/2, so kappa = 1/2."""
    first = {
        "t0": ("neutral", "A"),
        "t1": ("neutral", "A"),
        "t2": ("securitizing", "A"),
        "t3": ("securitizing", "A"),
    }
    second = {
        "t0": ("neutral", "B"),
        "t1": ("securitizing", "B"),
        "t2": ("securitizing", "B"),
        "t3": ("securitizing", "B"),
    }
    result = index_agreement(first, second, FRAMES, draws=200)
    assert result.n_paired == 4
    assert result.percent_agreement == pytest.approx(0.75)
    assert result.cohen_kappa == pytest.approx(0.5)
    assert result.krippendorff_alpha == pytest.approx(8 / 15)
    assert [p.key for p in result.disagreements] == ["t1"]
    assert result.confusion["neutral"]["securitizing"] == 1
    assert result.confusion["securitizing"]["securitizing"] == 2
    assert any("only 4 texts" in w for w in result.warnings)


def test_unreadable_and_unknown_texts_are_counted_not_paired():
    first = {"a": ("neutral", "A"), "b": ("integrative", "A"), "c": ("neutral", "A")}
    second = {
        "a": ("neutral", "B"),
        "b": ("integrative", "B"),
        "c": (None, "B"),
        "zz": ("neutral", "B"),
    }
    result = index_agreement(first, second, FRAMES, draws=200)
    assert (result.n_sample, result.n_paired, result.n_unreadable, result.n_unknown) == (
        4,
        2,
        1,
        1,
    )
    assert result.percent_agreement == 1.0
    assert result.cohen_kappa == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FRAMES), min_size=3, max_size=40))
def test_identical_codings_agree_fully_and_the_interval_holds_the_value(frames):
    first = {f"t{i}": (f, "A") for i, f in enumerate(frames)}
    second = {f"t{i}": (f, "B") for i, f in enumerate(frames)}
    result = index_agreement(first, second, FRAMES, draws=100)
    assert result.percent_agreement == 1.0
    assert not result.disagreements
    if len(set(frames)) > 1:
        assert result.krippendorff_alpha == pytest.approx(1.0)
        assert result.alpha_ci is not None
        low, high = result.alpha_ci
        assert low <= result.krippendorff_alpha + 1e-9 and high == pytest.approx(1.0)
    else:  # one value only: alpha is undefined and the reason is given
        assert result.krippendorff_alpha is None
        assert result.warnings


@pytest.fixture
def index_in_store(engine, codebook, gazetteer, tmp_path):
    outlets = [
        dict.fromkeys(("languages", "domain", "source_url", "note"), "") | o for o in OUTLETS
    ]
    import_file(
        engine, "outlets", write_csv(tmp_path / "outlets.csv", outlets), codebook, gazetteer
    )
    frames = ["neutral", "neutral", "securitizing", "securitizing", "integrative", "neutral"]
    rows = [coded_row(i, frame=f) for i, f in enumerate(frames, start=1)]
    import_file(engine, "coded-texts", write_csv(tmp_path / "coded.csv", rows), codebook, gazetteer)
    return engine


def check_row(key, frame, note=""):
    return {
        "id": key,
        "url": "https://example.org/x",
        "frame": frame,
        "frame_evidence": "",
        "mentions": "",
        "coder": "coder-2",
        "read_chars": "500",
        "note": note,
    }


def test_cli_compares_a_second_coding_with_the_stored_index(index_in_store, db_url, cli, tmp_path):
    rows = [
        check_row("t-001", "neutral"),
        check_row("t-002", "securitizing"),
        check_row("t-003", "securitizing"),
        check_row("t-005", "integrative"),
        check_row("t-006", "", note="page not readable"),
    ]
    path = write_csv(tmp_path / "second.csv", rows)
    result = cli("--db", db_url, "reliability", "--index-check", path, "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert (doc["n_paired"], doc["n_unreadable"]) == (4, 1)
    assert doc["percent_agreement"] == pytest.approx(0.75)
    assert [d["key"] for d in doc["disagreements"]] == ["t-002"]
    table = cli("--db", db_url, "reliability", "--index-check", path)
    assert table.code == 0 and "Krippendorff" in table.out and "t-002" in table.out


def test_a_bad_second_coding_is_named_by_line_and_field(index_in_store, db_url, cli, tmp_path):
    rows = [check_row("t-001", "hostile"), check_row("t-002", "")]
    path = write_csv(tmp_path / "second.csv", rows)
    result = cli("--db", db_url, "reliability", "--index-check", path)
    assert result.code == 2
    assert "second.csv" in result.err and "line 2" in result.err and "frame" in result.err
    assert "line 3" in result.err and "note" in result.err
    assert "Traceback" not in result.err


def test_coders_or_index_check_is_required(index_in_store, db_url, cli):
    result = cli("--db", db_url, "reliability")
    assert result.code == 2 and "--coders" in result.err


def test_the_bundled_second_coding_gives_the_figures_the_protocol_states(demo_db, cli):
    """The agreement the protocol and docs print is what the shipped files give."""
    result = cli(
        "--db", f"sqlite:///{demo_db}", "reliability", "--index-check", "bundled", "-f", "json"
    )
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert (doc["n_sample"], doc["n_paired"], doc["n_unreadable"], doc["n_unknown"]) == (
        70,
        58,
        12,
        0,
    )
    assert round(doc["percent_agreement"], 3) == 0.862
    assert round(doc["krippendorff_alpha"], 3) == 0.759
    low, high = doc["alpha_ci"]
    assert (round(low, 2), round(high, 2)) == (0.58, 0.91)
