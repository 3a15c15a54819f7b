"""One declarative description per API resource, served by ``web.api.resource_router``.

An entity's list, read, create, replace, patch and delete differ only in what is declared
here: the table, the request and response models, the filters and sort keys (as SQL, so
that a list is filtered, sorted and cut to one page by the database, never loaded whole),
the roles, the key in the address, and the store calls that check, save, audit and delete
a record. A new entity is one :class:`ResourceSpec`, not a new module of routes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from lowpolitics.web.auth import EDITOR, VIEWER
from lowpolitics.web.context import WebContext
from lowpolitics.web.paging import Page, bounded

Condition = Callable[[Any], ColumnElement[bool]]
"""A filter's value → the SQL condition it adds to the list's query."""


@dataclass(frozen=True)
class Filter:
    """A list's query parameter: its type (FastAPI refuses a value of another type with 422
    naming the parameter), its description in OpenAPI, and its SQL condition. An absent or
    empty value filters nothing."""

    where: Condition | None = None  # None: the spec's own ``find`` applies it
    type: type = str
    description: str | None = None


@dataclass(frozen=True)
class ResourceSpec:
    """What the generic router needs to serve ``/api/v1/{name}``.

    The store calls take the web context, so that they can read the codebook:

    - ``load(session, key)`` → the stored object, or a not-found error (404);
    - ``save(ctx, session, data, who, key, version)`` → the saved object; ``key`` and
      ``version`` are None on create (the store checks, audits and refuses stale versions);
    - ``delete(session, key, who, version)``;
    - ``rows(ctx, session, objects)`` → the response bodies of a page of objects (one call
      per page, so that links can be counted for those objects alone);
    - ``detail(ctx, session, obj)`` → the body of GET of one record, when it shows more
      than a list row (else the row).

    Hooks for what not every entity has, each general rather than one entity's case:

    - ``find(ctx, session, values, sort, page, per_page)`` → a :class:`Page` of objects, for
      a list whose filters or order SQL cannot say as the pages mean them (names matched in
      any spelling, events overlapping a span of partial dates, order by how often a record
      is used); its filters are declared without ``where``, for their parameters alone;
    - ``envelope``: writes that may warn — ``save`` returns ``(object, warnings)`` and a
      write answers ``{envelope: row, "warnings": [...]}`` in ``schema_saved``;
    - ``delete_context``: ``delete`` is called as ``delete(ctx, session, key, who,
      version)``, for a delete that reads the app's reference data (the gazetteer);
    - ``patch_cleared(data, cleared)`` → the data a PATCH saves, given the fields it cleared
      with ``null``: where a PUT keeps a field it is not given (activities' status history),
      a patch clearing it must say so;
    - ``docs``: an operation's description in OpenAPI (``get``, ``patch``, ``delete``),
      where the generic one does not say enough;
    - ``json_rows``: ``rows`` (and ``detail``) already give exactly ``schema_out``'s fields,
      in its order, as JSON values of its types, so GET of a record or a page is written
      straight to JSON without validating each row against the model again (the
      validation cost as much as the reading: issue 17, API latency); a test must compare
      the bytes with the model's for the entity;
    - ``keyset``: the list also pages by cursor — ``find`` takes ``after`` (a cursor, or
      None) and its :class:`Page` carries ``next``; the list answers ``KeysetPageOut``.
    """

    name: str  # the address: /api/v1/{name}
    noun: str  # in messages: "actor 3", "body 'igc'"
    model: type  # the table listed
    key_column: str  # the model's attribute named in addresses
    key_param: str  # its name in the path: /api/v1/actors/{actor_id}
    key_type: type  # int or str
    schema_in: type[BaseModel]  # POST
    schema_update: type[BaseModel]  # PUT: schema_in with ``version``
    schema_patch: type[BaseModel]  # PATCH: patch_model(schema_in)
    schema_out: type[BaseModel]
    load: Callable[[Session, Any], Any]
    save: Callable[..., Any]
    delete: Callable[..., Any]  # (session, key, who, version); see ``delete_context``
    rows: Callable[[WebContext, Session, Sequence[Any]], list[dict[str, Any]]]
    sorts: dict[str, Sequence[ColumnElement[Any]]]  # key → SQL columns, in order
    default_sort: str
    sort_doc: str
    filters: dict[str, Filter] = field(default_factory=dict)
    detail: Callable[[WebContext, Session, Any], dict[str, Any]] | None = None
    read_role: str = VIEWER
    write_role: str = EDITOR
    patch_note: str | None = None  # a line added to PATCH's description in OpenAPI
    tags: Sequence[str] | None = None  # OpenAPI tags: None for [name]
    find: Callable[..., Page[Any]] | None = None
    envelope: str | None = None
    schema_saved: type[BaseModel] | None = None  # a write's answer, with ``envelope``
    delete_context: bool = False
    patch_cleared: Callable[[dict[str, Any], frozenset[str]], dict[str, Any]] | None = None
    docs: dict[str, str] = field(default_factory=dict)
    json_rows: bool = False
    keyset: bool = False

    @property
    def prefix(self) -> str:
        return f"/api/v1/{self.name}"

    def label(self, key: Any) -> str:
        """The record as messages name it: ``actor 3``, ``body 'igc'``."""
        return f"{self.noun} {key}" if isinstance(key, int) else f"{self.noun} '{key}'"

    def key_of(self, obj: Any) -> Any:
        return getattr(obj, self.key_column)

    def written(self, ctx: WebContext, session: Session, result: Any) -> tuple[Any, dict]:
        """What ``save`` returned → the saved object and the body of the write's answer."""
        if self.envelope is None:
            return result, self.rows(ctx, session, [result])[0]
        obj, warnings = result
        return obj, {self.envelope: self.rows(ctx, session, [obj])[0], "warnings": warnings}

    def remove(self, ctx: WebContext, session: Session, key: Any, who: str, version: int) -> Any:
        """Delete the record through the store (with the context when it asks for it)."""
        if self.delete_context:
            return self.delete(ctx, session, key, who, version)
        return self.delete(session, key, who, version)

    def one(self, ctx: WebContext, session: Session, obj: Any) -> dict[str, Any]:
        if self.detail is not None:
            return self.detail(ctx, session, obj)
        return self.rows(ctx, session, [obj])[0]


def page_query(
    session: Session,
    spec: ResourceSpec,
    values: dict[str, Any],
    sort: str,
    page: int,
    per_page: int,
) -> Page[Any]:
    """One page of ``spec.model``: the filters given in ``values`` as WHERE, ``sort`` (a key
    of ``spec.sorts``, ``-`` to reverse) as ORDER BY with the key last, ascending either way
    (a stable order, ties as a stable sort leaves them), the
    total by COUNT — only the page's rows are fetched."""
    page, per_page = bounded(page, per_page)
    conditions = [
        where(value)
        for name, value in values.items()
        if value is not None and value != "" and (where := spec.filters[name].where) is not None
    ]
    columns = spec.sorts[sort.lstrip("-")]
    order = [c.desc() if sort.startswith("-") else c.asc() for c in columns]
    order.append(getattr(spec.model, spec.key_column).asc())  # ties in key order, both ways
    query = select(spec.model).where(*conditions)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    found = session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    return Page(list(found), total or 0, page, per_page)


def text_in(q: str, *columns: Any) -> ColumnElement[bool]:
    """A case-insensitive "contains" over some text columns (the lists' ``q``)."""
    needle = q.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))
