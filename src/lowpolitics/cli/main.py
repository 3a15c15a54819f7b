"""Entry point: global options, sub-commands, and the one place user errors become messages."""

from __future__ import annotations

import sys

import typer

from lowpolitics import __version__
from lowpolitics.cli.lazy import LazyCommand, LazyGroup
from lowpolitics.cli.output import report_error
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import LowpoliticsError

_CLI = "lowpolitics.cli."

# Every command: its name, where it is defined, and the help the program's help lists beside it
# (the first paragraph of the command's own help). Commands first, then groups, as Typer lists them.
COMMANDS = (
    LazyCommand(
        "init",
        _CLI + "data_commands:init",
        "Create the database schema (or upgrade it) and load the gazetteer's places.",
    ),
    LazyCommand(
        "example",
        _CLI + "data_commands:example",
        "Write the bundled Kyrgyz–Tajik dataset as CSV files: a worked example of the formats.",
    ),
    LazyCommand(
        "stats",
        _CLI + "explore_commands:stats_command",
        "Counts by mechanism, status, year and kind; the declared tension periods.",
    ),
    LazyCommand(
        "codebook",
        _CLI + "explore_commands:codebook_command",
        "Print the framework: mechanisms, context kinds, statuses, frames, types, severities.",
    ),
    LazyCommand(
        "places",
        _CLI + "explore_commands:places_command",
        "Look a place up in the gazetteer by any of its names or spellings.",
    ),
    LazyCommand(
        "simulate",
        _CLI + "simulate_command:simulate_command",
        "Write a synthetic registry and context with chosen disruption rates per mechanism.",
    ),
    LazyCommand(
        "recommend",
        _CLI + "recommend_command:recommend_command",
        "Recommendations, each with the figures (and intervals) that triggered it.",
    ),
    LazyCommand(
        "brief",
        _CLI + "brief_command:brief_command",
        "Write brief.html (self-contained) and brief.pdf: findings, charts, recommendations.",
    ),
    LazyCommand(
        "classify",
        _CLI + "text_commands:classify_command",
        "Language, mechanism, frame, status, date and places of each text, with the evidence.",
    ),
    LazyCommand(
        "train",
        _CLI + "text_commands:train_command",
        "Train the classifier on labelled texts; print cross-validated macro-F1.",
    ),
    LazyCommand(
        "evaluate",
        _CLI + "text_commands:evaluate_command",
        "Accuracy, macro-F1, support and confusion per task by gold language; language, date and\n"
        "place scores. The classifier identifies each text's language itself.",
    ),
    LazyCommand(
        "reliability",
        _CLI + "reliability_command:reliability_command",
        "Percent agreement, Cohen's kappa and Krippendorff's alpha, overall and per code — or,\n"
        "with --index-check, of a second coder's frames against the coded index.",
    ),
    LazyCommand(
        "query",
        _CLI + "queries_command:query_command",
        "Query coded documents; print the rows and optionally export them for R or Excel.",
    ),
    LazyCommand(
        "search",
        _CLI + "search_command:search_command",
        "Search the documents' titles and texts; print each match in its context.",
    ),
    LazyCommand(
        "demo",
        _CLI + "demo:demo",
        "Build a database from the bundled Kyrgyz–Tajik dataset, print its summary, write the\n"
        "brief and serve the dashboard (Ctrl+C stops it).",
    ),
    LazyCommand(
        "serve",
        _CLI + "serve_command:serve_command",
        "Serve the dashboard, pages and API (create users first: lowpolitics users add).",
    ),
    LazyCommand(
        "backup",
        _CLI + "backup_command:backup_command",
        "Write the whole database — records, documents, codings, users, the audit trail — to\n"
        "one portable archive (zip) that 'restore' reads into SQLite or PostgreSQL.",
    ),
    LazyCommand(
        "restore",
        _CLI + "backup_command:restore_command",
        "Restore a backup into an initialised, empty database: checked whole first (manifest,\n"
        "schema, checksums, values), then written all or nothing with the same ids.",
    ),
    LazyCommand(
        "import",
        _CLI + "exchange_groups:import_app",
        "Load a file into the database (validated first; one transaction).",
    ),
    LazyCommand(
        "export",
        _CLI + "exchange_groups:export_app",
        "Write the database out in exchange formats.",
    ),
    LazyCommand("list", _CLI + "explore_commands:list_app", "List records with filters."),
    LazyCommand("show", _CLI + "explore_commands:show_app", "Show one record in full."),
    LazyCommand(
        "analyse",
        _CLI + "analyse_group:analyse_app",
        "Measure what holds when tension rises.",
    ),
    LazyCommand(
        "users",
        _CLI + "users_command:users_app",
        "Users of the web app: add, list, change role, tokens.",
    ),
    LazyCommand(
        "jobs",
        _CLI + "jobs_command:jobs_app",
        "Background jobs (big uploads, briefs): list, show, run.",
    ),
    LazyCommand(
        "audit", _CLI + "audit_command:audit_app", "The audit trail: verify its hash chain."
    ),
)


class Commands(LazyGroup):
    """The program's commands, each imported only when it is run or its help is asked for."""

    table = COMMANDS


app = typer.Typer(
    name="lowpolitics",
    help="An observatory for cultural diplomacy between two states "
    "(default: Kyrgyzstan–Tajikistan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=Commands,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lowpolitics {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL (sqlite:///FILE or postgresql://…); "
        "default $LOWPOLITICS_DB, else sqlite:///lowpolitics.db",
    ),
    codebook: str | None = typer.Option(
        None, "--codebook", help="A YAML file that extends the bundled codebook"
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit"
    ),
) -> None:
    ctx.obj = State(db=db, codebook_file=codebook)
    ctx.call_on_close(ctx.obj.close)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; user errors print one line each and return 2.

    Typer handles usage errors itself (exit 2 with its message); our own errors propagate out
    of it, and this is the one place they become messages.
    """
    try:
        app(args=argv, prog_name="lowpolitics")
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except LowpoliticsError as exc:
        report_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    return 0


def main() -> None:
    sys.exit(run())
