"""PATCH with a JSON merge patch (RFC 7396): change only the fields a client names.

A PUT sends the whole record, so a client that knows one field must first read the rest and
may send back values it never meant to touch. A merge patch names only what changes: a
field given is set, a field given as ``null`` is cleared (an optional one; a required one
is refused with 422 on that field), a field left out keeps its stored value. The patched
record is then checked and saved exactly as a PUT would save it — same model, same store
call, same audit entry — so PATCH adds no rule of its own.

Each resource derives its patch model from its PUT model (:func:`patch_model`): every field
optional, unknown fields refused, plus ``version`` (or the ``If-Match`` header).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Optional

from fastapi import Depends, Header
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from lowpolitics.framework.errors import LowpoliticsError
from lowpolitics.web.versions import IfMatch, Precondition, parse_if_match

MERGE_PATCH = "application/merge-patch+json"
PATCH_MEDIA = (MERGE_PATCH, "application/json")


class UnsupportedMediaTypeError(LowpoliticsError):
    """A PATCH body in a media type other than a JSON merge patch (HTTP 415)."""

    http_status = 415


def patch_model(model: type[BaseModel]) -> type[BaseModel]:
    """The merge-patch body for ``model``: its fields, each optional (absent: unchanged),
    with their descriptions, plus ``version``. Constraints are checked on the patched
    record, by ``model`` itself, so that a patch is refused for exactly what a PUT is."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "version":
            continue
        annotation = Optional[info.annotation]  # noqa: UP045 - works for Annotated types too
        fields[name] = (annotation, Field(None, description=info.description))
    fields["version"] = (
        Optional[int],  # noqa: UP045
        Field(None, description='the version you read; or send If-Match: "N"'),
    )
    name = model.__name__.removesuffix("In").removesuffix("Update") + "Patch"
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"A JSON merge patch of {model.__name__}: only the fields given change; "
        "null clears an optional field.",
        **fields,
    )


def merge(target: Any, patch: Any) -> Any:
    """RFC 7396 MergePatch: objects merge key by key, ``null`` removes, anything else
    (a list, a number, text) replaces."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


def check_media(content_type: str | None) -> None:
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in PATCH_MEDIA:
        raise UnsupportedMediaTypeError(
            f"a PATCH body is a JSON merge patch: send Content-Type: {MERGE_PATCH} "
            f"(or application/json), not '{media or 'none'}'"
        )


def patch_headers(
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
    if_match: IfMatch = None,
) -> int | None:
    """A PATCH's media type (415 unless a JSON merge patch) and ``If-Match`` version.
    Declared after ``who``, so that an anonymous caller hears 401 first."""
    check_media(content_type)
    return parse_if_match(if_match)


PatchHeaders = Annotated[int | None, Depends(patch_headers)]
"""The ``If-Match`` version of a PATCH (None when absent), its media type checked."""


@dataclass(frozen=True)
class Patched:
    """What a patch came to: the record to save, the version it was based on, and the
    fields the patch cleared (given as ``null``)."""

    record: BaseModel
    version: int
    cleared: frozenset[str]

    def data(self, exclude: set[str] | None = None) -> dict[str, Any]:
        return self.record.model_dump(exclude=exclude or {"version"})


def apply_patch(
    model: type[BaseModel],
    current: Mapping[str, Any],
    changes: BaseModel,
    if_match: int | None,
    what: str,
) -> Patched:
    """``changes`` merged into the stored record ``current`` and checked by ``model`` (the
    PUT's model, without or with ``version``). 428 when no version is named; 422 naming the
    field when the result is not a valid record (a required field cleared, a bad value)."""
    given = changes.model_dump(exclude_unset=True)
    version = Precondition(given.pop("version", None), if_match).required(what)
    names = [n for n in model.model_fields if n != "version"]
    base = {n: current.get(n) for n in names if current.get(n) is not None}
    data = merge(base, given)
    if "version" in model.model_fields:
        data["version"] = version
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    cleared = frozenset(k for k, v in given.items() if v is None)
    return Patched(record=record, version=version, cleared=cleared)
