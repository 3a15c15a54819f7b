"""The codebook page: every vocabulary of the framework in the reader's language, with
definitions, colours and the lexicon's terms, plus the user codes (which editors manage here).

Everything shown comes from ``ctx.codebook`` — the same object the importers validate
against and the analyses group by — so this page is the reference coders read.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.store.corpus_edit import (
    code_usage,
    delete_user_code,
    list_codes,
    save_user_code,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import code_colour, code_section, ink
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.i18n import LANGUAGE_NAMES, request_language
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

CODE_FIELDS = ("name", "parent", "colour", "definition")


def _page(
    request: Request,
    values: dict | None = None,
    errors: dict | None = None,
    *,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    ctx = web_context(request)
    with ctx.session() as session:
        usage = code_usage(session)
        codes = list_codes(session)
        names = {c.id: c.name for c in codes}
        user_codes = [
            {
                "id": c.id,
                "name": c.name,
                "parent": names.get(c.parent_id) if c.parent_id else None,
                "colour": code_colour(c.name, c.colour),
                "ink": ink(code_colour(c.name, c.colour)),
                "definition": c.definition,
                "codings": usage.get(c.id, 0),
                "version": c.version,
            }
            for c in codes
            if c.origin == "user"
        ]
    lang = request_language(request)
    lexicon = []
    for code, terms in ((ctx.codebook.lexicon or {}).get("codes") or {}).items():
        section = code_section(ctx.codebook, code)
        shown = ctx.codebook.label(section, code, lang) if section else code
        lexicon.append({"code": code, "label": shown, "terms": terms or {}})
    return render(
        request,
        "codebook/index.html.j2",
        {
            "lexicon": lexicon,
            "lexicon_languages": [lang, *(x for x in ("ru", "ky", "tg", "en") if x != lang)],
            "language_names": LANGUAGE_NAMES,
            "user_codes": user_codes,
            "parent_names": sorted(names.values(), key=str.casefold),
            "values": values or {},
            "errors": errors or {},
            "problem": problem,
            "saved": request.query_params.get("saved"),
        },
        status_code=status,
    )


@router.get("/codebook")
def codebook_page(request: Request, who: Principal = requires(VIEWER)) -> Response:
    return _page(request)


@router.post("/codebook/codes")
async def add_code(request: Request, who: Principal = requires(EDITOR)) -> Response:
    ctx = web_context(request)
    values = await form_values(request, CODE_FIELDS)
    try:
        with ctx.session() as session:
            save_user_code(session, ctx.codebook, values, who.name)
    except InputError as exc:
        return _page(request, values, field_errors(exc, request), status=422)
    except ConflictError as exc:
        return _page(request, values, {"name": [str(exc)]}, status=409)
    return RedirectResponse("/codebook?saved=1#user-codes", status_code=303)


@router.post("/codebook/codes/{code_id}/delete")
async def remove_code(request: Request, code_id: int, who: Principal = requires(EDITOR)):
    values = await form_values(request, ("version",))
    try:
        with web_context(request).session() as session:
            delete_user_code(session, code_id, who.name, form_version(values.get("version")))
    except ConflictError as exc:
        return _page(request, problem=str(exc), status=409)
    return RedirectResponse("/codebook?saved=1#user-codes", status_code=303)
