"""The analysis records read with column selects equal what the ORM reading gave, and the
sorted-period lookups answer as the plain scans do.

``_orm_dataset`` is the earlier reader, kept here as the reference: every relationship loaded
as ORM objects and copied into the records. ``analyse all`` over both readings must give the
same document, byte for byte.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from importlib import resources

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.analysis.dataset import ActivityView, Dataset, EventView, load_dataset
from lowpolitics.analysis.exposure import PeriodIndex, SpanIndex, interval_exposure
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.periods import TensionPeriod
from lowpolitics.analysis.run_all import analyse_all
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.db import make_engine, session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivitySource,
    Actor,
    ContextEvent,
    ContextSource,
    Region,
)


def _partial(start, precision):
    return None if start is None or precision is None else PartialDate.from_parts(start, precision)


def _orm_dataset(session: Session) -> Dataset:
    border_regions = {
        code for code, border in session.execute(select(Region.code, Region.border)) if border
    }
    query = select(Activity).options(
        selectinload(Activity.secondary),
        selectinload(Activity.initiative),
        selectinload(Activity.place),
        selectinload(Activity.actor_links).selectinload(ActivityActor.actor),
        selectinload(Activity.source_links).selectinload(ActivitySource.source),
    )
    activities = []
    for a in session.scalars(query.order_by(Activity.date_start, Activity.key)):
        if a.place is not None:
            border = a.place.border_area
        elif a.region_code is not None:
            border = a.region_code in border_regions
        else:
            border = None
        activities.append(
            ActivityView(
                key=a.key,
                date=PartialDate.from_parts(a.date_start, a.date_precision),
                end_date=_partial(a.end_start, a.end_precision),
                mechanism=a.mechanism,
                status=a.status,
                title=a.title,
                secondary=tuple(m.mechanism for m in a.secondary),
                activity_type=a.activity_type,
                initiative=a.initiative.name if a.initiative else None,
                host_country=a.host_country,
                partner_country=a.partner_country,
                region=a.region_code,
                border_area=border,
                participants_total=a.participants_total,
                participants_women=a.participants_women,
                participants_youth=a.participants_youth,
                actors=tuple((link.actor.name, link.actor.country_code) for link in a.actor_links),
                actor_roles=tuple(link.role for link in a.actor_links),
                record_kind=a.record_kind or "activity",
                same_as=a.same_as,
                frame=a.frame,
                contact=a.contact,
                status_reason=a.status_reason,
                sources=tuple(link.source.url for link in a.source_links),
                not_before=a.not_before,
                not_after=a.not_after,
            )
        )
    event_query = select(ContextEvent).options(
        selectinload(ContextEvent.source_links).selectinload(ContextSource.source)
    )
    events = [
        EventView(
            key=e.key,
            date=PartialDate.from_parts(e.date_start, e.date_precision),
            end_date=_partial(e.end_start, e.end_precision),
            kind=e.kind,
            severity=e.severity,
            fatalities_low=e.fatalities_low,
            fatalities_high=e.fatalities_high,
            region=e.region_code,
            place=e.place_text,
            summary=e.summary,
            sources=tuple(link.source.url for link in e.source_links),
            event_type=e.event_type,
            period_set=e.period_set,
        )
        for e in session.scalars(event_query.order_by(ContextEvent.date_start, ContextEvent.key))
    ]
    actor_types = {
        (name, country): kind
        for name, country, kind in session.execute(
            select(Actor.name, Actor.country_code, Actor.type)
        )
        if kind
    }
    return Dataset(activities, events, actor_types)


def _document(dataset: Dataset, codebook) -> str:
    options = AnalysisOptions(as_of=date(2026, 11, 28))
    document = analyse_all(dataset, codebook, options, index_runs=50)
    document["meta"].pop("generated_at")
    return json.dumps(document, ensure_ascii=False, indent=2)


def test_bundled_data_read_as_the_orm_read_it(demo_db, codebook):
    engine = make_engine(f"sqlite:///{demo_db}")
    with session_scope(engine) as session:
        new, old = load_dataset(session), _orm_dataset(session)
    engine.dispose()
    assert len(new.activities) > 100 and len(new.events) > 10
    assert [repr(a) for a in new.activities] == [repr(a) for a in old.activities]
    assert [repr(e) for e in new.events] == [repr(e) for e in old.events]
    assert new.actor_types == old.actor_types
    assert _document(new, codebook) == _document(old, codebook)


def test_both_backends_read_alike(engine, codebook, gazetteer):
    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    for kind, name in (("registry", "registry.csv"), ("actors", "actors.csv")):
        with resources.as_file(folder.joinpath(name)) as path:
            import_file(engine, kind, path, codebook, gazetteer)
    with resources.as_file(folder.joinpath("context.csv")) as path:
        import_file(engine, "context", path, codebook, gazetteer)
    with session_scope(engine) as session:
        new, old = load_dataset(session), _orm_dataset(session)
    assert new == old
    assert [repr(a) for a in new.activities] == [repr(a) for a in old.activities]


def _random_periods(rng: random.Random, n: int) -> list[TensionPeriod]:
    first = date(2010, 1, 1)
    periods = []
    for _ in range(n):
        start = first + timedelta(days=rng.randint(0, 3000))
        periods.append(TensionPeriod(start, start + timedelta(days=rng.randint(0, 200)), "x"))
    return periods


@pytest.mark.parametrize("n_periods", [0, 1, 3, 40])
def test_period_index_answers_as_the_scan(n_periods):
    rng = random.Random(n_periods)
    periods = _random_periods(rng, n_periods)  # overlapping and unsorted, as declared ones may be
    index = PeriodIndex(periods)
    for _ in range(3000):
        start = date(2009, 1, 1) + timedelta(days=rng.randint(0, 3500))
        end = start + timedelta(days=rng.choice([0, 0, 30, 364]))
        assert index.interval(start, end) == interval_exposure(start, end, periods)


def test_span_index_finds_every_overlap_in_order():
    rng = random.Random(5)
    spans = []
    for _ in range(500):
        start = date(2010, 1, 1) + timedelta(days=rng.randint(0, 3000))
        spans.append((start, start + timedelta(days=rng.choice([0, 0, 30, 364]))))
    index = SpanIndex(spans)
    for period in _random_periods(rng, 60):
        expected = [i for i, (s, e) in enumerate(spans) if s <= period.end and e >= period.start]
        assert index.overlapping(period.start, period.end) == expected
    assert SpanIndex([]).overlapping(date(2020, 1, 1), date(2020, 2, 1)) == []


def test_plain_conversion_is_asdict(demo_db, codebook):
    from dataclasses import asdict

    from lowpolitics.analysis.held_broken import held_broken
    from lowpolitics.analysis.restart import restart_lags
    from lowpolitics.analysis.sensitivity import sensitivity
    from lowpolitics.framework.plain import as_plain

    engine = make_engine(f"sqlite:///{demo_db}")
    with session_scope(engine) as session:
        dataset = load_dataset(session)
    engine.dispose()
    options = AnalysisOptions(as_of=date(2026, 11, 28))
    for result in (
        held_broken(dataset, codebook, options),
        sensitivity(dataset, codebook, options),
        restart_lags(dataset, codebook, options),
    ):
        plain, reference = as_plain(result), asdict(result)
        assert plain == reference
        assert json.dumps(plain, ensure_ascii=False) == json.dumps(reference, ensure_ascii=False)
        # notes (str subclasses carrying a message id) stay notes
        assert [type(w) for w in plain.get("warnings", [])] == [
            type(w) for w in reference.get("warnings", [])
        ]


def _merge_pairwise(periods):
    """The earlier merge, joining each touching period into the last one."""
    merged = []
    for p in sorted(periods, key=lambda p: (p.start, p.end, p.events)):
        if merged and p.start <= merged[-1].end + timedelta(days=1):
            last = merged[-1]
            origins = {last.origin, p.origin}
            merged[-1] = TensionPeriod(
                start=last.start,
                end=max(last.end, p.end),
                origin=last.origin if len(origins) == 1 else "declared+derived",
                events=tuple(dict.fromkeys(last.events + p.events)),
                sources=tuple(dict.fromkeys(last.sources + p.sources)),
                summary=last.summary or p.summary,
            )
        else:
            merged.append(p)
    return merged


@pytest.mark.parametrize("seed", range(6))
def test_merge_by_runs_equals_pairwise_merge(seed):
    from lowpolitics.analysis.periods import merge

    rng = random.Random(seed)
    periods = []
    for i in range(rng.choice([0, 1, 5, 80])):
        start = date(2015, 1, 1) + timedelta(days=rng.randint(0, 900))
        periods.append(
            TensionPeriod(
                start,
                start + timedelta(days=rng.randint(0, 60)),
                rng.choice(["declared", "derived"]),
                events=tuple(rng.sample(["a", "b", "c", f"e{i}"], rng.randint(0, 3))),
                sources=tuple(rng.sample(["u1", "u2", f"u{i}"], rng.randint(0, 2))),
                summary=rng.choice([None, "", f"summary {i}"]),
            )
        )
    assert merge(periods) == _merge_pairwise(periods)
