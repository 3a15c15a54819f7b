"""Reading a REFI-QDA project into plain records, before anything touches the database.

Separate from writing so that every bad selection of a file can be collected and reported at
once, and nothing is written for a file with any error. The positions of other clients' source
files are mapped onto our stored form (NFC, LF) here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex
from lxml import etree

from lowpolitics.exchange.refi_export import PROJECT_NS
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


@dataclass
class SourceRec:
    guid: str
    name: str
    text: str
    selections: list[SelectionRec]
    notes: list[str]
    description: str | None
    variables: dict[str, str]


def gid(value: str | None) -> str | None:
    return value.strip().strip("{}").upper() if value else None


def qn(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def kids(element: etree._Element, ns: str, tag: str) -> list[etree._Element]:
    return element.findall(qn(ns, tag))


def child_text(element: etree._Element, ns: str, tag: str) -> str | None:
    child = element.find(qn(ns, tag))
    return child.text if child is not None and child.text else None


def hex_colour(value: str | None) -> str | None:
    if not value:
        return None
    digits = value.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper() if len(digits) == 6 else None


def read_codes(holder: etree._Element | None, ns: str, parent: str | None = None) -> list[CodeRec]:
    found: list[CodeRec] = []
    if holder is None:
        return found
    for element in kids(holder, ns, "Code"):
        code_id = gid(element.get("guid")) or ""
        name = (element.get("name") or "").strip() or f"code {code_id[:8]}"
        found.append(
            CodeRec(
                code_id,
                name,
                hex_colour(element.get("color")),
                child_text(element, ns, "Description"),
                parent,
                [gid(r.get("targetGUID")) for r in kids(element, ns, "NoteRef")],
            )
        )
        found.extend(read_codes(element, ns, code_id))
    return found


def clean_with_map(raw: str) -> tuple[str, list[int] | None]:
    """NFC/LF text and, unless they are equal, where each raw code-point offset lands in it."""
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
        return raw, None
    step, lf_map, i = [], [], 0
    while i < len(raw):
        lf_map.append(len(step))
        if raw[i] == "\r" and raw[i + 1 : i + 2] == "\n":
            lf_map.append(len(step) + 1)
            i += 1
        step.append("\n" if raw[i] in "\r\n" else raw[i])
        i += 1
    lf_map.append(len(step))
    lf_text = "".join(step)
    parts, nfc_map = [], []
    size = 0
    for cluster in regex.findall(r"\X", lf_text):
        nfc_map.extend([size] * len(cluster))
        composed = unicodedata.normalize("NFC", cluster)
        parts.append(composed)
        size += len(composed)
    nfc_map.append(size)
    clean = "".join(parts)
    if clean != unicodedata.normalize("NFC", lf_text):
        raise ValueError("NFC does not compose cluster by cluster")
    return clean, [nfc_map[p] for p in lf_map]


@dataclass
class ProjectRec:
    users: dict[str, str]
    codes: list[CodeRec]
    sources: list[SourceRec]
    notes: dict[str, tuple[str, str | None]]
    project_notes: list[str]
    default_user: str | None
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0


class ProjectReader:
    """Turns a validated project.qde (and its archive) into plain records."""

    def __init__(self, label: str, archive, entries) -> None:
        self.label, self.archive, self.entries = label, archive, entries

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
                return data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise refuse(label, f"'{path}' is not UTF-8 ({exc})", "UTF-8 text") from exc
        return child_text(element, PROJECT_NS, "PlainTextContent")

    def read(self, root: etree._Element) -> ProjectRec:
        ns = PROJECT_NS
        users_el = root.find(qn(ns, "Users"))
        users = {
            gid(u.get("guid")): (u.get("name") or "").strip()
            for u in (kids(users_el, ns, "User") if users_el is not None else [])
        }
        book = root.find(qn(ns, "CodeBook"))
        codes = read_codes(book.find(qn(ns, "Codes")) if book is not None else None, ns)
        notes: dict[str, tuple[str, str | None]] = {}
        notes_el = root.find(qn(ns, "Notes"))
        for note in kids(notes_el, ns, "Note") if notes_el is not None else []:
            text = self.source_text(note, self.label) or ""
            notes[gid(note.get("guid"))] = (text, gid(note.get("creatingUser")))
        project = ProjectRec(
            users=users,
            codes=codes,
            sources=[],
            notes=notes,
            project_notes=[gid(r.get("targetGUID")) for r in kids(root, ns, "NoteRef")],
            default_user=gid(root.get("creatingUserGUID")),
        )
        variables = {
            gid(v.get("guid")): v.get("name") or ""
            for v in root.iterfind(f"{qn(ns, 'Variables')}/{qn(ns, 'Variable')}")
        }
        case_values: dict[str, dict[str, str]] = {}
        for case in root.iterfind(f"{qn(ns, 'Cases')}/{qn(ns, 'Case')}"):
            refs = kids(case, ns, "SourceRef")
            if len(refs) == 1:
                values = self.values(case, variables)
                if case.get("name"):
                    values["key"] = case.get("name")
                case_values[gid(refs[0].get("targetGUID"))] = values
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
        selections = []
        for sel in kids(text_el, ns, "PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            if not 0 <= start <= end <= len(raw):
                project.errors.append(
                    CellError(
                        label,
                        sel.sourceline,
                        "selection",
                        f"{start}-{end}",
                        f"0 ≤ start ≤ end ≤ {len(raw)} (code points)",
                    )
                )
                continue
            if mapping is not None:
                start, end = mapping[start], mapping[end]
            if start == end:
                project.skipped += 1
                project.warnings.append(f"{label}: empty selection at {start} skipped")
                continue
            sel_user = gid(sel.get("creatingUser"))
            codings = [
                CodingRec(
                    gid(c.find(qn(ns, "CodeRef")).get("targetGUID")),
                    gid(c.get("creatingUser")) or sel_user,
                    [gid(r.get("targetGUID")) for r in kids(c, ns, "NoteRef")],
                )
                for c in kids(sel, ns, "Coding")
            ]
            selections.append(
                SelectionRec(
                    start,
                    end,
                    codings,
                    [gid(r.get("targetGUID")) for r in kids(sel, ns, "NoteRef")],
                    child_text(sel, ns, "Description"),
                )
            )
        if kids(text_el, ns, "Coding") and text:
            project.warnings.append(f"{label}: whole-source codings imported over the full text")
            selections.append(
                SelectionRec(
                    0,
                    len(text),
                    [
                        CodingRec(
                            gid(c.find(qn(ns, "CodeRef")).get("targetGUID")),
                            gid(c.get("creatingUser")),
                            [],
                        )
                        for c in kids(text_el, ns, "Coding")
                    ],
                    [],
                    None,
                )
            )
        refs = [gid(r.get("targetGUID")) for r in kids(element, ns, "NoteRef")]
        return SourceRec(
            guid=gid(element.get("guid")),
            name=name,
            text=text,
            selections=[s for s in selections if s.end <= len(text)],
            notes=refs,
            description=child_text(element, ns, "Description"),
            variables=self.values(element, variables),
        )
