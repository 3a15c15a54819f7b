"""The pages of every declared resource, alike for each entity: the list (its filters, sort
and pages; htmx refreshes the results alone; a refused filter is said next to its field,
with nothing listed), the list's download (when declared), one record, the "new" and "edit"
forms (refused values back on the form, a stale version shown as a conflict) and the delete
button.

An entity's pages are one :class:`PageSpec`: its API's :class:`ResourceSpec` (the key, the
filters, the store's load and delete, the least roles) and what only pages have — the
form's fields, the choices the list and forms offer, the record's page, and the hooks some
entities need (a list cut to its page by the store, what the list shows beside its rows, a
download, a stale form's field-by-field conflicts). The templates are
``{path}/list.html.j2``, ``{path}/_table.html.j2``, ``{path}/detail.html.j2`` and
``{path}/form.html.j2``. This module defines no ``router`` of its own (``web.routes``
includes each page module's), and, like the API's router, does not postpone annotations:
the route signatures are built from the spec and FastAPI reads them as objects.
"""

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Annotated, Any, get_origin
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lowpolitics.exchange.table_export import FORMATS, table_bytes
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import InputError, NotFoundError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.framework.i18n import translator
from lowpolitics.store.audit import changes_since
from lowpolitics.web import crud
from lowpolitics.web.auth import Principal, requires
from lowpolitics.web.context import WebContext, web_context
from lowpolitics.web.forms import field_errors
from lowpolitics.web.i18n import request_language
from lowpolitics.web.paging import Page, bounded, paginate
from lowpolitics.web.resources import ResourceSpec
from lowpolitics.web.templating import render


@dataclass(frozen=True)
class PageContext:
    """What a page's hooks read: the app's context and the reader's language."""

    web: WebContext
    lang: str

    @property
    def codebook(self) -> Codebook:
        return self.web.codebook

    @property
    def gazetteer(self) -> Gazetteer:
        return self.web.gazetteer

    @property
    def cache(self) -> dict:
        return self.web.cache

    @property
    def as_of(self) -> date | None:
        return self.web.as_of

    def today(self) -> date:
        return self.web.today()

    def session(self):
        return self.web.session()

    def gettext(self) -> Callable[[str], str]:
        return translator(self.lang)


def page_context(request: Request) -> PageContext:
    return PageContext(web_context(request), request_language(request))


Choices = Callable[[PageContext, Session], dict[str, Any]]


def no_choices(ctx: PageContext, session: Session) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Export:
    """The list downloadable as the entity's import file (CSV or XLSX): every row as
    filtered and sorted on the page, not one page, so that it can be corrected and imported
    again; cells a spreadsheet would run as formulas are neutralised
    (``exchange.table_export``). ``row(obj)`` → the object's row in ``columns``."""

    columns: Sequence[str]
    row: Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class PageSpec:
    """What the generic views need to serve ``/{path}`` for ``resource``:

    - ``fields``: the form's columns (those of the entity's CSV);
    - ``find(ctx, session, filters, sort)`` → every row of the list, filtered and sorted as
      the list shows them (the page is cut from them; a download takes them all);
    - ``detail(ctx, session, obj)`` → the context of the record's page;
    - ``record(session, obj)`` → the edit form's values;
    - ``save(ctx, session, values, who, key, version)`` → the saved object (``key`` and
      ``version`` None for a new one); the store checks, audits and refuses stale versions;
    - ``choices(ctx, session)``: what the list's filters offer (and the form's, unless
      ``form_choices(ctx, session, key)`` says otherwise — ``key`` None on a new record);
    - ``conflict_field``: where a refused new record's conflict is shown (its key or name is
      taken); ``taken_field``: the same on an edit that was not stale.

    Hooks for what not every entity has, each general rather than one entity's case:

    - ``path``: the pages' address and templates' folder, when not the API's name;
    - ``filters``: the list's filters, when fewer than the API's; ``default_sort``: the
      list's order, when not the API's (newest first);
    - ``page_of(ctx, session, filters, sort, page, per_page)`` → one :class:`Page`, for a
      list the store cuts to its page itself (only that page loaded with its relations);
    - ``shown(ctx, session, chunk, found)`` → what the list's templates get for the page's
      rows, and anything drawn beside them (``found``: every row, when ``find`` listed
      them; None when ``page_of`` did). Default: the objects, named as the resource;
    - ``new_values``: a new record's form, filled in;
    - ``audited``: the record's name in the audit trail — a stale edit then shows, field by
      field, what the other person changed and asks which value to keep (``web.conflicts``);
    - ``export``: the list's download, at ``/{path}.csv`` and ``/{path}.xlsx``.
    """

    resource: ResourceSpec
    fields: Sequence[str]
    detail: Callable[[PageContext, Session, Any], dict[str, Any]]
    record: Callable[[Session, Any], dict[str, str]]
    save: Callable[..., Any]
    conflict_field: str
    find: Callable[[PageContext, Session, dict[str, str], str], Sequence[Any]] | None = None
    taken_field: str | None = None
    choices: Choices = no_choices
    form_choices: Callable[[PageContext, Session, Any], dict[str, Any]] | None = None
    path: str | None = None
    filters: Sequence[str] | None = None
    default_sort: str | None = None
    page_of: Callable[..., Page[Any]] | None = None
    shown: Callable[[PageContext, Session, Page[Any], Sequence[Any] | None], dict] | None = None
    new_values: Mapping[str, str] = field(default_factory=dict)
    audited: str | None = None
    export: Export | None = None

    @property
    def name(self) -> str:
        return self.path or self.resource.name

    @property
    def base(self) -> str:
        return f"/{self.name}"

    def template(self, page: str) -> str:
        return f"{self.name}/{page}.html.j2"

    def list_filters(self) -> Sequence[str]:
        return tuple(self.resource.filters) if self.filters is None else self.filters

    def listed(
        self, ctx: PageContext, session: Session, filters: dict, sort: str, page: int, per: int
    ) -> tuple[Page[Any], Sequence[Any] | None]:
        """One page of the list, and every row when they were all found."""
        if self.page_of is not None:
            return self.page_of(ctx, session, filters, sort, page, per), None
        if self.find is None:
            raise TypeError(f"the pages of {self.name} declare neither find nor page_of")
        found = self.find(ctx, session, filters, sort)
        return paginate(list(found), page, per), found

    def rows_shown(
        self, ctx: PageContext, session: Session, chunk: Page[Any], found: Sequence[Any] | None
    ) -> dict[str, Any]:
        if self.shown is None:
            return {self.resource.name: chunk.items}
        return self.shown(ctx, session, chunk, found)


def _with_filters(
    view: Callable[..., Response],
    spec: PageSpec,
    first: Sequence[inspect.Parameter],
    tail: Sequence[inspect.Parameter],
    name: str,
) -> Callable[..., Response]:
    """``view`` with the list's filters as text parameters (empty: no filter) and its sort
    in its signature, between ``first`` and ``tail`` (FastAPI reads the signature). A filter
    the API declares as a list (``contact``) is a list here too: a multiple select sends the
    parameter once per value chosen."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    sort = spec.default_sort or spec.resource.default_sort
    parameters = [
        *first,
        *(_filter_parameter(spec, f) for f in spec.list_filters()),
        inspect.Parameter("sort", keyword, default=sort, annotation=str),
        *tail,
        inspect.Parameter(
            "who", keyword, default=requires(spec.resource.read_role), annotation=Principal
        ),
    ]
    view.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    view.__name__ = f"{spec.resource.noun.replace(' ', '_')}_{name}"
    return view


def _filter_parameter(spec: PageSpec, name: str) -> inspect.Parameter:
    keyword = inspect.Parameter.KEYWORD_ONLY
    declared = spec.resource.filters.get(name)
    if declared is not None and get_origin(declared.type) is list:
        return inspect.Parameter(name, keyword, default=Query([]), annotation=list[str])
    return inspect.Parameter(name, keyword, default="", annotation=str)


_REQUEST = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)


def _list_view(spec: PageSpec) -> Callable[..., Response]:
    """``GET /{path}``: one page of the list; a filter or sort the store refuses is said
    next to its field, with nothing listed (422, the list page — not an error page)."""

    def list_page(request: Request, **params: Any) -> Response:
        sort, page, per_page = params.pop("sort"), params.pop("page"), params.pop("per_page")
        params.pop("who")
        ctx = page_context(request)
        errors: dict[str, list[str]] = {}
        with ctx.session() as session:
            try:
                chunk, found = spec.listed(ctx, session, params, sort, page, per_page)
            except InputError as exc:
                errors = field_errors(exc, request)
                chunk, found = Page([], 0, *bounded(1, per_page)), []
            context = {
                "page": chunk,
                **spec.rows_shown(ctx, session, chunk, found),
                "filters": params,
                "sort": sort,
                "export_base": spec.base if spec.export else None,
                **spec.choices(ctx, session),
            }
        full, part = spec.template("list"), spec.template("_table")
        return crud.render_list(request, full, part, context, errors)

    keyword = inspect.Parameter.KEYWORD_ONLY
    paging = [
        inspect.Parameter("page", keyword, default=1, annotation=int),
        inspect.Parameter("per_page", keyword, default=50, annotation=int),
    ]
    return _with_filters(list_page, spec, [_REQUEST], paging, "list")


def _export_view(spec: PageSpec, export: Export) -> Callable[..., Response]:
    """``GET /{path}.csv`` and ``.xlsx``: the list as filtered, every row."""

    def download(request: Request, fmt: str, **params: Any) -> Response:
        sort = params.pop("sort")
        params.pop("who")
        if fmt not in FORMATS:
            raise NotFoundError(f"no export as '{fmt}': use {spec.name}.csv or {spec.name}.xlsx")
        if spec.find is None:
            raise TypeError(f"the pages of {spec.name} declare an export but no find")
        ctx = page_context(request)
        with ctx.session() as session:
            rows = [export.row(obj) for obj in spec.find(ctx, session, params, sort)]
        body = table_bytes(fmt, export.columns, rows, sheet=spec.name)
        filename = f"{spec.name}-{ctx.today().isoformat()}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(body, media_type=FORMATS[fmt], headers=headers)

    fmt = inspect.Parameter("fmt", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)
    return _with_filters(download, spec, [_REQUEST, fmt], [], "export")


def resource_pages(spec: PageSpec) -> APIRouter:
    """The pages of ``spec``: a router for the entity's page module to name ``router`` (and
    add its own pages to, such as an instrument's commitments)."""
    resource = spec.resource
    router = APIRouter(include_in_schema=False)
    Key = Annotated[resource.key_type, Path(alias=resource.key_param)]  # noqa: N806 - a type
    reader, writer = requires(resource.read_role), requires(resource.write_role)
    base = spec.base
    item = base + "/{" + resource.key_param + "}"

    def address(key: Any) -> str:
        return f"{base}/{quote(str(key))}"

    def show_form(request: Request, values: dict, errors: dict, *, key: Any, **shown) -> Response:
        ctx = page_context(request)
        with ctx.session() as session:
            if spec.form_choices is not None:
                choices = spec.form_choices(ctx, session, key)
            else:
                choices = spec.choices(ctx, session)
            context = {resource.key_param: key, **choices}
        return crud.form_page(request, spec.template("form"), values, errors, context, **shown)

    router.add_api_route(base, _list_view(spec), methods=["GET"])
    if spec.export is not None:
        router.add_api_route(base + ".{fmt}", _export_view(spec, spec.export), methods=["GET"])

    @router.get(base + "/new")
    def new_form(request: Request, who: Principal = writer) -> Response:
        return show_form(request, dict(spec.new_values), {}, key=None)

    @router.post(base + "/new")
    async def create(request: Request, who: Principal = writer) -> Response:
        ctx = page_context(request)

        def save(session: Session, values: dict) -> Any:
            return resource.key_of(spec.save(ctx, session, values, who.name, None, None))

        return await crud.create_from_form(
            request,
            spec.fields,
            save=save,
            show_form=partial(show_form, request, key=None),
            detail_url=lambda key: address(key) + "?saved=1",
            conflict_field=spec.conflict_field,
        )

    @router.get(item)
    def detail(request: Request, key: Key, who: Principal = reader) -> Response:
        ctx = page_context(request)
        with ctx.session() as session:
            context = spec.detail(ctx, session, resource.load(session, key))
        context["saved"] = request.query_params.get("saved")
        return render(request, spec.template("detail"), context)

    @router.get(item + "/edit")
    def edit_form(request: Request, key: Key, who: Principal = writer) -> Response:
        with web_context(request).session() as session:
            obj = resource.load(session, key)
            values, version = spec.record(session, obj), obj.version
        return show_form(request, values, {}, key=key, version=version)

    @router.post(item + "/edit")
    async def update(request: Request, key: Key, who: Principal = writer) -> Response:
        ctx = page_context(request)
        audited = {}
        if spec.audited is not None:
            audited = {
                "stored": lambda s: spec.record(s, resource.load(s, key)),
                "history": lambda s, since, now: changes_since(s, spec.audited, key, since, now),
            }
        return await crud.update_from_form(
            request,
            spec.fields,
            save=lambda s, values, version: spec.save(ctx, s, values, who.name, key, version),
            show_form=partial(show_form, request, key=key),
            detail_url=address(key) + "?saved=1",
            current_version=lambda s: resource.load(s, key).version,
            taken_field=spec.taken_field,
            **audited,
        )

    @router.post(item + "/delete")
    async def delete(request: Request, key: Key, who: Principal = writer) -> Response:
        ctx = web_context(request)
        return await crud.delete_from_form(
            request,
            delete=lambda s, version: resource.remove(ctx, s, key, who.name, version),
            list_url=f"{base}?deleted={quote(str(key))}",
        )

    return router
