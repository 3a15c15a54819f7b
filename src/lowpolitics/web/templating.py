"""Jinja2 rendering with what every page needs: the user, the language, ``_``, formatting,
codebook labels and the CSRF token. Autoescaping is on for every template, so text from the
database (a title with ``<script>`` in it) is always shown as text."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from lowpolitics.framework.i18n import LANGUAGES
from lowpolitics.web.auth import CSRF_FIELD, PRELOGIN_COOKIE, principal
from lowpolitics.web.context import web_context
from lowpolitics.web.field_messages import translate_expected
from lowpolitics.web.i18n import LANGUAGE_NAMES, Formatter, request_language

environment = Environment(
    loader=PackageLoader("lowpolitics.web", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# before/after values in the audit log are shown as JSON: keep Cyrillic readable
environment.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}


def query_with(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (pagination and sort links). A
    parameter given several times (``contact``) keeps every value."""
    params: list[tuple[str, str]] = []
    for key, value in request.query_params.multi_items():
        if key not in changes:
            params.append((key, value))
        elif changes[key] is not None and all(k != key for k, _ in params):
            params.append((key, str(changes[key])))  # changed where it stood
    present = {k for k, _ in params}
    params += [(k, str(v)) for k, v in changes.items() if v is not None and k not in present]
    return "?" + urlencode(params)


def page_context(request: Request) -> dict[str, Any]:
    ctx = web_context(request)
    lang = request_language(request)
    fmt = Formatter(lang)
    try:
        who = principal(request)
    except Exception:  # a bad bearer token on a page request: show the page as anonymous
        who = None
    csrf = who.csrf if who and who.csrf else request.cookies.get(PRELOGIN_COOKIE, "")

    def label(section: str, code: Any) -> str:
        if code is None or code == "":
            return ""
        return ctx.codebook.label(section, code, lang)

    def region_label(code: str | None) -> str:
        """A region's name in the reader's language (the code when the gazetteer has none)."""
        place = ctx.regions.get((code or "").strip().upper())
        return place.label(lang) if place else (code or "")

    def title_of(record: Any) -> str:
        """An activity's title in the reader's language when the registry gives one."""
        get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
        local = get(f"title_{lang}") if lang != "en" else None
        return local or get("title") or ""

    def contact_scope(block: dict | None) -> str:
        """Which cooperative rows a document's figures count (its ``meta.contact``)."""
        from lowpolitics.analysis.contact_scope import contact_scope_text

        return contact_scope_text(block, ctx.codebook, lang)

    return {
        "request": request,
        "user": who,
        "contact_scope": contact_scope,
        "title_of": title_of,
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "_": fmt.gettext,
        "fmt": fmt,
        "label": label,
        "region_label": region_label,
        "colour": ctx.codebook.colour,
        "codebook": ctx.codebook,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf,
        "query_with": lambda **kw: query_with(request, **kw),
        "expected": lambda text: translate_expected(text or "", fmt.gettext),
        "path": request.url.path,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict | None = None,
) -> HTMLResponse:
    values = page_context(request)
    values.update(context or {})
    html = environment.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
