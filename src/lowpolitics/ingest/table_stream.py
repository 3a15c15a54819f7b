"""Reading a large CSV file row by row instead of whole.

:func:`lowpolitics.ingest.tables.read_table` holds the file's bytes, its text and every row at
once — three copies of a file that, for an event dataset, runs to millions of rows. Here a
plain CSV (or TSV) in UTF-8, UTF-16 or a declared encoding is read lazily: one pass over the
bytes proves they decode (naming the line and byte where they do not, as the whole-file reader
does), then the rows are parsed as they are asked for. Anything else — a workbook, JSON, a
.zip, a CSV in a legacy encoding that has to be guessed from the whole text — goes through
``read_table`` unchanged, so every importer sees the same rows either way.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from lowpolitics.ingest.archives import is_zip
from lowpolitics.ingest.tables import (
    _DECLARED,
    Table,
    _csv_rows,
    _fail,
    note_encoding,
    read_note,
    read_table,
    require_file,
)

STREAMED = (".csv", ".tsv", ".txt")
_BLOCK = 1 << 20  # bytes read at a time while checking the encoding


def stream_table(path: Path | str, *, json_key: str | None = None) -> Table:
    """``path`` as a :class:`Table` whose ``rows`` is an iterator when the file can be
    streamed, else the table :func:`read_table` reads."""
    path = Path(path)
    require_file(path)
    if path.suffix.lower() not in STREAMED or is_zip(path):
        return read_table(path, json_key=json_key)
    found = _encoding(path)
    if found is None:  # not UTF-8: the likeliest legacy encoding is judged on the whole text
        return read_table(path, json_key=json_key)
    codec, shown = found
    name = path.name
    note_encoding(shown)
    notes = read_note(name, codec, shown)
    if not _has_text(path, codec):
        raise _fail(name, "a header row and at least one data row")
    with path.open(encoding=codec, newline="") as handle:
        first = handle.readline().lstrip("\ufeff").rstrip("\r\n")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max((",", ";", "\t"), key=first.count)
    rows = _rows(path, codec, delimiter, name)
    header = next(rows)[1]  # the generator hands the header first
    return Table(path, list(header), rows, notes=notes, encoding=shown, name=name)


def row_count(table: Table) -> int:
    """How many rows ``table`` holds: counted when read whole, else its lines less the header
    (a cell with a line break inside makes this a little high; it only sizes a progress bar)."""
    if isinstance(table.rows, list):
        return len(table.rows)
    lines = 0
    with table.path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def _rows(path: Path, codec: str, delimiter: str, name: str) -> Iterator[tuple[int, dict]]:
    with path.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = [h.strip() for h in next(reader)]
        if header:
            header[0] = header[0].lstrip("\ufeff").strip()  # a second BOM: a double save
        yield 1, header  # type: ignore[misc]
        yield from _csv_rows(reader, header, name)


def _has_text(path: Path, codec: str) -> bool:
    with path.open(encoding=codec, newline="") as handle:
        while block := handle.read(_BLOCK):
            if block.lstrip("\ufeff").strip():
                return True
    return False


def _encoding(path: Path) -> tuple[str, str] | None:
    """The codec to read ``path`` with and the name said to the user; ``None`` when the file
    is not UTF-8 and no encoding was declared. A declared encoding that does not fit is
    refused with the line and byte, as :func:`lowpolitics.ingest.tables.decode_text` does."""
    declared = _DECLARED.get()
    with path.open("rb") as handle:
        start = handle.read(2)
    if declared:
        codec, shown = declared, f"{declared} (as declared)"
    elif start in (b"\xff\xfe", b"\xfe\xff"):
        codec, shown = "utf-16", "utf-16"
    else:
        codec, shown = "utf-8-sig", "utf-8"
    decoder = codecs.getincrementaldecoder(codec)()
    offset, lines = 0, 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                if not declared:
                    return None
                line = lines + block[: max(exc.start, 0)].count(b"\n") + 1
                raise _fail(
                    path.name,
                    f"text in {declared}, as --encoding says (byte {offset + exc.start})",
                    line,
                ) from exc
            if not block:
                return codec, shown
            offset, lines = offset + len(block), lines + block.count(b"\n")
