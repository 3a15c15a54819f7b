"""REFI-QDA export: the corpus as a ``.qdpx`` project and the code tree as a ``.qdc`` codebook.

These are the files QualCoder, MAXQDA, ATLAS.ti and NVivo read, so an analyst can finish the
work in the tool they know (REFI-QDA 1.5; see docs/qda.md). Choices:

* GUIDs are ``uuid5`` of a fixed namespace and the record's identity (document hash, code
  name, coding tuple, user name, memo id), never random: re-exporting gives the same GUIDs,
  so a partner tool can tell "same code" from "new code".
* One ``PlainTextSelection`` per coding (with exactly one ``Coding``), so a coding memo hangs
  on its own selection and round-trips to the right coding.
* One ``Case`` per document, named by the document key, holding the metadata as
  ``VariableValue``s (outlet, country, language, date, genre, url) and a ``SourceRef``.
  Per-document cases keep every value exact; grouping by outlet is a query in the partner tool.
* Memos are ``Notes/Note`` with inline ``PlainTextContent``; a document memo is a ``NoteRef``
  on its ``TextSource``, a coding memo a ``NoteRef`` on the coding's selection, a code memo a
  ``NoteRef`` on its ``Code`` (the ``.qdc`` schema has no notes). The same memos are written
  again as the element's ``<Description>`` (after a code's definition), because QualCoder
  reads memos only from there; our import takes the copy off again (refi_memos).
* A memo attached to nothing is a journal-style ``Note`` — named, its text in
  ``sources/<guid>.txt`` through ``plainTextPath`` — with a ``NoteRef`` on the project: the
  form QualCoder imports as a journal and MAXQDA and ATLAS.ti as a project memo.
* Set and category memos (refi_memos) become ``<Sets>`` (``MemberCode``, ``MemberSource``)
  and ``isCodable="false"`` (only for a code nobody has coded), besides staying notes.
* Source texts are written as stored (NFC, LF, UTF-8 without BOM) to ``sources/<guid>.txt``;
  positions are code points, end exclusive — exactly our offsets.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.exchange.refi_memos import (
    CATEGORY_MEMO,
    CODE_SET,
    DOCUMENT_SET,
    is_structural,
    join_description,
    parse_set_memo,
)
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.models import Code, Coding, Document, Memo

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_XSD_URL = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).parent / "data" / "refi-qda"
PROJECT_XSD = SCHEMA_DIR / "Project-mrt2019.xsd"
CODEBOOK_XSD = SCHEMA_DIR / "Codebook-mrt2019.xsd"
ORIGIN = "lowpolitics"

# Fixed forever: changing it changes every GUID we have ever exported.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://lowpolitics.org/refi-qda/1")
# Document metadata exported as case variables: (variable name, Document attribute, type).
VARIABLES = (
    ("outlet", "outlet", "Text"),
    ("country", "country_code", "Text"),
    ("language", "language", "Text"),
    ("date", "published_on", "Date"),
    ("genre", "genre", "Text"),
    ("url", "url", "Text"),
)
# Codes without a colour get one from this colour-blind-safe set (stable per code name).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_HEX = re.compile(r"#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")


def guid(kind: str, *identity: object) -> str:
    """The stable, upper-case GUID of a record of ``kind`` with this identity."""
    name = "\x1f".join([kind, *(str(part) for part in identity)])
    return str(uuid.uuid5(GUID_NAMESPACE, name)).upper()


def user_guid(name: str) -> str:
    return guid("user", name)


def code_guid(name: str) -> str:
    return guid("code", name)


def source_guid(content_hash: str) -> str:
    return guid("source", content_hash)


def coding_identity(document: Document, code: Code, coding: Coding) -> tuple:
    return (document.content_hash, code.name, coding.start, coding.end, coding.coder)


def refi_colour(colour: str | None, name: str) -> str:
    """``#RRGGBB`` as the schema wants it: alpha dropped, short form expanded, else a default."""
    match = _HEX.fullmatch((colour or "").strip())
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits[:6].upper()
    return PALETTE[uuid.uuid5(GUID_NAMESPACE, name).int % len(PALETTE)]


def xs_datetime(value: datetime | None) -> str:
    """``xs:dateTime`` in UTC; SQLite hands back naive datetimes that are UTC already."""
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: etree._Element, ns: str, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v})


def _code_tree(codes: list[Code]) -> tuple[list[Code], dict[int, list[Code]]]:
    """Roots and children by parent id; codes with a missing parent (or in a cycle) are roots."""
    by_id = {c.id: c for c in codes}
    children: dict[int, list[Code]] = defaultdict(list)
    roots = []
    for code in codes:
        if code.parent_id is not None and code.parent_id in by_id:
            children[code.parent_id].append(code)
        else:
            roots.append(code)
    reached: set[int] = set()
    stack = list(roots)
    while stack:
        code = stack.pop()
        reached.add(code.id)
        stack.extend(children[code.id])
    roots.extend(c for c in codes if c.id not in reached)  # cycles: cut them at one code
    return roots, children


@dataclass
class CodeMemos:
    """What a code's memos add to its element: NoteRefs (projects only), the memo texts for
    its Description (projects only), and the codes written as categories."""

    note_refs: dict[int, list[str]] = field(default_factory=dict)
    texts: dict[int, list[str]] = field(default_factory=dict)
    categories: set[int] = field(default_factory=set)


def _add_codes(parent: etree._Element, ns: str, codes: list[Code], memos: CodeMemos) -> None:
    roots, children = _code_tree(codes)
    seen: set[int] = set()
    note_refs = memos.note_refs

    def add(into: etree._Element, code: Code) -> None:
        seen.add(code.id)
        element = _sub(
            into,
            ns,
            "Code",
            guid=code_guid(code.name),
            name=code.name,
            isCodable="false" if code.id in memos.categories else "true",
            color=refi_colour(code.colour, code.name),
        )
        description = join_description(code.definition, memos.texts.get(code.id, []))
        if description:
            _sub(element, ns, "Description").text = description
        for note_id in note_refs.get(code.id, []):
            _sub(element, ns, "NoteRef", targetGUID=note_id)
        for child in children[code.id]:
            if child.id not in seen:
                add(element, child)

    for root in roots:
        if root.id not in seen:
            add(parent, root)


def _codebook_element(parent: etree._Element, ns: str, codes: list[Code], memos: CodeMemos) -> None:
    """``Codes`` with the hierarchy as nesting; code memos as ``NoteRef`` (projects only)."""
    holder = _sub(parent, ns, "Codes")
    _add_codes(holder, ns, codes, memos)


def _categories(session: Session) -> set[int]:
    """Codes whose category memo says they only group others, and that nobody has coded."""
    marked = set(session.scalars(select(Memo.code_id).where(Memo.text == CATEGORY_MEMO)))
    coded = set(session.scalars(select(Coding.code_id).distinct()))
    return {c for c in marked if c is not None} - coded


def _sets(memos: list[Memo], codes: dict[int, Code], documents: dict[int, Document]) -> list:
    """``(name, description, code GUIDs, source GUIDs)`` of every set the memos record."""
    found: dict[str, tuple[list[str | None], list[str], list[str]]] = {}
    for memo in memos:
        parsed = parse_set_memo(memo.text)
        if parsed is None:
            continue
        prefix, name, description = parsed
        described, members, sources = found.setdefault(name, ([None], [], []))
        described[0] = described[0] or description
        if prefix == CODE_SET and memo.code_id in codes:
            members.append(code_guid(codes[memo.code_id].name))
        elif prefix == DOCUMENT_SET and memo.document_id in documents and memo.coding_id is None:
            sources.append(source_guid(documents[memo.document_id].content_hash))
    return [
        (name, d[0], list(dict.fromkeys(m)), list(dict.fromkeys(s)))
        for name, (d, m, s) in sorted(found.items())
        if m or s
    ]


def _add_sets(root: etree._Element, sets: list, ns: str = PROJECT_NS, ref: str = "targetGUID"):
    """``<Sets>``; a codebook's ``MemberCode`` names its code by ``guid``, a project's by
    ``targetGUID`` (the two schemas differ)."""
    if not sets:
        return
    holder = _sub(root, ns, "Sets")
    for name, description, members, sources in sets:
        element = _sub(holder, ns, "Set", guid=guid("set", name), name=name)
        if description:
            _sub(element, ns, "Description").text = description
        for target in members:
            _sub(element, ns, "MemberCode", **{ref: target})
        for target in sources:
            _sub(element, ns, "MemberSource", targetGUID=target)


def _write_xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _all_codes(session: Session) -> list[Code]:
    return list(session.scalars(select(Code).order_by(Code.id)))


def _check_target(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name")
    if not path.parent.exists():
        raise ConfigError(f"folder {path.parent} does not exist")
    return path


def export_qdc(session: Session, path: Path | str) -> dict[str, int]:
    """Write the code tree as a REFI-QDA codebook (``.qdc``). Returns ``{"codes": n}``."""
    path = _check_target(Path(path))
    codes = _all_codes(session)
    if not codes:
        raise ConfigError("the database has no codes to export (the codebook needs one)")
    root = etree.Element(
        f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS}
    )
    _codebook_element(root, CODEBOOK_NS, codes, CodeMemos(categories=_categories(session)))
    code_by_id = {c.id: c for c in codes}
    memos = list(session.scalars(select(Memo).where(Memo.code_id.is_not(None)).order_by(Memo.id)))
    sets = [(n, d, m, []) for n, d, m, _s in _sets(memos, code_by_id, {}) if m]
    _add_sets(root, sets, CODEBOOK_NS, "guid")
    path.write_bytes(_write_xml(root))
    return {"codes": len(codes)}


def _variable_value(parent: etree._Element, name: str, vtype: str, value: object) -> None:
    element = _sub(parent, PROJECT_NS, "VariableValue")
    _sub(element, PROJECT_NS, "VariableRef", targetGUID=guid("variable", name))
    tag = "DateValue" if vtype == "Date" else "TextValue"
    _sub(element, PROJECT_NS, tag).text = (
        value.isoformat() if hasattr(value, "isoformat") else str(value)
    )


def _note(notes: etree._Element, memo: Memo, files: dict[str, str] | None = None) -> str:
    """A Note for ``memo``; with ``files``, journal-style: its text in ``sources/<guid>.txt``."""
    note_id = guid("memo", memo.id)
    note = _sub(
        notes,
        PROJECT_NS,
        "Note",
        guid=note_id,
        name=f"memo {memo.id} by {memo.author}",
        plainTextPath=f"internal://{note_id}.txt" if files is not None else None,
        creatingUser=user_guid(memo.author),
        creationDateTime=xs_datetime(memo.created_at),
    )
    if files is None:
        _sub(note, PROJECT_NS, "PlainTextContent").text = memo.text
    else:
        files[f"{note_id}.txt"] = memo.text
    return note_id


def _texts(memos: list[Memo]) -> list[str]:
    """The memos a Description repeats: the analysts' notes, not set or category markers."""
    return [m.text for m in memos if not is_structural(m.text)]


def build_project(session: Session, name: str = "lowpolitics") -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` bytes and the files for ``sources/`` (``guid.txt`` → text): every
    document's text and every journal note's."""
    documents = list(session.scalars(select(Document).order_by(Document.id)))
    codes = _all_codes(session)
    code_by_id = {c.id: c for c in codes}
    all_codings = list(
        session.scalars(select(Coding).order_by(Coding.document_id, Coding.start, Coding.id))
    )
    memos = list(session.scalars(select(Memo).order_by(Memo.id)))
    by_document: dict[int, list[Coding]] = defaultdict(list)
    for coding in all_codings:
        by_document[coding.document_id].append(coding)
    memos_by_doc: dict[int, list[Memo]] = defaultdict(list)
    memos_by_coding: dict[int, list[Memo]] = defaultdict(list)
    memos_by_code: dict[int, list[Memo]] = defaultdict(list)
    project_memos: list[Memo] = []
    for memo in memos:
        if memo.coding_id is not None:
            memos_by_coding[memo.coding_id].append(memo)
        elif memo.code_id is not None:
            memos_by_code[memo.code_id].append(memo)
        elif memo.document_id is not None:
            memos_by_doc[memo.document_id].append(memo)
        else:
            project_memos.append(memo)

    stamps = [d.created_at for d in documents if d.created_at] + [
        c.created_at for c in all_codings if c.created_at
    ]
    attrs = {"name": name, "origin": ORIGIN}
    if stamps:
        attrs["creationDateTime"] = xs_datetime(min(_utc(s) for s in stamps))
        attrs["modifiedDateTime"] = xs_datetime(max(_utc(s) for s in stamps))
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{PROJECT_NS} {PROJECT_XSD_URL}")
    for key, value in attrs.items():
        root.set(key, value)

    people = sorted({c.coder for c in all_codings} | {m.author for m in memos})
    if people:
        users = _sub(root, PROJECT_NS, "Users")
        for person in people:
            _sub(users, PROJECT_NS, "User", guid=user_guid(person), name=person)
    notes = etree.Element(f"{{{PROJECT_NS}}}Notes")
    if codes:
        code_memos = CodeMemos(
            {c: [_note(notes, memo) for memo in found] for c, found in memos_by_code.items()},
            {c: _texts(found) for c, found in memos_by_code.items()},
            _categories(session),
        )
        _codebook_element(_sub(root, PROJECT_NS, "CodeBook"), PROJECT_NS, codes, code_memos)
    files: dict[str, str] = {}
    if documents:
        variables = _sub(root, PROJECT_NS, "Variables")
        for var_name, _attr, vtype in VARIABLES:
            _sub(
                variables,
                PROJECT_NS,
                "Variable",
                guid=guid("variable", var_name),
                name=var_name,
                typeOfVariable=vtype,
            )
        cases = _sub(root, PROJECT_NS, "Cases")
        for doc in documents:
            case = _sub(
                cases, PROJECT_NS, "Case", guid=guid("case", doc.content_hash), name=doc.key
            )
            if doc.title:
                _sub(case, PROJECT_NS, "Description").text = doc.title
            for var_name, attr, vtype in VARIABLES:
                value = getattr(doc, attr)
                if value not in (None, ""):
                    _variable_value(case, var_name, vtype, value)
            _sub(case, PROJECT_NS, "SourceRef", targetGUID=source_guid(doc.content_hash))
    if documents:
        sources = _sub(root, PROJECT_NS, "Sources")
        for doc in documents:
            sid = source_guid(doc.content_hash)
            files[f"{sid}.txt"] = doc.text
            source = _sub(
                sources,
                PROJECT_NS,
                "TextSource",
                guid=sid,
                name=doc.title or doc.key,
                plainTextPath=f"internal://{sid}.txt",
                creationDateTime=xs_datetime(doc.created_at),
            )
            description = join_description(None, _texts(memos_by_doc[doc.id]))
            if description:
                _sub(source, PROJECT_NS, "Description").text = description
            for coding in by_document[doc.id]:
                code = code_by_id[coding.code_id]
                identity = coding_identity(doc, code, coding)
                user = user_guid(coding.coder)
                stamp = xs_datetime(coding.created_at)
                selection = _sub(
                    source,
                    PROJECT_NS,
                    "PlainTextSelection",
                    guid=guid("selection", *identity),
                    name=doc.text[coding.start : coding.end][:80],
                    startPosition=str(coding.start),
                    endPosition=str(coding.end),
                    creatingUser=user,
                    creationDateTime=stamp,
                )
                description = join_description(None, _texts(memos_by_coding[coding.id]))
                if description:
                    _sub(selection, PROJECT_NS, "Description").text = description
                element = _sub(
                    selection,
                    PROJECT_NS,
                    "Coding",
                    guid=guid("coding", *identity),
                    creatingUser=user,
                    creationDateTime=stamp,
                )
                _sub(element, PROJECT_NS, "CodeRef", targetGUID=code_guid(code.name))
                for memo in memos_by_coding[coding.id]:
                    _sub(selection, PROJECT_NS, "NoteRef", targetGUID=_note(notes, memo))
            for memo in memos_by_doc[doc.id]:
                _sub(source, PROJECT_NS, "NoteRef", targetGUID=_note(notes, memo))
    project_refs = [_note(notes, memo, files) for memo in project_memos]
    if len(notes):
        root.append(notes)
    by_code_id = {c.id: c for c in codes}
    _add_sets(root, _sets(memos, by_code_id, {d.id: d for d in documents}))
    for note_id in project_refs:
        _sub(root, PROJECT_NS, "NoteRef", targetGUID=note_id)
    return _write_xml(root), files


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def export_qdpx(session: Session, path: Path | str) -> dict[str, int]:
    """Write the whole corpus as a REFI-QDA project (``.qdpx``). Returns what it holds."""
    path = _check_target(Path(path))
    project, files = build_project(session, name=path.stem or "lowpolitics")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("project.qde", project)] + [
            (f"sources/{file}", text.encode("utf-8")) for file, text in sorted(files.items())
        ]:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return {
        "documents": len(session.scalars(select(Document.id)).all()),
        "codes": len(session.scalars(select(Code.id)).all()),
        "codings": len(session.scalars(select(Coding.id)).all()),
        "memos": len(session.scalars(select(Memo.id)).all()),
    }
