"""Reading a REFI-QDA project into plain records, before anything touches the database.

Separate from writing so that every bad selection of a file can be collected and reported at
once, and nothing is written for a file with any error. Here, too, the clients' different
habits are brought to one reading:

* the coder of a coding is ``PlainTextSelection@creatingUser``, else ``Coding@creatingUser``
  (QualCoder reads it so; NVivo writes the two differently);
* a memo is read from ``NoteRef``/``Notes`` and from ``<Description>``, the copy of the one in
  the other taken off (:func:`refi_memos.strip_description`);
* notes on a span — a ``NoteRef`` on a selection, an NVivo ``Link`` from a note to a
  selection, a QualCoder note holding its own ``PlainTextSelection`` — stay on that span;
* positions are mapped onto our stored text (NFC, LF), CRLF conventions decided per file
  (:mod:`refi_positions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from lowpolitics.exchange.refi_export import PROJECT_NS
from lowpolitics.exchange.refi_memos import strip_description
from lowpolitics.exchange.refi_positions import RawSpan, choose_reading, clean_with_map
from lowpolitics.exchange.refi_safety import read_entry, refuse
from lowpolitics.framework.errors import CellError


@dataclass
class CodeRec:
    guid: str
    name: str
    colour: str | None
    definition: str | None
    parent: str | None
    notes: list[str] = field(default_factory=list)
    codable: bool = True


@dataclass
class CodingRec:
    code: str
    user: str | None
    notes: list[str]


@dataclass
class SelectionRec:
    start: int
    end: int
    codings: list[CodingRec]
    notes: list[str]
    description: str | None
    user: str | None = None  # who made the selection: the coder of an annotation


@dataclass
class SourceRec:
    guid: str
    name: str
    text: str
    selections: list[SelectionRec]
    notes: list[str]
    description: str | None
    variables: dict[str, str]


@dataclass
class NoteRec:
    text: str
    user: str | None
    spans: list[RawSpan] = field(default_factory=list)  # QualCoder: the annotated span


@dataclass
class SetRec:
    name: str
    description: str | None
    codes: list[str]
    sources: list[str]
    others: int = 0  # members we cannot keep (notes)


def gid(value: str | None) -> str | None:
    return value.strip().strip("{}").upper() if value else None


def qn(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def kids(element: etree._Element, ns: str, tag: str) -> list[etree._Element]:
    return element.findall(qn(ns, tag))


def child_text(element: etree._Element, ns: str, tag: str) -> str | None:
    child = element.find(qn(ns, tag))
    return child.text if child is not None and child.text else None


def refs(element: etree._Element, ns: str = PROJECT_NS, tag: str = "NoteRef") -> list[str]:
    return [g for r in kids(element, ns, tag) if (g := gid(r.get("targetGUID")))]


def hex_colour(value: str | None) -> str | None:
    if not value:
        return None
    digits = value.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper() if len(digits) == 6 else None


def read_codes(
    holder: etree._Element | None,
    ns: str,
    parent: str | None = None,
    notes: dict[str, NoteRec] | None = None,
) -> list[CodeRec]:
    """The code tree, depth first; a Description repeating the code's notes is taken off."""
    found: list[CodeRec] = []
    if holder is None:
        return found
    notes = notes or {}
    for element in kids(holder, ns, "Code"):
        code_id = gid(element.get("guid")) or ""
        name = (element.get("name") or "").strip() or f"code {code_id[:8]}"
        note_ids = refs(element, ns)
        texts = [notes[n].text for n in note_ids if n in notes]
        found.append(
            CodeRec(
                code_id,
                name,
                hex_colour(element.get("color")),
                strip_description(child_text(element, ns, "Description"), texts),
                parent,
                note_ids,
                codable=(element.get("isCodable") or "true").strip() not in ("false", "0"),
            )
        )
        found.extend(read_codes(element, ns, code_id, notes))
    return found


def read_sets(root: etree._Element, ns: str) -> list[SetRec]:
    """Code and document groups; ``MemberCode`` names its code by ``targetGUID`` in a
    project and by ``guid`` in a codebook."""
    found = []
    for element in root.iterfind(f"{qn(ns, 'Sets')}/{qn(ns, 'Set')}"):
        codes = [gid(m.get("targetGUID") or m.get("guid")) for m in kids(element, ns, "MemberCode")]
        found.append(
            SetRec(
                (element.get("name") or "").strip() or f"set {gid(element.get('guid'))[:8]}",
                child_text(element, ns, "Description"),
                [c for c in codes if c],
                refs(element, ns, "MemberSource"),
                len(kids(element, ns, "MemberNote")),
            )
        )
    return found


@dataclass
class ProjectRec:
    users: dict[str, str]
    codes: list[CodeRec]
    sources: list[SourceRec]
    notes: dict[str, NoteRec]
    project_notes: list[str]
    default_user: str | None
    description: str | None = None
    sets: list[SetRec] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0


class ProjectReader:
    """Turns a validated project.qde (and its archive) into plain records."""

    def __init__(self, label: str, archive, entries) -> None:
        self.label, self.archive, self.entries = label, archive, entries
        self.links: dict[str, list[str]] = {}
        self.stray: list[str] = []  # span notes no source names (see find_stray_span_notes)

    def internal_file(self, path: str | None) -> bytes | None:
        if not path:
            return None
        if not path.lower().startswith("internal://"):
            return None
        name = path[len("internal://") :].replace("\\", "/").lstrip("/")
        for key in (f"sources/{name}".lower(), name.lower()):
            info = self.entries.get(key)
            if info is not None:
                return read_entry(self.archive, info, f"{self.label}:{info.filename}")
        raise refuse(self.label, f"source file '{path}' is not in the archive", "sources/<file>")

    def source_text(self, element: etree._Element, label: str) -> str | None:
        path = element.get("plainTextPath")
        data = self.internal_file(path)
        if data is not None:
            try:
                return data.decode("utf-8-sig")  # QualCoder writes a byte-order mark
            except UnicodeDecodeError as exc:
                raise refuse(label, f"'{path}' is not UTF-8 ({exc})", "UTF-8 text") from exc
        return child_text(element, PROJECT_NS, "PlainTextContent")

    def read_notes(self, root: etree._Element) -> dict[str, NoteRec]:
        ns, notes = PROJECT_NS, {}
        for note in root.iterfind(f"{qn(ns, 'Notes')}/{qn(ns, 'Note')}"):
            text = self.source_text(note, self.label) or child_text(note, ns, "Description") or ""
            spans = [
                RawSpan(int(s.get("startPosition")), int(s.get("endPosition")), None, s.sourceline)
                for s in kids(note, ns, "PlainTextSelection")
            ]
            user = gid(note.get("creatingUser")) or gid(note.get("modifyingUser"))
            notes[gid(note.get("guid"))] = NoteRec(text, user, spans)
        return notes

    def read_links(self, root: etree._Element, notes: dict[str, NoteRec]) -> None:
        """NVivo ties an annotation to its selection by a ``Link`` from the note."""
        for link in root.iterfind(f"{qn(PROJECT_NS, 'Links')}/{qn(PROJECT_NS, 'Link')}"):
            ends = gid(link.get("originGUID")), gid(link.get("targetGUID"))
            for note, other in (ends, ends[::-1]):
                if note in notes and other and other not in notes:
                    self.links.setdefault(other, []).append(note)

    def read(self, root: etree._Element) -> ProjectRec:
        ns = PROJECT_NS
        users_el = root.find(qn(ns, "Users"))
        users = {
            gid(u.get("guid")): (u.get("name") or "").strip()
            for u in (kids(users_el, ns, "User") if users_el is not None else [])
        }
        notes = self.read_notes(root)
        self.read_links(root, notes)
        book = root.find(qn(ns, "CodeBook"))
        codes = read_codes(
            book.find(qn(ns, "Codes")) if book is not None else None, ns, None, notes
        )
        project_notes = refs(root)
        project = ProjectRec(
            users=users,
            codes=codes,
            sources=[],
            notes=notes,
            project_notes=project_notes,
            default_user=gid(root.get("creatingUserGUID")),
            description=strip_description(
                child_text(root, ns, "Description"),
                [notes[n].text for n in project_notes if n in notes],
            ),
            sets=read_sets(root, ns),
        )
        variables = {
            gid(v.get("guid")): v.get("name") or ""
            for v in root.iterfind(f"{qn(ns, 'Variables')}/{qn(ns, 'Variable')}")
        }
        case_values: dict[str, dict[str, str]] = {}
        for case in root.iterfind(f"{qn(ns, 'Cases')}/{qn(ns, 'Case')}"):
            source_refs = kids(case, ns, "SourceRef")
            if len(source_refs) == 1:
                values = self.values(case, variables)
                if case.get("name"):
                    values["key"] = case.get("name")
                case_values[gid(source_refs[0].get("targetGUID"))] = values
        self.find_stray_span_notes(root, project)
        sources_el = root.find(qn(ns, "Sources"))
        for element in list(sources_el) if sources_el is not None else []:
            kind = etree.QName(element).localname
            text_el = element
            if kind == "PDFSource":
                text_el = element.find(qn(ns, "Representation"))
            name = element.get("name") or element.get("guid") or "source"
            if kind not in ("TextSource", "PDFSource") or text_el is None:
                project.skipped += 1
                project.warnings.append(f"{kind} '{name}' skipped: only text can be imported")
                continue
            source = self.source(element, text_el, name, variables, project)
            if source is not None:
                source.variables = {**case_values.get(source.guid, {}), **source.variables}
                project.sources.append(source)
        return project

    def values(self, element: etree._Element, variables: dict[str, str]) -> dict[str, str]:
        found = {}
        for value in kids(element, PROJECT_NS, "VariableValue"):
            ref = value.find(qn(PROJECT_NS, "VariableRef"))
            name = variables.get(gid(ref.get("targetGUID")) if ref is not None else None, "")
            content = [child.text for child in value if child is not ref and child.text]
            if name and content:
                found[name.strip().lower()] = content[0].strip()
        return found

    def source(self, element, text_el, name, variables, project) -> SourceRec | None:
        ns = PROJECT_NS
        label = f"{self.label}: source '{name}'"
        raw = self.source_text(text_el, label)
        if raw is None:
            project.skipped += 1
            path = text_el.get("plainTextPath") or text_el.get("richTextPath") or "no path"
            project.warnings.append(f"source '{name}' skipped: text not in the archive ({path})")
            return None
        try:
            text, mapping = clean_with_map(raw)
        except ValueError as exc:
            raise refuse(label, f"positions cannot be mapped ({exc})", "NFC-mappable text") from exc
        if not text.strip():
            # NVivo for Mac writes a one-newline plainText for a source whose document is
            # empty; stored, every such source would be "the same document" as the first
            project.skipped += 1
            project.warnings.append(f"source '{name}' skipped: its text is empty")
            return None
        elements = kids(text_el, ns, "PlainTextSelection")
        spans = [
            RawSpan(
                int(s.get("startPosition")), int(s.get("endPosition")), s.get("name"), s.sourceline
            )
            for s in elements
        ]
        own = refs(element) + (refs(text_el) if text_el is not element else [])
        note_ids = list(dict.fromkeys(own + self.stray))
        span_notes = [
            (n, s) for n in note_ids if n in project.notes for s in project.notes[n].spans
        ]
        reading = choose_reading(raw, text, mapping, spans + [s for _, s in span_notes], label)
        if reading.warning:
            project.warnings.append(reading.warning)
        selections = []
        for sel, span in zip(elements, spans, strict=True):
            placed = self.place(span, reading, label, project)
            if placed is None:
                continue
            sel_user = gid(sel.get("creatingUser"))
            codings = [
                CodingRec(
                    gid(c.find(qn(ns, "CodeRef")).get("targetGUID")),
                    sel_user or gid(c.get("creatingUser")),
                    refs(c),
                )
                for c in kids(sel, ns, "Coding")
            ]
            sel_notes = list(dict.fromkeys(refs(sel) + self.links.get(gid(sel.get("guid")), [])))
            texts = [
                project.notes[n].text
                for n in sel_notes + [n for c in codings for n in c.notes]
                if n in project.notes
            ]
            selections.append(
                SelectionRec(
                    *placed,
                    codings,
                    sel_notes,
                    strip_description(child_text(sel, ns, "Description"), texts),
                    sel_user or (codings[0].user if codings else None),
                )
            )
        for note_id, span in span_notes:  # QualCoder: the note carries its own selection
            placed = self.place(span, reading, label, project)
            if placed is not None:
                note = project.notes[note_id]
                selections.append(SelectionRec(*placed, [], [note_id], None, note.user))
        spanned = {n for n, _ in span_notes}
        if kids(text_el, ns, "Coding") and text:
            project.warnings.append(f"{label}: whole-source codings imported over the full text")
            whole = [
                CodingRec(
                    gid(c.find(qn(ns, "CodeRef")).get("targetGUID")), gid(c.get("creatingUser")), []
                )
                for c in kids(text_el, ns, "Coding")
            ]
            selections.append(SelectionRec(0, len(text), whole, [], None))
        doc_notes = [n for n in note_ids if n not in spanned]
        return SourceRec(
            guid=gid(element.get("guid")),
            name=name,
            text=text,
            selections=[s for s in selections if s.end <= len(text)],
            notes=doc_notes,
            description=strip_description(
                child_text(element, ns, "Description"),
                [project.notes[n].text for n in doc_notes if n in project.notes],
            ),
            variables=self.values(element, variables),
        )

    def place(
        self, span: RawSpan, reading, label: str, project: ProjectRec
    ) -> tuple[int, int] | None:
        """The stored offsets of one selection, or None (an error or a warning recorded)."""
        if not 0 <= span.start <= span.end <= reading.limit:
            project.errors.append(
                CellError(
                    label,
                    span.line,
                    "selection",
                    f"{span.start}-{span.end}",
                    f"0 ≤ start ≤ end ≤ {reading.limit} (code points)",
                )
            )
            return None
        start, end = span.start, span.end
        if reading.mapping is not None:
            start, end = reading.mapping[start], reading.mapping[end]
        if start == end:
            project.skipped += 1
            project.warnings.append(f"{label}: empty selection at {start} skipped")
            return None
        return start, end

    def find_stray_span_notes(self, root: etree._Element, project: ProjectRec) -> None:
        """QualCoder references only the first annotation of each file from its source; the
        others hold positions but name no source. With one text source they are its
        annotations; with several they are kept unattached, and a warning says so."""
        ns = PROJECT_NS
        named = {gid(r.get("targetGUID")) for r in root.iter(qn(ns, "NoteRef"))}
        named |= {n for found in self.links.values() for n in found}
        stray = [n for n, note in project.notes.items() if note.spans and n not in named]
        if not stray:
            return
        texts = root.findall(f"{qn(ns, 'Sources')}/{qn(ns, 'TextSource')}")
        texts += root.findall(f"{qn(ns, 'Sources')}/{qn(ns, 'PDFSource')}")
        if len(texts) == 1:
            self.stray = stray
            where = f"placed on the only text source '{texts[0].get('name') or 'source'}'"
        else:
            where = "kept as unattached memos"
        project.warnings.append(
            f"{self.label}: {len(stray)} notes hold a text selection but name no source; {where}"
        )
