"""The corpus as the pages and the API show it: documents, codes, codings cut into pieces.

The coding screen marks every coding in the text. Codings overlap (two coders, or one span
with two codes), and HTML elements cannot, so the text is cut at every start and end of a
coding: each piece is covered by the same set of codings from end to end, and is shown once,
listing all of them. Offsets are code points of ``Document.text`` throughout; the browser
converts its UTF-16 selection to code points before it posts (static/coding.js).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from lowpolitics.analysis.options import SMALL_N
from lowpolitics.analysis.reliability import reliability
from lowpolitics.framework.codebook import Codebook
from lowpolitics.store.corpus import AUTO_PREFIX, framework_codes
from lowpolitics.store.corpus_edit import FRAMEWORK_PARENTS, coding_versions
from lowpolitics.store.models import Code, Coding, Document, Memo

FRAMEWORK_SECTIONS = ("mechanisms", "context_kinds", "frames")
# Okabe–Ito, safe for colour-blind readers; codes without a colour get one by their name
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#666666")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
SHOWN_DISAGREEMENTS = 50
STRIPE = 3  # px, the height of one code's stripe under the text


def code_colour(name: str, colour: str | None) -> str:
    """The code's own colour when it is a plain #RRGGBB (it lands in a style attribute)."""
    if colour and _HEX.fullmatch(colour):
        return colour
    return PALETTE[zlib.crc32(name.encode("utf-8")) % len(PALETTE)]


def ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour`` (#RRGGBB)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#fff"


def code_section(codebook: Codebook, name: str) -> str | None:
    for section in FRAMEWORK_SECTIONS:
        if name in (entry.code for entry in getattr(codebook, section)):
            return section
    return None


def code_label(codebook: Codebook, code: Code, lang: str) -> str:
    """Codebook codes in the reader's language; user codes by their name."""
    section = code_section(codebook, code.name) if code.origin == "codebook" else None
    return codebook.label(section, code.name, lang) if section else code.name


@dataclass(frozen=True)
class CodeChoice:
    id: int
    name: str
    label: str
    colour: str
    origin: str
    section: str | None  # mechanisms | context_kinds | frames for codebook codes

    @property
    def ink(self) -> str:
        return ink(self.colour)


def code_choices(session: Session, codebook: Codebook, lang: str) -> list[CodeChoice]:
    """Every code one can pick: the codebook's (in its order, created on first use), then the
    user codes by name. The two grouping codes are not offered."""
    framework_codes(session, codebook)
    codes = {c.name: c for c in session.scalars(select(Code))}
    order = [e.code for section in FRAMEWORK_SECTIONS for e in getattr(codebook, section)]
    chosen = [codes[name] for name in order if name in codes]
    others = (c for c in codes.values() if c.name not in order and c.name not in FRAMEWORK_PARENTS)
    chosen += sorted(others, key=lambda c: c.name.casefold())
    return [
        CodeChoice(
            c.id,
            c.name,
            code_label(codebook, c, lang),
            code_colour(c.name, c.colour),
            c.origin,
            code_section(codebook, c.name),
        )
        for c in chosen
    ]


# --- codings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodingView:
    id: int
    code: str
    label: str
    colour: str
    start: int
    end: int
    text: str
    coder: str
    automatic: bool
    confidence: float | None
    version: int
    created_at: datetime | None
    memos: tuple[str, ...] = ()

    @property
    def ink(self) -> str:
        return ink(self.colour)


def coding_views(
    session: Session,
    codebook: Codebook,
    document: Document,
    lang: str,
    visible: ColumnElement[bool] | None = None,
) -> list[CodingView]:
    """The document's codings in text order, with code labels, colours and memos; only
    those matching ``visible`` when given (blind coding: ``store.blind.visible_clause``)."""
    query = (
        select(Coding, Code)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.document_id == document.id)
        .order_by(Coding.start, Coding.end, Coding.id)
    )
    if visible is not None:
        query = query.where(visible)
    rows = list(session.execute(query))
    ids = [coding.id for coding, _ in rows]
    versions = coding_versions(session, ids)
    memos: dict[int, list[str]] = {}
    if ids:
        for memo in session.scalars(select(Memo).where(Memo.coding_id.in_(ids)).order_by(Memo.id)):
            memos.setdefault(memo.coding_id, []).append(f"{memo.author}: {memo.text}")
    return [
        CodingView(
            id=coding.id,
            code=code.name,
            label=code_label(codebook, code, lang),
            colour=code_colour(code.name, code.colour),
            start=coding.start,
            end=coding.end,
            text=document.text[coding.start : coding.end],
            coder=coding.coder,
            automatic=coding.automatic or coding.coder.startswith(AUTO_PREFIX),
            confidence=coding.confidence,
            version=versions[coding.id],
            created_at=coding.created_at,
            memos=tuple(memos.get(coding.id, ())),
        )
        for coding, code in rows
    ]


def coding_json(session: Session, coding: Coding, version: int | None = None) -> dict[str, Any]:
    document = session.get(Document, coding.document_id)
    code = session.get(Code, coding.code_id)
    if version is None:
        version = coding_versions(session, [coding.id])[coding.id]
    return {
        "id": coding.id,
        "document_id": coding.document_id,
        "document": document.key,
        "code": code.name,
        "start": coding.start,
        "end": coding.end,
        "text": document.text[coding.start : coding.end],
        "coder": coding.coder,
        "automatic": bool(coding.automatic),
        "confidence": coding.confidence,
        "created_at": coding.created_at.isoformat() if coding.created_at else None,
        "version": version,
    }


@dataclass(frozen=True)
class Piece:
    """A stretch of text covered by the same codings (innermost first) from end to end."""

    start: int
    end: int
    text: str
    covers: tuple[CodingView, ...]
    focus: bool = False
    focus_first: bool = False
    lanes: tuple[int, ...] = ()  # each covering coding's stripe lane, 0 lowest

    @property
    def automatic(self) -> bool:
        return bool(self.covers) and all(c.automatic for c in self.covers)

    @property
    def stripes(self) -> list[tuple[str, str, bool, int]]:
        """One stripe per code covering the piece: (colour, label, dashed, lane), from the
        lowest lane up; dashed when only programs gave that code here. A coding keeps its lane
        along the text (``split_pieces``), so a stripe does not jump between pieces."""
        found: dict[str, tuple[str, str, bool, int]] = {}
        lanes = self.lanes or tuple(range(len(self.covers)))
        for c, lane in zip(self.covers, lanes, strict=True):
            colour, label, dashed, low = found.get(c.code, (c.colour, c.label, True, lane))
            found[c.code] = (colour, label, dashed and c.automatic, min(low, lane))
        return sorted(found.values(), key=lambda stripe: stripe[3])

    @property
    def style(self) -> str:
        """The stripes stacked under the text, a band of STRIPE px per lane (background
        layers: an inline element cannot hold block children, and its text must stay whole
        for the browser's offsets)."""
        stripes = self.stripes
        if not stripes:
            return ""
        layers = []
        for colour, _, dashed, lane in stripes:
            image = (
                f"repeating-linear-gradient(90deg, {colour} 0 5px, transparent 5px 8px)"
                if dashed
                else f"linear-gradient({colour}, {colour})"
            )
            layers.append(f"{image} 0 calc(100% - {STRIPE * lane}px) / 100% {STRIPE}px no-repeat")
        depth = STRIPE * (stripes[-1][3] + 1)
        style = f"background: {', '.join(layers)}; padding-bottom: {depth}px"
        if self.focus:
            style += "; outline: 2px solid #0b5fa5"
        return style

    @property
    def colours(self) -> str:
        return " ".join(stripe[0] for stripe in self.stripes)

    @property
    def title(self) -> str:
        return "; ".join(f"{c.label} ({c.coder})" for c in self.covers)


def _lanes(codings: list[CodingView]) -> dict[int, int]:
    """coding id → the lowest stripe lane free where it starts (longest first at a start):
    overlapping codings get different lanes, and each keeps its lane from start to end."""
    ends: list[int] = []  # where each lane is free again
    found: dict[int, int] = {}
    for c in sorted(codings, key=lambda c: (c.start, -c.end, c.id)):
        lane = next((k for k, end in enumerate(ends) if end <= c.start), len(ends))
        if lane == len(ends):
            ends.append(c.end)
        else:
            ends[lane] = c.end
        found[c.id] = lane
    return found


def split_pieces(
    text: str, codings: list[CodingView], focus: tuple[int, int] | None = None
) -> list[Piece]:
    """Cut ``text`` at every coding boundary (and the focus span's); see the module docstring.

    The pieces' texts, joined, give ``text`` back exactly — the browser's offsets rely on it.
    """
    n = len(text)

    def clamp(value: int) -> int:
        return max(0, min(value, n))

    spans = [c for c in codings if clamp(c.start) < clamp(c.end)]
    points = {0, n}
    for c in spans:
        points.update((clamp(c.start), clamp(c.end)))
    if focus:
        focus = (clamp(focus[0]), clamp(focus[1]))
        points.update(focus)
    bounds = sorted(points)
    order = sorted(spans, key=lambda c: (c.start, c.end, c.id))
    lane_of = _lanes(spans)
    pieces: list[Piece] = []
    active: list[CodingView] = []
    i = 0
    seen_focus = False
    for a, b in zip(bounds, bounds[1:], strict=False):
        while i < len(order) and order[i].start <= a:
            active.append(order[i])
            i += 1
        active = [c for c in active if c.end > a]
        covers = tuple(sorted(active, key=lambda c: (c.end - c.start, c.start, c.id)))
        in_focus = bool(focus) and focus[0] <= a and b <= focus[1] and focus[0] < focus[1]
        lanes = tuple(lane_of[c.id] for c in covers)
        first = in_focus and not seen_focus
        pieces.append(Piece(a, b, text[a:b], covers, in_focus, first, lanes))
        seen_focus = seen_focus or in_focus
    return pieces


def parse_focus(value: str | None) -> tuple[int, int] | None:
    """``"12-30"`` → (12, 30); anything else → None (a bad link shows the plain text)."""
    match = re.fullmatch(r"(\d{1,9})-(\d{1,9})", value or "")
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start < end else None


# --- documents --------------------------------------------------------------------------------


def document_json(
    document: Document, counts: tuple[int, int] = (0, 0), *, with_text: bool = False
) -> dict[str, Any]:
    data = {
        "id": document.id,
        "key": document.key,
        "title": document.title,
        "language": document.language,
        "published_on": document.published_on.isoformat() if document.published_on else None,
        "outlet": document.outlet,
        "country": document.country_code,
        "genre": document.genre,
        "url": document.url,
        "filename": document.filename,
        "version": document.version,
        "codings_people": counts[0],
        "codings_automatic": counts[1],
    }
    if with_text:
        data["text"] = document.text
        data["length"] = len(document.text)
    return data


# --- agreement --------------------------------------------------------------------------------


def agreement(session: Session, coder_a: str, coder_b: str, unit: str) -> dict[str, Any]:
    """``analysis.reliability`` for two coders, with the warnings the CLI prints and a plain
    small-sample warning: agreement on a handful of units says little."""
    result = reliability(session, [coder_a, coder_b], unit=unit)
    n_units = result["overall"]["n_units"]
    result["small_sample_threshold"] = SMALL_N
    if 0 < n_units < SMALL_N:
        result["warnings"].insert(
            0,
            f"only {n_units} units were coded by both coders (fewer than {SMALL_N}): "
            "these figures can change a lot with one more unit",
        )
    for stats in (result["overall"], *result["by_code"].values()):
        stats["small_sample"] = stats["n_units"] < SMALL_N
    return result
