"""Activities read for display, without building ORM objects.

Why: an API page of 50 activities made about 480 ORM objects (the activity, its secondary
mechanisms, actor links and actors, source links and sources, status history), and building
them was two thirds of the request's CPU — the list saturated two workers below 50 pages a
second. Here the same rows come from five Core queries, built once, and land in plain
slotted objects with the attribute names of the mapped classes, so ``activity_json`` and
``activity_row`` read them unchanged and the output cannot drift from the ORM path (a test
compares both on every bundled activity). Reading only: nothing here is tracked by a session
or can be saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from sqlalchemy import (
    Connection,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
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
    "not_before",
    "not_after",
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
    not_before: date | None
    not_after: date | None
    title_ru: str | None
    title_ky: str | None
    title_tg: str | None
    initiative: InitiativeName | None = None
    secondary: list[SecondaryMechanism] = field(default_factory=list)
    actor_links: list[ActorLink] = field(default_factory=list)
    source_links: list[SourceLink] = field(default_factory=list)
    history: list[HistoryStep] = field(default_factory=list)


def _columns(model, *names: str) -> list:
    """The table columns behind ``model``'s attributes (Core statements: no ORM layer)."""
    mapped = sa_inspect(model).columns
    return [mapped[name] for name in names]


# The statements are built once: building a select and computing its cache key cost about as
# much CPU as running it on SQLite (issue 17, API latency). They are Core statements run on the
# session's connection, so no ORM compilation or result processing happens per request.
_IDS = bindparam("ids", expanding=True)
_ACTIVITY = select(*_columns(Activity, *_COLUMNS), _columns(Initiative, "name")[0]).select_from(
    Activity.__table__.outerjoin(
        Initiative.__table__,
        _columns(Initiative, "id")[0] == _columns(Activity, "initiative_id")[0],
    )
)
_BY_IDS = _ACTIVITY.where(_columns(Activity, "id")[0].in_(_IDS))
_BY_KEY = _ACTIVITY.where(_columns(Activity, "key")[0] == bindparam("key"))
# each relation in the order its relationship declares (order_by), as the ORM reads it
_SECONDARY = (
    select(*_columns(ActivityMechanism, "activity_id", "mechanism"))
    .where(_columns(ActivityMechanism, "activity_id")[0].in_(_IDS))
    .order_by(_columns(ActivityMechanism, "mechanism")[0])
)
_ACTORS = (
    select(
        *_columns(ActivityActor, "activity_id"),
        *_columns(Actor, "name", "country_code"),
        *_columns(ActivityActor, "role"),
    )
    .select_from(
        ActivityActor.__table__.join(
            Actor.__table__, _columns(Actor, "id")[0] == _columns(ActivityActor, "actor_id")[0]
        )
    )
    .where(_columns(ActivityActor, "activity_id")[0].in_(_IDS))
    .order_by(_columns(ActivityActor, "position")[0])
)
_SOURCES = (
    select(*_columns(ActivitySource, "activity_id"), *_columns(Source, "url"))
    .select_from(
        ActivitySource.__table__.join(
            Source.__table__, _columns(Source, "id")[0] == _columns(ActivitySource, "source_id")[0]
        )
    )
    .where(_columns(ActivitySource, "activity_id")[0].in_(_IDS))
    .order_by(_columns(ActivitySource, "position")[0])
)
_HISTORY = (
    select(
        *_columns(
            StatusChange,
            "activity_id",
            "status",
            "changed_on",
            "reason",
            "recorded_at",
            "origin",
            "reported",
            "source_url",
        )
    )
    .where(_columns(StatusChange, "activity_id")[0].in_(_IDS))
    .order_by(_columns(StatusChange, "id")[0])
)


# The four relations in one statement (issue 17: each statement is a round trip to the
# database server, and a request made about ten): UNION ALL of one branch per relation, each
# row tagged with its relation and its rank in the relation's declared order (the history's
# id, the links' position, a row number over the secondary mechanisms' names: a window over
# every branch cost SQLite more than the round trips it saved). The history
# branch comes first, as its columns type the union's (dates, booleans); the others fill
# what they lack with typed NULLs. Text columns: status / mechanism / actor / url, then
# reason / - / country / -, then origin / - / role / -.
_HISTORY_KIND, _SECONDARY_KIND, _ACTORS_KIND, _SOURCES_KIND = 0, 1, 2, 3
_KIND_RANK = itemgetter(0, 1)


_h = StatusChange.__table__.c


def _ranked(kind: int, order, activity_id, *text, history: bool = False):
    """One branch of ``_RELATIONS``: kind, rank, activity id, three texts, then the
    history's own columns (NULLs of their types outside the history)."""
    texts = [*text, *(cast(null(), String) for _ in range(3 - len(text)))]
    own = (_h.source_url, _h.changed_on, _h.recorded_at, _h.reported)
    return select(
        literal_column(str(kind), Integer).label("kind"),
        order.label("rank"),
        activity_id,
        *texts,
        *(own if history else (cast(null(), column.type) for column in own)),
    )


_m = ActivityMechanism.__table__.c
_aa, _a = ActivityActor.__table__.c, Actor.__table__.c
_as, _s = ActivitySource.__table__.c, Source.__table__.c
_RELATIONS = union_all(
    _ranked(
        _HISTORY_KIND, _h.id, _h.activity_id, _h.status, _h.reason, _h.origin, history=True
    ).where(_h.activity_id.in_(_IDS)),
    _ranked(
        _SECONDARY_KIND, func.row_number().over(order_by=_m.mechanism), _m.activity_id, _m.mechanism
    ).where(_m.activity_id.in_(_IDS)),
    _ranked(_ACTORS_KIND, _aa.position, _aa.activity_id, _a.name, _a.country_code, _aa.role)
    .select_from(ActivityActor.__table__.join(Actor.__table__, _a.id == _aa.actor_id))
    .where(_aa.activity_id.in_(_IDS)),
    _ranked(_SOURCES_KIND, _as.position, _as.activity_id, _s.url)
    .select_from(ActivitySource.__table__.join(Source.__table__, _s.id == _as.source_id))
    .where(_as.activity_id.in_(_IDS)),
)


def read_activities(session: Session, ids: Sequence[int]) -> list[DisplayedActivity]:
    """The activities with these ids, with what the API shows of their relations, in the
    order given (ids not found are left out)."""
    views: dict[int, DisplayedActivity] = {}
    connection = session.connection()
    for start in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[start : start + IN_CHUNK])
        if chunk:
            _views(connection.execute(_BY_IDS, {"ids": chunk}), views)
            _relations(connection, chunk, views)
    return [views[i] for i in ids if i in views]


def read_activity(session: Session, key: str) -> DisplayedActivity:
    """One activity by its registry id: the activity found by its key in the same query that
    reads its columns, then its relations."""
    connection = session.connection()
    views: dict[int, DisplayedActivity] = {}
    _views(connection.execute(_BY_KEY, {"key": key}), views)
    if not views:
        raise NotFoundError(f"no activity with id '{key}'")
    _relations(connection, list(views), views)
    return next(iter(views.values()))


def _views(rows, views: dict[int, DisplayedActivity]) -> None:
    # the view's first fields are _COLUMNS in order (test_activity_reading checks it)
    width = len(_COLUMNS)
    for row in rows.all():
        name = row[width]
        views[row[0]] = DisplayedActivity(
            *row[:width], initiative=InitiativeName(name) if name is not None else None
        )


def _relations(connection: Connection, ids: list[int], views: dict[int, DisplayedActivity]) -> None:
    """The four relations of ``views`` from one statement (``_RELATIONS``)."""
    steps: defaultdict[int, list[HistoryStep]] = defaultdict(list)
    rows = connection.execute(_RELATIONS, {"ids": ids}).all()
    rows.sort(key=_KIND_RANK)  # in Python: an ORDER BY over the union cost SQLite a sort
    for kind, _, activity_id, text1, text2, text3, url, day, at, reported in rows:
        if kind == _HISTORY_KIND:
            steps[activity_id].append(HistoryStep(text1, day, text2, at, text3, reported, url))
        elif kind == _SECONDARY_KIND:
            views[activity_id].secondary.append(SecondaryMechanism(text1))
        elif kind == _ACTORS_KIND:
            views[activity_id].actor_links.append(ActorLink(ActorName(text1, text2), text3))
        else:
            views[activity_id].source_links.append(SourceLink(SourceUrl(text1)))
    for activity_id, found in steps.items():
        views[activity_id].history = found


def _relations_apart(
    connection: Connection, ids: list[int], views: dict[int, DisplayedActivity]
) -> None:
    """The four relations in four statements: the former way, kept for the comparison in
    the tests and the bench."""
    for activity_id, mechanism in connection.execute(_SECONDARY, {"ids": ids}).all():
        views[activity_id].secondary.append(SecondaryMechanism(mechanism))
    for activity_id, name, country, role in connection.execute(_ACTORS, {"ids": ids}).all():
        views[activity_id].actor_links.append(ActorLink(ActorName(name, country), role))
    for activity_id, url in connection.execute(_SOURCES, {"ids": ids}).all():
        views[activity_id].source_links.append(SourceLink(SourceUrl(url)))
    steps: defaultdict[int, list[HistoryStep]] = defaultdict(list)
    for activity_id, *values in connection.execute(_HISTORY, {"ids": ids}).all():
        steps[activity_id].append(HistoryStep(*values))
    for activity_id, found in steps.items():
        views[activity_id].history = found
