"""``lowpolitics reliability``: agreement between coders (people or ``auto:<model>``)."""

from __future__ import annotations

import typer

from lowpolitics.cli.index_agreement_output import show_index_agreement
from lowpolitics.cli.output import err, out, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import require_schema, session_scope

SHOWN_DISAGREEMENTS = 20


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def reliability_command(
    ctx: typer.Context,
    coders: str | None = typer.Option(
        None, "--coders", help="two or more coders: A,B[,C] or A,auto:lexicon"
    ),
    index_check: str | None = typer.Option(
        None,
        "--index-check",
        help="a second coder's frames for a sample of the coded index (CSV), or 'bundled': "
        "frame agreement with the index in the database",
    ),
    codes: str | None = typer.Option(None, "--codes", help="codes to compare (default: all used)"),
    documents: str | None = typer.Option(
        None, "--documents", help="document keys (default: those every coder coded)"
    ),
    unit: str = typer.Option("segment", "--unit", help="segment (sentences) | character"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha, overall and per code — or,
    with --index-check, of a second coder's frames against the coded index."""
    from lowpolitics.analysis.reliability import UNITS, reliability

    state: State = ctx.obj
    if fmt not in ("table", "json"):
        raise ConfigError(f"--format '{fmt}': use table or json")
    if index_check is not None:
        if coders is not None:
            raise ConfigError("--index-check compares two codings of the index: leave out --coders")
        show_index_agreement(state, index_check, fmt)
        return
    if coders is None:
        raise ConfigError("--coders A,B: the coders to compare (or --index-check FILE)")
    if unit not in UNITS:
        raise ConfigError(f"--unit '{unit}': use one of {', '.join(UNITS)}")
    names = _split(coders) or []
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        result = reliability(session, names, _split(codes), _split(documents), unit)
    if fmt == "json":
        print_json(result)
        return
    columns = ["code", "units", "agreement", "kappa", "alpha"]
    rows = [["(overall)", *_cells(result["overall"])]]
    rows += [[name, *_cells(stats)] for name, stats in result["by_code"].items()]
    title = f"{' vs '.join(result['coders'])} — {len(result['documents'])} documents, {unit} units"
    print_table(title, columns, rows)
    found = result["disagreements"]
    if found:
        shown = found[:SHOWN_DISAGREEMENTS]
        print_table(
            f"{len(found)} disagreements"
            + (f" (first {len(shown)})" if len(found) > len(shown) else ""),
            ["document", "span", "text", *result["coders"]],
            (
                [
                    d["document"],
                    f"{d['start']}-{d['end']}",
                    d["text"][:80],
                    *(
                        "(not coded)" if v is None else ", ".join(v) or "—"
                        for v in d["codes"].values()
                    ),
                ]
                for d in shown
            ),
        )
    console = err()
    for warning in result["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if not found and unit == "segment":
        out().print("no disagreements", highlight=False)


def _cells(stats: dict) -> list[str]:
    return [
        str(stats["n_units"]),
        "—" if stats["percent_agreement"] is None else f"{stats['percent_agreement']:.1%}",
        _number(stats["cohen_kappa"]),
        _number(stats["krippendorff_alpha"]),
    ]
