"""``lowpolitics analyse …``: the analyses as tables for people and JSON for programs."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lowpolitics.cli.analyse_options import (
    AS_OF,
    CONTACT,
    FORMAT,
    FROM,
    PERIODS,
    RULE,
    TO,
    build_options,
    check_format,
    contact_option,
)
from lowpolitics.cli.output import err, out, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import require_schema, session_scope

analyse_app = typer.Typer(help="Measure what holds when tension rises.", no_args_is_help=True)


def _dataset(state: State, contact: str | None = None):
    """The store's dataset, narrowed to the cooperative rows of ``--contact`` when given (the
    option is checked before the store is read, so a bad code costs nothing)."""
    return _dataset_and_inputs(state, contact, inputs=False)[0]


def _dataset_and_inputs(state: State, contact: str | None = None, inputs: bool = True):
    from lowpolitics.analysis.continuity import load_continuity_inputs
    from lowpolitics.analysis.dataset import load_dataset
    from lowpolitics.analysis.units import with_contacts

    contacts = contact_option(contact, state.codebook)
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        dataset = load_dataset(session)
        found = load_continuity_inputs(session) if inputs else None
    if contacts is not None:
        dataset = with_contacts(dataset, contacts, state.codebook)
    return dataset, found


def print_contact(dataset) -> None:
    """The header line every analysis table opens with: which cooperative rows it counts."""
    from lowpolitics.analysis.contact_scope import contact_note

    out().print(f"cooperative rows counted: {contact_note(dataset.contacts)}", highlight=False)


def scoped(result: dict, dataset) -> dict:
    """A result with the definition of a cooperative row it counts (``contact``)."""
    from lowpolitics.analysis.contact_scope import contact_scope

    return {**result, "contact": contact_scope(dataset)}


def _pct(rate, ci) -> str:
    if rate is None:
        return "—"
    text = f"{rate:.0%}"
    return text + (f" [{ci[0]:.0%}–{ci[1]:.0%}]" if ci else "")


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        err().print(f"[yellow]note:[/yellow] {warning}", highlight=False)


def print_periods(periods: list[dict], method: str) -> None:
    print_table(
        f"tension periods — {method}",
        ["start", "end", "days", "origin", "events", "sources"],
        (
            [p["start"], p["end"], p["days"], p["origin"], len(p["events"]), len(p["sources"])]
            for p in periods
        ),
    )


@analyse_app.command("reach")
def reach_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Participants, women and youth, border regions and reciprocity, per year."""
    from lowpolitics.analysis.reach import reach

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, "auto", None)
    dataset = _dataset(state, contact)
    result = reach(dataset, options, state.codebook)
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    rows = []
    for year, block in [*result["by_year"].items(), ("all", result["overall"])]:
        hosted = block["reciprocity"]["hosted_by"]
        rows.append(
            [
                year,
                block["activities"],
                block["participants"]["total"] or "",
                _pct(block["women"]["share"], block["women"]["ci"]),
                _pct(block["youth"]["share"], block["youth"]["ci"]),
                _pct(block["border_regions"]["share"], block["border_regions"]["ci"]),
                f"{hosted.get('KG', 0)} / {hosted.get('TJ', 0)}",
            ]
        )
    print_table(
        "reach per year (shares with 95 % intervals)",
        [
            "year",
            "activities",
            "participants",
            "women",
            "youth",
            "border regions",
            "hosted KG / TJ",
        ],
        rows,
    )
    print_warnings(result["warnings"])


@analyse_app.command("timeline")
def timeline_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Activities by mechanism per year and quarter, with the tension periods."""
    from lowpolitics.analysis.timeline import timeline

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule)
    dataset = _dataset(state, contact)
    result = timeline(dataset, state.codebook, options)
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    mechanisms = result["mechanisms"]
    print_table(
        "activities per year",
        ["year", *mechanisms, "total"],
        (
            [row["period"], *(row["counts"][m] for m in mechanisms), row["total"]]
            for row in result["by_year"]
        ),
    )


@analyse_app.command("all")
def all_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    horizon: int = typer.Option(180, "--horizon", help="days ahead for the at-risk list", min=1),
    contact: str | None = CONTACT,
    fmt: str = typer.Option("json", "--format", "-f", help="json"),
    out_file: Path | None = typer.Option(None, "--out", help="write the JSON to this file"),
) -> None:
    """Every analysis in one JSON document (what the brief and the web app read)."""
    from lowpolitics.analysis.run_all import analyse_database

    state: State = ctx.obj
    check_format(fmt, ("json",))
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    contacts = contact_option(contact, state.codebook)
    result, _ = analyse_database(state.engine, state.codebook, options, horizon, contacts)
    if out_file:
        out_file.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        out().print(f"wrote {out_file}", highlight=False)
    else:
        print_json(result)


def _fmt_days(days) -> str:
    return "—" if days is None else f"{days:,.0f}"


@analyse_app.command("survival")
def survival_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Time from an initiative's start to its first disruption (Kaplan–Meier, Cox)."""
    from lowpolitics.analysis.survival import survival

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    dataset = _dataset(state, contact)
    result = survival(dataset, state.codebook, options)
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    rows = []
    for mechanism, block in [*result["by_mechanism"].items(), ("all", result["all_mechanisms"])]:
        at = block.get("at_years") or {}
        cells = []
        for year in ("1", "5"):
            point = at.get(year)
            cells.append(_pct(point["survival"], point["ci"]) if point else "—")
        rows.append(
            [mechanism, block["n"], block["events"], _fmt_days(block["median_days"]), *cells]
        )
    print_table(
        "initiatives: survival without disruption (Kaplan–Meier, 95 % CI)",
        ["mechanism", "initiatives", "disrupted", "median days", "S(1 year)", "S(5 years)"],
        rows,
    )
    cox = result["cox"]
    if cox:
        out().print(
            f"Cox model, tension as a time-varying covariate: hazard ratio "
            f"{cox['hazard_ratio']:.3g} [{cox['ci'][0]:.3g}–{cox['ci'][1]:.3g}], "
            f"p = {cox['p_value']:.3g} ({cox['events']} disruptions, "
            f"{cox['initiatives']} initiatives)",
            highlight=False,
        )
    print_warnings(result["warnings"])


@analyse_app.command("recovery")
def recovery_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Days from each period's start until each mechanism is seen working again."""
    from lowpolitics.analysis.recovery import recovery

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    dataset = _dataset(state, contact)
    result = recovery(dataset, state.codebook, options)
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    mechanisms = state.codebook.mechanism_codes
    print_table(
        "days from a period's start to the next held activity, by mechanism",
        ["period", *mechanisms],
        (
            [
                f"{row['period']['start']} – {row['period']['end']}",
                *(_fmt_days((row["by_mechanism"].get(m) or {}).get("days")) for m in mechanisms),
            ]
            for row in result["by_period"]
        ),
    )
    share = result["resumption"]
    out().print(
        f"disrupted initiatives that resumed within 12 months: {share['resumed']} of "
        f"{share['n']} ({_pct(share['share'], share['ci'])})",
        highlight=False,
    )
    print_warnings(result["warnings"])


@analyse_app.command("at-risk")
def at_risk_command(
    ctx: typer.Context,
    horizon: int = typer.Option(180, "--horizon", help="days ahead", min=1),
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Planned activities in the horizon, with their estimated chance of disruption."""
    from lowpolitics.analysis.at_risk import at_risk

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(None, None, periods, period_rule, as_of)
    dataset = _dataset(state, contact)
    result = at_risk(dataset, state.codebook, options, horizon)
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    if not result["activities"]:
        out().print(
            f"no planned activity between {result['as_of']} and {result['horizon_end']}",
            highlight=False,
        )
    else:
        print_table(
            f"planned activities from {result['as_of']} to {result['horizon_end']}",
            ["id", "date", "mechanism", "chance [95 % CI]", "based on", "why"],
            (
                [
                    a["id"],
                    a["date"],
                    a["mechanism"],
                    _pct(a["chance"], a["ci"]),
                    a["based_on_n"],
                    a["reason"],
                ]
                for a in result["activities"]
            ),
        )
    print_warnings(result["warnings"])


@analyse_app.command("continuity")
def continuity_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """Commission rhythm, commitments with activity, and silent disruptions (inferred)."""
    from lowpolitics.analysis.continuity import continuity

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    dataset, inputs = _dataset_and_inputs(state, contact)
    result = continuity(
        dataset, inputs, state.codebook, options, meeting_types=state.codebook.body_session_types
    )
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    print_table(
        "commissions and working groups",
        ["body", "rhythm (months)", "sessions", "longest gap (days)", "gaps over rhythm"],
        (
            [
                b["name"],
                f"{b['rhythm_months'] or '?'} ({b['rhythm_source']})",
                len(b["session_ids"]),
                _fmt_days((b["longest_gap"] or {}).get("days")),
                b["gaps_over_rhythm"],
            ]
            for b in result["bodies"]
        ),
    )
    for instrument in result["instruments"]:
        out().print(
            f"{instrument['title']}: {instrument['with_activity']} of "
            f"{instrument['n_commitments']} commitments with a held activity "
            f"({_pct(instrument['share'], instrument['ci'])})"
            + (f"; overdue: {', '.join(instrument['overdue'])}" if instrument["overdue"] else ""),
            highlight=False,
        )
    recurring = result["recurring"]
    print_table(
        "recurring initiatives: explicit and silent (inferred) disruptions",
        ["initiative", "rhythm (months)", "held", "explicit", "silent years (inferred)"],
        (
            [
                r["initiative"],
                f"{r['rhythm_months'] or '?'} ({r['rhythm_source']})",
                r["held"],
                len(r["explicit_disruptions"]),
                ", ".join(
                    str(s["year"]) + ("*" if s["overlaps_tension"] else "")
                    for s in r["silent_disruptions"]
                ),
            ]
            for r in recurring["initiatives"]
        ),
    )
    totals = recurring["totals"]
    out().print(
        f"explicit disruptions: {totals['explicit']} ({totals['explicit_overlapping_tension']} in "
        f"tension); silent, inferred: {totals['silent_inferred']} "
        f"({totals['silent_overlapping_tension']} overlapping tension, marked *)",
        highlight=False,
    )
    print_warnings(result["warnings"])


@analyse_app.command("network")
def network_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    contact: str | None = CONTACT,
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | graphml | gexf"),
    out_file: Path | None = typer.Option(None, "--out", help="file for graphml/gexf/json"),
) -> None:
    """Who works with whom across the border: ties, bridges, communities (Gephi export)."""
    from lowpolitics.analysis.graph_export import write_graph
    from lowpolitics.analysis.network import build_graph, network_metrics

    state: State = ctx.obj
    check_format(fmt, ("table", "json", "graphml", "gexf"))
    options = build_options(date_from, date_to, "auto", None)
    dataset = _dataset(state, contact)
    if fmt in ("graphml", "gexf"):
        if out_file is None:
            raise ConfigError(f"--format {fmt} writes a file: give --out FILE.{fmt}")
        written = write_graph(build_graph(dataset, state.codebook, options), out_file, fmt)
        out().print(f"wrote {written} (opens in Gephi)", highlight=False)
        return
    result = scoped(network_metrics(dataset, state.codebook, options), dataset)
    if fmt == "json":
        if out_file:
            out_file.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
            out().print(f"wrote {out_file}", highlight=False)
        else:
            print_json(result)
        return
    print_contact(dataset)
    overall = result["overall"]
    across = overall["reach_across"]
    out().print(
        f"{overall['nodes']} actors, {overall['edges']} ties (density {overall['density']:.3f}); "
        f"{overall['cross_border']['ties']} ties between Kyrgyz and Tajik actors; "
        f"{across['with_tie']} of {across['actors']} Kyrgyz and Tajik actors have a tie across "
        f"the border ({_pct(across['share'], across['ci'])}); "
        f"{overall['communities']['count']} communities, "
        f"{overall['communities']['spanning_both']} spanning both countries.",
        highlight=False,
    )
    print_table(
        "bridging actors (weighted betweenness)",
        ["actor", "country", "type", "betweenness", "ties"],
        (
            [b["name"], b["country"], b["type"], f"{b['betweenness']:.3f}", b["degree"]]
            for b in overall["bridging_actors"]
        ),
    )
    print_table(
        "cross-border ties by kind of actor",
        ["actor groups", "ties", "activities"],
        (
            [pair, v["ties"], len(v["activity_ids"])]
            for pair, v in sorted(
                overall["cross_border_by_group_pair"].items(), key=lambda item: -item[1]["ties"]
            )
        ),
    )
    print_warnings(result["warnings"])


@analyse_app.command("index")
def index_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    framework: Path | None = typer.Option(None, "--framework", help="index framework YAML"),
    weights: Path | None = typer.Option(None, "--weights", help="YAML: pillar/indicator → weight"),
    runs: int = typer.Option(1000, "--runs", min=10, help="Monte Carlo runs"),
    seed: int = typer.Option(42, "--seed", help="random seed (same seed, same result)"),
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
) -> None:
    """The Cultural Diplomacy Index per year, with its 5–95 % band and what drives it."""
    from lowpolitics.analysis.index import run_index

    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, "auto", None)
    dataset = _dataset(state, contact)
    result = run_index(
        dataset,
        state.codebook,
        options,
        framework=framework,
        weights=weights,
        runs=runs,
        seed=seed,
    )
    if fmt == "json":
        print_json(scoped(result, dataset))
        return
    print_contact(dataset)
    pillars = list(next(iter(result["years"].values()), {}).get("pillars", {}))
    print_table(
        "Cultural Diplomacy Index (0–100): nominal score, Monte Carlo median and 5–95 % band",
        ["year", "score", "median", "5–95 %", "coverage", *pillars],
        (
            [
                year,
                _num(y["score"]),
                _num(y["median"]),
                f"{_num(y['p05'])}–{_num(y['p95'])}",
                _pct(
                    y["coverage"]
                    if not isinstance(y["coverage"], dict)
                    else y["coverage"].get("share"),
                    None,
                ),
                *(_num((y["pillars"].get(p) or {}).get("score")) for p in pillars),
            ]
            for year, y in result["years"].items()
        ),
    )
    drivers = result["sensitivity"].get("mean_over_years") or {}
    if drivers:
        out().print(
            "what drives the spread (first-order index, mean over years): "
            + ", ".join(
                f"{k} {v:.2f}" for k, v in sorted(drivers.items(), key=lambda kv: -kv[1])[:6]
            ),
            highlight=False,
        )
    print_warnings(result["warnings"])


def _num(value) -> str:
    return "—" if value is None else f"{value:.1f}"
