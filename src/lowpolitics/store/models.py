"""SQLAlchemy models for the domain model (docs/architecture.md).

The same models run on SQLite (embedded default) and PostgreSQL (multi-user). Dates keep
their precision as two columns: the first day of the interval and ``day|month|year``.
Codes (mechanism, status, activity type …) are plain strings validated against the codebook
at the edges, so a user's extended codebook needs no schema change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A counter bumped on every edit, so that a stale form or API update is refused (409)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


# --- geography -----------------------------------------------------------------------------


class Country(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)  # ISO alpha-2, or INT
    name_en: Mapped[str] = mapped_column(String(200))


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO 3166-2
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str | None] = mapped_column(String(200))
    border: Mapped[bool] = mapped_column(Boolean, default=False)


class Place(Versioned, Base):
    __tablename__ = "places"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # gazetteer id
    kind: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str | None] = mapped_column(String(200))
    name_ky: Mapped[str | None] = mapped_column(String(200))
    name_tg: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    border_area: Mapped[bool] = mapped_column(Boolean, default=False)


# --- who -----------------------------------------------------------------------------------


class Actor(Versioned, Timestamped, Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("name", "country_code", name="uq_actors_name_country"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    country_code: Mapped[str] = mapped_column(String(3))  # ISO alpha-2 or INT
    type: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    accessed_on: Mapped[date | None] = mapped_column(Date)


# --- frameworks and lines of work ---------------------------------------------------------


class Instrument(Versioned, Timestamped, Base):
    """An agreement, treaty, memorandum or programme, with its commitments."""

    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))  # agreement, treaty, memorandum, programme
    signed_on: Mapped[date | None] = mapped_column(Date)
    ratified_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)

    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="instrument", cascade="all, delete-orphan"
    )


class InstrumentParty(Base):
    __tablename__ = "instrument_parties"

    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"), index=True, primary_key=True)


class Commitment(Versioned, Base):
    """A priority area of an instrument (reciprocal exchanges, heritage protection …)."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("instruments.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    mechanism: Mapped[str | None] = mapped_column(String(40))
    due: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    source_url: Mapped[str | None] = mapped_column(String(2000))

    instrument: Mapped[Instrument] = relationship(back_populates="commitments")


class Body(Versioned, Timestamped, Base):
    """A joint commission or working group and how often it is expected to meet."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))  # commission, working_group
    rhythm_months: Mapped[int | None] = mapped_column(Integer)
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)


class Initiative(Versioned, Timestamped, Base):
    """A line of work that recurs or runs for a while ("Days of Culture")."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    mechanism: Mapped[str | None] = mapped_column(String(40))
    activity_type: Mapped[str | None] = mapped_column(String(40))
    rhythm_months: Mapped[int | None] = mapped_column(Integer)
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    lead_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id"), index=True)
    # its life: gaps are only inferred between these (a closed donor project is not "silent")
    life_start: Mapped[date | None] = mapped_column(Date)
    life_end: Mapped[date | None] = mapped_column(Date)
    ended: Mapped[bool | None] = mapped_column(Boolean)


# --- what happened -------------------------------------------------------------------------


class Activity(Timestamped, Base):
    """One dated occurrence of cultural cooperation (a registry row)."""

    __tablename__ = "activities"
    # the list's default order (date, then id) read from the index alone, so a deep page is
    # an index scan and not a sort or a table lookup per row skipped; id included for
    # PostgreSQL's index-only scan (SQLite's rowid is in every index anyway)
    __table_args__ = (Index("ix_activities_date_order", "date_start", "key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # registry `id`
    date_start: Mapped[date] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(5))
    end_start: Mapped[date | None] = mapped_column(Date)
    end_precision: Mapped[str | None] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(500))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), index=True)
    mechanism: Mapped[str] = mapped_column(String(40))  # indexed below, in the list's order
    activity_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))  # indexed below, in the list's order
    status_reason: Mapped[str | None] = mapped_column(Text)
    host_country: Mapped[str | None] = mapped_column(String(2))
    partner_country: Mapped[str | None] = mapped_column(String(2))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    place_id: Mapped[str | None] = mapped_column(ForeignKey("places.id"), index=True)
    place_text: Mapped[str | None] = mapped_column(String(300))
    participants_total: Mapped[int | None] = mapped_column(Integer)
    participants_women: Mapped[int | None] = mapped_column(Integer)
    participants_youth: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # what the row is (codebook record_kinds); rows reporting one event point at one key
    record_kind: Mapped[str] = mapped_column(
        String(20), default="activity", server_default="activity"
    )
    same_as: Mapped[str | None] = mapped_column(String(120))
    frame: Mapped[str | None] = mapped_column(String(20))  # statements: integrative, …
    # how the two sides met (codebook contacts: bilateral, …); NULL = not coded, never guessed
    contact: Mapped[str | None] = mapped_column(String(20))
    # days a source places the activity on or after / on or before, inside its date's interval
    not_before: Mapped[date | None] = mapped_column(Date)
    not_after: Mapped[date | None] = mapped_column(Date)
    title_ru: Mapped[str | None] = mapped_column(String(500))
    title_ky: Mapped[str | None] = mapped_column(String(500))
    title_tg: Mapped[str | None] = mapped_column(String(500))

    initiative: Mapped[Initiative | None] = relationship()
    region: Mapped[Region | None] = relationship()
    place: Mapped[Place | None] = relationship()
    secondary: Mapped[list[ActivityMechanism]] = relationship(
        cascade="all, delete-orphan", order_by="ActivityMechanism.mechanism"
    )
    actor_links: Mapped[list[ActivityActor]] = relationship(
        cascade="all, delete-orphan", order_by="ActivityActor.position"
    )
    source_links: Mapped[list[ActivitySource]] = relationship(
        cascade="all, delete-orphan", order_by="ActivitySource.position"
    )
    history: Mapped[list[StatusChange]] = relationship(
        cascade="all, delete-orphan", order_by="StatusChange.id"
    )


# The list's other orders (web.activity_list), each from an index that holds it, so that a
# page after a cursor is one range scan (issue 17). Rows without a region or a count sort
# as '' and -1: written as literals, not parameters, because SQLite matches an expression
# index only against the same expression. mechanism and status lead their own index, which
# serves their filters as the single-column ones did.
ACTIVITY_REGION_ORDER = func.coalesce(Activity.region_code, literal_column("''"))
ACTIVITY_PARTICIPANTS_ORDER = func.coalesce(Activity.participants_total, literal_column("-1"))
Index(
    "ix_activities_mechanism_order",
    Activity.mechanism,
    Activity.date_start,
    Activity.key,
    Activity.id,
)
Index("ix_activities_status_order", Activity.status, Activity.date_start, Activity.key, Activity.id)
Index(
    "ix_activities_region_order",
    ACTIVITY_REGION_ORDER,
    Activity.date_start,
    Activity.key,
    Activity.id,
)
Index(
    "ix_activities_participants_order",
    ACTIVITY_PARTICIPANTS_ORDER,
    Activity.date_start,
    Activity.key,
    Activity.id,
)


class ActivityMechanism(Base):
    """A secondary mechanism of an activity (the primary one is on the activity)."""

    __tablename__ = "activity_mechanisms"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    mechanism: Mapped[str] = mapped_column(String(40), primary_key=True)


class ActivityActor(Base):
    __tablename__ = "activity_actors"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id"), index=True, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str | None] = mapped_column(String(40))

    actor: Mapped[Actor] = relationship()


class ActivitySource(Base):
    __tablename__ = "activity_sources"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[Source] = relationship()


class StatusChange(Base):
    """One entry of an activity's status history: what, when it was known, and why."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(30))
    changed_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    origin: Mapped[str | None] = mapped_column(String(300))  # file or user that recorded it
    # a step reported by a source (registry status_history) rather than seen at import
    reported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    source_url: Mapped[str | None] = mapped_column(String(2000))


class ContextEvent(Versioned, Timestamped, Base):
    """A security, political or economic event, or a declared tension period."""

    __tablename__ = "context_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    date_start: Mapped[date] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(5))
    end_start: Mapped[date | None] = mapped_column(Date)
    end_precision: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    severity: Mapped[int | None] = mapped_column(Integer)
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    place_id: Mapped[str | None] = mapped_column(ForeignKey("places.id"), index=True)
    place_text: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    event_type: Mapped[str | None] = mapped_column(String(40))  # codebook context_event_types
    period_set: Mapped[str | None] = mapped_column(String(80))  # tension periods: named set
    origin_format: Mapped[str] = mapped_column(String(10), default="own")
    content_hash: Mapped[str] = mapped_column(String(64))

    place: Mapped[Place | None] = relationship()
    source_links: Mapped[list[ContextSource]] = relationship(
        cascade="all, delete-orphan", order_by="ContextSource.position"
    )


class ContextSource(Base):
    __tablename__ = "context_sources"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("context_events.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[Source] = relationship()


# --- corpus --------------------------------------------------------------------------------


class Document(Versioned, Timestamped, Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(10))
    published_on: Mapped[date | None] = mapped_column(Date)
    outlet: Mapped[str | None] = mapped_column(String(300))
    country_code: Mapped[str | None] = mapped_column(String(3))
    genre: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(500))


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # paragraph, sentence
    start: Mapped[int] = mapped_column(Integer)  # code points, end exclusive
    end: Mapped[int] = mapped_column(Integer)


class Code(Versioned, Base):
    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id"), index=True)
    colour: Mapped[str | None] = mapped_column(String(9))
    definition: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="user")  # codebook | user


class Coding(Versioned, Base):
    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    coder: Mapped[str] = mapped_column(String(120))  # a user name, or auto:<model>
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Memo(Versioned, Base):
    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    coding_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- people and the record of what they did ----------------------------------------------


class User(Versioned, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # viewer < coder < editor < admin
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class ApiToken(Base):
    """A token a script sends as ``Authorization: Bearer``; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A browser login. The cookie holds a random id; the table holds its SHA-256, so a leaked
    database does not hand out live sessions. ``csrf`` is the token every form must echo."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One login try, kept for rate limiting (shared by every server process)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditEntry(Base):
    """Who changed what, when, with the values before and after. Written, never edited."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(300))  # user name, or cli:<file>
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete, import
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # sha256 over the previous entry's chain value and this entry's content (store/audit.py):
    # an edited or deleted entry breaks every link after it
    chain: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The last entry of the audit chain, so that entries cut from its end are noticed too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    chain: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)


# the discourse and blind-coding tables live in their own modules; importing them here puts
# them in Base.metadata
from lowpolitics.store import blind_models as _blind_models  # noqa: E402, F401
from lowpolitics.store import discourse_models as _discourse_models  # noqa: E402, F401
from lowpolitics.store import job_models as _job_models  # noqa: E402, F401
