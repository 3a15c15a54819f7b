"""Importing a registry or context file in one pass: rows are checked as they are read and
written a chunk at a time into one open transaction.

A file with bad cells is still refused whole: once the first bad row is seen nothing more is
written, the rest of the file is read only to find every other bad cell, and the transaction
is rolled back. Checking first and writing in a second pass would read and check every row
twice; a refused file is the rare case, so it pays the (bounded) cost of a rollback instead.
With ``skip_invalid`` the good rows are written and the bad ones go to ``FILE.rejects.csv``
as they are found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import InputError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.context import stream_context
from lowpolitics.ingest.registry import stream_registry
from lowpolitics.ingest.results import Streamed
from lowpolitics.store.bulk import ImportSettings, bulk_load_activities, bulk_load_context
from lowpolitics.store.db import session_scope
from lowpolitics.store.loader import LoadResult
from lowpolitics.store.models import AuditEntry


@dataclass
class ImportOutcome:
    kind: str
    file: Path
    result: LoadResult
    warnings: list[str] = field(default_factory=list)
    rejected: int = 0
    skipped: int = 0
    rejects_file: Path | None = None
    merged: int = 0  # rows of an event already kept (GDELT: the same article and day)


def import_entry(
    origin: str, kind: str, path: Path, result: LoadResult, rejected: int, merged: int, fmt: str
) -> AuditEntry:
    """The audit entry that stands for one import: the file and what it did."""
    return AuditEntry(
        actor=origin,
        action="import",
        entity=kind,
        entity_key=path.name,
        before=None,
        after={
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": rejected,
            "merged": merged,
            "format": fmt,
        },
    )


def import_streamed(
    engine: Engine,
    kind: str,
    path: Path,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    settings: ImportSettings,
    skip_invalid: bool = False,
    ignore_extra: bool = False,
    who: str = "cli",
    progress: Callable[[int], Callable[[], None]] | None = None,
    date_format: str | None = None,
    as_of: date | None = None,
) -> ImportOutcome:
    """Check and write a registry or own-layout context file (see the module's note)."""
    rejects = path.with_name(path.name + ".rejects.csv") if skip_invalid else None
    cap = settings.kept_messages
    stream: Streamed
    if kind == "registry":
        stream = stream_registry(
            path,
            codebook,
            gazetteer,
            cap=cap,
            rejects=rejects,
            ignore_extra=ignore_extra,
            as_of=as_of,
        )
        load = bulk_load_activities
    else:
        stream = stream_context(
            path,
            codebook,
            gazetteer,
            cap=cap,
            rejects=rejects,
            ignore_extra=ignore_extra,
            date_format=date_format,
        )
        load = bulk_load_context
    if stream.errors:
        raise InputError(stream.errors)
    tick = progress(stream.size) if progress else None
    origin = f"{who}:{path.name}"
    try:
        with session_scope(engine, write=True) as session:
            result = load(
                session,
                stream.records,
                origin,
                settings,
                tick,
                lambda: skip_invalid or stream.rejected == 0,
            )
            if stream.rejected and not skip_invalid:
                raise _refusal(stream)
            session.add(import_entry(origin, kind, path, result, stream.rejected, 0, "own"))
    finally:
        rejects_file = stream.close()
    return ImportOutcome(
        kind, path, result, stream.warning_list(), stream.rejected, stream.skipped, rejects_file
    )


def _refusal(stream: Streamed) -> InputError:
    errors = stream.error_list()
    more = stream.cell_errors.dropped
    if not more:
        return InputError(errors)
    total = len(errors) + more
    return InputError(
        errors,
        message=f"{total} errors in {stream.name}; nothing was written "
        f"(the first {len(errors)} are listed)",
    )
