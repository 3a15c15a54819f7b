"""``lowpolitics analyse resilience | held-broken | restart``: what held, what broke, how soon
cooperation came back — tables for people, JSON for programs."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.analysis.held_broken import held_broken
from lowpolitics.analysis.periods import TensionPeriod, merge
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.restart import restart_lags
from lowpolitics.analysis.sensitivity import sensitivity
from lowpolitics.cli.analyse_commands import (
    _dataset,
    analyse_app,
    print_contact,
    print_periods,
    print_warnings,
    scoped,
)
from lowpolitics.cli.analyse_options import (
    AS_OF,
    CONTACT,
    FORMAT,
    FROM,
    GRACE,
    PERIODS,
    RULE,
    TO,
    build_options,
    check_format,
)
from lowpolitics.cli.output import out, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.context import TENSION_PERIOD, parse_context


def _pct(rate, ci) -> str:
    if rate is None:
        return "—"
    text = f"{rate:.0%}"
    return text + (f" [{ci[0]:.0%}–{ci[1]:.0%}]" if ci else "")


def _ratio(value, ci) -> str:
    if value is None:
        return "—"
    return f"{value:.3g} [{ci[0]:.3g}–{ci[1]:.3g}]" if ci else f"{value:.3g}"


def _label(codebook, mechanism: str, lang: str) -> str:
    if mechanism == "all":
        return "all"
    return codebook.label("mechanisms", mechanism, lang).split(" (")[0]


def _bounds(block: dict) -> str:
    if not block.get("unknown"):
        return ""
    held = block["bounds"]["if_unknown_held"]["rate"]
    broke = block["bounds"]["if_unknown_disrupted"]["rate"]
    return f"{held:.0%}–{broke:.0%} (+{block['unknown']} unknown)"


def render_resilience(result: dict, codebook, lang: str = "en") -> None:
    print_periods(result["periods"], result["period_method"])
    rows = []
    for mechanism, r in [*result["by_mechanism"].items(), ("all", result["all_mechanisms"])]:
        inside, outside, und = r["in_tension"], r["outside"], r["undetermined"]
        years = r["year_resolution"]
        rows.append(
            [
                _label(codebook, mechanism, lang),
                f"{inside['disrupted']}/{inside['n']}",
                _pct(inside["rate"], inside["ci"]),
                _bounds(inside),
                f"{outside['disrupted']}/{outside['n']}",
                _pct(outside["rate"], outside["ci"]),
                f"{und['disrupted']}/{und['n']}",
                _ratio(r["risk_ratio"], r["risk_ratio_ci"]),
                f"{years['tension_years']['disrupted']}/{years['tension_years']['n']} vs "
                f"{years['calm_years']['disrupted']}/{years['calm_years']['n']}",
            ]
        )
    print_table(
        "disruption in tension vs outside (disrupted/n, rate [95 % CI], risk ratio [95 % CI])",
        [
            "mechanism",
            "in tension",
            "rate",
            "bounds",
            "outside",
            "rate",
            "undetermined",
            "risk ratio",
            "tension vs calm years",
        ],
        rows,
    )
    counting = result["counting"]
    out().print(
        f"counted: {counting['units']} cooperative units; statements set aside: "
        f"{len(counting['statements_set_aside'])}; restrictions: "
        f"{len(counting['restrictions_set_aside'])}; linked reports merged: "
        f"{sum(len(v) - 1 for v in counting['merged_reports'].values())}. Intervals: "
        f"{result['methods']['rate_interval']}; risk ratio: "
        f"{result['methods']['risk_ratio_interval']}.",
        highlight=False,
    )
    print_warnings(result["warnings"])


def load_period_sets(paths: list[Path], codebook, gazetteer) -> dict[str, list[TensionPeriod]]:
    """User period sets: context files whose tension_period rows name their set in
    ``period_set`` (or take the file's name)."""
    sets: dict[str, list[TensionPeriod]] = {}
    for path in paths:
        parsed = parse_context(path, codebook, gazetteer)
        if parsed.errors or parsed.rejected:
            errors = parsed.errors + [e for r in parsed.rejected for e in r.errors]
            raise InputError(errors)
        for r in parsed.records:
            if r.kind != TENSION_PERIOD:
                continue
            end = (r.end_date or r.date).end
            sets.setdefault(r.period_set or path.stem, []).append(
                TensionPeriod(r.date.start, end, "declared", (r.key,), r.source_urls, r.summary)
            )
    return {name: merge(periods) for name, periods in sets.items()}


def render_sensitivity(result, codebook, lang: str) -> None:
    groups = [*result.by_mechanism.values(), result.all_mechanisms]
    for group in groups:
        rows = [
            [
                r.definition,
                f"{r.disrupted_in}/{r.n_in}",
                _pct(r.rate_in, r.ci_in),
                f"{r.disrupted_out}/{r.n_out}",
                _pct(r.rate_out, r.ci_out),
                r.undetermined,
                _ratio(r.risk_ratio, r.risk_ratio_ci),
                r.direction,
            ]
            for r in group.rows
        ]
        title = f"{_label(codebook, group.mechanism, lang)}: {group.tension_verdict}"
        if len(group.by_cooperation) > 1:
            title += f" (every unit); across both axes: {group.verdict}"
        print_table(
            title,
            [
                "definition",
                "in tension",
                "rate",
                "outside",
                "rate",
                "undet.",
                "risk ratio",
                "direction",
            ],
            rows,
        )
        if len(group.by_cooperation) > 1:
            render_cooperation(group, codebook, lang)
    print_warnings(result.warnings)


def render_cooperation(group, codebook, lang: str) -> None:
    """What counts as cooperation: each definition under the first definition of tension (the
    declared periods), with its verdict across every definition of tension."""
    rows = []
    shown = None
    for c in group.by_cooperation:
        first = c.rows[0] if c.rows else None
        shown = shown or (first.definition if first else None)
        rows.append(
            [
                c.cooperation,
                c.units,
                f"{first.disrupted_in}/{first.n_in}" if first else "—",
                _pct(first.rate_in, first.ci_in) if first else "—",
                f"{first.disrupted_out}/{first.n_out}" if first else "—",
                _pct(first.rate_out, first.ci_out) if first else "—",
                _ratio(first.risk_ratio, first.risk_ratio_ci) if first else "—",
                first.direction if first else "—",
                c.verdict,
            ]
        )
    print_table(
        f"{_label(codebook, group.mechanism, lang)}: what counts as cooperation "
        f"({shown or '—'} periods; verdict across every definition of tension)",
        [
            "cooperation",
            "units",
            "in tension",
            "rate",
            "outside",
            "rate",
            "risk ratio",
            "direction",
            "verdict",
        ],
        rows,
    )


@analyse_app.command("resilience")
def resilience_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    grace_days: int = GRACE,
    show_sensitivity: bool = typer.Option(
        False,
        "--sensitivity",
        help="rerun under every definition of tension and of what counts as cooperation, "
        "with verdicts",
    ),
    period_set: list[Path] = typer.Option(
        [], "--period-set", help="a context file of tension_period rows: one more definition"
    ),
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
    lang: str = typer.Option("en", help="language of the labels"),
) -> None:
    """Disruption rates per mechanism in tension and outside, with intervals and ids."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule, as_of, grace_days)
    dataset = _dataset(state, contact)
    if show_sensitivity:
        extra = load_period_sets(period_set, state.codebook, state.gazetteer)
        result = sensitivity(dataset, state.codebook, options, extra)
        if fmt == "json":
            print_json(scoped(result.to_dict(), dataset))
        else:
            print_contact(dataset)
            render_sensitivity(result, state.codebook, lang)
        return
    res = disruption_by_mechanism(dataset, state.codebook, options)
    if fmt == "json":
        print_json(res)
    else:
        print_contact(dataset)
        render_resilience(res, state.codebook, lang)


def _names(items) -> str:
    return "; ".join(f"{i.id} {i.date} {i.title}" for i in items) or "—"


@analyse_app.command("held-broken")
def held_broken_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    grace_days: int = GRACE,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
    lang: str = typer.Option("en", help="language of the labels"),
) -> None:
    """For every tension period and mechanism: the activities that held, broke, or are unknown."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(date_from, date_to, periods, period_rule, as_of, grace_days)
    dataset = _dataset(state, contact)
    result = held_broken(dataset, state.codebook, options)
    if fmt == "json":
        print_json(result.to_dict())
        return
    print_contact(dataset)
    for p in result.periods:
        rows = [
            [
                _label(state.codebook, m, lang),
                _names(e.held),
                "; ".join(
                    f"{d.id} {d.date} {d.title} ({d.status}: {d.reason or '?'})"
                    for d in e.disrupted
                )
                or "—",
                _names(e.unknown),
                _names(e.coarsely_dated),
            ]
            for m, e in p.by_mechanism.items()
        ]
        print_table(
            f"{p.start} → {p.end} ({p.days} days)",
            ["mechanism", "held", "disrupted", "outcome unknown", "dated too coarsely"],
            rows,
        )
        if p.statements:
            out().print(
                "statements: "
                + "; ".join(f"{s.id} ({s.frame or '?'}) {s.title}" for s in p.statements),
                highlight=False,
            )
        if p.restrictions:
            out().print("restrictions: " + _names(p.restrictions), highlight=False)
    print_warnings(result.warnings)


@analyse_app.command("restart")
def restart_command(
    ctx: typer.Context,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    contact: str | None = CONTACT,
    fmt: str = FORMAT,
    lang: str = typer.Option("en", help="language of the labels"),
) -> None:
    """Days from each period's end, and from the nearest confidence-building step, to the first
    held activity of each mechanism."""
    state: State = ctx.obj
    check_format(fmt)
    options = build_options(None, None, periods, period_rule, as_of)
    dataset = _dataset(state, contact)
    result = restart_lags(dataset, state.codebook, options)
    if fmt == "json":
        print_json(scoped(result.to_dict(), dataset))
        return
    print_contact(dataset)
    for p in result.periods:
        rows = [
            [
                _label(state.codebook, m, lang),
                f"{r.first_held_id} {r.first_held_date}" if r.first_held_id else "—",
                r.days_after_period if r.days_after_period is not None else "—",
                f"{r.nearest_step.id} {r.nearest_step.event_type}" if r.nearest_step else "—",
                r.days_after_step if r.days_after_step is not None else "—",
            ]
            for m, r in p.by_mechanism.items()
        ]
        print_table(
            f"{p.start} → {p.end}: restart",
            ["mechanism", "first held", "days after period", "nearest step", "days after step"],
            rows,
        )
    print_warnings(result.warnings)
