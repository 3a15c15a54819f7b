"""``lowpolitics reliability --index-check FILE``: a second coder's frames against the index."""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources
from pathlib import Path

from lowpolitics.cli.output import err, out, print_json, print_table
from lowpolitics.cli.state import State
from lowpolitics.store.db import require_schema, session_scope

BUNDLED = "bundled"
BUNDLED_FILE = "coded_texts_check.csv"
SHOWN = 30


def show_index_agreement(state: State, source: str, fmt: str) -> None:
    from lowpolitics.analysis.index_check import agreement_with_index

    require_schema(state.engine)
    if source == BUNDLED:
        dataset = resources.files("lowpolitics.datasets").joinpath("kgtj", BUNDLED_FILE)
        with resources.as_file(dataset) as path, session_scope(state.engine) as session:
            result = agreement_with_index(session, path, state.codebook)
    else:
        with session_scope(state.engine) as session:
            result = agreement_with_index(session, Path(source), state.codebook)
    if fmt == "json":
        print_json(asdict(result))
        return
    ci = result.alpha_ci
    title = (
        f"frame agreement — {', '.join(result.second_coders)} against the index "
        f"({', '.join(result.first_coders)})"
    )
    rows = [
        ["texts in the second coding", str(result.n_sample)],
        ["read by both (paired)", str(result.n_paired)],
        ["not readable for the second coder", str(result.n_unreadable)],
        ["not in the index", str(result.n_unknown)],
        ["percent agreement", _share(result.percent_agreement)],
        ["Cohen's kappa", _number(result.cohen_kappa)],
        [
            "Krippendorff's alpha (95 % bootstrap CI)",
            _number(result.krippendorff_alpha) + (f" ({ci[0]:.3f}–{ci[1]:.3f})" if ci else ""),
        ],
    ]
    print_table(title, ["", "value"], rows)
    frames = list(result.confusion)
    print_table(
        "index frame (rows) × second coder's frame (columns)",
        ["", *frames],
        ([a, *(str(result.confusion[a][b]) for b in frames)] for a in frames),
    )
    if result.disagreements:
        shown = result.disagreements[:SHOWN]
        print_table(
            f"{len(result.disagreements)} texts read differently",
            ["id", "index", "second"],
            ([p.key, p.first, p.second] for p in shown),
        )
    console = err()
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if not result.disagreements and result.n_paired:
        out().print("no disagreements", highlight=False)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
