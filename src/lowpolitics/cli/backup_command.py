"""``lowpolitics backup FILE`` and ``lowpolitics restore FILE [--replace]``.

The work is in :mod:`lowpolitics.store.backup` and :mod:`lowpolitics.store.restore`; these
commands say what was written or restored, and always what a backup does not carry: API
tokens, which a restore therefore revokes.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.output import err, out
from lowpolitics.cli.state import State
from lowpolitics.store.backup_format import NOT_CARRIED


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


def backup_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="the archive to write, e.g. lowpolitics-2025-06.zip"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace FILE if it exists."),
) -> None:
    """Write the whole database — records, documents, codings, users, the audit trail — to
    one portable archive (zip) that 'restore' reads into SQLite or PostgreSQL."""
    from lowpolitics.store.backup import write_backup

    state: State = ctx.obj
    summary = write_backup(state.engine, file, overwrite=overwrite)
    console = out()
    console.print(
        f"wrote {file}: {len(summary.tables)} tables, {summary.rows} rows, "
        f"{_size(summary.bytes)} in {summary.seconds:.1f} s (schema {summary.revision})",
        highlight=False,
    )
    console.print(
        f"not carried: {summary.tokens_revoked} API token(s) — a restore of this archive "
        "revokes every token (make new ones with 'lowpolitics users token NAME'); "
        f"{summary.sessions_dropped} browser session(s) and the login attempts",
        highlight=False,
    )


def restore_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="an archive written by 'lowpolitics backup'"),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Empty a database that holds records first (one transaction; recorded in the "
        "audit trail).",
    ),
) -> None:
    """Restore a backup into an initialised, empty database: checked whole first (manifest,
    schema, checksums, values), then written all or nothing with the same ids."""
    from lowpolitics.store.restore import restore_backup

    state: State = ctx.obj
    summary = restore_backup(state.engine, file, replace=replace)
    console = out()
    shown = state.engine.url.render_as_string(hide_password=True)
    console.print(
        f"restored {file} into {shown}: {len(summary.tables)} tables, {summary.rows} rows "
        f"(schema {summary.revision}, written by lowpolitics {summary.written_by} at "
        f"{summary.written_at})",
        highlight=False,
    )
    if summary.replaced is not None:
        gone = sum(summary.replaced.values())
        console.print(
            f"replaced {gone} rows that were there before; the audit trail records it",
            highlight=False,
        )
    if summary.defaulted:
        err().print(
            "[yellow]warning:[/yellow] the archive is older than this schema; these columns "
            f"took their defaults: {', '.join(summary.defaulted)}",
            highlight=False,
        )
    console.print(
        f"{NOT_CARRIED['api_tokens']} (the archive's database had {summary.tokens_revoked})",
        highlight=False,
    )
    audit = summary.audit
    if audit is not None and audit.ok:
        console.print(
            f"audit trail intact: {audit.entries} entries, every link holds", highlight=False
        )
    elif audit is not None:
        was = summary.archive_audit.get("chain_holds")
        err().print(
            f"[yellow]warning:[/yellow] the audit trail does not verify ({audit.reason}, at "
            f"entry {audit.broken_at})"
            + (" — as in the database the backup was taken from" if was is False else ""),
            highlight=False,
        )
