"""The import page: upload a file, see what it would do, then import exactly that file.

An upload is kept under the app's work folder as ``uploads/<token>/<clean name>`` with a
``uploads/<token>.json`` note of who uploaded it, what kind of file it is and its SHA-256.
The token is random and bound to the user: another user's token is refused, and the commit
checks that the file is still the one that was previewed. The user's file name is only ever
shown and used as the last part of a path inside the token's own folder, after cleaning, so
it can never point anywhere else. The upload is deleted once imported (or discarded), and
uploads left behind are swept after a day.

A file over the job threshold (``LOWPOLITICS_JOB_THRESHOLD_MB``, the document upload's) is
checked and imported by background jobs (``web.import_jobs``): the upload and the commit
answer at once with the job's page, which shows the rows read, checked and written; the
preview then shows what the job found, and the import reads and checks the whole file
before it takes the database's write lock.

The preview is the importer's own validation (``store.importing.parse_file``): every bad cell
with its line, column, value and what was expected, the warnings, and how many rows would be
added, updated or left unchanged. The commit runs ``store.importing.import_file``: one
transaction, and nothing written when a row is bad unless the user chose to skip bad rows.

A text file's encoding is detected unless the user chose one on the upload form; the preview
says which was used and reads the same upload again in another (``?encoding=``), and the
commit reads the file in the encoding its preview showed.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lowpolitics.framework.errors import (
    CellError,
    ConfigError,
    ForbiddenError,
    InputError,
    LowpoliticsError,
    NotFoundError,
)
from lowpolitics.ingest.results import Parsed
from lowpolitics.ingest.tables import (
    OFFERED_ENCODINGS,
    SUPPORTED,
    check_encoding,
    declared_encoding,
    encodings_read,
)
from lowpolitics.store import jobs
from lowpolitics.store.bulk import ImportSettings
from lowpolitics.store.import_stream import Report, check_streamed
from lowpolitics.store.importing import CONTEXT_FORMATS, ImportOutcome, import_file, parse_file
from lowpolitics.store.models import Activity, Actor, ContextEvent
from lowpolitics.web.auth import EDITOR, Principal, requires
from lowpolitics.web.context import WebContext, web_context
from lowpolitics.web.forms import field_errors
from lowpolitics.web.job_worker import IMPORT, IMPORT_CHECK
from lowpolitics.web.pages.jobs import accepted
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields of the form
UPLOAD_KINDS = ("registry", "context", "actors")
UPLOAD_TTL_SECONDS = 24 * 3600
CHUNK = 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_UNSAFE = re.compile(r"[^\w.\-]+")
_TRUE = {"1", "on", "yes", "true"}
DETECT = "detect"  # the encoding choice that leaves it to detection


class UploadTooLargeError(LowpoliticsError):
    """An upload over the size limit."""

    http_status = 413


def too_large() -> UploadTooLargeError:
    megabytes = MAX_UPLOAD_BYTES // (1024 * 1024)
    return UploadTooLargeError(
        f"the file is larger than {megabytes} MB, the most the web import takes; split it "
        "into smaller files, or import it with the command line (lowpolitics import)"
    )


async def upload_limit(request: Request) -> None:
    """Refuse an oversized upload from its declared length, before the body is read."""
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
        raise too_large()


def safe_name(raw: str | None) -> str:
    """The user's file name reduced to a harmless last path part with a known extension."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name).lstrip("._-")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if "." + extension.lower() not in SUPPORTED:
        raise InputError(
            [
                CellError(
                    raw or "upload",
                    None,
                    "file",
                    raw,
                    f"a file ending in {', '.join(SUPPORTED)}",
                )
            ],
            "this kind of file cannot be imported",
        )
    stem = stem[:80].rstrip("._-") or "upload"
    return f"{stem}.{extension}"


@dataclass
class Upload:
    token: str
    owner: str
    kind: str
    fmt: str
    ignore_extra: bool
    name: str
    size: int
    sha256: str
    created: float
    encoding: str | None = None  # chosen by the user; None: detected when the file is read
    # a big file's checks, run as jobs: the job's id by the encoding it read the file in
    checks: dict[str, int] = field(default_factory=dict)

    def folder(self, ctx: WebContext) -> Path:
        return uploads_dir(ctx) / self.token

    def path(self, ctx: WebContext) -> Path:
        return self.folder(ctx) / self.name


def uploads_dir(ctx: WebContext) -> Path:
    folder = ctx.work_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _note(ctx: WebContext, token: str) -> Path:
    return uploads_dir(ctx) / f"{token}.json"


def claimed_note(ctx: WebContext, token: str) -> Path:
    """Where the note is while its upload is being imported (a second commit finds none)."""
    return uploads_dir(ctx) / f"{token}.committing"


def claim(ctx: WebContext, token: str) -> Path:
    """Claim the upload so that a second click cannot import it twice."""
    note, claimed = _note(ctx, token), claimed_note(ctx, token)
    try:
        note.rename(claimed)
    except OSError:
        raise NotFoundError("this upload is being imported or was imported already") from None
    return claimed


def release(ctx: WebContext, token: str) -> None:
    """Give a claimed upload back (the import failed): it can be previewed and tried again."""
    claimed = claimed_note(ctx, token)
    if claimed.exists():
        claimed.rename(_note(ctx, token))


def is_big(ctx: WebContext, record: Upload) -> bool:
    """Whether checking and importing ``record`` is work for a background job: the same
    threshold as the document upload's (``LOWPOLITICS_JOB_THRESHOLD_MB``)."""
    return record.size > ctx.jobs.background_bytes


def streamed(record: Upload) -> bool:
    """Whether the file is read a chunk at a time (registry and own-layout context files)."""
    return record.kind == "registry" or (record.kind == "context" and record.fmt == "own")


def _check_key(record: Upload) -> str:
    return record.encoding or DETECT


def start_check(ctx: WebContext, record: Upload, who: str, *, discard_after: bool = False) -> int:
    """Queue the check (the preview's validation) of a big upload; the job's id. The upload's
    options, the encoding among them, travel with the job."""
    job_id = jobs.enqueue(
        ctx.engine,
        IMPORT_CHECK,
        who,
        f"uploads/{record.token}",
        {"upload": asdict(record), "discard": discard_after},
    )
    if not discard_after:  # the preview page finds the check again by its encoding
        note = _note(ctx, record.token)
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return job_id
        data.setdefault("checks", {})[_check_key(record)] = job_id
        note.write_text(json.dumps(data), encoding="utf-8")
    return job_id


def start_import(
    ctx: WebContext, record: Upload, who: str, *, skip_invalid: bool, discard_after: bool = False
) -> int:
    """Queue the import of a big upload, already claimed; the job's id."""
    params = {"upload": asdict(record), "skip_invalid": skip_invalid, "discard": discard_after}
    return jobs.enqueue(ctx.engine, IMPORT, who, f"uploads/{record.token}", params)


def sweep(ctx: WebContext, now: float | None = None) -> None:
    """Delete uploads nobody imported or discarded within a day (and any folder whose note
    was never written)."""
    now = now or time.time()
    folder = uploads_dir(ctx)
    for entry in folder.iterdir():
        try:
            if now - entry.stat().st_mtime <= UPLOAD_TTL_SECONDS:
                continue
            if entry.suffix == ".json":
                shutil.rmtree(entry.with_suffix(""), ignore_errors=True)
                entry.unlink(missing_ok=True)
            elif entry.is_dir() and not _note(ctx, entry.name).exists():
                if claimed_note(ctx, entry.name).exists():
                    continue  # being imported by a job that may still wait in the queue
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def encoding_choice(value: str | None) -> str | None:
    """The encoding a form or query chose, as Python names it; ``None`` to detect it. An
    encoding Python does not know is an InputError on the field ``encoding``."""
    value = (value or "").strip()
    if not value or value.lower() == DETECT:
        return None
    try:
        return check_encoding(value)
    except ConfigError:
        raise InputError(
            [
                CellError(
                    "form",
                    None,
                    "encoding",
                    value,
                    "an encoding Python knows, such as " + ", ".join(OFFERED_ENCODINGS),
                )
            ],
            f"encoding '{value}': not an encoding Python knows",
        ) from None


def check_choice(kind: str, fmt: str) -> tuple[str, str]:
    errors = []
    if kind not in UPLOAD_KINDS:
        errors.append(CellError("form", None, "kind", kind, f"one of {', '.join(UPLOAD_KINDS)}"))
    if kind != "context":
        fmt = "own"
    elif fmt not in CONTEXT_FORMATS:
        errors.append(
            CellError("form", None, "format", fmt, f"one of {', '.join(CONTEXT_FORMATS)}")
        )
    if errors:
        raise InputError(errors, "choose what kind of file this is")
    return kind, fmt


async def receive(
    ctx: WebContext,
    who: Principal,
    upload: Any,
    *,
    kind: str,
    fmt: str,
    ignore_extra: bool,
    encoding: str | None = None,
) -> Upload:
    """Keep an uploaded file under a fresh token; refuse it whole when it is too big.
    ``encoding`` is the form's choice (empty or ``detect``: detect it when reading)."""
    kind, fmt = check_choice(kind, fmt)
    chosen = encoding_choice(encoding)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError(
            [CellError("form", None, "file", None, "a file to import")], "choose a file"
        )
    name = safe_name(upload.filename)
    token = secrets.token_urlsafe(24)
    folder = uploads_dir(ctx) / token
    folder.mkdir()
    target = folder / name
    digest = hashlib.sha256()
    size = 0
    try:
        with target.open("wb") as handle:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise too_large()
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError(
            [CellError(name, None, "file", None, "a file with a header and rows")],
            "the file is empty",
        )
    record = Upload(
        token,
        who.name,
        kind,
        fmt,
        ignore_extra,
        name,
        size,
        digest.hexdigest(),
        time.time(),
        chosen,
    )
    _note(ctx, token).write_text(json.dumps(asdict(record)), encoding="utf-8")
    return record


def load_upload(ctx: WebContext, token: str, who: Principal) -> Upload:
    """The upload behind ``token``, if it is this user's and still the file they checked."""
    gone = NotFoundError("no such upload: it was imported, discarded or has expired")
    if not _TOKEN.match(token):
        raise gone
    note = _note(ctx, token)
    try:
        record = Upload(**json.loads(note.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        raise gone from None
    if record.token != token:
        raise gone
    if record.owner != who.name:
        raise ForbiddenError("this upload belongs to another user; upload the file yourself")
    path = record.path(ctx)
    if path.parent != record.folder(ctx) or not path.is_file():
        raise gone
    if hashlib.sha256(path.read_bytes()).hexdigest() != record.sha256:
        discard(ctx, token)
        raise gone
    return record


def discard(ctx: WebContext, token: str) -> None:
    if _TOKEN.match(token):
        shutil.rmtree(uploads_dir(ctx) / token, ignore_errors=True)
        _note(ctx, token).unlink(missing_ok=True)
        claimed_note(ctx, token).unlink(missing_ok=True)


def would_change(session: Session, kind: str, records: list) -> dict[str, int]:
    """How many parsed records an import would add, update or leave as they are."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    if kind in ("registry", "context"):
        model = Activity if kind == "registry" else ContextEvent
        keys = [r.key for r in records]
        stored: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            query = select(model.key, model.content_hash).where(model.key.in_(chunk))
            stored.update(dict(session.execute(query).all()))
        for record in records:
            if record.key not in stored:
                counts["added"] += 1
            elif stored[record.key] == record.content_hash:
                counts["unchanged"] += 1
            else:
                counts["updated"] += 1
        return counts
    actors = {(a.name, a.country_code): (a.type, a.notes) for a in session.scalars(select(Actor))}
    for record in records:
        before = actors.get((record.name, record.country), (None, None))
        if before == (record.type, record.notes):
            counts["unchanged"] += 1
        elif before == (None, None):
            counts["added"] += 1
        else:
            counts["updated"] += 1
    return counts


def _error_dict(error: CellError) -> dict[str, Any]:
    return {
        "file": error.file,
        "line": error.line,
        "column": error.column,
        "value": error.value,
        "expected": error.expected,
    }


def _unreadable(exc: InputError) -> dict[str, Any]:
    """The preview of a file that cannot be read at all."""
    return {
        "encoding": None,
        "valid": 0,
        "rejected": 0,
        "skipped": 0,
        "merged": 0,
        "file_errors": [_error_dict(e) for e in exc.errors],
        "errors": [_error_dict(e) for e in exc.errors],
        "warnings": [],
        "would": None,
        "can_commit": False,
    }


def preview(ctx: WebContext, record: Upload) -> dict[str, Any]:
    """What importing the upload would do, without writing anything; ``encoding`` is the
    encoding the file was read in (``None`` for a workbook, or a text it could not read)."""
    try:
        with declared_encoding(record.encoding), encodings_read() as seen:
            parsed: Parsed = parse_file(
                record.kind,
                record.path(ctx),
                ctx.codebook,
                ctx.gazetteer,
                fmt=record.fmt,
                ignore_extra=record.ignore_extra,
                as_of=ctx.as_of,
            )
    except InputError as exc:  # the file cannot be read at all
        return _unreadable(exc)
    with ctx.session() as session:
        would = would_change(session, record.kind, parsed.records)
    return {
        "encoding": seen[0] if seen else None,
        "valid": len(parsed.records),
        "rejected": len(parsed.rejected),
        "skipped": parsed.skipped,
        "merged": parsed.merged,
        "file_errors": [_error_dict(e) for e in parsed.errors],
        "errors": [_error_dict(e) for e in parsed.all_errors],
        "warnings": list(parsed.warnings),
        "would": would,
        # a bad header stops the whole file; bad rows can be skipped on request
        "can_commit": not parsed.errors and bool(parsed.records),
    }


def preview_streamed(
    ctx: WebContext, record: Upload, report: Report | None = None
) -> dict[str, Any]:
    """:func:`preview` for a big registry or own-layout context file, read and checked a
    chunk at a time (in a background job, which ``report`` tells how far it has come): the
    same answer, but only the first ``ImportSettings.kept_messages`` errors and warnings
    are kept (``more_errors`` counts the others), so memory follows the chunk."""
    would = {"added": 0, "updated": 0, "unchanged": 0}

    def count(chunk: list) -> None:
        with ctx.session() as session:  # a short read, not one held for the whole file
            for name, n in would_change(session, record.kind, chunk).items():
                would[name] += n

    try:
        with declared_encoding(record.encoding), encodings_read() as seen:
            stream, progress = check_streamed(
                record.kind,
                record.path(ctx),
                ctx.codebook,
                ctx.gazetteer,
                settings=ImportSettings(),
                each_chunk=count,
                ignore_extra=record.ignore_extra,
                as_of=ctx.as_of,
                report=report,
            )
    except InputError as exc:  # the file cannot be read at all
        return _unreadable(exc)
    return {
        "encoding": seen[0] if seen else None,
        "valid": progress.valid,
        "rejected": stream.rejected,
        "skipped": stream.skipped,
        "merged": stream.merged,
        "file_errors": [_error_dict(e) for e in stream.errors],
        "errors": [_error_dict(e) for e in stream.error_list()],
        "more_errors": stream.cell_errors.dropped,
        "warnings": stream.warning_list(),
        "would": would,
        "can_commit": not stream.errors and progress.valid > 0,
    }


def outcome_dict(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "added": outcome.result.added,
        "updated": outcome.result.updated,
        "unchanged": outcome.result.unchanged,
        "rejected": outcome.rejected,
        "skipped": outcome.skipped,
        "merged": outcome.merged,
        "warnings": list(outcome.warnings),
    }


def run_import(
    ctx: WebContext, record: Upload, who: Principal, *, skip_invalid: bool
) -> ImportOutcome:
    return import_file(
        ctx.engine,
        record.kind,
        record.path(ctx),
        ctx.codebook,
        ctx.gazetteer,
        fmt=record.fmt,
        skip_invalid=skip_invalid,
        ignore_extra=record.ignore_extra,
        who=who.name,
        as_of=ctx.as_of,
        encoding=record.encoding,
    )


# --- pages ---------------------------------------------------------------------------------


def _upload_form(
    request: Request, values: dict, errors: dict, *, status_code: int = 200
) -> Response:
    return render(
        request,
        "importing/upload.html.j2",
        {
            "values": values,
            "errors": errors,
            "kinds": UPLOAD_KINDS,
            "formats": CONTEXT_FORMATS,
            "encodings": OFFERED_ENCODINGS,
            "detect": DETECT,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/import")
def upload_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _upload_form(request, {"kind": "registry", "format": "own", "encoding": DETECT}, {})


@router.post("/import")
async def upload(
    request: Request,
    _limit: None = Depends(upload_limit),
    who: Principal = requires(EDITOR),
) -> Response:
    ctx = web_context(request)
    form = await request.form()
    values = {
        "kind": str(form.get("kind") or ""),
        "format": str(form.get("format") or "own"),
        "ignore_extra": str(form.get("ignore_extra") or "").lower() in _TRUE,
        "encoding": str(form.get("encoding") or DETECT),
    }
    await run_in_threadpool(sweep, ctx)
    try:
        record = await receive(
            ctx,
            who,
            form.get("file"),
            kind=values["kind"],
            fmt=values["format"],
            ignore_extra=values["ignore_extra"],
            encoding=values["encoding"],
        )
    except InputError as exc:
        return _upload_form(request, values, field_errors(exc, request), status_code=422)
    except UploadTooLargeError as exc:
        return _upload_form(request, values, {"file": [str(exc)]}, status_code=413)
    if is_big(ctx, record):  # a job checks it; the page follows the job, then the preview
        return accepted(await run_in_threadpool(start_check, ctx, record, who.name))
    return RedirectResponse(f"/import/{record.token}", status_code=303)


def checked(ctx: WebContext, record: Upload) -> dict[str, Any] | int:
    """A big upload's preview from the job that checked it in ``record.encoding``; while
    there is none yet, the id of the job to follow (one is queued when none is under way)."""
    job_id = record.checks.get(_check_key(record))
    if job_id is not None:
        try:
            job = jobs.get_job(ctx.engine, job_id)
        except NotFoundError:
            job = None
        if job is not None and job.state == "done" and "preview" in (job.result or {}):
            return job.result["preview"]  # type: ignore[index]
        if job is not None and not job.finished:
            return job_id
    return start_check(ctx, record, record.owner)


def _preview_page(
    request: Request,
    record: Upload,
    *,
    status_code: int = 200,
    failed: str | None = None,
    skip_invalid: bool = False,
    errors: dict[str, list[str]] | None = None,
) -> Response:
    ctx = web_context(request)
    if is_big(ctx, record):
        found = checked(ctx, record)
        if isinstance(found, int):  # not checked yet: follow the job that checks it
            return accepted(found)
    else:
        found = preview(ctx, record)
    return render(
        request,
        "importing/preview.html.j2",
        {
            "upload": record,
            "preview": found,
            "failed": failed,
            "skip_invalid": skip_invalid,
            "errors": errors or {},
            "encodings": OFFERED_ENCODINGS,
            "detect": DETECT,
            # a workbook carries its own encoding: nothing to choose
            "text_file": not record.name.lower().endswith(".xlsx"),
        },
        status_code=status_code,
    )


def _with_encoding(record: Upload, value: str | None) -> Upload:
    """``record`` to be read in the encoding ``value`` names (``None``: as uploaded)."""
    if value is None:
        return record
    return replace(record, encoding=encoding_choice(value))


@router.get("/import/{token}")
def preview_page(
    request: Request,
    token: str,
    encoding: str | None = None,
    who: Principal = requires(EDITOR),
) -> Response:
    """The preview; ``?encoding=cp1251`` (or ``detect``) reads the same upload again in
    another encoding, without uploading it again."""
    record = load_upload(web_context(request), token, who)
    try:
        record = _with_encoding(record, encoding)
    except InputError as exc:
        return _preview_page(request, record, status_code=422, errors=field_errors(exc, request))
    return _preview_page(request, record)


@router.post("/import/{token}/commit")
async def commit(request: Request, token: str, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    form = await request.form()
    skip_invalid = str(form.get("skip_invalid") or "").lower() in _TRUE
    record = await run_in_threadpool(load_upload, ctx, token, who)
    chosen = form.get("encoding")  # the encoding the preview read the file in
    try:
        record = _with_encoding(record, None if chosen is None else str(chosen))
    except InputError as exc:
        return _preview_page(request, record, status_code=422, errors=field_errors(exc, request))
    claimed = claim(ctx, token)
    if is_big(ctx, record):  # imported by a job, read and checked before it takes the lock
        try:
            job_id = await run_in_threadpool(
                start_import, ctx, record, who.name, skip_invalid=skip_invalid
            )
        except BaseException:
            release(ctx, token)
            raise
        return accepted(job_id)
    try:
        outcome = await run_in_threadpool(run_import, ctx, record, who, skip_invalid=skip_invalid)
    except InputError as exc:
        release(ctx, token)
        return _preview_page(
            request, record, status_code=422, failed=exc.summary, skip_invalid=skip_invalid
        )
    except BaseException:
        release(ctx, token)
        raise
    shutil.rmtree(record.folder(ctx), ignore_errors=True)
    claimed.unlink(missing_ok=True)
    return render(
        request,
        "importing/done.html.j2",
        {"upload": record, "outcome": outcome_dict(outcome), "skip_invalid": skip_invalid},
    )


@router.post("/import/{token}/discard")
async def discard_upload(
    request: Request, token: str, who: Principal = requires(EDITOR)
) -> Response:
    ctx = web_context(request)
    record = await run_in_threadpool(load_upload, ctx, token, who)
    discard(ctx, record.token)
    return RedirectResponse("/import?discarded=1", status_code=303)
