"""The coding screen: a document's text with every coding marked, and the forms that code.

Coders select text, pick a code and save; viewers see the same screen without the forms.
Every form works as a plain POST followed by a redirect; with htmx the panel (forms, text,
lists) is swapped in place, so the reader keeps their place. An htmx request that fails on
the user's input gets the panel back with the message (status 200: htmx swaps only 2xx).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import CellError, ConflictError, InputError, NotFoundError
from lowpolitics.store.blind import (
    blind_coding,
    done_coders,
    hides_from,
    is_done,
    mark_done,
    memos_visible,
    reopen,
    set_blind_coding,
    visible_clause,
)
from lowpolitics.store.corpus import get_document
from lowpolitics.store.corpus_edit import (
    code_span,
    get_coding,
    recode,
    uncode,
)
from lowpolitics.store.memos_edit import (
    list_memos,
    write_memo,
)
from lowpolitics.store.models import Document
from lowpolitics.web.auth import CODER, EDITOR, VIEWER, Principal, requires
from lowpolitics.web.coding_views import code_choices, coding_views, parse_focus, split_pieces
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import form_values, form_version
from lowpolitics.web.i18n import request_language
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

USER_ERRORS = (InputError, NotFoundError, ConflictError)
STATUS = {InputError: 422, NotFoundError: 404, ConflictError: 409}


def _wants_panel(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "panel"


def _panel(
    session: Session,
    request: Request,
    document: Document,
    who: Principal,
    *,
    show_auto: bool = True,
    focus: tuple[int, int] | None = None,
    chosen: str | None = None,
) -> dict:
    """Everything the panel shows: pieces of text, the two lists of codings, memos, codes.

    With blind coding on, a coder who has not marked the document done sees only their own
    codings and memos, then those of the others who marked it done (``store.blind``);
    editors and admins see everything."""
    ctx = web_context(request)
    lang = request_language(request)
    sees_all = who.can(EDITOR)
    visible = visible_clause(session, who.name, sees_all)
    views = coding_views(session, ctx.codebook, document, lang, visible)
    shown = views if show_auto else [v for v in views if not v.automatic]
    blind = blind_coding(session)
    done = is_done(session, document.id, who.name)
    hidden = hides_from(session, document.id, who.name, sees_all)
    memos = memos_visible(session, list_memos(session, document_id=document.id), who.name, sees_all)
    can_code = who.can(CODER) and not (blind and done)
    return {
        "doc": document,
        "pieces": split_pieces(document.text, shown, focus),
        "people": [v for v in views if not v.automatic],
        "machine": [v for v in views if v.automatic],
        "choices": code_choices(session, ctx.codebook, lang),
        "memos": memos,
        "show_auto": show_auto,
        "can_code": can_code,
        "editable": {v.id for v in views if can_code and (v.coder == who.name or sees_all)},
        "chosen": chosen,
        "blind": blind,
        "hidden": hidden,
        "done": done,
        "done_by": done_coders(session, document.id),
        "is_coder": who.can(CODER),
        "oversees": sees_all,
    }


def _respond(
    request: Request,
    ref: str,
    who: Principal,
    *,
    show_auto: bool,
    notice: str | None = None,
    error: Exception | None = None,
    chosen: str | None = None,
) -> Response:
    """After a POST: the panel for htmx, else a redirect (success) or the page (error)."""
    if error is None and not _wants_panel(request):
        query = {"saved": "1"} if show_auto else {"saved": "1", "auto": "0"}
        return RedirectResponse(
            f"/documents/{quote(ref, safe='')}/code?{urlencode(query)}", status_code=303
        )
    with web_context(request).session() as session:
        document = get_document(session, ref)
        context = _panel(session, request, document, who, show_auto=show_auto, chosen=chosen)
    context.update(notice=notice, error=str(error) if error else None)
    if _wants_panel(request):
        return render(request, "documents/_coding_panel.html.j2", context)
    status = next((s for kind, s in STATUS.items() if isinstance(error, kind)), 400)
    return render(request, "documents/coding.html.j2", context, status_code=status)


@router.get("/documents/{ref}/code")
def coding_screen(
    request: Request,
    ref: str,
    auto: str = "1",
    focus: str = "",
    saved: str = "",
    who: Principal = requires(VIEWER),
) -> Response:
    show_auto = auto != "0"
    with web_context(request).session() as session:
        document = get_document(session, ref)
        context = _panel(
            session, request, document, who, show_auto=show_auto, focus=parse_focus(focus)
        )
    context.update(notice="saved" if saved else None, error=None)
    template = (
        "documents/_coding_panel.html.j2" if _wants_panel(request) else "documents/coding.html.j2"
    )
    return render(request, template, context)


def _span(values: dict[str, str]) -> tuple[int, int]:
    try:
        return int(values.get("start", "")), int(values.get("end", ""))
    except ValueError:
        shown = f"{values.get('start', '')}-{values.get('end', '')}"
        raise InputError(
            [CellError("form", None, "span", shown, "a selection in the text (start and end)")],
            "select some text first",
        ) from None


@router.post("/documents/{ref}/code")
async def code_selection(request: Request, ref: str, who: Principal = requires(CODER)) -> Response:
    values = await form_values(request, ("code", "start", "end", "memo", "auto"))
    show_auto = values.get("auto") != "0"
    try:
        start, end = _span(values)
        with web_context(request).session() as session:
            document = get_document(session, ref)
            code_span(
                session,
                document,
                values["code"],
                start,
                end,
                who.name,
                values["memo"],
                web_context(request).codebook,
            )
    except USER_ERRORS as exc:
        with web_context(request).session() as session:
            get_document(session, ref)  # a wrong document is a 404 page, not a form message
        return _respond(request, ref, who, show_auto=show_auto, error=exc, chosen=values["code"])
    return _respond(request, ref, who, show_auto=show_auto, notice="coded", chosen=values["code"])


def _own_coding(session: Session, ref: str, coding_id: int):
    document = get_document(session, ref)
    coding = get_coding(session, coding_id)
    if coding.document_id != document.id:
        raise NotFoundError(f"coding {coding_id} is not in document '{document.key}'")
    return coding


@router.post("/documents/{ref}/codings/{coding_id}/delete")
async def remove_coding(
    request: Request, ref: str, coding_id: int, who: Principal = requires(CODER)
) -> Response:
    values = await form_values(request, ("version", "auto"))
    with web_context(request).session() as session:
        _own_coding(session, ref, coding_id)
        uncode(session, coding_id, who.name, who.role, form_version(values.get("version")))
    return _respond(request, ref, who, show_auto=values.get("auto") != "0", notice="removed")


@router.post("/documents/{ref}/codings/{coding_id}/change")
async def change_coding(
    request: Request, ref: str, coding_id: int, who: Principal = requires(CODER)
) -> Response:
    values = await form_values(request, ("code", "version", "auto"))
    show_auto = values.get("auto") != "0"
    try:
        with web_context(request).session() as session:
            _own_coding(session, ref, coding_id)
            version = form_version(values.get("version"))
            codebook = web_context(request).codebook
            recode(session, coding_id, values["code"], who.name, who.role, version, codebook)
    except (InputError, ConflictError) as exc:
        return _respond(request, ref, who, show_auto=show_auto, error=exc)
    return _respond(request, ref, who, show_auto=show_auto, notice="changed")


@router.post("/documents/{ref}/memos")
async def add_memo(request: Request, ref: str, who: Principal = requires(CODER)) -> Response:
    values = await form_values(request, ("text", "auto"))
    show_auto = values.get("auto") != "0"
    try:
        with web_context(request).session() as session:
            write_memo(session, values["text"], who.name, document=get_document(session, ref))
    except InputError as exc:
        return _respond(request, ref, who, show_auto=show_auto, error=exc)
    return _respond(request, ref, who, show_auto=show_auto, notice="memo")


# --- blind coding -----------------------------------------------------------------------------


@router.post("/documents/{ref}/code/done")
async def done(request: Request, ref: str, who: Principal = requires(CODER)) -> Response:
    """The coder finished this document: with blind coding on, the comparison opens."""
    values = await form_values(request, ("auto",))
    with web_context(request).session() as session:
        mark_done(session, get_document(session, ref), who.name)
    return _respond(request, ref, who, show_auto=values.get("auto") != "0", notice="done")


@router.post("/documents/{ref}/reopen")
async def reopen_for(request: Request, ref: str, who: Principal = requires(EDITOR)) -> Response:
    """Take back a coder's done mark, so that they can change their codings again."""
    values = await form_values(request, ("coder", "auto"))
    with web_context(request).session() as session:
        document = get_document(session, ref)
        if not reopen(session, document, values.get("coder", ""), who.name):
            raise NotFoundError(f"'{values.get('coder', '')}' has not marked this document done")
    return _respond(request, ref, who, show_auto=values.get("auto") != "0", notice="reopened")


@router.post("/coding/blind")
async def blind_switch(request: Request, who: Principal = requires(EDITOR)) -> Response:
    """Turn blind coding on or off for the whole team, then back to where the switch was."""
    values = await form_values(request, ("blind", "back"))
    if values.get("blind") not in ("on", "off"):
        raise InputError(
            [CellError("form", None, "blind", values.get("blind", ""), "on or off")],
            "blind coding is turned on or off",
        )
    with web_context(request).session() as session:
        set_blind_coding(session, values["blind"] == "on", who.name)
    back = values.get("back", "")
    if not back.startswith("/documents/") or "//" in back:
        back = "/documents"
    return RedirectResponse(back, status_code=303)
