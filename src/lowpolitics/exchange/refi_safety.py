"""Reading untrusted REFI-QDA files safely: zip entries, sizes, XML and the schema check.

A ``.qdpx`` comes from another tool or another person, so it is hostile until proven
otherwise: entries must stay inside the archive (no zip-slip), the archive must not expand to
more than 500 MB nor any entry by more than 100:1 (zip bombs), the XML must carry no DTD or
entity declaration (billion laughs, external entities) and must validate against the REFI-QDA
XSD. Every refusal is an :class:`InputError` naming the file, never a traceback.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

from lowpolitics.framework.errors import CellError, ConfigError, InputError, NotFoundError

MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100
RATIO_MIN_BYTES = 4096  # smaller entries cannot be bombs; tiny files compress oddly
_DRIVE = re.compile(r"^[A-Za-z]:")


def refuse(file: str, message: str, expected: str, value: str | None = None) -> InputError:
    return InputError([CellError(file, None, None, value, expected)], message=f"{file}: {message}")


def entry_problem(name: str) -> str | None:
    """Why a zip entry name is unsafe (absolute, drive letter, escapes the root), or None."""
    clean = name.replace("\\", "/")
    if "\x00" in clean:
        return "contains a NUL character"
    if clean.startswith("/") or _DRIVE.match(clean):
        return "is an absolute path"
    if ".." in clean.split("/") or posixpath.normpath(clean).startswith(".."):
        return "escapes the archive root"
    return None


def open_archive(path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The archive and its entries by lower-cased name, after every entry has been checked."""
    if not path.exists():
        raise NotFoundError(f"no file {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse(path.name, f"not a zip archive ({exc})", "a .qdpx (zip) file") from exc
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    try:
        for info in archive.infolist():
            problem = entry_problem(info.filename)
            if problem:
                raise refuse(
                    path.name,
                    f"entry '{info.filename}' {problem}; refusing the archive",
                    "entries inside the archive",
                    info.filename,
                )
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise refuse(
                    path.name,
                    f"expands to more than {MAX_TOTAL_BYTES // 2**20} MB; refusing the archive",
                    f"at most {MAX_TOTAL_BYTES // 2**20} MB uncompressed",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
                raise refuse(
                    path.name,
                    f"entry '{info.filename}' expands {ratio:.0f}:1 (a zip bomb?); "
                    "refusing the archive",
                    f"compression ratio at most {MAX_RATIO}:1",
                    info.filename,
                )
            if not info.is_dir():
                entries[info.filename.replace("\\", "/").lower()] = info
    except InputError:
        archive.close()
        raise
    return archive, entries


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    """An entry's bytes, never more than it declared (headers can lie)."""
    chunks, size = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 20):
                size += len(chunk)
                if size > info.file_size or size > MAX_TOTAL_BYTES:
                    raise refuse(label, "is larger than its zip header says", "a consistent zip")
                chunks.append(chunk)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
        raise refuse(label, f"cannot be read ({exc})", "a readable zip entry") from exc
    return b"".join(chunks)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _has_declarations(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return True
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data


def parse_xml(data: bytes, label: str) -> etree._Element:
    """Parse untrusted XML; DTDs and entity declarations are refused before parsing."""
    if _has_declarations(data):
        raise refuse(
            label,
            "declares a DOCTYPE or ENTITY (entity expansion and external entities are refused)",
            "XML without a DOCTYPE",
        )
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise InputError(
            [CellError(label, line, None, None, "well-formed XML")],
            message=f"{label}: not well-formed XML: {exc.msg}",
        ) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise refuse(label, "declares a DOCTYPE", "XML without a DOCTYPE")
    return tree.getroot()


@cache
def load_schema(path: Path) -> etree.XMLSchema:
    if not path.exists():
        raise ConfigError(f"REFI-QDA schema {path} is missing from the installation")
    return etree.XMLSchema(etree.parse(str(path)))


def normalise_namespace(root: etree._Element, ns: str, local: str, label: str) -> None:
    """Accept other versions of the REFI namespace (``…:0:4``) and none, as QualCoder does."""
    qname = etree.QName(root)
    if qname.localname != local:
        raise refuse(
            label, f"has root element <{qname.localname}>", f"root <{local}> in namespace {ns}"
        )
    if qname.namespace == ns:
        return
    family = ns.rsplit(":", 2)[0] + ":"
    if qname.namespace is not None and not qname.namespace.startswith(family):
        raise refuse(
            label,
            f"uses namespace '{qname.namespace}'",
            f"namespace {ns}",
            qname.namespace,
        )
    old = qname.namespace
    for element in root.iter(etree.Element):
        q = etree.QName(element)
        if q.namespace == old:
            element.tag = f"{{{ns}}}{q.localname}"
    etree.cleanup_namespaces(root)


def validate(root: etree._Element, xsd: Path, label: str) -> None:
    """Schema-check before anything is written; the first errors name the file and line."""
    schema = load_schema(xsd)
    if schema.validate(root):
        return
    errors = list(schema.error_log)[:10]
    first = errors[0]
    cells = [
        CellError(label, e.line or None, None, e.message, f"valid REFI-QDA ({xsd.name})")
        for e in errors
    ]
    raise InputError(
        cells,
        message=f"{label} does not match the REFI-QDA schema {xsd.name}: "
        f"line {first.line}: {first.message}",
    )
