"""The analysis view of the store: plain, immutable records read once.

Analyses never touch the ORM. They receive activities and events as small frozen records, so
known-answer tests can build them by hand and results can always name the ids behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivitySource,
    Actor,
    ContextEvent,
    ContextSource,
    Region,
)


@dataclass(frozen=True)
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
    status_reason: str | None = None
    sources: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # when several reports were merged: every id behind this one


@dataclass(frozen=True)
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

    def last_reported(self) -> date | None:
        """The latest day the record reports something that happened (a planned row is a
        promise, not a report): a deadline after it cannot yet be judged from this record."""
        days = [a.date.start for a in self.activities if a.status != "planned"]
        days += [e.date.start for e in self.events]
        return max(days, default=None)

    def between(self, start: date | None, end: date | None) -> Dataset:
        """Activities whose date interval overlaps [start, end]; events are all kept, because
        a period that began before the window still shapes what happens inside it."""

        def keep(view: ActivityView) -> bool:
            return (start is None or view.date.end >= start) and (
                end is None or view.date.start <= end
            )

        return Dataset(
            [a for a in self.activities if keep(a)], list(self.events), dict(self.actor_types)
        )


def _partial(start: date | None, precision: str | None) -> PartialDate | None:
    if start is None or precision is None:
        return None
    return PartialDate.from_parts(start, precision)


def load_dataset(session: Session) -> Dataset:
    """Read every activity and context event into analysis records."""
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
                status_reason=a.status_reason,
                sources=tuple(link.source.url for link in a.source_links),
            )
        )
    events = []
    event_query = select(ContextEvent).options(
        selectinload(ContextEvent.source_links).selectinload(ContextSource.source)
    )
    for e in session.scalars(event_query.order_by(ContextEvent.date_start, ContextEvent.key)):
        events.append(
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
        )
    actor_types = {
        (name, country): kind
        for name, country, kind in session.execute(
            select(Actor.name, Actor.country_code, Actor.type)
        )
        if kind
    }
    return Dataset(activities, events, actor_types)
