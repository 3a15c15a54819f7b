"""/api/v1/actors — who takes part: list, read, create, change, delete (refused while used).

Declarations only: the routes are the generic ones of ``web.api.resource_router``."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lowpolitics.store.models import ActivityActor, Actor
from lowpolitics.store.registry_entities import delete_actor, get_actor, save_actor
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.crud import StrictIn
from lowpolitics.web.entity_views import actor_json, actor_links
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.resources import Filter, ResourceSpec, text_in


class ActorIn(StrictIn):
    """An actor as in the actors file: name and country are its identity."""

    name: str = Field(..., examples=["Ministry of Culture of Kyrgyzstan"])
    country: str = Field(..., description="ISO alpha-2 code or INT", examples=["KG"])
    type: str | None = Field(None, description="a codebook actor type", examples=["ministry"])
    notes: str | None = None


class ActorUpdate(ActorIn):
    version: int = Field(..., description="the version you read (GET returns it)")


ActorPatch = patch_model(ActorIn)


class ActorOut(BaseModel):
    id: int
    name: str
    country: str
    type: str | None
    group: str | None
    notes: str | None
    version: int
    activities: int
    instruments: list[str]
    initiatives_led: list[str]


def _rows(ctx: WebContext, session: Session, actors: Sequence[Actor]) -> list[dict]:
    links = actor_links(session, [a.id for a in actors])
    return [actor_json(session, ctx.codebook, a, links) for a in actors]


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version) -> Actor:
    return save_actor(
        session, ctx.codebook, data, who=who, actor_id=key, version=version, source=SOURCE
    )


_name = func.lower(Actor.name)
_activities = (
    select(func.count())
    .where(ActivityActor.actor_id == Actor.id)
    .correlate(Actor)
    .scalar_subquery()
)

SPEC = ResourceSpec(
    name="actors",
    noun="actor",
    model=Actor,
    key_column="id",
    key_param="actor_id",
    key_type=int,
    schema_in=ActorIn,
    schema_update=ActorUpdate,
    schema_patch=ActorPatch,
    schema_out=ActorOut,
    load=get_actor,
    save=_save,
    delete=lambda session, key, who, version: delete_actor(session, key, who=who, version=version),
    rows=_rows,
    filters={
        "country": Filter(
            lambda v: Actor.country_code == v.upper(), description="ISO alpha-2 code or INT"
        ),
        "type": Filter(lambda v: Actor.type == v, description="a codebook actor type"),
        "q": Filter(
            lambda v: text_in(v, Actor.name, Actor.notes), description="text in the name or notes"
        ),
    },
    sorts={
        "name": (_name, Actor.country_code),
        "country": (Actor.country_code, _name),
        "type": (func.coalesce(Actor.type, ""), _name),
        "activities": (_activities, _name),
    },
    default_sort="name",
    sort_doc="name, country, type or activities; - to reverse",
)

router = resource_router(SPEC)
