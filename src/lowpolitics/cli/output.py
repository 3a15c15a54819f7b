"""Printing for the CLI: tables, CSV and JSON on stdout; messages and progress on stderr."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.console import Console

from lowpolitics.framework.cells import neutralise_row
from lowpolitics.framework.errors import InputError, LowpoliticsError

if TYPE_CHECKING:
    from rich.progress import Progress

FORMATS = ("table", "csv", "json")


def out() -> Console:
    return Console(soft_wrap=False)


def err() -> Console:
    return Console(stderr=True, soft_wrap=True)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_csv(columns: Iterable[str], rows: Iterable[dict]) -> None:
    writer = csv.DictWriter(
        sys.stdout, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(neutralise_row(row) for row in rows)  # safe to open in a spreadsheet


def print_table(title: str | None, columns: list[str], rows: Iterable[Iterable]) -> None:
    from rich.table import Table  # imported by the commands that print one, not at start-up

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    out().print(table)


def report_error(exc: LowpoliticsError) -> None:
    """Every user error ends here: one line per problem, no traceback."""
    console = err()
    if isinstance(exc, InputError):
        for error in exc.errors:
            console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        console.print(f"[red]{exc.summary}[/red]", highlight=False)
    else:
        console.print(f"[red]error:[/red] {exc}", highlight=False)


def progress_factory(label: str) -> tuple[Progress, Callable[[int], Callable[[], None]]]:
    """A rich progress bar (drawn only on a terminal) and a factory of per-item callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = err()
    progress = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )

    def start(total: int) -> Callable[[], None]:
        task = progress.add_task(label, total=total)
        return lambda: progress.advance(task)

    return progress, start
