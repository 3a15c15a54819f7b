"""The pages of every declared resource, alike for each entity: the list (its filters, sort
and pages; htmx refreshes the results alone), one record, the "new" and "edit" forms (refused
values back on the form, a stale version shown as a conflict) and the delete button.

An entity's pages are one :class:`PageSpec`: its API's :class:`ResourceSpec` (the address,
the key, the filters, the store's load and delete, the least roles) and what only pages have
— the form's fields, the choices the list and forms offer, the record's page. The templates
are ``{name}/list.html.j2``, ``{name}/_table.html.j2``, ``{name}/detail.html.j2`` and
``{name}/form.html.j2``. This module defines no ``router`` of its own (``web.routes``
includes each page module's), and, like the API's router, does not postpone annotations:
the route signatures are built from the spec and FastAPI reads them as objects.
"""

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lowpolitics.web import crud
from lowpolitics.web.auth import Principal, requires
from lowpolitics.web.context import WebContext, web_context
from lowpolitics.web.paging import paginate
from lowpolitics.web.resources import ResourceSpec
from lowpolitics.web.templating import render

Choices = Callable[[WebContext, Session], dict[str, Any]]


def no_choices(ctx: WebContext, session: Session) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class PageSpec:
    """What the generic views need to serve ``/{name}`` for ``resource``:

    - ``fields``: the form's columns (those of the entity's CSV);
    - ``find(ctx, session, filters, sort)`` → every row of the list, filtered and sorted as
      the list shows them (the page is cut from them);
    - ``detail(ctx, session, obj)`` → the context of the record's page;
    - ``record(session, obj)`` → the edit form's values;
    - ``save(ctx, session, values, who, key, version)`` → the saved object (``key`` and
      ``version`` None for a new one); the store checks, audits and refuses stale versions;
    - ``choices(ctx, session)``: what the list's filters offer (and the form's, unless
      ``form_choices`` says otherwise);
    - ``conflict_field``: where a refused new record's conflict is shown (its key or name is
      taken); ``taken_field``: the same on an edit that was not stale.
    """

    resource: ResourceSpec
    fields: Sequence[str]
    find: Callable[[WebContext, Session, dict[str, str], str], list[Any]]
    detail: Callable[[WebContext, Session, Any], dict[str, Any]]
    record: Callable[[Session, Any], dict[str, str]]
    save: Callable[..., Any]
    conflict_field: str
    taken_field: str | None = None
    choices: Choices = no_choices
    form_choices: Choices | None = None

    @property
    def base(self) -> str:
        return f"/{self.resource.name}"

    def template(self, page: str) -> str:
        return f"{self.resource.name}/{page}.html.j2"


def _list_view(spec: PageSpec) -> Callable[..., Response]:
    """``GET /{name}`` with the resource's filters as text parameters (empty: no filter)."""
    resource = spec.resource

    def list_page(request: Request, **params: Any) -> Response:
        sort, page, per_page = params.pop("sort"), params.pop("page"), params.pop("per_page")
        params.pop("who")
        ctx = web_context(request)
        with ctx.session() as session:
            chunk = paginate(spec.find(ctx, session, params, sort), page, per_page)
            context = {
                "page": chunk,
                resource.name: chunk.items,
                "filters": params,
                "sort": sort,
                **spec.choices(ctx, session),
            }
        template = crud.list_template(request, spec.template("list"), spec.template("_table"))
        return render(request, template, context)

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for name in resource.filters:
        parameters.append(inspect.Parameter(name, keyword, default="", annotation=str))
    parameters += [
        inspect.Parameter("sort", keyword, default=resource.default_sort, annotation=str),
        inspect.Parameter("page", keyword, default=1, annotation=int),
        inspect.Parameter("per_page", keyword, default=50, annotation=int),
        inspect.Parameter(
            "who", keyword, default=requires(resource.read_role), annotation=Principal
        ),
    ]
    list_page.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    list_page.__name__ = f"{resource.noun.replace(' ', '_')}_list"
    return list_page


def resource_pages(spec: PageSpec) -> APIRouter:
    """The pages of ``spec``: a router for the entity's page module to name ``router`` (and
    add its own pages to, such as an instrument's commitments)."""
    resource = spec.resource
    router = APIRouter(include_in_schema=False)
    Key = Annotated[resource.key_type, Path(alias=resource.key_param)]  # noqa: N806 - a type
    reader, writer = requires(resource.read_role), requires(resource.write_role)
    base = spec.base
    item = base + "/{" + resource.key_param + "}"
    form_choices = spec.form_choices or spec.choices

    def show_form(request: Request, values: dict, errors: dict, *, key: Any, **shown) -> Response:
        ctx = web_context(request)
        with ctx.session() as session:
            context = {resource.key_param: key, **form_choices(ctx, session)}
        return crud.form_page(request, spec.template("form"), values, errors, context, **shown)

    router.add_api_route(base, _list_view(spec), methods=["GET"])

    @router.get(base + "/new")
    def new_form(request: Request, who: Principal = writer) -> Response:
        return show_form(request, {}, {}, key=None)

    @router.post(base + "/new")
    async def create(request: Request, who: Principal = writer) -> Response:
        ctx = web_context(request)

        def save(session: Session, values: dict) -> Any:
            return resource.key_of(spec.save(ctx, session, values, who.name, None, None))

        return await crud.create_from_form(
            request,
            spec.fields,
            save=save,
            show_form=partial(show_form, request, key=None),
            detail_url=lambda key: f"{base}/{key}?saved=1",
            conflict_field=spec.conflict_field,
        )

    @router.get(item)
    def detail(request: Request, key: Key, who: Principal = reader) -> Response:
        ctx = web_context(request)
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
        ctx = web_context(request)
        return await crud.update_from_form(
            request,
            spec.fields,
            save=lambda s, values, version: spec.save(ctx, s, values, who.name, key, version),
            show_form=partial(show_form, request, key=key),
            detail_url=f"{base}/{key}?saved=1",
            current_version=lambda s: resource.load(s, key).version,
            taken_field=spec.taken_field,
        )

    @router.post(item + "/delete")
    async def delete(request: Request, key: Key, who: Principal = writer) -> Response:
        ctx = web_context(request)
        return await crud.delete_from_form(
            request,
            delete=lambda s, version: resource.remove(ctx, s, key, who.name, version),
            list_url=f"{base}?deleted={key}",
        )

    return router
