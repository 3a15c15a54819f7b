"""The corpus in the store: documents, codes, codings and memos — the library API that the
document importer, the coding screen, agreement statistics and REFI-QDA exchange build on.

Texts are stored NFC with LF line ends, so code-point offsets mean the same thing everywhere
(REFI-QDA positions are code points, end exclusive). A document is identified by the hash of
that text: importing it twice stores it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import CellError, InputError, NotFoundError
from lowpolitics.store.models import AuditEntry, Code, Coding, Document, Memo, Segment
from lowpolitics.text.cleaning import clean_text, text_hash  # noqa: F401 (re-exported)
from lowpolitics.text.segment import paragraphs, sentences

AUTO_PREFIX = "auto:"


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    published_on: date | None = None
    outlet: str | None = None
    country: str | None = None
    genre: str | None = None
    url: str | None = None
    language: str | None = None
    filename: str | None = None
    key: str | None = None


DEFAULT_MAX_DOCUMENT_CHARS = 25_000_000  # a 20 MB upload; a 60 MB paste is not a document


def max_document_chars() -> int:
    """The largest document stored, in characters (``LOWPOLITICS_MAX_DOCUMENT_CHARS``)."""
    import os

    try:
        return int(os.environ.get("LOWPOLITICS_MAX_DOCUMENT_CHARS", DEFAULT_MAX_DOCUMENT_CHARS))
    except ValueError:
        return DEFAULT_MAX_DOCUMENT_CHARS


def add_document(
    session: Session, text: str, meta: DocumentMeta | None = None, who: str = "cli"
) -> tuple[Document, bool]:
    """Store ``text`` with its segments; an identical text already stored is returned instead.

    Returns the document and whether it was created.
    """
    meta = meta or DocumentMeta()
    limit = max_document_chars()
    if len(text) > limit:
        where = meta.filename or meta.key or "the document"
        raise InputError(
            [
                CellError(
                    where,
                    None,
                    "text",
                    f"{len(text):,} characters",
                    f"at most {limit:,} characters (split it, or raise "
                    "LOWPOLITICS_MAX_DOCUMENT_CHARS)",
                )
            ]
        )
    text = clean_text(text)
    digest = text_hash(text)
    # everything slow is computed before the transaction's first statement: on SQLite a
    # transaction that read before another writer committed cannot then write ("database is
    # locked"), and its write must not keep logins and edits waiting while a long text is read.
    # Callers that may hold a duplicate check first (see store.documents).
    reading = _reading(text, meta.language)
    spans = {
        "paragraph": paragraphs(text),
        "sentence": sentences(text, meta.language),
    }
    existing = session.scalars(select(Document).where(Document.content_hash == digest)).first()
    if existing is not None:
        return existing, False
    document = Document(
        key=meta.key or f"doc-{digest[:12]}",
        title=meta.title or meta.filename or digest[:12],
        text=text,
        content_hash=digest,
        language=meta.language,
        published_on=meta.published_on,
        outlet=meta.outlet,
        country_code=meta.country,
        genre=meta.genre,
        url=meta.url,
        filename=meta.filename,
    )
    session.add(document)
    session.flush()
    reading.document_id = document.id
    session.add(reading)
    rows = [
        {"document_id": document.id, "kind": kind, "start": s.start, "end": s.end}
        for kind, found in spans.items()
        for s in found
    ]
    if rows:  # one executemany, not an ORM object per segment: the write lock is held briefly
        session.execute(insert(Segment), rows)
    session.add(
        AuditEntry(
            actor=who,
            action="create",
            entity="document",
            entity_key=document.key,
            before=None,
            after={"title": document.title, "hash": digest},
        )
    )
    session.flush()
    return document, True


def get_document(session: Session, ref: str | int) -> Document:
    """A document by id, key or the name of the file it was imported from."""
    query = select(Document)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isascii() and ref.isdigit()):
        found = session.get(Document, int(ref))
    else:
        found = (
            session.scalars(query.where(Document.key == ref)).first()
            or session.scalars(query.where(Document.filename == ref)).first()
        )
    if found is None:
        raise NotFoundError(f"no document '{ref}'")
    return found


def ensure_code(
    session: Session,
    name: str,
    *,
    parent: Code | None = None,
    colour: str | None = None,
    definition: str | None = None,
    origin: str = "user",
) -> Code:
    """The code called ``name``, created if new (names are unique across the hierarchy)."""
    code = session.scalars(select(Code).where(Code.name == name)).first()
    if code is None:
        code = Code(
            name=name,
            parent_id=parent.id if parent else None,
            colour=colour,
            definition=definition,
            origin=origin,
        )
        session.add(code)
        session.flush()
    return code


def framework_codes(session: Session, codebook: Codebook, lang: str = "en") -> dict[str, Code]:
    """The codebook's mechanisms, context kinds and frames as codes, grouped under two parents."""
    codes: dict[str, Code] = {}
    mechanisms = ensure_code(
        session,
        "mechanism",
        origin="codebook",
        definition="Mechanisms of the framework and context kinds",
    )
    frames = ensure_code(
        session, "frame", origin="codebook", definition="How a text frames the relationship"
    )
    for entry in codebook.mechanisms + codebook.context_kinds:
        codes[entry.code] = ensure_code(
            session,
            entry.code,
            parent=mechanisms,
            colour=entry.colour,
            definition=entry.describe(lang),
            origin="codebook",
        )
    for entry in codebook.frames:
        codes[entry.code] = ensure_code(
            session, entry.code, parent=frames, definition=entry.describe(lang), origin="codebook"
        )
    return codes


def add_coding(
    session: Session,
    document: Document,
    code: Code,
    start: int,
    end: int,
    coder: str,
    *,
    confidence: float | None = None,
) -> Coding:
    """Code the span [start, end) of ``document``; the same span, code and coder is kept once."""
    if not (0 <= start < end <= len(document.text)):
        raise InputError(
            [
                CellError(
                    document.key,
                    None,
                    "span",
                    f"{start}-{end}",
                    f"0 ≤ start < end ≤ {len(document.text)}",
                )
            ],
            message=f"span {start}-{end} lies outside document '{document.key}'",
        )
    existing = session.scalars(
        select(Coding).where(
            Coding.document_id == document.id,
            Coding.code_id == code.id,
            Coding.start == start,
            Coding.end == end,
            Coding.coder == coder,
        )
    ).first()
    if existing is not None:
        return existing
    coding = Coding(
        document_id=document.id,
        code_id=code.id,
        start=start,
        end=end,
        coder=coder,
        automatic=coder.startswith(AUTO_PREFIX),
        confidence=confidence,
    )
    session.add(coding)
    session.flush()
    return coding


def remove_coding(session: Session, coding_id: int) -> None:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError(f"no coding {coding_id}")
    session.delete(coding)
    session.flush()


def codings(
    session: Session,
    document: Document | None = None,
    coder: str | None = None,
    code: Code | None = None,
) -> list[Coding]:
    query = select(Coding)
    if document is not None:
        query = query.where(Coding.document_id == document.id)
    if coder is not None:
        query = query.where(Coding.coder == coder)
    if code is not None:
        query = query.where(Coding.code_id == code.id)
    return list(session.scalars(query.order_by(Coding.document_id, Coding.start, Coding.id)))


def add_memo(
    session: Session,
    text: str,
    author: str,
    *,
    document: Document | None = None,
    coding: Coding | None = None,
    code: Code | None = None,
) -> Memo:
    """A memo on a document, a coding or a code (or on the project when none is given)."""
    memo = Memo(
        text=text,
        author=author,
        document_id=document.id if document else None,
        coding_id=coding.id if coding else None,
        code_id=code.id if code else None,
    )
    session.add(memo)
    session.flush()
    return memo


def _reading(text: str, language: str | None):
    """The discourse reading of a new document, made once (its text never changes); the
    caller stores it with the document's id."""
    from lowpolitics.store.discourse_models import DocumentReading
    from lowpolitics.text.discourse_reading import read_document, reader_version
    from lowpolitics.text.langid import identify
    from lowpolitics.text.lexicon import default_coder

    lang = language or identify(text[:2000]).lang
    reading = read_document(text, lang, default_coder())
    return DocumentReading(
        reader=reader_version(),
        language=reading.language,
        frame=reading.frame,
        mentions=[list(m) for m in reading.mentions],
        stems=reading.stems,
    )
