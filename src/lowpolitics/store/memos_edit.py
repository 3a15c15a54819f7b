"""Memos one at a time (web app and API): on a document, a coding or a code, with version
checks, an audit entry for every change, and the ownership rule of codings — coders change
only their own memos, editors and admins anyone's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import InputError, NotFoundError
from lowpolitics.store.audit import record_change
from lowpolitics.store.corpus import add_memo
from lowpolitics.store.corpus_edit import _bad, check_owner
from lowpolitics.store.editing import check_version
from lowpolitics.store.models import Code, Coding, Document, Memo


def memo_record(memo: Memo) -> dict[str, Any]:
    return {
        "text": memo.text,
        "author": memo.author,
        "document_id": memo.document_id,
        "coding_id": memo.coding_id,
        "code_id": memo.code_id,
        "version": memo.version,
    }


def list_memos(
    session: Session,
    *,
    document_id: int | None = None,
    coding_id: int | None = None,
    code_id: int | None = None,
    author: str | None = None,
) -> list[Memo]:
    query = select(Memo).order_by(Memo.created_at, Memo.id)
    for column, value in (
        (Memo.document_id, document_id),
        (Memo.coding_id, coding_id),
        (Memo.code_id, code_id),
        (Memo.author, author),
    ):
        if value is not None:
            query = query.where(column == value)
    return list(session.scalars(query))


def get_memo(session: Session, memo_id: int) -> Memo:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFoundError(f"no memo {memo_id}")
    return memo


def _memo_text(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise InputError([_bad("text", "", "the memo's text")])
    return value


def write_memo(
    session: Session,
    text: str,
    who: str,
    *,
    document: Document | None = None,
    coding: Coding | None = None,
    code: Code | None = None,
) -> Memo:
    memo = add_memo(session, _memo_text(text), who, document=document, coding=coding, code=code)
    record_change(session, who, "create", "memo", str(memo.id), None, memo_record(memo))
    return memo


def edit_memo(
    session: Session, memo_id: int, text: str, who: str, role: str, version: int | None
) -> Memo:
    memo = get_memo(session, memo_id)
    check_owner(memo.author, who, role, f"memo {memo_id}")
    check_version(memo.version, version, f"memo {memo_id}")
    value = _memo_text(text)
    before = memo_record(memo)
    memo.text = value
    memo.version += 1
    session.flush()
    record_change(session, who, "update", "memo", str(memo.id), before, memo_record(memo))
    return memo


def delete_memo(
    session: Session, memo_id: int, who: str, role: str, version: int | None = None
) -> None:
    memo = get_memo(session, memo_id)
    check_owner(memo.author, who, role, f"memo {memo_id}")
    if version is not None:
        check_version(memo.version, version, f"memo {memo_id}")
    record_change(session, who, "delete", "memo", str(memo.id), memo_record(memo), None)
    session.delete(memo)
    session.flush()
