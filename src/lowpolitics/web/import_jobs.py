"""The web import of a big registry, context or actors file, as two background jobs.

``import-check`` reads and checks the upload as the preview does and keeps the preview as
its result; ``import`` writes it in one transaction (all or nothing, as in the request). The
upload's options (kind, format, extra columns, the encoding) travel in the job's params.

Neither holds the database's write lock while the file is read: the check writes nothing,
and the import reads and checks every row before its transaction begins
(:func:`lowpolitics.store.import_stream.import_spooled`), so on SQLite logins and edits go
on while a 100,000-row file is checked. Progress (rows read, valid, rejected, written) is
written to the job's row at most once a second, each time in a short transaction of its
own; on SQLite not while the import's transaction holds the only write lock (the page then
says the rows are being written).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import InputError, LowpoliticsError, NotFoundError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store import jobs
from lowpolitics.store.import_stream import ImportOutcome, ImportProgress, import_spooled
from lowpolitics.store.importing import import_file
from lowpolitics.web.context import WebContext
from lowpolitics.web.pages.importing import (
    Upload,
    _error_dict,
    claimed_note,
    discard,
    outcome_dict,
    preview,
    preview_streamed,
    release,
    streamed,
)

log = logging.getLogger("lowpolitics.jobs")

KEPT_ERRORS = 1000  # a refused import's errors kept in the job's result (all are counted)


class ImportRefusedError(LowpoliticsError):
    """The file has bad rows and nothing was written; ``job_result`` lists them."""

    def __init__(self, exc: InputError, token: str | None):
        super().__init__(exc.summary)
        self.job_result = {
            "errors": [_error_dict(e) for e in exc.errors[:KEPT_ERRORS]],
            "error_count": len(exc.errors),
            "token": token,  # the preview to go back to; None when it was discarded
        }


class Reporter:
    """Writes an import's progress to its job at most once a second (and whenever the phase
    changes), each time in a short transaction of its own."""

    def __init__(self, engine: Engine, job_id: int, *, writes: bool, seconds: float = 1.0):
        self.engine, self.job_id, self.writes, self.seconds = engine, job_id, writes, seconds
        self.phase: str | None = None
        self.last = 0.0
        # SQLite has one write lock for the whole database: while the import's transaction
        # holds it, another transaction could only wait for it
        self.sqlite = engine.dialect.name == "sqlite"

    def fraction(self, p: ImportProgress) -> float:
        read = p.read / max(p.total, 1)
        if not self.writes:
            return read
        if p.phase == "writing":
            return 0.6 + 0.4 * p.written / max(p.valid, 1)
        return 0.6 * read

    def __call__(self, p: ImportProgress) -> None:
        now = time.monotonic()
        if p.phase == self.phase and now - self.last < self.seconds:
            return
        if self.sqlite and p.phase == "writing" and p.written:
            return
        self.phase, self.last = p.phase, now
        message = f"{p.phase}: {p.read:,} of about {p.total:,} rows read, {p.rejected:,} bad"
        if p.phase == "writing":
            message = f"writing {p.valid:,} rows"
            if not self.sqlite:
                message = f"writing: {p.written:,} of {p.valid:,} rows"
        try:
            jobs.report_progress(self.engine, self.job_id, self.fraction(p), message, p.as_dict())
        except OperationalError as exc:  # a busy database: the next report will do
            log.warning("job %s: progress not recorded: %s", self.job_id, exc)


def _context(engine, codebook, gazetteer, work_dir, as_of) -> WebContext:
    return WebContext(engine, codebook, gazetteer, work_dir, as_of=as_of)


def _upload(ctx: WebContext, job: jobs.JobView, note: Path) -> Upload:
    """The job's upload, if it is still there and still the file that was uploaded."""
    record = Upload(**job.params["upload"])
    gone = NotFoundError("the upload is gone: it was imported, discarded or has expired")
    path = record.path(ctx)
    if not note.exists() or path.parent != record.folder(ctx) or not path.is_file():
        raise gone
    if hashlib.sha256(path.read_bytes()).hexdigest() != record.sha256:
        raise gone
    return record


def _header(record: Upload) -> dict[str, Any]:
    return {
        "token": record.token,
        "kind": record.kind,
        "format": record.fmt,
        "file": record.name,
        "size": record.size,
        "encoding": record.encoding,
    }


def check_job(
    engine: Engine,
    codebook: Codebook,
    gazetteer: Gazetteer,
    work_dir: Path,
    job: jobs.JobView,
    as_of: date | None = None,
) -> dict:
    """An ``import-check`` job: the preview of the upload, as the preview page shows it."""
    ctx = _context(engine, codebook, gazetteer, work_dir, as_of)
    token = job.params["upload"]["token"]
    record = _upload(ctx, job, ctx.work_dir / "uploads" / f"{token}.json")
    try:
        if streamed(record):
            found = preview_streamed(ctx, record, Reporter(engine, job.id, writes=False))
        else:  # actors and feeds: read whole, as the preview reads them
            jobs.report_progress(engine, job.id, 0.1, "validating")
            found = preview(ctx, record)
    finally:
        if job.params.get("discard"):  # the API's dry run keeps nothing
            discard(ctx, token)
    return {**_header(record), "preview": found}


def import_job(
    engine: Engine,
    codebook: Codebook,
    gazetteer: Gazetteer,
    work_dir: Path,
    job: jobs.JobView,
    as_of: date | None = None,
) -> dict:
    """An ``import`` job: the claimed upload written in one transaction, or nothing."""
    ctx = _context(engine, codebook, gazetteer, work_dir, as_of)
    token = job.params["upload"]["token"]
    drop = bool(job.params.get("discard"))
    skip_invalid = bool(job.params.get("skip_invalid"))
    record = _upload(ctx, job, claimed_note(ctx, token))
    spool = work_dir / "jobs" / str(job.id) / "records.pickle"
    try:
        if streamed(record):
            spool.parent.mkdir(parents=True, exist_ok=True)
            outcome: ImportOutcome = import_spooled(
                engine,
                record.kind,
                record.path(ctx),
                codebook,
                gazetteer,
                spool=spool,
                skip_invalid=skip_invalid,
                ignore_extra=record.ignore_extra,
                who=job.created_by,
                as_of=as_of,
                encoding=record.encoding,
                report=Reporter(engine, job.id, writes=True),
            )
        else:  # actors and feeds: read whole, then written; the lock is taken after reading
            jobs.report_progress(engine, job.id, 0.1, "validating")
            outcome = import_file(
                engine,
                record.kind,
                record.path(ctx),
                codebook,
                gazetteer,
                fmt=record.fmt,
                skip_invalid=skip_invalid,
                ignore_extra=record.ignore_extra,
                who=job.created_by,
                as_of=as_of,
                encoding=record.encoding,
            )
    except InputError as exc:
        if drop:
            discard(ctx, token)
        else:
            release(ctx, token)  # the preview can be seen again, bad rows skipped on purpose
        raise ImportRefusedError(exc, None if drop else token) from None
    except BaseException:
        if drop:
            discard(ctx, token)
        else:
            release(ctx, token)
        raise
    finally:
        shutil.rmtree(spool.parent, ignore_errors=True)
    discard(ctx, token)  # imported: the upload is no longer needed
    done = outcome_dict(outcome)
    return {
        **_header(record),
        "token": None,
        "skip_invalid": skip_invalid,
        **{k: done[k] for k in ("rejected", "skipped", "merged", "warnings")},
        "outcome": {k: done[k] for k in ("added", "updated", "unchanged")},
    }
