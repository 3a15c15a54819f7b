"""Machine codings: the lexicon coder's evidence stored as codings of their own coder.

Automatic codings are never mixed with people's: their coder is ``auto:<model>``, so agreement
statistics can compare a person with the machine and the coding screen can show them apart.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.store.corpus import add_coding, framework_codes
from lowpolitics.store.models import Document

LEXICON_CODER = "auto:lexicon"


def auto_code(
    session: Session, documents: list[Document], codebook: Codebook, coder: str = LEXICON_CODER
) -> int:
    """Code every lexicon hit in ``documents``; returns the number of codings written."""
    from lowpolitics.text.lexicon import LexiconCoder  # loads the stemmers: only when coding

    codes = framework_codes(session, codebook)
    lexicon = LexiconCoder(codebook.lexicon)
    written = 0
    for document in documents:
        result = lexicon.code(document.text, document.language or "ru")
        for hit in result.evidence:
            if hit.code in codes:
                add_coding(session, document, codes[hit.code], hit.start, hit.end, coder)
                written += 1
    return written
