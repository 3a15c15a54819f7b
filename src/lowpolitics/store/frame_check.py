"""Second coders' frames set against the coded index in the store (read only)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.analysis.index_agreement import IndexAgreement, index_agreement
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.frame_check import parse_frame_check
from lowpolitics.store.discourse_models import CodedText


def agreement_with_index(session: Session, path: Path, codebook: Codebook) -> IndexAgreement:
    """Frame agreement between the stored coded index and the second coding in ``path``; a bad
    row stops the whole comparison with every bad cell named."""
    parsed = parse_frame_check(path, codebook)
    if parsed.all_errors:
        errors = parsed.all_errors
        raise InputError(errors, f"{len(errors)} error(s) in {path.name}; nothing was compared")
    keys = [r.key for r in parsed.records]
    first: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), 500):  # IN lists stay within every backend's limit
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(CodedText.key, CodedText.frame, CodedText.coder).where(CodedText.key.in_(chunk))
        )
        first.update({key: (frame, coder) for key, frame, coder in rows})
    second = {r.key: (r.frame, r.coder) for r in parsed.records}
    return index_agreement(first, second, list(codebook.frame_codes))
