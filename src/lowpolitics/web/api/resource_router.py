"""The routes of every declared resource (``web.resources.ResourceSpec``): list, read,
create, replace, patch and delete under ``/api/v1/{name}``, alike for each entity.

- ``GET ""``: the spec's filters and ``sort`` as query parameters, one page fetched by SQL;
- ``GET /{key}``: the record with ``ETag: "version"``;
- ``POST ""``: 201 with ``Location``;
- ``PUT /{key}``: the whole record with its ``version``; ``PATCH /{key}``: a JSON merge
  patch with ``version`` or ``If-Match`` (428 without, 409 when stale);
- ``DELETE /{key}``: ``?version=N`` or ``If-Match`` required, 204.

The store calls check, audit and refuse stale versions, as for the hand-written routes.
This module deliberately does not use postponed annotations: the route signatures are built
from the spec (its models, its key's type), and FastAPI reads them as objects.
"""

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from lowpolitics.web import crud
from lowpolitics.web.auth import Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.cursors import PARAM, checked_after
from lowpolitics.web.json_bodies import json_response
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch
from lowpolitics.web.paging import KeysetPageOut, PageOut, page_out
from lowpolitics.web.resources import ResourceSpec, page_query
from lowpolitics.web.versions import DeleteVersion, tagged

SOURCE = "request body"  # what the audit trail records as the change's source
AFTER = Query(
    None,
    description="a cursor: the ``next`` of the previous page (same filters and sort); the "
    "page after it is as cheap however deep it is, where ``page=N`` walks past every earlier "
    "row. Not with ``page``",
)
PATCH_DOC = "Change only the fields given (a JSON merge patch); ``null`` clears an optional one."


def _list_endpoint(spec: ResourceSpec) -> Callable[..., dict]:
    """``GET ""`` with a signature built from the spec's filters (so OpenAPI lists each one
    with its type and FastAPI refuses a badly typed value with 422 naming it)."""

    def list_(request: Request, **params: Any) -> Any:
        sort, page, per_page = params.pop("sort"), params.pop("page"), params.pop("per_page")
        params.pop("who")
        cursor = {"after": checked_after(params.pop(PARAM), page)} if spec.keyset else {}
        ctx = web_context(request)
        with ctx.session() as session:
            if spec.find is not None:
                chunk = spec.find(ctx, session, params, sort, page, per_page, **cursor)
            else:
                chunk = page_query(session, spec, params, sort, page, per_page)
            body = page_out(chunk, spec.rows(ctx, session, chunk.items), keyset=spec.keyset)
        return json_response(body) if spec.json_rows else body

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for name, declared in spec.filters.items():
        query = Query(None, description=declared.description)
        parameters.append(
            inspect.Parameter(name, keyword, default=query, annotation=declared.type | None)
        )
    sort = Query(
        spec.default_sort, description=spec.sort_doc, pattern=crud.sort_pattern(spec.sorts)
    )
    parameters += [
        inspect.Parameter("sort", keyword, default=sort, annotation=str),
        inspect.Parameter("page", keyword, default=Query(1, ge=1), annotation=int),
        *(
            [inspect.Parameter(PARAM, keyword, default=AFTER, annotation=str | None)]
            if spec.keyset
            else []
        ),
        inspect.Parameter("per_page", keyword, default=Query(50, ge=1, le=500), annotation=int),
        inspect.Parameter("who", keyword, default=requires(spec.read_role), annotation=Principal),
    ]
    list_.__signature__ = inspect.Signature(parameters, return_annotation=dict)  # type: ignore[attr-defined]
    return list_


def resource_router(spec: ResourceSpec, prefix: str | None = None) -> APIRouter:
    """The routes of ``spec``, to include in the app like any module's ``router``;
    ``prefix``: where they sit when included in a router of its own prefix (instruments)."""
    tags = list(spec.tags) if spec.tags is not None else [spec.name]
    router = APIRouter(prefix=spec.prefix if prefix is None else prefix, tags=tags)
    Saved = spec.schema_saved or spec.schema_out  # noqa: N806 - a type
    Key = Annotated[spec.key_type, Path(alias=spec.key_param)]  # noqa: N806 - a type
    Out, In, Update, Patch = (  # noqa: N806 - types
        spec.schema_out,
        spec.schema_in,
        spec.schema_update,
        spec.schema_patch,
    )
    reader, writer = requires(spec.read_role), requires(spec.write_role)
    item = "/{" + spec.key_param + "}"

    listed = KeysetPageOut[Out] if spec.keyset else PageOut[Out]
    router.add_api_route("", _list_endpoint(spec), methods=["GET"], response_model=listed)

    def _save(request: Request, session, key: Any, data: dict, version: int | None, who) -> Any:
        ctx = web_context(request)
        return spec.save(ctx, session, data, who.name, key, version)

    @router.get(item, response_model=Out, description=spec.docs.get("get"))
    def get(request: Request, key: Key, response: Response, who: Principal = reader) -> Any:
        ctx = web_context(request)
        with ctx.session() as session:
            body = spec.one(ctx, session, spec.load(session, key))
        if not spec.json_rows:
            return tagged(response, body)
        written = json_response(body)
        tagged(written, body)
        return written

    @router.post("", response_model=Saved, status_code=201)
    def create(request: Request, body: In, response: Response, who: Principal = writer) -> dict:
        ctx = web_context(request)
        with ctx.session() as session:
            result = _save(request, session, None, body.model_dump(), None, who)
            obj, out = spec.written(ctx, session, result)
            return created(response, f"{spec.prefix}/{spec.key_of(obj)}", out)

    @router.put(item, response_model=Saved)
    def update(
        request: Request, key: Key, body: Update, response: Response, who: Principal = writer
    ) -> dict:
        ctx = web_context(request)
        with ctx.session() as session:
            data = body.model_dump(exclude={"version"})
            result = _save(request, session, key, data, body.version, who)
            return tagged(response, spec.written(ctx, session, result)[1])

    patch_doc = PATCH_DOC + (f"\n{spec.patch_note}" if spec.patch_note else "")

    @router.patch(item, response_model=Saved, description=spec.docs.get("patch", patch_doc))
    def patch(
        request: Request,
        key: Key,
        changes: Patch,
        response: Response,
        who: Principal = writer,
        if_match: PatchHeaders = None,
    ) -> dict:
        ctx = web_context(request)
        with ctx.session() as session:
            current = spec.rows(ctx, session, [spec.load(session, key)])[0]
            patched = apply_patch(In, current, changes, if_match, spec.label(key))
            data = patched.data()
            if spec.patch_cleared is not None:
                data = spec.patch_cleared(data, patched.cleared)
            result = _save(request, session, key, data, patched.version, who)
            return tagged(response, spec.written(ctx, session, result)[1])

    delete_doc = spec.docs.get(
        "delete",
        f'Delete the {spec.noun} at the version you read: ``?version=N`` or ``If-Match: "N"``.',
    )

    @router.delete(item, status_code=204, description=delete_doc)
    def delete(
        request: Request, key: Key, who: Principal = writer, expected: DeleteVersion = None
    ) -> Response:
        version = expected.required(spec.label(key))
        ctx = web_context(request)
        return deleted(request, lambda s: spec.remove(ctx, s, key, who.name, version))

    return router
