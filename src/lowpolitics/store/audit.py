"""The audit trail: who changed what, when, with the values before and after.

Entries are only ever added. The database refuses UPDATE and DELETE on the table (migration
0003) and TRUNCATE on PostgreSQL (0007), and nothing here offers either. Reading is for admins
(the web app checks the role).

Those refusals stop mistakes, not someone who can drop a trigger. So the trail is also a hash
chain: each entry stores sha256(previous entry's chain value + its own content), and
``audit_head`` keeps the last entry's id, chain value and the number of entries.
:func:`verify_chain` recomputes every link and reports the first that does not hold — an edited
entry, a deleted one (the next link breaks), or entries cut from the end (the head disagrees).

Every entry is chained when its session flushes, whoever made it: :func:`record_change`, or an
importer that adds an ``AuditEntry`` with the rest of its rows (an import does not flush per
record). So no code path can write an entry outside the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Session

from lowpolitics.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64  # the chain value before the first entry
_PG_CHAIN_LOCK = 7_240_001  # advisory lock key: one audit append at a time on PostgreSQL


def _moment(at: datetime) -> str:
    """``at`` as the same text whichever database gave it back (SQLite drops the zone)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def link(previous: str, entry: AuditEntry) -> str:
    """The chain value of ``entry`` after ``previous``."""
    content = [
        previous,
        _moment(entry.at),
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_key,
        entry.before,
        entry.after,
    ]
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_change(
    session: Session,
    who: str,
    action: str,
    entity: str,
    key: str | None,
    before: dict | None,
    after: dict | None,
) -> AuditEntry:
    """Add one entry to the trail; it is chained as it is written (the flush below)."""
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor=who,
        action=action,
        entity=entity,
        entity_key=key,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()  # chained, with its id
    return entry


_LAST_CHAINED = "lowpolitics.audit.last_chained"


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context, _instances) -> None:
    """Chain the entries about to be written, in the order they were added (the order the
    flush inserts them, so the order of their ids), and move the head to the last one."""
    pending = [o for o in session.new if isinstance(o, AuditEntry) and o.chain is None]
    if not pending:
        return
    pending.sort(key=lambda entry: inspect(entry).insert_order)
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":  # one append to the chain at a time
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
        head = session.get(AuditHead, 1)
        if head is None:
            head = AuditHead(id=1, last_id=0, chain=GENESIS, entries=0)
            session.add(head)
        previous = head.chain
        for entry in pending:
            if entry.at is None:
                entry.at = datetime.now(UTC)
            entry.chain = previous = link(previous, entry)
        head.chain, head.entries = previous, head.entries + len(pending)
    session.info[_LAST_CHAINED] = pending[-1]


@event.listens_for(Session, "after_flush_postexec")
def _head_to_last_id(session: Session, _context) -> None:
    """The head's ``last_id``, known once the flush has given the last entry its id (written
    by the next flush, which a commit always makes)."""
    last = session.info.pop(_LAST_CHAINED, None)
    if last is not None and last.id is not None:
        session.get(AuditHead, 1).last_id = last.id


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: entries checked, and the first broken link if any."""

    entries: int
    ok: bool
    broken_at: int | None = None  # id of the first entry whose link does not hold
    reason: str = ""
    last_chain: str | None = None  # the chain value of the last entry checked


def verify_chain(session: Session) -> ChainReport:
    """Recompute the chain from the first entry; stop at the first link that does not hold."""
    previous = GENESIS
    count = 0
    last_id = None
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        if entry.chain is None:
            return ChainReport(count, False, entry.id, "the entry has no chain value")
        if link(previous, entry) != entry.chain:
            return ChainReport(
                count,
                False,
                entry.id,
                "its content or the entry before it was changed or removed",
            )
        previous, last_id = entry.chain, entry.id
    head = session.get(AuditHead, 1)
    if head is None:
        if count:
            return ChainReport(count, False, None, "the head record is missing")
        return ChainReport(0, True)
    if (head.last_id, head.chain, head.entries) != (last_id, previous, count):
        return ChainReport(
            count,
            False,
            last_id,
            f"the trail ends at entry {last_id} with {count} entries, but its head records "
            f"entry {head.last_id} and {head.entries} entries: entries were removed or added "
            "around the chain",
            previous,
        )
    return ChainReport(count, True, last_chain=previous if count else None)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    entity: str | None = None
    action: str | None = None
    key: str | None = None
    day_from: date | None = None
    day_to: date | None = None


def _filtered(query, flt: AuditFilter):
    if flt.actor:
        query = query.where(AuditEntry.actor == flt.actor)
    if flt.entity:
        query = query.where(AuditEntry.entity == flt.entity)
    if flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.key:
        query = query.where(AuditEntry.entity_key == flt.key)
    if flt.day_from:
        query = query.where(AuditEntry.at >= datetime.combine(flt.day_from, time.min))
    if flt.day_to:
        query = query.where(AuditEntry.at < datetime.combine(flt.day_to + timedelta(1), time.min))
    return query


def list_audit(
    session: Session, flt: AuditFilter, *, offset: int = 0, limit: int = 50
) -> tuple[list[AuditEntry], int]:
    """Newest first, with the total count for pagination."""
    total = session.scalar(_filtered(select(func.count()).select_from(AuditEntry), flt)) or 0
    rows = session.scalars(
        _filtered(select(AuditEntry), flt)
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total


def audit_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat() if entry.at else None,
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "key": entry.entity_key,
        "before": entry.before,
        "after": entry.after,
    }


@dataclass(frozen=True)
class FieldChange:
    """One field of a record changed since a given version: its value in that version, its
    value now, and who changed it last (and when)."""

    field: str
    before: object
    after: object
    actor: str
    at: datetime | None


def changes_since(
    session: Session, entity: str, key: str, since: int, now: int
) -> dict[str, FieldChange]:
    """The fields of one record that changed between its versions ``since`` and ``now``,
    read off the audit trail (each version after the first is one "update" entry, so the
    last ``now - since`` entries are exactly those changes). A field changed and changed
    back is not listed. Empty when nothing was recorded in between."""
    steps = now - since
    if steps <= 0:
        return {}
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity == entity,
                AuditEntry.entity_key == key,
                AuditEntry.action == "update",
            )
            .order_by(AuditEntry.id.desc())
            .limit(steps)
        )
    )
    found: dict[str, FieldChange] = {}
    for entry in reversed(entries):  # oldest first: the first "before" is the value at since
        before, after = entry.before or {}, entry.after or {}
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            first = found.get(name)
            start = first.before if first else before.get(name)
            found[name] = FieldChange(name, start, after.get(name), entry.actor, entry.at)
    return {name: change for name, change in found.items() if change.before != change.after}


# built once and run on the session's connection: every API list page asks (web.list_totals),
# and building the select and going through the ORM cost more than SQLite's answer
_GENERATION = select(func.max(AuditEntry.__table__.c.id))


def generation(session: Session) -> int:
    """A number that grows with every recorded change: caches of analyses key on it."""
    return session.connection().execute(_GENERATION).scalar() or 0
