"""``lowpolitics query``: frequencies, co-occurrence, the document × code matrix, coded text."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.output import err, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import require_schema, session_scope

KINDS = ("frequencies", "cooccurrence", "matrix", "segments")
TEXT_SHOWN = 100


def query_command(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="frequencies | cooccurrence | matrix | segments"),
    by: str = typer.Option(
        "outlet", "--by", help="frequencies: outlet | country | year | language"
    ),
    code: str | None = typer.Option(None, "--code", help="segments: the code to retrieve"),
    coder: str | None = typer.Option(None, "--coder", help="one coder only (default: all)"),
    out: Path | None = typer.Option(None, "--out", help="also write the rows to .csv or .xlsx"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Query coded documents; print the rows and optionally export them for R or Excel."""
    from lowpolitics.analysis.qda_queries import (
        BY,
        code_frequencies,
        coded_segments,
        cooccurrence,
        document_code_matrix,
        export_table,
    )

    state: State = ctx.obj
    if kind not in KINDS:
        raise ConfigError(f"query '{kind}': use one of {', '.join(KINDS)}")
    if fmt not in ("table", "json"):
        raise ConfigError(f"--format '{fmt}': use table or json")
    if by not in BY:
        raise ConfigError(f"--by '{by}': use one of {', '.join(BY)}")
    if kind == "segments" and not code:
        raise ConfigError("query segments needs --code")
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise ConfigError(f"--out '{out}': export to .csv or .xlsx")
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        if kind == "frequencies":
            rows = code_frequencies(session, by, coder)
        elif kind == "cooccurrence":
            rows = cooccurrence(session, coder)
        elif kind == "matrix":
            rows = document_code_matrix(session, coder)
        else:
            rows = coded_segments(session, code or "", coder)
    if out is not None:
        export_table(rows, out)
        err().print(f"wrote {len(rows)} rows to {out}", highlight=False)
    if fmt == "json":
        print_json(rows)
        return
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    print_table(
        f"{len(rows)} rows",
        columns,
        ([_shown(row.get(c)) for c in columns] for row in rows),
    )


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"
