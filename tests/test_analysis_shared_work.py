"""The faster paths of ``analyse all`` answer exactly as the plain definitions they replace.

Each shortcut (array exposure, grouped resilience splits, bisected lookups, blocked bootstrap
draws, flagged permutation draws, the per-run memo) is held here to the plain computation it
stands for, on random inputs, so that the document stays the same figure for figure.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from lowpolitics.analysis import reach as reach_module
from lowpolitics.analysis.dataset import ActivityView, Dataset, shared, shared_work
from lowpolitics.analysis.exposure import CODES, PeriodIndex, exposure_codes
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.recovery import _Working
from lowpolitics.analysis.resilience import _grouped, _split
from lowpolitics.analysis.silent_gaps import permutation_baseline
from lowpolitics.analysis.survival import WORKING, _order
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.dates import PartialDate

AS_OF = date(2026, 1, 1)


def _periods(rng: random.Random, n: int) -> list[TensionPeriod]:
    periods = []
    for _ in range(n):  # overlapping and unsorted, as declared ones may be
        start = date(2010, 1, 1) + timedelta(days=rng.randint(0, 3000))
        periods.append(TensionPeriod(start, start + timedelta(days=rng.randint(0, 200)), "x"))
    return periods


def _activities(rng: random.Random, codebook, n: int) -> list[ActivityView]:
    rows = []
    for i in range(n):
        day = date(2009, 1, 1) + timedelta(days=rng.randint(0, 3800))
        when = rng.choice(
            [
                PartialDate(day.year, day.month, day.day),
                PartialDate(day.year, day.month),
                PartialDate(day.year),
            ]
        )
        rows.append(
            ActivityView(
                key=f"a-{i:04d}",
                date=when,
                mechanism=rng.choice(codebook.mechanism_codes),
                status=rng.choice(codebook.status_codes),
                record_kind=rng.choice(["activity"] * 8 + ["statement", "restriction"]),
                same_as=f"a-{i - 1:04d}" if i and rng.random() < 0.1 else None,
            )
        )
    return rows


@pytest.mark.parametrize("n_periods", [0, 1, 3, 40])
def test_array_exposure_answers_as_the_index(n_periods):
    rng = random.Random(n_periods)
    periods = _periods(rng, n_periods)
    index = PeriodIndex(periods)
    spans = []
    for _ in range(3000):
        start = date(2009, 1, 1) + timedelta(days=rng.randint(0, 3500))
        spans.append((start, start + timedelta(days=rng.choice([0, 0, 30, 364]))))
    codes = exposure_codes(
        np.array([s.toordinal() for s, _ in spans], dtype=np.int64),
        np.array([e.toordinal() for _, e in spans], dtype=np.int64),
        periods,
    )
    assert [CODES[c] for c in codes] == [index.interval(s, e) for s, e in spans]


@pytest.mark.parametrize("n_periods", [0, 1, 5, 40])
def test_grouped_split_is_the_split_by_mechanism(codebook, n_periods):
    rng = random.Random(100 + n_periods)
    base = counting_base(_activities(rng, codebook, 800), codebook, AS_OF, 90)
    periods = _periods(rng, n_periods)
    split = _split(base, periods)
    grouped = _grouped(base, periods)
    assert set(grouped) == {(w, s) for w in split for s in ("counted", "unknown")}
    for (where, slot), groups in grouped.items():
        units = split[where][slot]
        assert groups[None] == units
        for mechanism in [*codebook.mechanism_codes, "not-a-mechanism"]:
            expected = [u for u in units if u.mechanism == mechanism]
            assert groups.get(mechanism, []) == expected


def test_next_working_is_the_earliest_by_scan(codebook):
    rng = random.Random(7)
    rows = _activities(rng, codebook, 600)
    working = _Working(rows)
    for _ in range(300):
        since = date(2009, 1, 1) + timedelta(days=rng.randint(0, 4000))
        mechanism = rng.choice([*codebook.mechanism_codes, "not-a-mechanism"])
        found = [
            a
            for a in rows
            if a.mechanism == mechanism and a.status in WORKING and a.date.start >= since
        ]
        assert working.next(mechanism, since) == min(found, key=_order, default=None)


@pytest.mark.parametrize("n", [2, 3, 57, 1500])
def test_blocked_bootstrap_draws_as_one_block(monkeypatch, n):
    rng = random.Random(n)
    pairs = [(rng.randint(0, 50), rng.randint(1, 400)) for _ in range(n)]
    parts = np.array([p for p, _ in pairs], dtype=float)
    totals = np.array([t for _, t in pairs], dtype=float)
    draws = np.random.default_rng(reach_module.BOOTSTRAP_SEED).integers(
        0, n, size=(reach_module.BOOTSTRAP_RUNS, n)
    )
    shares = parts[draws].sum(axis=1) / totals[draws].sum(axis=1)
    expected = [reach_module._r(np.percentile(shares, q)) for q in (2.5, 97.5)]
    monkeypatch.setattr(reach_module, "BOOTSTRAP_CELLS", 1000)  # many blocks, a ragged last
    assert reach_module.pooled_share(pairs)["ci"] == expected


def test_flagged_permutations_draw_as_the_years():
    rng = random.Random(3)
    periods = _periods(rng, 6)
    entries = []
    for _ in range(40):
        first = rng.randint(2005, 2015)
        candidates = list(range(first + 1, first + rng.randint(2, 12)))
        silent = [{"year": y} for y in rng.sample(candidates, rng.randint(0, len(candidates)))]
        entries.append({"_candidates": candidates, "silent_disruptions": silent})
    result = permutation_baseline(entries, periods, 300, 11)
    # the plain definition: draw years, count those in a tension year
    years = {y for p in periods for y in range(p.start.year, p.end.year + 1)}
    draws = [(e["_candidates"], len(e["silent_disruptions"])) for e in entries]
    draws = [(c, k) for c, k in draws if k and len(c) >= k]
    plain = random.Random(11)
    counts = sorted(
        sum(sum(1 for y in plain.sample(c, k) if y in years) for c, k in draws) for _ in range(300)
    )
    assert result["p05"] == counts[int(0.05 * 299)]
    assert result["p95"] == counts[int(0.95 * 299)]
    assert result["expected"] == round(sum(counts) / len(counts), 3)


def test_shared_work_lives_only_inside_its_block():
    calls = []
    owner = object()

    def compute():
        calls.append(1)
        return len(calls)

    assert shared(owner, "k", compute) == 1 and shared(owner, "k", compute) == 2
    with shared_work():
        assert shared(owner, "k", compute) == 3
        assert shared(owner, "k", compute) == 3
        assert shared(owner, "other", compute) == 4
        assert shared(object(), "k", compute) == 5
    assert shared(owner, "k", compute) == 6


def test_shared_window_and_base_are_the_fresh_ones(codebook):
    rng = random.Random(9)
    dataset = Dataset(_activities(rng, codebook, 300))
    alone = counting_base(dataset.between(date(2011, 1, 1), None).activities, codebook, AS_OF, 90)
    with shared_work():
        first = dataset.between(date(2011, 1, 1), None)
        assert dataset.between(date(2011, 1, 1), None) is first
        base = counting_base(first.activities, codebook, AS_OF, 90)
        assert counting_base(first.activities, codebook, AS_OF, 90) is base
        assert counting_base(first.activities, codebook, AS_OF, 30) is not base
    assert base.units == alone.units and base.outcomes == alone.outcomes
    assert dataset.between(date(2011, 1, 1), None) is not first


def test_collector_is_paused_inside_and_restored_after():
    """The cycle collector is off inside the block and as it was after, error or not; one
    that was off before stays off."""
    import gc

    from lowpolitics.analysis.run_all import collector_paused

    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled()
        gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_analyse_database_runs_with_the_collector_paused(monkeypatch, tmp_path, codebook):
    """Reading and analysing happen with the collector off; it is back on for the caller."""
    import gc

    from lowpolitics.analysis import run_all
    from lowpolitics.analysis.options import AnalysisOptions
    from lowpolitics.store.db import make_engine, upgrade

    seen = []
    monkeypatch.setattr(
        run_all, "analyse_all", lambda *args, **kwargs: seen.append(gc.isenabled()) or {}
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    assert gc.isenabled()
    run_all.analyse_database(engine, codebook, AnalysisOptions(as_of=AS_OF))
    assert seen == [False] and gc.isenabled()
    engine.dispose()
