"""``lowpolitics recommend``: the rules evaluated on every analysis, as Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.analyse_options import (
    AS_OF,
    FROM,
    PERIODS,
    RULE,
    TO,
    build_options,
    check_format,
)
from lowpolitics.cli.output import print_json
from lowpolitics.cli.state import State


def recommend_command(
    ctx: typer.Context,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    rules: Path | None = typer.Option(None, "--rules", help="YAML file adding or overriding rules"),
    lang: str = typer.Option("en", help="en | ru | ky | tg"),
    fmt: str = typer.Option("md", "--format", "-f", help="md | json"),
) -> None:
    """Recommendations, each with the figures (and intervals) that triggered it."""
    from lowpolitics.advise.render import to_markdown
    from lowpolitics.advise.rules import evaluate_rules, load_rules
    from lowpolitics.analysis.run_all import analyse_database

    state: State = ctx.obj
    check_format(fmt, ("md", "json"))
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    ruleset = load_rules(str(rules) if rules else None)
    document, _ = analyse_database(state.engine, state.codebook, options)
    result = evaluate_rules(document, ruleset, lang)
    if fmt == "json":
        print_json(result)
    else:
        typer.echo(to_markdown(result))
