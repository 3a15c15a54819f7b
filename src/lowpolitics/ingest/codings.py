"""The codings file: spans of documents coded by named coders.

Columns ``document`` (the document's id, key or the name of the file it was imported from),
``start`` and ``end`` (code points, end exclusive), ``code``, ``coder``, and optionally
``confidence`` and ``memo``. Every bad cell is reported; the store checks spans against the
documents when it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lowpolitics.ingest.checks import RowChecker, check_header
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import read_table

CODING_COLUMNS = ("document", "start", "end", "code", "coder", "confidence", "memo")
CODING_REQUIRED = ("document", "start", "end", "code", "coder")


@dataclass(frozen=True)
class CodingRecord:
    document: str
    start: int
    end: int
    code: str
    coder: str
    confidence: float | None
    memo: str | None
    line: int


def parse_codings(path: Path | str, *, ignore_extra: bool = False) -> Parsed[CodingRecord]:
    table = read_table(path, json_key="codings")
    name = table.path.name
    parsed: Parsed[CodingRecord] = Parsed(table.path, table.header)
    parsed.errors = check_header(
        name, table.header, CODING_COLUMNS, CODING_REQUIRED, ignore_extra=ignore_extra
    )
    if parsed.errors:
        return parsed
    for line, cells in table.rows:
        check = RowChecker(name, line, cells)
        document = check.text("document", required=True, max_len=500)
        start = check.integer("start")
        end = check.integer("end")
        if check.raw("start") == "":
            check.fail("start", "a code-point offset (required)")
        if check.raw("end") == "":
            check.fail("end", "a code-point offset (required)")
        if start is not None and end is not None and end <= start:
            check.fail("end", f"an offset after start ({start}); end is exclusive")
        code = check.text("code", required=True, max_len=200)
        coder = check.text("coder", required=True, max_len=120)
        confidence = None
        if check.raw("confidence"):
            try:
                confidence = float(check.raw("confidence"))
                if not 0 <= confidence <= 1:
                    raise ValueError
            except ValueError:
                check.fail("confidence", "a number between 0 and 1")
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        parsed.records.append(
            CodingRecord(
                document,
                start,
                end,
                code,
                coder,
                confidence,
                check.text("memo", max_len=5000),
                line,
            )
        )
    return parsed
