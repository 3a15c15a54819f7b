"""/api/v1/activities — the registry over HTTP, in the registry's own fields.

Declarations only: the routes are the generic ones of ``web.api.resource_router``. The list
finds its page itself (``find``: the filters and order shared with the activity pages; by
number or after a cursor, ``keyset``), a
write answers with the activity and the warnings about it (``envelope``), and a patch that
clears a field a PUT keeps when absent clears it (``patch_cleared``). Reads go through
``store.activity_reading`` (Core rows into plain objects, not ORM objects: the list's cost)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from lowpolitics.store.activity_reading import DisplayedActivity, read_activities, read_activity
from lowpolitics.store.editing import KEPT_WHEN_ABSENT, delete_activity, save_activity
from lowpolitics.store.models import Activity
from lowpolitics.web.activity_views import (
    SORTS,
    ActivityIn,
    ActivityOut,
    ActivityUpdate,
    SavedActivity,
    activity_count,
    activity_json,
    activity_page,
    contact_filter,
)
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.list_totals import cached_total
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.resources import Filter, ResourceSpec

ActivityPatch = patch_model(ActivityIn)


def _find(
    ctx: WebContext,
    session: Session,
    values: dict,
    sort: str,
    page: int,
    per_page: int,
    after: str | None = None,
):
    values = contact_filter(values, ctx.codebook.contact_codes)

    def total_of(filters: dict) -> int:
        key = ("activities", *sorted(filters.items()))
        return cached_total(ctx, session, key, lambda: activity_count(session, **filters))

    return activity_page(
        session,
        page,
        per_page,
        **values,
        sort=sort,
        load=read_activities,
        total_of=total_of,
        after=after,
    )


def _rows(
    ctx: WebContext, session: Session, activities: Sequence[Activity | DisplayedActivity]
) -> list[dict]:
    return [activity_json(a) for a in activities]


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version):
    return save_activity(
        session,
        ctx.codebook,
        ctx.gazetteer,
        data,
        who=who,
        key=key,
        version=version,
        source=SOURCE,
        as_of=ctx.as_of,
    )


def _delete(session: Session, key: str, who: str, version: int) -> None:
    delete_activity(session, key, who=who, version=version)


def _cleared(data: dict, cleared: frozenset[str]) -> dict:
    """A PUT keeps the status history's fields when absent; a patch's ``null`` clears them."""
    for column in cleared & set(KEPT_WHEN_ABSENT):
        data[column] = ""
    return data


SPEC = ResourceSpec(
    name="activities",
    noun="activity",
    model=Activity,
    key_column="key",
    key_param="key",
    key_type=str,
    schema_in=ActivityIn,
    schema_update=ActivityUpdate,
    schema_patch=ActivityPatch,
    schema_out=ActivityOut,
    load=read_activity,
    save=_save,
    delete=_delete,
    rows=_rows,
    find=_find,
    filters={
        "mechanism": Filter(),
        "status": Filter(),
        "region": Filter(description="ISO 3166-2 code, e.g. KG-B"),
        "date_from": Filter(description="keeps activities ending on or after it"),
        "date_to": Filter(description="keeps activities starting on or before it"),
        "q": Filter(description="text in title, id, initiative, place or notes"),
        "contact": Filter(
            type=list[str],
            description="how the two sides met (codebook contacts: bilateral, "
            "multilateral_joint, co_presence, one_sided); repeat the parameter or separate "
            "codes with commas to keep any of several; rows not coded match none; an unknown "
            "code is refused (422)",
        ),
    },
    sorts=SORTS,
    default_sort="date",
    sort_doc="date, title, mechanism, status, region, participants or id; prefix - to reverse",
    envelope="activity",
    schema_saved=SavedActivity,
    patch_cleared=_cleared,
    keyset=True,  # ?after=<next>: a deep page as cheap as the first (web.activity_list)
    json_rows=True,  # activity_json: ActivityOut's fields in its order (test_api_json_bodies)
    docs={
        "get": "One activity; its version is also the ``ETag`` (send it back as ``If-Match``).",
        "patch": "Change only the fields given (a JSON merge patch); ``null`` clears an "
        "optional\nfield. The patched activity is checked and saved as a PUT is.",
        "delete": 'Delete the activity at the version you read: ``?version=N`` or ``If-Match: "N"``'
        "\n(428 without either, 409 when it changed since).",
    },
)

router = resource_router(SPEC)
