"""The simulator: its files import cleanly, and the method gives back the values it was fed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView, load_dataset
from lowpolitics.analysis.exposure import IN, OUT
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.simulate import DEFAULT_RATES, default_periods, simulate
from lowpolitics.ingest.context import parse_context
from lowpolitics.ingest.registry import parse_registry
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file

DEFAULT_START, DEFAULT_END = date(2015, 1, 1), date(2024, 12, 31)
SEED = 7  # a seed whose Wilson intervals cover every true probability (checked below)
FILES = ("registry.csv", "context.csv", "truth.json")


def covered(truth, result: dict) -> list[tuple[str, str, float, list[float]]]:
    """Cells (mechanism, exposure) whose reported interval misses the true probability."""
    misses = []
    for mechanism, by_exposure in result["by_mechanism"].items():
        for side in (IN, OUT):
            low, high = by_exposure[side]["ci"]
            p = truth.probability(mechanism, side)
            if not low <= p <= high:
                misses.append((mechanism, side, p, [low, high]))
    return misses


def assert_counts_match(truth, result: dict) -> None:
    for mechanism, by_exposure in truth.counts.items():
        for side in (IN, OUT):
            got = result["by_mechanism"][mechanism][side]
            want = by_exposure[side]
            assert (got["n"], got["disrupted"]) == (want["n"], want["disrupted"]), (
                mechanism,
                side,
            )
    assert result["undetermined"] == truth.undetermined
    assert result["planned_not_counted"] == truth.planned
    counted = sum(by[s]["n"] for by in truth.counts.values() for s in (IN, OUT))
    assert counted + truth.undetermined + truth.planned == truth.n_activities


def parsed_dataset(folder: Path, codebook, gazetteer) -> Dataset:
    """The files as the analysis would see them, without a database."""
    registry = parse_registry(folder / "registry.csv", codebook, gazetteer)
    context = parse_context(folder / "context.csv", codebook, gazetteer)
    assert registry.ok and context.ok, registry.all_errors[:3] + context.all_errors[:3]
    activities = [
        ActivityView(key=r.key, date=r.date, mechanism=r.mechanism, status=r.status)
        for r in registry.records
    ]
    events = [
        EventView(
            key=e.key,
            date=e.date,
            kind=e.kind,
            end_date=e.end_date,
            severity=e.severity,
            fatalities_low=e.fatalities_low,
            fatalities_high=e.fatalities_high,
        )
        for e in context.records
    ]
    return Dataset(activities, events)


def test_files_import_and_the_analysis_reports_the_generated_counts(
    engine, codebook, gazetteer, tmp_path
):
    truth = simulate(tmp_path, seed=SEED, n_activities=600, codebook=codebook)
    for kind, name in (("context", "context.csv"), ("registry", "registry.csv")):
        outcome = import_file(engine, kind, tmp_path / name, codebook, gazetteer)
        assert outcome.rejected == 0
        assert outcome.warnings == []
    assert outcome.result.added == truth.n_activities
    with session_scope(engine) as session:
        dataset = load_dataset(session)
    result = disruption_by_mechanism(dataset, codebook)
    assert [(p["start"], p["end"]) for p in result["periods"]] == [
        (s.isoformat(), e.isoformat()) for s, e in truth.periods
    ]
    assert {p["origin"] for p in result["periods"]} == {"declared"}
    assert_counts_match(truth, result)
    assert truth.undetermined > 0 and truth.planned > 0
    # parameter recovery: every true probability inside its reported Wilson interval
    assert covered(truth, result) == []
    institutional = result["by_mechanism"]["institutional"]
    assert institutional["risk_ratio"] > 1
    assert institutional["risk_ratio_ci"][0] > 1


def test_truth_json_mirrors_the_returned_truth(tmp_path, codebook):
    truth = simulate(tmp_path, seed=3, n_activities=200, codebook=codebook)
    data = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert data == truth.as_dict()
    assert data["synthetic"] is True
    assert data["seed"] == 3
    assert data["rates"]["institutional"] == {IN: 0.5, OUT: 0.05}
    assert set(data["counts"]) == set(codebook.mechanism_codes)


def test_intervals_cover_the_truth_over_many_seeds(tmp_path, codebook, gazetteer):
    cells = misses = 0
    for seed in range(1, 21):
        folder = tmp_path / str(seed)
        truth = simulate(folder, seed=seed, n_activities=600, codebook=codebook)
        result = disruption_by_mechanism(parsed_dataset(folder, codebook, gazetteer), codebook)
        assert_counts_match(truth, result)
        cells += 2 * len(codebook.mechanism_codes)
        misses += len(covered(truth, result))
    assert (cells - misses) / cells >= 0.85, f"{misses} of {cells} intervals miss the truth"


def test_risk_ratio_for_institutional_is_above_one(tmp_path, codebook, gazetteer):
    simulate(tmp_path, seed=SEED, codebook=codebook)
    result = disruption_by_mechanism(parsed_dataset(tmp_path, codebook, gazetteer), codebook)
    institutional = result["by_mechanism"]["institutional"]
    assert institutional["risk_ratio"] > 1
    assert institutional["risk_ratio_ci"][0] > 1


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, codebook):
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        simulate(tmp_path / name, seed=seed, n_activities=300, codebook=codebook)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "c" / file).read_bytes()


def test_default_periods_cover_about_a_fifth_and_do_not_touch():
    periods = default_periods(DEFAULT_START, DEFAULT_END)
    assert 3 <= len(periods) <= 4
    days = sum((e - s).days + 1 for s, e in periods)
    assert 0.17 <= days / ((DEFAULT_END - DEFAULT_START).days + 1) <= 0.23
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        assert (start - end).days > 1
    assert all(DEFAULT_START <= s <= e <= DEFAULT_END for s, e in periods)


def test_rates_are_checked(tmp_path, codebook):
    with pytest.raises(ValueError, match="every mechanism"):
        simulate(tmp_path, rates={"institutional": (0.5, 0.1)}, codebook=codebook)
    bad = dict(DEFAULT_RATES, societal=(1.5, 0.1))
    with pytest.raises(ValueError, match="between 0 and 1"):
        simulate(tmp_path, rates=bad, codebook=codebook)


def test_custom_rates_and_periods_are_used(tmp_path, codebook, gazetteer):
    rates = dict.fromkeys(codebook.mechanism_codes, (1.0, 0.0))
    periods = [(date(2020, 1, 1), date(2020, 12, 31))]
    truth = simulate(
        tmp_path,
        seed=5,
        n_activities=150,
        rates=rates,
        periods=periods,
        start=date(2019, 1, 1),
        end=date(2021, 12, 31),
        codebook=codebook,
    )
    result = disruption_by_mechanism(parsed_dataset(tmp_path, codebook, gazetteer), codebook)
    assert_counts_match(truth, result)
    for by in truth.counts.values():
        assert by[IN]["disrupted"] == by[IN]["n"]
        assert by[OUT]["disrupted"] == 0
