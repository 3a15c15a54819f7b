"""The stored coded index's frames for a list of text keys (read only).

Why here: a second coder's file names texts by key, and the comparison needs the first coder's
frame of each; the store answers that lookup in chunks so a long check file never builds an
``IN`` list beyond a backend's limit. The comparison itself is an analysis.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.store.discourse_models import CodedText

CHUNK = 500  # IN lists stay within every backend's limit


def frames_for_keys(session: Session, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    """key -> (frame, coder) of every stored coded text among ``keys``; unknown keys are absent."""
    first: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = list(keys[start : start + CHUNK])
        rows = session.execute(
            select(CodedText.key, CodedText.frame, CodedText.coder).where(CodedText.key.in_(chunk))
        )
        first.update({key: (frame, coder) for key, frame, coder in rows})
    return first
