"""The main job on the bundled Kyrgyz–Tajik data: build a fresh database, summarise it, run
every analysis, write the results and the brief next to the database, then serve the
dashboard with a freshly made admin account whose password is printed once.
"""

from __future__ import annotations

import json
import secrets
from importlib import resources
from pathlib import Path

import typer

from lowpolitics.cli.data_commands import initialise
from lowpolitics.cli.explore_commands import render_stats
from lowpolitics.cli.output import out, progress_factory
from lowpolitics.cli.resilience_commands import render_resilience
from lowpolitics.cli.serve_command import serve_app
from lowpolitics.cli.state import State
from lowpolitics.store.accounts import add_user
from lowpolitics.store.db import session_scope
from lowpolitics.store.queries import compute_stats

DEMO_FILES = (
    ("registry", "registry.csv"),
    ("actors", "actors.csv"),
    ("context", "context.csv"),
    ("frameworks", "frameworks.yaml"),
    ("outlets", "outlets.csv"),
    ("coded-texts", "coded_texts.csv"),
)
# files read beside a main file: the coded index's stem counts
DEMO_COMPANIONS = {"coded_texts.csv": "coded_texts_stems.jsonl"}


def _quiet_report(outcome) -> None:
    """One line per bundled file: the bundled record's notes (places kept as text, which the
    gazetteer does not hold) are known and not the reader's problem, so they are counted, not
    listed; `import … --all-warnings` on the file lists them."""
    r = outcome.result
    line = f"{outcome.file.name}: {r.added} added"
    if r.updated or r.unchanged:
        line += f", {r.updated} updated, {r.unchanged} unchanged"
    if outcome.warnings:
        line += f" ({len(outcome.warnings)} notes on the bundled data)"
    out().print(line, highlight=False)


def runnable() -> str:
    """How to call this program from the current folder: a bare ``lowpolitics`` only when that
    is what the shell finds (``make run`` installs it in .venv/bin, not on the PATH)."""
    import shutil
    import sys

    here = Path(sys.executable).with_name("lowpolitics")
    found = shutil.which("lowpolitics")
    if found and Path(found).resolve() == here.resolve():
        return "lowpolitics"
    try:
        return str(here.relative_to(Path.cwd()))
    except ValueError:
        return str(here)


def build_demo(folder: Path, *, codebook_file: str | None = None, verbose: bool = True) -> State:
    """Create ``folder/lowpolitics.db`` from scratch and load the bundled dataset into it."""
    from lowpolitics.store.bundled_corpus import load_bundled_corpus
    from lowpolitics.store.importing import import_file

    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "lowpolitics.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    state = State(db=f"sqlite:///{database.resolve()}", codebook_file=codebook_file)
    initialise(state)
    dataset = resources.files("lowpolitics.datasets").joinpath("kgtj")
    for kind, name in DEMO_FILES:
        companion = DEMO_COMPANIONS.get(name)
        with (
            resources.as_file(dataset.joinpath(name)) as path,
            resources.as_file(dataset.joinpath(companion or name)) as stems,
        ):
            progress, start = progress_factory(f"loading {name}")
            with progress:
                outcome = import_file(
                    state.engine,
                    kind,
                    path,
                    state.codebook,
                    state.gazetteer,
                    who="demo",
                    progress=start,
                    stems=stems if companion else None,
                )
            if verbose:
                _quiet_report(outcome)
    with session_scope(state.engine) as session:
        counts = load_bundled_corpus(session, state.codebook)
    if verbose:
        out().print(
            f"corpus: {counts['documents']} documents, {counts['label_codings']} "
            f"label codings, {counts['auto_codings']} automatic codings",
            highlight=False,
        )
    return state


def demo(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("lowpolitics-demo"), "--out", help="Output folder"),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Stop after the brief instead of serving the dashboard."
    ),
    host: str = typer.Option("127.0.0.1", help="address the dashboard listens on"),
    port: int = typer.Option(8000, help="port the dashboard listens on"),
    lang: str = typer.Option("en", help="language of the labels in the summary"),
) -> None:
    """Build a database from the bundled Kyrgyz–Tajik dataset, print its summary, write the
    brief and serve the dashboard (Ctrl+C stops it)."""
    from lowpolitics.report.brief import LANGUAGES as BRIEF_LANGUAGES
    from lowpolitics.report.build import brief_from_store

    parent: State = ctx.obj
    state = build_demo(out_dir, codebook_file=parent.codebook_file)
    console = out()
    console.print(
        f"\n[bold]lowpolitics demo[/bold] — database {out_dir / 'lowpolitics.db'}\n",
        highlight=False,
    )
    with session_scope(state.engine) as session:
        render_stats(compute_stats(session), lang, state.codebook)
    # the brief runs every analysis once; the same document is printed and saved
    brief_lang = lang if lang in BRIEF_LANGUAGES else "en"
    html, pdf, document = brief_from_store(state.engine, state.codebook, out_dir, lang=brief_lang)
    console.print("\n[bold]What holds when tension rises[/bold]\n", highlight=False)
    render_resilience(document["resilience"], state.codebook, lang)
    target = out_dir / "analysis.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"\nEvery analysis, with the ids behind each figure: {target}", highlight=False)
    console.print(f"Policy brief: {html} and {pdf}", highlight=False)
    console.print(
        f"\nExplore it: {runnable()} --db {out_dir / 'lowpolitics.db'} list activities "
        "--mechanism societal",
        highlight=False,
    )
    if no_serve:
        state.close()
        return
    password = secrets.token_urlsafe(12)
    with session_scope(state.engine) as session:
        add_user(session, "admin", "admin", password, who="demo")
    # each on a line of its own, so that a narrow terminal never breaks the password
    console.print(f"\n[bold]Dashboard[/bold]: http://{host}:{port}/", highlight=False)
    console.print("  user:     admin", highlight=False)
    console.print(f"  password: {password}   (made for this run)", highlight=False)
    console.print(
        f"Add people with: {runnable()} --db {out_dir / 'lowpolitics.db'} users add NAME "
        "--role editor",
        highlight=False,
    )
    try:
        serve_app(state, host, port, work_dir=out_dir / "web")
    finally:
        state.close()
