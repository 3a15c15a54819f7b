"""A second coder's file set against the coded index in the store.

Why a module of its own: the parse (ingest), the lookup (store) and the statistics
(``index_agreement``) each have one job; this joins them so the CLI and the web call one
function, and a bad row stops the whole comparison with every bad cell named.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from lowpolitics.analysis.index_agreement import IndexAgreement, index_agreement
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.frame_check import parse_frame_check
from lowpolitics.store.frame_check import frames_for_keys


def agreement_with_index(session: Session, path: Path, codebook: Codebook) -> IndexAgreement:
    """Frame agreement between the stored coded index and the second coding in ``path``."""
    parsed = parse_frame_check(path, codebook)
    if parsed.all_errors:
        errors = parsed.all_errors
        raise InputError(errors, f"{len(errors)} error(s) in {path.name}; nothing was compared")
    first = frames_for_keys(session, [r.key for r in parsed.records])
    second = {r.key: (r.frame, r.coder) for r in parsed.records}
    return index_agreement(first, second, list(codebook.frame_codes))
