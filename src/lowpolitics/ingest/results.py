"""What a parser hands back: clean records, every bad cell, and the rows it rejected."""

from __future__ import annotations

import csv
from collections.abc import Iterator
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


class Capped(list):
    """A list that keeps its first ``cap`` items and counts the rest: a file of a million rows
    may warn on every row, and the warnings must not outgrow the rows being imported."""

    def __init__(self, cap: int):
        super().__init__()
        self.cap = cap
        self.total = 0

    def append(self, item) -> None:  # type: ignore[override]
        self.total += 1
        if len(self) < self.cap:
            super().append(item)

    def extend(self, items) -> None:  # type: ignore[override]
        for item in items:
            self.append(item)

    @property
    def dropped(self) -> int:
        return self.total - len(self)


@dataclass
class Streamed(Generic[T]):
    """A file being validated as it is read: ``records`` yields the good rows lazily; bad rows
    are counted, their first ``cap`` errors kept, and — when rejects are wanted — written to
    ``FILE.rejects.csv`` as they come, so memory holds a chunk of rows, not the file."""

    file: Path
    header: list[str]
    name: str
    records: Iterator[T]
    cap: int
    errors: list[CellError] = field(default_factory=list)  # file-level (the header)
    warnings: Capped = field(default_factory=lambda: Capped(0))
    cell_errors: Capped = field(default_factory=lambda: Capped(0))
    rejected: int = 0
    skipped: int = 0
    merged: int = 0
    rejects_path: Path | None = None  # where rejects go; None: keep only the errors
    size: int = 0  # rows the file holds, or about as many (for a progress bar)
    _handle: object = None
    _writer: object = None

    def __post_init__(self) -> None:
        self.warnings = Capped(self.cap)
        self.cell_errors = Capped(self.cap)

    def reject(self, row: Rejected) -> None:
        self.rejected += 1
        self.cell_errors.extend(row.errors)
        if self.rejects_path is None:
            return
        if self._writer is None:
            columns = [c for c in self.header if c != "reason"] + ["line", "reason"]
            self._handle = self.rejects_path.open("w", encoding="utf-8", newline="")
            self._writer = csv.DictWriter(self._handle, fieldnames=columns, extrasaction="ignore")
            self._writer.writeheader()
        cells = {**row.cells, "line": row.line, "reason": row.reason}
        self._writer.writerow(neutralise_row(cells))

    def close(self) -> Path | None:
        """Close the rejects file; its path when one was written."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            return self.rejects_path
        return None

    def warning_list(self) -> list[str]:
        """The warnings kept, and a last one saying how many more there were."""
        more = self.warnings.dropped
        tail = [f"{self.name}: {more} more warnings not kept"] if more else []
        return list(self.warnings) + tail

    def error_list(self) -> list[CellError]:
        return self.errors + list(self.cell_errors)
