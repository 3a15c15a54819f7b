"""Editing the corpus one record at a time (web app and API): documents, codes, codings, memos.

``store.corpus`` holds the primitives an import uses; this module adds what a person editing
through the web needs on top: field checks with every bad field reported, optimistic
concurrency (``version``), an audit entry for every change, and the ownership rule — coders
change and remove only their own codings and memos, editors and admins anyone's.

Memos are edited in :mod:`lowpolitics.store.memos_edit`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, defer

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import (
    CellError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
)
from lowpolitics.ingest.documents import check_metadata
from lowpolitics.store.accounts import allows
from lowpolitics.store.audit import record_change
from lowpolitics.store.blind import check_open
from lowpolitics.store.corpus import (
    DocumentMeta,
    add_coding,
    add_document,
    framework_codes,
    get_document,
    text_hash,
)
from lowpolitics.store.editing import check_version
from lowpolitics.store.models import Code, Coding, Document

# request field → the side-CSV column check_metadata knows it by
DOCUMENT_FIELDS = {
    "title": "title",
    "published_on": "date",
    "outlet": "outlet",
    "country": "country",
    "genre": "genre",
    "url": "url",
    "language": "language",
}
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
FRAMEWORK_PARENTS = ("mechanism", "frame")  # the groups framework_codes() files codes under


def _bad(column: str, value: object, expected: str) -> CellError:
    return CellError("request body", None, column, "" if value is None else str(value), expected)


def _read_only(code: Code) -> ConflictError:
    return ConflictError(
        f"code '{code.name}' comes from the codebook and is read-only "
        "(it changes with the codebook file)"
    )


def _twin(session: Session, document_id: int, code_id: int, start: int, end: int, coder: str):
    """The id of the coding with exactly these values, if there is one."""
    return session.scalars(
        select(Coding.id).where(
            Coding.document_id == document_id,
            Coding.code_id == code_id,
            Coding.start == start,
            Coding.end == end,
            Coding.coder == coder,
        )
    ).first()


# --- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilter:
    language: str | None = None
    genre: str | None = None
    country: str | None = None
    outlet: str | None = None
    coded: bool | None = None  # by a person; automatic codings do not make a text "coded"
    ids: Collection[int] | None = None


def list_documents(
    session: Session, flt: DocumentFilter, visible: ColumnElement[bool] | None = None
) -> list[Document]:
    """Newest first (undated last); the texts are not loaded, lists only show metadata.

    ``visible`` (blind coding, ``store.blind.visible_clause``) limits "coded" to the codings the
    viewer may see: otherwise the filter would tell a coder which texts a colleague coded."""
    query = select(Document).options(defer(Document.text))
    for column, value in (
        (Document.language, flt.language),
        (Document.genre, flt.genre),
        (Document.country_code, flt.country),
        (Document.outlet, flt.outlet),
    ):
        if value:
            query = query.where(column == value)
    if flt.ids is not None:
        query = query.where(Document.id.in_(list(flt.ids)))
    if flt.coded is not None:
        coded = exists().where(Coding.document_id == Document.id, Coding.automatic.is_(False))
        if visible is not None:
            coded = coded.where(visible)
        query = query.where(coded if flt.coded else ~coded)
    query = query.order_by(
        Document.published_on.is_(None), Document.published_on.desc(), Document.id.desc()
    )
    return list(session.scalars(query))


def coding_counts(
    session: Session, ids: Collection[int], visible: ColumnElement[bool] | None = None
) -> dict[int, tuple[int, int]]:
    """document id → (codings by people, automatic codings), counting only the codings
    ``visible`` admits (blind coding: a count of a colleague's codings would unblind)."""
    counts: dict[int, tuple[int, int]] = {i: (0, 0) for i in ids}
    if not ids:
        return counts
    rows = session.execute(
        select(Coding.document_id, Coding.automatic, func.count())
        .where(Coding.document_id.in_(list(ids)), *([] if visible is None else [visible]))
        .group_by(Coding.document_id, Coding.automatic)
    )
    for doc_id, automatic, n in rows:
        people, auto = counts[doc_id]
        counts[doc_id] = (people, auto + n) if automatic else (people + n, auto)
    return counts


def facet_values(session: Session) -> dict[str, list[str]]:
    """The values present in the corpus, for the filter menus."""
    found = {}
    for name, column in (
        ("language", Document.language),
        ("genre", Document.genre),
        ("country", Document.country_code),
        ("outlet", Document.outlet),
    ):
        values = session.scalars(select(column).where(column.is_not(None)).distinct())
        found[name] = sorted(v for v in values if v)
    return found


def document_record(document: Document) -> dict[str, Any]:
    """The metadata as stored, for the audit trail."""
    return {
        "key": document.key,
        "title": document.title,
        "language": document.language,
        "published_on": document.published_on.isoformat() if document.published_on else None,
        "outlet": document.outlet,
        "country": document.country_code,
        "genre": document.genre,
        "url": document.url,
        "version": document.version,
    }


def check_document_fields(data: Mapping[str, Any], source: str = "request body") -> dict:
    """DocumentMeta fields from request values; every bad field raised at once."""
    cells = {
        column: "" if data.get(field) is None else str(data.get(field)).strip()
        for field, column in DOCUMENT_FIELDS.items()
    }
    fields, errors = check_metadata(source, None, cells)
    if errors:
        by_column = {column: field for field, column in DOCUMENT_FIELDS.items()}
        errors = [
            CellError(e.file, None, by_column.get(e.column or "", e.column), e.value, e.expected)
            for e in errors
        ]
        raise InputError(errors, f"{len(errors)} field(s) need correcting")
    return fields


def create_document(session: Session, data: Mapping[str, Any], who: str) -> Document:
    """A document from typed or pasted text; the same text stored twice is refused."""
    text = str(data.get("text") or "")
    errors = []
    if not text.strip():
        errors.append(_bad("text", "", "the document's text"))
    try:
        fields = check_document_fields(data)
    except InputError as exc:
        errors = exc.errors + errors
        fields = {}
    if errors:
        raise InputError(errors, f"{len(errors)} field(s) need correcting")
    found = session.execute(
        select(Document.id, Document.key).where(Document.content_hash == text_hash(text))
    ).first()
    if found is not None:
        raise ConflictError(f"the same text is stored already: document {found.id} ({found.key})")
    document, _ = add_document(session, text, DocumentMeta(**fields), who=who)
    return document


def update_document(
    session: Session, ref: str | int, data: Mapping[str, Any], who: str, version: int | None
) -> Document:
    """Replace the metadata (never the text: codings point into it)."""
    document = get_document(session, ref)
    check_version(document.version, version, f"document '{document.key}'")
    fields = check_document_fields(data)
    if not fields.get("title"):
        raise InputError([_bad("title", "", "a title")])
    before = document_record(document)
    document.title = fields["title"]
    document.language = fields.get("language")
    document.published_on = fields.get("published_on")
    document.outlet = fields.get("outlet")
    document.country_code = fields.get("country")
    document.genre = fields.get("genre")
    document.url = fields.get("url")
    document.version += 1
    session.flush()
    record_change(
        session, who, "update", "document", document.key, before, document_record(document)
    )
    return document


def delete_document(session: Session, ref: str | int, who: str, version: int | None = None) -> None:
    """The document with its segments, codings and memos (the database cascades)."""
    document = get_document(session, ref)
    if version is not None:
        check_version(document.version, version, f"document '{document.key}'")
    before = document_record(document)
    before["codings"] = session.scalar(
        select(func.count()).select_from(Coding).where(Coding.document_id == document.id)
    )
    record_change(session, who, "delete", "document", document.key, before, None)
    session.delete(document)
    session.flush()


# --- codes ------------------------------------------------------------------------------------


def find_code(session: Session, ref: str | int) -> Code:
    """A code by name, or by id when ``ref`` is a number."""
    code = None
    if isinstance(ref, int) or (str(ref).isascii() and str(ref).isdigit()):
        code = session.get(Code, int(ref))
    if code is None:
        code = session.scalars(select(Code).where(Code.name == str(ref))).first()
    if code is None:
        raise NotFoundError(f"no code '{ref}'")
    return code


def usable_code(session: Session, ref: str | int, codebook: Codebook | None = None) -> Code:
    """Like :func:`find_code`, but a codebook code is created on first use."""
    try:
        return find_code(session, ref)
    except NotFoundError:
        if codebook is None:
            raise
        framework_codes(session, codebook)
        return find_code(session, ref)


def list_codes(session: Session, origin: str | None = None) -> list[Code]:
    query = select(Code).order_by(Code.origin, Code.name)
    if origin:
        query = query.where(Code.origin == origin)
    return list(session.scalars(query))


def code_usage(session: Session) -> dict[int, int]:
    """code id → number of codings."""
    rows = session.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id))
    return {code_id: n for code_id, n in rows}


def code_record(code: Code) -> dict[str, Any]:
    return {
        "name": code.name,
        "parent_id": code.parent_id,
        "colour": code.colour,
        "definition": code.definition,
        "origin": code.origin,
        "version": code.version,
    }


def _reserved(codebook: Codebook) -> set[str]:
    return {*FRAMEWORK_PARENTS, *codebook.classifier_mechanisms, *codebook.frame_codes}


def save_user_code(
    session: Session,
    codebook: Codebook,
    data: Mapping[str, Any],
    who: str,
    *,
    ref: str | int | None = None,
    version: int | None = None,
) -> Code:
    """Create (``ref`` None) or update a user code. Codebook codes are read-only (a
    :class:`ConflictError`, not a role refusal): they change with the codebook file, so that
    every install means the same thing by them."""
    code = None
    if ref is not None:
        code = find_code(session, ref)
        if code.origin != "user":
            raise _read_only(code)
        check_version(code.version, version, f"code '{code.name}'")
    name = str(data.get("name") or "").strip()
    colour = str(data.get("colour") or "").strip() or None
    definition = str(data.get("definition") or "").strip() or None
    parent_ref = str(data.get("parent") or "").strip() or None
    errors = []
    if not name or len(name) > 200:
        errors.append(_bad("name", name, "a name of 1–200 characters"))
    elif name in _reserved(codebook) and (code is None or code.name != name):
        errors.append(_bad("name", name, "a name the codebook does not use"))
    if colour and not COLOUR.fullmatch(colour):
        errors.append(_bad("colour", colour, "a colour as #RRGGBB"))
    parent = None
    if parent_ref:
        try:
            parent = find_code(session, parent_ref)
        except NotFoundError:
            errors.append(_bad("parent", parent_ref, "a known code"))
        else:
            ancestor = parent
            while ancestor is not None and code is not None:
                if ancestor.id == code.id:
                    errors.append(_bad("parent", parent_ref, "a code not under this one"))
                    break
                ancestor = session.get(Code, ancestor.parent_id) if ancestor.parent_id else None
    if errors:
        raise InputError(errors, f"{len(errors)} field(s) need correcting")
    clash = session.scalars(select(Code).where(Code.name == name)).first()
    if clash is not None and clash is not code:
        raise ConflictError(f"a code named '{name}' exists already")
    before = code_record(code) if code is not None else None
    if code is None:
        code = Code(name=name, origin="user")
        session.add(code)
    else:
        code.version += 1
    code.colour, code.definition = colour, definition
    code.name, code.parent_id = name, parent.id if parent else None
    session.flush()
    action = "create" if before is None else "update"
    record_change(session, who, action, "code", code.name, before, code_record(code))
    return code


def delete_user_code(session: Session, ref: str | int, who: str, version: int | None = None):
    code = find_code(session, ref)
    if code.origin != "user":
        raise _read_only(code)
    if version is not None:
        check_version(code.version, version, f"code '{code.name}'")
    used = session.scalar(select(func.count()).where(Coding.code_id == code.id))
    children = session.scalar(select(func.count()).where(Code.parent_id == code.id))
    if used or children:
        raise ConflictError(
            f"code '{code.name}' is still used by {used} coding(s) and {children} child code(s); "
            "recode or remove them first"
        )
    record_change(session, who, "delete", "code", code.name, code_record(code), None)
    session.delete(code)
    session.flush()


# --- codings ----------------------------------------------------------------------------------


def check_owner(owner: str, who: str, role: str, what: str) -> None:
    """Coders change only what they made; editors and admins anything."""
    if owner != who and not allows(role, "editor"):
        raise ForbiddenError(
            f"{what} belongs to '{owner}'; a coder changes only their own "
            "(editors and admins may change anyone's)"
        )


def coding_versions(session: Session, ids: Collection[int]) -> dict[int, int]:
    """coding id → its version (bumped by every change of code)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Coding.id, Coding.version).where(Coding.id.in_(wanted)))
    return {coding_id: version for coding_id, version in rows}


def get_coding(session: Session, coding_id: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError(f"no coding {coding_id}")
    return coding


def coding_record(session: Session, coding: Coding) -> dict[str, Any]:
    document = session.get(Document, coding.document_id)
    return {
        "document": document.key if document else coding.document_id,
        "code": session.get(Code, coding.code_id).name,
        "start": coding.start,
        "end": coding.end,
        "coder": coding.coder,
    }


def code_span(
    session: Session,
    document: Document,
    code_name: str,
    start: int,
    end: int,
    who: str,
    memo: str | None = None,
    codebook: Codebook | None = None,
) -> Coding:
    """``who`` codes [start, end) of ``document`` (code points) with an existing code (or a
    codebook code, created on first use when ``codebook`` is given)."""
    check_open(session, document.id, who)
    code = usable_code(session, code_name, codebook)
    duplicate = _twin(session, document.id, code.id, start, end, who)
    if duplicate is not None:
        raise ConflictError(f"you coded this span with '{code.name}' already (coding {duplicate})")
    coding = add_coding(session, document, code, start, end, who)
    record_change(
        session, who, "create", "coding", str(coding.id), None, coding_record(session, coding)
    )
    if memo and memo.strip():
        from lowpolitics.store.memos_edit import write_memo  # memos build on this module

        write_memo(session, memo, who, coding=coding)
    return coding


def recode(
    session: Session,
    coding_id: int,
    code_name: str,
    who: str,
    role: str,
    version: int | None,
    codebook: Codebook | None = None,
) -> Coding:
    """Give a coding another code (same span, same coder)."""
    coding = get_coding(session, coding_id)
    check_owner(coding.coder, who, role, f"coding {coding_id}")
    if coding.coder == who:
        check_open(session, coding.document_id, who)
    if version is not None:
        check_version(coding_versions(session, [coding.id])[coding.id], version, "the coding")
    code = usable_code(session, code_name, codebook)
    if code.id == coding.code_id:
        return coding
    twin = _twin(session, coding.document_id, code.id, coding.start, coding.end, coding.coder)
    if twin is not None:
        raise ConflictError(f"the same span has code '{code.name}' already (coding {twin})")
    before = coding_record(session, coding)
    coding.code_id = code.id
    coding.version += 1
    session.flush()
    record_change(
        session, who, "update", "coding", str(coding.id), before, coding_record(session, coding)
    )
    return coding


def uncode(
    session: Session, coding_id: int, who: str, role: str, version: int | None = None
) -> None:
    coding = get_coding(session, coding_id)
    check_owner(coding.coder, who, role, f"coding {coding_id}")
    if coding.coder == who:
        check_open(session, coding.document_id, who)
    if version is not None:
        check_version(coding_versions(session, [coding.id])[coding.id], version, "the coding")
    record_change(
        session, who, "delete", "coding", str(coding.id), coding_record(session, coding), None
    )
    session.delete(coding)
    session.flush()


def coders(session: Session) -> list[str]:
    """Everyone who coded something, people first, then the machines."""
    names = session.scalars(select(Coding.coder).distinct())
    return sorted(names, key=lambda n: (n.startswith("auto:"), n.casefold()))
