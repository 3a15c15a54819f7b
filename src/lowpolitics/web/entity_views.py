"""Actors, initiatives, instruments (with commitments) and bodies as the API and the pages
show them: filters, sorts, JSON, and the links between them (the API modules declare the
request and response models these dicts fill).

Each list is built from a few whole-table queries (these tables hold tens to hundreds of rows;
the links are counted with one GROUP BY over the activities), then filtered and sorted here,
as ``activity_views`` does for activities. A commitment counts as implemented when an
initiative linked to it has a *held* activity — the continuity analysis's rule and its
``HELD_STATUSES``; a body's rhythm and gaps are the continuity analysis's own figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lowpolitics.analysis.continuity import HELD_STATUSES, continuity, load_continuity_inputs
from lowpolitics.analysis.dataset import load_dataset
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.store.audit import generation
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    Actor,
    Body,
    Commitment,
    Initiative,
    Instrument,
    InstrumentParty,
)
from lowpolitics.store.registry_entities import actor_record, initiative_record
from lowpolitics.store.registry_frameworks import body_record, instrument_record

# --- shared --------------------------------------------------------------------------------


def _sorted(rows: list[dict], sorts: dict[str, Callable], sort: str) -> list[dict]:
    key = sort.lstrip("-")
    if key not in sorts:
        expected = f"one of {', '.join(sorts)} (with - to reverse)"
        raise InputError(
            [CellError("query", None, "sort", sort, expected)], f"cannot sort by '{sort}'"
        )
    return sorted(rows, key=sorts[key], reverse=sort.startswith("-"))


def _matches(q: str | None, *texts: str | None) -> bool:
    return not q or any(q.casefold() in (t or "").casefold() for t in texts)


def _activity(a: Activity) -> dict[str, Any]:
    return {
        "id": a.key,
        "date": PartialDate.from_parts(a.date_start, a.date_precision).isoformat(),
        "title": a.title,
        "mechanism": a.mechanism,
        "activity_type": a.activity_type,
        "status": a.status,
        "held": a.status in HELD_STATUSES,
    }


def activities_where(session: Session, where) -> list[dict[str, Any]]:
    """Activities as short rows (id, date, title, mechanism, type, status), oldest first."""
    query = select(Activity).where(where).order_by(Activity.date_start, Activity.key)
    return [_activity(a) for a in session.scalars(query)]


def activity_stats(session: Session, only=None) -> dict[int, tuple[int, str, str]]:
    """initiative id → (activities, first date, last date), dates at their own precision
    (a year-dated activity is "2022", not "2022-01-01"); ``only``: these initiatives."""
    query = select(Activity.initiative_id, Activity.date_start, Activity.date_precision).where(
        Activity.initiative_id.is_not(None)
    )
    if only is not None:
        query = query.where(Activity.initiative_id.in_(only))
    found: dict[int, list] = {}
    for initiative_id, start, precision in session.execute(query):
        entry = found.setdefault(initiative_id, [0, None, None])
        entry[0] += 1
        if entry[1] is None or start < entry[1][0]:
            entry[1] = (start, precision)
        if entry[2] is None or start > entry[2][0]:
            entry[2] = (start, precision)
    return {
        key: (
            n,
            PartialDate.from_parts(*first).isoformat(),
            PartialDate.from_parts(*last).isoformat(),
        )
        for key, (n, first, last) in found.items()
    }


# --- actors --------------------------------------------------------------------------------

ACTOR_SORTS: dict[str, Callable] = {
    "name": lambda r: (r["name"].casefold(), r["country"]),
    "country": lambda r: (r["country"], r["name"].casefold()),
    "type": lambda r: (r["type"] or "", r["name"].casefold()),
    "activities": lambda r: (r["activities"], r["name"].casefold()),
}


def actor_links(session: Session, only=None) -> tuple[Counter, dict, dict]:
    """Activities, instruments and initiatives led, by actor id; ``only``: these actors."""
    counted = select(ActivityActor.actor_id, func.count()).group_by(ActivityActor.actor_id)
    if only is not None:
        counted = counted.where(ActivityActor.actor_id.in_(only))
    counts = Counter(dict(session.execute(counted).all()))
    parties: dict[int, list[str]] = defaultdict(list)
    query = select(InstrumentParty.actor_id, Instrument.key).join(
        Instrument, Instrument.id == InstrumentParty.instrument_id
    )
    if only is not None:
        query = query.where(InstrumentParty.actor_id.in_(only))
    for actor_id, key in session.execute(query.order_by(Instrument.key)):
        parties[actor_id].append(key)
    led: dict[int, list[str]] = defaultdict(list)
    query = select(Initiative.lead_actor_id, Initiative.name).where(
        Initiative.lead_actor_id.is_not(None)
    )
    if only is not None:
        query = query.where(Initiative.lead_actor_id.in_(only))
    for actor_id, name in session.execute(query.order_by(Initiative.name)):
        led[actor_id].append(name)
    return counts, parties, led


def actor_json(session: Session, codebook: Codebook, actor: Actor, links=None) -> dict[str, Any]:
    counts, parties, led = links or actor_links(session)
    return {
        **actor_record(actor),
        "group": codebook.actor_group_of(actor.type),
        "version": actor.version,
        "activities": counts.get(actor.id, 0),
        "instruments": parties.get(actor.id, []),
        "initiatives_led": led.get(actor.id, []),
    }


def find_actors(
    session: Session,
    codebook: Codebook,
    *,
    country: str | None = None,
    type: str | None = None,
    q: str | None = None,
    sort: str = "name",
) -> list[dict[str, Any]]:
    links = actor_links(session)
    query = select(Actor)
    if country:
        query = query.where(Actor.country_code == country.upper())
    if type:
        query = query.where(Actor.type == type)
    rows = [
        actor_json(session, codebook, a, links)
        for a in session.scalars(query)
        if _matches(q, a.name, a.notes)
    ]
    return _sorted(rows, ACTOR_SORTS, sort)


def actor_countries(session: Session) -> list[str]:
    return list(session.scalars(select(Actor.country_code).distinct().order_by(Actor.country_code)))


# --- initiatives ---------------------------------------------------------------------------

INITIATIVE_SORTS: dict[str, Callable] = {
    "name": lambda r: (r["name"].casefold(),),
    "mechanism": lambda r: (r["mechanism"] or "", r["name"].casefold()),
    "activities": lambda r: (r["activities"], r["name"].casefold()),
    "first": lambda r: (r["first_date"] or "", r["name"].casefold()),
    "last": lambda r: (r["last_date"] or "", r["name"].casefold()),
}


def _preload_links(session: Session) -> None:
    """Load the small linked tables once, so ``session.get`` in the records finds them."""
    for model in (Instrument, Commitment, Body):
        session.scalars(select(model)).all()
    session.scalars(select(Actor).where(Actor.id.in_(select(Initiative.lead_actor_id)))).all()


def initiative_json(session: Session, initiative: Initiative, stats=None) -> dict[str, Any]:
    stats = activity_stats(session, [initiative.id]) if stats is None else stats
    n, first, last = stats.get(initiative.id, (0, None, None))
    return {
        **initiative_record(session, initiative),
        "commitment_id": initiative.commitment_id,
        "lead_actor_id": initiative.lead_actor_id,
        "version": initiative.version,
        "activities": n,
        "first_date": first,
        "last_date": last,
    }


def find_initiatives(
    session: Session,
    *,
    mechanism: str | None = None,
    activity_type: str | None = None,
    instrument: str | None = None,
    body: str | None = None,
    q: str | None = None,
    sort: str = "name",
) -> list[dict[str, Any]]:
    _preload_links(session)
    stats = activity_stats(session)
    rows = []
    for initiative in session.scalars(select(Initiative)):
        row = initiative_json(session, initiative, stats)
        if (
            (not mechanism or row["mechanism"] == mechanism)
            and (not activity_type or row["activity_type"] == activity_type)
            and (not instrument or row["instrument"] == instrument)
            and (not body or row["body"] == body)
            and _matches(q, row["name"], row["lead_actor"])
        ):
            rows.append(row)
    return _sorted(rows, INITIATIVE_SORTS, sort)


# --- instruments and commitments -----------------------------------------------------------

INSTRUMENT_SORTS: dict[str, Callable] = {
    "key": lambda r: (r["key"],),
    "title": lambda r: (r["title"].casefold(), r["key"]),
    "signed": lambda r: (r["signed_on"] or "", r["key"]),
    "status": lambda r: (r["status"] or "", r["key"]),
    "idle": lambda r: (sum(c["no_activity"] for c in r["commitments"]), r["key"]),
}


def commitment_links(session: Session) -> tuple[dict, dict]:
    """commitment id → linked initiatives (id, name); initiative id → its activity rows."""
    by_commitment: dict[int, list[tuple[int, str]]] = defaultdict(list)
    query = select(Initiative).where(Initiative.commitment_id.is_not(None))
    for initiative in session.scalars(query.order_by(Initiative.name)):
        by_commitment[initiative.commitment_id].append((initiative.id, initiative.name))
    ids = [i for linked in by_commitment.values() for i, _ in linked]
    by_initiative: dict[int, list[dict]] = defaultdict(list)
    if ids:
        query = (
            select(Activity)
            .where(Activity.initiative_id.in_(ids))
            .order_by(Activity.date_start, Activity.key)
        )
        for a in session.scalars(query):
            by_initiative[a.initiative_id].append(_activity(a))
    return by_commitment, by_initiative


def commitment_json(commitment: Commitment, implementation=None, *, rows: bool = False) -> dict:
    """A commitment with what implements it; ``no_activity`` flags one with no held activity.
    ``rows`` adds the activities themselves (the instrument page lists them)."""
    by_commitment, by_initiative = implementation or ({}, {})
    linked = by_commitment.get(commitment.id, [])
    acts = [a for i, _ in linked for a in by_initiative.get(i, [])]
    acts.sort(key=lambda a: (a["date"], a["id"]))
    held = sum(a["held"] for a in acts)
    found = {
        "id": commitment.id,
        "instrument": commitment.instrument.key,
        "code": commitment.code,
        "title": commitment.title,
        "mechanism": commitment.mechanism,
        "version": commitment.version,
        "initiatives": [name for _, name in linked],
        "activities": len(acts),
        "held": held,
        "no_activity": held == 0,
    }
    if rows:
        found["initiative_ids"] = [i for i, _ in linked]
        found["activity_rows"] = acts
    return found


def instrument_json(
    session: Session, instrument: Instrument, implementation=None, *, rows: bool = False
) -> dict[str, Any]:
    implementation = implementation or commitment_links(session)
    commitments = sorted(instrument.commitments, key=lambda c: (c.code, c.id))
    record = instrument_record(session, instrument)
    bodies = select(Body.key).where(Body.instrument_id == instrument.id).order_by(Body.key)
    initiatives = (
        select(Initiative.name)
        .where(Initiative.instrument_id == instrument.id)
        .order_by(Initiative.name)
    )
    return {
        **record,
        "version": instrument.version,
        "commitments": [commitment_json(c, implementation, rows=rows) for c in commitments],
        "bodies": list(session.scalars(bodies)),
        "initiatives": list(session.scalars(initiatives)),
    }


def find_instruments(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str = "key",
) -> list[dict[str, Any]]:
    implementation = commitment_links(session)
    query = select(Instrument)
    if status:
        query = query.where(Instrument.status == status)
    if kind:
        query = query.where(Instrument.kind == kind)
    rows = [
        instrument_json(session, i, implementation)
        for i in session.scalars(query)
        if _matches(q, i.key, i.title, i.notes)
    ]
    return _sorted(rows, INSTRUMENT_SORTS, sort)


def instrument_kinds(session: Session) -> list[str]:
    """The kinds in use (a frameworks file may use any; ``agreement`` is its default)."""
    return list(session.scalars(select(Instrument.kind).distinct().order_by(Instrument.kind)))


# --- bodies --------------------------------------------------------------------------------

BODY_SORTS: dict[str, Callable] = {
    "key": lambda r: (r["key"],),
    "name": lambda r: (r["name"].casefold(), r["key"]),
    "kind": lambda r: (r["kind"], r["key"]),
    "rhythm": lambda r: (r["rhythm_months"] or 0, r["key"]),
}


def body_json(
    session: Session, body: Body, stats=None, analysis: dict | None = None
) -> dict[str, Any]:
    """A body; ``initiative`` is the one the continuity analysis reads its sessions from."""
    record = body_record(session, body)
    linked = session.scalars(select(Initiative.id).where(Initiative.body_id == body.id)).all()
    stats = activity_stats(session, linked) if stats is None else stats
    return {
        **record,
        "initiative": (record["initiatives"] or [None])[0],
        "version": body.version,
        "activities": sum(stats.get(i, (0,))[0] for i in linked),
        "continuity": analysis,
    }


def find_bodies(
    session: Session,
    *,
    kind: str | None = None,
    instrument: str | None = None,
    q: str | None = None,
    sort: str = "key",
) -> list[dict[str, Any]]:
    stats = activity_stats(session)
    session.scalars(select(Instrument)).all()
    rows = []
    for body in session.scalars(select(Body)):
        row = body_json(session, body, stats)
        if (
            (not kind or row["kind"] == kind)
            and (not instrument or row["instrument"] == instrument)
            and _matches(q, row["key"], row["name"], row["notes"])
        ):
            rows.append(row)
    return _sorted(rows, BODY_SORTS, sort)


def body_kinds(session: Session) -> list[str]:
    return list(session.scalars(select(Body.kind).distinct().order_by(Body.kind)))


CACHE_KEY = "entity_views.continuity"


def continuity_result(cache: dict, session: Session, codebook: Codebook) -> dict:
    """The continuity analysis over the whole store, as the CLI and the brief run it (meeting
    types from the codebook). Kept until the next recorded change or the next day."""
    stamp = (generation(session), date.today())
    cached = cache.get(CACHE_KEY)
    if cached is None or cached[0] != stamp:
        dataset, inputs = load_dataset(session), load_continuity_inputs(session)
        result = continuity(dataset, inputs, codebook, meeting_types=codebook.body_session_types)
        cached = cache[CACHE_KEY] = (stamp, result)
    return cached[1]


def body_continuity(cache: dict, session: Session, codebook: Codebook, key: str) -> dict | None:
    """The continuity entry of one body, with the analysis's remarks about it."""
    result = continuity_result(cache, session, codebook)
    entry = next((b for b in result["bodies"] if b["source"] == "body" and b["key"] == key), None)
    if entry is None:
        return None
    remarks = [w for w in result["warnings"] if w.startswith(f"body {key}:")]
    return {**entry, "as_of": result["as_of"], "remarks": remarks}
