"""Opaque list cursors: the sort key of a page's last row, for the next page (keyset paging).

Why: a page found by ``OFFSET`` makes the database walk past every row before it, so page
2,000 of 100,000 activities cost far more than page 1 (issue 17). A cursor carries the last
row's values of the sort's columns; the next page starts strictly after them (one index
range scan whatever the depth). The token is URL-safe base64 of a small JSON array —
opaque to clients, who only pass back the ``next`` an answer gave them — and names its sort,
so that a cursor made for one order is refused under another instead of skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from lowpolitics.framework.errors import CellError, InputError

PARAM = "after"  # the query parameter that carries a cursor
VERSION = 1  # the token's layout; a token of another layout is refused like a garbled one
KINDS: dict[type, str] = {date: "date", int: "int", str: "str"}


def encode_cursor(sort: str, values: Sequence[Any]) -> str:
    """The token for the row whose sort key is ``values`` under ``sort`` (as requested,
    ``-`` included: the direction is part of where "after" is)."""
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    raw = json.dumps([VERSION, sort, plain], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, sort: str, kinds: Sequence[type]) -> tuple[Any, ...]:
    """The sort key in ``token``, each value of its column's type (``kinds``: date, int or
    str); a token that is garbled, of another layout or made for another sort is a user
    error naming the parameter."""
    try:
        padded = token + "=" * (-len(token) % 4)
        version, made_for, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _refused(token, "is not a cursor this list gave") from None
    if version != VERSION or not isinstance(values, list) or len(values) != len(kinds):
        raise _refused(token, "is not a cursor this list gave")
    if made_for != sort:
        raise _refused(token, f"was made for sort={made_for}, not sort={sort}")
    try:
        return tuple(_typed(value, kind) for value, kind in zip(values, kinds, strict=True))
    except (ValueError, TypeError):
        raise _refused(token, "is not a cursor this list gave") from None


def _typed(value: Any, kind: type) -> Any:
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise TypeError(f"not a {KINDS[kind]}")


def _refused(token: str, why: str) -> InputError:
    shown = token if len(token) <= 80 else token[:77] + "..."
    expected = "the 'next' value of the previous page, with the same sort"
    return InputError([CellError("query", None, PARAM, shown, expected)], f"'{PARAM}' {why}")


def checked_after(after: str | None, page: int) -> str | None:
    """A list's ``after``, refused with a ``page`` other than the first: a page is found by
    number or by cursor, and a request naming both would be answered for one of them only."""
    if after is not None and page != 1:
        raise InputError(
            [CellError("query", None, PARAM, after, "no 'page' with a cursor")],
            f"'{PARAM}' and 'page': give one of them, not both",
        )
    return after or None
