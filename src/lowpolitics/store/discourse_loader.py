"""Writing outlets and coded texts: create or update by id, one audit entry per change.

Called inside the import's single transaction (``store.importing``), so a bad file changes
nothing. A coded text names its outlet by id; an id not in the outlets table is kept as written
(``outlet_id`` empty) and reported, so an index can be loaded before its outlets are described.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.ingest.discourse import CodedTextRecord, OutletRecord
from lowpolitics.store.discourse_models import CodedText, Outlet
from lowpolitics.store.loader import LoadResult
from lowpolitics.store.models import AuditEntry

_OUTLET_FIELDS = ("name", "country", "ownership", "languages", "domain", "source_url", "note")
_TEXT_FIELDS = (
    "url",
    "side",
    "genre",
    "language",
    "frame",
    "frame_evidence",
    "topic",
    "coder",
    "read_chars",
    "note",
)


def _audit(session: Session, who: str, action: str, entity: str, key: str, before, after) -> None:
    session.add(
        AuditEntry(
            actor=who, action=action, entity=entity, entity_key=key, before=before, after=after
        )
    )


def load_outlets(
    session: Session, records: list[OutletRecord], origin: str, progress=None
) -> LoadResult:
    result = LoadResult()
    existing = {o.key: o for o in session.scalars(select(Outlet))}
    for record in records:
        after = {f: getattr(record, f) for f in _OUTLET_FIELDS}
        outlet = existing.get(record.key)
        if outlet is None:
            session.add(Outlet(key=record.key, **after))
            _audit(session, origin, "create", "outlet", record.key, None, after)
            result.added += 1
        else:
            before = {f: getattr(outlet, f) for f in _OUTLET_FIELDS}
            if before == after:
                result.unchanged += 1
            else:
                for name, value in after.items():
                    setattr(outlet, name, value)
                outlet.version += 1
                _audit(session, origin, "update", "outlet", record.key, before, after)
                result.updated += 1
        result.keys.append(record.key)
        if progress is not None:
            progress()
    return result


def load_coded_texts(
    session: Session,
    records: list[CodedTextRecord],
    origin: str,
    progress=None,
) -> LoadResult:
    result = LoadResult()
    outlets = {o.key: o.id for o in session.scalars(select(Outlet))}
    existing = {t.key: t for t in session.scalars(select(CodedText))}
    for record in records:
        values = {f: getattr(record, f) for f in _TEXT_FIELDS}
        values |= {
            "outlet_id": outlets.get(record.outlet or ""),
            "published_on": record.published_on,
            "mentions": [list(m) for m in record.mentions],
            "stems": dict(record.stems),
            "content_hash": record.content_hash,
        }
        text = existing.get(record.key)
        summary = {"url": record.url, "frame": record.frame, "hash": record.content_hash}
        if text is None:
            session.add(CodedText(key=record.key, **values))
            _audit(session, origin, "create", "coded_text", record.key, None, summary)
            result.added += 1
        elif text.content_hash == record.content_hash and text.stems == values["stems"]:
            result.unchanged += 1
        else:
            before = {"url": text.url, "frame": text.frame, "hash": text.content_hash}
            for name, value in values.items():
                setattr(text, name, value)
            text.version += 1
            _audit(session, origin, "update", "coded_text", record.key, before, summary)
            result.updated += 1
        result.keys.append(record.key)
        if progress is not None:
            progress()
    return result
