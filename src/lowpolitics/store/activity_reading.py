"""Activities read for display, without building ORM objects.

Why: an API page of 50 activities made about 480 ORM objects (the activity, its secondary
mechanisms, actor links and actors, source links and sources, status history), and building
them was two thirds of the request's CPU — the list saturated two workers below 50 pages a
second. Here the same rows come from five Core queries and land in plain slotted objects with
the attribute names of the mapped classes, so ``activity_json`` and ``activity_row`` read them
unchanged and the output cannot drift from the ORM path (a test compares both on every bundled
activity). Reading only: nothing here is tracked by a session or can be saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    Actor,
    Initiative,
    Source,
    StatusChange,
)

IN_CHUNK = 500  # IN lists stay within every backend's parameter limit


@dataclass(slots=True)
class InitiativeName:
    name: str


@dataclass(slots=True)
class SecondaryMechanism:
    mechanism: str


@dataclass(slots=True)
class ActorName:
    name: str
    country_code: str


@dataclass(slots=True)
class ActorLink:
    actor: ActorName
    role: str | None


@dataclass(slots=True)
class SourceUrl:
    url: str


@dataclass(slots=True)
class SourceLink:
    source: SourceUrl


@dataclass(slots=True)
class HistoryStep:
    status: str
    changed_on: date | None
    reason: str | None
    recorded_at: datetime | None
    origin: str | None
    reported: bool
    source_url: str | None


# the activity's own columns, read by name onto the view
_COLUMNS = (
    "id",
    "key",
    "date_start",
    "date_precision",
    "end_start",
    "end_precision",
    "title",
    "mechanism",
    "activity_type",
    "status",
    "status_reason",
    "host_country",
    "partner_country",
    "region_code",
    "place_id",
    "place_text",
    "participants_total",
    "participants_women",
    "participants_youth",
    "notes",
    "version",
    "record_kind",
    "same_as",
    "frame",
    "contact",
    "title_ru",
    "title_ky",
    "title_tg",
)


@dataclass(slots=True)
class DisplayedActivity:
    """An activity as the API shows it: the mapped class's attributes, read only."""

    id: int
    key: str
    date_start: date
    date_precision: str
    end_start: date | None
    end_precision: str | None
    title: str
    mechanism: str
    activity_type: str | None
    status: str
    status_reason: str | None
    host_country: str | None
    partner_country: str | None
    region_code: str | None
    place_id: str | None
    place_text: str | None
    participants_total: int | None
    participants_women: int | None
    participants_youth: int | None
    notes: str | None
    version: int
    record_kind: str | None
    same_as: str | None
    frame: str | None
    contact: str | None
    title_ru: str | None
    title_ky: str | None
    title_tg: str | None
    initiative: InitiativeName | None = None
    secondary: list[SecondaryMechanism] = field(default_factory=list)
    actor_links: list[ActorLink] = field(default_factory=list)
    source_links: list[SourceLink] = field(default_factory=list)
    history: list[HistoryStep] = field(default_factory=list)


def read_activities(session: Session, ids: Sequence[int]) -> list[DisplayedActivity]:
    """The activities with these ids, with what the API shows of their relations, in the
    order given (ids not found are left out)."""
    views: dict[int, DisplayedActivity] = {}
    for start in range(0, len(ids), IN_CHUNK):
        _read_chunk(session, list(ids[start : start + IN_CHUNK]), views)
    return [views[i] for i in ids if i in views]


def read_activity(session: Session, key: str) -> DisplayedActivity:
    """One activity by its registry id."""
    found = session.scalar(select(Activity.id).where(Activity.key == key))
    if found is None:
        raise NotFoundError(f"no activity with id '{key}'")
    return read_activities(session, [found])[0]


def _read_chunk(session: Session, ids: list[int], views: dict[int, DisplayedActivity]) -> None:
    if not ids:
        return
    columns = [getattr(Activity, name) for name in _COLUMNS]
    query = (
        select(*columns, Initiative.name)
        .outerjoin(Initiative, Initiative.id == Activity.initiative_id)
        .where(Activity.id.in_(ids))
    )
    for row in session.execute(query):
        values = dict(zip(_COLUMNS, row[: len(_COLUMNS)], strict=True))
        name = row[len(_COLUMNS)]
        views[row.id] = DisplayedActivity(
            **values, initiative=InitiativeName(name) if name is not None else None
        )
    # each relation in the order its relationship declares (order_by), as the ORM reads it
    secondary = (
        select(ActivityMechanism.activity_id, ActivityMechanism.mechanism)
        .where(ActivityMechanism.activity_id.in_(ids))
        .order_by(ActivityMechanism.mechanism)
    )
    for activity_id, mechanism in session.execute(secondary):
        views[activity_id].secondary.append(SecondaryMechanism(mechanism))
    actors = (
        select(ActivityActor.activity_id, Actor.name, Actor.country_code, ActivityActor.role)
        .join(Actor, Actor.id == ActivityActor.actor_id)
        .where(ActivityActor.activity_id.in_(ids))
        .order_by(ActivityActor.position)
    )
    for activity_id, name, country, role in session.execute(actors):
        views[activity_id].actor_links.append(ActorLink(ActorName(name, country), role))
    sources = (
        select(ActivitySource.activity_id, Source.url)
        .join(Source, Source.id == ActivitySource.source_id)
        .where(ActivitySource.activity_id.in_(ids))
        .order_by(ActivitySource.position)
    )
    for activity_id, url in session.execute(sources):
        views[activity_id].source_links.append(SourceLink(SourceUrl(url)))
    history = (
        select(
            StatusChange.activity_id,
            StatusChange.status,
            StatusChange.changed_on,
            StatusChange.reason,
            StatusChange.recorded_at,
            StatusChange.origin,
            StatusChange.reported,
            StatusChange.source_url,
        )
        .where(StatusChange.activity_id.in_(ids))
        .order_by(StatusChange.id)
    )
    steps: defaultdict[int, list[HistoryStep]] = defaultdict(list)
    for activity_id, *values in session.execute(history):
        steps[activity_id].append(HistoryStep(*values))
    for activity_id, found in steps.items():
        views[activity_id].history = found
