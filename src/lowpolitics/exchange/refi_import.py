"""REFI-QDA import: projects (``.qdpx``) and codebooks (``.qdc``) from lowpolitics or any client.

Read in two phases. First the whole file is checked (see :mod:`refi_safety`), schema-validated
and turned into plain records, collecting every bad selection; only then is the database
touched, in one transaction. Documents are matched by content hash (importing twice stores
once), codes by name, codings by (document, code, span, coder), memos by their text.

Tolerated client quirks: ``sources/`` or ``Sources/``, upper- or lower-case GUIDs with or
without braces, inline ``PlainTextContent``, PDF sources through their text ``Representation``,
CRLF or NFD source files (positions are mapped onto the stored NFC/LF text, CRLF counted or
not as the file shows: :mod:`refi_positions`), other ``urn:QDA-XML:project`` versions, and the
schema deviations real producers write (:mod:`refi_lenient`, each with a warning). Picture,
audio and video sources and files outside the archive (``relative://``, ``absolute://``) are
skipped with a warning. A document without a language variable gets the language identifier's
verdict, as documents imported from files do. Sets and categories are kept as memos
(:mod:`refi_memos`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pycountry
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lowpolitics.exchange.refi_export import CODEBOOK_NS, CODEBOOK_XSD, PROJECT_NS, PROJECT_XSD
from lowpolitics.exchange.refi_lenient import strip_bom, tolerate
from lowpolitics.exchange.refi_memos import (
    ANNOTATION_CODE,
    ANNOTATION_DEFINITION,
    CATEGORY_MEMO,
    CODE_SET,
    DOCUMENT_SET,
    set_memo,
)
from lowpolitics.exchange.refi_read import (
    CodeRec,
    ProjectReader,
    ProjectRec,
    SelectionRec,
    SetRec,
    SourceRec,
    qn,
    read_codes,
    read_sets,
)
from lowpolitics.exchange.refi_safety import (
    MAX_TOTAL_BYTES,
    normalise_namespace,
    open_archive,
    parse_xml,
    read_entry,
    refuse,
)
from lowpolitics.framework.errors import CellError, InputError, NotFoundError
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, ensure_code
from lowpolitics.store.db import require_schema, session_scope
from lowpolitics.store.models import AuditEntry, Code, Coding, Document, Memo
from lowpolitics.text.langid import identify

LANGID_CHARS = 20_000  # as for imported files: enough letters for a verdict

META_NAMES = {
    "outlet": "outlet",
    "country": "country",
    "language": "language",
    "lang": "language",
    "date": "published_on",
    "published": "published_on",
    "published_on": "published_on",
    "genre": "genre",
    "url": "url",
}


@dataclass
class RefiCounts:
    """What an import did; ``warnings`` lists what was skipped and why."""

    documents_added: int = 0
    documents_matched: int = 0
    codes_added: int = 0
    codings_added: int = 0
    memos_added: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def _meta(source: SourceRec, session: Session) -> DocumentMeta:
    values: dict[str, object] = {}
    for name, value in source.variables.items():
        target = META_NAMES.get(name)
        if target == "published_on":
            try:
                values[target] = date.fromisoformat(value[:10])
            except ValueError:
                continue
        elif target == "country":
            code = value.upper() if len(value) <= 3 else None
            if code is None:
                try:
                    code = pycountry.countries.lookup(value).alpha_2
                except LookupError:
                    continue
            values[target] = code
        elif target == "language":
            values[target] = value[:10]
        elif target:
            values[target] = value[: {"genre": 60, "outlet": 300}.get(target, 2000)]
    if "language" not in values:  # the project did not say: identify it, as for files
        values["language"] = identify(source.text[:LANGID_CHARS]).lang
    key = source.variables.get("key")
    if key and (
        len(key) > 200 or session.scalars(select(Document.id).where(Document.key == key)).first()
    ):
        key = None
    return DocumentMeta(title=source.name[:500], key=key, **values)


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


class _Writer:
    def __init__(self, session: Session, project: ProjectRec, who: str, counts: RefiCounts):
        self.session, self.project, self.who, self.counts = session, project, who, counts
        self.codes: dict[str, Code] = {}
        self.documents: dict[str, Document] = {}

    def person(self, gid: str | None) -> str:
        if not gid:
            gid = self.project.default_user
            if gid not in self.project.users:
                # a creator the file does not name: QualCoder writes a fresh random
                # creatingUserGUID on every export ("there is no creating user in
                # QualCoder"), so naming memos after it would add them again on each import
                return "refi:unknown"
        return (self.project.users.get(gid) or f"refi:{gid}")[:120]

    def memo(
        self,
        note_id: str | None,
        document=None,
        coding=None,
        text=None,
        author=None,
        code=None,
        structural: bool = False,
    ) -> None:
        """Add a memo once (same text, author and attachment is not added again; a
        structural memo — a set membership, a category — once whoever wrote it)."""
        if note_id is not None:
            if note_id not in self.project.notes:
                return
            note = self.project.notes.pop(note_id)
            text, author = note.text, self.person(note.user)
        if not text or not text.strip():
            return
        if coding is not None:  # a coding memo names its coding; the document follows from it
            document = None
        query = select(Memo.id).where(Memo.text == text)
        if not structural:
            query = query.where(Memo.author == author)
        query = query.where(
            Memo.document_id == document.id if document else Memo.document_id.is_(None),
            Memo.coding_id == coding.id if coding else Memo.coding_id.is_(None),
            Memo.code_id == code.id if code else Memo.code_id.is_(None),
        )
        if self.session.scalars(query).first() is None:
            self.session.add(
                Memo(
                    text=text,
                    author=author,
                    document_id=document.id if document else None,
                    coding_id=coding.id if coding else None,
                    code_id=code.id if code else None,
                )
            )
            self.counts.memos_added += 1

    def write_codes(self, codes: list[CodeRec]) -> None:
        taken: dict[str, str] = {}
        for item in codes:
            name = item.name
            if taken.get(name, item.guid) != item.guid:  # same name twice in the file
                parent = self.codes.get(item.parent)
                name = f"{parent.name}/{name}" if parent else f"{name} {item.guid[:8]}"
            name = name[:200]
            taken[name] = item.guid
            existed = self.session.scalars(select(Code).where(Code.name == name)).first()
            self.codes[item.guid] = existed or ensure_code(
                self.session,
                name,
                parent=self.codes.get(item.parent),
                colour=item.colour,
                definition=item.definition,
            )
            self.counts.codes_added += existed is None
            for note in item.notes:
                self.memo(note, code=self.codes[item.guid])
            if not item.codable:
                self.memo(None, None, None, CATEGORY_MEMO, self.who, self.codes[item.guid], True)

    def annotation(self, document: Document, selection: SelectionRec):
        """A coding for a span noted without a code, so its note stays on the span."""
        code = self.session.scalars(select(Code).where(Code.name == ANNOTATION_CODE)).first()
        if code is None:
            code = ensure_code(self.session, ANNOTATION_CODE, definition=ANNOTATION_DEFINITION)
            self.counts.codes_added += 1
        coder = self.person(selection.user)
        return add_coding(self.session, document, code, selection.start, selection.end, coder)

    def write_sources(self) -> None:
        for source in self.project.sources:
            document, created = add_document(
                self.session, source.text, _meta(source, self.session), who=self.who
            )
            self.documents[source.guid] = document
            self.counts.documents_added += created
            self.counts.documents_matched += not created
            for selection in source.selections:
                made = []
                for item in selection.codings:
                    coding = add_coding(
                        self.session,
                        document,
                        self.codes[item.code],
                        selection.start,
                        selection.end,
                        self.person(item.user),
                    )
                    made.append(coding)
                    for note in item.notes:
                        self.memo(note, document, coding)
                noted = [n for n in selection.notes if n in self.project.notes]
                if not made and (noted or selection.description):
                    made.append(self.annotation(document, selection))
                target = made[0] if made else None
                for note in selection.notes:
                    self.memo(note, document, target)
                if selection.description:
                    first = selection.codings[0].user if selection.codings else selection.user
                    self.memo(None, document, target, selection.description, self.person(first))
            for note in source.notes:
                self.memo(note, document)
            if source.description:
                self.memo(None, document, None, source.description, self.who)

    def write_project_memos(self) -> None:
        for note in self.project.project_notes:
            self.memo(note)
        if self.project.description:
            self.memo(None, text=self.project.description, author=self.who)
        for note in list(self.project.notes):  # notes nothing pointed at are kept, unattached
            self.memo(note)

    def write_sets(self, sets: list[SetRec], label: str) -> None:
        """Each set as a memo on each member (refi_memos): our model has no groups."""
        missing = others = 0
        for item in sets:
            for member in item.codes:
                code = self.codes.get(member)
                if code is None:
                    missing += 1
                    continue
                text = set_memo(CODE_SET, item.name, item.description)
                self.memo(None, None, None, text, self.who, code, True)
            for member in item.sources:
                document = self.documents.get(member)
                if document is None:
                    missing += 1
                    continue
                text = set_memo(DOCUMENT_SET, item.name, item.description)
                self.memo(None, document, None, text, self.who, None, True)
            others += item.others
        if missing:
            self.counts.warnings.append(
                f"{label}: {missing} set members name no imported code or text source; not kept"
            )
        if others:
            self.counts.warnings.append(f"{label}: {others} set members are notes; not kept")


def _check_refs(project: ProjectRec, label: str) -> None:
    known = {c.guid for c in project.codes}
    for source in project.sources:
        for selection in source.selections:
            for coding in selection.codings:
                if coding.code not in known:
                    project.errors.append(
                        CellError(label, None, "CodeRef", coding.code, "the GUID of a Code")
                    )
    if project.errors:
        raise InputError(project.errors)


def import_qdpx(engine: Engine, path: Path | str, who: str = "cli") -> RefiCounts:
    """Import a REFI-QDA project: documents, codes, codings and memos, in one transaction."""
    path = Path(path)
    require_schema(engine)
    archive, entries = open_archive(path)
    with archive:
        qde = entries.get("project.qde") or next(
            (i for n, i in entries.items() if n.endswith(".qde") and "/" not in n), None
        )
        if qde is None:
            raise refuse(path.name, "holds no project.qde", "project.qde at the archive root")
        label = f"{path.name}:{qde.filename}"
        data, warnings = strip_bom(read_entry(archive, qde, label), label)
        root = parse_xml(data, label)
        normalise_namespace(root, PROJECT_NS, "Project", label)
        warnings += tolerate(root, PROJECT_NS, PROJECT_XSD, label)
        project = ProjectReader(path.name, archive, entries).read(root)
    _check_refs(project, label)
    counts = RefiCounts(skipped=project.skipped, warnings=warnings + project.warnings)
    with session_scope(engine) as session:
        writer = _Writer(session, project, who, counts)
        writer.write_codes(project.codes)
        before = _count(session, Coding)
        writer.write_sources()
        writer.write_project_memos()
        writer.write_sets(project.sets, label)
        session.flush()
        counts.codings_added = _count(session, Coding) - before
        _audit(session, who, path, counts)
    return counts


def import_qdc(engine: Engine, path: Path | str, who: str = "cli") -> RefiCounts:
    """Import a REFI-QDA codebook: codes with their hierarchy, colours and descriptions."""
    path = Path(path)
    require_schema(engine)
    if not path.exists():
        raise NotFoundError(f"no file {path}")
    if path.stat().st_size > MAX_TOTAL_BYTES:
        raise refuse(path.name, "is larger than 500 MB", "a codebook of reasonable size")
    data, warnings = strip_bom(path.read_bytes(), path.name)
    root = parse_xml(data, path.name)
    normalise_namespace(root, CODEBOOK_NS, "CodeBook", path.name)
    warnings += tolerate(root, CODEBOOK_NS, CODEBOOK_XSD, path.name)
    project = ProjectRec(
        {}, read_codes(root.find(qn(CODEBOOK_NS, "Codes")), CODEBOOK_NS), [], {}, [], None
    )
    counts = RefiCounts(warnings=warnings)
    with session_scope(engine) as session:
        writer = _Writer(session, project, who, counts)
        writer.write_codes(project.codes)
        writer.write_sets(read_sets(root, CODEBOOK_NS), path.name)
        _audit(session, who, path, counts)
    return counts


def _audit(session: Session, who: str, path: Path, counts: RefiCounts) -> None:
    after = {k: v for k, v in vars(counts).items() if k != "warnings"}
    session.add(
        AuditEntry(
            actor=who,
            action="import",
            entity="refi-qda",
            entity_key=path.name[:200],
            before=None,
            after=after,
        )
    )
