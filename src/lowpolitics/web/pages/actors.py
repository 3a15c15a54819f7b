"""Actor pages: the list (country, type, text; sort; pages) and its download as an actors
file, one actor with what it took part in, and the forms. An actor still named by an
activity, an instrument or an initiative cannot be deleted: the refusal says by how many.

Declarations only: the views are the generic ones of ``web.pages.resource_pages``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.store.models import Activity, ActivityActor, Actor, Initiative, Instrument
from lowpolitics.store.models import InstrumentParty as Party
from lowpolitics.store.registry_entities import actor_record, actor_uses, save_actor
from lowpolitics.web import crud
from lowpolitics.web.api.actors import SPEC as API
from lowpolitics.web.entity_views import activities_where, actor_countries, actor_json, find_actors
from lowpolitics.web.pages.resource_pages import Export, PageContext, PageSpec, resource_pages


def _detail(ctx: PageContext, session: Session, actor: Actor) -> dict:
    """The actor with the activities it took part in, its instruments and the initiatives
    it leads — and how many records use it (deleting is refused while any does)."""
    linked = select(ActivityActor.activity_id).where(ActivityActor.actor_id == actor.id)
    parties = select(Party.instrument_id).where(Party.actor_id == actor.id)
    instruments = session.scalars(
        select(Instrument).where(Instrument.id.in_(parties)).order_by(Instrument.key)
    )
    led = session.scalars(
        select(Initiative).where(Initiative.lead_actor_id == actor.id).order_by(Initiative.name)
    )
    return {
        "a": actor_json(session, ctx.codebook, actor),
        "activities": activities_where(session, Activity.id.in_(linked)),
        "instruments": [(i.key, i.title) for i in instruments],
        "initiatives": [(i.id, i.name) for i in led],
        "uses": actor_uses(session, actor.id),
    }


PAGES = PageSpec(
    resource=API,
    fields=ACTOR_COLUMNS,
    find=lambda ctx, session, filters, sort: find_actors(
        session, ctx.codebook, **filters, sort=sort
    ),
    detail=_detail,
    record=lambda session, actor: crud.form_text(actor_record(actor)),
    save=lambda ctx, session, values, who, key, version: save_actor(
        session, ctx.codebook, values, who=who, actor_id=key, version=version
    ),
    conflict_field="name",
    taken_field="name",  # not stale: the new name and country belong to another actor
    choices=lambda ctx, session: {
        "countries": actor_countries(session),
        "actor_types": ctx.codebook.actor_type_codes,
    },
    export=Export(ACTOR_COLUMNS, lambda row: row),  # as an actors file, to import again
    form_choices=lambda ctx, session, key: {"actor_types": ctx.codebook.actor_type_codes},
)

router = resource_pages(PAGES)
