"""Writing a registry or context file of any size: chunk by chunk, in one transaction.

:mod:`lowpolitics.store.loader` builds an ORM object per row (with its links, status change
and audit entry) and keeps them all until commit — 25–33 KB a row, so a million rows did not
fit in 23 GB. Here records arrive as an iterator (checked as they are read), and each chunk
of ``ImportSettings.chunk_size`` records is written with plain inserts
(:mod:`lowpolitics.store.bulk_rows`) and then forgotten: memory follows the chunk, not the
file. The caller's transaction still spans the whole file, so a bad row anywhere — or a
failure — leaves the database as it was.

What is recorded stays what the ORM loader records: new rows, their links and status
history (the reported steps, then the status seen at import); a changed row is updated
through the ORM with its version bumped, its history rebuilt and an audit entry holding its
values before and after. A new row gets no audit entry of its own: the import's entry
(written by the caller) names the file and the counts, and the row's ``created_at`` and
first status change say when and from where it came.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lowpolitics.ingest.context import ContextRecord
from lowpolitics.ingest.registry import ActivityRecord
from lowpolitics.store.bulk_rows import (
    Keys,
    OrmView,
    allocate_ids,
    chunked,
    day_format,
    insert_rows,
    insert_tuples,
    stored_values,
)
from lowpolitics.store.loader import (
    ACTIVITY_LOADS,
    CONTEXT_LOADS,
    LoadResult,
    _audit,
    _fill_activity,
    _fill_event,
    _reported,
    _stored,
)
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    ContextEvent,
    ContextSource,
    StatusChange,
)
from lowpolitics.store.rows import activity_row, context_row


@dataclass(frozen=True)
class ImportSettings:
    """How a file import uses memory. ``chunk_size`` rows are held and written at a time;
    ``kept_messages`` bad cells and warnings are kept to show (all are counted)."""

    chunk_size: int = 5000
    kept_messages: int = 1000
    # an import that writes at least this many rows refreshes the planner's statistics of
    # the tables it wrote once it has committed (lowpolitics.store.statistics): a table
    # filled by COPY has none until autovacuum comes by, and a list page planned without
    # them, or read without a visibility map, can cost many times what it costs with them
    analyze_rows: int = 1000


def _empty(session: Session, model) -> bool:
    """Whether ``model``'s table holds no row as the import begins. Then no record of the
    file can be stored already: the import holds the write lock, and the file's keys are
    unique (a repeated id is refused, a repeated row dropped, by the check), so the rows its
    own earlier chunks wrote cannot come back either."""
    query = f'SELECT 1 FROM "{model.__tablename__}" LIMIT 1'
    return session.connection().exec_driver_sql(query).first() is None


def _known(session: Session, model, chunk: list, loads, empty: bool) -> tuple[dict[str, str], dict]:
    """As :func:`lowpolitics.store.loader._stored` (the stored hashes among the chunk's
    keys, and the changed rows loaded for their update), with the hashes read as plain SQL,
    and not at all into a table that was empty when the import began."""
    if empty:
        return {}, {}
    keys = [r.key for r in chunk]
    hashes = dict(stored_values(session, model.__tablename__, "key", "content_hash", keys))
    if all(hashes.get(r.key, r.content_hash) == r.content_hash for r in chunk):
        return hashes, {}
    return _stored(session, model, chunk, loads)


def _forget(session: Session) -> None:
    """Write the chunk and drop its objects. Twice: the audit chain's head learns the id of
    the chunk's last entry after the first flush and is written by the second."""
    session.flush()
    session.flush()
    session.expunge_all()


def bulk_load_activities(
    session: Session,
    records: Iterable[ActivityRecord],
    origin: str,
    settings: ImportSettings,
    progress: Callable[[], None] | None = None,
    writing: Callable[[], bool] = lambda: True,
) -> LoadResult:
    """Insert new activities, update changed ones, count the same — chunk by chunk.

    ``writing()`` is asked after each chunk is read: once it says no (a bad row was found
    and the import will be refused) the rest of the file is still read and checked, so every
    bad cell is reported, but nothing more is written."""
    result = LoadResult()
    keys = Keys(session)
    empty = _empty(session, Activity)
    for chunk in chunked(records, settings.chunk_size):
        result.keys.extend(r.key for r in chunk)
        if not writing():
            continue
        keys.prepare(chunk)
        hashes, existing = _known(session, Activity, chunk, ACTIVITY_LOADS, empty)
        fresh = [r for r in chunk if r.key not in hashes]
        changed = [r for r in chunk if r.key in existing]
        result.added += len(fresh)
        result.updated += len(changed)
        result.unchanged += len(chunk) - len(fresh) - len(changed)
        if changed:
            view = OrmView(session, keys, changed)
            for record in changed:
                _update_activity(session, existing[record.key], record, view, origin)
        _insert_activities(session, keys, fresh, origin)
        _forget(session)
        if progress is not None:
            for _ in chunk:
                progress()
    return result


def _update_activity(
    session: Session, activity: Activity, record: ActivityRecord, view: OrmView, origin: str
) -> None:
    """The ORM loader's update, unchanged: fill, bump the version, rebuild the history."""
    before = activity_row(activity)
    old_status = activity.status
    _fill_activity(activity, record, view)  # type: ignore[arg-type]
    activity.version += 1
    activity.history = [c for c in activity.history if not c.reported]
    activity.history[:0] = _reported(record, origin)
    if record.status != old_status:
        activity.history.append(
            StatusChange(status=record.status, origin=origin, reason=record.status_reason)
        )
    _audit(session, origin, "update", "activity", record.key, before, activity_row(activity))


_ACTIVITY_COLUMNS = (
    "id",
    "key",
    "date_start",
    "date_precision",
    "end_start",
    "end_precision",
    "title",
    "initiative_id",
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
    "content_hash",
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
_HISTORY_COLUMNS = (
    "activity_id",
    "status",
    "changed_on",
    "reason",
    "origin",
    "reported",
    "source_url",
)


def _insert_activities(
    session: Session, keys: Keys, records: list[ActivityRecord], origin: str
) -> None:
    """The chunk's new activities and their links and history, as tuples in column order
    (one per row, no dict in between); dates as SQLite stores them, or as dates for COPY."""
    if not records:
        return
    ids = allocate_ids(session, Activity.__table__, len(records))
    day = day_format(session)
    initiatives, actor_ids, source_ids = keys.initiatives, keys.actors, keys.sources
    activities, secondary, actors, sources, history = [], [], [], [], []
    for id_, r in zip(ids, records, strict=True):
        titles = dict(r.titles) if r.titles else {}
        end = r.end_date
        activities.append(
            (
                id_,
                r.key,
                day(r.date.start),
                r.date.precision,
                day(end.start) if end else None,
                end.precision if end else None,
                r.title,
                initiatives[r.initiative] if r.initiative else None,
                r.mechanism,
                r.activity_type,
                r.status,
                r.status_reason,
                r.host_country,
                r.partner_country,
                r.region_code,
                r.place_id,
                r.place_text,
                r.participants_total,
                r.participants_women,
                r.participants_youth,
                r.notes,
                r.content_hash,
                1,
                r.record_kind,
                r.same_as,
                r.frame,
                r.contact,
                day(r.not_before) if r.not_before else None,
                day(r.not_after) if r.not_after else None,
                titles.get("ru"),
                titles.get("ky"),
                titles.get("tg"),
            )
        )
        if r.mechanisms_secondary:
            secondary.extend((id_, m) for m in r.mechanisms_secondary)
        roles = r.actor_roles or (None,) * len(r.actors)
        actors.extend(
            (id_, actor_ids[actor], i, role)
            for i, (actor, role) in enumerate(zip(r.actors, roles, strict=True))
        )
        sources.extend((id_, source_ids[url], i) for i, url in enumerate(r.source_urls))
        # the reported steps (oldest first), then the status seen at import — as
        # lowpolitics.store.loader._reported and the ORM loader write them
        history.extend(
            (
                id_,
                step.status,
                day(step.day.start),
                None if step.day.precision == "day" else f"dated {step.day}",
                origin,
                True,
                step.source_url,
            )
            for step in r.status_history
        )
        history.append((id_, r.status, None, r.status_reason, origin, False, None))
    insert_tuples(session, Activity.__table__, _ACTIVITY_COLUMNS, activities)
    insert_tuples(session, ActivityMechanism.__table__, ("activity_id", "mechanism"), secondary)
    insert_tuples(
        session,
        ActivityActor.__table__,
        ("activity_id", "actor_id", "position", "role"),
        actors,
    )
    insert_tuples(
        session, ActivitySource.__table__, ("activity_id", "source_id", "position"), sources
    )
    insert_tuples(session, StatusChange.__table__, _HISTORY_COLUMNS, history)


def bulk_load_context(
    session: Session,
    records: Iterable[ContextRecord],
    origin: str,
    settings: ImportSettings,
    progress: Callable[[], None] | None = None,
    writing: Callable[[], bool] = lambda: True,
) -> LoadResult:
    """Context events as :func:`bulk_load_activities` writes activities."""
    result = LoadResult()
    keys = Keys(session)
    empty = _empty(session, ContextEvent)
    for chunk in chunked(records, settings.chunk_size):
        result.keys.extend(r.key for r in chunk)
        if not writing():
            continue
        keys.prepare(chunk)
        hashes, existing = _known(session, ContextEvent, chunk, CONTEXT_LOADS, empty)
        fresh = [r for r in chunk if r.key not in hashes]
        changed = [r for r in chunk if r.key in existing]
        result.added += len(fresh)
        result.updated += len(changed)
        result.unchanged += len(chunk) - len(fresh) - len(changed)
        if changed:
            view = OrmView(session, keys, changed)
            for record in changed:
                event = existing[record.key]
                before = context_row(event)
                _fill_event(event, record, view)  # type: ignore[arg-type]
                _audit(
                    session,
                    origin,
                    "update",
                    "context_event",
                    record.key,
                    before,
                    context_row(event),
                )
        _insert_events(session, keys, fresh)
        _forget(session)
        if progress is not None:
            for _ in chunk:
                progress()
    return result


def _insert_events(session: Session, keys: Keys, records: list[ContextRecord]) -> None:
    ids = allocate_ids(session, ContextEvent.__table__, len(records))
    events, sources = [], []
    for id_, r in zip(ids, records, strict=True):
        events.append(
            {
                "id": id_,
                "key": r.key,
                "date_start": r.date.start,
                "date_precision": r.date.precision,
                "end_start": r.end_date.start if r.end_date else None,
                "end_precision": r.end_date.precision if r.end_date else None,
                "kind": r.kind,
                "severity": r.severity,
                "fatalities_low": r.fatalities_low,
                "fatalities_high": r.fatalities_high,
                "region_code": r.region_code,
                "place_id": r.place_id,
                "place_text": r.place_text,
                "summary": r.summary,
                "event_type": r.event_type,
                "period_set": r.period_set,
                "origin_format": r.origin_format,
                "content_hash": r.content_hash,
                "version": 1,
            }
        )
        sources.extend(
            {"event_id": id_, "source_id": keys.sources[url], "position": i}
            for i, url in enumerate(r.source_urls)
        )
    insert_rows(session, ContextEvent.__table__, events)
    insert_rows(session, ContextSource.__table__, sources)
