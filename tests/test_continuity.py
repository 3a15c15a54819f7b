"""Continuity: known answers on hand-built data, order independence, and the store loader."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from lowpolitics.analysis.continuity import (
    BodyInput,
    CommitmentInput,
    ContinuityInputs,
    InstrumentInput,
    continuity,
    load_continuity_inputs,
    silent_years,
)
from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView
from lowpolitics.analysis.intervals import wilson
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Body, Commitment, Initiative, Instrument

MONTH = 365.25 / 12


def act(key, when, initiative, status="held", kind="festival") -> ActivityView:
    return ActivityView(
        key=key,
        date=PartialDate.parse(when),
        mechanism="institutional",
        status=status,
        activity_type=kind,
        initiative=initiative,
    )


def period(start: str, end: str) -> EventView:
    return EventView(
        key=f"p-{start}",
        date=PartialDate.parse(start),
        end_date=PartialDate.parse(end),
        kind="tension_period",
    )


def entry(result: dict, section: str, key: str) -> dict:
    return next(e for e in result[section] if e["key"] == key)


COMMISSION = [
    act("s1", "2019-03-10", "JIC", kind="commission_meeting"),
    act("s2", "2019-10-10", "JIC", kind="commission_meeting"),
    act("s3", "2020-05-01", "JIC", status="postponed", kind="commission_meeting"),
    act("s4", "2021-06-15", "JIC", kind="commission_meeting"),
]


def test_body_sessions_per_year_and_longest_gap(codebook):
    inputs = ContinuityInputs(
        bodies=[BodyInput("jic", "Joint commission", "commission", 12, "JIC")]
    )
    result = continuity(
        Dataset(COMMISSION), inputs, codebook, AnalysisOptions(as_of=date(2022, 1, 1))
    )
    body = entry(result, "bodies", "jic")
    assert body["rhythm_source"] == "declared" and body["rhythm_months"] == 12
    assert body["session_ids"] == ["s1", "s2", "s4"]  # postponed is not a session
    assert [(y["year"], y["held"]) for y in body["per_year"]] == [
        (2019, 2),
        (2020, 0),
        (2021, 1),
        (2022, 0),
    ]
    assert body["expected_per_year"] == 1.0
    # 2019-03-10 → 2019-10-10: 214 days; → 2021-06-15: 614; open to 2022-01-01: 200
    assert [g["days"] for g in body["gaps"]] == [214, 614, 200]
    assert [g["exceeds_rhythm"] for g in body["gaps"]] == [False, True, False]
    longest = body["longest_gap"]
    assert (longest["days"], longest["from_id"], longest["to_id"]) == (614, "s2", "s4")
    assert longest["open"] is False and body["gaps"][-1]["open"] is True
    assert body["gaps_over_rhythm"] == 1
    # the initiative belongs to a body, so it is not listed a second time
    assert [b["key"] for b in result["bodies"]] == ["jic"]


def test_open_gap_can_be_the_longest(codebook):
    inputs = ContinuityInputs(
        bodies=[BodyInput("jic", "Joint commission", "commission", 12, "JIC")]
    )
    options = AnalysisOptions(as_of=date(2024, 6, 15))
    body = entry(continuity(Dataset(COMMISSION), inputs, codebook, options), "bodies", "jic")
    assert body["longest_gap"]["open"] is True
    assert body["longest_gap"]["days"] == (date(2024, 6, 15) - date(2021, 6, 15)).days
    assert body["longest_gap"]["exceeds_rhythm"] is True


def test_rhythm_inferred_as_median_gap_for_meeting_only_initiative(codebook):
    wg = [
        act(f"w{i}", d, "Border WG", kind="working_group")
        for i, d in enumerate(["2010-01-15", "2010-07-15", "2011-01-15", "2012-01-15"])
    ]
    mixed = [
        act("m1", "2015-01-01", "Mixed", kind="commission_meeting"),
        act("m2", "2016-01-01", "Mixed", kind="agreement", status="signed"),
    ]
    options = AnalysisOptions(as_of=date(2012, 3, 1))
    result = continuity(Dataset(wg + mixed), ContinuityInputs(), codebook, options)
    assert [b["key"] for b in result["bodies"]] == ["Border WG"]  # Mixed is not all meetings
    body = result["bodies"][0]
    assert body["source"] == "initiative"
    # gaps 181, 184, 365 days → median 184 days = 6.05 months → 6 months
    assert body["median_gap_days"] == 184.0
    assert body["rhythm_months"] == 6 and body["rhythm_source"] == "inferred"
    assert body["expected_per_year"] == 2.0
    assert [g["days"] for g in body["gaps"]] == [181, 184, 365, 46]
    # 6 months = 182.6 days
    assert [g["exceeds_rhythm"] for g in body["gaps"]] == [False, True, True, False]
    assert any("rhythm inferred (6 months) from only 4" in w for w in result["warnings"])


def test_unknown_rhythm_and_body_without_sessions(codebook):
    two = [act("a", "2019-01-10", "Two", kind="working_group")]
    two.append(act("b", "2020-01-10", "Two", kind="working_group"))
    inputs = ContinuityInputs(bodies=[BodyInput("idle", "Idle group", "working_group")])
    result = continuity(Dataset(two), inputs, codebook, AnalysisOptions(as_of=date(2021, 1, 1)))
    idle = entry(result, "bodies", "idle")
    assert idle["sessions"] == 0 and idle["longest_gap"] is None and idle["per_year"] == []
    assert entry(result, "bodies", "Two")["rhythm_source"] == "unknown"
    assert entry(result, "bodies", "Two")["gaps"][0]["exceeds_rhythm"] is None
    assert any("body idle: no held session" in w for w in result["warnings"])
    assert any("initiative Two: no rhythm given" in w for w in result["warnings"])


def test_month_and_year_precision_sit_mid_interval(codebook):
    sessions = [
        act("y", "2018", "Forum", kind="commission_meeting"),
        act("m", "2019-06", "Forum", kind="commission_meeting"),
        act("d", "2020-01-10", "Forum", kind="commission_meeting"),
    ]
    options = AnalysisOptions(as_of=date(2020, 1, 10))
    body = continuity(Dataset(sessions), ContinuityInputs(), codebook, options)["bodies"][0]
    first, second = body["gaps"]  # no open gap: the horizon is the last session's day
    # 2018 sits at 2018-07-02, June 2019 at 2019-06-15
    assert (first["days"], first["min_days"], first["max_days"]) == (348, 152, 545)
    assert first["approximate"] is True
    assert (
        second["days"] == 209 and second["min_days"] == (date(2020, 1, 10) - date(2019, 6, 30)).days
    )
    assert [(y["year"], y["ids"]) for y in body["per_year"]] == [
        (2018, ["y"]),
        (2019, ["m"]),
        (2020, ["d"]),
    ]
    # median of 348 and 209 → 278.5 days → 9.15 → 9 months
    assert body["rhythm_months"] == 9


def test_instrument_commitment_share_with_wilson_interval(codebook):
    activities = [
        act("a1", "2015-05-01", "Exchanges"),
        act("a2", "2020-05-01", "Exchanges"),  # outside the window
        act("b1", "2016-05-01", "Heritage", status="cancelled"),
    ]
    agreement = InstrumentInput(
        key="agr-2004",
        title="Agreement on cultural cooperation",
        signed_on=date(2004, 5, 26),
        status="in_force",
        commitments=(
            CommitmentInput("exchanges", "Reciprocal exchanges", "societal", ("Exchanges",)),
            CommitmentInput("heritage", "Heritage protection", "institutional", ("Heritage",)),
            CommitmentInput("youth", "Youth exchanges", "education_youth"),
        ),
    )
    empty = InstrumentInput(key="memo-2021", title="Memorandum")
    inputs = ContinuityInputs(instruments=[agreement, empty])
    options = AnalysisOptions(date_to=date(2018, 12, 31), as_of=date(2019, 1, 1))
    result = continuity(Dataset(activities), inputs, codebook, options)
    inst = entry(result, "instruments", "agr-2004")
    held = {c["code"]: (c["held"], c["ids"]) for c in inst["commitments"]}
    assert held == {"exchanges": (1, ["a1"]), "heritage": (0, []), "youth": (0, [])}
    assert inst["n_commitments"] == 3 and inst["with_activity"] == 1
    assert inst["share"] == round(1 / 3, 4)
    low, high = wilson(1, 3)
    assert inst["ci"] == [round(low, 4), round(high, 4)]
    assert [c["code"] for c in inst["without_activity"]] == ["heritage", "youth"]
    assert inst["unlinked"] == ["youth"] and inst["signed_on"] == "2004-05-26"
    memo = entry(result, "instruments", "memo-2021")
    assert memo["share"] is None and memo["ci"] is None
    assert any(
        "memo-2021: no commitments recorded — add them with a frameworks file" in w
        for w in result["warnings"]
    )


def test_commitments_count_after_signature_and_against_their_due_date(codebook):
    activities = [
        act("before", "2020-03-01", "Days"),  # before the signature: not counted
        act("on-time", "2021-05", "Days"),
        act("late", "2024-02-01", "Quotas"),
        act("around", "2021-01", "Days"),  # the month of the signature: cannot be placed after
        act("cancelled", "2021-09-01", "Camps", status="cancelled"),
    ]
    agreement = InstrumentInput(
        key="prog",
        title="Programme 2021–2023",
        signed_on=date(2021, 1, 15),
        commitments=(
            CommitmentInput("days", "Days of Culture", "institutional", ("Days",), "2021"),
            CommitmentInput("quotas", "Study quotas", "education_youth", ("Quotas",), "2022-09"),
            CommitmentInput("camps", "Youth camps", "education_youth", ("Camps",), "2023-12"),
            CommitmentInput("film", "Film weeks", "societal", ("Film",), "2027"),
            # due after the last day the record reports (2024-02-01): not yet judged
            CommitmentInput("music", "Music tours", "societal", ("Music",), "2024-06"),
            CommitmentInput("media", "Media exchange", "discursive", ("Media",)),
        ),
    )
    options = AnalysisOptions(as_of=date(2025, 1, 1))
    result = continuity(
        Dataset(activities), ContinuityInputs(instruments=[agreement]), codebook, options
    )
    inst = entry(result, "instruments", "prog")
    rows = {
        c["code"]: (c["due_state"], c["ids"], c["held_before_signature"])
        for c in inst["commitments"]
    }
    assert rows == {
        "days": ("met", ["on-time"], ["before"]),
        "quotas": ("late", ["late"], []),
        "camps": ("overdue", [], []),
        "film": ("open", [], []),
        "music": ("open", [], []),
        "media": ("open", [], []),
    }
    assert result["commitments_judged_to"] == "2024-02-01"
    assert inst["overdue"] == ["camps"] and inst["with_activity"] == 2


FESTIVAL = [
    act("f15", "2015-06-10", "Navruz festival"),
    act("f16", "2016-06-12", "Navruz festival"),
    act("f17", "2017-06-11", "Navruz festival"),
    act("f19", "2019-06-09", "Navruz festival"),
    act("c1", "2018-04-10", "Film days", status="cancelled"),
    act("c2", "2019-04-10", "Film days"),
]


def test_annual_festival_missing_2018_is_one_silent_disruption_in_tension(codebook):
    dataset = Dataset(FESTIVAL, [period("2018-03-01", "2018-04-30")])
    inputs = ContinuityInputs(initiative_rhythms={"Navruz festival": 12})
    result = continuity(dataset, inputs, codebook, AnalysisOptions(as_of=date(2020, 3, 1)))
    fest = next(
        e for e in result["recurring"]["initiatives"] if e["initiative"] == "Navruz festival"
    )
    assert fest["rhythm_source"] == "declared" and fest["expected_per_year"] == 1.0
    assert [(y["year"], y["held"]) for y in fest["per_year"]] == [
        (2015, 1),
        (2016, 1),
        (2017, 1),
        (2018, 0),
        (2019, 1),
    ]
    assert fest["silent_disruptions"] == [
        {
            "year": 2018,
            "inferred": True,
            "open": False,
            "expected_occurrences": 1.0,
            "overlaps_tension": True,
            "periods": [{"start": "2018-03-01", "end": "2018-04-30", "origin": "declared"}],
        }
    ]
    assert fest["explicit_disruptions"] == [] and fest["stopped"] is False
    film = next(e for e in result["recurring"]["initiatives"] if e["initiative"] == "Film days")
    assert [d["id"] for d in film["explicit_disruptions"]] == ["c1"]
    assert film["silent_disruptions"] == []  # two occurrences, no rhythm: nothing inferred
    totals = result["recurring"]["totals"]
    assert totals["explicit"] == 1 and totals["explicit_overlapping_tension"] == 1
    assert totals["silent_inferred"] == 1 and totals["silent_overlapping_tension"] == 1
    assert totals["silent_after_last_activity"] == 0


def test_inferred_annual_rhythm_and_silent_stop(codebook):
    festival = [a for a in FESTIVAL if a.initiative == "Navruz festival"]
    options = AnalysisOptions(as_of=date(2022, 3, 1))
    result = continuity(Dataset(festival), ContinuityInputs(), codebook, options)
    fest = result["recurring"]["initiatives"][0]
    # gaps 368, 364, 728 days → median 368 → 12 months
    assert fest["rhythm_months"] == 12 and fest["rhythm_source"] == "inferred"
    # nothing is recorded about the festival's life, so the years after its last occurrence
    # are "quiet", never gaps (2022 is not over on 1 March 2022)
    assert [(s["year"], s["open"]) for s in fest["silent_disruptions"]] == [(2018, False)]
    assert fest["quiet_since"] == {"last_year": 2019, "years": 2}
    assert fest["stopped"] is False
    assert result["recurring"]["totals"]["stopped_initiatives"] == []


def test_silent_years_follow_a_biennial_rhythm():
    assert silent_years({2015, 2017, 2020}, 2023, 24) == [(2019, False), (2022, True)]
    assert silent_years({2015, 2016}, 2018, 6) == [(2017, True), (2018, True)]


ALL = COMMISSION + FESTIVAL + [act("w1", "2012-02", "WG", kind="working_group")]


@settings(max_examples=40, deadline=None)
@given(st.permutations(ALL))
def test_row_order_does_not_change_results(codebook, rows):
    inputs = ContinuityInputs(
        bodies=[BodyInput("jic", "Joint commission", "commission", None, "JIC")],
        instruments=[
            InstrumentInput("i", "I", commitments=(CommitmentInput("c", "C", None, ("JIC",)),))
        ],
    )
    options = AnalysisOptions(as_of=date(2023, 1, 1))
    events = [period("2018-03-01", "2018-04-30")]
    expected = continuity(Dataset(ALL, events), inputs, codebook, options)
    assert continuity(Dataset(list(rows), events), inputs, codebook, options) == expected


def test_load_continuity_inputs_from_the_store(engine):
    with session_scope(engine) as session:
        instrument = Instrument(
            key="agr-2004",
            title="Agreement on cultural cooperation",
            kind="agreement",
            signed_on=date(2004, 5, 26),
            status="in_force",
            commitments=[
                Commitment(code="heritage", title="Heritage protection"),
                Commitment(code="exchanges", title="Exchanges", mechanism="societal"),
            ],
        )
        body = Body(key="jic", name="Joint commission", kind="commission", rhythm_months=12)
        session.add_all([instrument, body, Instrument(key="memo", title="Memo", kind="memo")])
        session.flush()
        exchanges = next(c for c in instrument.commitments if c.code == "exchanges")
        session.add_all(
            [
                Initiative(name="JIC sessions", body_id=body.id),
                Initiative(name="Days of Culture", rhythm_months=12, commitment_id=exchanges.id),
                Initiative(name="Concert tours", commitment_id=exchanges.id),
            ]
        )
    with session_scope(engine) as session:
        inputs = load_continuity_inputs(session)
    assert inputs.bodies == [BodyInput("jic", "Joint commission", "commission", 12, "JIC sessions")]
    assert inputs.initiative_rhythms == {"Days of Culture": 12}
    agreement, memo = inputs.instruments
    assert (agreement.key, agreement.signed_on, agreement.status) == (
        "agr-2004",
        date(2004, 5, 26),
        "in_force",
    )
    assert agreement.commitments == (
        CommitmentInput("exchanges", "Exchanges", "societal", ("Concert tours", "Days of Culture")),
        CommitmentInput("heritage", "Heritage protection", None, ()),
    )
    assert memo.key == "memo" and memo.commitments == ()
    assert inputs.notes == []


def test_clustered_events_do_not_make_a_monthly_rhythm(codebook):
    # two festivals in spring 2015, one in 2016, one in 2017: yearly, not monthly
    rows = [
        act("f1", "2015-04-01", "Spring fest"),
        act("f2", "2015-05-01", "Spring fest"),
        act("f3", "2016-04-01", "Spring fest"),
        act("f4", "2017-04-01", "Spring fest"),
    ]
    result = continuity(
        Dataset(rows, []), ContinuityInputs(), codebook, AnalysisOptions(as_of=date(2019, 6, 1))
    )
    fest = next(e for e in result["recurring"]["initiatives"] if e["initiative"] == "Spring fest")
    assert fest["rhythm_months"] == 12 and fest["rhythm_source"] == "inferred"
    assert fest["silent_disruptions"] == []  # 2018 follows the last occurrence: quiet, no gap
    assert fest["quiet_since"] == {"last_year": 2017, "years": 1}


def test_commission_with_an_agreement_row_is_still_a_body(codebook):
    rows = [
        act("c1", "2019-03-01", "Commission", kind="commission_meeting"),
        act("c2", "2020-03-01", "Commission", kind="commission_meeting"),
        act("c3", "2020-03-01", "Commission", status="signed", kind="agreement"),
    ]
    result = continuity(
        Dataset(rows, []),
        ContinuityInputs(),
        codebook,
        AnalysisOptions(as_of=date(2021, 1, 1)),
        meeting_types=codebook.body_session_types,
    )
    body = entry(result, "bodies", "Commission")
    assert body["session_ids"] == ["c1", "c2"]
