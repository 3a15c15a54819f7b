"""Writing validated records: activities, context events and actors, with their audit trail.

Ingest has already checked every cell; this module only decides what is new, what changed
and what is the same, so that importing one file twice adds nothing. The caller owns the
transaction (see :func:`lowpolitics.store.importing.import_file`), so a failure anywhere
leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
    Country,
    Initiative,
    Region,
    Source,
    StatusChange,
)
from lowpolitics.store.reference import country_row, region_row
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
    """Lookups for one import, loaded up front, so that rows cost no queries.

    Actors and initiatives are few and loaded whole; sources are loaded for the URLs the file
    names. New objects are added to the session without flushing — the unit of work orders
    the inserts at commit — which keeps a 20,000-row import from doing 20,000 round trips.
    """

    def __init__(self, session: Session, urls: set[str] | None = None):
        self.session = session
        self.actors = {(a.name, a.country_code): a for a in session.scalars(select(Actor))}
        self.initiatives = {i.name: i for i in session.scalars(select(Initiative))}
        self.countries = set(session.scalars(select(Country.code)))
        self.regions = set(session.scalars(select(Region.code)))
        self.sources: dict[str, Source] = {}
        wanted = sorted(urls or ())
        for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            for source in session.scalars(select(Source).where(Source.url.in_(chunk))):
                self.sources[source.url] = source

    def country(self, code: str) -> None:
        if code not in self.countries:
            self.session.add(country_row(code))
            self.countries.add(code)

    def region(self, code: str) -> None:
        if code not in self.regions:
            self.country(code.split("-")[0])
            self.session.add(region_row(code))
            self.regions.add(code)

    def actor(self, name: str, country: str) -> Actor:
        key = (name, country)
        if key not in self.actors:
            self.country(country)
            actor = Actor(name=name, country_code=country)
            self.session.add(actor)
            self.actors[key] = actor
        return self.actors[key]

    def source(self, url: str) -> Source:
        if url not in self.sources:
            source = Source(url=url)
            self.session.add(source)
            self.sources[url] = source
        return self.sources[url]

    def initiative(self, name: str, record: ActivityRecord) -> Initiative:
        if name not in self.initiatives:
            initiative = Initiative(
                name=name, mechanism=record.mechanism, activity_type=record.activity_type
            )
            self.session.add(initiative)
            self.initiatives[name] = initiative
        return self.initiatives[name]


ACTIVITY_LOADS = (
    selectinload(Activity.secondary),
    selectinload(Activity.actor_links).selectinload(ActivityActor.actor),
    selectinload(Activity.source_links).selectinload(ActivitySource.source),
    selectinload(Activity.initiative),
    selectinload(Activity.history),
)
CONTEXT_LOADS = (selectinload(ContextEvent.source_links).selectinload(ContextSource.source),)


def _stored(session: Session, model, records, loads) -> tuple[dict[str, str], dict]:
    """Content hashes of the stored records among ``records``, and the changed ones loaded
    with what the audit's "before" reads — unchanged rows cost one small query per 500."""
    keys = [r.key for r in records]
    hashes: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = select(model.key, model.content_hash).where(model.key.in_(chunk))
        hashes.update({key: digest for key, digest in session.execute(query)})
    changed = [r.key for r in records if r.key in hashes and hashes[r.key] != r.content_hash]
    loaded = {}
    for start in range(0, len(changed), 500):
        query = select(model).where(model.key.in_(changed[start : start + 500])).options(*loads)
        loaded.update({row.key: row for row in session.scalars(query)})
    return hashes, loaded


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
    if record.region_code:
        cache.region(record.region_code)
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
    activity.record_kind = record.record_kind
    activity.same_as = record.same_as
    activity.frame = record.frame
    activity.contact = record.contact
    activity.not_before = record.not_before
    activity.not_after = record.not_after
    titles = dict(record.titles)
    activity.title_ru, activity.title_ky, activity.title_tg = (
        titles.get("ru"),
        titles.get("ky"),
        titles.get("tg"),
    )
    activity.content_hash = record.content_hash
    activity.secondary = [ActivityMechanism(mechanism=m) for m in record.mechanisms_secondary]
    roles = record.actor_roles or (None,) * len(record.actors)
    activity.actor_links = [
        ActivityActor(actor=cache.actor(name, cc), position=i, role=role)
        for i, ((name, cc), role) in enumerate(zip(record.actors, roles, strict=True))
    ]
    activity.source_links = [
        ActivitySource(source=cache.source(url), position=i)
        for i, url in enumerate(record.source_urls)
    ]


def _reported(record: ActivityRecord, origin: str) -> list[StatusChange]:
    """The status steps a source reported (registry ``status_history``), oldest first."""
    return [
        StatusChange(
            status=step.status,
            changed_on=step.day.start,
            origin=origin,
            reported=True,
            source_url=step.source_url,
            reason=None if step.day.precision == "day" else f"dated {step.day}",
        )
        for step in record.status_history
    ]


def load_activities(
    session: Session, records: list[ActivityRecord], origin: str, progress=None
) -> LoadResult:
    """Insert new activities, update changed ones (recording status changes), skip the same."""
    result = LoadResult()
    cache = _Cache(session, {url for r in records for url in r.source_urls})
    hashes, existing = _stored(session, Activity, records, ACTIVITY_LOADS)
    for record in records:
        activity = existing.get(record.key)
        if hashes.get(record.key) == record.content_hash:
            result.unchanged += 1
        elif activity is not None:
            before = activity_row(activity)
            old_status = activity.status
            _fill_activity(activity, record, cache)
            activity.version += 1
            activity.history = [c for c in activity.history if not c.reported]
            activity.history[:0] = _reported(record, origin)
            if record.status != old_status:
                activity.history.append(
                    StatusChange(status=record.status, origin=origin, reason=record.status_reason)
                )
            _audit(
                session, origin, "update", "activity", record.key, before, activity_row(activity)
            )
            result.updated += 1
        else:
            activity = Activity(key=record.key, version=1)
            _fill_activity(activity, record, cache)
            activity.history = [
                *_reported(record, origin),
                StatusChange(status=record.status, origin=origin, reason=record.status_reason),
            ]
            session.add(activity)
            _audit(session, origin, "create", "activity", record.key, None, activity_row(activity))
            result.added += 1
        result.keys.append(record.key)
        if progress is not None:
            progress()
    return result


def _fill_event(event: ContextEvent, record: ContextRecord, cache: _Cache) -> None:
    if record.region_code:
        cache.region(record.region_code)
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
    event.event_type = record.event_type
    event.period_set = record.period_set
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
    cache = _Cache(session, {url for r in records for url in r.source_urls})
    hashes, existing = _stored(session, ContextEvent, records, CONTEXT_LOADS)
    for record in records:
        event = existing.get(record.key)
        if hashes.get(record.key) == record.content_hash:
            result.unchanged += 1
        else:
            before = context_row(event) if event is not None else None
            if event is None:
                event = ContextEvent(key=record.key)
            _fill_event(event, record, cache)
            session.add(event)
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
