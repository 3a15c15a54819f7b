"""``export xlsx FILE`` and ``export parquet DIR``: the CSV export's tables for Excel and for
analysts' tools (pandas, R's arrow, DuckDB).

Same tables, same columns, same rows in the same order as ``export csv`` — one sheet or one
``.parquet`` file per table — so a figure checked in one can be found in the others. Counts
(participants, severity, a coding's span and confidence) are numbers, not text, in both; an
empty CSV cell is an empty XLSX cell and a null in Parquet. XLSX text cells are neutralised
against formula injection exactly as the CSV cells are (:mod:`lowpolitics.framework.cells`),
and characters XLSX cannot hold (control characters other than tab and newline) are dropped.
Parquet holds the text as it is: it is read by programs, not opened by a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.exchange.csv_export import TABLES, export_tables
from lowpolitics.framework.cells import neutralise
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import require_schema, session_scope

# columns that hold numbers, by table; every other column is text
NUMBERS: dict[str, dict[str, type]] = {
    "registry": {"participants_total": int, "participants_women": int, "participants_youth": int},
    "context": {"severity": int},
    "codings": {"start": int, "end": int, "confidence": float},
}


def typed(table: str, column: str, cell: str) -> object:
    """A CSV cell as the value the typed formats hold: a number, text, or None when empty."""
    if cell == "":
        return None
    kind = NUMBERS.get(table, {}).get(column)
    return kind(cell) if kind else cell


def _rows(engine: Engine) -> dict[str, list[dict[str, str]]]:
    require_schema(engine)
    with session_scope(engine) as session:
        return export_tables(session)


def export_xlsx(engine: Engine, path: Path | str) -> dict[str, int]:
    """One workbook, one sheet per table. Returns the rows written per sheet."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"'{path.name}': the workbook's name must end in .xlsx")
    if not path.parent.exists():
        raise ConfigError(f"folder {path.parent} does not exist")
    tables = _rows(engine)
    book = Workbook(write_only=True)
    for name, columns in TABLES.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for row in tables[name]:
            cells = []
            for column in columns:
                value = typed(name, column, row.get(column, ""))
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
                cells.append(value)
            sheet.append(cells)
    book.save(path)
    return {name: len(rows) for name, rows in tables.items()}


def export_parquet(engine: Engine, folder: Path | str) -> dict[str, int]:
    """One ``NAME.parquet`` per table in ``folder`` (created if missing). Returns row counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} exists and is not a folder")
    tables = _rows(engine)
    folder.mkdir(parents=True, exist_ok=True)
    arrow_type = {int: pa.int64(), float: pa.float64()}
    for name, columns in TABLES.items():
        numbers = NUMBERS.get(name, {})
        schema = pa.schema(
            [(column, arrow_type.get(numbers.get(column), pa.string())) for column in columns]
        )
        data = {
            column: [typed(name, column, row.get(column, "")) for row in tables[name]]
            for column in columns
        }
        pq.write_table(pa.table(data, schema=schema), folder / f"{name}.parquet")
    return {name: len(rows) for name, rows in tables.items()}
