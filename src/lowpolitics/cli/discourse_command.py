"""``lowpolitics analyse discourse``: how each side's outlets frame the other, over time."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.analyse_options import FROM, PERIODS, RULE, TO, build_options, check_format
from lowpolitics.cli.output import err, print_csv, print_json, print_table
from lowpolitics.cli.state import State


def _bounds(estimate: dict) -> tuple | None:
    low, high = estimate.get("low"), estimate.get("high")
    return (low, high) if low is not None and high is not None else None


def _ci(estimate: dict) -> str:
    value, ci = estimate["value"], _bounds(estimate)
    if value is None:
        return "—"
    text = f"{value:.0%}"
    return text + (f" [{ci[0]:.0%}–{ci[1]:.0%}]" if ci else "")


def _num(estimate: dict) -> str:
    value, ci = estimate["value"], _bounds(estimate)
    if value is None:
        return "—"
    return f"{value:+.3f}" + (f" [{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "")


def discourse_command(
    ctx: typer.Context,
    by: str = typer.Option("country", "--by", help="country | outlet | genre"),
    period: str = typer.Option("year", "--period", help="year | quarter"),
    genre: list[str] = typer.Option(None, "--genre", help="only texts of this genre (repeat)"),
    outlet: list[str] = typer.Option(None, "--outlet", help="only this outlet id (repeat)"),
    lang: list[str] = typer.Option(None, "--lang", help="only texts in this language (repeat)"),
    origin: str | None = typer.Option(
        None, "--origin", help="coded_index | document (default: both)"
    ),
    window: list[int] = typer.Option(
        None, "--window", min=1, help="event-study window in days (repeat; default 30 and 90)"
    ),
    draws: int = typer.Option(2000, "--draws", min=100, help="bootstrap draws"),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv"),
) -> None:
    """Frames of the other side per side and period with intervals, the divergence between the
    sides and its trend, the event study around each tension period, and keyness."""
    from dataclasses import replace

    from lowpolitics.analysis.discourse import discourse_database
    from lowpolitics.analysis.discourse_options import BY
    from lowpolitics.analysis.discourse_options import PERIODS as PERIOD_LENGTHS
    from lowpolitics.analysis.discourse_units import CODED, DOCUMENT, UnitFilter
    from lowpolitics.framework.errors import ConfigError

    state: State = ctx.obj
    check_format(fmt, ("table", "json", "csv"))
    if by not in BY:
        raise ConfigError(f"--by '{by}': use one of {', '.join(BY)}")
    if period not in PERIOD_LENGTHS:
        raise ConfigError(f"--period '{period}': use one of {', '.join(PERIOD_LENGTHS)}")
    if origin not in (None, CODED, DOCUMENT):
        raise ConfigError(f"--origin '{origin}': use {CODED} or {DOCUMENT}")
    options = build_options(date_from, date_to, periods, period_rule)
    discourse = replace(
        options.discourse,
        by=by,
        period=period,
        draws=draws,
        windows=tuple(window) if window else options.discourse.windows,
    )
    options = replace(options, discourse=discourse)
    keep = UnitFilter(
        genres=tuple(genre) if genre else None,
        outlets=tuple(outlet) if outlet else None,
        languages=tuple(lang) if lang else None,
        origins=(origin,) if origin else None,
    )
    result = discourse_database(state.engine, state.codebook, options, keep)
    if fmt == "json":
        print_json(result.to_dict())
        return
    if fmt == "csv":
        print_csv(
            ["group", "period", "n", "frame", "share", "low", "high", "small"],
            (
                {
                    "group": cell.group,
                    "period": cell.period,
                    "n": cell.n,
                    "frame": frame,
                    "share": est.value,
                    "low": est.low,
                    "high": est.high,
                    "small": cell.small,
                }
                for cell in result.frames
                for frame, est in cell.shares.items()
            ),
        )
        return
    doc = result.to_dict()
    print_table(
        f"frames of the other side, by {by} and {period} (share [95 % interval])",
        [by, period, "n", "integrative", "neutral", "securitizing"],
        (
            [
                c["group"],
                c["period"],
                f"{c['n']}{' *' if c['small'] else ''}",
                *(_ci(c["shares"][f]) for f in ("integrative", "neutral", "securitizing")),
            ]
            for c in doc["frames"]
        ),
    )
    first, second = result.pair
    print_table(
        f"divergence between {first} and {second} outlets",
        [period, f"n {first}/{second}", "securitizing gap", "JSD", "JSD from noise alone"],
        (
            [
                c["period"],
                f"{c['n'][first]}/{c['n'][second]}",
                _num(c["securitizing_gap"]),
                _num(c["jsd"]),
                c["jsd_noise"],
            ]
            for c in doc["divergence"]
        ),
    )
    for trend in doc["trends"]:
        err().print(
            f"trend of {trend['measure']}: slope per year {_num(trend['slope_per_year'])} "
            f"over {len(trend['periods'])} periods → {trend['verdict']}",
            highlight=False,
        )
    for name in ("securitizing_share_change", "frame_divergence"):
        headline = doc[name]
        err().print(
            f"{name}: {_num(headline['value'])} (n = {headline['n']}; {headline['basis']})",
            highlight=False,
        )
    print_table(
        "event study: securitizing share before → after (change [95 % interval])",
        ["period", "anchor", "days", "side", "before", "after", "change"],
        (
            [
                f"{w['period_start']}..{w['period_end']}",
                w["anchor"],
                w["days"],
                w["side"],
                f"{_ci(w['before']['securitizing'])} n={w['before']['n']}",
                f"{_ci(w['after']['securitizing'])} n={w['after']['n']}",
                _num(w["change"]),
            ]
            for w in doc["event_study"]
            if w["before"]["n"] or w["after"]["n"]  # a window with no text on either side
        ),
    )
    for table in doc["keyness"]["tables"]:
        print_table(
            f"key stems: {table['target']} against {table['reference']} "
            f"({table['target_texts']} and {table['reference_texts']} texts)",
            ["stem", "lang", "freq", "ref", "G²", "log ratio", "texts"],
            (
                [
                    t["term"],
                    t["lang"],
                    t["target"],
                    t["reference"],
                    t["g2"],
                    t["log_ratio"],
                    ", ".join(t["texts"][:3]),
                ]
                for t in table["terms"][:10]
            ),
        )
    for warning in result.warnings:
        err().print(f"[yellow]note:[/yellow] {warning}", highlight=False)
