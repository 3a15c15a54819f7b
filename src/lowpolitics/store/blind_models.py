"""Tables of blind coding: the team's coding settings and who marked which document done.

Two coders who see each other's codings before they code are not independent, and agreement
between them then measures little. With blind coding on, a coder sees only their own codings
of a document until they mark it done (``coding_done``); the comparison comes after.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from lowpolitics.store.models import Base


class CodingSetting(Base):
    """One setting of the coding team (there is one team per instance), e.g. ``blind``."""

    __tablename__ = "coding_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CodingDone(Base):
    """``coder`` finished coding ``document``: from now on they see everyone's codings of it."""

    __tablename__ = "coding_done"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    coder: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
