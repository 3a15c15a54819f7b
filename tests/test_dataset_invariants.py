"""Invariants of the bundled Kyrgyz–Tajik record, second edition: what every row must carry,
how the declared periods end, which ids may never return, and the floors the record keeps."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from importlib import resources

import pytest

from lowpolitics.analysis.dataset import EventView
from lowpolitics.analysis.exposure import IN, activity_exposure
from lowpolitics.analysis.periods import declared_periods
from lowpolitics.framework.dates import PartialDate
from lowpolitics.ingest.context import parse_context
from lowpolitics.ingest.registry import parse_registry

# ids that were dropped after an audit: never reused (see the dataset README)
DROPPED = {"kgtj-a-0031", "kgtj-a-0328", "kgtj-a-0781", "kgtj-a-0796", "kgtj-a-0841"}
TODAY = date(2026, 12, 5)


@pytest.fixture(scope="module")
def folder():
    with resources.as_file(resources.files("lowpolitics.datasets").joinpath("kgtj")) as path:
        yield path


@pytest.fixture(scope="module")
def registry(folder, codebook, gazetteer):
    parsed = parse_registry(folder / "registry.csv", codebook, gazetteer)
    assert parsed.ok, parsed.all_errors[:5]
    return parsed.records


@pytest.fixture(scope="module")
def context(folder, codebook, gazetteer):
    parsed = parse_context(folder / "context.csv", codebook, gazetteer)
    assert parsed.ok, parsed.all_errors[:5]
    return parsed.records


def test_every_row_is_sourced_and_says_what_it_is(registry, codebook):
    for r in registry:
        assert r.source_urls, r.key
        assert r.record_kind in codebook.record_kind_codes, r.key
        if r.record_kind == "statement":
            assert r.frame in codebook.frame_codes, f"{r.key}: a statement needs a frame"
        else:
            assert r.frame is None, r.key
        assert dict(r.titles).get("ru"), f"{r.key}: every row has a Russian title"


def test_links_point_at_rows_and_dropped_ids_never_return(registry):
    keys = [r.key for r in registry]
    assert len(keys) == len(set(keys))
    assert not DROPPED & set(keys)
    for r in registry:
        if r.same_as:
            assert r.same_as in keys and r.same_as != r.key, r.key


def test_actor_roles_are_filled(registry):
    for r in registry:
        assert all(role is not None for role in r.actor_roles), r.key


def test_no_past_planned_row_without_an_outcome_note(folder):
    with open(folder / "registry.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["status"] != "planned" or row["same_as"]:
                continue  # a linked row carries the outcome (the draft adopted as 0094)
            when = PartialDate.parse(row["date"])
            if when.end + timedelta(days=90) < TODAY:
                assert "outcome unknown" in row["notes"].lower(), row["id"]


def test_declared_periods_follow_the_stated_rule(context, codebook):
    events = [
        EventView(
            r.key,
            r.date,
            r.kind,
            end_date=r.end_date,
            event_type=r.event_type,
            period_set=r.period_set,
        )
        for r in context
    ]
    enders = codebook.period_ending_types("restored_contact")
    periods = [r for r in context if r.kind == "tension_period" and not r.period_set]
    assert len(periods) == 5
    for p in periods:
        end = p.end_date.end
        steps = [e for e in events if e.event_type in enders and e.date.start > p.date.start]
        first = min(steps, key=lambda e: e.date.start)
        assert first.date.start == end + timedelta(days=1), p.key
    assert {r.period_set for r in context if r.period_set} == {"closure_2021_2025"}


def test_the_record_keeps_its_floors(registry, context):
    """The issue asks for 350 cooperative activities and 10 postponed or cancelled rows (both
    reached) and 60 activities in declared periods (not reached: 51 since rounds 16 and 17 ended the
    2021 period on 16 May and the 2019 one on 17 September, as the period rule requires;
    dataset README). These floors keep what
    it has, so the record can only grow while the periods stay as they are."""
    coop = [r for r in registry if r.record_kind == "activity"]
    events = [
        EventView(r.key, r.date, r.kind, end_date=r.end_date, period_set=r.period_set)
        for r in context
    ]
    periods = declared_periods(events)
    # over the days the sources leave open: the printed date narrowed by not_before/not_after
    inside = [r for r in coop if activity_exposure(r, periods) == IN]
    broken = [r for r in coop if r.status in {"postponed", "cancelled"}]
    assert len(coop) >= 430
    assert len(inside) >= 51
    assert len(broken) >= 10


def test_every_past_planned_row_has_an_outcome_or_says_it_is_unknown(registry):
    """A `planned` row dated before the record's last year either got its outcome from a
    source, is a report linked to a row that has it, or says in its notes that a search found
    none."""
    status = {r.key: r.status for r in registry}
    silent = [
        r.key
        for r in registry
        if r.status == "planned"
        and r.date.start.year < 2026
        and "outcome unknown" not in (r.notes or "").lower()
        and status.get(r.same_as or "", "planned") == "planned"
    ]
    assert silent == []
