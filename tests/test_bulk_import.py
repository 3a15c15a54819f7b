"""The chunked import writes what the ORM loader wrote, whatever the chunk size, on both
backends; a file with bad cells still writes nothing and names every one.

The reference is the former path — ``parse_registry`` / ``parse_context`` then the ORM
``load_activities`` / ``load_context`` — run on a SQLite database of its own.
"""

from __future__ import annotations

import csv
import random

import pytest
from sqlalchemy import func, select

from conftest import registry_row, write_registry
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.context import CONTEXT_COLUMNS, parse_context
from lowpolitics.ingest.registry import parse_registry
from lowpolitics.ingest.table_stream import stream_table
from lowpolitics.ingest.tables import declared_encoding, read_table
from lowpolitics.store.audit import verify_chain
from lowpolitics.store.bulk import ImportSettings
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.importing import import_file
from lowpolitics.store.loader import load_activities, load_context
from lowpolitics.store.models import (
    Activity,
    ActivityActor,
    ActivityMechanism,
    ActivitySource,
    Actor,
    AuditEntry,
    ContextEvent,
    ContextSource,
    Country,
    Initiative,
    Region,
    Source,
    StatusChange,
)
from lowpolitics.store.reference import seed_reference

N = 2500
ACTORS = [
    "Ministry of Culture [TJ] (organiser)",
    "UNDP [INT] (funder)",
    "Embassy [KG]",
    "Youth Centre Batken [KG]",
    "New Club [UZ]",  # a country the reference tables do not hold yet
]
PLACES = ["Bishkek", "Кок-Таш", "Ворух", "Isfara", "Nowhere-on-the-map", ""]


def generated_rows(n: int, seed: int = 3, variant: int = 0) -> list[dict[str, str]]:
    """Rows using every part of the contract: ids and none, links, roles, histories,
    translations, same_as, statements with a frame, date bounds, unknown places, new actors
    and regions."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        held = rng.random() < 0.5
        year = 2010 + i % 14
        row = registry_row(
            id=f"g-{i}" if i % 10 else "",
            date=f"{year}-{1 + i % 12:02d}" + (f"-{1 + i % 28:02d}" if i % 3 else ""),
            title=f"Activity {i}" + (" (revised)" if variant and i % 5 == 0 else ""),
            initiative=f"Initiative {i % 7}" if i % 2 else "",
            mechanism=rng.choice(["institutional", "societal", "education_youth", "discursive"]),
            mechanisms_secondary="societal;discursive" if i % 4 == 0 else "",
            status="held" if held else ("postponed" if variant and i % 5 == 0 else "planned"),
            status_reason="tension" if variant and i % 5 == 0 else "",
            host_country="KG" if i % 2 else "TJ",
            partner_country="TJ" if i % 2 else "KG",
            region="KG-B" if i % 9 == 0 else ("UZ-FA" if i % 97 == 0 else ""),
            place=PLACES[i % len(PLACES)],
            actors=";".join(rng.sample(ACTORS, rng.randint(0, 3))),
            participants_total=str(10 + i % 50) if i % 2 else "",
            source_url=";".join(f"https://ex.org/{i}/{k}" for k in range(i % 3))
            or ("https://ex.org/shared" if i % 11 == 0 else ""),
            same_as="g-1" if i % 50 == 7 else "",
            record_kind="statement" if i % 13 == 0 else "",
            frame="integrative" if i % 13 == 0 else "",
            title_ru=f"Мероприятие {i}" if i % 6 == 0 else "",
            status_history=f"{year - 1}|planned|https://ex.org/h/{i} ; {year}-01|postponed"
            if i % 8 == 0 and held
            else "",
            # bounds on some month-dated rows (i % 3 == 0); a changed bound is an update
            not_before=f"{year}-{1 + i % 12:02d}-{1 + i % 14:02d}" if i % 6 == 0 else "",
            not_after=f"{year}-{1 + i % 12:02d}-{20 + variant + i % 5:02d}" if i % 9 == 0 else "",
        )
        rows.append(row)
    return rows


def _reference_engine(tmp_path, gazetteer, name: str):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    return engine


def _old_import(engine, path, codebook, gazetteer, kind="registry") -> None:
    """The former path: parse the whole file, then one ORM object per row."""
    if kind == "registry":
        parsed, loader = parse_registry(path, codebook, gazetteer), load_activities
    else:
        parsed, loader = parse_context(path, codebook, gazetteer), load_context
    assert parsed.ok, parsed.all_errors[:3]
    with session_scope(engine) as session:
        loader(session, parsed.records, f"cli:{path.name}")


def _rows(session, query) -> list[tuple]:
    return sorted(
        tuple(str(v) if v is not None else None for v in row) for row in session.execute(query)
    )


def snapshot(engine) -> dict[str, list]:
    """Everything an import writes, without database ids and clock times."""
    a = Activity.__table__
    skip = {"id", "created_at", "updated_at", "initiative_id"}
    with session_scope(engine) as session:
        key = select(Activity.key, Activity.id).subquery()
        history = (
            select(Activity.key, StatusChange)
            .join(StatusChange, StatusChange.activity_id == Activity.id)
            .order_by(Activity.key, StatusChange.id)
        )
        return {
            "activities": _rows(
                session,
                select(*[c for c in a.c if c.name not in skip], Initiative.name).outerjoin(
                    Initiative, Initiative.id == Activity.initiative_id
                ),
            ),
            "actors": _rows(
                session,
                select(key.c.key, Actor.name, Actor.country_code, ActivityActor.position)
                .add_columns(ActivityActor.role)
                .join(ActivityActor, ActivityActor.activity_id == key.c.id)
                .join(Actor, Actor.id == ActivityActor.actor_id),
            ),
            "sources": _rows(
                session,
                select(key.c.key, Source.url, ActivitySource.position)
                .join(ActivitySource, ActivitySource.activity_id == key.c.id)
                .join(Source, Source.id == ActivitySource.source_id),
            ),
            "secondary": _rows(
                session,
                select(key.c.key, ActivityMechanism.mechanism).join(
                    ActivityMechanism, ActivityMechanism.activity_id == key.c.id
                ),
            ),
            "history": [
                (k, c.status, str(c.changed_on), c.reason, c.origin, c.reported, c.source_url)
                for k, c in session.execute(history)
            ],
            "events": _rows(
                session,
                select(*[c for c in ContextEvent.__table__.c if c.name not in skip]),
            ),
            "event_sources": _rows(
                session,
                select(ContextEvent.key, Source.url, ContextSource.position)
                .join(ContextSource, ContextSource.event_id == ContextEvent.id)
                .join(Source, Source.id == ContextSource.source_id),
            ),
            "all_actors": _rows(session, select(Actor.name, Actor.country_code, Actor.type)),
            "initiatives": _rows(
                session, select(Initiative.name, Initiative.mechanism, Initiative.activity_type)
            ),
            "all_sources": _rows(session, select(Source.url)),
            "regions": _rows(session, select(Region.code, Region.country_code)),
            "countries": _rows(session, select(Country.code)),
            "updates": _rows(
                session,
                select(AuditEntry.entity_key, AuditEntry.before, AuditEntry.after).where(
                    AuditEntry.action == "update"
                ),
            ),
        }


def _audit_ok(engine) -> None:
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert report.ok, report


def test_generated_file_imports_as_the_orm_path_did(engine, codebook, gazetteer, tmp_path):
    first = write_registry(tmp_path / "reg.csv", generated_rows(N))
    reference = _reference_engine(tmp_path, gazetteer, "ref.db")
    _old_import(reference, first, codebook, gazetteer)
    outcome = import_file(engine, "registry", first, codebook, gazetteer)
    assert outcome.result.added == N  # every row distinct
    assert snapshot(engine) == snapshot(reference)
    # the same file again with changes: updates, status changes and their audit entries
    second = write_registry(tmp_path / "reg.csv", generated_rows(N, variant=1))
    _old_import(reference, second, codebook, gazetteer)
    settings = ImportSettings(chunk_size=333)
    again = import_file(engine, "registry", second, codebook, gazetteer, settings=settings)
    assert again.result.updated > 0 and again.result.unchanged > 0
    assert again.result.added + again.result.updated + again.result.unchanged == N
    assert snapshot(engine) == snapshot(reference)
    _audit_ok(engine)
    with session_scope(engine) as session:
        imports = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
        created = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "create")
        )
    assert [e.after["added"] for e in imports] == [N, again.result.added]
    assert [e.after["updated"] for e in imports] == [0, again.result.updated]
    assert created == 0  # one entry per import; row-level entries only for updates


def test_the_cycle_collector_is_paused_while_a_file_is_imported(
    engine, codebook, gazetteer, tmp_path, monkeypatch
):
    """Rows are read, checked and written with the collector off; it is on again after."""
    import gc

    from lowpolitics.store import import_stream

    seen = []
    real = import_stream.bulk_load_activities

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(import_stream, "bulk_load_activities", spy)
    assert gc.isenabled()
    path = write_registry(tmp_path / "reg.csv", generated_rows(50))
    outcome = import_file(engine, "registry", path, codebook, gazetteer)
    assert seen == [False] and gc.isenabled() and outcome.result.added == 50


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_chunk_size_does_not_change_what_is_written(
    engine, codebook, gazetteer, tmp_path, chunk_size
):
    rows = generated_rows(300, seed=5)
    path = write_registry(tmp_path / "reg.csv", rows)
    reference = _reference_engine(tmp_path, gazetteer, "ref.db")
    import_file(reference, "registry", path, codebook, gazetteer)
    settings = ImportSettings(chunk_size=chunk_size)
    outcome = import_file(engine, "registry", path, codebook, gazetteer, settings=settings)
    assert outcome.result.added == 300
    assert snapshot(engine) == snapshot(reference)
    _audit_ok(engine)


def test_three_bad_cells_in_a_large_file_write_nothing(engine, codebook, gazetteer, tmp_path):
    import_file(engine, "registry", write_registry(tmp_path / "ok.csv", generated_rows(20)),
                codebook, gazetteer)  # fmt: skip
    before = snapshot(engine)
    rows = generated_rows(3000, seed=9)
    rows[4]["date"] = "2019-13"
    rows[1500]["status"] = "canceled"
    rows[2998]["participants_total"] = "ten"
    path = write_registry(tmp_path / "bad.csv", rows)
    settings = ImportSettings(chunk_size=100)
    with pytest.raises(InputError) as info:
        import_file(engine, "registry", path, codebook, gazetteer, settings=settings)
    assert [(e.line, e.column) for e in info.value.errors] == [
        (6, "date"),
        (1502, "status"),
        (3000, "participants_total"),
    ]
    assert "3 errors in bad.csv; nothing was written" in str(info.value)
    assert snapshot(engine) == before
    _audit_ok(engine)


def test_errors_beyond_the_cap_are_counted_not_kept(engine, codebook, gazetteer, tmp_path):
    rows = generated_rows(200)
    for row in rows[::10]:
        row["mechanism"] = "cultural"
    path = write_registry(tmp_path / "bad.csv", rows)
    settings = ImportSettings(chunk_size=16, kept_messages=5)
    with pytest.raises(InputError) as info:
        import_file(engine, "registry", path, codebook, gazetteer, settings=settings)
    assert len(info.value.errors) == 5
    assert str(info.value) == "20 errors in bad.csv; nothing was written (the first 5 are listed)"
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_skip_invalid_across_chunks(engine, codebook, gazetteer, tmp_path):
    rows = generated_rows(120)
    for i in (3, 64, 119):
        rows[i]["status"] = "maybe"
    path = write_registry(tmp_path / "mixed.csv", rows)
    settings = ImportSettings(chunk_size=10)
    outcome = import_file(
        engine, "registry", path, codebook, gazetteer, skip_invalid=True, settings=settings
    )
    assert outcome.result.added == 117 and outcome.rejected == 3
    with outcome.rejects_file.open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["line"] for r in rejected] == ["5", "66", "121"]
    assert all("status" in r["reason"] for r in rejected)
    _audit_ok(engine)


def _context_rows(n: int, variant: int = 0) -> list[dict[str, str]]:
    kinds = ["security", "political", "economic"]
    rows = []
    for i in range(n):
        row = dict.fromkeys(CONTEXT_COLUMNS, "")
        row.update(
            id=f"c-{i}" if i % 4 else "",
            date=f"{2015 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            kind=kinds[i % 3],
            fatalities=str(i % 5) if i % 2 else "",
            place=PLACES[i % len(PLACES)],
            region="TJ-SU" if i % 7 == 0 else "",
            summary=f"Event {i}" + (" revised" if variant and i % 6 == 1 else ""),
            source_url=f"https://news.example/{i % 40}",
        )
        rows.append(row)
    return rows


def _write_context(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CONTEXT_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_context_file_imports_as_the_orm_path_did(engine, codebook, gazetteer, tmp_path):
    reference = _reference_engine(tmp_path, gazetteer, "ref.db")
    settings = ImportSettings(chunk_size=64)
    for variant in (0, 1):
        path = _write_context(tmp_path / "events.csv", _context_rows(700, variant))
        _old_import(reference, path, codebook, gazetteer, kind="context")
        import_file(engine, "context", path, codebook, gazetteer, settings=settings)
        assert snapshot(engine) == snapshot(reference)
    _audit_ok(engine)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1251"])
def test_streamed_rows_are_the_rows_read_whole(tmp_path, encoding):
    rows = [
        dict(registry_row(id=f"e-{i}", title=f"Дни культуры {i}", notes="line\nbreak"))
        for i in range(50)
    ]
    path = tmp_path / "enc.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    declared = "cp1251" if encoding == "cp1251" else None
    with declared_encoding(declared):
        whole, streamed = read_table(path), stream_table(path)
        assert streamed.header == whole.header
        assert list(streamed.rows) == whole.rows
        assert streamed.notes == whole.notes
