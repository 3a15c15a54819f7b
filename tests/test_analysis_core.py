"""Known answers for the analysis core: intervals, periods, exposure, resilience, reach."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView
from lowpolitics.analysis.exposure import IN, OUT, UNDETERMINED, exposure
from lowpolitics.analysis.intervals import risk_ratio, wilson
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.periods import (
    PeriodRule,
    TensionPeriod,
    declared_periods,
    derive_periods,
    tension_periods,
)
from lowpolitics.analysis.reach import reach
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.timeline import timeline
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import ConfigError

D = PartialDate.parse


# --- intervals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k, n, low, high",
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (1, 3, 0.0615, 0.7923)],
)
def test_wilson_known_answers(k, n, low, high):
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_empty_and_invalid():
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(5, 3)


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_contains_the_estimate(k, n):
    k = min(k, n)
    lo, hi = wilson(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


def test_risk_ratio_katz_known_answer():
    # 22/40 disrupted in tension, 15/300 outside: the example in the issue
    rr = risk_ratio(22, 40, 15, 300)
    assert rr.ratio == pytest.approx(11.0)
    assert rr.low == pytest.approx(6.24, abs=0.01) and rr.high == pytest.approx(19.40, abs=0.01)
    assert not rr.corrected


def test_risk_ratio_zero_counts():
    rr = risk_ratio(0, 10, 5, 20)
    assert rr.corrected and rr.ratio == pytest.approx((0.5 / 11) / (5.5 / 21))
    assert risk_ratio(0, 10, 0, 20) is None
    assert risk_ratio(1, 0, 1, 5) is None


# --- periods --------------------------------------------------------------------------------


def event(key, start, kind="security", end=None, severity=None, deaths=None, sources=()):
    return EventView(
        key=key,
        date=D(start),
        kind=kind,
        end_date=D(end) if end else None,
        severity=severity,
        fatalities_low=deaths,
        fatalities_high=deaths,
        sources=sources,
    )


def test_derived_windows_scale_and_merge():
    events = [
        event("clash", "2021-04-29", end="2021-05-01", severity=4, deaths=10),
        event("shots", "2021-08-01", severity=2),
        event("protest", "2021-12-01", severity=1),  # below the threshold
        event("later", "2022-06-01", severity=3, deaths=2),
    ]
    periods = derive_periods(events, PeriodRule())
    assert [(p.start, p.end, p.events) for p in periods] == [
        (date(2021, 4, 29), date(2021, 9, 8), ("clash", "shots")),  # 1 May + 120 + 10 days
        (date(2022, 6, 1), date(2022, 8, 2), ("later",)),  # + 60 + 2 days
    ]
    assert all(p.origin == "derived" for p in periods)


def test_touching_windows_merge():
    rule = PeriodRule(base_days={2: 9})
    events = [event("a", "2020-01-01", severity=2), event("b", "2020-01-11", severity=2)]
    [period] = derive_periods(events, rule)
    assert (period.start, period.end) == (date(2020, 1, 1), date(2020, 1, 20))


def test_declared_used_as_given_and_auto_mode():
    events = [
        event("p1", "2021-04-28", kind="tension_period", end="2021-10-27", sources=("https://x",)),
        event("clash", "2022-09-14", severity=5, deaths=100),
    ]
    [period] = declared_periods(events)
    assert (period.start, period.end, period.sources) == (
        date(2021, 4, 28),
        date(2021, 10, 27),
        ("https://x",),
    )
    assert tension_periods(events, "auto") == [period]
    assert len(tension_periods(events, "derived")) == 1
    assert len(tension_periods(events, "both")) == 2
    assert tension_periods([events[1]], "auto")[0].origin == "derived"
    with pytest.raises(ConfigError):
        tension_periods(events, "sometimes")


def test_period_rule_from_file(tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("min_severity: 3\nbase_days: {3: 10, 4: 20}\nmax_days: 15\n")
    rule = PeriodRule.from_file(path)
    assert rule.min_severity == 3 and rule.window_days(event("e", "2020", severity=4)) == 15
    path.write_text("colour: red\n")
    with pytest.raises(ConfigError):
        PeriodRule.from_file(path)


# --- exposure -------------------------------------------------------------------------------

PERIODS = [TensionPeriod(date(2021, 4, 28), date(2021, 10, 27), "declared")]


@pytest.mark.parametrize(
    "when, expected",
    [
        ("2021-05-10", IN),
        ("2021-04-27", OUT),
        ("2021-10-27", IN),
        ("2021-06", IN),  # whole month inside
        ("2021-04", UNDETERMINED),  # straddles the start
        ("2021", UNDETERMINED),
        ("2019", OUT),
        ("2021-11", OUT),
    ],
)
def test_exposure_by_precision(when, expected):
    assert exposure(D(when), PERIODS) == expected


# --- resilience -----------------------------------------------------------------------------


def act(key, when, mechanism, status, **extra):
    return ActivityView(key=key, date=D(when), mechanism=mechanism, status=status, **extra)


HAND_BUILT = Dataset(
    activities=[
        act("i1", "2021-05-01", "institutional", "cancelled"),
        act("i2", "2021-06-15", "institutional", "postponed"),
        act("i3", "2021-07", "institutional", "held"),
        act("i4", "2020-03-01", "institutional", "held"),
        act("i5", "2020-04-01", "institutional", "suspended"),
        act("i6", "2019", "institutional", "held"),
        act("i7", "2022-01-05", "institutional", "held"),
        act("i8", "2022-02-05", "institutional", "signed"),
        act("i9", "2021-04", "institutional", "cancelled"),  # undetermined
        act("i10", "2021-08-01", "institutional", "planned"),  # not counted
        act("s1", "2021-05-20", "societal", "held"),
        act("s2", "2020-05-20", "societal", "held"),
    ],
    events=[
        event(
            "p",
            "2021-04-28",
            kind="tension_period",
            end="2021-10-27",
            sources=("https://example.org/p",),
        )
    ],
)


def test_resilience_known_answer(codebook):
    result = disruption_by_mechanism(HAND_BUILT, codebook, AnalysisOptions())
    inst = result["by_mechanism"]["institutional"]
    assert (inst["in_tension"]["n"], inst["in_tension"]["disrupted"]) == (3, 2)
    assert (inst["outside"]["n"], inst["outside"]["disrupted"]) == (5, 1)
    assert inst["in_tension"]["rate"] == pytest.approx(0.6667, abs=1e-4)
    lo, hi = wilson(2, 3)
    assert inst["in_tension"]["ci"] == [round(lo, 4), round(hi, 4)]
    assert inst["risk_ratio"] == pytest.approx((2 / 3) / (1 / 5), abs=1e-3)
    assert sorted(inst["in_tension"]["disrupted_ids"]) == ["i1", "i2"]
    assert sorted(inst["outside"]["ids"]) == ["i4", "i5", "i6", "i7", "i8"]
    assert result["undetermined"] == 1 and result["undetermined_ids"] == ["i9"]
    assert result["planned_not_counted"] == 1
    assert result["periods"][0]["origin"] == "declared"
    assert result["periods"][0]["sources"] == ["https://example.org/p"]
    assert any("by_mechanism.institutional.in_tension: only 3" in w for w in result["warnings"])
    assert "Wilson" in result["methods"]["rate_interval"]
    assert "Katz" in result["methods"]["risk_ratio_interval"]
    societal = result["by_mechanism"]["societal"]
    assert societal["risk_ratio"] is None  # no disruption on either side


def test_resilience_window(codebook):
    options = AnalysisOptions(date_from=date(2021, 1, 1), date_to=date(2021, 12, 31))
    result = disruption_by_mechanism(HAND_BUILT, codebook, options)
    assert result["by_mechanism"]["institutional"]["outside"]["n"] == 0


def test_resilience_without_periods(codebook):
    result = disruption_by_mechanism(Dataset(HAND_BUILT.activities, []), codebook)
    assert result["periods"] == [] and "no tension periods" in result["warnings"][0]


@settings(max_examples=25, deadline=None)
@given(st.permutations(HAND_BUILT.activities))
def test_row_order_does_not_change_resilience(codebook, order):
    base = disruption_by_mechanism(HAND_BUILT, codebook)
    shuffled = disruption_by_mechanism(Dataset(list(order), HAND_BUILT.events), codebook)
    for mechanism, block in base["by_mechanism"].items():
        other = shuffled["by_mechanism"][mechanism]
        for side in ("in_tension", "outside"):
            assert sorted(block[side]["ids"]) == sorted(other[side]["ids"])
            assert block[side]["rate"] == other[side]["rate"]
        assert block["risk_ratio"] == other["risk_ratio"]


# --- reach and timeline ---------------------------------------------------------------------


def test_reach_known_answers():
    data = Dataset(
        [
            act(
                "a",
                "2021-05-01",
                "societal",
                "held",
                participants_total=20,
                participants_women=10,
                host_country="KG",
                border_area=True,
            ),
            act(
                "b",
                "2021-06-01",
                "societal",
                "held",
                participants_total=40,
                participants_women=30,
                participants_youth=40,
                host_country="KG",
                border_area=True,
            ),
            act("c", "2022-01-01", "societal", "held", host_country="TJ", border_area=False),
            act("d", "2022-02-01", "societal", "held", host_country="TJ"),
            act("e", "2022-03-01", "societal", "planned", host_country="TJ", border_area=True),
        ]
    )
    result = reach(data)["overall"]
    assert result["activities"] == 4
    assert result["women"]["share"] == pytest.approx(40 / 60, abs=1e-4)
    assert result["women"]["ci"][0] <= 40 / 60 <= result["women"]["ci"][1]
    assert result["women"]["ci"][0] >= 0.5 and result["women"]["ci"][1] <= 0.75
    assert result["youth"] == {"share": 1.0, "ci": None, "people": 40, "of": 40, "activities": 1}
    border = result["border_regions"]
    assert (border["n"], border["in_border_regions"], border["unknown_location"]) == (3, 2, 1)
    assert border["ci"] == [round(x, 4) for x in wilson(2, 3)]
    assert result["reciprocity"]["hosted_by"] == {"KG": 2, "TJ": 2}
    assert result["reciprocity"]["balance"] == 1.0
    assert reach(data)["by_year"]["2021"]["participants"]["total"] == 60


def test_reach_bootstrap_is_reproducible():
    data = Dataset(
        [
            act(
                str(i),
                "2021-05-01",
                "societal",
                "held",
                participants_total=10 + i,
                participants_women=i,
            )
            for i in range(12)
        ]
    )
    assert reach(data)["overall"]["women"] == reach(data)["overall"]["women"]


def test_timeline_counts(codebook):
    result = timeline(HAND_BUILT, codebook)
    years = {row["period"]: row for row in result["by_year"]}
    assert years["2021"]["counts"]["institutional"] == 5
    assert years["2021"]["counts"]["societal"] == 1
    assert years["2019"]["total"] == 1
    quarters = {row["period"]: row for row in result["by_quarter"]}
    assert quarters["2021-Q2"]["counts"]["institutional"] == 3  # 1 May, 15 June, April
    assert result["not_in_a_quarter"] == {"n": 1, "ids": ["i6"]}
    disrupted = {row["period"]: row for row in result["disrupted_by_year"]}
    assert disrupted["2021"]["counts"]["institutional"] == 3
