"""Blind coding: who may see whose codings, and the marks that end the blindness.

While blind coding is on, a coder sees, of a document, only their own codings until they mark
the document done; then, for the comparison, the codings of each other coder who marked it
done too. Those who oversee the coding (the web
app passes ``sees_all`` for editors and admins) always see everything. A coder who marked a
document done may not change their codings of it any more — the comparison would otherwise
feed back into the coding it measures — until an editor reopens it for them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import ConflictError
from lowpolitics.store.audit import record_change
from lowpolitics.store.blind_models import CodingDone, CodingSetting
from lowpolitics.store.corpus import AUTO_PREFIX
from lowpolitics.store.models import Coding, Document, Memo

BLIND = "blind"


def blind_coding(session: Session) -> bool:
    """Is blind coding on? Off until someone turns it on."""
    setting = session.get(CodingSetting, BLIND)
    return bool(setting and setting.value)


def set_blind_coding(session: Session, on: bool, who: str) -> None:
    """Turn blind coding on or off (audited)."""
    setting = session.get(CodingSetting, BLIND)
    before = bool(setting and setting.value)
    if setting is None:
        setting = CodingSetting(name=BLIND, value=on, changed_by=who)
        session.add(setting)
    else:
        setting.value, setting.changed_by = on, who
    session.flush()
    if before != on:
        record_change(
            session, who, "update", "coding_setting", BLIND, {"blind": before}, {"blind": on}
        )


def done_coders(session: Session, document_id: int) -> list[str]:
    """Who marked the document done, by name."""
    query = select(CodingDone.coder).where(CodingDone.document_id == document_id)
    return sorted(session.scalars(query), key=str.casefold)


def is_done(session: Session, document_id: int, coder: str) -> bool:
    return session.get(CodingDone, (document_id, coder)) is not None


def mark_done(session: Session, document: Document, coder: str) -> bool:
    """``coder`` finished ``document``; False when they had marked it already."""
    if is_done(session, document.id, coder):
        return False
    try:  # two requests marking the same document at once: the second finds it marked
        with session.begin_nested():
            session.add(CodingDone(document_id=document.id, coder=coder))
    except IntegrityError:
        return False
    after = {"document": document.key, "coder": coder}
    record_change(session, coder, "create", "coding_done", f"{document.key}:{coder}", None, after)
    return True


def reopen(session: Session, document: Document, coder: str, who: str) -> bool:
    """Take back ``coder``'s done mark on ``document``; False when there was none."""
    if not is_done(session, document.id, coder):
        return False
    session.execute(
        delete(CodingDone).where(CodingDone.document_id == document.id, CodingDone.coder == coder)
    )
    before = {"document": document.key, "coder": coder}
    record_change(session, who, "delete", "coding_done", f"{document.key}:{coder}", before, None)
    return True


def check_open(session: Session, document_id: int, coder: str) -> None:
    """Refuse a change to ``coder``'s codings of a document they marked done (blind only)."""
    if blind_coding(session) and is_done(session, document_id, coder):
        raise ConflictError(
            f"'{coder}' marked this document done: their codings of it are closed while blind "
            "coding is on (an editor can reopen it)"
        )


def visible_clause(session: Session, viewer: str, sees_all: bool) -> ColumnElement[bool] | None:
    """The condition on ``Coding`` rows that ``viewer`` may see, or None when they see all.

    Their own codings; and, on a document they marked done, the codings of every coder who
    marked it done too (a coder's codings are compared once they are final) and the
    program's (a program has nothing to finish)."""
    if sees_all or not blind_coding(session):
        return None
    viewer_done = select(CodingDone.document_id).where(CodingDone.coder == viewer)
    coder_done = (
        select(CodingDone.document_id)
        .where(CodingDone.document_id == Coding.document_id, CodingDone.coder == Coding.coder)
        .exists()
    )
    machine = or_(Coding.automatic.is_(True), Coding.coder.startswith(AUTO_PREFIX))
    return or_(
        Coding.coder == viewer,
        and_(Coding.document_id.in_(viewer_done), or_(coder_done, machine)),
    )


def hides_from(session: Session, document_id: int, viewer: str, sees_all: bool) -> bool:
    """Does ``viewer`` see only their own codings of this document (not yet done)?"""
    return not sees_all and blind_coding(session) and not is_done(session, document_id, viewer)


def memos_visible(session: Session, memos: list[Memo], viewer: str, sees_all: bool) -> list[Memo]:
    """The memos ``viewer`` may read: a memo on a document or coding is its author's reading,
    shown as their codings are (both marked the document done); memos on codes (about the
    codebook) are for everyone."""
    if sees_all or not blind_coding(session):
        return memos
    marks = {(d, c) for d, c in session.execute(select(CodingDone.document_id, CodingDone.coder))}
    coding_ids = [m.coding_id for m in memos if m.coding_id is not None and m.document_id is None]
    coding_documents: dict[int, int] = {}
    if coding_ids:
        query = select(Coding.id, Coding.document_id).where(Coding.id.in_(coding_ids))
        coding_documents = {coding_id: doc for coding_id, doc in session.execute(query)}

    def shown(memo: Memo) -> bool:
        document_id = memo.document_id or coding_documents.get(memo.coding_id)
        if memo.author == viewer or document_id is None:
            return True
        return (document_id, viewer) in marks and (document_id, memo.author) in marks

    return [memo for memo in memos if shown(memo)]
