"""The policy brief for download: ``/brief`` to choose the language, ``/brief/brief.pdf`` and
``/brief/brief.html`` for the files, built by ``report.build.brief_from_store`` once per
database state and language (``web.analysis_cache.brief``)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from lowpolitics.report.brief import LANGUAGES as BRIEF_LANGUAGES
from lowpolitics.store.jobs import enqueue
from lowpolitics.web import analysis_cache as cache
from lowpolitics.web.activity_views import contact_codes
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import LANGUAGE_NAMES, request_language
from lowpolitics.web.job_worker import BRIEF
from lowpolitics.web.pages.jobs import accepted
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

LANG = Query(None, description="en, ru, ky or tg; the reader's language when it is one of them")
CONTACT = Query(
    None,
    description="count only cooperative rows with these contact codes (codebook contacts), "
    "repeated or comma-separated, as `lowpolitics brief --contact`; none: every cooperative row",
)


def _contacts(request: Request, contact: list[str] | None) -> tuple[str, ...] | None:
    """Codebook contact codes, checked (an unknown code is the user's error, named)."""
    codes = contact_codes(contact, web_context(request).codebook.contact_codes)
    return tuple(codes) if codes else None


def _file_name(lang: str, contacts: tuple[str, ...] | None, suffix: str) -> str:
    scope = "" if contacts is None else "-" + "-".join(contacts)
    return f"lowpolitics-brief-{lang}{scope}.{suffix}"


def _language(request: Request, lang: str | None) -> str:
    if lang:
        return lang  # checked by cache.brief, which names the languages it knows
    chosen = request_language(request)
    return chosen if chosen in BRIEF_LANGUAGES else "en"


@router.get("/brief")
def brief_page(request: Request, who: Principal = requires(VIEWER)) -> Response:
    ctx = web_context(request)
    stats = cache.stats(ctx)
    return render(
        request,
        "brief/index.html.j2",
        {
            "brief_languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in BRIEF_LANGUAGES],
            "chosen": _language(request, None),
            "stats": stats,
            "contact_codes": ctx.codebook.contact_codes,
        },
    )


def _download(content: bytes, media_type: str, disposition: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )


@router.get("/brief/brief.pdf")
def brief_pdf(
    request: Request,
    lang: str | None = LANG,
    contact: list[str] | None = CONTACT,
    who: Principal = requires(VIEWER),
) -> Response:
    contacts = _contacts(request, contact)
    made = cache.brief(web_context(request), _language(request, lang), contacts=contacts)
    name = _file_name(made.lang, contacts, "pdf")
    return _download(made.pdf, "application/pdf", "attachment", name)


@router.get("/brief/brief.html")
def brief_html(
    request: Request,
    lang: str | None = LANG,
    contact: list[str] | None = CONTACT,
    who: Principal = requires(VIEWER),
) -> Response:
    contacts = _contacts(request, contact)
    made = cache.brief(web_context(request), _language(request, lang), contacts=contacts)
    name = _file_name(made.lang, contacts, "html")
    return _download(made.html, "text/html; charset=utf-8", "inline", name)


@router.post("/brief/build")
async def brief_job(
    request: Request,
    lang: str = Form("en"),
    contact: list[str] | None = Form(None),
    who: Principal = requires(EDITOR),
) -> Response:
    """Build the brief as a job: the page shows its progress and then the files. Starting a
    job is a write (editors); anyone may download the brief directly."""
    ctx = web_context(request)
    if lang not in BRIEF_LANGUAGES:
        lang = "en"
    params: dict = {"lang": lang}
    contacts = _contacts(request, contact)
    if contacts is not None:
        params["contact"] = list(contacts)
    job_id = await run_in_threadpool(enqueue, ctx.engine, BRIEF, who.name, None, params)
    return accepted(job_id)
