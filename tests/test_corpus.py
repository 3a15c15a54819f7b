"""The corpus API: documents (NFC, LF, dedupe, segments), codes, codings, memos, codings files,
auto-codings and the bundled corpus — on SQLite and PostgreSQL."""

import csv

import pytest
from sqlalchemy import func, select

from lowpolitics.framework.errors import InputError, NotFoundError
from lowpolitics.store.autocode import LEXICON_CODER, auto_code
from lowpolitics.store.bundled_corpus import LABEL_CODER, load_bundled_corpus
from lowpolitics.store.codings_import import import_codings
from lowpolitics.store.corpus import (
    DocumentMeta,
    add_coding,
    add_document,
    add_memo,
    codings,
    ensure_code,
    framework_codes,
    get_document,
    remove_coding,
)
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Coding, Document, Segment
from lowpolitics.text.corpus import corpus_files
from lowpolitics.text.gold import read_jsonl

TEXT = "Фестиваль дружбы прошёл в Баткене.\r\nДругой абзац — о\u0301 молодёжи."


def test_documents_are_clean_deduplicated_and_segmented(engine):
    with session_scope(engine) as session:
        document, created = add_document(
            session, TEXT, DocumentMeta(filename="a.txt", language="ru")
        )
        assert created and "\r" not in document.text
        assert document.text == document.text.__class__(
            __import__("unicodedata").normalize("NFC", document.text)
        )
        again, created_again = add_document(session, TEXT.replace("\r\n", "\n"))
        assert not created_again and again.id == document.id
        segments = session.scalars(select(Segment).where(Segment.document_id == document.id))
        for segment in segments:
            assert document.text[segment.start : segment.end].strip()
        assert get_document(session, "a.txt").id == document.id
        assert get_document(session, str(document.id)).id == document.id
        with pytest.raises(NotFoundError):
            get_document(session, "missing.txt")


def test_codes_codings_and_memos(engine, codebook):
    with session_scope(engine) as session:
        document, _ = add_document(session, TEXT, DocumentMeta(key="d1"))
        codes = framework_codes(session, codebook)
        assert codes["societal"].colour == "#E69F00"
        mine = ensure_code(session, "heritage", parent=codes["societal"], colour="#123456")
        coding = add_coding(session, document, mine, 0, 9, "aigerim")
        assert add_coding(session, document, mine, 0, 9, "aigerim").id == coding.id
        add_coding(session, document, codes["integrative"], 10, 16, "farrukh")
        add_memo(session, "festival as shared heritage", "aigerim", coding=coding)
        assert [c.coder for c in codings(session, document)] == ["aigerim", "farrukh"]
        assert len(codings(session, coder="aigerim")) == 1
        with pytest.raises(InputError):
            add_coding(session, document, mine, 5, 500, "aigerim")
        remove_coding(session, coding.id)
        assert len(codings(session, document)) == 1


def test_codings_file_all_or_nothing(engine, tmp_path):
    with session_scope(engine) as session:
        add_document(session, TEXT, DocumentMeta(filename="a.txt"))
    good = tmp_path / "codings.csv"
    rows = [
        {"document": "a.txt", "start": 0, "end": 9, "code": "festival", "coder": "A"},
        {
            "document": "a.txt",
            "start": 10,
            "end": 16,
            "code": "friendship",
            "coder": "B",
            "memo": "key word",
        },
    ]
    with good.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["document", "start", "end", "code", "coder", "memo"]
        )
        writer.writeheader()
        writer.writerows(rows)
    outcome = import_codings(engine, good)
    assert (outcome.added, outcome.codes_created) == (2, 2)
    assert import_codings(engine, good).unchanged == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "document,start,end,code,coder\na.txt,5,3,x,A\nnope.txt,0,1,x,A\na.txt,0,9999,x,A\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        import_codings(engine, bad)
    assert [(e.line, e.column) for e in info.value.errors] == [(2, "end")]
    bad.write_text(
        "document,start,end,code,coder\nnope.txt,0,1,x,A\na.txt,0,9999,x,A\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        import_codings(engine, bad)
    assert [(e.line, e.column) for e in info.value.errors] == [(2, "document"), (3, "end")]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 2


def test_auto_codings_are_their_own_coder(engine, codebook):
    with session_scope(engine) as session:
        document, _ = add_document(
            session,
            "В Баткене прошёл фестиваль дружбы и "
            "межправительственная комиссия подписала соглашение.",
            DocumentMeta(language="ru"),
        )
        written = auto_code(session, [document], codebook)
        machine = codings(session, coder=LEXICON_CODER)
        assert written == len(machine) > 0
        assert all(c.automatic for c in machine)
        assert all(document.text[c.start : c.end] for c in machine)


def test_bundled_corpus_loads_with_labels_and_auto_codings(engine, codebook):
    with session_scope(engine) as session:
        counts = load_bundled_corpus(session, codebook)
        assert counts["documents"] >= 400
        texts = [t for path in corpus_files() for t in read_jsonl(path)]
        # mechanism and frame for each text; "none" is not a code, so it gives no coding
        assert counts["label_codings"] == 2 * len(texts) - sum(t.mechanism == "none" for t in texts)
        assert counts["auto_codings"] > counts["documents"]
        assert session.scalar(select(func.count()).select_from(Document)) == counts["documents"]
        assert codings(session, coder=LABEL_CODER)
