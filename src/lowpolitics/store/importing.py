"""Import a user's file end to end: validate everything, then write it in one transaction.

If any cell is bad the database is not touched and every bad cell is reported (exit code 2 in
the CLI). With ``skip_invalid`` the valid rows are written and the rejected ones go to
``FILE.rejects.csv`` with a reason column.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConfigError, InputError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.actors import parse_actors
from lowpolitics.ingest.context import parse_context
from lowpolitics.ingest.discourse import parse_coded_texts, parse_outlets, read_stems
from lowpolitics.ingest.feeds import FEEDS
from lowpolitics.ingest.frameworks import parse_frameworks
from lowpolitics.ingest.registry import parse_registry
from lowpolitics.ingest.results import Parsed
from lowpolitics.ingest.tables import declared_encoding
from lowpolitics.store.bulk import ImportSettings, bulk_load_context
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.discourse_loader import load_coded_texts, load_outlets
from lowpolitics.store.frameworks import load_frameworks
from lowpolitics.store.import_stream import ImportOutcome, import_entry, import_streamed, written
from lowpolitics.store.loader import load_actors
from lowpolitics.store.statistics import refresh_after_import

KINDS = ("registry", "context", "actors", "frameworks", "outlets", "coded-texts")
CONTEXT_FORMATS = ("own", "acled", "ucdp", "gdelt")


def parse_file(
    kind: str,
    path: Path,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    fmt: str = "own",
    ignore_extra: bool = False,
    outlet_countries: dict[str, str] | None = None,
    date_format: str | None = None,
    as_of: date | None = None,
) -> Parsed:
    """Validate ``path`` as a ``kind`` file without touching any database. ``date_format``
    (a strftime pattern such as ``%m/%d/%Y``) reads a context file's dates that a spreadsheet
    re-wrote in a numeric order that could be read two ways; ``as_of`` is the day taken as
    today, after which a held activity cannot start."""
    if kind == "registry":
        return parse_registry(path, codebook, gazetteer, ignore_extra=ignore_extra, as_of=as_of)
    if kind == "actors":
        return parse_actors(path, codebook, gazetteer, ignore_extra=ignore_extra)
    if kind == "outlets":
        return parse_outlets(path, codebook)
    if kind == "coded-texts":
        return parse_coded_texts(path, codebook, outlet_countries)
    if kind == "context":
        if fmt == "own":
            return parse_context(
                path, codebook, gazetteer, ignore_extra=ignore_extra, date_format=date_format
            )
        if fmt in FEEDS:
            return FEEDS[fmt](path, codebook, gazetteer, date_format=date_format)
        raise ConfigError(
            f"unknown context format '{fmt}': use one of {', '.join(CONTEXT_FORMATS)}"
        )
    raise ConfigError(f"unknown import kind '{kind}': use one of {', '.join(KINDS)}")


def import_file(
    engine: Engine,
    kind: str,
    path: Path | str,
    codebook: Codebook,
    gazetteer: Gazetteer,
    *,
    fmt: str = "own",
    skip_invalid: bool = False,
    ignore_extra: bool = False,
    who: str = "cli",
    progress: Callable[[int], Callable[[], None]] | None = None,
    stems: Path | str | None = None,
    date_format: str | None = None,
    as_of: date | None = None,
    encoding: str | None = None,
    settings: ImportSettings | None = None,
) -> ImportOutcome:
    """Validate then write ``path``. ``progress(total)`` may return a per-row callback.

    ``stems`` (coded texts only) is the JSON-lines file of stem counts beside the index.
    Registry and context files are read, checked and written a chunk at a time
    (:mod:`lowpolitics.store.import_stream`); ``settings`` sets the chunk's size."""
    path = Path(path)
    require_schema(engine)
    if kind == "frameworks":  # a nested document: all or nothing, no per-row rejects
        spec = parse_frameworks(path, codebook)
        with session_scope(engine) as session:
            result = load_frameworks(session, spec, f"{who}:{path.name}")
        return ImportOutcome(kind, path, result)
    if date_format and kind != "context":
        raise ConfigError("--date-format applies to context files only")
    settings = settings or ImportSettings()
    if kind == "registry" or (kind == "context" and fmt == "own"):
        with declared_encoding(encoding):  # the user's word over detection, when given
            return import_streamed(
                engine,
                kind,
                path,
                codebook,
                gazetteer,
                settings=settings,
                skip_invalid=skip_invalid,
                ignore_extra=ignore_extra,
                who=who,
                progress=progress,
                date_format=date_format,
                as_of=as_of,
            )
    countries = _outlet_countries(engine) if kind == "coded-texts" else None
    with declared_encoding(encoding):  # the user's word over detection, when given
        parsed = parse_file(
            kind,
            path,
            codebook,
            gazetteer,
            fmt=fmt,
            ignore_extra=ignore_extra,
            outlet_countries=countries,
            date_format=date_format,
            as_of=as_of,
        )
    if parsed.errors:
        raise InputError(parsed.errors)
    if stems is not None:
        parsed.records = _with_stems(parsed.records, Path(stems))
    rejects_file = None
    if parsed.rejected:
        if not skip_invalid:
            raise InputError(parsed.all_errors)
        rejects_file = parsed.write_rejects()
    tick = progress(len(parsed.records)) if progress else None
    origin = f"{who}:{path.name}"
    loaders = {
        "context": lambda session, records, origin, tick: bulk_load_context(
            session, records, origin, settings, tick
        ),
        "actors": load_actors,
        "outlets": load_outlets,
        "coded-texts": load_coded_texts,
    }
    with session_scope(engine, write=True) as session:
        result = loaders[kind](session, parsed.records, origin, tick)
        session.add(
            import_entry(origin, kind, path, result, len(parsed.rejected), parsed.merged, fmt)
        )
    if kind == "context":  # a feed's events, written in bulk as the own layout's are
        refresh_after_import(engine, kind, written(result), settings.analyze_rows)
    return ImportOutcome(
        kind,
        path,
        result,
        parsed.warnings,
        len(parsed.rejected),
        parsed.skipped,
        rejects_file,
        parsed.merged,
    )


def _outlet_countries(engine: Engine) -> dict[str, str]:
    from sqlalchemy import select

    from lowpolitics.store.discourse_models import Outlet

    with session_scope(engine) as session:
        return dict(session.execute(select(Outlet.key, Outlet.country)).all())


def _with_stems(records: list, stems_file: Path) -> list:
    """Attach stem counts to coded texts; a stems line for an unknown id is an error."""
    from dataclasses import replace

    from lowpolitics.framework.errors import CellError

    counts, errors = read_stems(stems_file)
    keys = {r.key for r in records}
    errors += [
        CellError(stems_file.name, None, "id", key, "the id of a text in the coded index")
        for key in sorted(set(counts) - keys)
    ]
    if errors:
        raise InputError(errors)
    return [replace(r, stems=counts.get(r.key, {})) for r in records]
