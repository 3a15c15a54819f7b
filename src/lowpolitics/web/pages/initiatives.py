"""Initiative pages: the list, one initiative with its activities over time and its links
(instrument, commitment, body, lead actor), and the forms.

Declarations only: the views are the generic ones of ``web.pages.resource_pages``."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.store.models import Activity, Body, Commitment, Initiative, Instrument
from lowpolitics.store.registry_entities import (
    INITIATIVE_FIELDS,
    initiative_record,
    save_initiative,
)
from lowpolitics.web import crud
from lowpolitics.web.api.initiatives import SPEC as API
from lowpolitics.web.entity_views import activities_where, find_initiatives, initiative_json
from lowpolitics.web.pages.resource_pages import PageContext, PageSpec, resource_pages


def _choices(ctx: PageContext, session: Session) -> dict:
    """Codebook vocabularies and the instruments, commitments and bodies one can link to."""
    query = select(Instrument).options(selectinload(Instrument.commitments))
    instruments = list(session.scalars(query.order_by(Instrument.key)))
    commitments = [
        (c.code, f"{i.key} · {c.code} — {c.title}")
        for i in instruments
        for c in sorted(i.commitments, key=lambda c: c.code)
    ]
    bodies = [(b.key, f"{b.key} — {b.name}") for b in session.scalars(select(Body))]
    return {
        "mechanisms": ctx.codebook.mechanism_codes,
        "activity_types": ctx.codebook.activity_type_codes,
        "instruments": [(i.key, f"{i.key} — {i.title}") for i in instruments],
        "commitments": commitments,
        "bodies": sorted(bodies),
    }


def _detail(ctx: PageContext, session: Session, initiative: Initiative) -> dict:
    """The initiative, its activities by status and by year, and its links' titles."""
    data = initiative_json(session, initiative)
    rows = activities_where(session, Activity.initiative_id == initiative.id)
    titles = {
        "instrument": session.scalar(
            select(Instrument.title).where(Instrument.key == data["instrument"])
        ),
        "commitment": session.scalar(
            select(Commitment.title).where(Commitment.id == initiative.commitment_id)
        ),
        "body": session.scalar(select(Body.name).where(Body.key == data["body"])),
    }
    by_status = Counter(r["status"] for r in rows)
    years: dict[str, Counter] = {}
    for r in rows:
        years.setdefault(r["date"][:4], Counter())[r["status"]] += 1
    return {
        "i": data,
        "activities": rows,
        "by_status": sorted(by_status.items()),
        "years": sorted(years.items()),
        "titles": titles,
    }


PAGES = PageSpec(
    resource=API,
    fields=INITIATIVE_FIELDS,
    find=lambda ctx, session, filters, sort: find_initiatives(session, **filters, sort=sort),
    detail=_detail,
    record=lambda session, initiative: crud.form_text(initiative_record(session, initiative)),
    save=lambda ctx, session, values, who, key, version: save_initiative(
        session, ctx.codebook, values, who=who, initiative_id=key, version=version
    ),
    conflict_field="name",
    taken_field="name",  # not stale: the name belongs to another initiative
    choices=_choices,
)

router = resource_pages(PAGES)
