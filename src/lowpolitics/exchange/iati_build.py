"""The two kinds of IATI activity we write: a registry row on its own, and an initiative with
the rows that belong to it (see :mod:`iati_records` for why).

Nothing is filled in that the data does not hold: a record that cannot carry what the schema
requires (an organisation, a date) is not written, and the reason is a warning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lowpolitics.exchange.iati_records import (
    Context,
    DocumentLink,
    IatiDate,
    Location,
    Org,
    Record,
    Result,
    ResultPeriod,
    activity_suffix,
    add_org,
    contact_tags,
    countries,
    initiative_suffix,
    organisations,
    percentages,
    row_dates,
    row_description,
    row_line,
    row_location,
    row_status,
    sectors,
    source_links,
    status_rule,
    titles,
)
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.models import Activity, Actor, Commitment, Initiative, Instrument
from lowpolitics.store.queries import activity_end

FINISHED = ("3", "4")
HALTED = ("5", "6")


@dataclass
class InitiativeBundle:
    """An initiative with what it links to: its rows (one per event, same-event reports
    folded), the reports folded into them, its commitment and instrument, their parties and
    its lead actor."""

    initiative: Initiative
    rows: list[Activity]
    folded: list[Activity]
    commitment: Commitment | None
    instrument: Instrument | None
    parties: list[Actor]
    lead: Actor | None


def _check_planned(activity: Activity, status: str, ctx: Context) -> None:
    if status == "1" and activity_end(activity) < ctx.as_of:
        when = PartialDate.from_parts(activity.date_start, activity.date_precision)
        ctx.warn(
            f"{activity.key}: planned for {when} and no outcome is recorded; written as "
            "1 Pipeline/identification"
        )


def _locations(rows: list[Activity], ctx: Context) -> list[Location]:
    """The rows' places, each once."""
    found: dict[tuple, Location] = {}
    for row in rows:
        location = row_location(row, ctx)
        if location is not None:
            found.setdefault((location.ref, location.names, location.description), location)
    return list(found.values())


def _recipient_warning(label: str, what: str, ctx: Context) -> None:
    pair = " or ".join(ctx.mapping.recipient_countries)
    ctx.warn(f"{label}: no recipient country ({what} in {pair})")


def _party_countries(parties: list[Actor], ctx: Context) -> list[tuple[str, int]]:
    """An initiative with no rows benefits the countries whose parties signed its instrument."""
    found = [p.country_code for p in parties if p.country_code in ctx.mapping.recipient_countries]
    return sorted(percentages(dict.fromkeys(found, 1.0)))


def standalone_record(activity: Activity, folded: list[Activity], ctx: Context) -> Record | None:
    """A registry row without an initiative, as its own IATI activity."""
    orgs = organisations([activity], ctx)
    if not orgs:
        ctx.warn(
            f"{activity.key}: no organisation took part (IATI requires a participating-org); "
            "not exported"
        )
        return None
    rule = status_rule(activity, ctx)
    status = row_status(activity, ctx)
    _check_planned(activity, status, ctx)
    found_countries = countries([activity], ctx)
    if not found_countries:
        _recipient_warning(activity.key, "neither host, partner nor place is", ctx)
    return Record(
        suffix=activity_suffix(activity.key),
        titles=titles(activity),
        description=row_description(activity, ctx),
        orgs=orgs,
        status=status,
        dates=row_dates(activity, status, rule),
        countries=found_countries,
        locations=_locations([activity], ctx),
        sectors=sectors([activity], ctx),
        documents=source_links([activity, *folded], ctx),
        updated=activity.updated_at,
        tags=contact_tags([activity], ctx),
    )


# --- initiatives --------------------------------------------------------------------------


def _closed_by_life(initiative: Initiative, ctx: Context) -> bool:
    """Closed when the frameworks file says it ended, or its declared life is over and it
    does not say it goes on."""
    if initiative.ended is not None:
        return bool(initiative.ended)
    return initiative.life_end is not None and initiative.life_end < ctx.as_of


def initiative_status(bundle: InitiativeBundle, ctx: Context) -> str:
    """Closed (4) if its life is over; else from its rows: nothing begun — cancelled (5) if
    every row was, suspended (6) if the latest is on hold, else pipeline (1); something
    begun — suspended (6) if its latest row was called off or halted, else implementation
    (2). A line of work the data does not close stays open."""
    rows = bundle.rows
    codes = {row.key: row_status(row, ctx) for row in rows}
    started = any(status_rule(row, ctx).started for row in rows)
    if _closed_by_life(bundle.initiative, ctx):
        return "4" if started or not rows else "5"
    if not rows:
        return "1"
    latest = codes[rows[-1].key]
    if not started:
        if all(code == "5" for code in codes.values()):
            return "5"
        return "6" if latest == "6" else "1"
    return "6" if latest in HALTED else "2"


def _day(value) -> PartialDate:
    return PartialDate(value.year, value.month, value.day)


def _latest_end(rows: list[Activity]) -> PartialDate:
    last = max(rows, key=activity_end)
    if last.end_start is not None:
        return PartialDate.from_parts(last.end_start, last.end_precision or "day")
    return PartialDate.from_parts(last.date_start, last.date_precision)


def initiative_dates(bundle: InitiativeBundle, status: str, ctx: Context) -> list[IatiDate]:
    """Start: its declared life start once reached, or its first begun row (whichever is
    earlier), an actual start; with nothing begun, the earliest planned date. End: when closed,
    its life end or its last begun row's end (actual); otherwise its life end, or else the
    commitment's due date (planned)."""
    initiative, rows = bundle.initiative, bundle.rows
    begun = [row for row in rows if status_rule(row, ctx).started]
    starts = [PartialDate.from_parts(r.date_start, r.date_precision) for r in begun]
    life_start = _day(initiative.life_start) if initiative.life_start else None
    dates: list[IatiDate] = []
    if life_start is not None and life_start.start <= ctx.as_of:
        starts.append(life_start)
    if starts:
        dates.append(IatiDate("2", min(starts, key=lambda d: d.start)))
    else:
        planned = [PartialDate.from_parts(r.date_start, r.date_precision) for r in rows]
        planned += [life_start] if life_start else []
        if planned:
            dates.append(IatiDate("1", min(planned, key=lambda d: d.start)))
    if status in FINISHED:
        if initiative.life_end is not None:
            dates.append(IatiDate("4", _day(initiative.life_end)))
        elif begun:
            dates.append(IatiDate("4", _latest_end(begun)))
    elif status != "5":
        due = _due(bundle.commitment)
        if initiative.life_end is not None:
            dates.append(IatiDate("3", _day(initiative.life_end)))
        elif due is not None:
            dates.append(IatiDate("3", due))
    return dates


def _due(commitment: Commitment | None) -> PartialDate | None:
    if commitment is None or not commitment.due:
        return None
    try:
        return PartialDate.parse(commitment.due)
    except ValueError:
        return None


def commitment_result(bundle: InitiativeBundle, ctx: Context) -> Result | None:
    """The commitment an initiative carries out, as a result whose indicator counts the rows
    that took place in each calendar year (none are targets: the agreements set no numbers)."""
    commitment = bundle.commitment
    if commitment is None:
        return None
    instrument = commitment.instrument
    about = f"Commitment '{commitment.code}' of {instrument.title}"
    if instrument.signed_on:
        about += f" (signed {instrument.signed_on.isoformat()})"
    if commitment.due:
        about += f"; due {commitment.due}"
    counted = [code for code, rule in ctx.mapping.statuses.items() if rule.took_place]
    labels = ", ".join(ctx.codebook.label("statuses", code) for code in counted)
    years = Counter(row.date_start.year for row in bundle.rows if status_rule(row, ctx).took_place)
    periods = []
    if bundle.rows:
        first = min(row.date_start.year for row in bundle.rows)
        last = min(max(row.date_start.year for row in bundle.rows), ctx.as_of.year)
        for year in range(first, last + 1):
            comment = f"Counted up to {ctx.as_of.isoformat()}." if year == ctx.as_of.year else None
            periods.append(ResultPeriod(year, years[year], comment))
    document = (
        DocumentLink(
            commitment.source_url,
            f"Commitment: {commitment.title}",
            ctx.mapping.commitment_category,
        )
        if commitment.source_url
        else None
    )
    return Result(
        title=commitment.title,
        description=about + ".",
        document=document,
        indicator_title="Activities of this line of work that took place",
        indicator_description=(
            "Registry rows of the initiative per calendar year whose status is one of: "
            f"{labels} (lowpolitics registry; reports of one event counted once)."
        ),
        periods=periods,
    )


def _initiative_description(bundle: InitiativeBundle, ctx: Context) -> str:
    initiative, rows = bundle.initiative, bundle.rows
    lines = []
    if rows:
        first, last = rows[0].date_start.year, rows[-1].date_start.year
        span = str(first) if first == last else f"{first}–{last}"
        lines.append(
            f"A line of work recorded by lowpolitics: {len(rows)} "
            f"{'activity' if len(rows) == 1 else 'activities'}, {span}."
        )
    else:
        source = f" in {bundle.instrument.title}" if bundle.instrument else ""
        lines.append(f"A line of work named{source}; no activity of it is recorded yet.")
    if initiative.mechanism:
        lines.append(f"Mechanism: {ctx.codebook.label('mechanisms', initiative.mechanism)}.")
    if initiative.rhythm_months:
        lines.append(f"Expected rhythm: every {initiative.rhythm_months} months.")
    for row in rows:
        when = PartialDate.from_parts(row.date_start, row.date_precision)
        lines.append(f"{when} · {row.title} — {row_line(row, ctx)} [{row.key}]")
    return "\n".join(lines)


def initiative_record(bundle: InitiativeBundle, ctx: Context) -> Record | None:
    """An initiative and its rows as one IATI activity."""
    initiative, rows = bundle.initiative, bundle.rows
    label = f"initiative {initiative.name!r}"
    for row in rows:
        _check_planned(row, row_status(row, ctx), ctx)
    found = {(org.role, org.name): org for org in organisations(rows, ctx)}
    extra: dict[tuple[str, str], Org] = {}
    if bundle.lead is not None:
        add_org(extra, bundle.lead, ctx.mapping.lead_actor_role, ctx)
    for party in bundle.parties:
        add_org(extra, party, ctx.mapping.instrument_party_role, ctx)
    for org in extra.values():
        found.setdefault((org.role, org.name), org)
    orgs = list(found.values())
    if not orgs:
        ctx.warn(
            f"{label}: no organisation took part (IATI requires a participating-org); not exported"
        )
        return None
    status = initiative_status(bundle, ctx)
    dates = initiative_dates(bundle, status, ctx)
    if not dates:
        ctx.warn(f"{label}: no date recorded (IATI requires an activity-date); not exported")
        return None
    found_countries = countries(rows, ctx) or _party_countries(bundle.parties, ctx)
    if not found_countries:
        _recipient_warning(label, "none of its rows or instrument parties is", ctx)
    found_sectors = sectors(rows, ctx)
    if not rows and initiative.activity_type:
        code, _ = ctx.mapping.sector(initiative.activity_type)
        found_sectors = [(code, 100)]
    result = commitment_result(bundle, ctx)
    updates = [row.updated_at for row in rows if row.updated_at] + [initiative.updated_at]
    return Record(
        suffix=initiative_suffix(initiative.name),
        titles=[(None, initiative.name)],
        description=_initiative_description(bundle, ctx),
        orgs=orgs,
        status=status,
        dates=dates,
        countries=found_countries,
        locations=_locations(rows, ctx),
        sectors=found_sectors,
        documents=source_links([*rows, *bundle.folded], ctx),
        results=[result] if result else [],
        updated=max((u for u in updates if u is not None), default=None),
        tags=contact_tags(rows, ctx),
    )
