"""The audit trail: who changed what, when, with the values before and after.

Entries are only ever added. The database refuses UPDATE and DELETE on the table (migration
0003), and nothing here offers either. Reading is for admins (the web app checks the role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lowpolitics.store.models import AuditEntry


def record_change(
    session: Session,
    who: str,
    action: str,
    entity: str,
    key: str | None,
    before: dict | None,
    after: dict | None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=who, action=action, entity=entity, entity_key=key, before=before, after=after
    )
    session.add(entry)
    return entry


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


def generation(session: Session) -> int:
    """A number that grows with every recorded change: caches of analyses key on it."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0
