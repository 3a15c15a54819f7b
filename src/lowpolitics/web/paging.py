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
    number: int
    per_page: int

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


def page_out(page: Page, items: list) -> dict:
    return {"items": items, "total": page.total, "page": page.number, "per_page": page.per_page}
