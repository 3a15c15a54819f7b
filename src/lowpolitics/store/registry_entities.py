"""Creating, changing and deleting actors and initiatives one at a time (web app and API; the
CLI could call the same functions).

Values are checked by the rules the file imports use — the actors file's cell checks, the
frameworks file's pydantic specs with the codebook as context — so a value refused in a file
is refused in a form, with the same words. Each change names the version it was based on
(a stale one is refused with :class:`ConflictError`), bumps the version, and writes an audit
entry with the record before and after, in the caller's transaction. Audit keys are the ids
the web app's addresses use (``/actors/12`` → entity ``actor``, key ``12``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import CellError, ConflictError, InputError, NotFoundError
from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.ingest.checks import RowChecker, is_country, parse_actor
from lowpolitics.ingest.frameworks import InitiativeSpec, _in_codebook
from lowpolitics.store.audit import record_change
from lowpolitics.store.editing import as_cells, check_version
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
from lowpolitics.store.reference import ensure_country

DATE_EXPECTED = "a real date as YYYY-MM-DD"

# --- shared --------------------------------------------------------------------------------


def fields_error(errors: list[CellError]) -> InputError:
    n = len(errors)
    return InputError(errors, f"{n} field{'s' if n != 1 else ''} need correcting")


def clean_values(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Form or JSON values → a spec's input: text stripped, blank values and list items
    dropped, so that the spec's defaults (an instrument's kind …) apply to empty fields."""
    values: dict[str, Any] = {}
    for name in fields:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, list | tuple):
            value = [str(v).strip() for v in value if v is not None and str(v).strip()]
        if value is None or value == "" or value == []:
            continue
        values[name] = value
    return values


def validate_spec(
    spec: type[BaseModel],
    values: dict[str, Any],
    codebook: Codebook,
    source: str,
    dates: Iterable[str] = (),
) -> Any:
    """``spec`` validated with the codebook as context; every bad field in one InputError,
    named by its top-level field (``parties``, not ``parties.2``) as the form knows it."""
    try:
        return spec.model_validate(values, context={"codebook": codebook})
    except ValidationError as exc:
        errors = []
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else None
            value = values.get(field) if field else None
            if isinstance(value, list | tuple):
                value = ";".join(map(str, value))
            expected = problem["msg"].removeprefix("Value error, ")
            if field in set(dates):
                expected = DATE_EXPECTED  # pydantic's words for "2023" are about datetimes
            errors.append(
                CellError(source, None, field, None if value is None else str(value), expected)
            )
        raise fields_error(errors) from None


def flush(session: Session, what: str) -> None:
    """Flush, turning a unique-key race lost to another writer into a 409, not a 500."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"{what} clashes with a record saved at the same time") from exc


def locked(session: Session, query, lock: bool):
    return session.scalars(query.with_for_update() if lock else query).first()


def actor_label(actor: Actor | None) -> str | None:
    return f"{actor.name} [{actor.country_code}]" if actor is not None else None


def actor_for(session: Session, label: str, who: str) -> Actor:
    """The actor written ``Name [CC]`` (checked beforehand), created when new — as an import
    of activities or of a frameworks file creates the actors it names — with an audit entry."""
    name, country = parse_actor(label)
    found = session.scalars(
        select(Actor).where(Actor.name == name, Actor.country_code == country)
    ).first()
    if found is None:
        ensure_country(session, country)
        found = Actor(name=name, country_code=country)
        session.add(found)
        flush(session, f"actor '{label}'")
        record_change(session, who, "create", "actor", str(found.id), None, actor_record(found))
    return found


# --- actors --------------------------------------------------------------------------------


def actor_record(actor: Actor) -> dict[str, Any]:
    """An actor's own fields, as the audit trail and the API show them."""
    return {
        "id": actor.id,
        "name": actor.name,
        "country": actor.country_code,
        "type": actor.type,
        "notes": actor.notes,
    }


def get_actor(session: Session, actor_id: int, *, lock: bool = False) -> Actor:
    found = locked(session, select(Actor).where(Actor.id == actor_id), lock)
    if found is None:
        raise NotFoundError(f"no actor with id {actor_id}")
    return found


def check_actor(
    cells: dict[str, str], codebook: Codebook, source: str
) -> tuple[str, str, str | None, str | None]:
    """The actors file's rules (``ingest.actors``) for one actor: name, country, type, notes."""
    check = RowChecker(source, None, cells)
    name = check.text("name", required=True, max_len=300)
    country = check.raw("country").upper()
    if not country:
        check.fail("country", "an ISO alpha-2 country code or INT (required)")
    elif country != "INT" and not is_country(country):
        check.fail("country", "an ISO alpha-2 country code or INT")
    actor_type = check.code("type", codebook.actor_type_codes, what="actor type")
    notes = check.text("notes", max_len=2000)
    if check.errors:
        raise fields_error(check.errors)
    return name, country, actor_type, notes


def save_actor(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, object],
    *,
    who: str,
    actor_id: int | None = None,
    version: int | None = None,
    source: str = "form",
) -> Actor:
    """Create (``actor_id`` None) or update an actor; name and country are its identity."""
    existing = None
    if actor_id is not None:
        existing = get_actor(session, actor_id, lock=True)
        check_version(existing.version, version, f"actor {actor_id}")
    name, country, actor_type, notes = check_actor(as_cells(data, ACTOR_COLUMNS), codebook, source)
    clash = session.scalars(
        select(Actor).where(Actor.name == name, Actor.country_code == country)
    ).first()
    if clash is not None and clash is not existing:
        raise ConflictError(f"an actor '{name} [{country}]' already exists (id {clash.id})")
    ensure_country(session, country)
    before = actor_record(existing) if existing else None
    actor = existing or Actor()
    actor.name, actor.country_code, actor.type, actor.notes = name, country, actor_type, notes
    if existing is None:
        session.add(actor)
    else:
        actor.version += 1
    flush(session, f"actor '{name} [{country}]'")
    action = "update" if existing else "create"
    record_change(session, who, action, "actor", str(actor.id), before, actor_record(actor))
    return actor


def actor_uses(session: Session, actor_id: int) -> dict[str, int]:
    """How many activities, instruments (as a party) and initiatives (as lead) name it."""
    count = select(func.count())
    return {
        "activities": session.scalar(
            count.select_from(ActivityActor).where(ActivityActor.actor_id == actor_id)
        )
        or 0,
        "instruments": session.scalar(
            count.select_from(InstrumentParty).where(InstrumentParty.actor_id == actor_id)
        )
        or 0,
        "initiatives": session.scalar(
            count.select_from(Initiative).where(Initiative.lead_actor_id == actor_id)
        )
        or 0,
    }


def delete_actor(session: Session, actor_id: int, *, who: str, version: int | None = None) -> None:
    """Delete an actor nothing refers to; one still named anywhere is refused, with counts,
    because deleting it would silently rewrite those records."""
    actor = get_actor(session, actor_id, lock=True)
    if version is not None:
        check_version(actor.version, version, f"actor {actor_id}")
    uses = actor_uses(session, actor_id)
    if any(uses.values()):
        words = {
            "activities": ("activity", "activities"),
            "instruments": ("instrument (as a party)", "instruments (as a party)"),
            "initiatives": ("initiative (as lead)", "initiatives (as lead)"),
        }
        parts = [f"{n} {words[what][n != 1]}" for what, n in uses.items() if n]
        raise ConflictError(
            f"actor '{actor_label(actor)}' is still used by {' and '.join(parts)}; "
            "remove it from them first (activities: edit their actors)"
        )
    record_change(session, who, "delete", "actor", str(actor_id), actor_record(actor), None)
    session.delete(actor)


# --- initiatives ---------------------------------------------------------------------------


class InitiativeFields(InitiativeSpec):
    """A frameworks file's initiative (name, rhythm) plus the links the registry keeps."""

    mechanism: str | None = None
    activity_type: str | None = None
    instrument: str | None = Field(default=None, max_length=120)
    commitment: str | None = Field(default=None, max_length=80)
    body: str | None = Field(default=None, max_length=120)
    lead_actor: str | None = None

    @field_validator("mechanism")
    @classmethod
    def _mechanism(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _in_codebook(value, info, "mechanism_codes", "mechanism")

    @field_validator("activity_type")
    @classmethod
    def _activity_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _in_codebook(value, info, "activity_type_codes", "activity type")

    @field_validator("lead_actor")
    @classmethod
    def _lead_actor(cls, value: str | None) -> str | None:
        if value is not None and parse_actor(value) is None:
            raise ValueError("an actor written 'Name [CC]' with CC an ISO country code or INT")
        return value


INITIATIVE_FIELDS = tuple(InitiativeFields.model_fields)


def initiative_record(session: Session, initiative: Initiative) -> dict[str, Any]:
    """An initiative's fields with its links by key, code and label. ``session.get`` reads
    the identity map first, so a list that preloaded the linked rows costs no more queries."""
    commitment = (
        session.get(Commitment, initiative.commitment_id) if initiative.commitment_id else None
    )
    # a frameworks import links the commitment only; its instrument is then the commitment's
    instrument_id = initiative.instrument_id or (commitment.instrument_id if commitment else None)
    instrument = session.get(Instrument, instrument_id) if instrument_id else None
    body = session.get(Body, initiative.body_id) if initiative.body_id else None
    lead = session.get(Actor, initiative.lead_actor_id) if initiative.lead_actor_id else None
    return {
        "id": initiative.id,
        "name": initiative.name,
        "mechanism": initiative.mechanism,
        "activity_type": initiative.activity_type,
        "rhythm_months": initiative.rhythm_months,
        "instrument": instrument.key if instrument else None,
        "commitment": commitment.code if commitment else None,
        "body": body.key if body else None,
        "lead_actor": actor_label(lead),
    }


def get_initiative(session: Session, initiative_id: int, *, lock: bool = False) -> Initiative:
    found = locked(session, select(Initiative).where(Initiative.id == initiative_id), lock)
    if found is None:
        raise NotFoundError(f"no initiative with id {initiative_id}")
    return found


def _initiative_links(session: Session, spec: InitiativeFields, source: str):
    """Instrument, commitment and body named by key or code: each must exist."""
    errors: list[CellError] = []
    instrument = commitment = body = None
    if spec.instrument:
        instrument = session.scalars(
            select(Instrument).where(Instrument.key == spec.instrument)
        ).first()
        if instrument is None:
            errors.append(
                CellError(source, None, "instrument", spec.instrument, "the key of an instrument")
            )
    if spec.commitment:
        if instrument is not None:
            commitment = next(
                (c for c in instrument.commitments if c.code == spec.commitment), None
            )
        if commitment is None:
            errors.append(
                CellError(
                    source,
                    None,
                    "commitment",
                    spec.commitment,
                    "the code of a commitment of the instrument given in 'instrument'",
                )
            )
    if spec.body:
        body = session.scalars(select(Body).where(Body.key == spec.body)).first()
        if body is None:
            errors.append(CellError(source, None, "body", spec.body, "the key of a body"))
    if errors:
        raise fields_error(errors)
    return instrument, commitment, body


def save_initiative(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, object],
    *,
    who: str,
    initiative_id: int | None = None,
    version: int | None = None,
    source: str = "form",
) -> Initiative:
    """Create or update an initiative; the name is unique, links must name existing records
    (a lead actor written ``Name [CC]`` is created when new, as imports do)."""
    existing = None
    if initiative_id is not None:
        existing = get_initiative(session, initiative_id, lock=True)
        check_version(existing.version, version, f"initiative {initiative_id}")
    values = clean_values(data, INITIATIVE_FIELDS)
    spec = validate_spec(InitiativeFields, values, codebook, source)
    instrument, commitment, body = _initiative_links(session, spec, source)
    clash = session.scalars(select(Initiative).where(Initiative.name == spec.name)).first()
    if clash is not None and clash is not existing:
        raise ConflictError(f"an initiative named '{spec.name}' already exists (id {clash.id})")
    lead = actor_for(session, spec.lead_actor, who) if spec.lead_actor else None
    before = initiative_record(session, existing) if existing else None
    initiative = existing or Initiative()
    initiative.name, initiative.rhythm_months = spec.name, spec.rhythm_months
    initiative.mechanism, initiative.activity_type = spec.mechanism, spec.activity_type
    initiative.instrument_id = instrument.id if instrument else None
    initiative.commitment_id = commitment.id if commitment else None
    initiative.body_id = body.id if body else None
    initiative.lead_actor_id = lead.id if lead else None
    if existing is None:
        session.add(initiative)
    else:
        initiative.version += 1
    flush(session, f"initiative '{spec.name}'")
    after = initiative_record(session, initiative)
    action = "update" if existing else "create"
    record_change(session, who, action, "initiative", str(initiative.id), before, after)
    return initiative


def delete_initiative(
    session: Session, initiative_id: int, *, who: str, version: int | None = None
) -> None:
    """Delete an initiative no activity belongs to; otherwise refuse and say how many do."""
    initiative = get_initiative(session, initiative_id, lock=True)
    if version is not None:
        check_version(initiative.version, version, f"initiative {initiative_id}")
    used = session.scalar(
        select(func.count()).select_from(Activity).where(Activity.initiative_id == initiative_id)
    )
    if used:
        raise ConflictError(
            f"initiative '{initiative.name}' is still used by {used} "
            f"activit{'ies' if used != 1 else 'y'}; move them to another initiative first"
        )
    before = initiative_record(session, initiative)
    record_change(session, who, "delete", "initiative", str(initiative_id), before, None)
    session.delete(initiative)


def change_initiative_links(session: Session, who: str, where: Any, **cleared: Any) -> list[str]:
    """Set links (``body_id=None`` …) on the initiatives matching ``where`` — cleared as when
    a frameworks import drops a commitment, or set to a body — each audited, version bumped."""
    names = []
    for initiative in session.scalars(select(Initiative).where(where).order_by(Initiative.name)):
        before = initiative_record(session, initiative)
        for column, value in cleared.items():
            setattr(initiative, column, value)
        initiative.version += 1
        session.flush()
        after = initiative_record(session, initiative)
        record_change(session, who, "update", "initiative", str(initiative.id), before, after)
        names.append(initiative.name)
    return names
