"""Real producers' deviations from the REFI-QDA schema, accepted with a warning.

Strict validation refused files every real client writes: Taguette's empty ``<Sets/>``, a
byte-order mark before the XML declaration (QualCoder), vendor extension elements and
attributes in the producer's own namespace (ATLAS.ti), code groups inside ``<CodeBook>``.
None of these carries anything we would misread, so they are removed or repaired here, each
kind listed in one warning with its lines, and the result must then validate. Anything else
the schema rejects is still refused as before (:func:`refi_safety.validate`), and nothing
here runs before the hostile-content checks: DTDs and entities are refused by
:func:`refi_safety.parse_xml` first, archive entries by :func:`refi_safety.open_archive`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from lowpolitics.exchange.refi_safety import load_schema, validate

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
BOM = b"\xef\xbb\xbf"
# Containers the schema wants non-empty; empty ones say nothing and are dropped.
CONTAINERS = {"Users", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs"}
# Attributes whose bad value loses nothing we read (dates, colours are optional).
DROPPABLE = {"creationDateTime", "modifiedDateTime", "color"}
# User references written empty: QualCoder writes creatingUser="" on a journal whose owner
# coded nothing (its export lists only coders as users). An empty reference names nobody, so
# dropping it loses nothing; the author falls back as for a missing attribute.
USER_REFS = {"creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID"}
ROUNDS = 3


def strip_bom(data: bytes, label: str) -> tuple[bytes, list[str]]:
    """The XML without a leading UTF-8 byte-order mark (or blank lines before the declaration)."""
    if not data.startswith(BOM):
        return data, []
    return data.lstrip(BOM).lstrip(), [f"{label}: byte-order mark at the start ignored"]


class _Notes:
    """What was repaired, by kind, with the lines — one warning per kind."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: dict[str, list[int]] = defaultdict(list)

    def add(self, what: str, line: int | None) -> None:
        self.lines[what].append(line or 0)

    def warnings(self) -> list[str]:
        found = []
        for what, lines in self.lines.items():
            shown = sorted({n for n in lines if n})
            where = ", ".join(map(str, shown[:8])) + (" …" if len(shown) > 8 else "")
            count = f"{len(lines)}× " if len(lines) > 1 else ""
            found.append(f"{self.label}: {count}{what}" + (f" (line {where})" if where else ""))
        return found


def _foreign(root: etree._Element, ns: str, notes: _Notes) -> None:
    """Drop elements and attributes in other namespaces (vendor extensions)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace != ns:
            parent = element.getparent()
            if parent is not None and etree.QName(parent).namespace == ns:  # outermost only
                notes.add(
                    f"vendor element <{qname.localname}> ({qname.namespace}) dropped",
                    element.sourceline,
                )
                parent.remove(element)
            continue
        for name in list(element.attrib):
            attr = etree.QName(name)
            if attr.namespace and attr.namespace != XSI_NS:
                notes.add(
                    f"vendor attribute {attr.localname} ({attr.namespace}) dropped",
                    element.sourceline,
                )
                del element.attrib[name]


def _misplaced_sets(root: etree._Element, ns: str, notes: _Notes) -> None:
    """Code groups written inside ``<CodeBook>`` moved to the project's ``<Sets>``."""
    book = root.find(f"{{{ns}}}CodeBook")
    inner = book.find(f"{{{ns}}}Sets") if book is not None else None
    if inner is None or etree.QName(root).localname != "Project":
        return
    notes.add("<Sets> inside <CodeBook> read as the project's sets", inner.sourceline)
    book.remove(inner)
    target = root.find(f"{{{ns}}}Sets")
    if target is None:
        after = [root.find(f"{{{ns}}}{tag}") for tag in ("Graphs", "Description", "NoteRef")]
        after = [e for e in after if e is not None]
        if after:
            after[0].addprevious(inner)
        else:
            root.append(inner)
        return
    for child in list(inner):
        target.append(child)


def _empty(root: etree._Element, ns: str, notes: _Notes) -> None:
    for element in list(root):
        local = etree.QName(element).localname
        if local in CONTAINERS and len(element) == 0 and not (element.text or "").strip():
            notes.add(f"empty <{local}/> ignored", element.sourceline)
            root.remove(element)
    book = root.find(f"{{{ns}}}CodeBook")
    codes = book.find(f"{{{ns}}}Codes") if book is not None else None
    if (
        etree.QName(root).localname == "Project"
        and book is not None
        and (codes is None or len(codes) == 0)
    ):
        notes.add("empty <CodeBook> ignored", book.sourceline)
        root.remove(book)


def _repair(root: etree._Element, errors: list, notes: _Notes) -> bool:
    """Fix the errors known to be harmless; False if any other error remains."""
    names = {k: v for k, v in root.nsmap.items() if k}
    fixable = True
    dropped: set[tuple[etree._Element, str]] = set()
    for error in errors:
        try:
            found = root.getroottree().xpath(error.path, namespaces=names)
        except etree.XPathError:
            found = []
        element = found[0] if found and isinstance(found[0], etree._Element) else None
        message = error.message
        local = etree.QName(element).localname if element is not None else "?"
        if element is None:
            fixable = False
        elif error.type_name == "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1" and "attribute '" in message:
            name = message.split("attribute '", 1)[1].split("'", 1)[0]
            if name in element.attrib and not etree.QName(name).namespace:
                notes.add(
                    f"attribute {name}, which the schema does not define, dropped",
                    element.sourceline,
                )
                del element.attrib[name]
            else:
                fixable = False
        elif (
            error.type_name == "SCHEMAV_CVC_COMPLEX_TYPE_4"
            and local == "Code"
            and "isCodable" in message
        ):
            notes.add("missing isCodable read as true (the standard's default)", element.sourceline)
            element.set("isCodable", "true")
        elif error.type_name != "SCHEMAV_CVC_COMPLEX_TYPE_4" and "attribute '" in message:
            name = message.split("attribute '", 1)[1].split("'", 1)[0]
            if (element, name) in dropped:
                continue  # one bad value can fail a pattern and a type at once
            if name in DROPPABLE and name in element.attrib:
                notes.add(f"invalid {name} value dropped", element.sourceline)
                del element.attrib[name]
                dropped.add((element, name))
            elif name in USER_REFS and not element.get(name, "x").strip():
                notes.add(
                    f"empty {name} dropped (the author is taken as for a missing one)",
                    element.sourceline,
                )
                del element.attrib[name]
                dropped.add((element, name))
            else:
                fixable = False
        else:
            fixable = False
    return fixable


def tolerate(root: etree._Element, ns: str, xsd: Path, label: str) -> list[str]:
    """Repair known harmless deviations, then validate strictly; the warnings say what."""
    notes = _Notes(label)
    _foreign(root, ns, notes)
    _misplaced_sets(root, ns, notes)
    _empty(root, ns, notes)
    schema = load_schema(xsd)
    for _ in range(ROUNDS):
        if schema.validate(root):
            break
        if not _repair(root, list(schema.error_log), notes):
            break
    validate(root, xsd, label)  # refuses, naming file and line, whatever is left
    return notes.warnings()
