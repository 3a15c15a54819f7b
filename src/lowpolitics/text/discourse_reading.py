"""One pass over a document for the discourse analysis: its lexicon frame, its mentions of
either country of the pair (each with its sentence's frame) and its stem counts.

Kept apart from the analysis so the store can make the reading once, when a document is
stored, and the analysis only reads it back. ``READER`` changes whenever what a reading holds
would change (lexicon, vocabulary of the other side, stemming): a reading made by another
reader is stale and is read again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from lowpolitics.text.lexicon import LexiconCoder

READER_CODE = "1"  # bump when the reading's logic changes


@dataclass(frozen=True)
class Reading:
    language: str
    frame: str
    mentions: tuple[tuple[str, str, str, str], ...]  # (side, kind, name, frame)
    stems: dict[str, int]


@lru_cache(maxsize=1)
def reader_version() -> str:
    """READER_CODE with the lexicon's and the vocabulary's content, hashed: any change to
    them makes stored readings stale."""
    import json

    from lowpolitics.framework.codebook import load_codebook
    from lowpolitics.text.other_side import other_side_vocabulary

    payload = json.dumps(
        [READER_CODE, load_codebook().lexicon, other_side_vocabulary()],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def stem_counts(text: str, lang: str) -> dict[str, int]:
    """Stem frequencies of a text (numbers dropped) — what keyness compares."""
    from lowpolitics.text.stemming import stem, tokens

    return dict(Counter(stem(tok, lang) for tok, _, _ in tokens(text) if not tok[0].isdigit()))


def read_document(text: str, lang: str, coder: LexiconCoder) -> Reading:
    from lowpolitics.text.other_side import find_mentions

    coding = coder.code(text, lang)  # once: the frame and the mentions' frames both use it
    mentions = find_mentions(text, lang, "third", coder, coding=coding)  # both sides
    return Reading(
        language=lang,
        frame=coding.frame,
        mentions=tuple((m.side, m.kind, m.name, m.frame) for m in mentions),
        stems=stem_counts(text, lang),
    )
