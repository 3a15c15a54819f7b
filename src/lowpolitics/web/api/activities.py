"""/api/v1/activities — the registry over HTTP, in the registry's own fields."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from lowpolitics.store.activity_reading import read_activities, read_activity
from lowpolitics.store.editing import KEPT_WHEN_ABSENT, delete_activity, save_activity
from lowpolitics.store.queries import get_activity
from lowpolitics.web import crud
from lowpolitics.web.activity_views import (
    SORTS,
    ActivityIn,
    ActivityOut,
    ActivityUpdate,
    SavedActivity,
    activity_json,
    activity_page,
)
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out
from lowpolitics.web.versions import DeleteVersion, tagged

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])
ActivityPatch = patch_model(ActivityIn)


@router.get("", response_model=PageOut[ActivityOut])
def list_(
    request: Request,
    mechanism: str | None = None,
    status: str | None = None,
    region: str | None = Query(None, description="ISO 3166-2 code, e.g. KG-B"),
    date_from: str | None = Query(None, description="keeps activities ending on or after it"),
    date_to: str | None = Query(None, description="keeps activities starting on or before it"),
    q: str | None = Query(None, description="text in title, id, initiative, place or notes"),
    sort: str = Query(
        "date",
        description="date, title, mechanism, status, region, "
        "participants or id; prefix - to reverse",
        pattern=crud.sort_pattern(SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    with web_context(request).session() as session:
        chunk = activity_page(
            session,
            page,
            per_page,
            mechanism=mechanism,
            status=status,
            region=region,
            date_from=date_from,
            date_to=date_to,
            q=q,
            sort=sort,
            load=read_activities,
        )
        return page_out(chunk, [activity_json(a) for a in chunk.items])


@router.get("/{key}", response_model=ActivityOut)
def get(request: Request, key: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    """One activity; its version is also the ``ETag`` (send it back as ``If-Match``)."""
    with web_context(request).session() as session:
        return tagged(response, activity_json(read_activity(session, key)))


@router.post("", response_model=SavedActivity, status_code=201)
def create(
    request: Request, body: ActivityIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        activity, warnings = save_activity(
            session,
            ctx.codebook,
            ctx.gazetteer,
            body.model_dump(),
            who=who.name,
            source="request body",
            as_of=ctx.as_of,
        )
        out = {"activity": activity_json(activity), "warnings": warnings}
        return created(response, f"/api/v1/activities/{activity.key}", out)


@router.put("/{key}", response_model=SavedActivity)
def update(
    request: Request,
    key: str,
    body: ActivityUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    ctx = web_context(request)
    data = body.model_dump(exclude={"version"})
    with ctx.session() as session:
        activity, warnings = save_activity(
            session,
            ctx.codebook,
            ctx.gazetteer,
            data,
            who=who.name,
            key=key,
            version=body.version,
            source="request body",
            as_of=ctx.as_of,
        )
        return tagged(response, {"activity": activity_json(activity), "warnings": warnings})


@router.patch("/{key}", response_model=SavedActivity)
def patch(
    request: Request,
    key: str,
    changes: ActivityPatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional
    field. The patched activity is checked and saved as a PUT is."""
    ctx = web_context(request)
    with ctx.session() as session:
        current = activity_json(get_activity(session, key))
        patched = apply_patch(ActivityIn, current, changes, if_match, f"activity '{key}'")
        data = patched.data()
        for column in patched.cleared & set(KEPT_WHEN_ABSENT):
            data[column] = ""  # cleared on purpose: not "kept when absent" as a PUT keeps it
        activity, warnings = save_activity(
            session,
            ctx.codebook,
            ctx.gazetteer,
            data,
            who=who.name,
            key=key,
            version=patched.version,
            source="request body",
            as_of=ctx.as_of,
        )
        return tagged(response, {"activity": activity_json(activity), "warnings": warnings})


@router.delete("/{key}", status_code=204)
def delete(
    request: Request,
    key: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the activity at the version you read: ``?version=N`` or ``If-Match: "N"``
    (428 without either, 409 when it changed since)."""
    version = expected.required(f"activity '{key}'")
    return deleted(request, lambda s: delete_activity(s, key, who=who.name, version=version))
