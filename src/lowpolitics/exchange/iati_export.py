"""IATI activity XML 2.03: ``lowpolitics export iati FILE``.

Donors and the IATI registry read this standard, so the observatory's record of Kyrgyz–Tajik
cooperation can sit next to the projects that fund it. One ``iati-activity`` per initiative
(its rows gathered in) and one per registry row without an initiative; statements and
restrictions are not cooperation and are not written. The decisions live in
:mod:`iati_records` and :mod:`iati_build`, the code tables in ``data/iati.yaml``; this module
loads the store, writes the XML in the schema's element order, and can check it against the
schema.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from lowpolitics.exchange.iati_build import InitiativeBundle, initiative_record, standalone_record
from lowpolitics.exchange.iati_mapping import IatiMapping, ReportingOrg, load_mapping
from lowpolitics.exchange.iati_records import (
    DEFAULT_LANG,
    TAG_VOCABULARY,
    Context,
    DocumentLink,
    Location,
    Record,
    Result,
)
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.models import (
    Activity,
    Actor,
    Commitment,
    Initiative,
    Instrument,
    InstrumentParty,
    Place,
)
from lowpolitics.store.queries import activity_query

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SRS_NAME = "http://www.opengis.net/def/crs/EPSG/0/4326"
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass
class IatiExport:
    """What an export wrote and what it could not say."""

    activities: int = 0  # iati-activity elements
    initiatives: int = 0
    rows: int = 0  # registry rows written as activities of their own
    folded: int = 0  # reports of an event already written, added as its sources
    not_cooperation: dict[str, int] = field(default_factory=dict)  # statements, restrictions
    not_exported: int = 0
    warnings: list[str] = field(default_factory=list)
    reporting_org: ReportingOrg | None = None


# --- reading the store --------------------------------------------------------------------


def _canonical(activity: Activity, by_key: dict[str, Activity], kinds: frozenset[str]) -> Activity:
    """The row an activity's ``same_as`` chain ends at (itself when it has none)."""
    seen: set[str] = set()
    current = activity
    while (
        current.same_as
        and current.key not in seen
        and current.same_as in by_key
        and by_key[current.same_as].record_kind in kinds
    ):
        seen.add(current.key)
        current = by_key[current.same_as]
    return current


def collect(
    session: Session, codebook: Codebook, summary: IatiExport
) -> tuple[list[InitiativeBundle], list[tuple[Activity, list[Activity]]]]:
    """Initiatives with their rows, and the rows that stand alone (each with the reports of
    the same event folded into it), oldest first."""
    kinds = codebook.cooperative_kinds
    everything = list(session.scalars(activity_query().order_by(Activity.date_start, Activity.key)))
    summary.not_cooperation = dict(
        sorted(Counter(a.record_kind for a in everything if a.record_kind not in kinds).items())
    )
    cooperative = [a for a in everything if a.record_kind in kinds]
    by_key = {a.key: a for a in cooperative}
    folded: dict[str, list[Activity]] = defaultdict(list)
    canonical: list[Activity] = []
    for activity in cooperative:
        target = _canonical(activity, by_key, kinds)
        if target is activity:
            canonical.append(activity)
        else:
            folded[target.key].append(activity)
            summary.folded += 1
    grouped: dict[int, list[Activity]] = defaultdict(list)
    alone: list[tuple[Activity, list[Activity]]] = []
    for activity in canonical:
        # an event belongs to an initiative when any report of it says so
        initiative_id = activity.initiative_id or next(
            (f.initiative_id for f in folded[activity.key] if f.initiative_id is not None), None
        )
        if initiative_id is not None:
            grouped[initiative_id].append(activity)
        else:
            alone.append((activity, folded[activity.key]))
    bundles = []
    initiatives = session.scalars(select(Initiative).order_by(Initiative.name))
    for initiative in initiatives:
        rows = grouped.get(initiative.id, [])
        commitment = (
            session.scalars(
                select(Commitment)
                .options(selectinload(Commitment.instrument))
                .where(Commitment.id == initiative.commitment_id)
            ).first()
            if initiative.commitment_id
            else None
        )
        instrument = commitment.instrument if commitment else None
        if instrument is None and initiative.instrument_id:
            instrument = session.get(Instrument, initiative.instrument_id)
        parties = (
            list(
                session.scalars(
                    select(Actor)
                    .join(InstrumentParty, InstrumentParty.actor_id == Actor.id)
                    .where(InstrumentParty.instrument_id == instrument.id)
                    .order_by(Actor.name)
                )
            )
            if instrument
            else []
        )
        lead = session.get(Actor, initiative.lead_actor_id) if initiative.lead_actor_id else None
        bundles.append(
            InitiativeBundle(
                initiative=initiative,
                rows=rows,
                folded=[f for row in rows for f in folded[row.key]],
                commitment=commitment,
                instrument=instrument,
                parties=parties,
                lead=lead,
            )
        )
    return bundles, alone


# --- writing XML --------------------------------------------------------------------------


def _narratives(parent: etree._Element, texts) -> None:
    for lang, text in texts:
        narrative = etree.SubElement(parent, "narrative")
        if lang and lang != DEFAULT_LANG:
            narrative.set(XML_LANG, lang)
        narrative.text = text


def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attrs)
    _narratives(element, [(None, text)])
    return element


def _datetime(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite keeps UTC without a zone
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0).isoformat()


def uri(url: str) -> str:
    """A source address as a URI: non-ASCII letters and spaces percent-encoded (RFC 3987)."""
    return quote(url.strip(), safe=URL_SAFE)


def _document(parent: etree._Element, link: DocumentLink) -> None:
    fmt = "application/pdf" if link.url.lower().split("?")[0].endswith(".pdf") else "text/html"
    element = etree.SubElement(parent, "document-link", url=uri(link.url), format=fmt)
    _text(element, "title", link.title)
    etree.SubElement(element, "category", code=link.category)


def _location(parent: etree._Element, location: Location) -> None:
    element = etree.SubElement(parent, "location")
    if location.ref:
        element.set("ref", location.ref)
    etree.SubElement(element, "location-reach", code="1")
    name = etree.SubElement(element, "name")
    _narratives(name, location.names)
    if location.description:
        _text(element, "description", location.description)
    if location.country:
        etree.SubElement(
            element, "administrative", vocabulary="A4", level="0", code=location.country
        )
    if location.point:
        point = etree.SubElement(element, "point", srsName=SRS_NAME)
        etree.SubElement(point, "pos").text = f"{location.point[0]} {location.point[1]}"
    if location.kind:
        if location.point:
            etree.SubElement(element, "exactness", code=location.kind.exactness)
        etree.SubElement(element, "location-class", code=location.kind.location_class)
        if location.kind.feature:
            etree.SubElement(element, "feature-designation", code=location.kind.feature)


def _result(parent: etree._Element, result: Result) -> None:
    element = etree.SubElement(parent, "result", type="1")
    _text(element, "title", result.title)
    _text(element, "description", result.description)
    if result.document:
        _document(element, result.document)
    indicator = etree.SubElement(element, "indicator", measure="1", ascending="1")
    _text(indicator, "title", result.indicator_title)
    _text(indicator, "description", result.indicator_description)
    for period in result.periods:
        block = etree.SubElement(indicator, "period")
        etree.SubElement(block, "period-start", **{"iso-date": f"{period.year}-01-01"})
        etree.SubElement(block, "period-end", **{"iso-date": f"{period.year}-12-31"})
        actual = etree.SubElement(block, "actual", value=str(period.value))
        if period.comment:
            _text(actual, "comment", period.comment)


def activity_element(record: Record, org: ReportingOrg) -> etree._Element:
    """One ``iati-activity``, children in the order the 2.03 schema's sequence demands."""
    activity = etree.Element("iati-activity", hierarchy="1")
    if record.updated is not None:
        activity.set("last-updated-datetime", _datetime(record.updated))
    activity.set(XML_LANG, DEFAULT_LANG)
    etree.SubElement(activity, "iati-identifier").text = f"{org.ref}-{record.suffix}"
    reporting = etree.SubElement(
        activity, "reporting-org", ref=org.ref, type=org.type, **{"secondary-reporter": "1"}
    )
    _narratives(reporting, [(None, org.name)])
    title = etree.SubElement(activity, "title")
    _narratives(title, record.titles)
    _text(activity, "description", record.description, type="1")
    for participant in record.orgs:
        element = etree.SubElement(activity, "participating-org", role=participant.role)
        if participant.type:
            element.set("type", participant.type)
        _narratives(element, [(None, participant.name)])
    etree.SubElement(activity, "activity-status", code=record.status)
    for when in record.dates:
        element = etree.SubElement(
            activity, "activity-date", type=when.type, **{"iso-date": when.when.start.isoformat()}
        )
        if when.note():
            _narratives(element, [(None, when.note())])
    for code, share in record.countries:
        etree.SubElement(activity, "recipient-country", code=code, percentage=str(share))
    for location in record.locations:
        _location(activity, location)
    for code, share in record.sectors:
        etree.SubElement(activity, "sector", vocabulary="1", code=code, percentage=str(share))
    for tag in record.tags:  # after sector, as the schema's sequence demands
        element = etree.SubElement(activity, "tag", vocabulary=TAG_VOCABULARY, code=tag.code)
        _narratives(element, tag.names)
    for link in record.documents:
        _document(activity, link)
    for result in record.results:
        _result(activity, result)
    return activity


# --- the export ---------------------------------------------------------------------------


def build_document(
    session: Session,
    codebook: Codebook,
    reporting_org: ReportingOrg,
    *,
    as_of: date,
    generated: datetime,
    mapping: IatiMapping | None = None,
) -> tuple[etree._Element, IatiExport]:
    """The ``iati-activities`` tree of the whole store, and what went into it."""
    mapping = mapping or load_mapping()
    summary = IatiExport(reporting_org=reporting_org)
    regions = {
        p.region_code: p for p in session.scalars(select(Place).where(Place.kind == "region"))
    }
    ctx = Context(mapping, codebook, as_of, regions)
    if reporting_org.placeholder:
        ctx.warn(
            f"reporting organisation incomplete: {', '.join(reporting_org.missing)} not given, "
            f"so the placeholder is used (ref {reporting_org.ref!r}, type "
            f"{reporting_org.type}); set them before publishing"
        )
    root = etree.Element(
        "iati-activities", version=mapping.version, **{"generated-datetime": _datetime(generated)}
    )
    bundles, alone = collect(session, codebook, summary)
    for bundle in bundles:
        record = initiative_record(bundle, ctx)
        if record is None:
            summary.not_exported += 1
            continue
        root.append(activity_element(record, reporting_org))
        summary.initiatives += 1
    for activity, folded in alone:
        record = standalone_record(activity, folded, ctx)
        if record is None:
            summary.not_exported += 1
            continue
        root.append(activity_element(record, reporting_org))
        summary.rows += 1
    if ctx.individuals:
        ctx.warn(
            f"{len(ctx.individuals)} people are not organisations and are not written as "
            f"participating-org: {'; '.join(sorted(ctx.individuals))}"
        )
    if ctx.untyped:
        ctx.warn(
            f"{len(ctx.untyped)} organisations have no actor type; written without a type: "
            f"{'; '.join(sorted(ctx.untyped))}"
        )
    summary.activities = summary.initiatives + summary.rows
    summary.warnings = list(dict.fromkeys(ctx.warnings))
    return root, summary


def export_iati(
    engine: Engine,
    file: Path | str,
    codebook: Codebook,
    *,
    reporting_org_ref: str | None = None,
    reporting_org_name: str | None = None,
    reporting_org_type: str | None = None,
    as_of: date | None = None,
    generated: datetime | None = None,
    schema: Path | None = None,
) -> IatiExport:
    """Write the store as IATI activity XML 2.03 to ``file``; with ``schema`` (the path of
    ``iati-activities-schema.xsd``, its includes beside it) the file is checked against it
    and a failure raises :class:`ConfigError` naming the first problems."""
    file = Path(file)
    mapping = load_mapping()
    org = mapping.reporting_org(reporting_org_ref, reporting_org_name, reporting_org_type)
    require_schema(engine)
    generated = generated or datetime.now(UTC)
    with session_scope(engine) as session:
        root, summary = build_document(
            session,
            codebook,
            org,
            as_of=as_of or generated.date(),
            generated=generated,
            mapping=mapping,
        )
    if summary.activities == 0:
        raise ConfigError("nothing IATI can express in this database; no file written")
    file.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(
        str(file), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    if schema is not None:
        problems = validate(file, schema)
        if problems:
            raise ConfigError(
                f"{file} does not validate against {schema}: " + "; ".join(problems[:5])
            )
    return summary


def validate(file: Path, schema: Path) -> list[str]:
    """The schema's complaints about ``file`` (empty when it is valid)."""
    try:
        checker = etree.XMLSchema(etree.parse(str(schema)))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise ConfigError(f"cannot read the schema {schema}: {exc}") from exc
    if checker.validate(etree.parse(str(file))):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]
