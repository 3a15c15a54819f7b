"""Importing a registry or context file in one pass: rows are checked as they are read and
written a chunk at a time into one open transaction.

A file with bad cells is still refused whole: once the first bad row is seen nothing more is
written, the rest of the file is read only to find every other bad cell, and the transaction
is rolled back. Checking first and writing in a second pass would read and check every row
twice; a refused file is the rare case, so it pays the (bounded) cost of a rollback instead.
With ``skip_invalid`` the good rows are written and the bad ones go to ``FILE.rejects.csv``
as they are found.

The cycle collector is paused while a file is read, checked and written
(:func:`lowpolitics.framework.collector.collector_paused`): the records hold no cycles, and
its passes over the import's many small objects freed nothing (about 8 % of a 10,000-row
import's CPU time).

A background job (the web import of a big file) uses :func:`import_spooled` instead: the
same checks and the same one transaction, but the rows are read and checked before the
transaction begins, so the database's write lock is held only while the rows are written.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.collector import collector_paused
from lowpolitics.framework.errors import InputError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.context import stream_context
from lowpolitics.ingest.registry import stream_registry
from lowpolitics.ingest.results import Streamed
from lowpolitics.ingest.tables import declared_encoding
from lowpolitics.store.bulk import ImportSettings, bulk_load_activities, bulk_load_context
from lowpolitics.store.bulk_rows import chunked
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.loader import LoadResult
from lowpolitics.store.models import AuditEntry
from lowpolitics.store.statistics import refresh_after_import


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


def written(result: LoadResult) -> int:
    """How many records an import wrote (added or changed): what decides whether the
    planner's statistics are refreshed after it."""
    return result.added + result.updated


def open_stream(
    kind: str,
    path: Path,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    cap: int,
    rejects: Path | None = None,
    ignore_extra: bool = False,
    date_format: str | None = None,
    as_of: date | None = None,
) -> tuple[Streamed, Callable]:
    """The file's rows, checked as they are read, and the writer for its kind."""
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
        return stream, bulk_load_activities
    stream = stream_context(
        path,
        codebook,
        gazetteer,
        cap=cap,
        rejects=rejects,
        ignore_extra=ignore_extra,
        date_format=date_format,
    )
    return stream, bulk_load_context


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
    stream, load = open_stream(
        kind,
        path,
        codebook,
        gazetteer,
        cap=settings.kept_messages,
        rejects=rejects,
        ignore_extra=ignore_extra,
        date_format=date_format,
        as_of=as_of,
    )
    if stream.errors:
        raise InputError(stream.errors)
    tick = progress(stream.size) if progress else None
    origin = f"{who}:{path.name}"
    try:
        with collector_paused(0), session_scope(engine, write=True) as session:
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
    refresh_after_import(engine, kind, written(result), settings.analyze_rows)
    return ImportOutcome(
        kind, path, result, stream.warning_list(), stream.rejected, stream.skipped, rejects_file
    )


# --- in two passes, for a background job -----------------------------------------------------


@dataclass
class ImportProgress:
    """How far a check or an import has come, for a progress report: ``total`` is about how
    many rows the file holds; ``read`` rows were read, ``valid`` of them passed the checks,
    ``rejected`` did not; ``written`` rows were written (by an import, once it writes)."""

    phase: str  # "validating", then (an import) "writing"
    total: int
    read: int = 0
    valid: int = 0
    rejected: int = 0
    written: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


Report = Callable[[ImportProgress], None]


def _counted(
    stream: Streamed, progress: ImportProgress, report: Report | None, every: int
) -> Iterator:
    """``stream.records``, counting what was read into ``progress`` and passing it to
    ``report`` every ``every`` rows."""
    for record in stream.records:
        progress.valid += 1
        if progress.valid % every == 0:
            progress.rejected = stream.rejected
            progress.read = progress.valid + stream.rejected + stream.skipped
            if report is not None:
                report(progress)
        yield record
    progress.rejected = stream.rejected
    progress.read = progress.valid + stream.rejected + stream.skipped


def check_streamed(
    kind: str,
    path: Path,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    settings: ImportSettings,
    each_chunk: Callable[[list], None],
    ignore_extra: bool = False,
    date_format: str | None = None,
    as_of: date | None = None,
    report: Report | None = None,
    every: int = 1000,
) -> tuple[Streamed, ImportProgress]:
    """Read and check every row of a registry or own-layout context file without writing
    anything, handing the good records to ``each_chunk`` a chunk at a time (a preview
    counts what they would change); the stream (its errors, warnings, counts) and the
    counts read. A file whose header is wrong is not read further."""
    stream, _ = open_stream(
        kind,
        path,
        codebook,
        gazetteer,
        cap=settings.kept_messages,
        ignore_extra=ignore_extra,
        date_format=date_format,
        as_of=as_of,
    )
    progress = ImportProgress("validating", stream.size)
    if report is not None:
        report(progress)
    for chunk in chunked(_counted(stream, progress, report, every), settings.chunk_size):
        each_chunk(chunk)
    stream.close()
    return stream, progress


def _spooled(spool: Path) -> Iterator:
    """The records :func:`import_spooled` kept, in file order, a chunk at a time."""
    with spool.open("rb") as handle:
        while True:
            try:
                chunk = pickle.load(handle)  # noqa: S301 (our own file, written just before)
            except EOFError:
                return
            yield from chunk


def import_spooled(
    engine: Engine,
    kind: str,
    path: Path,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    spool: Path,
    settings: ImportSettings | None = None,
    skip_invalid: bool = False,
    ignore_extra: bool = False,
    who: str = "web",
    date_format: str | None = None,
    as_of: date | None = None,
    encoding: str | None = None,
    report: Report | None = None,
    every: int = 1000,
) -> ImportOutcome:
    """Import a registry or own-layout context file as :func:`import_streamed` does — one
    transaction, nothing written when a row is bad unless ``skip_invalid`` — but in two
    passes, so that the database's write lock is never held while the file is read and
    checked (on SQLite there is one lock for the whole database, and logins need it too).

    First every row is read and checked outside any transaction and the good records are
    kept in ``spool`` (a scratch file, deleted at the end), a chunk at a time, so memory
    still follows the chunk. A bad row (without ``skip_invalid``) ends the import there:
    the rest is read to find every bad cell, and the lock is never taken. Then the kept
    records are written in one transaction. ``report`` is given the progress every
    ``every`` rows, and when the writing starts."""
    require_schema(engine)
    settings = settings or ImportSettings()
    rejects = path.with_name(path.name + ".rejects.csv") if skip_invalid else None
    with collector_paused(0), declared_encoding(encoding):  # see import_streamed
        stream, load = open_stream(
            kind,
            path,
            codebook,
            gazetteer,
            cap=settings.kept_messages,
            rejects=rejects,
            ignore_extra=ignore_extra,
            date_format=date_format,
            as_of=as_of,
        )
        if stream.errors:
            raise InputError(stream.errors)
        progress = ImportProgress("validating", stream.size)
        if report is not None:
            report(progress)
        try:
            with spool.open("wb") as handle:
                rows = _counted(stream, progress, report, every)
                for chunk in chunked(rows, settings.chunk_size):
                    if stream.rejected and not skip_invalid:
                        continue  # refused: read on only to find every bad cell
                    pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
            rejects_file = stream.close()
            if stream.rejected and not skip_invalid:
                raise _refusal(stream)
            progress.phase = "writing"
            if report is not None:
                report(progress)

            def tick() -> None:
                progress.written += 1
                if report is not None and progress.written % every == 0:
                    report(progress)

            origin = f"{who}:{path.name}"
            with session_scope(engine, write=True) as session:
                result = load(session, _spooled(spool), origin, settings, tick)
                session.add(import_entry(origin, kind, path, result, stream.rejected, 0, "own"))
        finally:
            stream.close()
            spool.unlink(missing_ok=True)
    refresh_after_import(engine, kind, written(result), settings.analyze_rows)
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
