"""Reading tabular files (CSV, XLSX, JSON — or one of them inside a .zip) as numbered rows of
text cells.

Every importer sees the same thing — a header and ``(line, {column: text})`` pairs — so error
messages can name the line a user sees in their spreadsheet or editor, whatever the format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from lowpolitics.framework.cells import restore
from lowpolitics.framework.errors import CellError, ConfigError, InputError
from lowpolitics.ingest.archives import is_zip, single_member

SUPPORTED = (".csv", ".tsv", ".txt", ".xlsx", ".json")
# read by the command line as well: a .zip holding one file of a SUPPORTED type (the web import
# takes only SUPPORTED, so an upload is never unpacked in the server's memory)
ARCHIVES = (".zip",)


@dataclass
class Table:
    """A file read as text cells: its header and its numbered rows."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    unit: str = "line"  # what the row numbers count: a text line, or a JSON record
    # what reading had to assume, said to the user with the import's warnings: the encoding
    # of a CSV that was not UTF-8, merged cells filled down
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    # the name error messages give: the file's name, or "archive.zip/member.csv"
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.path.name

    def __len__(self) -> int:
        return len(self.rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) > 10 else text
    return restore(str(value).strip())


def _fail(name: str, expected: str, line: int | None = None) -> InputError:
    return InputError(
        [CellError(name, line, None, None, expected)],
        message=f"{name}: cannot read the file",
    )


# What Excel and editors in the region write when they do not write UTF-8: Russian-locale
# Excel saves CSV in Windows-1251, older Unix tools KOI8-R, "Unicode text" is UTF-16.
_CANDIDATES = ["utf_16", "cp1251", "koi8_r"]


# The encodings a user can pick by name instead of detection — the command line's
# ``--encoding`` help and the web import's choice both list these (any other encoding Python
# knows is accepted too): the name as ``codecs.lookup`` gives it back, and how it is shown.
OFFERED_ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "cp1251": "Windows-1251",
    "koi8-r": "KOI8-R",
    "cp866": "CP866 (DOS)",
    "iso8859-1": "Latin-1 (ISO 8859-1)",
}
ENCODING_HELP = (
    "Read the file in this encoding instead of detecting it: "
    + ", ".join(OFFERED_ENCODINGS)
    + " or any encoding Python knows"
)

# The encoding a user named (``--encoding``), for the files read while it is set: detection
# guesses, and a user who knows better must be able to say so. A context variable, so that the
# web app's concurrent requests and the CLI need not thread it through every parser.
_DECLARED: ContextVar[str | None] = ContextVar("lowpolitics_declared_encoding", default=None)
# Where the encodings files were read in are written down while ``encodings_read`` is open
# (the web preview says which one was used, whether declared or detected).
_READ: ContextVar[list[str] | None] = ContextVar("lowpolitics_encodings_read", default=None)


def check_encoding(name: str) -> str:
    """``name`` as Python knows it (cp1251, koi8-r, utf-16 …), or a ConfigError naming it.
    Codecs that are not text encodings (base64, rot13 …) are refused as well."""
    import codecs

    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ConfigError(
            f"--encoding '{name}': not an encoding Python knows (try "
            + ", ".join(OFFERED_ENCODINGS)
            + ")"
        )
    return info.name


@contextmanager
def encodings_read() -> Iterator[list[str]]:
    """The encodings (as shown to the user) of the text files read inside this block."""
    seen: list[str] = []
    token = _READ.set(seen)
    try:
        yield seen
    finally:
        _READ.reset(token)


def note_encoding(shown: str) -> None:
    """Write down that a file was read in ``shown`` (for ``encodings_read``)."""
    seen = _READ.get()
    if seen is not None:
        seen.append(shown)


def read_note(name: str, codec: str, shown: str) -> list[str]:
    """The warning that says a file was not read as plain UTF-8 (none when it was)."""
    if codec in ("utf-8", "utf-8-sig", "utf_8"):
        return []
    return [
        f"{name}: read as {shown} (not UTF-8); if letters look wrong, save the file as 'CSV UTF-8'"
    ]


@contextmanager
def declared_encoding(name: str | None) -> Iterator[None]:
    """Read the files opened inside this block in ``name`` instead of detecting it."""
    token = _DECLARED.set(check_encoding(name) if name else None)
    try:
        yield
    finally:
        _DECLARED.reset(token)


def decode_text(raw: bytes, path: Path | str) -> tuple[str, str]:
    """The file's text and the encoding it was read in: the one the user declared
    (``declared_encoding``), else UTF-8 (with or without BOM) when it is valid, a UTF-16 BOM,
    else the likeliest of Windows-1251 and KOI8-R (charset-normalizer). Refused with a message
    when none fits."""
    text, shown = _decode_text(raw, path)
    note_encoding(shown)
    return text, shown


def _decode_text(raw: bytes, path: Path | str) -> tuple[str, str]:
    declared = _DECLARED.get()
    if declared:
        try:
            return raw.decode(declared).lstrip("\ufeff"), f"{declared} (as declared)"
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise _fail(
                _name(path), f"text in {declared}, as --encoding says (byte {exc.start})", line
            ) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").lstrip("\ufeff"), "utf-16"
    try:
        return raw.decode("utf-8-sig").lstrip("\ufeff"), "utf-8"  # a second BOM: double save
    except UnicodeDecodeError as exc:
        first_bad = exc
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=_CANDIDATES).best()
    if best is None:
        line = raw[: first_bad.start].count(b"\n") + 1
        raise _fail(
            _name(path), "text in UTF-8, UTF-16, Windows-1251 or KOI8-R (save as 'CSV UTF-8')", line
        ) from first_bad
    names = {"cp1251": "windows-1251", "koi8_r": "KOI8-R", "utf_16": "utf-16"}
    return str(best).lstrip("\ufeff"), names.get(best.encoding, best.encoding)


def _name(path: Path | str) -> str:
    return path.name if isinstance(path, Path) else path


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(path.name, f"a readable file ({exc.strerror})") from exc


def _read_csv(path: Path, raw: bytes, name: str, delimiter: str | None = None) -> Table:
    text, encoding = decode_text(raw, name)
    notes = read_note(name, _DECLARED.get() or encoding, encoding)
    if not text.strip():
        raise _fail(name, "a header row and at least one data row")
    if delimiter is None:
        first = text.splitlines()[0]
        # Spreadsheets in Russian locales save CSV with ';' — accept it when the header says so.
        delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    rows = list(_csv_rows(reader, header, name))
    return Table(path, header, rows, notes=notes, encoding=encoding, name=name)


def _csv_rows(reader, header: list[str], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The numbered rows of a CSV reader positioned after the header; blank rows skipped.

    A row of exactly the header's width whose cells need neither trimming nor restoring (no
    white space around a cell, no cell starting with an apostrophe: see
    :mod:`lowpolitics.framework.cells`) is zipped with the header as it is; any other row is
    read cell by cell."""
    width = len(header)
    strip = str.strip
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _fail(name, f"well-formed CSV ({exc})", reader.line_num) from exc
        if (
            len(values) == width
            and list(map(strip, values)) == values
            and "\x00'" not in "\x00".join(["", *values])
        ):
            if any(values):  # else a blank row
                yield line, dict(zip(header, values, strict=True))
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            extra = values[len(header) :]
            if any(v.strip() for v in extra):
                raise InputError(
                    [
                        CellError(
                            name,
                            line,
                            None,
                            ",".join(extra),
                            f"{len(header)} cells as in the header, found {len(values)}",
                        )
                    ]
                )
        yield (
            line,
            {
                h: (restore(values[i].strip()) if i < len(values) else "")
                for i, h in enumerate(header)
            },
        )


# Workbooks up to this size are opened whole, so merged cells can be seen and filled down;
# larger ones are streamed (read-only mode knows no merges) and a merge reads as empty cells.
MERGE_CHECK_BYTES = 8 * 2**20


def _read_xlsx(path: Path, raw: bytes | None, name: str) -> Table:
    from openpyxl import load_workbook

    size = path.stat().st_size if raw is None else len(raw)
    whole = size <= MERGE_CHECK_BYTES
    try:
        # formulas as written, not their last computed values: a formula cell has no value
        # of its own to import (and a file never opened in Excel has none cached)
        source = path if raw is None else io.BytesIO(raw)
        workbook = load_workbook(source, read_only=not whole, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _fail(name, "an Excel .xlsx workbook") from exc
    sheet = workbook.worksheets[0]
    notes: list[str] = []
    filled: dict[tuple[int, int], object] = {}
    if whole:
        for merged in list(sheet.merged_cells.ranges):
            value = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    filled[(row, col)] = value
            notes.append(
                f"{name}: merged cells {merged.coord} filled with their value "
                f"'{_cell(value)[:40]}' in every row they span"
            )
    iterator = sheet.iter_rows()
    try:
        header = [_cell(c.value) for c in next(iterator)]
    except StopIteration:
        raise _fail(name, "a header row in the first sheet") from None
    while header and not header[-1]:
        header.pop()
    rows = []
    formulas: list[CellError] = []
    for number, row in enumerate(iterator, start=2):
        cells = []
        for i, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f" and i < len(header):
                formulas.append(
                    CellError(
                        name,
                        number,
                        header[i],
                        str(cell.value)[:60],
                        "a value, not a formula (copy the column and paste it as values)",
                    )
                )
            value = filled.get((number, i + 1), cell.value)
            cells.append(_cell(value))
        if not any(cells):
            continue
        rows.append(
            (number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)})
        )
    workbook.close()
    if formulas:
        raise InputError(formulas)
    return Table(path, header, rows, notes=notes, name=name)


def _read_json(path: Path, raw: bytes, name: str, list_key: str | None) -> Table:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise _fail(name, f"valid JSON ({exc.msg})", exc.lineno) from exc
    except RecursionError as exc:  # "[[[[…]]]]" nested beyond Python's stack: not a table
        raise _fail(name, "an array of objects, not arrays nested thousands deep") from exc
    except UnicodeDecodeError as exc:
        raise _fail(name, "a readable UTF-8 JSON file") from exc
    if isinstance(data, dict) and list_key and isinstance(data.get(list_key), list):
        data = data[list_key]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        expected = "an array of objects" + (f' (or {{"{list_key}": [...]}})' if list_key else "")
        raise _fail(name, expected)
    header: list[str] = []
    for item in data:
        for key in item:
            if key not in header:
                header.append(key)
    rows = []
    for index, item in enumerate(data, start=1):
        cells = {}
        for key in header:
            value = item.get(key)
            if isinstance(value, list):
                value = ";".join(_cell(v) for v in value)
            cells[key] = _cell(value)
        rows.append((index, cells))
    return Table(path, header, rows, unit="record", name=name)


def require_file(path: Path) -> None:
    if not path.exists():
        raise InputError(
            [CellError(str(path), None, None, None, "an existing file")],
            message=f"{path}: no such file",
        )


def _read(
    path: Path, suffix: str, raw: bytes | None, name: str, json_key: str | None
) -> Table | None:
    if suffix in (".csv", ".txt", ".tsv"):
        data = _read_bytes(path) if raw is None else raw
        return _read_csv(path, data, name, "\t" if suffix == ".tsv" else None)
    if suffix == ".xlsx":
        return _read_xlsx(path, raw, name)
    if suffix == ".json":
        return _read_json(path, _read_bytes(path) if raw is None else raw, name, json_key)
    return None


def read_table(path: Path | str, *, json_key: str | None = None) -> Table:
    """Read ``path`` by its extension. JSON may be an array or ``{json_key: [...]}``. A .zip
    holding one file of a supported type is read as that file (its name in messages is
    ``archive.zip/member.csv``); what else the archive holds is named in ``notes``."""
    path = Path(path)
    require_file(path)
    suffix = path.suffix.lower()
    if suffix != ".xlsx" and is_zip(path):
        member = single_member(path, SUPPORTED)
        name = f"{path.name}/{member.name}"
        table = _read(path, member.suffix, member.data, name, json_key)
        assert table is not None  # single_member returned a SUPPORTED suffix
        if member.ignored:
            table.notes.insert(
                0, f"{path.name}: read {member.name}; not read: {', '.join(member.ignored)}"
            )
        return table
    table = _read(path, suffix, None, path.name, json_key)
    if table is None:
        raise InputError(
            [CellError(path.name, None, None, suffix, "one of " + ", ".join(SUPPORTED + ARCHIVES))],
            message=f"{path.name}: unsupported file type '{suffix}'",
        )
    return table


def iter_rows(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    yield from table.rows
