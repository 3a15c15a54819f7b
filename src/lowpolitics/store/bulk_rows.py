"""Plain inserts for a bulk import: ids taken up front, rows written many at a time.

The ORM keeps an object (with its change tracking) per row until commit and sends one INSERT
per object; a file of a million rows needs neither. Here ids come from the database before
the rows are built — PostgreSQL's sequence, or SQLite's largest id under the write lock the
import holds — so that link rows can point at their activity without a round trip, and rows
go out as one ``executemany`` (SQLite) or one ``COPY`` (PostgreSQL) per table and chunk.

:class:`Keys` holds the ids of what rows point at — countries, regions, actors, initiatives,
and the sources of the current chunk — and creates the missing ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter

from sqlalchemy import Date, Table, func, select, text
from sqlalchemy.orm import Session

from lowpolitics.store.models import Actor, Country, Initiative, Region, Source
from lowpolitics.store.reference import country_row, region_row

IN_LIST = 500  # keys per IN (...) query: under SQLite's bound-parameter limit


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size``; pulling a list is what reads and checks its rows."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def allocate_ids(session: Session, table: Table, n: int) -> list[int]:
    """``n`` fresh primary keys of ``table``, reserved for rows this transaction will insert."""
    if n == 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list(conn.execute(query, {"table": table.name, "n": n}).scalars())
    # SQLite: the import holds the write lock (BEGIN IMMEDIATE), so nobody else inserts
    start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(start, start + n))


def insert_rows(session: Session, table: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) in one statement or one COPY."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":  # SQLite: the driver's executemany, dates as ISO
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', _sqlite_params(table, rows)
        )
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def insert_tuples(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, values as the driver takes them:
    see :func:`day_format`) in one ``executemany`` or one ``COPY``."""
    if not rows:
        return
    conn = session.connection()
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
        return
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def _iso(day):
    return day.isoformat() if day is not None else None


def _same(day):
    return day


def day_format(session: Session):
    """How a date goes to the driver: ISO text on SQLite (as SQLAlchemy's ``Date`` stores
    it), the date itself on PostgreSQL."""
    return _same if session.connection().dialect.name == "postgresql" else _iso


def _sqlite_params(table: Table, rows: Sequence[dict]) -> list[tuple]:
    """Rows as tuples, dates as SQLAlchemy's SQLite ``Date`` stores them (``YYYY-MM-DD``)."""
    columns = list(rows[0])
    values = itemgetter(*columns)
    dates = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
    if not dates:
        return [values(row) for row in rows]
    params = []
    for row in rows:
        cells = list(values(row))
        for i in dates:
            if cells[i] is not None:
                cells[i] = cells[i].isoformat()
        params.append(tuple(cells))
    return params


def stored_values(
    session: Session, table: str, column: str, value: str, keys: Sequence[str]
) -> Iterator[tuple]:
    """``(key, value)`` of the rows of ``table`` whose ``column`` is among ``keys``, as plain
    SQL on the driver, ``IN_LIST`` keys a query: a chunk of 5,000 rows asks this ten times
    per table, and building and compiling each ``select(...).in_(...)`` cost more than the
    query."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for start in range(0, len(keys), IN_LIST):
        part = tuple(keys[start : start + IN_LIST])
        yield from conn.exec_driver_sql(
            f'SELECT "{column}", "{value}" FROM "{table}" WHERE "{column}" IN '
            f"({', '.join([mark] * len(part))})",
            part,
        )


class Keys:
    """Ids of what imported rows point at, loaded once per import (countries, regions,
    actors and initiatives are few) or once per chunk (sources: one per report, so as many
    as the rows). New ones are created as a chunk first names them."""

    def __init__(self, session: Session):
        self.session = session
        self.countries = set(session.scalars(select(Country.code)))
        self.regions = set(session.scalars(select(Region.code)))
        rows = session.execute(select(Actor.id, Actor.name, Actor.country_code))
        self.actors = {(name, country): id_ for id_, name, country in rows}
        self.initiatives = dict(
            (name, id_) for id_, name in session.execute(select(Initiative.id, Initiative.name))
        )
        self.sources: dict[str, int] = {}

    def country(self, code: str) -> None:
        if code not in self.countries:
            self.session.add(country_row(code))
            self.countries.add(code)

    def region(self, code: str) -> None:
        if code not in self.regions:
            self.country(code.split("-")[0])
            self.session.add(region_row(code))
            self.regions.add(code)

    def prepare(self, records: Sequence) -> None:
        """Create what ``records`` name and the database lacks; load their sources' ids."""
        new_actors: dict[tuple[str, str], Actor] = {}
        new_initiatives: dict[str, Initiative] = {}
        for record in records:
            if record.region_code:
                self.region(record.region_code)
            for name, country in getattr(record, "actors", ()):
                if (name, country) not in self.actors and (name, country) not in new_actors:
                    self.country(country)
                    new_actors[(name, country)] = Actor(name=name, country_code=country)
            initiative = getattr(record, "initiative", None)
            known = initiative in self.initiatives or initiative in new_initiatives
            if initiative and not known:
                new_initiatives[initiative] = Initiative(
                    name=initiative, mechanism=record.mechanism, activity_type=record.activity_type
                )
        self.session.add_all([*new_actors.values(), *new_initiatives.values()])
        self.session.flush()
        self.actors.update({key: actor.id for key, actor in new_actors.items()})
        self.initiatives.update({key: i.id for key, i in new_initiatives.items()})
        self._sources(list(dict.fromkeys(url for r in records for url in r.source_urls)))

    def _sources(self, urls: list[str]) -> None:
        self.sources = dict(stored_values(self.session, "sources", "url", "id", urls))
        missing = [url for url in urls if url not in self.sources]
        ids = allocate_ids(self.session, Source.__table__, len(missing))
        insert_tuples(
            self.session, Source.__table__, ("id", "url"), list(zip(ids, missing, strict=True))
        )
        self.sources.update(zip(missing, ids, strict=True))


class OrmView:
    """What :func:`lowpolitics.store.loader._fill_activity` asks of its cache, answered with
    ORM objects for the few rows of a chunk that update an existing record."""

    def __init__(self, session: Session, keys: Keys, records: Sequence):
        self.session = session
        self.keys = keys
        ids = sorted({keys.sources[url] for r in records for url in r.source_urls})
        held: list = []
        for start in range(0, len(ids), IN_LIST):  # one query, not one per source
            query = select(Source).where(Source.id.in_(ids[start : start + IN_LIST]))
            held.extend(session.scalars(query))
        self._held = held  # the identity map keeps objects only while someone does

    def region(self, code: str) -> None:
        self.keys.region(code)

    def actor(self, name: str, country: str) -> Actor:
        return self.session.get(Actor, self.keys.actors[(name, country)])

    def source(self, url: str) -> Source:
        return self.session.get(Source, self.keys.sources[url])

    def initiative(self, name: str, _record) -> Initiative:
        return self.session.get(Initiative, self.keys.initiatives[name])
