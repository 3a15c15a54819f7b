"""How REFI-QDA structures that our model has no table for are kept as memos, both ways.

Clients read memos from different places: QualCoder takes a coding, source or code memo from
the element's ``<Description>`` and ignores ``NoteRef`` there; MAXQDA, ATLAS.ti and NVivo
follow ``NoteRef``s to ``Notes``. So an export writes both, and an import must recognise the
second copy instead of storing the memo twice (:func:`strip_description`).

Code groups (``<Sets>`` with ``<MemberCode>``), document groups (``<MemberSource>``) and
categories (``isCodable="false"``) have no place in our codebook model (a code has one parent,
no groups, and every code can be coded). Rather than drop them they become memos with a fixed
first line — ``Code set: NAME`` on each member code, ``Document set: NAME`` on each member
document (the set's description follows on the next lines), and :data:`CATEGORY_MEMO` on a
category — which an export turns back into ``<Sets>`` and ``isCodable="false"``. They are
"structural" memos: matched by text and attachment, whoever is named as author.
"""

from __future__ import annotations

CODE_SET = "Code set: "
DOCUMENT_SET = "Document set: "
CATEGORY_MEMO = 'Category (isCodable="false" in REFI-QDA): groups codes, not coded itself'
# Spans another client noted without a code (NVivo annotations, QualCoder annotations, MAXQDA
# memos on a selection) are coded with this code so that the note stays a coding memo.
ANNOTATION_CODE = "REFI-QDA annotation"
ANNOTATION_DEFINITION = (
    "A span another QDA tool annotated without a code; the annotation is this coding's memo"
)
SEPARATOR = "\n\n"


def set_memo(prefix: str, name: str, description: str | None) -> str:
    """The memo text that records membership of the set ``name``."""
    text = prefix + " ".join(name.split())
    return f"{text}\n{description.strip()}" if description and description.strip() else text


def parse_set_memo(text: str) -> tuple[str, str, str | None] | None:
    """``(prefix, set name, description)`` of a set memo, or None for any other memo."""
    for prefix in (CODE_SET, DOCUMENT_SET):
        if text.startswith(prefix):
            first, _, rest = text.partition("\n")
            name = first[len(prefix) :].strip()
            if name:
                return prefix, name, rest.strip() or None
    return None


def is_structural(text: str) -> bool:
    """A memo that stands for a set membership or a category, not for an analyst's note."""
    return text == CATEGORY_MEMO or parse_set_memo(text) is not None


def join_description(first: str | None, memos: list[str]) -> str | None:
    """A ``<Description>``: the definition (codes only), then each memo, blank-line separated."""
    parts = [p.strip() for p in [first, *memos] if p and p.strip()]
    return SEPARATOR.join(parts) if parts else None


def strip_description(description: str | None, note_texts: list[str]) -> str | None:
    """What a ``<Description>`` says beyond the notes the same element references.

    Our exports (and QualCoder-minded ones) repeat each memo in the Description after the
    definition; taking them off the end, last first, leaves the definition (or nothing).
    A Description that is not such a copy is returned whole.
    """
    if description is None:
        return None
    rest = description.strip()
    for text in reversed([t.strip() for t in note_texts if t and t.strip()]):
        if rest == text:
            rest = ""
        elif rest.endswith(SEPARATOR + text):
            rest = rest[: -len(SEPARATOR + text)].rstrip()
    return rest or None
