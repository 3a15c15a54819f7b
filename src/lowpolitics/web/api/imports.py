"""/api/v1/imports — check or import a registry, context or actors file in one request.

With ``dry_run=true`` the answer is the preview the import page shows (valid rows, every bad
cell with its line, the warnings, and how many rows would be added, updated or left alone);
without it the file is imported in one transaction and the answer says what was written. A
file with bad rows is refused whole (422, every bad cell in ``error.fields`` with its line)
unless ``skip_invalid=true``. The upload is deleted when the request ends.

A file over the job threshold (``LOWPOLITICS_JOB_THRESHOLD_MB``, 1 MB unless set) is checked
or imported by a background job instead: the answer is ``202 Accepted`` at once, with the
job's address in ``Location`` (``/api/v1/jobs/{id}``). The job's ``result`` is then the dry
run's preview (``result.preview``) or what the import wrote (``result.outcome``); a file
refused for bad rows fails the job with its summary as ``error`` and the bad cells (file,
line, column, value, expected) in ``result.errors``. Nothing is written by a refused file.
"""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.tables import OFFERED_ENCODINGS
from lowpolitics.web.auth import EDITOR, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.errors import error_body
from lowpolitics.web.pages.importing import (
    DETECT,
    MAX_UPLOAD_BYTES,
    claim,
    discard,
    is_big,
    outcome_dict,
    preview,
    receive,
    run_import,
    start_check,
    start_import,
    sweep,
    upload_limit,
)

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


class CellErrorOut(BaseModel):
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str


class Counts(BaseModel):
    added: int
    updated: int
    unchanged: int


class ImportReport(BaseModel):
    """A dry run fills ``valid``, ``errors`` and ``would``; an import fills ``outcome``."""

    kind: str
    format: str
    file: str
    size: int
    dry_run: bool
    valid: int | None = None
    rejected: int
    skipped: int
    merged: int = 0  # rows of an event already kept (GDELT: the same article and day)
    # the encoding a text file was read in: the one asked for, else the one detected
    encoding: str | None = None
    errors: list[CellErrorOut] = []
    warnings: list[str]
    would: Counts | None = None
    outcome: Counts | None = None


class JobAccepted(BaseModel):
    """A big file's check or import, queued: its job and the page that follows it."""

    job: int
    url: str
    location: str


def _accepted(job_id: int) -> JSONResponse:
    location = f"/api/v1/jobs/{job_id}"
    return JSONResponse(
        {"job": job_id, "url": f"/jobs/{job_id}", "location": location},
        status_code=202,
        headers={"Location": location},
    )


def _refusal(exc: InputError) -> JSONResponse:
    """The one error shape, each field also naming its file and line."""
    fields = [
        {
            "field": e.column,
            "value": e.value,
            "expected": e.expected,
            "file": e.file,
            "line": e.line,
        }
        for e in exc.errors
    ]
    return JSONResponse(error_body(422, "input_error", exc.summary, fields), status_code=422)


# The file is read from the form inside the handler, after the size and role checks, so an
# oversized upload is refused from its declared length before any of it is stored; the body
# is therefore documented here rather than by a File() parameter.
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV, TSV, XLSX or JSON (GDELT: its tab-separated "
                            "export)",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=ImportReport,
    openapi_extra=UPLOAD_BODY,
    responses={
        201: {"description": "imported", "model": ImportReport},
        202: {
            "description": "a file over the job threshold: checked or imported by a "
            "background job; follow Location (/api/v1/jobs/{id}) until its state is done "
            "or failed",
            "model": JobAccepted,
        },
        413: {"description": f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB"},
        422: {"description": "bad rows or a bad file; nothing was written"},
    },
)
async def import_(
    request: Request,
    response: Response,
    _limit: None = Depends(upload_limit),
    kind: str = Query(..., description="registry, context or actors"),
    format: str = Query("own", description="context files: own, acled, ucdp or gdelt"),
    dry_run: bool = Query(True, description="check only; write nothing"),
    skip_invalid: bool = Query(False, description="import the valid rows, reject the others"),
    ignore_extra: bool = Query(False, description="allow columns the format does not know"),
    encoding: str = Query(
        DETECT,
        description="a text file's encoding: detect, or one of "
        + ", ".join(OFFERED_ENCODINGS)
        + " (or any other Python knows)",
    ),
    who: Principal = requires(EDITOR),
):
    ctx = web_context(request)
    form = await request.form()
    await run_in_threadpool(sweep, ctx)
    try:
        record = await receive(
            ctx,
            who,
            form.get("file"),
            kind=kind,
            fmt=format,
            ignore_extra=ignore_extra,
            encoding=encoding,
        )
    except InputError as exc:
        return _refusal(exc)
    if is_big(ctx, record):  # a background job checks or imports it, then drops the upload
        try:
            if dry_run:
                job_id = await run_in_threadpool(
                    start_check, ctx, record, who.name, discard_after=True
                )
            else:
                claim(ctx, record.token)
                job_id = await run_in_threadpool(
                    start_import,
                    ctx,
                    record,
                    who.name,
                    skip_invalid=skip_invalid,
                    discard_after=True,
                )
        except BaseException:
            discard(ctx, record.token)
            raise
        return _accepted(job_id)
    try:
        base = {
            "kind": record.kind,
            "format": record.fmt,
            "file": record.name,
            "size": record.size,
            "dry_run": dry_run,
            "encoding": record.encoding,
        }
        if dry_run:
            found = await run_in_threadpool(preview, ctx, record)
            return {
                **base,
                "valid": found["valid"],
                "rejected": found["rejected"],
                "skipped": found["skipped"],
                "merged": found["merged"],
                "errors": found["errors"],
                "warnings": found["warnings"],
                "would": found["would"],
                "encoding": record.encoding or found["encoding"],
            }
        try:
            outcome = await run_in_threadpool(
                run_import, ctx, record, who, skip_invalid=skip_invalid
            )
        except InputError as exc:
            return _refusal(exc)
        done = outcome_dict(outcome)
        response.status_code = 201
        return {
            **base,
            "rejected": done["rejected"],
            "skipped": done["skipped"],
            "merged": done["merged"],
            "warnings": done["warnings"],
            "outcome": {k: done[k] for k in ("added", "updated", "unchanged")},
        }
    finally:
        discard(ctx, record.token)
        shutil.rmtree(record.folder(ctx), ignore_errors=True)
