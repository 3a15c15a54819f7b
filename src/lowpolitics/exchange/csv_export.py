"""Export the database as the same CSV files the importers read.

``export csv DIR`` writes ``registry.csv``, ``context.csv`` and ``actors.csv``; importing them
into an empty database gives back the same records, and exporting that database gives the
same bytes — the round trip is tested.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.framework.errors import ConfigError
from lowpolitics.ingest.actors import ACTOR_COLUMNS
from lowpolitics.ingest.context import CONTEXT_COLUMNS
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.queries import list_activities, list_actors, list_context
from lowpolitics.store.rows import activity_row, context_row


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def export_csv(engine: Engine, folder: Path | str) -> dict[str, int]:
    """Write the three CSV files into ``folder`` (created if missing). Returns row counts."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} exists and is not a folder")
    require_schema(engine)
    folder.mkdir(parents=True, exist_ok=True)
    with session_scope(engine) as session:
        activities = [activity_row(a) for a in list_activities(session)]
        events = [context_row(e) for e in list_context(session)]
        actors = [
            {
                "name": a.name,
                "country": a.country_code,
                "type": a.type or "",
                "notes": a.notes or "",
            }
            for a in list_actors(session)
        ]
    write_csv(folder / "registry.csv", REGISTRY_COLUMNS, activities)
    write_csv(folder / "context.csv", CONTEXT_COLUMNS, events)
    write_csv(folder / "actors.csv", ACTOR_COLUMNS, actors)
    return {"registry.csv": len(activities), "context.csv": len(events), "actors.csv": len(actors)}
