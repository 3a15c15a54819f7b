"""Writing validated records: activities, context events and actors, with their audit trail.

Ingest has already checked every cell; this module only decides what is new, what changed
and what is the same, so that importing one file twice adds nothing. The caller owns the
transaction (see :func:`lowpolitics.store.importing.import_file`), so a failure anywhere
leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.ingest.actors import ActorRecord
from lowpolitics.ingest.context import ContextRecord
from lowpolitics.ingest.registry import ActivityRecord
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    Actor,
    AuditEntry,
    ContextEvent,
    ContextSource,
    Initiative,
    Source,
    StatusChange,
)
from lowpolitics.store.reference import ensure_country, ensure_region
from lowpolitics.store.rows import activity_row, context_row


@dataclass
class LoadResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


class _Cache:
    """Per-import lookups, so a 10,000-row file does not query actors 30,000 times."""

    def __init__(self, session: Session):
        self.session = session
        self.actors: dict[tuple[str, str], Actor] = {}
        self.sources: dict[str, Source] = {}
        self.initiatives: dict[str, Initiative] = {}

    def actor(self, name: str, country: str) -> Actor:
        key = (name, country)
        if key not in self.actors:
            found = self.session.scalars(
                select(Actor).where(Actor.name == name, Actor.country_code == country)
            ).first()
            if found is None:
                ensure_country(self.session, country)
                found = Actor(name=name, country_code=country)
                self.session.add(found)
                self.session.flush()
            self.actors[key] = found
        return self.actors[key]

    def source(self, url: str) -> Source:
        if url not in self.sources:
            found = self.session.scalars(select(Source).where(Source.url == url)).first()
            if found is None:
                found = Source(url=url)
                self.session.add(found)
                self.session.flush()
            self.sources[url] = found
        return self.sources[url]

    def initiative(self, name: str, record: ActivityRecord) -> Initiative:
        if name not in self.initiatives:
            found = self.session.scalars(select(Initiative).where(Initiative.name == name)).first()
            if found is None:
                found = Initiative(
                    name=name, mechanism=record.mechanism, activity_type=record.activity_type
                )
                self.session.add(found)
                self.session.flush()
            self.initiatives[name] = found
        return self.initiatives[name]


def _audit(
    session: Session,
    who: str,
    action: str,
    entity: str,
    key: str,
    before: dict | None,
    after: dict | None,
) -> None:
    session.add(
        AuditEntry(
            actor=who, action=action, entity=entity, entity_key=key, before=before, after=after
        )
    )


def _fill_activity(activity: Activity, record: ActivityRecord, cache: _Cache) -> None:
    session = cache.session
    if record.region_code:
        ensure_region(session, record.region_code)
    activity.date_start = record.date.start
    activity.date_precision = record.date.precision
    activity.end_start = record.end_date.start if record.end_date else None
    activity.end_precision = record.end_date.precision if record.end_date else None
    activity.title = record.title
    activity.initiative = cache.initiative(record.initiative, record) if record.initiative else None
    activity.mechanism = record.mechanism
    activity.activity_type = record.activity_type
    activity.status = record.status
    activity.status_reason = record.status_reason
    activity.host_country = record.host_country
    activity.partner_country = record.partner_country
    activity.region_code = record.region_code
    activity.place_id = record.place_id
    activity.place_text = record.place_text
    activity.participants_total = record.participants_total
    activity.participants_women = record.participants_women
    activity.participants_youth = record.participants_youth
    activity.notes = record.notes
    activity.content_hash = record.content_hash
    activity.secondary = [ActivityMechanism(mechanism=m) for m in record.mechanisms_secondary]
    activity.actor_links = [
        ActivityActor(actor=cache.actor(name, cc), position=i)
        for i, (name, cc) in enumerate(record.actors)
    ]
    activity.source_links = [
        ActivitySource(source=cache.source(url), position=i)
        for i, url in enumerate(record.source_urls)
    ]


def load_activities(
    session: Session, records: list[ActivityRecord], origin: str, progress=None
) -> LoadResult:
    """Insert new activities, update changed ones (recording status changes), skip the same."""
    result = LoadResult()
    cache = _Cache(session)
    existing = (
        {
            a.key: a
            for a in session.scalars(
                select(Activity).where(Activity.key.in_([r.key for r in records]))
            )
        }
        if records
        else {}
    )
    for record in records:
        activity = existing.get(record.key)
        if activity is not None and activity.content_hash == record.content_hash:
            result.unchanged += 1
        elif activity is not None:
            before = activity_row(activity)
            old_status = activity.status
            _fill_activity(activity, record, cache)
            activity.version += 1
            if record.status != old_status:
                activity.history.append(
                    StatusChange(status=record.status, origin=origin, reason=record.status_reason)
                )
            session.flush()
            _audit(
                session, origin, "update", "activity", record.key, before, activity_row(activity)
            )
            result.updated += 1
        else:
            activity = Activity(key=record.key, version=1)
            _fill_activity(activity, record, cache)
            activity.history = [
                StatusChange(status=record.status, origin=origin, reason=record.status_reason)
            ]
            session.add(activity)
            session.flush()
            _audit(session, origin, "create", "activity", record.key, None, activity_row(activity))
            result.added += 1
        result.keys.append(record.key)
        if progress is not None:
            progress()
    return result


def _fill_event(event: ContextEvent, record: ContextRecord, cache: _Cache) -> None:
    if record.region_code:
        ensure_region(cache.session, record.region_code)
    event.date_start = record.date.start
    event.date_precision = record.date.precision
    event.end_start = record.end_date.start if record.end_date else None
    event.end_precision = record.end_date.precision if record.end_date else None
    event.kind = record.kind
    event.severity = record.severity
    event.fatalities_low = record.fatalities_low
    event.fatalities_high = record.fatalities_high
    event.region_code = record.region_code
    event.place_id = record.place_id
    event.place_text = record.place_text
    event.summary = record.summary
    event.origin_format = record.origin_format
    event.content_hash = record.content_hash
    event.source_links = [
        ContextSource(source=cache.source(url), position=i)
        for i, url in enumerate(record.source_urls)
    ]


def load_context(
    session: Session, records: list[ContextRecord], origin: str, progress=None
) -> LoadResult:
    result = LoadResult()
    cache = _Cache(session)
    existing = (
        {
            e.key: e
            for e in session.scalars(
                select(ContextEvent).where(ContextEvent.key.in_([r.key for r in records]))
            )
        }
        if records
        else {}
    )
    for record in records:
        event = existing.get(record.key)
        if event is not None and event.content_hash == record.content_hash:
            result.unchanged += 1
        else:
            before = context_row(event) if event is not None else None
            if event is None:
                event = ContextEvent(key=record.key)
            _fill_event(event, record, cache)
            session.add(event)
            session.flush()
            _audit(
                session,
                origin,
                "update" if before else "create",
                "context_event",
                record.key,
                before,
                context_row(event),
            )
            if before:
                result.updated += 1
            else:
                result.added += 1
        result.keys.append(record.key)
        if progress is not None:
            progress()
    return result


def load_actors(
    session: Session, records: list[ActorRecord], origin: str, progress=None
) -> LoadResult:
    """Create or describe actors (type, notes); identity is name and country."""
    result = LoadResult()
    cache = _Cache(session)
    for record in records:
        actor = cache.actor(record.name, record.country)
        before = {"type": actor.type, "notes": actor.notes}
        after = {"type": record.type, "notes": record.notes}
        if before == after:
            result.unchanged += 1
        else:
            new = actor.type is None and actor.notes is None
            actor.type, actor.notes = record.type, record.notes
            _audit(
                session,
                origin,
                "update",
                "actor",
                f"{record.name} [{record.country}]",
                before,
                after,
            )
            if new:
                result.added += 1
            else:
                result.updated += 1
        result.keys.append(f"{record.name} [{record.country}]")
        if progress is not None:
            progress()
    return result
