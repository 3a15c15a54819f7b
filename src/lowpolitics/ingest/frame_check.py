"""A second coder's blind reading of a sample of a coded index (``id, url, frame, …, coder``).

The file holds the second coder's frame for each text they re-read; an empty frame means the page
could not be read (the note says so) — it is counted, never guessed. Mentions and evidence are
kept in the file for a reviewer; agreement is measured on the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lowpolitics.framework.codebook import Codebook
from lowpolitics.ingest.checks import RowChecker, check_header
from lowpolitics.ingest.results import Parsed, Rejected
from lowpolitics.ingest.tables import read_table

CHECK_COLUMNS = ("id", "url", "frame", "frame_evidence", "mentions", "coder", "read_chars", "note")
CHECK_REQUIRED = ("id", "frame", "coder")


@dataclass(frozen=True)
class FrameCheckRecord:
    key: str
    frame: str | None  # None: the page could not be read
    coder: str
    line: int


def parse_frame_check(path: Path | str, codebook: Codebook) -> Parsed[FrameCheckRecord]:
    """Parse a second coding; errors name file, line and field like every other import."""
    table = read_table(path, json_key="coded_texts")
    name = table.path.name
    parsed: Parsed[FrameCheckRecord] = Parsed(table.path, table.header)
    parsed.warnings.extend(table.notes)
    parsed.errors = check_header(name, table.header, CHECK_COLUMNS, CHECK_REQUIRED)
    if parsed.errors:
        return parsed
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        check = RowChecker(name, line, cells)
        key = check.identifier("id")
        if key is None and not check.errors:
            check.fail("id", "a text id of the coded index (required)")
        frame = check.code("frame", codebook.frame_codes, what="frame")
        if frame is None and not (cells.get("note") or "").strip() and not check.errors:
            check.fail("note", "why the text has no frame (the page could not be read)")
        coder = check.text("coder", required=True, max_len=200)
        if key and key in seen:
            check.fail("id", f"each text once (already on {table.unit} {seen[key]})")
        if check.errors:
            parsed.rejected.append(Rejected(line, cells, check.errors))
            continue
        seen[key] = line
        parsed.records.append(FrameCheckRecord(key=key, frame=frame, coder=coder, line=line))
    return parsed
