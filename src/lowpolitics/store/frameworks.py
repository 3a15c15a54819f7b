"""Writing a frameworks file: instruments with commitments and parties, bodies, and initiative
rhythms, linked to the registry's initiatives by name. Same key, same record: importing a file
again updates in place; an instrument's commitments are replaced by the file's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.ingest.checks import parse_actor
from lowpolitics.ingest.frameworks import FrameworksFile
from lowpolitics.store.loader import LoadResult
from lowpolitics.store.models import (
    Actor,
    AuditEntry,
    Body,
    Commitment,
    Initiative,
    Instrument,
    InstrumentParty,
)
from lowpolitics.store.reference import ensure_country


def _initiative(session: Session, name: str, cache: dict[str, Initiative]) -> Initiative:
    if name not in cache:
        found = session.scalars(select(Initiative).where(Initiative.name == name)).first()
        if found is None:
            found = Initiative(name=name)
            session.add(found)
            session.flush()
        cache[name] = found
    return cache[name]


def _actor(session: Session, party: str) -> Actor:
    name, country = parse_actor(party)  # checked when the file was parsed
    found = session.scalars(
        select(Actor).where(Actor.name == name, Actor.country_code == country)
    ).first()
    if found is None:
        ensure_country(session, country)
        found = Actor(name=name, country_code=country)
        session.add(found)
        session.flush()
    return found


def _replace_commitments(session: Session, instrument: Instrument, specs) -> None:
    """Keep commitments by code (so links to them survive), update, add, and drop the rest."""
    by_code = {c.code: c for c in instrument.commitments}
    wanted = {c.code for c in specs}
    for code, old in by_code.items():
        if code not in wanted:
            for initiative in session.scalars(
                select(Initiative).where(Initiative.commitment_id == old.id)
            ):
                initiative.commitment_id = None
            instrument.commitments.remove(old)
    for spec in specs:
        commitment = by_code.get(spec.code)
        if commitment is None:
            commitment = Commitment(code=spec.code)
            instrument.commitments.append(commitment)
        commitment.title, commitment.mechanism = spec.title, spec.mechanism
        commitment.due, commitment.source_url = spec.due, spec.source_url
    session.flush()
    order = {spec.code: i for i, spec in enumerate(specs)}
    instrument.commitments.sort(key=lambda c: order[c.code])


def load_frameworks(session: Session, spec: FrameworksFile, origin: str) -> LoadResult:
    result = LoadResult()
    initiatives: dict[str, Initiative] = {}
    for item in spec.initiatives:
        initiative = _initiative(session, item.name, initiatives)
        start, end = item.life()
        wanted = (item.rhythm_months, start, end, item.ended)
        if (
            initiative.rhythm_months,
            initiative.life_start,
            initiative.life_end,
            initiative.ended,
        ) != wanted:
            (
                initiative.rhythm_months,
                initiative.life_start,
                initiative.life_end,
                initiative.ended,
            ) = wanted
            result.updated += 1
        else:
            result.unchanged += 1
    instruments: dict[str, Instrument] = {}
    for item in spec.instruments:
        instrument = session.scalars(select(Instrument).where(Instrument.key == item.key)).first()
        before = None
        if instrument is None:
            instrument = Instrument(key=item.key)
            session.add(instrument)
            result.added += 1
        else:
            before = {"title": instrument.title, "status": instrument.status}
            result.updated += 1
        for field in (
            "title",
            "kind",
            "signed_on",
            "ratified_on",
            "in_force_on",
            "expires_on",
            "status",
        ):
            setattr(instrument, field, getattr(item, field))
        instrument.notes = "\n".join(filter(None, [item.notes, item.source_url])) or None
        _replace_commitments(session, instrument, item.commitments)
        session.query(InstrumentParty).filter_by(instrument_id=instrument.id).delete()
        for party in dict.fromkeys(item.parties):
            session.add(
                InstrumentParty(instrument_id=instrument.id, actor_id=_actor(session, party).id)
            )
        for commitment, c in zip(instrument.commitments, item.commitments, strict=True):
            for name in c.initiatives:
                _initiative(session, name, initiatives).commitment_id = commitment.id
        instruments[item.key] = instrument
        session.add(
            AuditEntry(
                actor=origin,
                action="update" if before else "create",
                entity="instrument",
                entity_key=item.key,
                before=before,
                after={
                    "title": item.title,
                    "status": item.status,
                    "commitments": len(item.commitments),
                },
            )
        )
    for item in spec.bodies:
        body = session.scalars(select(Body).where(Body.key == item.key)).first()
        if body is None:
            body = Body(key=item.key)
            session.add(body)
            result.added += 1
        else:
            result.updated += 1
        body.name, body.kind, body.rhythm_months, body.notes = (
            item.name,
            item.kind,
            item.rhythm_months,
            item.notes,
        )
        if item.instrument:
            instrument = (
                instruments.get(item.instrument)
                or session.scalars(
                    select(Instrument).where(Instrument.key == item.instrument)
                ).first()
            )
            body.instrument_id = instrument.id if instrument else None
        session.flush()
        if item.initiative:
            _initiative(session, item.initiative, initiatives).body_id = body.id
        session.add(
            AuditEntry(
                actor=origin,
                action="update",
                entity="body",
                entity_key=item.key,
                before=None,
                after={"name": item.name, "rhythm_months": item.rhythm_months},
            )
        )
    session.flush()
    result.keys = [i.key for i in spec.instruments] + [b.key for b in spec.bodies]
    return result
