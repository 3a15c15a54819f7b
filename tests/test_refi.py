"""REFI-QDA exchange: schema-valid exports, code-point positions, stable GUIDs, round trips,
projects from other clients, and hostile archives refused before anything is written."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import select

from lowpolitics.cli.refi_command import (
    export_qdc_command,
    export_qdpx_command,
    import_qdc_command,
    import_qdpx_command,
)
from lowpolitics.cli.state import State
from lowpolitics.exchange import refi_safety
from lowpolitics.exchange.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from lowpolitics.framework.errors import InputError
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, add_memo, ensure_code
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.models import Code, Coding, Document, Memo
from lowpolitics.store.reference import seed_reference

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}

RU = "Дни культуры Таджикистана 🎭 в Бишкеке прошли с успехом.\nВторой абзац 🇰🇬."
KY = "Кыргызстан 🇰🇬 менен Тажикстандын маданий кызматташтыгы 𝕂 өнүгүүдө."
TG = "Ҳамкории 😀 фарҳангӣ байни Тоҷикистон ва Қирғизистон идома дорад."
SPANS = [  # (document, code, quoted text, coder)
    (RU, "days_of_culture", "в Бишкеке", "alice"),
    (RU, "days_of_culture", "в Бишкеке", "bob"),
    (RU, "cultural", "Второй абзац 🇰🇬", "auto:lexicon"),
    (KY, "cultural", "маданий кызматташтыгы", "alice"),
    (KY, "tension", "өнүгүүдө", "bob"),
    (TG, "days_of_culture", "фарҳангӣ", "auto:lexicon"),
]


def build_corpus(session) -> None:
    docs = {
        RU: DocumentMeta(
            title="Дни культуры",
            outlet="Kabar",
            country="KG",
            language="ru",
            published_on=date(2023, 5, 1),
            genre="news",
            url="https://example.org/ru",
            key="ru-1",
        ),
        KY: DocumentMeta(title="Маданият", outlet="Azattyk", country="KG", language="ky"),
        TG: DocumentMeta(title="Ҳамкорӣ", country="TJ", language="tg", genre="interview"),
    }
    stored = {text: add_document(session, text, meta)[0] for text, meta in docs.items()}
    cultural = ensure_code(session, "cultural", colour="#1f77b4", definition="Cultural ties")
    ensure_code(session, "days_of_culture", parent=cultural, colour="#FF7F0E80")
    ensure_code(session, "tension", definition="Border tension")
    for text, code, quote, coder in SPANS:
        start = text.index(quote)
        coding = add_coding(
            session,
            stored[text],
            session.scalars(select(Code).where(Code.name == code)).one(),
            start,
            start + len(quote),
            coder,
            confidence=0.8 if coder.startswith("auto") else None,
        )
        if coder == "bob" and code == "tension":
            add_memo(session, "Ambiguous — check the Tajik version ✍️", "bob", coding=coding)
    add_memo(session, "Source is a press release", "alice", document=stored[RU])
    add_memo(session, "Project-wide note", "carol")
    session.add(Memo(text="Use for festivals only", author="alice", code_id=cultural.id))


@pytest.fixture
def corpus(engine):
    with session_scope(engine) as session:
        build_corpus(session)
    return engine


@pytest.fixture
def empty_engine(tmp_path, gazetteer):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def scratch_engine(tmp_path_factory, gazetteer):
    """One empty SQLite database for the refusal tests, which must leave it empty."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('refi') / 'scratch.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    yield engine
    engine.dispose()


def export(engine, path: Path) -> Path:
    with session_scope(engine) as session:
        export_qdpx(session, path)
    return path


def snapshot(engine) -> dict:
    """Everything an exchange must keep, keyed by content, not by database ids."""
    with session_scope(engine) as session:
        docs = {d.id: d for d in session.scalars(select(Document))}
        codes = {c.id: c for c in session.scalars(select(Code))}
        codings = {c.id: c for c in session.scalars(select(Coding))}

        def coding_key(c):
            return (
                docs[c.document_id].content_hash,
                codes[c.code_id].name,
                c.start,
                c.end,
                c.coder,
            )

        return {
            "codings": sorted(coding_key(c) for c in codings.values()),
            "codes": sorted(
                (c.name, codes[c.parent_id].name if c.parent_id else None, c.definition)
                for c in codes.values()
            ),
            "memos": sorted(
                (
                    m.author,
                    m.text,
                    docs[m.document_id].content_hash if m.document_id else None,
                    coding_key(codings[m.coding_id]) if m.coding_id else None,
                    codes[m.code_id].name if m.code_id else None,
                )
                for m in session.scalars(select(Memo))
            ),
            "documents": sorted(
                (
                    d.content_hash,
                    d.title,
                    d.outlet,
                    d.country_code,
                    d.language,
                    d.published_on,
                    d.genre,
                    d.url,
                )
                for d in docs.values()
            ),
        }


def test_export_validates_and_uses_code_points(corpus, tmp_path):
    path = export(corpus, tmp_path / "project.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        qde = archive.read("project.qde")
        files = {n: archive.read(n) for n in names if n.startswith("sources/")}
    assert names[0] == "project.qde" and len(files) == 4  # three texts, one journal note
    if SCHEMAS.exists():
        xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd")).validate(io.BytesIO(qde))
    root = etree.fromstring(qde)
    assert [etree.QName(c).localname for c in root] == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "NoteRef",
    ]
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["alice", "auto:lexicon", "bob", "carol"]
    codes = {c.get("guid"): c for c in root.iterfind(".//q:Code", NS)}
    child = root.find(".//q:Code[@name='cultural']/q:Code", NS)
    assert child.get("name") == "days_of_culture" and child.get("color") == "#FF7F0E"
    assert all(c.get("isCodable") == "true" for c in codes.values())
    seen = []
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        file = source.get("plainTextPath").removeprefix("internal://")
        assert file == f"{source.get('guid')}.txt"
        raw = files[f"sources/{file}"]
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        text = raw.decode("utf-8")
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            coding = sel.find("q:Coding", NS)
            code = codes[coding.find("q:CodeRef", NS).get("targetGUID")].get("name")
            coder = users[coding.get("creatingUser")]
            seen.append((text, code, text[start:end], coder))
            assert start == text.index(text[start:end])
            assert coding.get("creationDateTime").endswith("Z")
    assert sorted(seen) == sorted(SPANS)
    # the emoji before the spans make code points, UTF-16 units and bytes all differ
    start = RU.index("в Бишкеке")
    assert start != len(RU[:start].encode("utf-16-le")) // 2 != len(RU[:start].encode())
    note_refs = root.findall(".//q:PlainTextSelection/q:NoteRef", NS)
    assert len(note_refs) == 1 and len(root.findall("q:Sources/q:TextSource/q:NoteRef", NS)) == 1
    assert len(root.findall(".//q:Code[@name='cultural']/q:NoteRef", NS)) == 1
    # every memo also where QualCoder reads it: the element's Description
    assert [d.text for d in root.findall(".//q:PlainTextSelection/q:Description", NS)] == [
        "Ambiguous — check the Tajik version ✍️"
    ]
    assert [d.text for d in root.findall("q:Sources/q:TextSource/q:Description", NS)] == [
        "Source is a press release"
    ]
    assert root.find(".//q:Code[@name='cultural']/q:Description", NS).text == (
        "Cultural ties\n\nUse for festivals only"
    )
    # the project memo is a journal: a named Note whose text is a file, referenced by the project
    journal = root.find(
        f"q:Notes/q:Note[@guid='{root.find('q:NoteRef', NS).get('targetGUID')}']", NS
    )
    assert journal.get("name") and journal.find("q:PlainTextContent", NS) is None
    file = journal.get("plainTextPath").removeprefix("internal://")
    assert files[f"sources/{file}"] == b"Project-wide note"
    case = root.find("q:Cases/q:Case[@name='ru-1']", NS)
    assert [v[1].text for v in case.iterfind("q:VariableValue", NS)] == [
        "Kabar",
        "KG",
        "ru",
        "2023-05-01",
        "news",
        "https://example.org/ru",
    ]

    qdc = tmp_path / "codes.qdc"
    with session_scope(corpus) as session:
        assert export_qdc(session, qdc) == {"codes": 3}
    if SCHEMAS.exists():
        xmlschema.XMLSchema(str(SCHEMAS / "Codebook-mrt2019.xsd")).validate(str(qdc))

    # GUIDs are derived, not random: a second export repeats every one (and every byte)
    (tmp_path / "b").mkdir()
    first = path
    second = export(corpus, tmp_path / "b" / "project.qdpx")

    def guids(path):
        root = etree.fromstring(zipfile.ZipFile(path).read("project.qde"))
        return [v for e in root.iter() for k, v in e.attrib.items() if "guid" in k.lower()]

    assert guids(first) == guids(second) and len(set(guids(first))) > 20
    assert first.read_bytes() == second.read_bytes()


def test_round_trip_into_an_empty_database(corpus, empty_engine, tmp_path, capsys):
    qdpx, qdc = tmp_path / "p.qdpx", tmp_path / "c.qdc"
    export_qdpx_command(SimpleNamespace(obj=State(_engine=corpus)), qdpx)
    export_qdc_command(SimpleNamespace(obj=State(_engine=corpus)), qdc)
    printed = " ".join(capsys.readouterr().out.split())
    assert "3 documents, 3 codes, 6 codings, 4 memos" in printed and "c.qdc: 3 codes" in printed

    import_qdc_command(SimpleNamespace(obj=State(_engine=empty_engine)), qdc)  # codebook first
    assert "c.qdc: 0 documents added, 0 already stored, 3 codes added" in " ".join(
        capsys.readouterr().out.split()
    )
    assert snapshot(empty_engine)["codes"] == snapshot(corpus)["codes"]
    with session_scope(empty_engine) as session:
        assert (
            session.scalars(select(Code.colour).where(Code.name == "cultural")).one() == "#1F77B4"
        )

    import_qdpx_command(SimpleNamespace(obj=State(_engine=empty_engine)), qdpx)
    printed = " ".join(capsys.readouterr().out.split())
    assert "3 documents added, 0 already stored, 0 codes added, 6 codings added" in printed
    assert "4 memos added" in printed
    assert snapshot(empty_engine) == snapshot(corpus)
    with session_scope(empty_engine) as session:
        assert session.scalars(select(Document.key).where(Document.key == "ru-1")).one()
        auto = session.scalars(select(Coding).where(Coding.coder == "auto:lexicon")).all()
        assert auto and all(c.automatic for c in auto)

    again = import_qdpx(empty_engine, qdpx)  # matched, not doubled
    assert (again.documents_matched, again.codings_added, again.memos_added) == (3, 0, 0)
    assert snapshot(empty_engine) == snapshot(corpus)
    second = export(empty_engine, tmp_path / "again.qdpx")
    assert zipfile.ZipFile(second).read("project.qde").count(b"PlainTextSelection ") == 6


OTHER_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="cd-min" origin="ATLAS.ti-like"
         creatingUserGUID="A5A2BF02-1F4D-4D17-92EF-1BD6BCFCF1AA">
  <Users><User guid="A5A2BF02-1F4D-4D17-92EF-1BD6BCFCF1AA" name="analyst1"/></Users>
  <CodeBook><Codes>
    <Code guid="5D8DD744-60F6-457D-8BDB-B9D2178585C2" name="Cultural diplomacy" isCodable="false"
          color="#1F7"><Description>Parent category</Description>
      <Code guid="F2503613-B0F7-4F42-8EE3-74F04D743EB4" name="Cooperation agreement"
            isCodable="true" color="#FF7F0E"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="6D4BA382-E350-463C-8D82-2226848E20CC" name="agreement_2024"
                plainTextPath="internal://5D18A9E9-50E8-42C6-95D9-07B21C23919C.txt">
      <PlainTextSelection guid="E6809B74-0390-4C07-904E-AC7EDA821730" startPosition="{start}"
                          endPosition="{end}">
        <Description>segment memo</Description>
        <Coding guid="A2364F06-C16D-4861-BD97-B8A8725A962F"
                creatingUser="A5A2BF02-1F4D-4D17-92EF-1BD6BCFCF1AA">
          <CodeRef targetGUID="f2503613-b0f7-4f42-8ee3-74f04d743eb4"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{{0B7C2F11-1111-4222-8333-944455556666}}" name="inline">
      <PlainTextContent>Ворух 🏔 и Кок-Таш</PlainTextContent>
      <PlainTextSelection guid="1B7C2F11-1111-4222-8333-944455556666" startPosition="6"
                          endPosition="17">
        <Coding guid="2B7C2F11-1111-4222-8333-944455556666"
                creatingUser="9B7C2F11-1111-4222-8333-944455556666">
          <CodeRef targetGUID="5D8DD744-60F6-457D-8BDB-B9D2178585C2"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="3B7C2F11-1111-4222-8333-944455556666" name="photo"
                   path="internal://x.jpg"/>
  </Sources>
</Project>"""


def other_client_archive(path: Path) -> Path:
    # CRLF and NFD in the file: offsets count them, the stored text does not
    raw = "Kyrgyz\r\nTajik side signed a\r\n cultural cooperation treaty (Ва\u0306се)."
    start = raw.index("cultural")
    qde = OTHER_QDE.format(start=start, end=start + len("cultural cooperation"))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/5D18A9E9-50E8-42C6-95D9-07B21C23919C.txt", raw.encode())
    return path


def test_import_from_another_client(engine, tmp_path):
    counts = import_qdpx(engine, other_client_archive(tmp_path / "other.qdpx"))
    assert (counts.documents_added, counts.codes_added, counts.codings_added) == (2, 2, 2)
    assert counts.skipped == 1 and "PictureSource" in counts.warnings[-1]
    # CRLF and no evidence either way (no selected text, no impossible position): the
    # standard's reading, and a warning asking for a check
    assert "nothing shows whether its positions count the CRs" in counts.warnings[0]
    with session_scope(engine) as session:
        found = {}
        for coding in session.scalars(select(Coding)):
            doc = session.get(Document, coding.document_id)
            found[doc.text[coding.start : coding.end]] = coding.coder
        assert found == {
            "cultural cooperation": "analyst1",
            "🏔 и Кок-Таш": "refi:9B7C2F11-1111-4222-8333-944455556666",
        }
        child = session.scalars(select(Code).where(Code.name == "Cooperation agreement")).one()
        assert session.get(Code, child.parent_id).name == "Cultural diplomacy"
        assert session.get(Code, child.parent_id).colour == "#11FF77"
        doc = session.scalars(select(Document).where(Document.title == "agreement_2024")).one()
        assert "\r" not in doc.text and "В\u04d1се" in doc.text and "\u0306" not in doc.text
        memo = session.scalars(select(Memo).where(Memo.code_id.is_(None))).one()
        assert (memo.text, memo.author, memo.coding_id is not None) == (
            "segment memo",
            "analyst1",
            True,
        )
    _positions_outside_the_text_are_refused(engine, tmp_path)


def _positions_outside_the_text_are_refused(engine, tmp_path):
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde").replace(b'endPosition="17"', b'endPosition="999"')
        source = archive.read("Sources/5D18A9E9-50E8-42C6-95D9-07B21C23919C.txt")
    bad = make_zip(
        tmp_path / "bad.qdpx",
        [("project.qde", qde), ("sources/5D18A9E9-50E8-42C6-95D9-07B21C23919C.txt", source)],
    )
    with pytest.raises(InputError) as caught:
        import_qdpx(engine, bad)
    assert "6-999" in str(caught.value.errors[0])
    with session_scope(engine) as session:
        assert len(session.scalars(select(Document)).all()) == 2  # nothing more


# --- hostile archives -------------------------------------------------------------------------

MINIMAL = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""
INVALID = b"""<Project xmlns="urn:QDA-XML:project:1.0" name="x">
<Users><User name="no guid"/></Users></Project>"""


def make_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


HOSTILE = {
    "zip-slip": ([("project.qde", MINIMAL), ("../evil.txt", b"x")], "escapes the archive"),
    "absolute": ([("project.qde", MINIMAL), ("/tmp/evil.txt", b"x")], "absolute path"),
    "drive": ([("project.qde", MINIMAL), ("C:\\evil.txt", b"x")], "absolute path"),
    "laughs": ([("project.qde", LAUGHS)], "DOCTYPE"),
    "xxe": ([("project.qde", XXE)], "DOCTYPE"),
    "bomb": ([("project.qde", MINIMAL), ("sources/z.txt", b"0" * 20_000_000)], "zip bomb"),
    "schema": ([("project.qde", INVALID)], "does not match the REFI-QDA schema"),
    "no-project": ([("sources/a.txt", b"x")], "no project.qde"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archives_are_refused(case, scratch_engine, tmp_path):
    entries, message = HOSTILE[case]
    path = make_zip(tmp_path / f"{case}.qdpx", entries)
    with pytest.raises(InputError) as caught:
        import_qdpx(scratch_engine, path)
    assert message in str(caught.value) and path.name in str(caught.value)
    if case == "schema":
        assert "project.qde" in str(caught.value) and "guid" in str(caught.value)
    with session_scope(scratch_engine) as session:
        assert session.scalars(select(Document)).first() is None


def test_oversized_archive_and_hostile_codebook(scratch_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(refi_safety, "MAX_TOTAL_BYTES", 1000)
    path = make_zip(
        tmp_path / "big.qdpx", [("project.qde", MINIMAL), ("sources/r.txt", b"x" * 2000)]
    )
    with pytest.raises(InputError, match="expands to more than"):
        import_qdpx(scratch_engine, path)
    qdc = tmp_path / "evil.qdc"
    qdc.write_bytes(XXE.replace(b"Project", b"CodeBook"))
    with pytest.raises(InputError, match="DOCTYPE"):
        import_qdc(scratch_engine, qdc)
    qdc.write_text("not xml <", encoding="utf-8")
    with pytest.raises(InputError, match="evil.qdc: not well-formed"):
        import_qdc(scratch_engine, qdc)
