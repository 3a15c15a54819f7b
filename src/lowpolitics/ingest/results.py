"""What a parser hands back: clean records, every bad cell, and the rows it rejected."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from lowpolitics.framework.cells import neutralise_row
from lowpolitics.framework.errors import CellError

T = TypeVar("T")


@dataclass
class Rejected:
    line: int
    cells: dict[str, str]
    errors: list[CellError]

    @property
    def reason(self) -> str:
        return "; ".join(
            f"{e.column or 'row'}: {e.value or 'empty'} — expected {e.expected}"
            for e in self.errors
        )


@dataclass
class Parsed(Generic[T]):
    """The outcome of parsing one file."""

    file: Path
    header: list[str]
    records: list[T] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # file-level errors (the header)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # rows filtered out on purpose (e.g. other countries in ACLED)
    # rows of an event already kept (GDELT's repeats of one article's event, a repeated id)
    merged: int = 0
    name: str = ""  # the name messages give: the file's, or "archive.zip/member.csv"

    def __post_init__(self) -> None:
        self.name = self.name or self.file.name

    @property
    def all_errors(self) -> list[CellError]:
        return self.errors + [e for r in self.rejected for e in r.errors]

    @property
    def ok(self) -> bool:
        return not self.all_errors

    def write_rejects(self, path: Path | None = None) -> Path:
        """Write rejected rows with a ``reason`` column next to the input (``FILE.rejects.csv``)."""
        target = path or self.file.with_name(self.file.name + ".rejects.csv")
        columns = [c for c in self.header if c != "reason"] + ["line", "reason"]
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in self.rejected:
                cells = {**row.cells, "line": row.line, "reason": row.reason}
                writer.writerow(neutralise_row(cells))  # the rejects open in a spreadsheet
        return target
