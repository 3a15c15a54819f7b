"""Writing ``classify``'s decisions as they come: JSON lines, or Parquet for analysts.

Both writers take results batch by batch and never hold the whole output. JSON lines are
flushed after each batch, so an interrupted run keeps every line written. Parquet keeps the
same fields with a fixed schema (nested evidence as lists of structs, so DuckDB, pandas or
polars query them directly); rows go out as a row group every :data:`ROW_GROUP` rows, and the
file is closed — made readable — on any exit the process survives, with every batch it was
given. A process killed outright leaves a Parquet file without its footer: use JSON lines
when runs may be killed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

ROW_GROUP = 10_000


class ResultWriter(Protocol):
    def write(self, rows: list[dict]) -> None: ...


def parquet_schema():
    """Columns and types of a ``.parquet`` output: those of the JSON lines, typed."""
    import pyarrow as pa

    span = [("start", pa.int64()), ("end", pa.int64())]
    return pa.schema(
        [
            ("id", pa.string()),
            ("lang", pa.string()),
            ("mechanism", pa.string()),
            ("mechanisms", pa.list_(pa.struct([("code", pa.string()), ("score", pa.float64())]))),
            ("frame", pa.string()),
            ("frame_probability", pa.float64()),
            ("status", pa.string()),
            ("status_basis", pa.string()),
            ("status_sentence", pa.string()),
            ("status_probability", pa.float64()),
            ("event_date", pa.string()),
            ("event_date_evidence", pa.struct([("term", pa.string()), *span])),
            ("dateline", pa.struct([("place", pa.string()), ("date", pa.string()), *span])),
            ("places", pa.list_(pa.string())),
            (
                "place_evidence",
                pa.list_(pa.struct([("name", pa.string()), ("term", pa.string()), *span])),
            ),
            (
                "evidence",
                pa.list_(
                    pa.struct(
                        [("code", pa.string()), ("term", pa.string()), *span]
                        + [("read_as", pa.string())]
                    )
                ),
            ),
        ]
    )


class _JsonLines:
    def __init__(self, handle):
        self.handle = handle

    def write(self, rows: list[dict]) -> None:
        for row in rows:
            self.handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.handle.flush()


class _Parquet:
    def __init__(self, writer, schema):
        self.writer, self.schema = writer, schema
        self.buffer: list[dict] = []

    def write(self, rows: list[dict]) -> None:
        self.buffer += rows
        if len(self.buffer) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.buffer = []


@contextmanager
def result_writer(path: Path) -> Iterator[ResultWriter]:
    """A writer for ``path``: Parquet when it ends in ``.parquet``, else JSON lines."""
    if path.suffix.lower() != ".parquet":
        with path.open("w", encoding="utf-8") as handle:
            yield _JsonLines(handle)
        return
    import pyarrow.parquet as pq  # only for a Parquet output

    schema = parquet_schema()
    writer = pq.ParquetWriter(str(path), schema)
    parquet = _Parquet(writer, schema)
    try:
        yield parquet
    finally:
        try:
            parquet.flush()  # what came before an error is kept, as in JSON lines
        finally:
            writer.close()
