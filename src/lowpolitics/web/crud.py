"""The steps every entity's pages and API routes take alike.

Pages: the entity's form (:func:`form_page`, values from a record with :func:`form_text`);
saving a "new" or "edit" form in one transaction — refused values back on the form with
422, a conflict with 409 (on the key's field, or with the stored version when the form was
stale), else a 303 to the saved record; deleting from a form; the list template htmx asks
for. API: strict request bodies, a 201's ``Location``, a 204 (the versions a DELETE or
PATCH must name are read in ``web.versions``, merge patches applied in ``web.merge_patch``).

What differs per entity — the store call, the form's own context, the field a conflict is
shown on, where to go next — is passed in. Routes keep their own paths and signatures, so
each still declares its role with ``who: Principal = requires(...)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import ConflictError, InputError
from lowpolitics.store.audit import FieldChange
from lowpolitics.web.conflicts import (
    FieldConflict,
    Resolution,
    apply_choices,
    field_conflicts,
    read_resolution,
    resolution_fields,
)
from lowpolitics.web.context import web_context
from lowpolitics.web.forms import field_errors, form_values, form_version
from lowpolitics.web.templating import render

T = TypeVar("T")

ShowForm = Callable[..., Response]
"""``show_form(values, errors, *, version=None, status_code=200, conflict=None)``: the
entity's form page (usually its ``_form`` with the request and the record's key bound)."""

Address = str | Callable[[Any], str]
"""Where to go next: an address, or a function of what the store call returned."""


def _address(target: Address, result: Any) -> str:
    return target(result) if callable(target) else target


# --- pages ------------------------------------------------------------------------------------


def list_template(request: Request, full: str, partial: str) -> str:
    """The results alone when htmx refreshes them (``hx-target: results``), else the page."""
    wanted = (
        bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "results"
    )
    return partial if wanted else full


def render_list(
    request: Request,
    full: str,
    partial: str,
    context: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
) -> Response:
    """A list page (or, for htmx, its results): refused filters (``errors``, by field) are
    shown next to their fields with nothing listed, and answered 422 — not an error page."""
    template = list_template(request, full, partial)
    shown = {**context, "filter_errors": errors or {}, "partial": template == partial}
    return render(request, template, shown, status_code=422 if errors else 200)


def form_page(
    request: Request,
    template: str,
    values: dict,
    errors: dict,
    context: dict[str, Any],
    *,
    version: int | None = None,
    status_code: int = 200,
    conflict: str | None = None,
    conflicts: dict[str, FieldConflict] | None = None,
    resolution: Resolution | None = None,
) -> Response:
    """An entity's form: the values and the errors on them, the version being edited, a
    conflict's message — with, field by field, what someone else changed meanwhile and the
    choice asked (``conflicts``, ``resolution``) — and the entity's own ``context`` (its
    key, the choices it offers)."""
    shown = {
        "values": values,
        "errors": errors,
        "version": version,
        "conflict": conflict,
        "conflicts": conflicts or {},
        "resolution": resolution or Resolution(),
    }
    return render(request, template, {**shown, **context}, status_code=status_code)


def form_text(record: dict) -> dict[str, str]:
    """A stored record as form values: None as empty, lists joined with ';' as in the CSVs."""
    return {
        k: ";".join(v) if isinstance(v, list) else ("" if v is None else str(v))
        for k, v in record.items()
    }


async def create_from_form(
    request: Request,
    columns: Iterable[str],
    *,
    save: Callable[[Session, dict[str, str]], Any],
    show_form: ShowForm,
    detail_url: Address,
    conflict_field: str,
) -> Response:
    """POST of a "new" form: ``save(session, values)`` in one transaction, then 303 to
    ``detail_url`` (given what ``save`` returned: the new record's key). Refused values come
    back on the form (422); a conflict — the key or name is taken — on ``conflict_field``
    (409)."""
    values = await form_values(request, columns)
    try:
        with web_context(request).session() as session:
            saved = save(session, values)
    except InputError as exc:
        return show_form(values, field_errors(exc, request), status_code=422)
    except ConflictError as exc:
        return show_form(values, {conflict_field: [str(exc)]}, status_code=409)
    return RedirectResponse(_address(detail_url, saved), status_code=303)


async def update_from_form(
    request: Request,
    columns: Iterable[str],
    *,
    save: Callable[[Session, dict[str, str], int | None], Any],
    show_form: ShowForm,
    detail_url: Address,
    current_version: Callable[[Session], int],
    taken_field: str | None = None,
    stored: Callable[[Session], Mapping[str, str]] | None = None,
    history: Callable[[Session, int, int], Mapping[str, FieldChange]] | None = None,
) -> Response:
    """POST of an "edit" form (its columns and ``version``): ``save(session, values,
    version)`` in one transaction, then 303 to ``detail_url``. Refused values come back on
    the form (422). A conflict (409) shows the form again with the stored version
    (``current_version(session)``) and the conflict's message — unless ``taken_field`` is
    given and the stored version is still the one edited: then the form was not stale, the
    new value is taken by another record, and the message goes on that field.

    With ``stored`` (the record's form values now) and ``history`` (its changes between two
    versions, from the audit trail), a stale form shows each field the other person changed
    with both values and who stored theirs, and asks which to keep; the next save takes the
    answers (``keep__FIELD``) and is refused again while any is missing (web.conflicts)."""
    columns = tuple(columns)
    values = await form_values(request, (*columns, "version", *resolution_fields(columns)))
    version = form_version(values.pop("version", None))
    resolution = read_resolution(values, columns)
    ctx = web_context(request)

    def conflict_form(
        session: Session, message: str | None, *, since: int | None, missing: bool = False
    ) -> Response:
        current = current_version(session)
        if stored is None or history is None or since is None:
            return show_form(values, {}, version=current, status_code=409, conflict=message)
        changes = history(session, since, current)
        found = field_conflicts(columns, values, stored(session), changes)
        asked = Resolution(since, list(found), resolution.choices, missing)
        return show_form(
            values,
            {},
            version=current,
            status_code=409,
            conflict=message,
            conflicts=found,
            resolution=asked,
        )

    if stored is not None and resolution.unanswered:
        with ctx.session() as session:  # asked which value to keep, and not told: ask again
            since = resolution.base_version if resolution.base_version is not None else version
            return conflict_form(session, None, since=since, missing=True)
    try:
        with ctx.session() as session:
            if stored is not None and resolution.choices:
                values = apply_choices(values, resolution.choices, stored(session))
            saved = save(session, values, version)
    except InputError as exc:
        return show_form(values, field_errors(exc, request), version=version, status_code=422)
    except ConflictError as exc:
        with ctx.session() as session:
            if taken_field is not None and current_version(session) == version:
                errors = {taken_field: [str(exc)]}
                return show_form(values, errors, version=version, status_code=409)
            since = resolution.base_version if resolution.base_version is not None else version
            return conflict_form(session, str(exc), since=since)
    return RedirectResponse(_address(detail_url, saved), status_code=303)


async def delete_from_form(
    request: Request, *, delete: Callable[[Session, int | None], Any], list_url: Address
) -> Response:
    """POST of a delete button: ``delete(session, version)`` with the form's ``version`` in
    one transaction, then 303 to ``list_url`` (given what ``delete`` returned)."""
    values = await form_values(request, ("version",))
    with web_context(request).session() as session:
        result = delete(session, form_version(values.get("version")))
    return RedirectResponse(_address(list_url, result), status_code=303)


# --- API --------------------------------------------------------------------------------------


class StrictIn(BaseModel):
    """Request bodies refuse unknown fields (a typo is an error, not a silent no-op)."""

    model_config = ConfigDict(extra="forbid")


def created(response: Response, location: str, body: T) -> T:
    """The body of a 201, with ``Location`` set to ``location`` (quoted for the header)."""
    response.headers["Location"] = quote(location)
    return body


def deleted(request: Request, delete: Callable[[Session], Any]) -> Response:
    """A DELETE: ``delete(session)`` in one transaction, then 204 with no body."""
    with web_context(request).session() as session:
        delete(session)
    return Response(status_code=204)


def sort_pattern(keys: Iterable[str]) -> str:
    """The pattern OpenAPI publishes for a list's ``sort``: a known key, ``-`` to reverse —
    so that a client (or a fuzzer) reading the document knows the valid values."""
    return "^-?(" + "|".join(re.escape(k) for k in keys) + ")$"
