"""Loading the development corpus as documents: the demo's texts to search, code and compare.

Each text becomes a document with its language, date and source; its labels (mechanism and
frame, given to the whole text when the corpus was written) become codings by the coder
``corpus-labels``; the lexicon's hits become codings by ``auto:lexicon``. Agreement between the
two is then a first look at how far the machine follows the labels.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.store.autocode import auto_code
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, framework_codes
from lowpolitics.text.corpus import corpus_files
from lowpolitics.text.gold import read_jsonl

LABEL_CODER = "corpus-labels"
OUTLET = "lowpolitics development corpus (paraphrases of sourced facts)"


def load_bundled_corpus(session: Session, codebook: Codebook) -> dict[str, int]:
    codes = framework_codes(session, codebook)
    documents = []
    labels = 0
    for path in corpus_files():
        for text in read_jsonl(path):
            date = None
            if text.date:
                try:
                    date = PartialDate.parse(text.date).start
                except ValueError:
                    date = None
            document, created = add_document(
                session,
                text.text,
                DocumentMeta(
                    key=text.id,
                    title=f"{text.id} ({text.group})",
                    published_on=date,
                    outlet=OUTLET,
                    genre="news paraphrase",
                    language=text.lang,
                ),
                who="demo",
            )
            if not created:
                continue
            documents.append(document)
            for label in (text.mechanism, text.frame):
                if label in codes:
                    add_coding(session, document, codes[label], 0, len(document.text), LABEL_CODER)
                    labels += 1
    machine = auto_code(session, documents, codebook)
    return {"documents": len(documents), "label_codings": labels, "auto_codings": machine}
