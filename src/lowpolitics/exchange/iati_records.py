"""From store rows to IATI records: the decisions, apart from the XML that writes them.

An IATI activity is a project. Our initiatives are projects (a line of work such as "Days of
Culture") and our registry rows are their events, so an initiative becomes one IATI activity
that gathers its rows — dates, organisations, places, sectors and sources — and a registry row
with no initiative becomes an IATI activity of its own. Each choice below says what it reads
from the data; where the data is silent nothing is filled in, and the gap becomes a warning.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from lowpolitics.exchange.iati_mapping import IatiMapping, PlaceKind, StatusRule
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.models import Activity, Actor, Place
from lowpolitics.store.queries import activity_end

DEFAULT_LANG = "en"
TRANSLATED_TITLES = ("ru", "ky", "tg")


@dataclass(frozen=True)
class IatiDate:
    """An activity-date: its ActivityDateType and the date as the store knows it."""

    type: str
    when: PartialDate

    def note(self) -> str | None:
        """IATI dates are days; a month or a year is written as its first day, and says so."""
        if self.when.precision == "month":
            label = f"{calendar.month_name[self.when.month]} {self.when.year}"
            return f"Known to the month ({label}); written as its first day."
        if self.when.precision == "year":
            return f"Known to the year ({self.when.year}); written as its first day."
        return None


@dataclass(frozen=True)
class Org:
    role: str
    type: str | None
    name: str


@dataclass(frozen=True)
class Location:
    ref: str | None
    names: tuple[tuple[str | None, str], ...]  # (xml:lang or None for the default, text)
    description: str | None
    country: str | None
    point: tuple[float, float] | None  # (lat, lon)
    kind: PlaceKind | None


@dataclass(frozen=True)
class DocumentLink:
    url: str
    title: str
    category: str


@dataclass(frozen=True)
class ResultPeriod:
    year: int
    value: int
    comment: str | None = None


@dataclass
class Result:
    title: str
    description: str
    document: DocumentLink | None
    indicator_title: str
    indicator_description: str
    periods: list[ResultPeriod]


# IATI has no element for how the two sides of a cooperative row met (codebook ``contacts``).
# It travels as a ``tag`` in the reporting organisation's own vocabulary (TagVocabulary 99),
# its code prefixed so that it cannot be read as any other tag the same publisher writes.
TAG_VOCABULARY = "99"
CONTACT_TAG = "contact:"


@dataclass(frozen=True)
class Tag:
    """A ``tag``: a code of our own vocabulary with its labels (language, text)."""

    code: str
    names: tuple[tuple[str | None, str], ...]


@dataclass
class Record:
    """Everything one iati-activity says, in the schema's terms."""

    suffix: str
    titles: list[tuple[str | None, str]]
    description: str
    orgs: list[Org]
    status: str
    dates: list[IatiDate]
    countries: list[tuple[str, int]]
    locations: list[Location]
    sectors: list[tuple[str, int]]
    documents: list[DocumentLink]
    results: list[Result] = field(default_factory=list)
    updated: datetime | None = None
    tags: list[Tag] = field(default_factory=list)


@dataclass
class Context:
    """What every record needs: the tables, the labels, the day the export is as of, the
    region places (for rows known only to their region), and the warnings gathered."""

    mapping: IatiMapping
    codebook: Codebook
    as_of: date
    regions: dict[str, Place]
    warnings: list[str] = field(default_factory=list)
    individuals: set[str] = field(default_factory=set)
    untyped: set[str] = field(default_factory=set)

    def warn(self, text: str) -> None:
        self.warnings.append(text)


# --- identifiers and shares -------------------------------------------------------------


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def initiative_suffix(name: str) -> str:
    """``i-<slug>-<hash>``: readable, and unique and stable however the name is spelt (a
    Cyrillic name has an empty slug; the hash still tells it apart)."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    slug = _ascii_slug(name)[:60].strip("-")
    return f"i-{slug}-{digest}" if slug else f"i-{digest}"


def activity_suffix(key: str) -> str:
    """``a-<registry id>``; an id with characters IATI identifiers avoid gets a hash too."""
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-")[:80]
    if clean == key:
        return f"a-{key}"
    return f"a-{clean}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"


def percentages(weights: dict[str, float]) -> list[tuple[str, int]]:
    """Whole percentages that sum to exactly 100 (largest remainder), largest first."""
    total = sum(weights.values())
    if total <= 0:
        return []
    raw = {code: 100 * w / total for code, w in weights.items()}
    shares = {code: int(value) for code, value in raw.items()}
    by_remainder = sorted(raw, key=lambda c: (-(raw[c] - shares[c]), c))
    for code in by_remainder[: 100 - sum(shares.values())]:
        shares[code] += 1
    return sorted(shares.items(), key=lambda item: (-item[1], item[0]))


# --- one row ------------------------------------------------------------------------------


def status_rule(activity: Activity, ctx: Context) -> StatusRule:
    """The row's status rule; a status the table lacks (an extended codebook) is read from
    the codebook's ``disrupted`` flag, with a warning."""
    rule = ctx.mapping.statuses.get(activity.status)
    if rule is not None:
        return rule
    disrupted = activity.status in ctx.codebook.disrupted_statuses
    rule = StatusRule("6", None, False, False) if disrupted else StatusRule("2", "4", True, True)
    ctx.warn(
        f"{activity.key}: status {activity.status!r} has no IATI mapping; written as "
        f"{rule.code} {ctx.mapping.name('ActivityStatus', rule.code)}"
    )
    return rule


def row_status(activity: Activity, ctx: Context) -> str:
    """The ActivityStatus of one row: its status's code, or ``when_over`` once it is over."""
    rule = status_rule(activity, ctx)
    if rule.when_over and activity_end(activity) < ctx.as_of:
        return rule.when_over
    return rule.code


def _start(activity: Activity) -> PartialDate:
    return PartialDate.from_parts(activity.date_start, activity.date_precision)


def _end(activity: Activity) -> PartialDate | None:
    if activity.end_start is None:
        return None
    return PartialDate.from_parts(activity.end_start, activity.end_precision or "day")


def row_dates(activity: Activity, status: str, rule: StatusRule) -> list[IatiDate]:
    """A started row's date is its actual start, else its planned start; its end date is the
    actual end once the row is finished (3, 4), else the planned end. A finished one-day row
    ends on its day; a finished row known to a month or year has no end we could write."""
    start, end = _start(activity), _end(activity)
    finished = status in ("3", "4")
    dates = [IatiDate("2" if rule.started else "1", start)]
    if end is not None:
        dates.append(IatiDate("4" if finished else "3", end))
    elif finished and start.precision == "day":
        dates.append(IatiDate("4", start))
    return dates


def _row_countries(activity: Activity, ctx: Context) -> list[str]:
    """The recipient countries among host and partner; without either, the country of the
    row's place or region."""
    wanted = ctx.mapping.recipient_countries
    found = [c for c in dict.fromkeys((activity.host_country, activity.partner_country)) if c]
    if not found:
        if activity.place is not None:
            found = [activity.place.country_code]
        elif activity.region_code and activity.region_code in ctx.regions:
            found = [ctx.regions[activity.region_code].country_code]
    return [c for c in found if c in wanted]


def countries(rows: Iterable[Activity], ctx: Context) -> list[tuple[str, int]]:
    """Each row counts once, split evenly over its recipient countries: a KG–TJ exchange is
    50/50; an initiative's shares are those of its rows (not money: we record none)."""
    weights: dict[str, float] = Counter()
    for row in rows:
        found = _row_countries(row, ctx)
        for code in found:
            weights[code] += 1 / len(found)
    return sorted(percentages(weights))


def sectors(rows: Iterable[Activity], ctx: Context) -> list[tuple[str, int]]:
    """DAC sectors from the rows' activity types, shared by how many rows have each."""
    weights: dict[str, float] = Counter()
    for row in rows:
        code, known = ctx.mapping.sector(row.activity_type)
        if not known:
            ctx.warn(
                f"{row.key}: activity type {row.activity_type!r} has no DAC sector mapping; "
                f"written as {code} {ctx.mapping.name('Sector', code)}"
            )
        weights[code] += 1
    return percentages(weights)


def place_location(place: Place, ctx: Context, description: str | None = None) -> Location:
    names: list[tuple[str | None, str]] = [(None, place.name_en)]
    for lang in TRANSLATED_TITLES:
        value = getattr(place, f"name_{lang}")
        if value and value != place.name_en:
            names.append((lang, value))
    point = (place.lat, place.lon) if place.lat is not None and place.lon is not None else None
    return Location(
        ref=place.id,
        names=tuple(names),
        description=description,
        country=place.country_code if len(place.country_code) == 2 else None,
        point=point,
        kind=ctx.mapping.place_kinds.get(place.kind),
    )


def row_location(activity: Activity, ctx: Context) -> Location | None:
    """The gazetteer place of a row; a place the gazetteer does not know is written at its
    region (said in the description) or, without a region, by its name only — with a warning
    either way. A known place without coordinates is written without a point."""
    if activity.place is not None:
        location = place_location(activity.place, ctx)
        if location.point is None:
            ctx.warn(
                f"{activity.key}: the gazetteer has no coordinates for "
                f"{activity.place.name_en!r}; written without a point"
            )
        return location
    region = ctx.regions.get(activity.region_code or "")
    if activity.place_text:
        if region is not None:
            ctx.warn(
                f"{activity.key}: place {activity.place_text!r} is not in the gazetteer; "
                f"written at its region, {region.name_en}"
            )
            return place_location(
                region, ctx, f"{activity.place_text} (not in the gazetteer; point of the region)"
            )
        ctx.warn(
            f"{activity.key}: place {activity.place_text!r} is not in the gazetteer and has no "
            "region; written by name, without coordinates"
        )
        return Location(None, ((None, activity.place_text),), None, None, None, None)
    if region is not None:
        return place_location(region, ctx)
    return None


def organisations(rows: Iterable[Activity], ctx: Context) -> list[Org]:
    """Actors that took part, each once per role; mentioned actors and people are left out."""
    found: dict[tuple[str, str], Org] = {}
    for row in rows:
        for link in row.actor_links:
            role = ctx.mapping.role(link.role)
            if role is not None:
                add_org(found, link.actor, role, ctx)
    return list(found.values())


def add_org(found: dict[tuple[str, str], Org], actor: Actor, role: str, ctx: Context) -> None:
    if not ctx.mapping.is_organisation(actor.type):
        ctx.individuals.add(f"{actor.name} [{actor.country_code}]")
        return
    org_type = ctx.mapping.organisation_type(actor.type, actor.country_code)
    if org_type is None:
        ctx.untyped.add(f"{actor.name} [{actor.country_code}]")
    found.setdefault(
        (role, f"{actor.name}\x1f{actor.country_code}"), Org(role, org_type, actor.name)
    )


def source_links(rows: Iterable[Activity], ctx: Context) -> list[DocumentLink]:
    """Every source of the rows (and of rows reporting the same event), once each."""
    links: dict[str, DocumentLink] = {}
    for row in rows:
        for link in row.source_links:
            url = link.source.url
            if url not in links:
                title = link.source.title or f"Source ({_host(url)})"
                links[url] = DocumentLink(url, title, ctx.mapping.source_category)
    return list(links.values())


def _host(url: str) -> str:
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]+)", url)
    return match.group(1) if match else url


def titles(activity: Activity) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = [(None, activity.title)]
    for lang in TRANSLATED_TITLES:
        value = (getattr(activity, f"title_{lang}") or "").strip()
        if value:
            found.append((lang, value))
    return found


def row_line(activity: Activity, ctx: Context) -> str:
    """One row in words: type and status (with its reason), as the codebook labels them."""
    parts = []
    if activity.activity_type:
        parts.append(ctx.codebook.label("activity_types", activity.activity_type))
    status = ctx.codebook.label("statuses", activity.status)
    parts.append(status + (f": {activity.status_reason}" if activity.status_reason else ""))
    return " · ".join(parts)


def contact_tags(rows: list[Activity], ctx: Context) -> list[Tag]:
    """One tag per contact code the rows carry, in the codebook's order (rows not coded add
    none: nothing is guessed), named in every language the codebook labels it in."""
    found = {r.contact for r in rows if r.contact}
    return [
        Tag(
            CONTACT_TAG + code,
            tuple(
                (None if lang == "en" else lang, ctx.codebook.label("contacts", code, lang))
                for lang in ctx.codebook.languages
            ),
        )
        for code in ctx.codebook.contact_codes
        if code in found
    ]


def row_description(activity: Activity, ctx: Context) -> str:
    lines = [row_line(activity, ctx) + "."]
    lines.append(f"Mechanism: {ctx.codebook.label('mechanisms', activity.mechanism)}.")
    if activity.contact:
        lines.append(f"How the two sides met: {ctx.codebook.label('contacts', activity.contact)}.")
    if activity.participants_total is not None:
        extra = [
            f"{label} {value}"
            for label, value in (
                ("women", activity.participants_women),
                ("youth", activity.participants_youth),
            )
            if value is not None
        ]
        lines.append(
            f"Participants: {activity.participants_total}"
            + (f" ({', '.join(extra)})" if extra else "")
            + "."
        )
    if activity.notes:
        lines.append(activity.notes.strip())
    lines.append(f"Registry id: {activity.key} (lowpolitics).")
    return "\n".join(lines)
