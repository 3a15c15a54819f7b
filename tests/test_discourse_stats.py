"""Known answers for the discourse analysis: planted frame shares are recovered within their
intervals, planted convergence and divergence are detected and shuffled sides are not, planted
key terms are found, and the event study sees a planted hardening."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.discourse import DiscourseOptions, analyse_discourse
from lowpolitics.analysis.discourse_stats import FRAMES, jensen_shannon
from lowpolitics.analysis.discourse_units import DiscourseUnit, UnitFilter, UnitMention
from lowpolitics.analysis.keyness import compare, log_likelihood, log_ratio
from lowpolitics.analysis.periods import TensionPeriod

OPTIONS = DiscourseOptions(draws=800)


def plant(side: str, year: int, shares: tuple[float, float, float], n: int, rng, prefix="u"):
    frames = rng.choice(FRAMES, size=n, p=shares)
    days = rng.integers(0, 365, size=n)
    return [
        DiscourseUnit(
            key=f"{prefix}-{side}-{year}-{i}",
            side=side,
            day=date(year, 1, 1) + timedelta(days=int(days[i])),
            frame=str(frames[i]),
            language="ru",
        )
        for i in range(n)
    ]


def test_jensen_shannon_known_answers():
    assert jensen_shannon(np.array([1, 0, 0.0]), np.array([0, 1, 0.0]))[0] == pytest.approx(1)
    assert jensen_shannon(np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3, 0.5]))[0] == 0
    # [½, ½] against [1, 0]: ½(KL(p‖m) + KL(q‖m)) with m = [¾, ¼]
    expected = 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)) + 0.5 * (
        math.log2(1 / 0.75)
    )
    assert jensen_shannon(np.array([0.5, 0.5]), np.array([1.0, 0]))[0] == pytest.approx(expected)
    assert expected == pytest.approx(0.3113, abs=1e-4)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=3, max_size=3).filter(lambda v: sum(v) > 0),
    st.lists(st.floats(0, 1), min_size=3, max_size=3).filter(lambda v: sum(v) > 0),
)
def test_jensen_shannon_is_a_bounded_symmetric_divergence(a, b):
    p, q = np.array(a) / sum(a), np.array(b) / sum(b)
    value = jensen_shannon(p, q)[0]
    assert -1e-12 <= value <= 1 + 1e-12
    assert value == pytest.approx(jensen_shannon(q, p)[0])


def test_planted_shares_are_recovered_within_their_intervals():
    rng = np.random.default_rng(7)
    planted = {
        ("KG", 2020): (0.5, 0.4, 0.1),
        ("KG", 2021): (0.1, 0.3, 0.6),
        ("TJ", 2020): (0.3, 0.6, 0.1),
        ("TJ", 2021): (0.2, 0.3, 0.5),
    }
    units = [u for (side, year), p in planted.items() for u in plant(side, year, p, 300, rng)]
    result = analyse_discourse(units, [], OPTIONS)
    assert len(result.frames) == 4
    for cell in result.frames:
        truth = planted[(cell.group, int(cell.period))]
        assert cell.n == 300 and not cell.small
        for frame, share in zip(FRAMES, truth, strict=True):
            estimate = cell.shares[frame]
            assert estimate.low <= share <= estimate.high, (cell.group, cell.period, frame)
            assert estimate.high - estimate.low < 0.13  # n = 300 pins a share to ± 6 points


def test_small_cells_get_wide_intervals_and_a_warning():
    rng = np.random.default_rng(3)
    units = plant("KG", 2022, (0.2, 0.5, 0.3), 4, rng) + plant("TJ", 2022, (0.2, 0.5, 0.3), 4, rng)
    result = analyse_discourse(units, [], OPTIONS)
    cell = result.frames[0]
    assert cell.small and cell.n == 4
    assert cell.shares["securitizing"].high - cell.shares["securitizing"].low > 0.4
    assert result.divergence[0].small
    assert result.warnings and "fewer than 10" in result.warnings[0]
    # a frame seen 0 times still gets an interval above zero (the half-count)
    zero = (
        next(e for e in cell.shares.values() if e.value == 0)
        if any(e.value == 0 for e in cell.shares.values())
        else None
    )
    if zero is not None:
        assert zero.high > 0


def _series(kg: list[float], tj: list[float], rng, n=150):
    units = []
    for i, (a, b) in enumerate(zip(kg, tj, strict=True)):
        year = 2019 + i
        for side, sec in (("KG", a), ("TJ", b)):
            units += plant(side, year, ((1 - sec) / 2, (1 - sec) / 2, sec), n, rng)
    return units


def test_planted_convergence_is_detected():
    rng = np.random.default_rng(11)
    units = _series([0.7, 0.6, 0.45, 0.3, 0.2], [0.15] * 5, rng)
    result = analyse_discourse(units, [], OPTIONS)
    jsd = next(t for t in result.trends if t.measure == "jsd")
    gap = next(t for t in result.trends if t.measure == "securitizing_gap_abs")
    assert jsd.verdict == "converging" and jsd.slope_per_year.high < 0
    assert gap.verdict == "converging"
    assert result.verdict == "converging"


def test_planted_divergence_is_detected():
    rng = np.random.default_rng(12)
    units = _series([0.15, 0.25, 0.4, 0.55, 0.7], [0.15] * 5, rng)
    result = analyse_discourse(units, [], OPTIONS)
    assert result.verdict == "diverging"
    gaps = [c.securitizing_gap.value for c in result.divergence]
    assert gaps == sorted(gaps)


def test_shuffled_sides_show_no_trend():
    rng = np.random.default_rng(13)
    units = _series([0.7, 0.6, 0.45, 0.3, 0.2], [0.15] * 5, rng)
    sides = rng.permutation([u.side for u in units])  # who speaks no longer matters
    shuffled = [
        DiscourseUnit(u.key, str(s), u.day, u.frame, u.language)
        for u, s in zip(units, sides, strict=True)
    ]
    result = analyse_discourse(shuffled, [], OPTIONS)
    assert result.verdict == "no_clear_trend"
    for cell in result.divergence:  # the divergence is what noise alone gives
        assert cell.jsd.value < 3 * cell.jsd_noise + 0.01


def test_too_few_periods_is_said():
    rng = np.random.default_rng(1)
    units = _series([0.5, 0.2], [0.2, 0.2], rng)
    result = analyse_discourse(units, [], OPTIONS)
    assert result.verdict == "too_few_periods"


def test_headline_figures_name_their_cases():
    rng = np.random.default_rng(5)
    units = _series([0.2, 0.2, 0.6], [0.2, 0.2, 0.4], rng, n=60)
    result = analyse_discourse(units, [], OPTIONS)
    change = result.securitizing_share_change
    assert change.value.value == pytest.approx(0.3, abs=0.1)
    assert change.value.low > 0 and change.n == 240 and len(change.ids) == 240
    divergence = result.frame_divergence
    assert divergence.value.value == pytest.approx(0.2, abs=0.12)
    assert divergence.n == 120 and "2021" in divergence.basis


def test_event_study_sees_planted_hardening_and_recovery():
    rng = np.random.default_rng(21)
    onset, end = date(2022, 9, 14), date(2022, 11, 30)
    period = TensionPeriod(onset, end, "declared")

    def window(side, first: date, days: int, sec: float, n: int, tag: str):
        frames = rng.choice(FRAMES, size=n, p=((1 - sec) / 2, (1 - sec) / 2, sec))
        offs = rng.integers(0, days, size=n)
        return [
            DiscourseUnit(f"{tag}-{side}-{i}", side, first + timedelta(days=int(offs[i])), str(f))
            for i, f in enumerate(frames)
        ]

    units = []
    for side in ("KG", "TJ"):
        units += window(side, onset - timedelta(days=30), 30, 0.1, 80, "pre")
        units += window(side, onset, 30, 0.7, 80, "during")
        units += window(side, end + timedelta(days=1), 30, 0.15, 80, "after")
    units += window("KG", end - timedelta(days=29), 30, 0.7, 80, "late")
    result = analyse_discourse(units, [period], DiscourseOptions(draws=800, windows=(30,)))
    onset_kg = next(
        w for w in result.event_study if w.anchor == "onset" and w.side == "KG" and w.days == 30
    )
    assert onset_kg.change.low > 0.4
    end_kg = next(w for w in result.event_study if w.anchor == "end" and w.side == "KG")
    assert end_kg.change.high < 0  # recovers once the period is over
    assert len(result.event_study) == 4  # onset and end × two sides × one window


def test_keyness_known_answers():
    # 10 in 100 tokens against 0 in 100: expected 5 each, G² = 2·10·ln 2
    assert log_likelihood(10, 0, 100, 100) == pytest.approx(2 * 10 * math.log(2))
    assert log_likelihood(5, 5, 100, 100) == pytest.approx(0)
    assert log_ratio(8, 2, 100, 100) == pytest.approx(2)
    assert log_ratio(4, 0, 100, 100) == pytest.approx(3)


def test_keyness_finds_planted_terms():
    def unit(key, side, stems):
        return DiscourseUnit(key, side, date(2021, 5, 1), "neutral", "ru", stems=stems)

    common = {"граница": 3, "село": 2, "встреча": 2, "район": 2}
    kg = [unit(f"k{i}", "KG", common | {"агрессия": 2}) for i in range(12)]
    tj = [unit(f"t{i}", "TJ", common | {"дружба": 2, "и": 9}) for i in range(12)]
    table = compare("KG", kg, "TJ", tj)
    assert [t.term for t in table.terms] == ["агрессия"]
    assert table.terms[0].target == 24 and table.terms[0].reference == 0
    assert len(table.terms[0].texts) == 10
    other = compare("TJ", tj, "KG", kg)
    assert [t.term for t in other.terms] == ["дружба"]  # "и" is a stop word


def test_filters_keep_what_they_name():
    units = [
        DiscourseUnit("a", "KG", date(2021, 1, 1), "neutral", "ru", outlet="kabar", genre="news"),
        DiscourseUnit(
            "b", "KG", date(2021, 1, 1), "neutral", "ky", outlet="24kg", genre="official"
        ),
    ]
    assert [u.key for u in UnitFilter(genres=("news",)).apply(units)] == ["a"]
    assert [u.key for u in UnitFilter(outlets=("24kg",)).apply(units)] == ["b"]
    assert [u.key for u in UnitFilter(languages=("ky",)).apply(units)] == ["b"]


def test_mentions_of_the_other_side_only():
    unit = DiscourseUnit(
        "x",
        "KG",
        date(2021, 1, 1),
        "neutral",
        mentions=(
            UnitMention("TJ", "people", "Tajiks", "securitizing"),
            UnitMention("KG", "country", "Kyrgyzstan", "neutral"),
        ),
    )
    assert [m.name for m in unit.mentions_of_other()] == ["Tajiks"]
    result = analyse_discourse([unit], [], OPTIONS)
    cell = result.mentions[0]
    assert cell.mentions == 1 and cell.by_frame["securitizing"] == 1
