"""Queries over coded material: frequencies, co-occurrence, the document × code matrix, retrieval.

Why in Python rather than SQL: the groupings (year of a date, span overlap) would need
dialect-specific SQL for SQLite and PostgreSQL; a corpus of coded texts is small enough that
one pass over the codings is fast and gives the same answer on both backends.

``coder=None`` pools every coder, people and ``auto:<model>`` alike, as QDA tools do without a
coder filter; name a coder to see one person's (or one model's) coding only. Codings of a child
code count for that code only, not for its parent.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.cells import neutralise
from lowpolitics.framework.errors import ConfigError, NotFoundError
from lowpolitics.store.models import Code, Coding, Document

BY = ("outlet", "country", "year", "language")
EXAMPLES = 3


def _codings(session: Session, coder: str | None, code: str | None = None) -> list:
    """Rows (document key, code name, start, end, coder, document) in a stable order."""
    query = (
        select(Document.key, Code.name, Coding.start, Coding.end, Coding.coder, Document)
        .join(Code, Code.id == Coding.code_id)
        .join(Document, Document.id == Coding.document_id)
    )
    if coder is not None:
        query = query.where(Coding.coder == coder)
    if code is not None:
        query = query.where(Code.name == code)
    query = query.order_by(Document.key, Coding.start, Coding.end, Code.name, Coding.coder)
    return list(session.execute(query))


def _attribute(document: Document, by: str):
    if by == "outlet":
        return document.outlet
    if by == "country":
        return document.country_code
    if by == "language":
        return document.language
    return document.published_on.year if document.published_on else None


def _sort_key(value) -> tuple:
    return (value is None, str(value) if value is not None else "")


def code_frequencies(session: Session, by: str = "outlet", coder: str | None = None) -> list[dict]:
    """Per code and value of ``by``: how many codings and how many distinct documents.

    Documents whose attribute is unknown are counted under ``None`` rather than dropped, so the
    totals add up to the code's total.
    """
    if by not in BY:
        raise ConfigError(f"--by '{by}': use one of {', '.join(BY)}")
    codings: dict[tuple, int] = defaultdict(int)
    documents: dict[tuple, set[str]] = defaultdict(set)
    for key, name, _start, _end, _coder, document in _codings(session, coder):
        cell = (name, _attribute(document, by))
        codings[cell] += 1
        documents[cell].add(key)
    cells = sorted(codings, key=lambda c: (c[0], *_sort_key(c[1])))
    return [
        {
            "code": name,
            by: value,
            "codings": codings[(name, value)],
            "documents": len(documents[(name, value)]),
        }
        for name, value in cells
    ]


def cooccurrence(session: Session, coder: str | None = None) -> list[dict]:
    """Pairs of different codes whose codings overlap (share a code point) in one document.

    ``overlaps`` counts pairs of codings, ``documents`` the documents with at least one; the
    example documents are the first few keys in order.
    """
    by_doc: dict[str, list] = defaultdict(list)
    for key, name, start, end, _coder, _doc in _codings(session, coder):
        by_doc[key].append((name, start, end))
    overlaps: dict[tuple[str, str], int] = defaultdict(int)
    docs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, spans in by_doc.items():
        for (a, s1, e1), (b, s2, e2) in combinations(spans, 2):
            if a == b or not (s1 < e2 and s2 < e1):
                continue
            pair = (min(a, b), max(a, b))
            overlaps[pair] += 1
            if not docs[pair] or docs[pair][-1] != key:
                docs[pair].append(key)
    return [
        {
            "code_a": a,
            "code_b": b,
            "overlaps": overlaps[(a, b)],
            "documents": len(docs[(a, b)]),
            "examples": docs[(a, b)][:EXAMPLES],
        }
        for a, b in sorted(overlaps)
    ]


def document_code_matrix(session: Session, coder: str | None = None) -> list[dict]:
    """One row per document (all documents, coded or not), one column per code used: counts.

    The shape R, SPSS and Excel users ask for; the columns are the codes with at least one
    coding under the filter, in name order.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    used: set[str] = set()
    for key, name, _start, _end, _coder, _doc in _codings(session, coder):
        counts[key][name] += 1
        used.add(name)
    columns = sorted(used)
    rows = []
    for key, title in session.execute(select(Document.key, Document.title).order_by(Document.key)):
        row: dict = {"document": key, "title": title}
        row.update({name: counts[key].get(name, 0) for name in columns})
        rows.append(row)
    return rows


def coded_segments(session: Session, code: str, coder: str | None = None) -> list[dict]:
    """Every passage coded with ``code``: where it is and its text (retrieval)."""
    if session.scalars(select(Code.id).where(Code.name == code)).first() is None:
        raise NotFoundError(f"no code '{code}'")
    return [
        {
            "document": key,
            "start": start,
            "end": end,
            "coder": who,
            "code": name,
            "text": document.text[start:end],
        }
        for key, name, start, end, who, document in _codings(session, coder, code)
    ]


def _cell(value):
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return value


def export_table(rows: list[dict], path: Path | str) -> Path:
    """Write ``rows`` as CSV (UTF-8) or XLSX, chosen by the file's extension."""
    path = Path(path)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows({k: neutralise(_cell(v)) for k, v in row.items()} for row in rows)
    elif suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def clean(value):  # control characters are not allowed in XLSX cells
            value = neutralise(_cell(value))
            return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for row in rows:
            sheet.append([clean(row.get(c)) for c in columns])
        book.save(path)
    else:
        raise ConfigError(f"'{path.name}': export to .csv or .xlsx")
    return path
