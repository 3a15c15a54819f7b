"""Commands that change the database: init, import, export, example."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import typer

from lowpolitics.cli.output import err, out, progress_factory
from lowpolitics.cli.state import State
from lowpolitics.ingest.tables import ENCODING_HELP
from lowpolitics.store.db import head_revision, session_scope, upgrade
from lowpolitics.store.importing import ImportOutcome
from lowpolitics.store.reference import seed_reference

import_app = typer.Typer(
    help="Load a file into the database (validated first; one transaction).", no_args_is_help=True
)
export_app = typer.Typer(help="Write the database out in exchange formats.", no_args_is_help=True)

MAX_WARNINGS = 5
BUNDLED_FILES = ("registry.csv", "context.csv", "actors.csv", "README.md")


def initialise(state: State) -> int:
    """Create or upgrade the schema and (re)seed the gazetteer's places."""
    upgrade(state.engine)
    with session_scope(state.engine) as session:
        return seed_reference(session, state.gazetteer)


def init(ctx: typer.Context) -> None:
    """Create the database schema (or upgrade it) and load the gazetteer's places."""
    state: State = ctx.obj
    places = initialise(state)
    out().print(
        f"database ready: {state.engine.url.render_as_string(hide_password=True)} "
        f"(schema {head_revision()}, {places} places)",
        highlight=False,
    )


def _report(outcome: ImportOutcome, all_warnings: bool = False) -> None:
    r = outcome.result
    console = out()
    console.print(
        f"{outcome.file.name}: {r.added} added, {r.updated} updated, {r.unchanged} unchanged"
        + (f", {outcome.rejected} rejected" if outcome.rejected else "")
        + (f", {outcome.merged} merged into a kept row of the same event" if outcome.merged else "")
        + (f", {outcome.skipped} outside the country pair skipped" if outcome.skipped else ""),
        highlight=False,
    )
    shown = outcome.warnings if all_warnings else outcome.warnings[:MAX_WARNINGS]
    for warning in shown:
        err().print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if len(shown) < len(outcome.warnings):
        err().print(
            f"[yellow]… and {len(outcome.warnings) - len(shown)} more warnings "
            "(--all-warnings lists them)[/yellow]",
            highlight=False,
        )
    if outcome.rejects_file:
        console.print(f"rejected rows written to {outcome.rejects_file}", highlight=False)


def _run_import(
    ctx: typer.Context,
    kind: str,
    file: Path,
    fmt: str,
    skip_invalid: bool,
    ignore_extra: bool,
    all_warnings: bool,
    stems: Path | None = None,
    date_format: str | None = None,
    encoding: str | None = None,
) -> None:
    from lowpolitics.store.importing import import_file

    state: State = ctx.obj
    progress, start = progress_factory(f"importing {file.name}")
    with progress:
        outcome = import_file(
            state.engine,
            kind,
            file,
            state.codebook,
            state.gazetteer,
            fmt=fmt,
            skip_invalid=skip_invalid,
            ignore_extra=ignore_extra,
            progress=start,
            stems=stems,
            date_format=date_format,
            encoding=encoding,
        )
    _report(outcome, all_warnings)


SKIP = typer.Option(
    False, "--skip-invalid", help="Write the valid rows; put rejected ones in FILE.rejects.csv."
)
EXTRA = typer.Option(False, "--ignore-extra", help="Ignore columns the format does not define.")
WARNINGS = typer.Option(False, "--all-warnings", help="List every warning, not only the first.")
ENCODING = typer.Option(None, "--encoding", help=ENCODING_HELP)


@import_app.command("registry")
def import_registry(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=".csv, .xlsx or .json"),
    skip_invalid: bool = SKIP,
    ignore_extra: bool = EXTRA,
    all_warnings: bool = WARNINGS,
    encoding: str | None = ENCODING,
) -> None:
    """Import activities in the registry format (one row per activity)."""
    _run_import(
        ctx, "registry", file, "own", skip_invalid, ignore_extra, all_warnings, encoding=encoding
    )


@import_app.command("context")
def import_context(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=".csv, .xlsx, .json, or a .zip holding one of them"),
    fmt: str = typer.Option("own", "--format", help="own | acled | ucdp | gdelt"),
    date_format: str | None = typer.Option(
        None,
        "--date-format",
        help="How the file writes dates that could be read two ways, as a strftime pattern: "
        "%m/%d/%Y (month first), %d/%m/%Y (day first)",
    ),
    skip_invalid: bool = SKIP,
    ignore_extra: bool = EXTRA,
    all_warnings: bool = WARNINGS,
    encoding: str | None = ENCODING,
) -> None:
    """Import security, political and economic events, or declared tension periods."""
    from lowpolitics.ingest.event_dates import check_date_format
    from lowpolitics.store.importing import CONTEXT_FORMATS

    if fmt not in CONTEXT_FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(CONTEXT_FORMATS)}", param_hint="--format")
    if date_format is not None:
        check_date_format(date_format)  # refused before the file is read
    _run_import(
        ctx,
        "context",
        file,
        fmt,
        skip_invalid,
        ignore_extra,
        all_warnings,
        date_format=date_format,
        encoding=encoding,
    )


@import_app.command("actors")
def import_actors(
    ctx: typer.Context,
    file: Path = typer.Argument(...),
    skip_invalid: bool = SKIP,
    ignore_extra: bool = EXTRA,
    all_warnings: bool = WARNINGS,
    encoding: str | None = ENCODING,
) -> None:
    """Import actor descriptions (name, country, type, notes)."""
    _run_import(
        ctx, "actors", file, "own", skip_invalid, ignore_extra, all_warnings, encoding=encoding
    )


@import_app.command("frameworks")
def import_frameworks(
    ctx: typer.Context, file: Path = typer.Argument(..., help=".yaml or .json")
) -> None:
    """Import agreements with commitments, standing bodies and initiative rhythms."""
    _run_import(ctx, "frameworks", file, "own", False, False, False)


# the header a user writes, shown in --help without importing the parser
OUTLET_HEADER = ("id", "name", "country", "ownership", "languages", "domain", "source_url", "note")


@import_app.command("outlets")
def import_outlets(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV/XLSX/JSON: " + ",".join(OUTLET_HEADER)),
    skip_invalid: bool = SKIP,
    all_warnings: bool = WARNINGS,
) -> None:
    """Import or update outlets: who speaks, from which country (KG, TJ or third), owned by
    whom. A coded text or document names its outlet by this id."""
    _run_import(ctx, "outlets", file, "own", skip_invalid, False, all_warnings)


@import_app.command("coded-texts")
def import_coded_texts(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="the coded index (CSV/XLSX/JSON), one row per text"),
    stems: Path | None = typer.Option(
        None, "--stems", help='JSON lines {"id": …, "stems": {stem: count}} for keyness'
    ),
    skip_invalid: bool = SKIP,
    all_warnings: bool = WARNINGS,
) -> None:
    """Import a coded index of real texts: address, outlet, side, genre, date, language,
    frame and mentions of the other side as a named coder read them (never their sentences)."""
    _run_import(ctx, "coded-texts", file, "own", skip_invalid, False, all_warnings, stems)


@import_app.command("codings")
def import_codings_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV/XLSX/JSON: document,start,end,code,coder"),
) -> None:
    """Import codings (spans of documents, code points, end exclusive) by named coders."""
    from lowpolitics.store.codings_import import import_codings

    state: State = ctx.obj
    outcome = import_codings(state.engine, file)
    out().print(
        f"{file.name}: {outcome.added} codings added, {outcome.unchanged} already there, "
        f"{outcome.codes_created} new codes",
        highlight=False,
    )


@export_app.command("csv")
def export_csv_command(ctx: typer.Context, folder: Path = typer.Argument(...)) -> None:
    """Write registry.csv, context.csv, actors.csv and codings.csv (they import back
    unchanged)."""
    from lowpolitics.exchange.csv_export import export_csv

    state: State = ctx.obj
    counts = export_csv(state.engine, folder)
    for name, n in counts.items():
        out().print(f"{folder / name}: {n} rows", highlight=False)


@export_app.command("xlsx")
def export_xlsx_command(
    ctx: typer.Context, file: Path = typer.Argument(..., help="the workbook, e.g. data.xlsx")
) -> None:
    """Write registry, context, actors and codings as sheets of one workbook (the CSV
    export's columns; numbers as numbers, formula-like text made safe)."""
    from lowpolitics.exchange.spreadsheets import export_xlsx

    state: State = ctx.obj
    counts = export_xlsx(state.engine, file)
    out().print(
        f"{file}: " + ", ".join(f"{name} {n} rows" for name, n in counts.items()), highlight=False
    )


@export_app.command("parquet")
def export_parquet_command(ctx: typer.Context, folder: Path = typer.Argument(...)) -> None:
    """Write registry, context, actors and codings as .parquet files (the CSV export's
    columns, typed) for pandas, R or DuckDB."""
    from lowpolitics.exchange.spreadsheets import export_parquet

    state: State = ctx.obj
    counts = export_parquet(state.engine, folder)
    for name, n in counts.items():
        out().print(f"{folder / (name + '.parquet')}: {n} rows", highlight=False)


def bundled_dataset_files(folder: Path) -> list[Path]:
    """Copy the bundled Kyrgyz–Tajik dataset's files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    source = resources.files("lowpolitics.datasets").joinpath("kgtj")
    for name in BUNDLED_FILES:
        with resources.as_file(source.joinpath(name)) as path:
            shutil.copyfile(path, folder / name)
        written.append(folder / name)
    return written


def example(folder: Path = typer.Argument(..., help="Where to write the files")) -> None:
    """Write the bundled Kyrgyz–Tajik dataset as CSV files: a worked example of the formats."""
    for path in bundled_dataset_files(folder):
        out().print(str(path), highlight=False)
