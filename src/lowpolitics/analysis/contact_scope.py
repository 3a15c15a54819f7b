"""Which cooperative rows a figure counts, said beside the figure.

A count of cooperative activities means something different when co-presence at a regional
event is counted than when only bilateral rows are (codebook ``contacts``, registry column
``contact``). The CLI's ``--contact`` narrows the dataset (``units.with_contacts``), and the
dataset remembers the codes it kept; this module turns that into the block every result
carries (``contact`` in the JSON, ``meta.contact`` in ``analyse all``) and the line printed
above every table, so a figure never travels without its definition.
"""

from __future__ import annotations

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.i18n import translator
from lowpolitics.framework.notes import N_, Note, ident, note, structured

EVERY_ROW = N_("every cooperative row, whatever its contact (rows not coded included)")
ONLY_CODES = N_("only cooperative rows whose contact is {codes} (rows not coded left out)")


def contact_note(contacts: tuple[str, ...] | None) -> Note:
    """The definition as a note: English text, and a message id the pages and the brief
    render in the reader's language."""
    if contacts is None:
        return note(EVERY_ROW)
    return note(ONLY_CODES, codes=[ident(c) for c in contacts])


def contact_scope(dataset: Dataset) -> dict:
    """The block a result carries: the codes kept (None: every cooperative row), the
    definition in English, and the same as a structured note."""
    described = contact_note(dataset.contacts)
    return {
        "contacts": list(dataset.contacts) if dataset.contacts is not None else None,
        "description": str(described),
        "note": structured([described])[0],
    }


def contact_scope_text(block: dict | None, codebook: Codebook, lang: str) -> str:
    """The definition in the reader's language with the vocabulary's own labels (the brief
    and the pages): "only cooperative rows whose contact is Bilateral, …". A document written
    before the block existed counted every row, and says so."""
    _ = translator(lang)
    contacts = (block or {}).get("contacts")
    if contacts is None:
        return _(EVERY_ROW)
    labels = "; ".join(codebook.label("contacts", c, lang) for c in contacts)
    return _(ONLY_CODES).format(codes=labels)
