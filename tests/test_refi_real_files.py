"""REFI-QDA projects written by a real client's own code, not in its shape by hand.

``tests/data/refi-real/qualcoder-*.qdpx`` were exported by QualCoder's own exporter
(https://github.com/ccbogel/QualCoder, ``refi.py`` ``RefiExport``, run headless) from a
project that QualCoder's importer had read from our export of the corpus in ``test_refi``
plus one interview with line breaks — once with "No change to line endings", once with "Add
line ending character for MAXQDA importation" (CRLF written into the text files, positions
left as counted on the LF text). ``taguette-1.5.2.qdc`` was written by Taguette's own
``export.codebook_xml`` (https://github.com/remram44/taguette, release 1.5.2). See
``tests/data/refi-real/README.md``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from lowpolitics.exchange.refi import export_qdpx, import_qdc, import_qdpx
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Code, Coding, Document, Memo

DATA = Path(__file__).parent / "data" / "refi-real"
CRLF = DATA / "qualcoder-maxqda-line-endings.qdpx"
LF = DATA / "qualcoder-no-change.qdpx"
TAGUETTE = DATA / "taguette-1.5.2.qdc"
CATEGORY = DATA / "qualcoder-category.qdpx"

# Every coding of the project: (coded text, code, coder); two coders on one span.
CODINGS = sorted(
    [
        ("в Бишкеке", "days_of_culture", "alice"),
        ("в Бишкеке", "days_of_culture", "bob"),
        ("Второй абзац 🇰🇬", "cultural", "auto:lexicon"),
        ("маданий кызматташтыгы", "cultural", "alice"),
        ("өнүгүүдө", "tension", "bob"),
        ("фарҳангӣ", "days_of_culture", "auto:lexicon"),
        ("Дни культуры", "cultural", "alice"),
        ("в Баткене и Исфаре", "tension", "bob"),
        ("Исфаре.\nВторой день", "cultural", "alice"),
        ("Конец", "tension", "alice"),
    ]
)


def codings(engine) -> list[tuple[str, str, str]]:
    with session_scope(engine) as session:
        found = []
        for coding in session.scalars(select(Coding)):
            text = session.get(Document, coding.document_id).text
            code = session.get(Code, coding.code_id).name
            found.append((text[coding.start : coding.end], code, coding.coder))
        return sorted(found)


def memos(engine) -> list[tuple[str, str, str]]:
    """(memo text, author, what it is on: the coded text, the document's title, or project)."""
    with session_scope(engine) as session:
        found = []
        for memo in session.scalars(select(Memo)):
            if memo.coding_id:
                coding = session.get(Coding, memo.coding_id)
                text = session.get(Document, coding.document_id).text
                on = text[coding.start : coding.end]
            elif memo.document_id:
                on = session.get(Document, memo.document_id).title
            else:
                on = "code" if memo.code_id else "project"
            found.append((memo.text, memo.author, on))
        return sorted(found)


def test_the_fixtures_are_qualcoders_own_exports():
    with zipfile.ZipFile(CRLF) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        texts = [zf.read(n) for n in zf.namelist() if n.endswith(".txt")]
    assert 'origin="QualCoder 4.0 Beta"' in qde
    assert 'creatingUser=""' in qde  # the journal of a user who coded nothing
    assert any(b"\r\n" in t for t in texts) and all(t.startswith(b"\xef\xbb\xbf") for t in texts)
    with zipfile.ZipFile(LF) as zf:
        assert not any(b"\r\n" in zf.read(n) for n in zf.namelist() if n.endswith(".txt"))


def test_qualcoder_crlf_export_imports_with_correct_spans(engine):
    counts = import_qdpx(engine, CRLF)
    assert (counts.documents_added, counts.codes_added, counts.codings_added) == (4, 3, 10)
    assert codings(engine) == CODINGS
    with session_scope(engine) as session:
        assert not any("\r" in d.text for d in session.scalars(select(Document)))
    warned = "\n".join(counts.warnings)
    assert "empty creatingUser dropped" in warned and "line 182" in warned
    assert "source 'Интервью': positions count each CRLF line end as one character" in warned
    assert "4 spans corrected" in warned
    # the two selections before the first line break fit either way; the third only without CRs
    assert "3 of 3 selections' text matches so, 2 when CRs are counted; 1 spans corrected" in warned


def test_qualcoder_lf_export_imports_with_the_same_spans(engine):
    counts = import_qdpx(engine, LF)
    assert codings(engine) == CODINGS
    assert not any("CRLF" in w for w in counts.warnings)


def test_every_memo_lands_where_qualcoder_kept_it(engine):
    import_qdpx(engine, CRLF)
    assert memos(engine) == [
        ("Ambiguous — check the Tajik version ✍️", "bob", "өнүгүүдө"),
        ("Coding memo after four line breaks", "alice", "Конец"),
        # QualCoder keeps no author for a source memo: the importing side is named
        ("Interview, transcript edited", "cli", "Интервью"),
        # the journal whose author QualCoder wrote as "" (its project creator is a random
        # GUID listed nowhere) is kept, its author unknown
        ("Project-wide note", "refi:unknown", "project"),
        ("Source is a press release", "cli", "Дни культуры"),
    ]
    # QualCoder has one memo per code: our definition and code memo come back as one text
    with session_scope(engine) as session:
        cultural = session.scalars(select(Code).where(Code.name == "cultural")).one()
        assert cultural.definition == "Cultural ties\n\nUse for festivals only"


def test_two_qualcoder_exports_of_one_project_add_nothing_the_second_time(engine):
    """QualCoder draws new GUIDs for every user, source and note on each export, and a new
    random project creator: the second file must still match the first one's records."""
    import_qdpx(engine, CRLF)
    before = (codings(engine), memos(engine))
    again = import_qdpx(engine, LF)
    assert (again.documents_matched, again.codings_added, again.memos_added) == (4, 0, 0)
    assert (codings(engine), memos(engine)) == before


def test_taguettes_own_codebook_imports_with_a_warning(engine):
    counts = import_qdc(engine, TAGUETTE)
    assert counts.codes_added == 4
    assert counts.warnings == ["taguette-1.5.2.qdc: empty <Sets/> ignored (line 2)"]
    with session_scope(engine) as session:
        names = {c.name: c.parent_id for c in session.scalars(select(Code))}
    # Taguette's tag paths are flat names (no hierarchy in the file) and carry no description
    assert names == dict.fromkeys(
        ["border.tension", "culture", "culture.days_of_culture", "Кок-Таш"]
    )


def test_a_qualcoder_category_comes_back_as_a_category(engine, tmp_path):
    """A QualCoder category (``code_cat``) is exported as ``isCodable="false"`` holding its
    codes: kept as a parent code marked a category, and written back the same way."""
    import_qdpx(engine, CATEGORY)
    with session_scope(engine) as session:
        codes = {c.id: c for c in session.scalars(select(Code))}
        tree = {c.name: codes[c.parent_id].name if c.parent_id else None for c in codes.values()}
        category = next(c for c in codes.values() if c.name == "Border issues")
        marks = session.scalars(select(Memo.text).where(Memo.code_id == category.id)).all()
    assert tree == {
        "cultural": None,
        "days_of_culture": "cultural",
        "Border issues": None,
        "tension": "Border issues",
    }
    assert category.definition == "Category memo: all border codes"
    assert len(marks) == 1 and marks[0].startswith("Category")
    out = tmp_path / "back.qdpx"
    with session_scope(engine) as session:
        export_qdpx(session, out)
    with zipfile.ZipFile(out) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    back = root.find(".//q:Code[@name='Border issues']", ns)
    assert back.get("isCodable") == "false"
    assert [c.get("name") for c in back.findall("q:Code", ns)] == ["tension"]
