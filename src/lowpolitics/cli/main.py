"""Entry point: global options, sub-commands, and the one place user errors become messages."""

from __future__ import annotations

import sys

import typer

from lowpolitics import __version__
from lowpolitics.cli import (
    analyse_commands,
    audit_command,
    backup_command,
    brief_command,
    data_commands,
    demo,
    discourse_command,
    documents_command,
    explore_commands,
    iati_command,
    jobs_command,
    queries_command,
    recommend_command,
    refi_command,
    reliability_command,
    resilience_commands,
    search_command,
    serve_command,
    simulate_command,
    text_commands,
    users_command,
)
from lowpolitics.cli.output import report_error
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import LowpoliticsError

app = typer.Typer(
    name="lowpolitics",
    help="An observatory for cultural diplomacy between two states "
    "(default: Kyrgyzstan–Tajikistan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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


app.command("init")(data_commands.init)
app.add_typer(data_commands.import_app, name="import")
app.add_typer(data_commands.export_app, name="export")
app.command("example")(data_commands.example)
app.add_typer(explore_commands.list_app, name="list")
app.add_typer(explore_commands.show_app, name="show")
app.command("stats")(explore_commands.stats_command)
app.command("codebook")(explore_commands.codebook_command)
app.command("places")(explore_commands.places_command)
# resilience_commands adds resilience, held-broken and restart to the analyse group
assert resilience_commands.analyse_app is analyse_commands.analyse_app
analyse_commands.analyse_app.command("discourse")(discourse_command.discourse_command)
app.add_typer(analyse_commands.analyse_app, name="analyse")
app.command("simulate")(simulate_command.simulate_command)
app.command("recommend")(recommend_command.recommend_command)
app.command("brief")(brief_command.brief_command)
app.command("classify")(text_commands.classify_command)
app.command("train")(text_commands.train_command)
app.command("evaluate")(text_commands.evaluate_command)
app.command("reliability")(reliability_command.reliability_command)
app.command("query")(queries_command.query_command)
app.command("search")(search_command.search_command)
data_commands.export_app.command("qdpx")(refi_command.export_qdpx_command)
data_commands.export_app.command("qdc")(refi_command.export_qdc_command)
data_commands.export_app.command("iati")(iati_command.export_iati_command)
data_commands.import_app.command("qdpx")(refi_command.import_qdpx_command)
data_commands.import_app.command("qdc")(refi_command.import_qdc_command)
data_commands.import_app.command("documents")(documents_command.import_documents_command)
app.command("demo")(demo.demo)
app.command("serve")(serve_command.serve_command)
app.add_typer(users_command.users_app, name="users")
app.add_typer(jobs_command.jobs_app, name="jobs")
app.add_typer(audit_command.audit_app, name="audit")
app.command("backup")(backup_command.backup_command)
app.command("restore")(backup_command.restore_command)


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
