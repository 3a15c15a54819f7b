"""Reading the store: filtered activity lists, one activity, and the summary statistics.

Shared by the CLI, the demo and (later) the web app, so a filter means the same everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivitySource,
    Actor,
    ContextEvent,
    ContextSource,
    Initiative,
    Region,
    Source,
)


@dataclass(frozen=True)
class ActivityFilter:
    """What ``list activities`` can narrow by. Dates compare against the activity's interval:
    ``date_from`` keeps activities that end on or after it, ``date_to`` those that start on or
    before it, so a month-precision activity is not lost at either edge."""

    mechanism: str | None = None
    status: str | None = None
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    region: str | None = None  # ISO 3166-2 code
    # how the two sides met: any of these codebook contact codes (a row not coded matches none)
    contacts: frozenset[str] | None = None


def activity_query() -> Select:
    """Activities with every relation a page or a row shows, loaded in a few queries."""
    return _activity_query()


def _activity_query() -> Select:
    return select(Activity).options(
        selectinload(Activity.secondary),
        selectinload(Activity.actor_links).selectinload(ActivityActor.actor),
        selectinload(Activity.source_links).selectinload(ActivitySource.source),
        selectinload(Activity.initiative),
        selectinload(Activity.history),
        selectinload(Activity.place),
    )


def interval_end(start: date, precision: str) -> date:
    return PartialDate.from_parts(start, precision).end


def list_activities(session: Session, flt: ActivityFilter | None = None) -> list[Activity]:
    flt = flt or ActivityFilter()
    query = _activity_query()
    if flt.mechanism:
        query = query.where(Activity.mechanism == flt.mechanism)
    if flt.status:
        query = query.where(Activity.status == flt.status)
    if flt.region:
        query = query.where(Activity.region_code == flt.region.upper())
    if flt.contacts:
        query = query.where(Activity.contact.in_(sorted(flt.contacts)))
    if flt.date_to:
        query = query.where(Activity.date_start <= flt.date_to.end)
    query = query.order_by(Activity.date_start, Activity.key)
    rows = list(session.scalars(query))
    if flt.date_from:
        # Whether an activity reaches the bound depends on its precision and end date, which
        # SQL cannot compute portably, so this bound is checked here.
        rows = [a for a in rows if activity_end(a) >= flt.date_from.start]
    return rows


def activity_end(activity: Activity) -> date:
    """Last day an activity may cover: its end date if given, else the end of its date."""
    if activity.end_start is not None:
        return interval_end(activity.end_start, activity.end_precision)
    return interval_end(activity.date_start, activity.date_precision)


def get_activity(session: Session, key: str) -> Activity:
    found = session.scalars(_activity_query().where(Activity.key == key)).first()
    if found is None:
        raise NotFoundError(f"no activity with id '{key}'")
    return found


def list_context(session: Session, kind: str | None = None) -> list[ContextEvent]:
    query = select(ContextEvent).options(
        selectinload(ContextEvent.source_links).selectinload(ContextSource.source)
    )
    if kind:
        query = query.where(ContextEvent.kind == kind)
    return list(session.scalars(query.order_by(ContextEvent.date_start, ContextEvent.key)))


def list_actors(session: Session) -> list[Actor]:
    return list(session.scalars(select(Actor).order_by(Actor.country_code, Actor.name)))


@dataclass
class Stats:
    """Counts a user sees first: what the database holds, broken down the obvious ways."""

    activities: int = 0
    context_events: int = 0
    actors: int = 0
    initiatives: int = 0
    sources: int = 0
    with_source: int = 0
    by_mechanism: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_year: Counter = field(default_factory=Counter)
    by_year_mechanism: Counter = field(default_factory=Counter)  # (year, mechanism) → n
    by_context_kind: Counter = field(default_factory=Counter)
    by_region: Counter = field(default_factory=Counter)
    tension_periods: list[ContextEvent] = field(default_factory=list)
    first: date | None = None
    last: date | None = None

    def as_dict(self) -> dict:
        return {
            "activities": self.activities,
            "context_events": self.context_events,
            "actors": self.actors,
            "initiatives": self.initiatives,
            "sources": self.sources,
            "activities_with_source": self.with_source,
            "first_date": self.first.isoformat() if self.first else None,
            "last_date": self.last.isoformat() if self.last else None,
            "by_mechanism": dict(sorted(self.by_mechanism.items())),
            "by_status": dict(sorted(self.by_status.items())),
            "by_year": {str(y): n for y, n in sorted(self.by_year.items())},
            "by_year_mechanism": {
                str(year): {
                    m: n for (y, m), n in sorted(self.by_year_mechanism.items()) if y == year
                }
                for year in sorted(self.by_year)
            },
            "by_region": dict(sorted(self.by_region.items())),
            "by_context_kind": dict(sorted(self.by_context_kind.items())),
            "tension_periods": [
                {
                    "id": p.key,
                    "start": p.date_start.isoformat(),
                    "end": interval_end(p.end_start, p.end_precision).isoformat()
                    if p.end_start
                    else None,
                    "summary": p.summary,
                    "sources": [link.source.url for link in p.source_links],
                }
                for p in self.tension_periods
            ],
        }


def compute_stats(session: Session) -> Stats:
    stats = Stats()
    rows = session.execute(
        select(Activity.mechanism, Activity.status, Activity.date_start, Activity.region_code)
    ).all()
    stats.activities = len(rows)
    for mechanism, status, start, region in rows:
        stats.by_mechanism[mechanism] += 1
        stats.by_status[status] += 1
        stats.by_year[start.year] += 1
        stats.by_year_mechanism[(start.year, mechanism)] += 1
        stats.by_region[region or "unknown"] += 1
    if rows:
        stats.first = min(r[2] for r in rows)
        stats.last = max(r[2] for r in rows)
    stats.with_source = (
        session.scalar(select(func.count(func.distinct(ActivitySource.activity_id)))) or 0
    )
    for (kind,) in session.execute(select(ContextEvent.kind)):
        stats.by_context_kind[kind] += 1
        stats.context_events += 1
    stats.actors = session.scalar(select(func.count()).select_from(Actor)) or 0
    stats.initiatives = session.scalar(select(func.count()).select_from(Initiative)) or 0
    stats.sources = session.scalar(select(func.count()).select_from(Source)) or 0
    stats.tension_periods = list_context(session, "tension_period")
    return stats


def region_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Region.code, Region.name_en))}


def source_urls(session: Session) -> list[str]:
    """Every source cited by an activity or a context event."""
    activity = select(Source.url).join(ActivitySource, ActivitySource.source_id == Source.id)
    event = select(Source.url).join(ContextSource, ContextSource.source_id == Source.id)
    return sorted(set(session.scalars(activity)) | set(session.scalars(event)))
