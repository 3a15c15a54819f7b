"""Pagination shared by pages and the API: page numbers from 1, a bounded page size."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
MAX_PER_PAGE = 500


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int  # 0: found after a cursor, its number unknown
    per_page: int
    next: str | None = None  # the cursor of the page after it, where the list offers one

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def bounded(page: int, per_page: int) -> tuple[int, int]:
    return max(1, page), min(max(1, per_page), MAX_PER_PAGE)


def paginate(rows: list[T], page: int = 1, per_page: int = 50) -> Page[T]:
    page, per_page = bounded(page, per_page)
    start = (page - 1) * per_page
    return Page(rows[start : start + per_page], len(rows), page, per_page)


class PageOut(BaseModel, Generic[T]):
    """A page of results in the API: the items and where they sit in the whole list."""

    items: list[T]
    total: int
    page: int
    per_page: int


class KeysetPageOut(BaseModel, Generic[T]):
    """A page of a list that also pages by cursor: ``next`` is the cursor of the following
    page (null on the last), to pass back as ``after``; a page found by cursor has no
    ``page`` number (null)."""

    items: list[T]
    total: int
    page: int | None
    per_page: int
    next: str | None


def page_out(page: Page, items: list, *, keyset: bool = False) -> dict:
    """The API's body of a page (``PageOut``; with ``keyset``, ``KeysetPageOut``)."""
    body = {
        "items": items,
        "total": page.total,
        "page": page.number or None,
        "per_page": page.per_page,
    }
    if keyset:
        body["next"] = page.next
    return body
