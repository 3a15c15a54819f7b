"""Creating, changing and deleting instruments (with their parties), their commitments, and
standing bodies, one at a time (web app and API; the CLI could call the same functions).

Values go through the frameworks file's own specs (``ingest.frameworks``: ``InstrumentSpec``,
``CommitmentSpec``, ``BodySpec``) with the codebook as context, so the web accepts exactly
what a frameworks import accepts. Links follow that import's rules too: removing a commitment,
an instrument or a body clears the initiatives that pointed at it (each such initiative gets
its own audited update) rather than deleting them. Versions and audit entries work as in
:mod:`lowpolitics.store.registry_entities`; audit keys are instrument and body keys and
commitment ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import CellError, ConflictError, NotFoundError
from lowpolitics.ingest.frameworks import BodySpec, CommitmentSpec, InstrumentSpec
from lowpolitics.store.audit import record_change
from lowpolitics.store.editing import check_version
from lowpolitics.store.models import (
    Actor,
    Body,
    Commitment,
    Initiative,
    Instrument,
    InstrumentParty,
)
from lowpolitics.store.registry_entities import (
    actor_for,
    actor_label,
    change_initiative_links,
    clean_values,
    fields_error,
    flush,
    locked,
    validate_spec,
)

RESERVED_KEYS = frozenset({"new"})  # /instruments/new is the form, not an instrument
INSTRUMENT_DATES = ("signed_on", "ratified_on", "in_force_on", "expires_on")
INSTRUMENT_FIELDS = ("key", "title", "kind", *INSTRUMENT_DATES, "status", "parties", "notes")
COMMITMENT_FIELDS = ("code", "title", "mechanism")
BODY_FIELDS = ("key", "name", "kind", "rhythm_months", "instrument", "initiative", "notes")


def _split(value: object) -> object:
    """``a;b`` as in the CSV layouts → a list; lists and None pass unchanged."""
    if isinstance(value, str):
        return [part for part in value.split(";") if part.strip()]
    return value


def _keyed_values(
    data: Mapping[str, object], fields: tuple[str, ...], key: str | None, what: str, source: str
) -> dict[str, Any]:
    """Clean values; on update the key comes from the address and may not change."""
    values = clean_values(data, fields)
    errors = []
    if key is not None:
        given = values.get("key")
        if given is not None and given != key:
            expected = f"the {what}'s key '{key}' (a key cannot change: addresses use it)"
            errors.append(CellError(source, None, "key", str(given), expected))
        values["key"] = key
    elif str(values.get("key", "")).strip().lower() in RESERVED_KEYS:
        errors.append(CellError(source, None, "key", values["key"], "any key but 'new'"))
    if errors:
        raise fields_error(errors)
    return values


# --- instruments ---------------------------------------------------------------------------


def instrument_parties(session: Session, instrument: Instrument) -> list[Actor]:
    query = (
        select(Actor)
        .join(InstrumentParty, InstrumentParty.actor_id == Actor.id)
        .where(InstrumentParty.instrument_id == instrument.id)
        .order_by(Actor.country_code, Actor.name)
    )
    return list(session.scalars(query))


def commitment_record(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.id,
        "instrument": commitment.instrument.key,
        "code": commitment.code,
        "title": commitment.title,
        "mechanism": commitment.mechanism,
        "due": commitment.due,
        "source_url": commitment.source_url,
    }


def instrument_record(session: Session, instrument: Instrument) -> dict[str, Any]:
    """An instrument's fields, parties as ``Name [CC]`` and its commitments' codes."""
    return {
        "key": instrument.key,
        "title": instrument.title,
        "kind": instrument.kind,
        **{
            name: value.isoformat() if (value := getattr(instrument, name)) else None
            for name in INSTRUMENT_DATES
        },
        "status": instrument.status,
        "parties": [actor_label(a) for a in instrument_parties(session, instrument)],
        "notes": instrument.notes,
        "commitments": [c.code for c in instrument.commitments],
    }


def get_instrument(session: Session, key: str, *, lock: bool = False) -> Instrument:
    query = (
        select(Instrument)
        .where(Instrument.key == key)
        .options(selectinload(Instrument.commitments))
    )
    found = locked(session, query, lock)
    if found is None:
        raise NotFoundError(f"no instrument with key '{key}'")
    return found


def save_instrument(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, object],
    *,
    who: str,
    key: str | None = None,
    version: int | None = None,
    source: str = "form",
) -> Instrument:
    """Create (``key`` None) or update an instrument and its parties (``Name [CC]``; new
    actors are created, as a frameworks import does). Commitments are edited on their own."""
    existing = None
    if key is not None:
        existing = get_instrument(session, key, lock=True)
        check_version(existing.version, version, f"instrument '{key}'")
    values = _keyed_values(
        {**data, "parties": _split(data.get("parties"))},
        INSTRUMENT_FIELDS,
        key,
        "instrument",
        source,
    )
    spec = validate_spec(InstrumentSpec, values, codebook, source, INSTRUMENT_DATES)
    if (
        existing is None
        and session.scalars(select(Instrument.id).where(Instrument.key == spec.key)).first()
    ):
        raise ConflictError(f"an instrument with key '{spec.key}' already exists")
    parties = [actor_for(session, label, who) for label in dict.fromkeys(spec.parties)]
    before = instrument_record(session, existing) if existing else None
    instrument = existing or Instrument(key=spec.key)
    for name in ("title", "kind", *INSTRUMENT_DATES, "status", "notes"):
        setattr(instrument, name, getattr(spec, name))
    if existing is None:
        session.add(instrument)
    else:
        instrument.version += 1
    flush(session, f"instrument '{spec.key}'")
    session.execute(delete(InstrumentParty).where(InstrumentParty.instrument_id == instrument.id))
    for actor in parties:
        session.add(InstrumentParty(instrument_id=instrument.id, actor_id=actor.id))
    session.flush()
    after = instrument_record(session, instrument)
    record_change(
        session, who, "update" if existing else "create", "instrument", spec.key, before, after
    )
    return instrument


def _unlink_from_instrument(session: Session, instrument: Instrument, who: str) -> None:
    """Initiatives and bodies pointing at the instrument or its commitments lose the link."""
    ids = [c.id for c in instrument.commitments]
    where = Initiative.instrument_id == instrument.id
    if ids:
        where = or_(where, Initiative.commitment_id.in_(ids))
    change_initiative_links(session, who, where, instrument_id=None, commitment_id=None)
    for body in session.scalars(select(Body).where(Body.instrument_id == instrument.id)):
        before = body_record(session, body)
        body.instrument_id = None
        body.version += 1
        session.flush()
        record_change(session, who, "update", "body", body.key, before, body_record(session, body))


def delete_instrument(session: Session, key: str, *, who: str, version: int | None = None) -> None:
    """Delete an instrument with its commitments and parties; links to it are cleared."""
    instrument = get_instrument(session, key, lock=True)
    if version is not None:
        check_version(instrument.version, version, f"instrument '{key}'")
    before = instrument_record(session, instrument)
    before["commitments"] = [commitment_record(c) for c in instrument.commitments]
    _unlink_from_instrument(session, instrument, who)
    session.execute(delete(InstrumentParty).where(InstrumentParty.instrument_id == instrument.id))
    record_change(session, who, "delete", "instrument", key, before, None)
    session.delete(instrument)


# --- commitments ---------------------------------------------------------------------------


def get_commitment(session: Session, commitment_id: int, *, lock: bool = False) -> Commitment:
    found = locked(session, select(Commitment).where(Commitment.id == commitment_id), lock)
    if found is None:
        raise NotFoundError(f"no commitment with id {commitment_id}")
    return found


def save_commitment(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, object],
    *,
    who: str,
    instrument_key: str | None = None,
    commitment_id: int | None = None,
    version: int | None = None,
    source: str = "form",
) -> Commitment:
    """Add a commitment to the instrument ``instrument_key``, or update ``commitment_id``.
    Codes are unique within an instrument (a frameworks file keys commitments by code)."""
    existing = None
    if commitment_id is not None:
        existing = get_commitment(session, commitment_id, lock=True)
        check_version(existing.version, version, f"commitment {commitment_id}")
        instrument = existing.instrument
    else:
        instrument = get_instrument(session, instrument_key or "")
    values = clean_values(data, COMMITMENT_FIELDS)
    spec = validate_spec(CommitmentSpec, values, codebook, source)
    clash = next((c for c in instrument.commitments if c.code == spec.code), None)
    if clash is not None and clash is not existing:
        raise ConflictError(
            f"instrument '{instrument.key}' already has a commitment with code '{spec.code}'"
        )
    before = commitment_record(existing) if existing else None
    commitment = existing or Commitment(code=spec.code)
    commitment.code, commitment.title, commitment.mechanism = spec.code, spec.title, spec.mechanism
    commitment.due, commitment.source_url = spec.due, spec.source_url
    if existing is None:
        instrument.commitments.append(commitment)
    else:
        commitment.version += 1
    flush(session, f"commitment '{spec.code}'")
    action = "update" if existing else "create"
    after = commitment_record(commitment)
    record_change(session, who, action, "commitment", str(commitment.id), before, after)
    return commitment


def delete_commitment(
    session: Session, commitment_id: int, *, who: str, version: int | None = None
) -> str:
    """Delete a commitment; initiatives linked to it keep their instrument and lose the
    commitment. Returns the instrument's key (where the page goes back to)."""
    commitment = get_commitment(session, commitment_id, lock=True)
    if version is not None:
        check_version(commitment.version, version, f"commitment {commitment_id}")
    before = commitment_record(commitment)
    instrument = commitment.instrument
    change_initiative_links(
        session, who, Initiative.commitment_id == commitment_id, commitment_id=None
    )
    record_change(session, who, "delete", "commitment", str(commitment_id), before, None)
    instrument.commitments.remove(commitment)
    session.flush()
    return instrument.key


# --- bodies --------------------------------------------------------------------------------


def body_initiatives(session: Session, body: Body) -> list[Initiative]:
    """Initiatives pointing at the body, by name — the continuity analysis reads the first."""
    query = select(Initiative).where(Initiative.body_id == body.id).order_by(Initiative.name)
    return list(session.scalars(query))


def body_record(session: Session, body: Body) -> dict[str, Any]:
    instrument = session.get(Instrument, body.instrument_id) if body.instrument_id else None
    return {
        "key": body.key,
        "name": body.name,
        "kind": body.kind,
        "rhythm_months": body.rhythm_months,
        "instrument": instrument.key if instrument else None,
        "initiatives": [i.name for i in body_initiatives(session, body)],
        "notes": body.notes,
    }


def get_body(session: Session, key: str, *, lock: bool = False) -> Body:
    found = locked(session, select(Body).where(Body.key == key), lock)
    if found is None:
        raise NotFoundError(f"no body with key '{key}'")
    return found


def _body_links(session: Session, spec: BodySpec, source: str):
    errors = []
    instrument = initiative = None
    if spec.instrument:
        instrument = session.scalars(
            select(Instrument).where(Instrument.key == spec.instrument)
        ).first()
        if instrument is None:
            expected = "the key of an instrument"
            errors.append(CellError(source, None, "instrument", spec.instrument, expected))
    if spec.initiative:
        initiative = session.scalars(
            select(Initiative).where(Initiative.name == spec.initiative)
        ).first()
        if initiative is None:
            expected = "the name of an initiative"
            errors.append(CellError(source, None, "initiative", spec.initiative, expected))
    if errors:
        raise fields_error(errors)
    return instrument, initiative


def save_body(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, object],
    *,
    who: str,
    key: str | None = None,
    version: int | None = None,
    source: str = "form",
) -> Body:
    """Create or update a body. ``initiative`` names the initiative whose activities are its
    sessions: after saving, exactly that initiative points at the body (others that did are
    unlinked, audited), or none when it is empty."""
    existing = None
    if key is not None:
        existing = get_body(session, key, lock=True)
        check_version(existing.version, version, f"body '{key}'")
    values = _keyed_values(data, BODY_FIELDS, key, "body", source)
    spec = validate_spec(BodySpec, values, codebook, source)
    instrument, initiative = _body_links(session, spec, source)
    if existing is None and session.scalars(select(Body.id).where(Body.key == spec.key)).first():
        raise ConflictError(f"a body with key '{spec.key}' already exists")
    before = body_record(session, existing) if existing else None
    body = existing or Body(key=spec.key)
    body.name, body.kind, body.rhythm_months, body.notes = (
        spec.name,
        spec.kind,
        spec.rhythm_months,
        spec.notes,
    )
    body.instrument_id = instrument.id if instrument else None
    if existing is None:
        session.add(body)
    else:
        body.version += 1
    flush(session, f"body '{spec.key}'")
    others = Initiative.body_id == body.id
    if initiative is not None:
        others = others & (Initiative.id != initiative.id)
    change_initiative_links(session, who, others, body_id=None)
    if initiative is not None and initiative.body_id != body.id:
        change_initiative_links(session, who, Initiative.id == initiative.id, body_id=body.id)
    after = body_record(session, body)
    record_change(session, who, "update" if existing else "create", "body", spec.key, before, after)
    return body


def delete_body(session: Session, key: str, *, who: str, version: int | None = None) -> None:
    """Delete a body; the initiatives whose activities were its sessions stay, unlinked."""
    body = get_body(session, key, lock=True)
    if version is not None:
        check_version(body.version, version, f"body '{key}'")
    before = body_record(session, body)
    change_initiative_links(session, who, Initiative.body_id == body.id, body_id=None)
    record_change(session, who, "delete", "body", key, before, None)
    session.delete(body)
