"""Honest resilience: what a row is, three-way exposure, bounds, sensitivity, what held and broke,
silent gaps inside a life, restart lags — known answers on hand-built data and through the store
on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from lowpolitics.analysis.continuity import ContinuityInputs, InitiativeLife, continuity
from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView, load_dataset
from lowpolitics.analysis.held_broken import held_broken
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.restart import restart_lags
from lowpolitics.analysis.sensitivity import (
    CANNOT_TELL,
    DEPENDS,
    HIGHER,
    HOLDS,
    UNCLEAR,
    SensitivityRow,
    definitions,
    sensitivity,
    verdict,
)
from lowpolitics.analysis.silent_gaps import permutation_baseline, yearly_rhythm
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file

D = PartialDate.parse
AS_OF = date(2024, 1, 1)


def act(key, when, status="held", mechanism="societal", **extra) -> ActivityView:
    return ActivityView(key=key, date=D(when), mechanism=mechanism, status=status, **extra)


def period(start, end, key=None, period_set=None) -> EventView:
    return EventView(
        key=key or f"p-{start}",
        date=D(start),
        end_date=D(end),
        kind="tension_period",
        period_set=period_set,
    )


def event(key, when, event_type, kind="political") -> EventView:
    return EventView(key=key, date=D(when), kind=kind, event_type=event_type)


PERIOD = period("2021-04-28", "2021-10-26")


def options(**kw) -> AnalysisOptions:
    return AnalysisOptions(as_of=AS_OF, **kw)


# --- what a row is ------------------------------------------------------------------------


def test_statements_and_restrictions_leave_the_denominator(codebook):
    rows = [
        act("a1", "2021-05-10"),
        act("s1", "2021-05-06", record_kind="statement", frame="securitizing"),
        act("r1", "2021-05-21", status="suspended", record_kind="restriction"),
    ]
    base = counting_base(rows, codebook, AS_OF, 90)
    assert [u.key for u in base.units] == ["a1"]
    assert [s.key for s in base.statements] == ["s1"]
    assert [r.key for r in base.restrictions] == ["r1"]
    result = disruption_by_mechanism(Dataset(rows, [PERIOD]), codebook, options())
    assert result["by_mechanism"]["societal"]["in_tension"]["ids"] == ["a1"]
    assert result["counting"]["statements_set_aside"] == ["s1"]


def test_linked_reports_count_once_with_the_most_precise_date(codebook):
    rows = [
        act("x1", "2021", status="suspended", mechanism="education_youth", sources=("u1",)),
        act("x2", "2021", status="suspended", mechanism="education_youth", same_as="x1"),
        act(
            "x3",
            "2021-09-20",
            status="suspended",
            mechanism="education_youth",
            same_as="x1",
            sources=("u3",),
        ),
    ]
    base = counting_base(rows, codebook, AS_OF, 90)
    assert len(base.units) == 1
    unit = base.units[0]
    assert unit.key == "x1" and unit.date == D("2021-09-20")
    assert unit.members == ("x1", "x2", "x3") and unit.sources == ("u1", "u3")
    result = disruption_by_mechanism(Dataset(rows, [PERIOD]), codebook, options())
    inside = result["by_mechanism"]["education_youth"]["in_tension"]
    assert (inside["n"], inside["disrupted"]) == (1, 1)
    assert inside["reports"] == {"x1": ["x1", "x2", "x3"]}


def test_past_planned_is_unknown_after_the_grace_period(codebook):
    rows = [act("p1", "2023-09-01", status="planned"), act("p2", "2023-11-01", status="planned")]
    base = counting_base(rows, codebook, date(2023, 12, 15), 90)
    assert base.outcomes == {"p1": "unknown", "p2": "pending"}
    base = counting_base(rows, codebook, date(2023, 12, 15), 30)
    assert base.outcomes == {"p1": "unknown", "p2": "unknown"}


# --- exposure and bounds --------------------------------------------------------------------


HAND = [
    act("in1", "2021-05-01", status="cancelled"),
    act("in2", "2021-06-01"),
    act("in3", "2021-07-01"),
    act("in4", "2021-08-01"),
    act("unk1", "2021-06-10", status="planned"),
    act("unk2", "2021-07-10", status="planned"),
    act("yr1", "2021", status="suspended"),  # year-dated disruption: undetermined by day
    act("out1", "2019-05-01"),
    act("out2", "2019-06-01"),
    act("out3", "2018", status="postponed"),
]


def test_bounds_and_year_resolution_known_answers(codebook):
    result = disruption_by_mechanism(Dataset(HAND, [PERIOD]), codebook, options())
    soc = result["by_mechanism"]["societal"]
    inside = soc["in_tension"]
    assert (inside["n"], inside["disrupted"], inside["unknown"]) == (4, 1, 2)
    assert inside["bounds"]["as_recorded"]["rate"] == 0.25
    assert inside["bounds"]["if_unknown_held"]["rate"] == round(1 / 6, 4)
    assert inside["bounds"]["if_unknown_disrupted"]["rate"] == 0.5
    assert soc["undetermined"]["disrupted_ids"] == ["yr1"]
    years = soc["year_resolution"]
    # 2021 overlaps the period: every 2021 unit is in a tension year, the year-dated one too
    assert years["tension_years"]["n"] == 5 and years["tension_years"]["disrupted"] == 2
    assert years["calm_years"]["n"] == 3 and years["calm_years"]["disrupted"] == 1
    assert sorted(years["tension_years"]["disrupted_ids"]) == ["in1", "yr1"]
    assert "risk_ratio_bounds" in soc
    assert any("yr1" in w for w in result["warnings"])


# --- sensitivity ----------------------------------------------------------------------------


def _row(direction):
    return SensitivityRow(
        "d", 1, 0, None, None, 1, 0, None, None, 0, 0, 0, None, None, None, None, direction
    )


def test_verdicts():
    assert verdict([_row(HIGHER), _row(HIGHER)]) == HOLDS
    assert verdict([_row(UNCLEAR), _row(UNCLEAR)]) == CANNOT_TELL
    assert verdict([_row(HIGHER), _row(UNCLEAR)]) == DEPENDS
    assert verdict([]) == CANNOT_TELL


def test_definitions_move_the_ends_as_stated(codebook):
    events = [
        PERIOD,
        event("cf", "2021-05-01", "ceasefire"),
        event("talks", "2021-06-15", "talks"),
        event("gov", "2021-10-27", "governors_meeting"),
        period("2021-04-28", "2025-03-12", key="closure", period_set="closure"),
    ]
    defs = {d.name: d for d in definitions(Dataset([], events), codebook, options())}
    ends = {name: [p.end.isoformat() for p in d.periods] for name, d in defs.items()}
    assert ends["declared"] == ["2021-10-26"]
    assert ends["to_ceasefire"] == ["2021-04-30"]
    assert ends["to_officials_talks"] == ["2021-06-14"]
    assert ends["to_restored_contact"] == ["2021-10-26"]  # the dataset's rule: same as declared
    assert ends["end+30"] == ["2021-11-25"] and ends["end-90"] == ["2021-07-28"]
    assert ends["set:closure"] == ["2025-03-12"]


def test_sensitivity_verdict_holds_when_every_definition_agrees(codebook):
    # many disruptions inside every variant of the period, none outside
    inside = [act(f"i{k}", f"2021-05-{k + 2:02d}", status="cancelled") for k in range(20)]
    outside = [act(f"o{k}", f"2019-{k % 12 + 1:02d}-10") for k in range(40)]
    events = [PERIOD, event("cf", "2021-06-30", "ceasefire")]
    result = sensitivity(Dataset(inside + outside, events), codebook, options(margins=(30,)))
    soc = result.by_mechanism["societal"]
    assert soc.verdict == HOLDS
    assert {r.direction for r in soc.rows} == {HIGHER}
    assert result.by_mechanism["discursive"].verdict == CANNOT_TELL


# --- what held, what broke ------------------------------------------------------------------


def test_held_broken_names_the_activities(codebook):
    rows = HAND + [act("st", "2021-05-06", record_kind="statement", frame="securitizing")]
    result = held_broken(Dataset(rows, [PERIOD]), codebook, options())
    (p,) = result.periods
    soc = p.by_mechanism["societal"]
    assert [a.id for a in soc.held] == ["in2", "in3", "in4"]
    assert [a.id for a in soc.disrupted] == ["in1"]
    assert [a.id for a in soc.unknown] == ["unk1", "unk2"]
    assert [a.id for a in soc.coarsely_dated] == ["yr1"]
    assert [(s.id, s.frame) for s in p.statements] == [("st", "securitizing")]


# --- restart --------------------------------------------------------------------------------


def test_restart_lag_from_period_end_and_nearest_step(codebook):
    rows = [
        act("r1", "2021-11-05"),
        act("r0", "2021-10-01"),
        act("i1", "2021-12-01", mechanism="institutional"),
    ]
    events = [
        PERIOD,
        event("cf", "2021-05-01", "ceasefire"),
        event("gov", "2021-10-27", "governors_meeting"),
    ]
    result = restart_lags(Dataset(rows, events), codebook, options())
    soc = result.periods[0].by_mechanism["societal"]
    assert soc.first_held_id == "r1" and soc.days_after_period == 10
    assert soc.nearest_step.id == "gov" and soc.days_after_step == 9
    assert result.periods[0].by_mechanism["institutional"].days_after_period == 36


# --- silent gaps ----------------------------------------------------------------------------


def test_yearly_rhythm_needs_regular_years():
    assert yearly_rhythm([2015, 2016, 2017, 2019]) == (
        12,
        "67% of the gaps between its years equal 1",
    )
    months, why = yearly_rhythm([2000, 2009, 2016, 2018])
    assert months is None and why.startswith("irregular")
    assert yearly_rhythm([2015, 2016])[0] is None


FEST = [act(f"f{y}", f"{y}-06-01", initiative="Fest") for y in (2012, 2013, 2014, 2016)]


def test_no_gap_after_an_initiative_ended(codebook):
    inputs = ContinuityInputs(
        initiative_rhythms={"Fest": 12},
        initiative_lives={"Fest": InitiativeLife(date(2012, 1, 1), date(2016, 12, 31), True)},
    )
    result = continuity(
        Dataset(FEST, [period("2015-01-01", "2015-02-01")]), inputs, codebook, options()
    )
    fest = result["recurring"]["initiatives"][0]
    assert [s["year"] for s in fest["silent_disruptions"]] == [2015]
    assert (fest["gaps"][0]["before_id"], fest["gaps"][0]["after_id"]) == ("f2014", "f2016")
    # the same initiative recorded as still running: 2017–2023 are due and silent
    inputs.initiative_lives["Fest"] = InitiativeLife(date(2012, 1, 1), None, False)
    result = continuity(Dataset(FEST), inputs, codebook, options())
    silent = [s["year"] for s in result["recurring"]["initiatives"][0]["silent_disruptions"]]
    assert silent == [2015, *range(2017, 2024)]
    # nothing recorded about its life: no gap after the last recorded year
    inputs.initiative_lives.clear()
    result = continuity(Dataset(FEST), inputs, codebook, options())
    fest = result["recurring"]["initiatives"][0]
    assert [s["year"] for s in fest["silent_disruptions"]] == [2015]
    assert fest["quiet_since"] == {"last_year": 2016, "years": 7}


def test_permutation_baseline_known_answer():
    class P:  # a period covering 2015 only
        start, end = date(2015, 1, 1), date(2015, 12, 31)

    entries = [
        {"_candidates": [2013, 2014, 2015, 2016], "silent_disruptions": [{"year": 2015}]},
    ]
    result = permutation_baseline(entries, [P], 4000, 7)
    assert result["observed"] == 1
    assert abs(result["expected"] - 0.25) < 0.03  # one draw of four years, one in tension
    assert 0.2 < result["p_value"] < 0.3
    assert permutation_baseline(entries, [P], 4000, 7) == result  # fixed seed


# --- through the store, both backends -------------------------------------------------------


REGISTRY = """id,date,title,mechanism,status,record_kind,same_as,frame,initiative
a1,2021,Students barred,education_youth,suspended,,,,Students
a2,2021-09-20,Students gather at the embassy,education_youth,suspended,,a1,,Students
s1,2021-05-06,No land will be given up,discursive,held,statement,,securitizing,
a3,2019-05-01,Festival,societal,held,,,,
"""
CONTEXT = """id,date,end_date,kind,event_type,period_set,summary
p1,2021-04-28,2021-10-26,tension_period,,,declared
p2,2021-04-28,2025-03-12,tension_period,,closure,closure
c1,2021-05-01,,political,ceasefire,,ceasefire
"""


def test_second_edition_fields_through_the_store(engine, codebook, gazetteer, tmp_path):
    (tmp_path / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "context.csv").write_text(CONTEXT, encoding="utf-8")
    import_file(engine, "registry", tmp_path / "registry.csv", codebook, gazetteer)
    import_file(engine, "context", tmp_path / "context.csv", codebook, gazetteer)
    with session_scope(engine) as session:
        dataset = load_dataset(session)
    kinds = {a.key: (a.record_kind, a.same_as, a.frame) for a in dataset.activities}
    assert kinds["a2"] == ("activity", "a1", None)
    assert kinds["s1"] == ("statement", None, "securitizing")
    assert {e.key: (e.event_type, e.period_set) for e in dataset.events}["p2"] == (
        None,
        "closure",
    )
    result = disruption_by_mechanism(dataset, codebook, options())
    edu = result["by_mechanism"]["education_youth"]["in_tension"]
    assert (edu["n"], edu["disrupted"], edu["reports"]) == (1, 1, {"a1": ["a1", "a2"]})
    assert result["counting"]["statements_set_aside"] == ["s1"]
    names = [d["name"] for d in sensitivity(dataset, codebook, options()).definitions]
    assert "set:closure" in names
    # re-importing the same file changes nothing
    again = import_file(engine, "registry", tmp_path / "registry.csv", codebook, gazetteer)
    assert again.result.unchanged == 4


@pytest.mark.parametrize("cell", ["opinion", "ACTIVITY!"])
def test_bad_record_kind_is_named(codebook, gazetteer, tmp_path, cell):
    from lowpolitics.ingest.registry import parse_registry

    path = tmp_path / "r.csv"
    path.write_text(
        f"id,date,title,mechanism,status,record_kind\nx,2021,T,societal,held,{cell}\n",
        encoding="utf-8",
    )
    parsed = parse_registry(path, codebook, gazetteer)
    (rejected,) = parsed.rejected
    (error,) = rejected.errors
    assert error.column == "record_kind" and "activity, statement, restriction" in error.expected
