"""Document pages: the list (filters, full-text search with snippets), upload, one document,
its metadata form.

Uploads are saved under the app's work folder, one folder per upload with sanitised names,
then imported by ``store.documents.import_documents`` exactly as the CLI imports a folder:
one transaction per file, so a scanned PDF without text spoils nothing else, and every
failure is reported with its file.
"""

from __future__ import annotations

import csv
import re
import secrets
import unicodedata
from datetime import date
from functools import partial
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lowpolitics.framework.errors import ConfigError, InputError
from lowpolitics.ingest.documents import LANGUAGES as DOCUMENT_LANGUAGES
from lowpolitics.ingest.documents import SUPPORTED_SUFFIXES
from lowpolitics.ingest.tables import OFFERED_ENCODINGS
from lowpolitics.store.blind import memos_visible, visible_clause
from lowpolitics.store.corpus import get_document
from lowpolitics.store.corpus_edit import (
    DocumentFilter,
    check_document_fields,
    coding_counts,
    delete_document,
    facet_values,
    list_documents,
    update_document,
)
from lowpolitics.store.documents import import_documents
from lowpolitics.store.jobs import enqueue
from lowpolitics.store.memos_edit import (
    list_memos,
)
from lowpolitics.store.search import search
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import document_json
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors
from lowpolitics.web.job_worker import DOCUMENTS
from lowpolitics.web.pages.importing import DETECT, encoding_choice
from lowpolitics.web.pages.jobs import accepted
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 100
SEARCH_LIMIT = 100_000
META_FIELDS = ("title", "language", "published_on", "outlet", "country", "genre", "url")
UPLOAD_META = ("language", "published_on", "outlet", "country", "genre")


@router.get("/documents")
def document_list(
    request: Request,
    language: str = "",
    genre: str = "",
    country: str = "",
    outlet: str = "",
    coded: str = "",
    q: str = "",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    search_error = None
    with web_context(request).session() as session:
        hits = {}
        if q.strip():
            try:
                found = search(session, q, lang=language or None, limit=SEARCH_LIMIT)
            except ConfigError as exc:
                search_error, found = str(exc), []
            hits = {h.document_id: h for h in found}
        flag = {"yes": True, "no": False}.get(coded)
        ids = list(hits) if q.strip() else None
        visible = visible_clause(session, who.name, who.can(EDITOR))  # blind coding
        flt = DocumentFilter(language, genre, country, outlet, flag, ids)
        rows = list_documents(session, flt, visible)
        if ids is not None:
            rank = {doc_id: n for n, doc_id in enumerate(ids)}
            rows.sort(key=lambda d: rank[d.id])
        chunk = paginate(rows, page, per_page)
        counts = coding_counts(session, [d.id for d in chunk.items], visible)
        context = {
            "page": chunk,
            "documents": [document_json(d, counts[d.id]) for d in chunk.items],
            "hits": hits,
            "search_error": search_error,
            "facets": facet_values(session),
            "filters": {
                "language": language,
                "genre": genre,
                "country": country,
                "outlet": outlet,
                "coded": coded,
                "q": q,
            },
        }
    template = crud.list_template(request, "documents/list.html.j2", "documents/_table.html.j2")
    return render(request, template, context)


# --- upload -----------------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder or surprise a shell: the last path part,
    letters (any script), digits and ``._-`` only, no leading dot, at most ~120 characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = re.sub(r"\s+", "_", base.strip())
    base = re.sub(r"[^\w.\-]", "_", base).lstrip("._-~$")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = re.sub(r"[^\w]", "", suffix)[:10]
    stem = stem[:110] or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def _upload_form(request: Request, values: dict, errors: dict, report=None, status: int = 200):
    return render(
        request,
        "documents/upload.html.j2",
        {
            "values": values,
            "errors": errors,
            "report": report,
            "doc_languages": DOCUMENT_LANGUAGES,
            "suffixes": SUPPORTED_SUFFIXES,
            "encodings": OFFERED_ENCODINGS,
            "detect": DETECT,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        },
        status_code=status,
    )


@router.get("/documents/upload")
def upload_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _upload_form(request, {}, {})


async def _save(upload: UploadFile, target: Path) -> str | None:
    """Write the upload to ``target``; the reason when it cannot be kept."""
    size = 0
    with target.open("wb") as handle:
        while chunk := await upload.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                break
            handle.write(chunk)
    if size > MAX_FILE_BYTES:
        target.unlink(missing_ok=True)
        return f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"
    if size == 0:
        target.unlink(missing_ok=True)
        return "empty file"
    return None


@router.post("/documents/upload")
async def upload(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in UPLOAD_META}
    values["encoding"] = str(form.get("encoding") or DETECT).strip()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    errors: dict[str, list[str]] = {}
    try:
        check_document_fields({k: values[k] for k in UPLOAD_META}, "form")
    except InputError as exc:
        errors = field_errors(exc, request)
    try:  # the text files' encoding, when the user knows it better than detection
        encoding = encoding_choice(values["encoding"])
    except InputError as exc:
        errors.update(field_errors(exc, request))
    if not files:
        errors.setdefault("files", []).append("choose one or more files")
    elif len(files) > MAX_FILES:
        errors.setdefault("files", []).append(f"at most {MAX_FILES} files at a time")
    if errors:
        return _upload_form(request, values, errors, status=422)

    batch = f"{date.today().isoformat()}-{secrets.token_hex(4)}"
    folder = ctx.work_dir / "uploads" / batch
    folder.mkdir(parents=True)
    saved: list[Path] = []
    refused: list[tuple[str, str]] = []
    for upload_file in files:
        name = safe_name(upload_file.filename or "")
        target, n = folder / name, 1
        while target.exists():
            n += 1
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        problem = await _save(upload_file, target)
        if problem:
            refused.append((upload_file.filename or name, problem))
        else:
            saved.append(target)
    meta_csv = None
    if saved and any(values[k] for k in UPLOAD_META):
        meta_csv = folder.parent / f"{batch}.meta.csv"
        with meta_csv.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "language", "date", "outlet", "country", "genre"])
            for path in saved:
                writer.writerow(
                    [path.name, values["language"], values["published_on"], values["outlet"]]
                    + [values["country"], values["genre"]]
                )
    if saved and sum(p.stat().st_size for p in saved) > ctx.jobs.background_bytes:
        # big: the worker imports it (web.job_worker); the page follows the job
        params = {
            "files": [p.name for p in saved],
            "meta_csv": meta_csv.relative_to(ctx.work_dir).as_posix() if meta_csv else None,
            "refused": refused,
            "encoding": encoding,
        }
        folder_ref = folder.relative_to(ctx.work_dir).as_posix()
        job_id = await run_in_threadpool(
            enqueue, ctx.engine, DOCUMENTS, who.name, folder_ref, params
        )
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(
                {"job": job_id, "url": f"/jobs/{job_id}"},
                status_code=202,
                headers={"Location": f"/api/v1/jobs/{job_id}"},
            )
        return accepted(job_id)
    result = await run_in_threadpool(
        partial(
            import_documents,
            ctx.engine,
            saved,
            meta_csv=meta_csv,
            who=who.name,
            text_encoding=encoding,
        )
    )
    prefix = str(folder) + "/"
    report = {
        "imported": [(i.path.name, i.document_id, i.title) for i in result.imported],
        "duplicates": [(d.path.name, d.duplicate_of, d.key) for d in result.duplicates],
        "failed": refused + [(f.path.name, f.message.replace(prefix, "")) for f in result.failed],
        "warnings": [w.replace(prefix, "") for w in result.warnings],
    }
    return _upload_form(request, values, {}, report)


# --- one document -----------------------------------------------------------------------------


@router.get("/documents/{ref}")
def detail(request: Request, ref: str, who: Principal = requires(VIEWER)) -> Response:
    with web_context(request).session() as session:
        document = get_document(session, ref)
        visible = visible_clause(session, who.name, who.can(EDITOR))  # blind coding
        counts = coding_counts(session, [document.id], visible)[document.id]
        data = document_json(document, counts, with_text=True)
        memos = list_memos(session, document_id=document.id)
        memos = memos_visible(session, memos, who.name, who.can(EDITOR))  # blind coding
    return render(
        request,
        "documents/detail.html.j2",
        {"d": data, "memos": memos, "saved": request.query_params.get("saved")},
    )


def _form(request: Request, values: dict, errors: dict, *, ref: str, **shown) -> Response:
    context = {"ref": ref, "doc_languages": DOCUMENT_LANGUAGES}
    return crud.form_page(request, "documents/form.html.j2", values, errors, context, **shown)


@router.get("/documents/{ref}/edit")
def edit_form(request: Request, ref: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        document = get_document(session, ref)
        data = document_json(document)
    values = {k: data[k] or "" for k in META_FIELDS}
    return _form(request, values, {}, ref=data["id"], version=data["version"])


@router.post("/documents/{ref}/edit")
async def update(request: Request, ref: str, who: Principal = requires(EDITOR)) -> Response:
    return await crud.update_from_form(
        request,
        META_FIELDS,
        save=lambda s, values, version: update_document(s, ref, values, who.name, version).id,
        show_form=partial(_form, request, ref=ref),
        detail_url=lambda doc_id: f"/documents/{doc_id}?saved=1",
        current_version=lambda s: get_document(s, ref).version,
    )


@router.post("/documents/{ref}/delete")
async def delete(request: Request, ref: str, who: Principal = requires(EDITOR)) -> Response:
    def remove(session, version):
        document = get_document(session, ref)
        key = document.key
        delete_document(session, document.id, who.name, version)
        return key

    return await crud.delete_from_form(
        request, delete=remove, list_url=lambda key: "/documents?deleted=" + key
    )
