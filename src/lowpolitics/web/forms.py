"""Reading HTML forms into row cells, and errors back onto the form's fields."""

from __future__ import annotations

from collections import defaultdict

from fastapi import Request

from lowpolitics.framework.errors import InputError
from lowpolitics.web.auth import CSRF_FIELD


async def form_values(request: Request, columns) -> dict[str, str]:
    form = await request.form()
    return {
        column: str(form.get(column, "")).strip()
        for column in columns
        if column != CSRF_FIELD and isinstance(form.get(column, ""), str)
    }


def field_errors(error: InputError) -> dict[str, list[str]]:
    """column → messages, for the form macro; errors without a column go under ``_``."""
    found: dict[str, list[str]] = defaultdict(list)
    for cell in error.errors:
        shown = f"“{cell.value}” — " if cell.value else ""
        found[cell.column or "_"].append(f"{shown}{cell.expected}")
    return dict(found)


def form_version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
