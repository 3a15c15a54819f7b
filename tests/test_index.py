"""Known answers and invariants for the Cultural Diplomacy Index (analysis/index)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView
from lowpolitics.analysis.index import (
    Framework,
    IndicatorTable,
    build_index,
    indicator_table,
    load_framework,
    load_weights,
    pca_weights,
    run_index,
)
from lowpolitics.analysis.index.construct import aggregate, normalise
from lowpolitics.analysis.index.framework import bundled_framework_text
from lowpolitics.analysis.index.uncertainty import correlation_ratio, monte_carlo
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import ConfigError

D = PartialDate.parse
NAN = float("nan")


def small_framework(weights: dict | None = None) -> Framework:
    """Pillar a: a1 (+1), a2 (−1); pillar b: b1 (+1, target 10)."""

    def ind(code, pillar, direction, target=None):
        return {
            "code": code,
            "pillar": pillar,
            "source": "held_count",
            "direction": direction,
            "unit": "n",
            "rationale": "test",
            "target": target,
            "label": {"en": code, "ru": code},
        }

    fw = Framework.model_validate(
        {
            "label": {"en": "t", "ru": "т"},
            "pillars": [
                {"code": "a", "label": {"en": "A", "ru": "А"}},
                {"code": "b", "label": {"en": "B", "ru": "Б"}},
            ],
            "indicators": [ind("a1", "a", 1), ind("a2", "a", -1), ind("b1", "b", 1, 10.0)],
        }
    )
    return fw.with_weights(weights)


def small_table(a1=(0, 5, 10), a2=(2, 4, 0), b1=(1, 3, None)) -> IndicatorTable:
    years = [2020, 2021, 2022]
    raw = {
        c: {y: (None if v is None else float(v)) for y, v in zip(years, vals, strict=True)}
        for c, vals in (("a1", a1), ("a2", a2), ("b1", b1))
    }
    ids = {c: {y: [f"{c}-{y}"] for y in years} for c in raw}
    return IndicatorTable(years, ["a1", "a2", "b1"], raw, {c: dict(v) for c, v in raw.items()}, ids)


def scores(result: dict) -> list[float | None]:
    return [result["years"][y]["score"] for y in sorted(result["years"])]


# --- normalisation ----------------------------------------------------------------------------


def test_minmax_and_direction():
    assert normalise(np.array([1, 2, 4]), 1, method="minmax") == pytest.approx([0, 1 / 3, 1])
    assert normalise(np.array([1, 2, 4]), -1, method="minmax") == pytest.approx([1, 2 / 3, 0])
    assert normalise(np.array([3, 3]), 1, method="minmax") == pytest.approx([0.5, 0.5])
    out = normalise(np.array([1, NAN, 4]), 1, method="minmax")
    assert out[0] == 0 and math.isnan(out[1]) and out[2] == 1


def test_zscore_through_normal_cdf():
    z = [-4 / math.sqrt(21), -1 / math.sqrt(21), 5 / math.sqrt(21)]  # mean 7/3, sd √21/3
    phi = [0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z]
    assert normalise(np.array([1, 2, 4]), 1, method="zscore") == pytest.approx(phi)
    assert normalise(np.array([1, 2, 4]), -1, method="zscore") == pytest.approx(
        [1 - p for p in phi]
    )


def test_rank_with_ties():
    assert normalise(np.array([1, 2, 4]), 1, method="rank") == pytest.approx([0, 0.5, 1])
    assert normalise(np.array([1, 1, 3]), 1, method="rank") == pytest.approx([0.25, 0.25, 1])
    assert normalise(np.array([1, 2, 4]), -1, method="rank") == pytest.approx([1, 0.5, 0])


def test_distance_to_target():
    assert normalise(np.array([1, 2, 4]), 1, 3.0, "target") == pytest.approx([0, 0.5, 1])
    assert normalise(np.array([1, 3, 4]), -1, 2.0, "target") == pytest.approx([1, 0.5, 0])
    # without a target the best observed value is the goal: min–max
    assert normalise(np.array([1, 2, 4]), 1, None, "target") == pytest.approx([0, 1 / 3, 1])


def test_unknown_choice_is_refused():
    with pytest.raises(ConfigError):
        normalise(np.array([1.0]), method="log")
    with pytest.raises(ConfigError):
        build_index(small_table(), small_framework(), aggregation="median")


# --- weighting --------------------------------------------------------------------------------


def test_pca_first_component_known():
    t = np.array([1.0, 2, 3, 4])
    c3 = np.array([1.0, -1, -1, 1])  # uncorrelated with t
    m = np.column_stack([t, 2 * t + 1, c3])  # correlation [[1,1,0],[1,1,0],[0,0,1]]
    m = np.vstack([m, [NAN, 1, 1]])  # an incomplete row is dropped
    w, info = pca_weights(m)
    assert w == pytest.approx([0.5, 0.5, 0.0], abs=1e-9)
    assert info["explained"] == pytest.approx(2 / 3, abs=1e-4) and info["rows"] == 4


def test_pca_fallback_to_equal_with_warning():
    w, info = pca_weights(np.array([[0.1, 0.2], [0.3, 0.4]]))
    assert w is None and "complete-case" in info["reason"]
    result = build_index(small_table(), small_framework(), weighting="pca")
    assert result["weights"]["indicators"] == {"a1": 0.5, "a2": 0.5, "b1": 1.0}
    assert any("PCA" in w and "equal weights used" in w for w in result["warnings"])


def test_equal_and_user_weights_known_answer():
    # a: a1 [0, .5, 1], a2 (−1) [.5, 0, 1] → pillar a [.25, .25, 1]; b: [0, 1, —]
    equal = build_index(small_table(), small_framework())
    assert scores(equal) == pytest.approx([12.5, 62.5, 100.0])
    assert equal["years"]["2022"]["pillars"]["b"] is None
    assert any("2022" in w and "pillar(s) b" in w for w in equal["warnings"])
    user = build_index(small_table(), small_framework(), weighting="user", weights={"b": 3})
    assert scores(user) == pytest.approx([6.25, 81.25, 100.0])
    assert user["weights"]["pillars"] == {"a": 0.25, "b": 0.75}
    # "equal" ignores the user's weights on purpose
    assert scores(build_index(small_table(), small_framework({"b": 3}))) == scores(equal)


# --- aggregation ------------------------------------------------------------------------------


def test_arithmetic_and_geometric_known_answers():
    x, w = np.array([[0.2, 0.8]]), np.array([1.0, 3.0])
    assert aggregate(x, w, "arithmetic") == pytest.approx([0.65])
    g = (0.208**0.25) * (0.802**0.75)  # x' = 0.01 + 0.99 x
    assert aggregate(x, w, "geometric") == pytest.approx([(g - 0.01) / 0.99])
    assert aggregate(np.array([[0, 0], [1, 1]]), w, "geometric") == pytest.approx([0, 1])
    assert aggregate(np.array([[0.2, NAN]]), w, "arithmetic") == pytest.approx([0.2])
    assert math.isnan(aggregate(np.array([[NAN, NAN]]), w, "arithmetic")[0])


def test_geometric_index_known_answer():
    result = build_index(small_table(), small_framework(), aggregation="geometric")

    def geo(values):  # equal weights, ε = 0.01
        g = math.prod(0.01 + 0.99 * v for v in values) ** (1 / len(values))
        return (g - 0.01) / 0.99

    pa = [geo([0, 0.5]), geo([0.5, 0]), geo([1, 1])]
    expected = [geo([pa[0], 0]), geo([pa[1], 1]), pa[2]]
    assert scores(result) == pytest.approx([round(v * 100, 2) for v in expected])


# --- invariants -------------------------------------------------------------------------------

values3 = st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(
    a1=values3,
    a2=values3,
    b1=values3,
    year=st.integers(0, 2),
    delta=st.floats(0, 50, allow_nan=False),
    norm=st.sampled_from(["minmax", "zscore", "rank", "target"]),
)
def test_raising_an_indicator_moves_the_score_its_way(a1, a2, b1, year, delta, norm):
    fw = small_framework()
    base = scores(build_index(small_table(a1, a2, b1), fw, normalisation=norm))
    up1 = list(a1)
    up1[year] += delta
    up2 = list(a2)
    up2[year] += delta
    raised = scores(build_index(small_table(up1, a2, b1), fw, normalisation=norm))
    reversed_ = scores(build_index(small_table(a1, up2, b1), fw, normalisation=norm))
    assert raised[year] >= base[year] - 1e-9  # a1 has direction +1
    assert reversed_[year] <= base[year] + 1e-9  # a2 has direction −1


# --- data: indicators, coverage, missing ----------------------------------------------------


def act(key, when, mechanism, status, host="KG", **kw) -> ActivityView:
    return ActivityView(
        key=key, date=D(when), mechanism=mechanism, status=status, host_country=host, **kw
    )


@pytest.fixture
def dataset() -> Dataset:
    acts = [
        act(
            "a1",
            "2020-05-01",
            "institutional",
            "held",
            border_area=True,
            participants_total=10,
            participants_women=4,
            participants_youth=2,
        ),
        act("a2", "2020-05-02", "societal", "cancelled", host="TJ"),
        act("a3", "2020-06-01", "societal", "held", host="TJ", initiative="X"),
        act("a4", "2021-04-01", "education_youth", "held"),
        act("a5", "2021-05-01", "institutional", "planned"),
        act("a6", "2022-03-01", "societal", "held", border_area=False, initiative="X"),
        act("a7", "2022-09-01", "discursive", "postponed"),
    ]
    tension = EventView("t1", D("2022-01-01"), "tension_period", end_date=D("2022-06-30"))
    return Dataset(acts, [tension])


def test_indicator_values_and_ids(dataset, codebook):
    table = indicator_table(dataset, codebook, None, load_framework())
    assert table.years == [2020, 2021, 2022]
    assert [table.raw["inst_held"][y] for y in table.years] == [1, 0, 0]
    assert [table.raw["soc_held_share"][y] for y in table.years] == [0.5, None, 1.0]
    # resilience indicators are undefined in a year without tension (2020, 2021)
    assert table.raw["disruption_rate"][2020] is None
    assert table.raw["disruption_rate"][2022] == pytest.approx(1 / 2)
    assert table.ids["disruption_rate"][2022] == ["a6", "a7"]
    assert [table.raw["reciprocity_balance"][y] for y in table.years] == [0.5, 0.0, 0.0]
    assert table.raw["women_share"][2020] == pytest.approx(0.4)
    # held in tension ÷ (3 held outside ÷ 915 days outside × 181 tension days)
    assert table.raw["tension_held_ratio"][2022] == pytest.approx(915 / (3 * 181))
    assert table.ids["tension_held_ratio"][2022] == ["a6"]
    assert table.raw["tension_held_ratio"][2020] is None


def test_missing_left_and_coverage_reported(dataset, codebook):
    table = indicator_table(dataset, codebook, None, load_framework())
    cov = table.coverage["indicators"]["women_share"]
    assert cov["observed"] == 1 and cov["share"] == pytest.approx(1 / 3, abs=1e-4)
    assert cov["missing_years"] == [2021, 2022]
    assert table.imputed == [] and table.values["women_share"][2021] is None
    # 2020 lacks edu_held_share, disc_held_share (no such activity) and, with no tension day,
    # the whole resilience pillar (tension_held_ratio, disruption_rate, resumption_ratio)
    assert table.coverage["years"]["2020"]["observed"] == 11
    assert any(w.startswith("women_share: data in only 1 of 3") for w in table.warnings)


def test_pillar_mean_imputation_is_flagged(dataset, codebook):
    table = indicator_table(dataset, codebook, None, load_framework(), impute="pillar_mean")
    cell = next(c for c in table.imputed if (c["indicator"], c["year"]) == ("women_share", 2021))
    # societal in 2021: only soc_held (0, the minimum) → position 0 → women_share's minimum
    assert cell["method"] == "pillar_mean" and cell["basis"] == ["soc_held"]
    assert cell["value"] == pytest.approx(0.4) and table.is_imputed("women_share", 2021)
    assert table.coverage["indicators"]["women_share"]["share"] == pytest.approx(1 / 3, abs=1e-4)
    out = run_index(dataset, codebook, impute="pillar_mean", runs=20)
    assert out["years"]["2021"]["indicators"]["women_share"]["imputed"] is True
    assert {"indicator": "women_share", "year": 2021} in [
        {"indicator": c["indicator"], "year": c["year"]} for c in out["imputed"]
    ]
    with pytest.raises(ConfigError):
        indicator_table(dataset, codebook, None, load_framework(), impute="hot_deck")


# --- Monte Carlo and sensitivity --------------------------------------------------------------


def test_monte_carlo_reproducible_with_seed(dataset, codebook):
    one = run_index(dataset, codebook, runs=100, seed=7)
    two = run_index(dataset, codebook, runs=100, seed=7)
    other = run_index(dataset, codebook, runs=100, seed=8)
    assert one == two
    assert one["years"] != other["years"] or one["sensitivity"] != other["sensitivity"]
    table = indicator_table(dataset, codebook, None, load_framework())
    a = monte_carlo(table, load_framework(), runs=50, seed=1)["scores"]
    b = monte_carlo(table, load_framework(), runs=50, seed=2)["scores"]
    assert not np.array_equal(a, b)


def test_sensitivity_indices_in_unit_interval(dataset, codebook):
    out = run_index(dataset, codebook, runs=200)
    assert "correlation ratio" in out["sensitivity"]["estimator"]
    values = [v for year in out["sensitivity"]["by_year"].values() for v in year.values()]
    assert values and all(v is None or 0 <= v <= 1 for v in values)
    for year in out["years"].values():
        if year["withheld"]:
            assert year["score"] is None and year["median"] is None
        else:
            assert year["p05"] <= year["median"] <= year["p95"]


def test_correlation_ratio_known_cases():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, 600)
    assert correlation_ratio(x * 2.0, x) == pytest.approx(1.0)
    assert correlation_ratio(rng.normal(size=600), x) < 0.02
    cont = rng.uniform(size=600)
    assert correlation_ratio(cont, cont, bins=10) > 0.95
    assert correlation_ratio(np.ones(10), np.arange(10)) is None


# --- user framework and weights files ---------------------------------------------------------


def test_user_framework_and_weights_files(tmp_path, dataset, codebook):
    data = yaml.safe_load(bundled_framework_text())
    data["pillars"] = [p for p in data["pillars"] if p["code"] in ("societal", "resilience")]
    data["indicators"] = [
        i for i in data["indicators"] if i["pillar"] in ("societal", "resilience")
    ]
    fw_file = tmp_path / "fw.yaml"
    fw_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    weights_file = tmp_path / "w.yaml"
    weights_file.write_text("resilience: 4\nborder_share: 2\n", encoding="utf-8")
    assert load_weights(weights_file) == {"resilience": 4.0, "border_share": 2.0}

    base = run_index(dataset, codebook, runs=20)
    custom = run_index(dataset, codebook, framework=fw_file, runs=20)
    weighted = run_index(dataset, codebook, framework=fw_file, weights=weights_file, runs=20)
    assert set(custom["years"]["2020"]["pillars"]) == {"societal", "resilience"}
    assert custom["years"]["2020"]["score"] != base["years"]["2020"]["score"]
    assert weighted["methods"]["nominal"]["weighting"] == "user"
    assert weighted["framework"]["weights_in_use"]["pillars"]["resilience"] == 0.8
    assert [y["score"] for y in weighted["years"].values()] != [
        y["score"] for y in custom["years"].values()
    ]


def test_bad_framework_and_weights_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "label: {en: x, ru: y}\npillars: []\nindicators:\n"
        "  - {code: x, pillar: nowhere, source: held_count, direction: 2, unit: n,"
        " rationale: r, label: {en: x}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="invalid index framework"):
        load_framework(bad)
    neg = tmp_path / "w.yaml"
    neg.write_text("societal: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_weights(neg)
    with pytest.raises(ConfigError, match="unknown"):
        load_framework().with_weights({"nonsense": 1})


# --- bundled data -----------------------------------------------------------------------------


def test_bundled_data_runs_and_reports_coverage(tmp_path, codebook):
    import lowpolitics.store.db
    from lowpolitics.analysis.dataset import load_dataset
    from lowpolitics.cli.demo import build_demo

    store = build_demo(tmp_path / "d", verbose=False)
    with lowpolitics.store.db.session_scope(store.engine) as session:
        ds = load_dataset(session)
    out = run_index(ds, codebook, runs=200)
    assert {
        "framework",
        "years",
        "sensitivity",
        "correlations",
        "coverage",
        "imputed",
        "methods",
        "warnings",
    } <= set(out)
    years = sorted(out["years"])
    assert years[0] == str(min(a.date.start.year for a in ds.activities))
    for code, cov in out["coverage"]["indicators"].items():
        if cov["share"] < 0.65:
            assert any(w.startswith(f"{code}: data in only") for w in out["warnings"])
    assert all(0 <= y["score"] <= 100 for y in out["years"].values() if y["score"] is not None)
    assert out["imputed"] == []


def test_statements_raise_no_cooperation_pillar_and_empty_years_are_missing(dataset, codebook):
    """A securitizing statement is no discursive cooperation; a year with no record at all is
    missing in every indicator, not a year of zeros."""
    base = indicator_table(dataset, codebook, None, load_framework())
    statements = [
        act(
            f"s{i}",
            "2022-10-01",
            "discursive",
            "held",
            record_kind="statement",
            frame="securitizing",
        )
        for i in range(5)
    ]
    later = act("b1", "2025-03-01", "societal", "held")
    table = indicator_table(
        Dataset([*dataset.activities, *statements, later], list(dataset.events)),
        codebook,
        None,
        load_framework(),
    )
    for code in ("disc_held", "disc_held_share"):
        assert table.raw[code][2022] == base.raw[code][2022], code
    assert not any(k.startswith("s") for k in table.ids["disc_held"][2022])
    assert table.years == [2020, 2021, 2022, 2023, 2024, 2025]
    assert all(table.raw[code][2023] is None for code in table.codes)
    assert table.coverage["years"]["2023"]["observed"] == 0
    out = build_index(table, load_framework())
    assert out["years"]["2023"]["score"] is None and out["years"]["2023"]["withheld"]
