"""``lowpolitics search``: full-text search of the corpus, shown as keyword-in-context lines."""

from __future__ import annotations

import sys

import typer

from lowpolitics.cli.analyse_options import FORMAT, FROM, TO, check_format, day_option
from lowpolitics.cli.output import err, print_json
from lowpolitics.cli.state import State
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.search import SearchHit

WINDOW = 60  # characters of context either side of a match
SHOWN_PER_DOCUMENT = 5  # KWIC lines per document in the table; JSON has them all


def _flat(value: str) -> str:
    """Context on one line: line breaks and tabs become spaces (display only)."""
    return " ".join(value.replace("\t", " ").split("\n"))


def kwic_lines(hits: list[SearchHit], window: int = WINDOW) -> list[str]:
    """One line per match: key, date, left context (right-aligned), **match**, right context."""
    lines = []
    key_width = max((len(hit.key) for hit in hits), default=0)
    for hit in hits:
        when = hit.published_on.isoformat() if hit.published_on else "—"
        head = f"{hit.key:<{key_width}}  {when:<10}"
        if not hit.snippets:
            lines.append(f"{head}  (matched in the title: {hit.title})")
        for snippet in hit.snippets[:SHOWN_PER_DOCUMENT]:
            left = _flat(snippet.left).rjust(window)
            lines.append(f"{head}  {left}**{_flat(snippet.match)}**{_flat(snippet.right)}")
        hidden = len(hit.snippets) - SHOWN_PER_DOCUMENT
        if hidden > 0:
            lines.append(f"{head}  … {hidden} more match{'es' if hidden > 1 else ''}")
    return lines


def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(
        ...,
        help='words (all must occur, inflected forms found), "a phrase", or a prefix*',
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="ru | ky | tg | en: only documents in this language"
    ),
    date_from: str | None = FROM,
    date_to: str | None = TO,
    limit: int = typer.Option(50, "--limit", help="at most this many documents"),
    fmt: str = FORMAT,
) -> None:
    """Search the documents' titles and texts; print each match in its context."""
    from lowpolitics.store.search import search

    check_format(fmt)
    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        hits = search(
            session,
            query,
            lang=lang,
            date_from=day_option(date_from, "--from"),
            date_to=day_option(date_to, "--to", end=True),
            limit=limit,
            window=WINDOW,
        )
    if fmt == "json":
        print_json([hit.as_dict() for hit in hits])
        return
    for line in kwic_lines(hits):
        sys.stdout.write(line + "\n")
    matches = sum(len(hit.snippets) for hit in hits)
    err().print(f"{len(hits)} documents, {matches} matches in their texts", highlight=False)
