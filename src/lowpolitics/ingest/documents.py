"""Reading documents for the corpus: plain text out of txt, md, html, docx, pdf and odt files.

Why one reader per format and nothing cleverer: coding works on code-point offsets into the
stored text, so the text must be reproducible from the file by a simple, documented rule —
paragraphs in document order, separated by a blank line (which is also what the paragraph
segmenter splits on). Everything a reader cannot do (a password, a scan without a text layer,
a damaged zip) becomes an :class:`InputError` that names the file and says why, so a batch
import can report it and go on with the next file.

Metadata for many files at once comes from a side CSV (:func:`read_metadata_csv`), checked
cell by cell like the registry importer, so every bad cell is reported with its line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lowpolitics.framework.dates import first_day
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.ingest.checks import RowChecker, check_header
from lowpolitics.ingest.tables import read_table
from lowpolitics.text.cleaning import clean_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".odt")
META_COLUMNS = ("file", "title", "date", "outlet", "country", "genre", "url", "language")
LANGUAGES = ("ru", "ky", "tg", "en", "uz", "other")
TITLE_MAX = 200
ENCRYPTED = "encrypted PDF (password-protected); remove the password and import again"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ReadDocument:
    """What a file gave us: the text (NFC, LF) and whatever metadata its format carries.

    ``metadata`` holds the raw values a format declares itself (Markdown front matter, HTML
    metadata); ``declared`` the checked DocumentMeta fields among them (front-matter keys
    named like the metadata-CSV columns), which the importer applies below the side CSV.
    """

    path: Path
    format: str
    text: str
    title: str | None = None
    published_on: date | None = None
    url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    declared: dict[str, Any] = field(default_factory=dict)


def _fail(path: Path, reason: str, expected: str) -> InputError:
    return InputError(
        [CellError(path.name, None, None, None, expected)], message=f"{path.name}: {reason}"
    )


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_MAX else None
    return None


def _join(blocks: list[str]) -> str:
    return "\n\n".join(b.strip() for b in blocks if b and b.strip())


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16, or — what editors in the region save — Windows-1251
    or KOI8-R, as the table reader decides (``tables.decode_text``)."""
    from lowpolitics.framework.errors import InputError
    from lowpolitics.ingest.tables import _DECLARED, decode_text

    try:
        text, _ = decode_text(raw, path)
    except InputError as exc:
        declared = _DECLARED.get()
        if declared:  # the user named an encoding the file is not in
            raise _fail(
                path, f"not text in {declared}, the encoding chosen for it", f"{declared} text"
            ) from exc
        raise _fail(
            path,
            "not text in UTF-8, UTF-16, Windows-1251 or KOI8-R; save it as UTF-8",
            "UTF-8 text",
        ) from exc
    return text


def _read_txt(path: Path, raw: bytes) -> ReadDocument:
    text = clean_text(_decode(path, raw))
    return ReadDocument(path, "txt", text, title=_first_line_title(text))


class _TextDateLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as written, so 2023-02-30 is a bad cell, not a crash."""


_TextDateLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _read_md(path: Path, raw: bytes) -> ReadDocument:
    text = clean_text(_decode(path, raw))
    metadata: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.load(match.group(1) or "", Loader=_TextDateLoader) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise _fail(
                path, f"front matter is not valid YAML{where}", "a YAML front matter block"
            ) from exc
        if not isinstance(loaded, dict):
            raise _fail(path, "front matter is not a YAML mapping", "key: value lines")
        metadata = {str(k).strip().lower(): _scalar(v) for k, v in loaded.items()}
        text = text[match.end() :].lstrip("\n")
    known = {k: v for k, v in metadata.items() if k in META_COLUMNS and k != "file"}
    declared, errors = check_metadata(f"{path.name} front matter", None, known)
    if errors:
        raise InputError(
            errors, message=f"{path.name}: bad front matter: " + "; ".join(map(str, errors))
        )
    heading = _MD_HEADING.search(text)
    title = declared.get("title") or (heading.group(1) if heading else _first_line_title(text))
    day, url = declared.get("published_on"), declared.get("url")
    return ReadDocument(path, "md", text, title or None, day, url, metadata, declared)


def _scalar(value: Any) -> str:
    """A front-matter value as text (a YAML list becomes ';'-separated, like CSV cells)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _read_html(path: Path, raw: bytes) -> ReadDocument:
    """Main text by trafilatura; its metadata (title, date, URL) come from the page itself.

    Nothing is fetched: trafilatura gets the bytes, never a URL.
    """
    import trafilatura
    from trafilatura.metadata import extract_metadata

    try:
        text = trafilatura.extract(
            raw, output_format="txt", include_comments=False, include_tables=True
        )
    except Exception as exc:  # lxml and trafilatura raise many types on broken markup
        raise _fail(path, f"damaged HTML ({exc})", "an HTML page") from exc
    if not text or not text.strip():
        raise _fail(path, "no main text found in the HTML page", "an HTML page with an article")
    metadata: dict[str, str] = {}
    try:
        tree = trafilatura.load_html(raw)
        # Not extensive: that search guesses from any year on the page ("© 2024").
        found = extract_metadata(tree, extensive=False) if tree is not None else None
    except Exception:  # metadata are a bonus: a page without them still has its text
        found = None
    if found is not None:
        for name in ("title", "date", "url"):
            value = getattr(found, name, None)
            if value:
                metadata[name] = str(value).strip()
    published = first_day(metadata.get("date"))
    text = clean_text(text)
    title = metadata.get("title") or _first_line_title(text)
    return ReadDocument(path, "html", text, title, published, metadata.get("url"), metadata)


def _read_docx(path: Path, raw: bytes) -> ReadDocument:
    import docx

    document = docx.Document(str(path))
    blocks: list[str] = []
    title = (document.core_properties.title or "").strip() or None
    for paragraph in document.paragraphs:
        text = paragraph.text
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if title is None and text.strip() and style.startswith(("Title", "Heading")):
            title = text.strip()
        blocks.append(text)
    for table in document.tables:
        rows = []
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:  # a merged cell is returned once per grid column
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(cell.text.strip())
            if any(cells):
                rows.append("\t".join(cells))
        blocks.append("\n".join(rows))
    text = clean_text(_join(blocks))
    return ReadDocument(path, "docx", text, title=title or _first_line_title(text))


def _read_pdf(path: Path, raw: bytes) -> ReadDocument:
    import pdfplumber
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # owner-only protection opens without a password
            except Exception:  # e.g. AES without the cryptography package
                opened = 0
            if not opened:
                raise _fail(path, ENCRYPTED, "an unencrypted PDF")
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except PdfReadError as exc:
        raise _fail(path, f"damaged PDF ({exc})", "a readable PDF") from exc
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    text = clean_text(_join(pages))
    if not text:
        raise _fail(path, "no text layer (scanned?); run OCR on it first", "a PDF with text")
    return ReadDocument(path, "pdf", text, title=title or _first_line_title(text))


def _read_odt(path: Path, raw: bytes) -> ReadDocument:
    from odf import teletype
    from odf.namespaces import DCNS, TEXTNS
    from odf.opendocument import load

    document = load(str(path))
    blocks: list[str] = []
    title: str | None = None

    def walk(node) -> None:
        nonlocal title
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                text = teletype.extractText(child)
                if title is None and child.qname == (TEXTNS, "h") and text.strip():
                    title = text.strip()
                blocks.append(text)
            else:
                walk(child)

    walk(document.text)
    for node in document.meta.childNodes:
        if getattr(node, "qname", None) == (DCNS, "title"):
            declared = teletype.extractText(node).strip()
            title = declared or title
    text = clean_text(_join(blocks))
    return ReadDocument(path, "odt", text, title=title or _first_line_title(text))


_READERS: dict[str, Callable[[Path, bytes], ReadDocument]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".odt": _read_odt,
}
_DAMAGED = {
    ".docx": "damaged or not a Word .docx file",
    ".odt": "damaged or not an OpenDocument .odt file",
    ".pdf": "damaged PDF",
}


def read_document(path: Path | str) -> ReadDocument:
    """Read one file by its extension; any problem is an :class:`InputError` naming the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(
            [CellError(path.name, None, None, suffix, "one of " + ", ".join(SUPPORTED_SUFFIXES))],
            message=f"{path.name}: unsupported file type '{suffix or '(none)'}'",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})", "a readable file") from exc
    if not raw.strip():
        raise _fail(path, "empty file", "a file with text")
    try:
        document = reader(path, raw)
    except InputError:
        raise
    except Exception as exc:  # each library has its own zoo of exceptions for broken files
        reason = _DAMAGED.get(suffix, "unreadable file")
        detail = f"{exc.__class__.__name__}: {exc}"[:200]
        raise _fail(path, f"{reason} ({detail})", "a readable file") from exc
    if not document.text.strip():
        raise _fail(path, "no text in the file", "a file with text")
    return document


def check_metadata(
    file: str, line: int | None, cells: Mapping[str, Any]
) -> tuple[dict[str, Any], list[CellError]]:
    """Validate metadata cells; return DocumentMeta fields and every bad cell.

    Shared by the side CSV and Markdown front matter so both accept the same values.
    """
    checker = RowChecker(
        file, line or 0, {k: "" if v is None else str(v) for k, v in cells.items()}
    )
    fields: dict[str, Any] = {}
    title = checker.text("title", max_len=500)
    day = checker.date("date")
    outlet = checker.text("outlet", max_len=300)
    country = checker.country("country")
    genre = checker.text("genre", max_len=60)
    urls = checker.urls("url")
    if len(urls) > 1:
        checker.fail("url", "one web address")
    elif urls and len(urls[0]) > 2000:
        checker.fail("url", "a web address of at most 2000 characters")
    language = checker.code("language", LANGUAGES, what="language")
    for name, value in (
        ("title", title),
        ("published_on", day.start if day else None),
        ("outlet", outlet),
        ("country", country),
        ("genre", genre),
        ("url", urls[0] if len(urls) == 1 else None),
        ("language", language),
    ):
        if value is not None:
            fields[name] = value
    errors = checker.errors
    if line is None:
        errors = [CellError(e.file, None, e.column, e.value, e.expected) for e in errors]
    return fields, errors


def read_metadata_csv(path: Path | str) -> dict[str, dict[str, Any]]:
    """Side metadata: file name → DocumentMeta fields (only the cells that are filled).

    Columns ``file,title,date,outlet,country,genre,url,language``; only ``file`` is required.
    Every bad cell is collected and raised at once, so nothing is imported with half its
    metadata.
    """
    table = read_table(path)
    name = table.path.name
    errors = check_header(name, table.header, META_COLUMNS, ("file",))
    if errors:
        raise InputError(errors)
    result: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        file = (cells.get("file") or "").strip()
        fields, row_errors = check_metadata(name, line, cells)
        if not file:
            row_errors.insert(0, CellError(name, line, "file", file, "the name of a document file"))
        elif file in seen:
            row_errors.insert(
                0,
                CellError(
                    name, line, "file", file, f"a file named once (already on line {seen[file]})"
                ),
            )
        errors.extend(row_errors)
        if file and file not in seen:
            seen[file] = line
            result[file] = fields
    if errors:
        raise InputError(errors)
    return result


__all__ = [
    "LANGUAGES",
    "META_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "ReadDocument",
    "check_metadata",
    "read_document",
    "read_metadata_csv",
]
