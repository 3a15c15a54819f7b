"""``lowpolitics brief``: the policy brief as one HTML file and a PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.analyse_options import (
    AS_OF,
    CONTACT,
    FROM,
    PERIODS,
    RULE,
    TO,
    build_options,
    contact_option,
)
from lowpolitics.cli.output import out
from lowpolitics.cli.state import State


def brief_command(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("."), "--out", help="folder for brief.html and brief.pdf"),
    lang: str = typer.Option("en", help="en | ru | ky | tg"),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    periods: str = PERIODS,
    period_rule: Path | None = RULE,
    as_of: str | None = AS_OF,
    rules: Path | None = typer.Option(None, "--rules", help="YAML file adding or overriding rules"),
    contact: str | None = CONTACT,
) -> None:
    """Write brief.html (self-contained) and brief.pdf: findings, charts, recommendations."""
    from lowpolitics.report.build import brief_from_store

    state: State = ctx.obj
    options = build_options(date_from, date_to, periods, period_rule, as_of)
    html, pdf, _ = brief_from_store(
        state.engine,
        state.codebook,
        out_dir,
        options,
        lang,
        str(rules) if rules else None,
        contacts=contact_option(contact, state.codebook),
    )
    out().print(f"wrote {html} and {pdf}", highlight=False)
