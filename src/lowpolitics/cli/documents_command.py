"""``lowpolitics import documents``: texts for the corpus from txt, md, html, docx, pdf, odt.

Failures do not stop the batch (each file is its own transaction); they are listed one line
each and make the exit code 2, so a script notices a partly failed import.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from lowpolitics.cli.output import err, out, progress_factory
from lowpolitics.cli.state import State
from lowpolitics.ingest.tables import ENCODING_HELP


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def import_documents_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., help="Files or folders (searched recursively for .txt .md .html .docx .pdf .odt)"
    ),
    meta: Path | None = typer.Option(
        None,
        "--meta",
        help="CSV with columns file,title,date,outlet,country,genre,url,language",
    ),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        help=ENCODING_HELP + " (text files and the metadata CSV)",
    ),
) -> None:
    """Import documents into the corpus; identical texts are stored once."""
    from lowpolitics.ingest.tables import declared_encoding
    from lowpolitics.store.documents import import_documents

    state: State = ctx.obj
    progress, start = progress_factory("importing documents")
    with progress, declared_encoding(encoding):
        report = import_documents(state.engine, paths, meta_csv=meta, progress=start)
    console, errors = out(), err()
    for item in report.duplicates:
        console.print(
            f"skipped {escape(str(item.path))}: "
            f"same text as document {item.duplicate_of} ({item.key})",
            highlight=False,
        )
    for warning in report.warnings:
        errors.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    for failure in report.failed:
        errors.print(f"[red]error:[/red] {escape(failure.message)}", highlight=False)
    console.print(
        f"imported {_plural(len(report.imported), 'document')}, "
        f"{_plural(len(report.duplicates), 'duplicate')} skipped, "
        f"{len(report.failed)} failed",
        highlight=False,
    )
    if report.failed:
        raise typer.Exit(2)
