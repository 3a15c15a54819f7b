"""A table (columns and rows of text) as a CSV or XLSX file in memory, safe to open.

The web app offers a filtered list for download in the columns the importers read, so that
what a reader downloads can be corrected in a spreadsheet and imported again. Every text cell
passes :func:`lowpolitics.framework.cells.neutralise` (an apostrophe before ``=``, ``+``, ``-``,
``@`` …): a title such as ``=HYPERLINK(…)`` is shown as text, never run as a formula; the
importers take the apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from lowpolitics.framework.cells import neutralise
from lowpolitics.framework.errors import ConfigError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cells(columns: Sequence[str], row: Mapping[str, object]) -> list[object]:
    return [neutralise("" if row.get(c) is None else row.get(c)) for c in columns]


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    """UTF-8 with a byte-order mark, so that a spreadsheet opens Cyrillic right (the
    importers read the mark as nothing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cells(columns, row))
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    columns: Sequence[str], rows: Iterable[Mapping[str, object]], sheet: str = "rows"
) -> bytes:
    """One sheet with a header row; every cell as text (a date stays 2023-05, not a number)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    table = book.active
    table.title = sheet[:31]
    table.append(list(columns))
    for row in rows:
        cells = _cells(columns, row)
        table.append([ILLEGAL_CHARACTERS_RE.sub("", str(c)) for c in cells])
    for cells in table.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = "@"  # text: what was written is what is shown
    table.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_bytes(
    fmt: str, columns: Sequence[str], rows: Iterable[Mapping[str, object]], sheet: str = "rows"
) -> bytes:
    """``rows`` as ``fmt`` (csv or xlsx)."""
    if fmt == "csv":
        return csv_bytes(columns, rows)
    if fmt == "xlsx":
        return xlsx_bytes(columns, rows, sheet)
    raise ConfigError(f"cannot export as '{fmt}': use one of {', '.join(FORMATS)}")
