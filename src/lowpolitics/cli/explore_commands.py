"""Commands that read: list, show, stats, codebook, places."""

from __future__ import annotations

import typer

from lowpolitics.cli.analyse_options import contact_option
from lowpolitics.cli.output import FORMATS, out, print_csv, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import ConfigError
from lowpolitics.ingest.context import CONTEXT_COLUMNS
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.queries import (
    ActivityFilter,
    Stats,
    compute_stats,
    get_activity,
    list_activities,
    list_context,
)
from lowpolitics.store.rows import activity_row, context_row

list_app = typer.Typer(help="List records with filters.", no_args_is_help=True)
show_app = typer.Typer(help="Show one record in full.", no_args_is_help=True)

FORMAT = typer.Option("table", "--format", "-f", help="table | csv | json")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ConfigError(f"--format '{fmt}': use one of {', '.join(FORMATS)}")


def _date_option(value: str | None, option: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        raise ConfigError(f"{option} '{value}': expected YYYY-MM-DD, YYYY-MM or YYYY") from None


def _code_option(value: str | None, allowed: list[str], option: str) -> str | None:
    if value and value not in allowed:
        raise ConfigError(f"{option} '{value}': use one of {', '.join(allowed)}")
    return value


@list_app.command("activities")
def list_activities_command(
    ctx: typer.Context,
    mechanism: str | None = typer.Option(None, help="institutional, societal, …"),
    status: str | None = typer.Option(None, help="held, cancelled, …"),
    date_from: str | None = typer.Option(None, "--from", help="YYYY[-MM[-DD]]"),
    date_to: str | None = typer.Option(None, "--to", help="YYYY[-MM[-DD]]"),
    region: str | None = typer.Option(None, help="ISO 3166-2 code or region name"),
    contact: str | None = typer.Option(
        None,
        "--contact",
        help="only rows coded with these contact codes, comma-separated (bilateral, "
        "multilateral_joint, co_presence, one_sided); rows not coded are not listed",
    ),
    fmt: str = FORMAT,
) -> None:
    """Activities, oldest first, filtered by mechanism, status, dates, region and contact."""
    state: State = ctx.obj
    _check_format(fmt)
    codebook = state.codebook
    region_code = None
    if region:
        place = state.gazetteer.region(region)
        if place is None:
            raise ConfigError(f"--region '{region}': not a region code or name the gazetteer knows")
        region_code = place.region
    flt = ActivityFilter(
        mechanism=_code_option(mechanism, codebook.mechanism_codes, "--mechanism"),
        status=_code_option(status, codebook.status_codes, "--status"),
        date_from=_date_option(date_from, "--from"),
        date_to=_date_option(date_to, "--to"),
        region=region_code,
        contacts=contact_option(contact, codebook),
    )
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        rows = [activity_row(a) for a in list_activities(session, flt)]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(REGISTRY_COLUMNS, rows)
    else:
        print_table(
            f"{len(rows)} activities",
            ["id", "date", "mechanism", "status", "title", "place", "region"],
            (
                [
                    r["id"],
                    r["date"],
                    r["mechanism"],
                    r["status"],
                    r["title"],
                    r["place"],
                    r["region"],
                ]
                for r in rows
            ),
        )


@list_app.command("context")
def list_context_command(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, help="security, political, economic, tension_period"),
    fmt: str = FORMAT,
) -> None:
    """Context events and declared tension periods."""
    state: State = ctx.obj
    _check_format(fmt)
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        rows = [context_row(e) for e in list_context(session, kind)]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(CONTEXT_COLUMNS, rows)
    else:
        print_table(
            f"{len(rows)} context events",
            ["id", "date", "end_date", "kind", "severity", "fatalities", "place"],
            (
                [
                    r["id"],
                    r["date"],
                    r["end_date"],
                    r["kind"],
                    r["severity"],
                    r["fatalities"],
                    r["place"],
                ]
                for r in rows
            ),
        )


@show_app.command("activity")
def show_activity(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="ID"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
    lang: str = typer.Option("en", help="language of the labels: en, ru, ky, tg"),
) -> None:
    """One activity with its actors, sources and status history."""
    state: State = ctx.obj
    require_schema(state.engine)
    codebook = state.codebook
    with session_scope(state.engine) as session:
        activity = get_activity(session, key)
        row = activity_row(activity)
        history = [
            {
                "status": h.status,
                "changed_on": h.changed_on.isoformat() if h.changed_on else None,
                "reason": h.reason,
                "recorded_at": h.recorded_at.isoformat() if h.recorded_at else None,
                "origin": h.origin,
            }
            for h in activity.history
        ]
        place = activity.place
        coords = (place.lat, place.lon) if place and place.lat is not None else None
    if fmt == "json":
        print_json(
            {**row, "status_history": history, "coordinates": list(coords) if coords else None}
        )
        return
    labels = {
        "mechanism": codebook.label("mechanisms", row["mechanism"], lang),
        "status": codebook.label("statuses", row["status"], lang),
        "activity_type": codebook.label("activity_types", row["activity_type"], lang)
        if row["activity_type"]
        else "",
    }
    lines = []
    for column in REGISTRY_COLUMNS:
        value = row[column]
        if column in labels and value:
            value = f"{labels[column]} ({value})"
        if column in ("actors", "source_url"):
            value = "\n".join(value.split(";"))
        lines.append((column, value))
    if coords:
        lines.append(("coordinates", f"{coords[0]:.4f}, {coords[1]:.4f}"))
    print_table(row["title"], ["field", "value"], lines)
    print_table(
        "status history",
        ["status", "reason", "recorded", "by"],
        ([h["status"], h["reason"], (h["recorded_at"] or "")[:19], h["origin"]] for h in history),
    )


def render_stats(stats: Stats, lang: str, codebook) -> None:
    console = out()
    console.print(
        f"[bold]{stats.activities}[/bold] activities "
        f"({stats.first} – {stats.last}), [bold]{stats.context_events}[/bold] context events, "
        f"{stats.actors} actors, {stats.initiatives} initiatives, {stats.sources} sources; "
        f"{stats.with_source} of {stats.activities} activities cite a source",
        highlight=False,
    )
    print_table(
        "activities by mechanism",
        ["mechanism", "code", "n"],
        (
            [codebook.label("mechanisms", k, lang), k, n]
            for k, n in sorted(stats.by_mechanism.items())
        ),
    )
    print_table(
        "activities by status",
        ["status", "code", "n"],
        ([codebook.label("statuses", k, lang), k, n] for k, n in sorted(stats.by_status.items())),
    )
    mechanisms = codebook.mechanism_codes
    print_table(
        "activities by year and mechanism",
        [
            "year",
            *(codebook.label("mechanisms", m, lang).split(" (")[0] for m in mechanisms),
            "total",
        ],
        (
            [year, *(stats.by_year_mechanism.get((year, m), "") for m in mechanisms), n]
            for year, n in sorted(stats.by_year.items())
        ),
    )
    print_table("context events by kind", ["kind", "n"], sorted(stats.by_context_kind.items()))
    as_dict = stats.as_dict()
    print_table(
        "declared tension periods",
        ["id", "start", "end", "sources"],
        ([p["id"], p["start"], p["end"], len(p["sources"])] for p in as_dict["tension_periods"]),
    )


def stats_command(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
    lang: str = typer.Option("en", help="language of the labels"),
) -> None:
    """Counts by mechanism, status, year and kind; the declared tension periods."""
    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        stats = compute_stats(session)
        if fmt == "json":
            print_json(stats.as_dict())
            return
        render_stats(stats, lang, state.codebook)


def codebook_command(
    ctx: typer.Context,
    lang: str = typer.Option("en", help="en, ru, ky or tg"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Print the framework: mechanisms, context kinds, statuses, frames, types, severities."""
    state: State = ctx.obj
    codebook = state.codebook
    if lang not in codebook.languages:
        raise ConfigError(f"--lang '{lang}': the codebook has {', '.join(codebook.languages)}")
    if fmt == "json":
        print_json(codebook.model_dump())
        return
    out().print(f"codebook version {codebook.version}", highlight=False)
    print_table(
        "mechanisms",
        ["code", "label", "definition"],
        ([m.code, m.text(lang), m.describe(lang)] for m in codebook.mechanisms),
    )
    print_table(
        "context kinds",
        ["code", "label", "definition"],
        ([m.code, m.text(lang), m.describe(lang)] for m in codebook.context_kinds),
    )
    print_table(
        "statuses",
        ["code", "label", "disrupted", "definition"],
        (
            [s.code, s.text(lang), "yes" if s.disrupted else "", s.describe(lang)]
            for s in codebook.statuses
        ),
    )
    print_table(
        "frames",
        ["code", "label", "definition"],
        ([f.code, f.text(lang), f.describe(lang)] for f in codebook.frames),
    )
    print_table(
        "activity types",
        ["code", "family", "label"],
        ([a.code, a.family or "", a.text(lang)] for a in codebook.activity_types),
    )
    print_table(
        "actor types",
        ["code", "group", "label"],
        ([a.code, a.group, a.text(lang)] for a in codebook.actor_types),
    )
    print_table(
        "severity of context events",
        ["level", "label", "definition"],
        ([s.code, s.text(lang), s.definition.get(lang, "")] for s in codebook.severity_levels),
    )


def places_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="any spelling"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Look a place up in the gazetteer by any of its names or spellings."""
    state: State = ctx.obj
    found = state.gazetteer.lookup(name)
    rows = [
        {
            "id": p.id,
            "kind": p.kind,
            "country": p.country,
            "region": p.region,
            "names": p.names,
            "lat": p.lat,
            "lon": p.lon,
            "border_area": p.border_area,
            "note": p.note,
            "source_url": p.source_url,
        }
        for p in found
    ]
    if fmt == "json":
        print_json(rows)
        return
    if not rows:
        out().print(f"no place called '{name}' in the gazetteer", highlight=False)
        return
    print_table(
        f"{len(rows)} match(es) for '{name}'",
        ["id", "kind", "country", "region", "en / ru / ky / tg", "lat, lon", "border"],
        (
            [
                r["id"],
                r["kind"],
                r["country"],
                r["region"],
                " / ".join(r["names"].get(k, "") for k in ("en", "ru", "ky", "tg")),
                f"{r['lat']}, {r['lon']}" if r["lat"] is not None else "",
                "yes" if r["border_area"] else "no",
                r["note"],
            ]
            for r in rows
        ),
    )
