"""/api/v1/bodies — joint commissions and working groups, their rhythm and, for one body,
the continuity analysis's figures (sessions, gaps against the rhythm).

Declarations only: the routes are the generic ones of ``web.api.resource_router``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lowpolitics.store.models import Body, Instrument
from lowpolitics.store.registry_frameworks import delete_body, get_body, save_body
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.crud import StrictIn
from lowpolitics.web.entity_views import body_continuity, body_json
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.resources import Filter, ResourceSpec, text_in


class BodyIn(StrictIn):
    """A body as in a frameworks file; ``initiative`` is the one whose activities are its
    sessions (after saving, only that initiative points at the body)."""

    key: str = Field(..., examples=["igc"])
    name: str
    kind: str | None = Field(None, description="commission when empty", examples=["commission"])
    rhythm_months: int | None = Field(None, description="expected months between sessions")
    instrument: str | None = Field(None, description="an instrument's key")
    initiative: str | None = Field(None, description="an initiative's name")
    notes: str | None = None


class BodyUpdate(BodyIn):
    key: str | None = Field(None, description="if given, must be the key in the address")
    version: int = Field(..., description="the version you read (GET returns it)")


BodyPatch = patch_model(BodyIn)


class BodyOut(BaseModel):
    key: str
    name: str
    kind: str
    rhythm_months: int | None
    instrument: str | None
    initiative: str | None
    initiatives: list[str]
    notes: str | None
    version: int
    activities: int = Field(..., description="activities of the linked initiatives")
    continuity: dict[str, Any] | None = Field(
        None, description="the continuity analysis's figures for the body (GET of one body)"
    )


def _rows(ctx: WebContext, session: Session, bodies: Sequence[Body]) -> list[dict]:
    return [body_json(session, body) for body in bodies]


def _detail(ctx: WebContext, session: Session, body: Body) -> dict:
    """One body with the continuity analysis's figures for it."""
    analysis = body_continuity(ctx.cache, session, ctx.codebook, body.key)
    return body_json(session, body, analysis=analysis)


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version) -> Body:
    return save_body(session, ctx.codebook, data, who=who, key=key, version=version, source=SOURCE)


def _instrument(key: str):
    return Body.instrument_id.in_(select(Instrument.id).where(Instrument.key == key))


SPEC = ResourceSpec(
    name="bodies",
    noun="body",
    model=Body,
    key_column="key",
    key_param="key",
    key_type=str,
    schema_in=BodyIn,
    schema_update=BodyUpdate,
    schema_patch=BodyPatch,
    schema_out=BodyOut,
    load=get_body,
    save=_save,
    delete=lambda session, key, who, version: delete_body(session, key, who=who, version=version),
    rows=_rows,
    detail=_detail,
    filters={
        "kind": Filter(lambda v: Body.kind == v, description="commission, working_group …"),
        "instrument": Filter(_instrument, description="an instrument's key"),
        "q": Filter(
            lambda v: text_in(v, Body.key, Body.name, Body.notes),
            description="text in the key, name or notes",
        ),
    },
    sorts={
        "key": (Body.key,),
        "name": (func.lower(Body.name), Body.key),
        "kind": (Body.kind, Body.key),
        "rhythm": (func.coalesce(Body.rhythm_months, 0), Body.key),
    },
    default_sort="key",
    sort_doc="key, name, kind or rhythm; - to reverse",
)

router = resource_router(SPEC)
