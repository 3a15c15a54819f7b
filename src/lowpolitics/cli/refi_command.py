"""``lowpolitics export qdpx|qdc`` and ``lowpolitics import qdpx|qdc``: REFI-QDA exchange.

The project and codebook files QualCoder, MAXQDA, ATLAS.ti and NVivo read and write, so the
corpus and its coding can move to and from the tool an analyst already uses.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.output import err, out
from lowpolitics.cli.state import State
from lowpolitics.exchange.refi import RefiCounts
from lowpolitics.store.db import require_schema, session_scope

FILE = typer.Argument(..., help="the file to write or read")
MAX_WARNINGS = 10


def export_qdpx_command(ctx: typer.Context, file: Path = FILE) -> None:
    """Write documents, codes, codings and memos as a REFI-QDA project (.qdpx)."""
    from lowpolitics.exchange.refi import export_qdpx

    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        counts = export_qdpx(session, file)
    out().print(
        f"wrote {file}: {counts['documents']} documents, {counts['codes']} codes, "
        f"{counts['codings']} codings, {counts['memos']} memos",
        highlight=False,
    )


def export_qdc_command(ctx: typer.Context, file: Path = FILE) -> None:
    """Write the code tree as a REFI-QDA codebook (.qdc)."""
    from lowpolitics.exchange.refi import export_qdc

    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        counts = export_qdc(session, file)
    out().print(f"wrote {file}: {counts['codes']} codes", highlight=False)


def _report(file: Path, counts: RefiCounts) -> None:
    out().print(
        f"{file.name}: {counts.documents_added} documents added, "
        f"{counts.documents_matched} already stored, {counts.codes_added} codes added, "
        f"{counts.codings_added} codings added, {counts.memos_added} memos added"
        + (f", {counts.skipped} skipped" if counts.skipped else ""),
        highlight=False,
    )
    for warning in counts.warnings[:MAX_WARNINGS]:
        err().print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if len(counts.warnings) > MAX_WARNINGS:
        err().print(f"[yellow]… and {len(counts.warnings) - MAX_WARNINGS} more[/yellow]")


def import_qdpx_command(ctx: typer.Context, file: Path = FILE) -> None:
    """Load a REFI-QDA project (.qdpx) from lowpolitics or another QDA tool; one transaction."""
    from lowpolitics.exchange.refi import import_qdpx

    state: State = ctx.obj
    _report(file, import_qdpx(state.engine, file, who=f"cli:{file.name}"))


def import_qdc_command(ctx: typer.Context, file: Path = FILE) -> None:
    """Load a REFI-QDA codebook (.qdc): codes with hierarchy, colours and definitions."""
    from lowpolitics.exchange.refi import import_qdc

    state: State = ctx.obj
    _report(file, import_qdc(state.engine, file, who=f"cli:{file.name}"))
