"""Importing files into the corpus: one transaction per file, so one bad file spoils nothing.

Why per file and not per batch: a folder of press clippings nearly always holds a scan
without a text layer or a password-protected PDF. Refusing the whole folder for that would
make users import file by file; instead each failure is reported (file + reason) and the rest
goes in. Identical texts are stored once (the corpus dedupes by content hash) and reported
as duplicates with the id of the document they repeat.

Metadata precedence, highest first: the side CSV, what the file declares (front matter,
HTML metadata), then guesses (first line as title, detected language).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import InputError, LowpoliticsError
from lowpolitics.ingest.documents import (
    SUPPORTED_SUFFIXES,
    ReadDocument,
    read_document,
    read_metadata_csv,
)
from lowpolitics.ingest.tables import declared_encoding
from lowpolitics.store.bulk import ImportSettings
from lowpolitics.store.corpus import DocumentMeta, add_document, clean_text, text_hash
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Document, Segment
from lowpolitics.store.statistics import refresh_after_import
from lowpolitics.text.langid import identify

LANGID_CHARS = 20_000  # enough letters for a verdict; the rules only count shares


@dataclass(frozen=True)
class ImportedDocument:
    path: Path
    document_id: int
    key: str
    title: str | None
    language: str | None
    language_source: str  # "metadata" or "detected"


@dataclass(frozen=True)
class DuplicateDocument:
    path: Path
    duplicate_of: int
    key: str


@dataclass(frozen=True)
class FailedDocument:
    path: Path
    message: str


@dataclass
class DocumentImportReport:
    """What happened to every file of a batch."""

    imported: list[ImportedDocument] = field(default_factory=list)
    duplicates: list[DuplicateDocument] = field(default_factory=list)
    failed: list[FailedDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_written: int = 0  # documents, readings and segments stored

    @property
    def ok(self) -> bool:
        return not self.failed


def _skipped_name(name: str) -> bool:
    """Hidden files and Office lock files (``~$report.docx``) are not documents."""
    return name.startswith((".", "~$"))


def expand_paths(
    paths: Iterable[Path | str], report: DocumentImportReport | None = None
) -> list[Path]:
    """Files to import: folders searched recursively for supported extensions, in name order.

    A path that does not exist is put in ``report.failed``; a named file with an unsupported
    extension is kept, so the reader reports it like any other bad file.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(_skipped_name(p) for p in child.relative_to(path).parts)
                ):
                    add(child)
        elif path.exists():
            add(path)
        elif report is not None:
            report.failed.append(FailedDocument(path, f"{path}: no such file or folder"))
    return found


def _meta_for(path: Path, metadata: dict[str, dict[str, Any]], base: Path | None) -> str | None:
    """The side-CSV entry for ``path``: by its path relative to the CSV's folder, else its name."""
    if base is not None:
        try:
            relative = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            relative = None
        if relative in metadata:
            return relative
    return path.name if path.name in metadata else None


def _message(exc: LowpoliticsError) -> str:
    if isinstance(exc, InputError):
        cells = [str(e) for e in exc.errors if e.column]
        if cells and not exc.summary.endswith(cells[-1]):
            return f"{exc.summary}: " + "; ".join(cells)
        return exc.summary
    return str(exc)


def _meta(path: Path, document: ReadDocument, side: dict[str, Any]) -> tuple[DocumentMeta, str]:
    fields: dict[str, Any] = {
        "title": document.title,
        "published_on": document.published_on,
        "url": document.url,
    }
    fields.update(document.declared)
    fields.update(side)
    source = "metadata"
    if not fields.get("language"):
        fields["language"] = identify(document.text[:LANGID_CHARS]).lang
        source = "detected"
    title = fields.get("title")
    if title and len(title) > 500:
        fields["title"] = title[:499] + "…"
    meta = DocumentMeta(filename=path.name[:500], **fields)
    return meta, source


def _store_one(
    engine: Engine, path: Path, side: dict[str, Any], who: str, report: DocumentImportReport
) -> None:
    document = read_document(path)
    meta, source = _meta(path, document, side)
    with session_scope(engine) as session:  # a text stored already is not read again
        known = session.scalars(
            select(Document).where(Document.content_hash == text_hash(clean_text(document.text)))
        ).first()
        if known is not None:
            report.duplicates.append(DuplicateDocument(path, known.id, known.key))
            return
    try:
        with session_scope(engine) as session:
            stored, created = add_document(session, document.text, meta, who=who)
            entry = (stored.id, stored.key, stored.title, stored.language, _rows(session, stored))
    except IntegrityError:
        # Another import stored the same text between our check and our insert.
        with session_scope(engine) as session:
            digest = text_hash(document.text)
            stored = session.scalars(
                select(Document).where(Document.content_hash == digest)
            ).first()
            if stored is None:
                raise
            entry, created = (stored.id, stored.key, stored.title, stored.language, 0), False
    if created:
        report.rows_written += entry[4]
        report.imported.append(
            ImportedDocument(path, entry[0], entry[1], entry[2], entry[3], source)
        )
    else:
        report.duplicates.append(DuplicateDocument(path, entry[0], entry[1]))


def _rows(session: Session, document: Document) -> int:
    """The rows a new document was stored in: itself, its reading and its segments."""
    count = select(func.count()).select_from(Segment).where(Segment.document_id == document.id)
    return 2 + session.scalar(count)


def import_documents(
    engine: Engine,
    paths: Iterable[Path | str],
    meta_csv: Path | str | None = None,
    who: str = "cli",
    progress: Callable[[int], Callable[[], None] | None] | None = None,
    text_encoding: str | None = None,
    settings: ImportSettings | None = None,
) -> DocumentImportReport:
    """Read and store every file; failures are reported and the batch goes on.

    A bad metadata CSV raises :class:`InputError` before anything is stored, with every bad
    cell. ``progress(total)`` may return a callback called once per file. ``text_encoding``
    reads the text files (not the metadata CSV) in that encoding instead of detecting it: the
    web upload's choice, whose metadata CSV the app writes itself in UTF-8. A batch that
    stored ``settings.analyze_rows`` rows or more (segments included) refreshes the planner's
    statistics of the corpus tables at the end (:mod:`lowpolitics.store.statistics`).
    """
    settings = settings or ImportSettings()
    metadata = read_metadata_csv(meta_csv) if meta_csv is not None else {}
    if text_encoding:
        with declared_encoding(text_encoding):
            report = _import_files(engine, paths, metadata, meta_csv, who, progress)
    else:
        report = _import_files(engine, paths, metadata, meta_csv, who, progress)
    refresh_after_import(engine, "documents", report.rows_written, settings.analyze_rows)
    return report


def _import_files(
    engine: Engine,
    paths: Iterable[Path | str],
    metadata: dict[str, dict[str, Any]],
    meta_csv: Path | str | None,
    who: str,
    progress: Callable[[int], Callable[[], None] | None] | None,
) -> DocumentImportReport:
    base = Path(meta_csv).parent if meta_csv is not None else None
    report = DocumentImportReport()
    files = expand_paths(paths, report)
    tick = progress(len(files)) if progress else None
    used: set[str] = set()
    for path in files:
        entry = _meta_for(path, metadata, base)
        if entry is not None:
            used.add(entry)
        try:
            _store_one(engine, path, metadata.get(entry, {}) if entry else {}, who, report)
        except LowpoliticsError as exc:
            report.failed.append(FailedDocument(path, _message(exc)))
        if tick:
            tick()
    for name in metadata:
        if name not in used:
            report.warnings.append(f"metadata for '{name}': no such file among those imported")
    return report


__all__ = [
    "DocumentImportReport",
    "DuplicateDocument",
    "FailedDocument",
    "ImportedDocument",
    "expand_paths",
    "import_documents",
]
