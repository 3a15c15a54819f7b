"""At-risk planned activities: base rates by mechanism and tension state, checked by hand."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.at_risk import at_risk
from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView
from lowpolitics.analysis.intervals import wilson
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.dates import PartialDate

CODEBOOK = load_codebook()  # module-level: hypothesis tests take no fixtures

START, END = date(2022, 9, 14), date(2023, 2, 3)


def act(key, when, status="held", mechanism="societal", title="") -> ActivityView:
    if isinstance(when, date):
        when = PartialDate(when.year, when.month, when.day)
    else:
        when = PartialDate.parse(when)
    return ActivityView(key=key, date=when, mechanism=mechanism, status=status, title=title)


def dataset() -> Dataset:
    """In tension: 9 societal (2 disrupted), 3 institutional (1 disrupted).
    Outside: 10 societal (1 disrupted), 10 institutional (0 disrupted)."""
    acts = []
    for i in range(9):
        status = "cancelled" if i < 2 else "held"
        acts.append(act(f"s-in-{i}", START + timedelta(i), status))
    for i in range(3):
        status = "postponed" if i == 0 else "held"
        acts.append(act(f"i-in-{i}", START + timedelta(i), status, "institutional"))
    for i in range(10):
        status = "suspended" if i == 0 else "held"
        acts.append(act(f"s-out-{i}", date(2021, 1, 1) + timedelta(i), status))
        acts.append(act(f"i-out-{i}", date(2021, 1, 1) + timedelta(i), "held", "institutional"))
    acts.append(act("undetermined", "2022", "cancelled"))  # overlaps the period: counted nowhere
    acts.append(act("plan-s", date(2023, 1, 15), "planned", "societal", "Navruz"))
    acts.append(act("plan-i", "2023-02", "planned", "institutional", "Commission"))
    acts.append(act("plan-later", date(2024, 1, 1), "planned"))
    acts.append(act("plan-past", date(2022, 6, 1), "planned"))
    event = EventView(
        key="t1",
        date=PartialDate(2022, 9, 14),
        end_date=PartialDate(2023, 2, 3),
        kind="tension_period",
    )
    return Dataset(acts, [event])


def options(today: date) -> AnalysisOptions:
    return AnalysisOptions(as_of=today, small_n=5)


def ci(k: int, n: int) -> list[float]:
    low, high = wilson(k, n)
    return [round(low, 4), round(high, 4)]


def test_chance_is_the_hand_computed_rate_during_tension(codebook):
    result = at_risk(dataset(), codebook, options(date(2022, 12, 1)))
    assert result["tension_now"]["state"] == "in"
    assert result["tension_now"]["period"]["start"] == "2022-09-14"
    rows = {r["id"]: r for r in result["activities"]}
    assert set(rows) == {"plan-s", "plan-i"}
    societal = rows["plan-s"]
    assert societal["chance"] == round(2 / 9, 4)
    assert societal["ci"] == ci(2, 9)
    assert societal["based_on_n"] == 9
    assert sorted(societal["evidence_disrupted_ids"]) == ["s-in-0", "s-in-1"]
    assert societal["reason"] == (
        "Societal (people-to-people) activities were disrupted in 2 of 9 cases during tension "
        "(22 %, 95 % CI 6–55 %); relations are tense now (period since 2022-09-14)."
    )


def test_small_mechanism_falls_back_to_all_mechanisms(codebook):
    result = at_risk(dataset(), codebook, options(date(2022, 12, 1)))
    institutional = next(r for r in result["activities"] if r["id"] == "plan-i")
    # institutional has 3 cases in tension (< 5): all mechanisms in tension are 12, 3 disrupted
    assert institutional["chance"] == 0.25 and institutional["based_on_n"] == 12
    assert institutional["ci"] == ci(3, 12)
    assert institutional["basis"].startswith("all mechanisms")
    assert institutional["reason"].startswith("Only 3 past institutional")
    assert any("all-mechanisms rate" in w for w in result["warnings"])
    # sorted by chance, highest first
    assert [r["id"] for r in result["activities"]] == ["plan-i", "plan-s"]


def test_recent_and_calm_states(codebook):
    recent = at_risk(dataset(), codebook, options(date(2023, 3, 1)))
    assert recent["tension_now"]["state"] == "recent"
    assert recent["tension_now"]["days_since_end"] == 26
    assert recent["activities"] == []  # both plans lie before 1 March 2023
    calm = at_risk(dataset(), codebook, options(date(2023, 7, 1)), 365)
    assert calm["tension_now"] == {"state": "calm", "period": None, "days_since_end": None}
    (row,) = calm["activities"]
    assert row["id"] == "plan-later"
    assert (row["chance"], row["based_on_n"], row["ci"]) == (0.1, 10, ci(1, 10))
    assert "outside tension" in row["reason"]


def test_nothing_planned_in_the_horizon(codebook):
    result = at_risk(dataset(), codebook, options(date(2022, 7, 1)), 30)
    assert result["activities"] == []
    assert result["horizon_days"] == 30 and result["as_of"] == "2022-07-01"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.randoms(use_true_random=False))
def test_row_order_does_not_matter(seed):
    base = dataset()
    shuffled = list(base.activities)
    seed.shuffle(shuffled)
    opts = options(date(2022, 12, 1))
    assert at_risk(Dataset(shuffled, base.events), CODEBOOK, opts) == at_risk(base, CODEBOOK, opts)
