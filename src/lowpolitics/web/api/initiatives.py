"""/api/v1/initiatives — lines of work and their links to instruments, commitments, bodies.

Declarations only: the routes are the generic ones of ``web.api.resource_router``."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lowpolitics.store.models import Activity, Actor, Body, Initiative, Instrument
from lowpolitics.store.registry_entities import delete_initiative, get_initiative, save_initiative
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.crud import StrictIn
from lowpolitics.web.entity_views import activity_stats, initiative_json
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.resources import Filter, ResourceSpec, text_in


class InitiativeIn(StrictIn):
    """An initiative; links are named by key (instrument, body), code (the commitment, within
    the instrument) and ``Name [CC]`` (the lead actor, created when new)."""

    name: str = Field(..., examples=["Days of Culture"])
    mechanism: str | None = Field(None, examples=["institutional"])
    activity_type: str | None = Field(None, examples=["days_of_culture"])
    rhythm_months: int | None = Field(None, description="expected months between occurrences")
    instrument: str | None = Field(None, description="an instrument's key")
    commitment: str | None = Field(None, description="a commitment's code in that instrument")
    body: str | None = Field(None, description="a body's key")
    lead_actor: str | None = Field(None, examples=["Ministry of Culture of Tajikistan [TJ]"])


class InitiativeUpdate(InitiativeIn):
    version: int = Field(..., description="the version you read (GET returns it)")


InitiativePatch = patch_model(InitiativeIn)


class InitiativeOut(BaseModel):
    id: int
    name: str
    mechanism: str | None
    activity_type: str | None
    rhythm_months: int | None
    instrument: str | None
    commitment: str | None
    commitment_id: int | None
    body: str | None
    lead_actor: str | None
    lead_actor_id: int | None
    version: int
    activities: int
    first_date: str | None
    last_date: str | None


def _rows(ctx: WebContext, session: Session, initiatives: Sequence[Initiative]) -> list[dict]:
    stats = activity_stats(session, [i.id for i in initiatives])
    return [initiative_json(session, i, stats) for i in initiatives]


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version) -> Initiative:
    return save_initiative(
        session, ctx.codebook, data, who=who, initiative_id=key, version=version, source=SOURCE
    )


def _text(q: str):
    """In the name, or in the lead actor as shown: ``Name [CC]``."""
    label = Actor.name + " [" + Actor.country_code + "]"
    leads = select(Actor.id).where(text_in(q, label))
    return text_in(q, Initiative.name) | Initiative.lead_actor_id.in_(leads)


def _of_activities(aggregate):
    """A correlated aggregate over the initiative's activities (count, first, last date)."""
    return (
        select(aggregate)
        .where(Activity.initiative_id == Initiative.id)
        .correlate(Initiative)
        .scalar_subquery()
    )


def _dated(when):
    """Undated first (as an empty date sorts), then by the date."""
    return (case((when.is_(None), 0), else_=1), when)


_name = func.lower(Initiative.name)

SPEC = ResourceSpec(
    name="initiatives",
    noun="initiative",
    model=Initiative,
    key_column="id",
    key_param="initiative_id",
    key_type=int,
    schema_in=InitiativeIn,
    schema_update=InitiativeUpdate,
    schema_patch=InitiativePatch,
    schema_out=InitiativeOut,
    load=get_initiative,
    save=_save,
    delete=lambda session, key, who, version: delete_initiative(
        session, key, who=who, version=version
    ),
    rows=_rows,
    filters={
        "mechanism": Filter(lambda v: Initiative.mechanism == v),
        "activity_type": Filter(lambda v: Initiative.activity_type == v),
        "instrument": Filter(
            lambda v: Initiative.instrument_id.in_(
                select(Instrument.id).where(Instrument.key == v)
            ),
            description="an instrument's key",
        ),
        "body": Filter(
            lambda v: Initiative.body_id.in_(select(Body.id).where(Body.key == v)),
            description="a body's key",
        ),
        "q": Filter(_text, description="text in the name or the lead actor"),
    },
    sorts={
        "name": (_name,),
        "mechanism": (func.coalesce(Initiative.mechanism, ""), _name),
        "activities": (_of_activities(func.count()), _name),
        "first": (*_dated(_of_activities(func.min(Activity.date_start))), _name),
        "last": (*_dated(_of_activities(func.max(Activity.date_start))), _name),
    },
    default_sort="name",
    sort_doc="name, mechanism, activities, first or last; - to reverse",
)

router = resource_router(SPEC)
