"""Reading HTML forms into row cells, and errors back onto the form's fields."""

from __future__ import annotations

from collections import defaultdict

from fastapi import Request

from lowpolitics.framework.errors import InputError, shorten
from lowpolitics.framework.i18n import translator
from lowpolitics.web.auth import CSRF_FIELD
from lowpolitics.web.field_messages import translate_expected
from lowpolitics.web.i18n import request_language


async def form_values(request: Request, columns) -> dict[str, str]:
    form = await request.form()
    return {
        column: str(form.get(column, "")).strip()
        for column in columns
        if column != CSRF_FIELD and isinstance(form.get(column, ""), str)
    }


def field_errors(error: InputError, request: Request | None = None) -> dict[str, list[str]]:
    """column → messages, for the form macro; errors without a column go under ``_``.
    With the request, what was expected is said in the reader's language."""
    gettext = translator(request_language(request)) if request is not None else None
    found: dict[str, list[str]] = defaultdict(list)
    for cell in error.errors:
        shown = f"“{shorten(cell.value)}” — " if cell.value else ""
        expected = translate_expected(cell.expected, gettext) if gettext else cell.expected
        found[cell.column or "_"].append(f"{shown}{expected}")
    return dict(found)


def form_version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
