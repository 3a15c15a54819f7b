"""Writing a codings file: every row checked against its document, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from lowpolitics.framework.errors import CellError, InputError, NotFoundError
from lowpolitics.ingest.codings import parse_codings
from lowpolitics.store.corpus import add_coding, add_memo, ensure_code, get_document
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.models import AuditEntry, Code, Coding


@dataclass
class CodingsOutcome:
    added: int = 0
    unchanged: int = 0
    codes_created: int = 0


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def import_codings(engine: Engine, path: Path | str, who: str = "cli") -> CodingsOutcome:
    """Validate every row (cells, then documents and spans), then write them all or nothing."""
    path = Path(path)
    require_schema(engine)
    parsed = parse_codings(path)
    if not parsed.ok:
        raise InputError(parsed.all_errors)
    with session_scope(engine) as session:
        errors, resolved = [], []
        for record in parsed.records:
            try:
                document = get_document(session, record.document)
            except NotFoundError:
                errors.append(
                    CellError(
                        path.name,
                        record.line,
                        "document",
                        record.document,
                        "the id, key or file name of an imported document",
                    )
                )
                continue
            if record.end > len(document.text):
                errors.append(
                    CellError(
                        path.name,
                        record.line,
                        "end",
                        str(record.end),
                        f"at most the document's length ({len(document.text)})",
                    )
                )
                continue
            resolved.append((record, document))
        if errors:
            raise InputError(errors)
        codings_before, codes_before = _count(session, Coding), _count(session, Code)
        for record, document in resolved:
            coding = add_coding(
                session,
                document,
                ensure_code(session, record.code),
                record.start,
                record.end,
                record.coder,
                confidence=record.confidence,
            )
            if record.memo:
                add_memo(session, record.memo, record.coder, coding=coding)
        added = _count(session, Coding) - codings_before
        outcome = CodingsOutcome(added, len(resolved) - added, _count(session, Code) - codes_before)
        session.add(
            AuditEntry(
                actor=f"{who}:{path.name}",
                action="import",
                entity="codings",
                entity_key=path.name,
                before=None,
                after={"added": outcome.added, "unchanged": outcome.unchanged},
            )
        )
    return outcome
