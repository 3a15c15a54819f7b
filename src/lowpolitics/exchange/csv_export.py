"""Export the database as the same CSV files the importers read.

``export csv DIR`` writes ``registry.csv``, ``context.csv``, ``actors.csv`` and, when the
database has any, ``codings.csv`` (spans of documents by named coders) and ``frameworks.yaml``
(instruments, bodies, rhythms); importing them into an empty database gives back the same
records, and exporting that database gives the same bytes — the round trip is tested.

:func:`export_tables` builds the rows once for every format: the XLSX and Parquet exports
(:mod:`lowpolitics.exchange.spreadsheets`) have the same tables and columns as these files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from sqlalchemy import Engine

from lowpolitics.framework.cells import neutralise_row
from lowpolitics.framework.errors import ConfigError
from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.ingest.codings import CODING_COLUMNS
from lowpolitics.ingest.context import CONTEXT_COLUMNS
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.models import Code, Coding, Document, Memo
from lowpolitics.store.queries import list_activities, list_actors, list_context
from lowpolitics.store.rows import activity_row, context_row

# the tables every export format writes, with their columns (the importers' formats)
TABLES: dict[str, tuple[str, ...]] = {
    "registry": REGISTRY_COLUMNS,
    "context": CONTEXT_COLUMNS,
    "actors": ACTOR_COLUMNS,
    "codings": CODING_COLUMNS,
}


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(neutralise_row(row) for row in rows)  # safe to open in a spreadsheet


def coding_rows(session) -> list[dict[str, str]]:
    """Every coding as a row of the codings file: the document by key, the code by name, and
    the coding's memos (blank-line separated) in ``memo``."""
    from sqlalchemy import select

    memos: dict[int, list[str]] = {}
    for coding_id, text in session.execute(
        select(Memo.coding_id, Memo.text).where(Memo.coding_id.is_not(None)).order_by(Memo.id)
    ):
        memos.setdefault(coding_id, []).append(text)
    query = (
        select(Coding, Document.key, Code.name)
        .join(Document, Coding.document_id == Document.id)
        .join(Code, Coding.code_id == Code.id)
        .order_by(Document.key, Coding.start, Coding.end, Code.name, Coding.coder, Coding.id)
    )
    return [
        {
            "document": key,
            "start": str(coding.start),
            "end": str(coding.end),
            "code": name,
            "coder": coding.coder,
            "confidence": "" if coding.confidence is None else str(coding.confidence),
            "memo": "\n\n".join(memos.get(coding.id, [])),
        }
        for coding, key, name in session.execute(query)
    ]


def export_tables(session) -> dict[str, list[dict[str, str]]]:
    """The rows of every table of :data:`TABLES`, as text in the import formats."""
    return {
        "registry": [activity_row(a) for a in list_activities(session)],
        "context": [context_row(e) for e in list_context(session)],
        "actors": [
            {
                "name": a.name,
                "country": a.country_code,
                "type": a.type or "",
                "notes": a.notes or "",
            }
            for a in list_actors(session)
        ],
        "codings": coding_rows(session),
    }


def export_csv(engine: Engine, folder: Path | str) -> dict[str, int]:
    """Write the CSV files into ``folder`` (created if missing). Returns row counts."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} exists and is not a folder")
    require_schema(engine)
    folder.mkdir(parents=True, exist_ok=True)
    with session_scope(engine) as session:
        tables = export_tables(session)
        frameworks = frameworks_document(session)
    counts = {}
    for name, columns in TABLES.items():
        if name == "codings" and not tables[name]:
            continue  # a database without a corpus has no codings file
        write_csv(folder / f"{name}.csv", columns, tables[name])
        counts[f"{name}.csv"] = len(tables[name])
    if frameworks:
        (folder / "frameworks.yaml").write_text(
            yaml.safe_dump(frameworks, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        counts["frameworks.yaml"] = sum(len(v) for v in frameworks.values())
    return counts


def frameworks_document(session) -> dict:
    """Instruments, bodies and initiative rhythms in the frameworks-file layout."""
    from sqlalchemy import select

    from lowpolitics.store.models import Actor, Body, Initiative, Instrument, InstrumentParty

    initiatives = list(session.scalars(select(Initiative).order_by(Initiative.name)))
    by_id = {i.id: i for i in initiatives}
    document: dict = {"initiatives": [], "bodies": [], "instruments": []}
    for initiative in initiatives:
        if initiative.rhythm_months:
            document["initiatives"].append(
                {"name": initiative.name, "rhythm_months": initiative.rhythm_months}
            )
    instruments = list(session.scalars(select(Instrument).order_by(Instrument.key)))
    instrument_keys = {i.id: i.key for i in instruments}
    for instrument in instruments:
        parties = session.execute(
            select(Actor.name, Actor.country_code)
            .join(InstrumentParty, InstrumentParty.actor_id == Actor.id)
            .where(InstrumentParty.instrument_id == instrument.id)
            .order_by(Actor.name)
        ).all()
        entry = {"key": instrument.key, "title": instrument.title, "kind": instrument.kind}
        for field in ("signed_on", "ratified_on", "in_force_on", "expires_on"):
            if getattr(instrument, field):
                entry[field] = getattr(instrument, field).isoformat()
        if instrument.status:
            entry["status"] = instrument.status
        if parties:
            entry["parties"] = [f"{name} [{cc}]" for name, cc in parties]
        if instrument.notes:
            entry["notes"] = instrument.notes
        entry["commitments"] = [
            {
                "code": c.code,
                "title": c.title,
                "mechanism": c.mechanism,
                "initiatives": sorted(i.name for i in initiatives if i.commitment_id == c.id),
            }
            | {k: v for k, v in (("due", c.due), ("source_url", c.source_url)) if v}
            for c in instrument.commitments
        ]
        document["instruments"].append(entry)
    for body in session.scalars(select(Body).order_by(Body.key)):
        entry = {"key": body.key, "name": body.name, "kind": body.kind}
        if body.rhythm_months:
            entry["rhythm_months"] = body.rhythm_months
        linked = [i.name for i in by_id.values() if i.body_id == body.id]
        if linked:
            entry["initiative"] = sorted(linked)[0]
        if body.instrument_id:
            entry["instrument"] = instrument_keys.get(body.instrument_id)
        if body.notes:
            entry["notes"] = body.notes
        document["bodies"].append(entry)
    return {key: value for key, value in document.items() if value}
