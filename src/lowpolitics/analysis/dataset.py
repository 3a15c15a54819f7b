"""The analysis view of the store: plain, immutable records read once.

Analyses never touch the ORM. They receive activities and events as small frozen records, so
known-answer tests can build them by hand and results can always name the ids behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from lowpolitics.framework.dates import PartialDate, known_interval
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    Actor,
    ContextEvent,
    ContextSource,
    Initiative,
    Place,
    Region,
    Source,
)

T = TypeVar("T")

# Work that several analyses repeat on the same inputs (the window, its counting base, the
# periods), done once per ``analyse all`` run: a memo that exists only inside ``shared_work``,
# so an analysis called on its own computes everything afresh, as before.
_SHARED: ContextVar[dict | None] = ContextVar("lowpolitics_shared_work", default=None)


@contextmanager
def shared_work() -> Iterator[None]:
    """Within this block, :func:`shared` computes each (owner, key) once; the memo is dropped
    at the end. The inputs must not change inside the block (``analyse all`` only reads)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(owner: object, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or inside :func:`shared_work` the value it gave for the same ``owner``
    (by identity: the memo holds the owner, so its id cannot be reused) and ``key``."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    slot = (id(owner), key)
    found = memo.get(slot)
    if found is not None and found[0] is owner:
        return found[1]
    value = compute()
    memo[slot] = (owner, value)
    return value


@dataclass(frozen=True, slots=True)
class ActivityView:
    key: str
    date: PartialDate
    mechanism: str
    status: str
    title: str = ""
    end_date: PartialDate | None = None
    secondary: tuple[str, ...] = ()
    activity_type: str | None = None
    initiative: str | None = None
    host_country: str | None = None
    partner_country: str | None = None
    region: str | None = None
    border_area: bool | None = None  # None: place and region unknown
    participants_total: int | None = None
    participants_women: int | None = None
    participants_youth: int | None = None
    actors: tuple[tuple[str, str], ...] = ()  # (name, country)
    actor_roles: tuple[str | None, ...] = ()  # parallel to ``actors``; None = not stated
    record_kind: str = "activity"  # codebook record_kinds: activity, statement, restriction
    same_as: str | None = None  # the id of the row this one reports again
    frame: str | None = None  # statements: integrative, neutral, securitizing
    contact: str | None = None  # codebook contacts: bilateral, …; None = not coded
    status_reason: str | None = None
    sources: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # when several reports were merged: every id behind this one
    # days a source places the activity on or after / on or before (registry not_before,
    # not_after), inside ``date``'s interval; read through :attr:`known_interval`
    not_before: date | None = None
    not_after: date | None = None

    @property
    def known_interval(self) -> tuple[date, date]:
        """The days the sources leave open: ``date``'s interval narrowed by the stated bounds.

        Exposure to tension reads this and never ``date.start``/``date.end`` directly, so a
        month that straddles a period's start is placed inside when its source says the
        activity came after that start. Timelines and year counts keep the printed ``date``."""
        if self.not_before is None and self.not_after is None:
            return self.date.start, self.date.end
        return known_interval(self.date, self.not_before, self.not_after)


@dataclass(frozen=True, slots=True)
class EventView:
    key: str
    date: PartialDate
    kind: str
    end_date: PartialDate | None = None
    severity: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    region: str | None = None
    place: str | None = None
    summary: str | None = None
    sources: tuple[str, ...] = ()
    event_type: str | None = None  # codebook context_event_types: ceasefire, treaty, …
    period_set: str | None = None  # tension periods: None for the declared set, else its name

    @property
    def last_day(self) -> date:
        return (self.end_date or self.date).end


@dataclass
class Dataset:
    activities: list[ActivityView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)
    actor_types: dict[tuple[str, str], str] = field(default_factory=dict)  # (name, CC) → type
    # which cooperative rows it holds (``analysis.contact_scope``): None, every one whatever its
    # contact; else only those coded with these contact codes. Carried so that every figure
    # drawn from the dataset can say which definition of a cooperative row it counts.
    contacts: tuple[str, ...] | None = None

    def last_reported(self) -> date | None:
        """The latest day the record reports something that happened (a planned row is a
        promise, not a report): a deadline after it cannot yet be judged from this record."""
        return shared(self, "last_reported", self._last_reported)

    def _last_reported(self) -> date | None:
        days = [a.date.start for a in self.activities if a.status != "planned"]
        days += [e.date.start for e in self.events]
        return max(days, default=None)

    def between(self, start: date | None, end: date | None) -> Dataset:
        """Activities whose date interval overlaps [start, end]; events are all kept, because
        a period that began before the window still shapes what happens inside it."""
        return shared(self, ("between", start, end), lambda: self._between(start, end))

    def _between(self, start: date | None, end: date | None) -> Dataset:
        def keep(view: ActivityView) -> bool:
            return (start is None or view.date.end >= start) and (
                end is None or view.date.start <= end
            )

        return Dataset(
            [a for a in self.activities if keep(a)],
            list(self.events),
            dict(self.actor_types),
            self.contacts,
        )


def _partial(start: date | None, precision: str | None) -> PartialDate | None:
    if start is None or precision is None:
        return None
    return PartialDate.from_parts(start, precision)


def _grouped(rows) -> dict[int, tuple]:
    """``(owner id, value)`` rows, already in order, as one tuple of values per owner."""
    grouped: dict[int, list] = defaultdict(list)
    for owner, value in rows:
        grouped[owner].append(value)
    return {owner: tuple(values) for owner, values in grouped.items()}


def _activities(db: Connection) -> list[ActivityView]:
    """Activities from a handful of column selects: the ORM would build five objects per row
    (activity, place, initiative, links) only to copy a few attributes out of them."""
    border_regions = {
        code for code, border in db.execute(select(Region.code, Region.border)) if border
    }
    secondary = _grouped(
        db.execute(
            select(ActivityMechanism.activity_id, ActivityMechanism.mechanism).order_by(
                ActivityMechanism.activity_id, ActivityMechanism.mechanism
            )
        )
    )
    actor_rows = db.execute(
        select(ActivityActor.activity_id, Actor.name, Actor.country_code, ActivityActor.role)
        .join(Actor, Actor.id == ActivityActor.actor_id)
        .order_by(ActivityActor.activity_id, ActivityActor.position, ActivityActor.actor_id)
    )
    actors = _grouped(
        (activity_id, (name, country, role)) for activity_id, name, country, role in actor_rows
    )
    sources = _grouped(
        db.execute(
            select(ActivitySource.activity_id, Source.url)
            .join(Source, Source.id == ActivitySource.source_id)
            .order_by(ActivitySource.activity_id, ActivitySource.position, ActivitySource.source_id)
        )
    )
    query = (
        select(
            Activity.id,
            Activity.key,
            Activity.date_start,
            Activity.date_precision,
            Activity.end_start,
            Activity.end_precision,
            Activity.mechanism,
            Activity.status,
            Activity.title,
            Activity.activity_type,
            Initiative.name,
            Activity.host_country,
            Activity.partner_country,
            Activity.region_code,
            Activity.place_id,
            Place.border_area,
            Activity.participants_total,
            Activity.participants_women,
            Activity.participants_youth,
            Activity.record_kind,
            Activity.same_as,
            Activity.frame,
            Activity.status_reason,
            Activity.contact,
            Activity.not_before,
            Activity.not_after,
        )
        .outerjoin(Initiative, Initiative.id == Activity.initiative_id)
        .outerjoin(Place, Place.id == Activity.place_id)
        .order_by(Activity.date_start, Activity.key)
    )
    activities = []
    dates: dict[tuple[date, str], PartialDate] = {}  # one record per distinct date
    for row in db.execute(query):
        (id_, key, start, precision, end_start, end_precision, mechanism, status, title) = row[:9]
        (activity_type, initiative, host, partner, region, place_id, place_border) = row[9:16]
        if place_id is not None:
            border = place_border
        elif region is not None:
            border = region in border_regions
        else:
            border = None
        when = dates.get((start, precision))
        if when is None:
            when = dates[(start, precision)] = PartialDate.from_parts(start, precision)
        links = actors.get(id_, ())
        activities.append(
            ActivityView(
                key=key,
                date=when,
                end_date=_partial(end_start, end_precision),
                mechanism=mechanism,
                status=status,
                title=title,
                secondary=secondary.get(id_, ()),
                activity_type=activity_type,
                initiative=initiative,
                host_country=host,
                partner_country=partner,
                region=region,
                border_area=border,
                participants_total=row[16],
                participants_women=row[17],
                participants_youth=row[18],
                actors=tuple((name, country) for name, country, _ in links),
                actor_roles=tuple(role for _, _, role in links),
                record_kind=row[19] or "activity",
                same_as=row[20],
                frame=row[21],
                status_reason=row[22],
                contact=row[23],
                not_before=row[24],
                not_after=row[25],
                sources=sources.get(id_, ()),
            )
        )
    return activities


def _events(db: Connection) -> list[EventView]:
    sources = _grouped(
        db.execute(
            select(ContextSource.event_id, Source.url)
            .join(Source, Source.id == ContextSource.source_id)
            .order_by(ContextSource.event_id, ContextSource.position, ContextSource.source_id)
        )
    )
    query = select(
        ContextEvent.id,
        ContextEvent.key,
        ContextEvent.date_start,
        ContextEvent.date_precision,
        ContextEvent.end_start,
        ContextEvent.end_precision,
        ContextEvent.kind,
        ContextEvent.severity,
        ContextEvent.fatalities_low,
        ContextEvent.fatalities_high,
        ContextEvent.region_code,
        ContextEvent.place_text,
        ContextEvent.summary,
        ContextEvent.event_type,
        ContextEvent.period_set,
    ).order_by(ContextEvent.date_start, ContextEvent.key)
    dates: dict[tuple[date, str], PartialDate] = {}  # one record per distinct date

    def when(start: date, precision: str) -> PartialDate:
        found = dates.get((start, precision))
        if found is None:
            found = dates[(start, precision)] = PartialDate.from_parts(start, precision)
        return found

    return [
        EventView(
            key=e.key,
            date=when(e.date_start, e.date_precision),
            end_date=_partial(e.end_start, e.end_precision),
            kind=e.kind,
            severity=e.severity,
            fatalities_low=e.fatalities_low,
            fatalities_high=e.fatalities_high,
            region=e.region_code,
            place=e.place_text,
            summary=e.summary,
            sources=sources.get(e.id, ()),
            event_type=e.event_type,
            period_set=e.period_set,
        )
        for e in db.execute(query)
    ]


def load_dataset(session: Session) -> Dataset:
    """Read every activity and context event into analysis records (only the columns the
    analyses read, as plain rows: no ORM objects)."""
    actor_types = {
        (name, country): kind
        for name, country, kind in session.execute(
            select(Actor.name, Actor.country_code, Actor.type)
        )
        if kind
    }
    db = session.connection()  # Core rows: the ORM's result layer is not needed here
    return Dataset(_activities(db), _events(db), actor_types)
