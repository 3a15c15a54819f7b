"""Which version a change was based on: ``?version=``, a body's ``version``, ``If-Match``.

Every editable record has a version. A client that deletes or patches a record must say
which version it read, or it may destroy someone else's change without knowing it; so the
API refuses a DELETE or PATCH that names none (428 Precondition Required) and a stale one
(409, with the stored version). The version travels as HTTP's entity tag too: GET of one
record answers with ``ETag: "N"``, and ``If-Match: "N"`` may stand in for ``?version=N`` or
the body's ``version`` — the same number, so caches and HTTP tooling work as expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Query
from fastapi.responses import Response

from lowpolitics.framework.errors import CellError, InputError, PreconditionRequiredError

T = TypeVar("T")

_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def etag(version: int) -> str:
    """The entity tag of a record at ``version`` (a strong tag: the version is exact)."""
    return f'"{version}"'


def tagged(response: Response, body: T, version: int | None = None) -> T:
    """``body`` with ``ETag`` set on ``response`` from ``version`` (else ``body["version"]``;
    bodies such as ``{"activity": {...}}`` hold the record one level down)."""
    if version is None and isinstance(body, dict):
        inner = body.get("version")
        if inner is None:
            inner = next((v.get("version") for v in body.values() if isinstance(v, dict)), None)
        version = inner
    if isinstance(version, int):
        response.headers["ETag"] = etag(version)
    return body


def parse_if_match(value: str | None) -> int | None:
    """The version an ``If-Match`` header names: ``"3"``, ``W/"3"`` or ``3``. ``*`` or a
    list of tags names no single version and is refused: it would delete whatever is
    stored, which is the blind change this header exists to prevent."""
    if value is None or not value.strip():
        return None
    match = _TAG.match(value)
    if match is None:
        raise InputError(
            [CellError("headers", None, "If-Match", value, 'one version as an entity tag: "3"')],
            "If-Match must name one version, as the ETag of GET gives it",
        )
    return int(match.group(1))


@dataclass(frozen=True)
class Precondition:
    """The versions a request named: in the query (or body) and in ``If-Match``."""

    given: int | None
    if_match: int | None

    def required(self, what: str = "the record") -> int:
        """The one version named; 428 when none is, 422 when two disagree."""
        if self.given is not None and self.if_match is not None and self.given != self.if_match:
            raise InputError(
                [
                    CellError(
                        "headers",
                        None,
                        "If-Match",
                        str(self.if_match),
                        f"the same version as 'version' ({self.given})",
                    )
                ],
                "the version and If-Match name different versions",
            )
        version = self.given if self.given is not None else self.if_match
        if version is None:
            raise PreconditionRequiredError(
                f"say which version of {what} you read: ?version=N (or 'version' in the "
                'body), or the header If-Match: "N" with the ETag that GET returned'
            )
        return version


IF_MATCH_DOC = 'the version you read, as GET returned it in ETag: "3"'

IfMatch = Annotated[str | None, Header(alias="If-Match", description=IF_MATCH_DOC)]


def delete_precondition(
    version: Annotated[
        int | None,
        Query(description="the version you read (required here or as If-Match)"),
    ] = None,
    if_match: IfMatch = None,
) -> Precondition:
    """A DELETE's version: ``?version=N`` or ``If-Match`` (checked in the handler, after
    the caller's role, so that an anonymous caller hears 401 first)."""
    return Precondition(version, parse_if_match(if_match))


DeleteVersion = Annotated[Precondition, Depends(delete_precondition)]
"""Declare after ``who`` in a DELETE route; call ``.required(...)`` in its body."""
