"""``lowpolitics export iati FILE``: the registry as IATI activity XML 2.03 for donors."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.analyse_options import AS_OF, day_option
from lowpolitics.cli.output import err, out
from lowpolitics.cli.state import State

MAX_WARNINGS = 5


def export_iati_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="the .xml file to write"),
    reporting_org_ref: str | None = typer.Option(
        None, "--reporting-org-ref", help="your IATI organisation identifier (e.g. XI-IATI-…)"
    ),
    reporting_org_name: str | None = typer.Option(
        None, "--reporting-org-name", help="your organisation's name"
    ),
    reporting_org_type: str | None = typer.Option(
        None, "--reporting-org-type", help="IATI OrganisationType code (22 National NGO, 80 …)"
    ),
    as_of: str | None = AS_OF,
    schema: Path | None = typer.Option(
        None, "--schema", help="iati-activities-schema.xsd to check the file against"
    ),
    all_warnings: bool = typer.Option(False, "--all-warnings", help="List every warning."),
) -> None:
    """Write initiatives and activities as IATI activity XML 2.03 (one iati-activity per
    initiative, and per activity without one)."""
    from lowpolitics.exchange.iati_export import export_iati

    state: State = ctx.obj
    summary = export_iati(
        state.engine,
        file,
        state.codebook,
        reporting_org_ref=reporting_org_ref,
        reporting_org_name=reporting_org_name,
        reporting_org_type=reporting_org_type,
        as_of=day_option(as_of, "--as-of"),
        schema=schema,
    )
    left_out = ", ".join(
        f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in summary.not_cooperation.items()
    )
    out().print(
        f"wrote {file}: {summary.activities} iati-activities ({summary.initiatives} "
        f"initiatives, {summary.rows} activities without an initiative)"
        + (
            f"; {summary.folded} reports of an event already written kept as its sources"
            if summary.folded
            else ""
        )
        + (
            f"; {summary.not_exported} not exportable (see warnings)"
            if summary.not_exported
            else ""
        )
        + (f"; not cooperation, not written: {left_out}" if left_out else ""),
        highlight=False,
    )
    if schema is not None:
        out().print(f"valid against {schema}", highlight=False)
    shown = summary.warnings if all_warnings else summary.warnings[:MAX_WARNINGS]
    for warning in shown:
        err().print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if len(shown) < len(summary.warnings):
        err().print(
            f"[yellow]… and {len(summary.warnings) - len(shown)} more warnings "
            "(--all-warnings lists them)[/yellow]",
            highlight=False,
        )
