"""Tables of the discourse side: the outlets that speak and the coded index of real texts.

An outlet's country decides which side a text speaks for. A coded text is a real article or
statement read by a named coder: its address, metadata, frame, mentions of the other side and
stem counts — never its sentences, which cannot be shipped (the full texts a team holds are
``documents`` and are read by the text pipeline instead).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lowpolitics.store.models import Base, Timestamped, Versioned


class Outlet(Versioned, Timestamped, Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(5))  # KG | TJ | third
    ownership: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[str | None] = mapped_column(String(100))  # "ru;ky"
    domain: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)


class CodedText(Versioned, Timestamped, Base):
    __tablename__ = "coded_texts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    side: Mapped[str] = mapped_column(String(5))  # the outlet's country: KG | TJ | third
    genre: Mapped[str] = mapped_column(String(40))
    published_on: Mapped[date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(10))
    frame: Mapped[str] = mapped_column(String(40))
    frame_evidence: Mapped[str | None] = mapped_column(Text)
    mentions: Mapped[list] = mapped_column(JSON, default=list)  # [[side, kind, name, frame]]
    topic: Mapped[str | None] = mapped_column(String(500))
    coder: Mapped[str] = mapped_column(String(200))
    read_chars: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    stems: Mapped[dict] = mapped_column(JSON, default=dict)  # {stem: count}, in `language`
    content_hash: Mapped[str] = mapped_column(String(64))


class DocumentReading(Base):
    """What the discourse analysis reads in a document, read once when the document is stored
    (a document's text never changes: codings point into it). ``reader`` names the lexicon
    and vocabulary version the reading was made with; a stale reading is read again in memory."""

    __tablename__ = "document_readings"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    reader: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(10))
    frame: Mapped[str] = mapped_column(String(40))
    mentions: Mapped[list] = mapped_column(JSON, default=list)  # [[side, kind, name, frame]]
    stems: Mapped[dict] = mapped_column(JSON, default=dict)
