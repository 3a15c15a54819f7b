"""What the discourse analysis counts: one unit per text that speaks about the other side.

A unit is either a row of the coded index (a real text read by a named coder: its frame and
mentions as coded, its stem counts as shipped) or a document held in the store (its frame from
a person's frame coding where there is one, else from the text pipeline's lexicon; its mentions
and stems read from the text). Both become the same :class:`DiscourseUnit`, so every figure runs
on either, and a team that imports the full texts gets the figures from the pipeline.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.text.other_side import the_pair

CODED = "coded_index"
DOCUMENT = "document"


@dataclass(frozen=True)
class UnitMention:
    side: str  # the country named
    kind: str
    name: str
    frame: str


@dataclass(frozen=True)
class DiscourseUnit:
    key: str
    side: str  # the outlet's country: one of the pair, or "third"
    day: date
    frame: str
    language: str | None = None
    outlet: str | None = None
    genre: str | None = None
    mentions: tuple[UnitMention, ...] = ()
    stems: Mapping[str, int] = field(default_factory=dict)
    origin: str = CODED
    url: str | None = None
    frame_basis: str = "coder"  # coder | lexicon
    document_id: int | None = None

    def mentions_of_other(self) -> tuple[UnitMention, ...]:
        """The mentions naming the country other than the speaker's (both, for a third side)."""
        pair = the_pair()
        if self.side not in pair:
            return self.mentions
        return tuple(m for m in self.mentions if m.side != self.side)


@dataclass(frozen=True)
class UnitFilter:
    """Which units a figure counts: by genre, outlet, language and origin (None = all)."""

    genres: tuple[str, ...] | None = None
    outlets: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    origins: tuple[str, ...] | None = None

    def keep(self, unit: DiscourseUnit) -> bool:
        return (
            (self.genres is None or unit.genre in self.genres)
            and (self.outlets is None or unit.outlet in self.outlets)
            and (self.languages is None or unit.language in self.languages)
            and (self.origins is None or unit.origin in self.origins)
        )

    def apply(self, units: Iterable[DiscourseUnit]) -> list[DiscourseUnit]:
        return [u for u in units if self.keep(u)]


def _coded_units(session: Session) -> list[DiscourseUnit]:
    from lowpolitics.store.discourse_models import CodedText, Outlet

    outlets = dict(session.execute(select(Outlet.id, Outlet.key)).all())
    units = []
    for text in session.scalars(select(CodedText).order_by(CodedText.key)):
        mentions = text.mentions if isinstance(text.mentions, list) else json.loads(text.mentions)
        units.append(
            DiscourseUnit(
                key=text.key,
                side=text.side,
                day=text.published_on,
                frame=text.frame,
                language=text.language,
                outlet=outlets.get(text.outlet_id),
                genre=text.genre,
                mentions=tuple(UnitMention(*m) for m in mentions),
                stems=dict(text.stems or {}),
                origin=CODED,
                url=text.url,
            )
        )
    return units


def stem_counts(text: str, lang: str) -> dict[str, int]:
    """Stem frequencies of a text (numbers dropped) — what keyness compares."""
    from lowpolitics.text.discourse_reading import stem_counts as counts

    return counts(text, lang)


def _document_units(session: Session, frame_codes: Iterable[str]) -> list[DiscourseUnit]:
    """Documents with a date and a speaking country, read by the pipeline.

    The reading made when the document was stored is used as it is; a document stored before
    readings existed, or read by an older lexicon, is read again here (in memory only: the
    analysis never writes)."""
    from lowpolitics.store.discourse_models import DocumentReading, Outlet
    from lowpolitics.store.models import Code, Coding, Document
    from lowpolitics.text.discourse_reading import read_document, reader_version
    from lowpolitics.text.langid import identify
    from lowpolitics.text.lexicon import default_coder

    frames = set(frame_codes)
    countries = dict(session.execute(select(Outlet.key, Outlet.country)).all())
    by_name = {k.lower(): k for k in countries} | {
        n.lower(): k for k, n in session.execute(select(Outlet.key, Outlet.name)).all()
    }
    # a person's frame coding decides; machine codings (auto:…) never do
    coded: dict[int, Counter] = {}
    rows = session.execute(
        select(Coding.document_id, Code.name)
        .join(Code, Code.id == Coding.code_id)
        .where(Code.name.in_(frames), ~Coding.coder.startswith("auto:"))
    )
    for document_id, code in rows:
        coded.setdefault(document_id, Counter())[code] += 1
    current = reader_version()
    coder = None
    units = []
    documents = session.execute(
        select(Document, DocumentReading)
        .outerjoin(DocumentReading, DocumentReading.document_id == Document.id)
        .where(Document.published_on.is_not(None))
    )
    for doc, stored in documents:
        outlet = by_name.get((doc.outlet or "").strip().lower())
        side = (doc.country_code or "").upper() or countries.get(outlet or "", "")
        if side not in the_pair():
            side = "third" if side or outlet else ""
        if not side:
            continue  # who speaks is unknown: it cannot stand for a side
        if stored is not None and stored.reader == current:
            lang, lexicon_frame = stored.language, stored.frame
            mentions, stems = [tuple(m) for m in stored.mentions], stored.stems
        else:
            coder = coder or default_coder()
            lang = doc.language or identify(doc.text[:2000]).lang
            reading = read_document(doc.text, lang, coder)
            lexicon_frame, mentions, stems = reading.frame, reading.mentions, reading.stems
        if doc.id in coded:
            frame, basis = coded[doc.id].most_common(1)[0][0], "coder"
        else:
            frame, basis = lexicon_frame, "lexicon"
        unit = DiscourseUnit(
            key=doc.key,
            side=side,
            day=doc.published_on,
            frame=frame,
            language=lang,
            outlet=outlet or doc.outlet,
            genre=doc.genre,
            mentions=tuple(UnitMention(*m) for m in mentions),
            stems=dict(stems),
            origin=DOCUMENT,
            url=doc.url,
            frame_basis=basis,
            document_id=doc.id,
        )
        if unit.mentions_of_other():
            units.append(unit)  # a text that never names the other side says nothing about it
    return units


def load_units(session: Session, frame_codes: Iterable[str]) -> list[DiscourseUnit]:
    """Every unit in the store: the coded index, then documents that speak about the other."""
    return _coded_units(session) + _document_units(session, frame_codes)
