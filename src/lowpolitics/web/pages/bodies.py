"""Body pages: the list, one body (expected rhythm, its sessions — the activities of the
initiative linked to it — and the continuity analysis's own figures: rhythm given or
inferred, sessions per year, gaps against the rhythm), and the forms.

Declarations only: the views are the generic ones of ``web.pages.resource_pages``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.analysis.continuity import MONTH_DAYS
from lowpolitics.store.models import Activity, Body, Initiative, Instrument
from lowpolitics.store.registry_frameworks import BODY_FIELDS, body_record, save_body
from lowpolitics.web.api.bodies import SPEC as API
from lowpolitics.web.entity_views import (
    activities_where,
    body_continuity,
    body_json,
    body_kinds,
    find_bodies,
)
from lowpolitics.web.pages.resource_pages import PageContext, PageSpec, resource_pages


def _choices(ctx: PageContext, session: Session) -> dict:
    """The instruments and initiatives a body can be linked to, and the kinds in use."""
    instruments = session.execute(select(Instrument.key, Instrument.title).order_by(Instrument.key))
    return {
        "instruments": [(key, f"{key} — {title}") for key, title in instruments],
        "initiatives": [
            (name, name)
            for name in session.scalars(select(Initiative.name).order_by(Initiative.name))
        ],
        "kinds": body_kinds(session),
    }


def _detail(ctx: PageContext, session: Session, body: Body) -> dict:
    """The body, its sessions and the continuity analysis's figures for it (the sessions it
    counted are marked)."""
    analysis = body_continuity(ctx.cache, session, ctx.codebook, body.key)
    data = body_json(session, body, analysis=analysis)
    linked = session.execute(
        select(Initiative.id, Initiative.name)
        .where(Initiative.body_id == body.id)
        .order_by(Initiative.name)
    ).all()
    rows = activities_where(session, Activity.initiative_id.in_([i for i, _ in linked]))
    title = session.scalar(select(Instrument.title).where(Instrument.key == data["instrument"]))
    return {
        "b": data,
        "c": analysis,
        "initiatives": [tuple(row) for row in linked],
        "activities": rows,
        "counted": set(analysis["session_ids"]) if analysis else set(),
        "instrument_title": title,
        "month_days": MONTH_DAYS,
    }


def _values(session: Session, body: Body) -> dict:
    """The form names one initiative: the first linked one."""
    record = body_record(session, body)
    values = {k: "" if v is None else str(v) for k, v in record.items() if k != "initiatives"}
    values["initiative"] = (record["initiatives"] or [""])[0]
    return values


PAGES = PageSpec(
    resource=API,
    fields=BODY_FIELDS,
    find=lambda ctx, session, filters, sort: find_bodies(session, **filters, sort=sort),
    detail=_detail,
    record=_values,
    save=lambda ctx, session, values, who, key, version: save_body(
        session, ctx.codebook, values, who=who, key=key, version=version
    ),
    conflict_field="key",
    choices=_choices,
)

router = resource_pages(PAGES)
