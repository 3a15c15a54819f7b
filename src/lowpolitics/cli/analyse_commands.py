"""``lowpolitics analyse …``: the analyses as tables for people and JSON for programs."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.analysis.dataset import load_dataset
from lowpolitics.analysis.reach import reach
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.run_all import analyse_all
from lowpolitics.analysis.timeline import timeline
from lowpolitics.cli.analyse_options import (
    AS_OF,
    FORMAT,
    FROM,
    PERIODS,
    RULE,
    TO,
    build_options,
    check_format,
)
from lowpolitics.cli.output import err, out, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.store.db import require_schema, session_scope

analyse_app = typer.Typer(help="Measure what holds when tension rises.", no_args_is_help=True)


def _dataset(state: State):
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        return load_dataset(session)


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


def render_resilience(result: dict, codebook, lang: str = "en") -> None:
    print_periods(result["periods"], result["period_method"])
    rows = []
    for mechanism, r in [*result["by_mechanism"].items(), ("all", result["all_mechanisms"])]:
        inside, outside = r["in_tension"], r["outside"]
        ratio = "—"
        if r["risk_ratio"] is not None:
            low, high = r["risk_ratio_ci"]
            ratio = f"{r['risk_ratio']:.3g} [{low:.3g}–{high:.3g}]"
        label = "all" if mechanism == "all" else codebook.label("mechanisms", mechanism, lang)
        label = label.split(" (")[0]
        rows.append(
            [
                label,
                f"{inside['disrupted']}/{inside['n']}",
                _pct(inside["rate"], inside["ci"]),
                f"{outside['disrupted']}/{outside['n']}",
                _pct(outside["rate"], outside["ci"]),
                ratio,
            ]
        )
    print_table(
        "disruption in tension vs outside (disrupted/n, rate [95 % CI], risk ratio [95 % CI])",
        ["mechanism", "in tension", "rate", "outside", "rate", "risk ratio"],
        rows,
    )
    out().print(
        f"intervals: {result['methods']['rate_interval']}; risk ratio: "
        f"{result['methods']['risk_ratio_interval']}. Undetermined (month/year dates "
        f"overlapping a period): {result['undetermined']}; planned, not counted: "
        f"{result['planned_not_counted']}.",
        highlight=False,
    )
    print_warnings(result["warnings"])


@analyse_app.command("resilience")
def resilience_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    fmt: str = FORMAT,
    lang: str = typer.Option("en", help="language of the labels"),
) -> None:
    """Disruption rates per mechanism in tension and outside, with intervals and ids."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule)
    result = disruption_by_mechanism(_dataset(state), state.codebook, options)
    if fmt == "json":
        print_json(result)
    else:
        render_resilience(result, state.codebook, lang)


@analyse_app.command("reach")
def reach_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    fmt: str = FORMAT,
) -> None:
    """Participants, women and youth, border regions and reciprocity, per year."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, "auto", None)
    result = reach(_dataset(state), options)
    if fmt == "json":
        print_json(result)
        return
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
    fmt: str = FORMAT,
) -> None:
    """Activities by mechanism per year and quarter, with the tension periods."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule)
    result = timeline(_dataset(state), state.codebook, options)
    if fmt == "json":
        print_json(result)
        return
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
    fmt: str = typer.Option("json", "--format", "-f", help="json"),
    out_file: Path | None = typer.Option(None, "--out", help="write the JSON to this file"),
) -> None:
    """Every analysis in one JSON document (what the brief and the web app read)."""
    state: State = ctx.obj
    check_format(fmt, ("json",))
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    result = analyse_all(_dataset(state), state.codebook, options)
    if out_file:
        import json

        out_file.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        out().print(f"wrote {out_file}", highlight=False)
    else:
        print_json(result)
