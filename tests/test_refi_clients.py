"""REFI-QDA files as the real clients write them: QualCoder, NVivo, ATLAS.ti, Taguette, MAXQDA.

Each file here is written by hand in its producer's shape (namespaces and attribute habits,
empty elements, byte-order marks, line endings, where memos and coders are put), as read from
the producers' public exporters and sample exports; none is copied from them. The known
answers are the spans' text, the coders, and where every memo lands.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import select

from lowpolitics.exchange.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from lowpolitics.exchange.refi_memos import ANNOTATION_CODE, CATEGORY_MEMO
from lowpolitics.framework.errors import InputError
from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Code, Coding, Document, Memo

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}
BOM = "\ufeff"


def g(n: int, lower: bool = True) -> str:
    """A fixed GUID; clients differ in case (QualCoder and NVivo write lower case)."""
    value = f"{n:08x}-5c94-4f1d-9cd6-e900c7440860"
    return value if lower else value.upper()


def archive(path: Path, qde: str | bytes, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in files.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def spans(engine) -> dict[str, tuple[str, str]]:
    """Coded text → (code, coder) for every coding."""
    with session_scope(engine) as session:
        found = {}
        for coding in session.scalars(select(Coding)):
            doc = session.get(Document, coding.document_id)
            code = session.get(Code, coding.code_id)
            found[doc.text[coding.start : coding.end]] = (code.name, coding.coder)
        return found


def memos(engine) -> dict[str, tuple[str, str | None]]:
    """Memo text → (what it is attached to, the coded text or code name or document title)."""
    with session_scope(engine) as session:
        found = {}
        for memo in session.scalars(select(Memo)):
            if memo.coding_id is not None:
                coding = session.get(Coding, memo.coding_id)
                doc = session.get(Document, coding.document_id)
                found[memo.text] = ("coding", doc.text[coding.start : coding.end])
            elif memo.code_id is not None:
                found[memo.text] = ("code", session.get(Code, memo.code_id).name)
            elif memo.document_id is not None:
                found[memo.text] = ("document", session.get(Document, memo.document_id).title)
            else:
                found[memo.text] = ("project", None)
        return found


def validates(path: Path) -> None:
    if SCHEMAS.exists():
        qde = zipfile.ZipFile(path).read("project.qde")
        xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd")).validate(io.BytesIO(qde))


# --- QualCoder ---------------------------------------------------------------------------------
# Its exporter writes the project.qde by string concatenation: xsd/xsi prefixes declared, a
# creatingUserGUID that names no user, categories as isCodable="false" without a colour, every
# memo as a <Description> (empty ones as <Description />), journals as named Notes whose text is
# a sources/ file, annotations as Notes holding their own PlainTextSelection with a NoteRef from
# the source (for the first annotation of each file only), the project memo as the project's
# Description, and source files with a byte-order mark. Older versions put a BOM before <?xml.

RU = (
    "Дни культуры Кыргызстана прошли в Душанбе.\n"
    "Зрители из Худжанда и Исфары пришли на концерт.\n"
    "Фестиваль продлится три дня."
)
TG = "Ҳафтаи фарҳанги Қирғизистон дар Душанбе баргузор гардид.\nҲамкории ҷавонон идома дорад."


def qualcoder_qde(sel: dict[str, tuple[int, int]]) -> str:
    return f"""{BOM}<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="kgtj.qda" origin="QualCoder 3.6" \
creatingUserGUID="{g(99)}" creationDateTime="2024-05-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{g(1)}" name="aida" />
<User guid="{g(2)}" name="farrukh" />
</Users>
<CodeBook>
<Codes>
<Code guid="{g(10)}" name="Молодёжь" isCodable="true" color="#F781F3" />
<Code guid="{g(11)}" name="Культура" isCodable="false">
<Description>Category for cultural exchange</Description>
<Code guid="{g(12)}" name="Дни культуры" isCodable="true" color="#81BEF7">
<Description>Official days of culture</Description>
</Code>
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://{g(21)}.txt" creatingUser="{g(1)}" \
creationDateTime="2024-05-01T10:00:00Z" guid="{g(20)}" name="ru_report.txt">
<Description>Press release, Bishkek</Description>
<PlainTextSelection guid="{g(30)}" startPosition="{sel["days"][0]}" \
endPosition="{sel["days"][1]}" name="{RU[sel["days"][0] : sel["days"][1]]}" \
creatingUser="{g(1)}" creationDateTime="2024-05-02T10:00:00Z">
<Description>Check the date</Description>
<Coding guid="{g(31)}" creatingUser="{g(1)}" >
<CodeRef targetGUID="{g(12)}" />
</Coding>
</PlainTextSelection>
<PlainTextSelection guid="{g(32)}" startPosition="{sel["youth"][0]}" \
endPosition="{sel["youth"][1]}" name="{RU[sel["youth"][0] : sel["youth"][1]]}" \
creatingUser="{g(2)}" creationDateTime="2024-05-02T10:00:00Z">
<Coding guid="{g(33)}" creatingUser="{g(2)}" >
<CodeRef targetGUID="{g(10)}" />
</Coding>
</PlainTextSelection>
<NoteRef targetGUID="{g(40)}" />
</TextSource>
<TextSource plainTextPath="internal://{g(23)}.txt" creatingUser="{g(2)}" \
creationDateTime="2024-05-01T10:00:00Z" guid="{g(22)}" name="tg_news.txt">
</TextSource>
</Sources>
<Notes>
<Note guid="{g(50)}" creatingUser="{g(1)}" creationDateTime="2024-05-03T10:00:00Z" \
name="Fieldwork diary"  plainTextPath="internal://{g(50)}.txt" >
<Description /></Note>
<Note guid="{g(40)}" creatingUser="{g(2)}" creationDateTime="2024-05-03T10:00:00Z" >
<PlainTextContent>Isfara is in Batken</PlainTextContent>
<PlainTextSelection guid="{g(41)}" startPosition="{sel["isfara"][0]}" \
endPosition="{sel["isfara"][1]}" />
</Note>
<Note guid="{g(42)}" creatingUser="{g(2)}" creationDateTime="2024-05-03T10:00:00Z" >
<PlainTextContent>Which concert?</PlainTextContent>
<PlainTextSelection guid="{g(43)}" startPosition="0" endPosition="4" />
</Note>
</Notes>
<Description>Kyrgyz–Tajik days of culture, pilot coding</Description>
</Project>"""


def test_qualcoder_project(engine, tmp_path):
    where = {
        "days": (RU.index("Дни культуры"), RU.index("Дни культуры") + len("Дни культуры")),
        "youth": (RU.index("Зрители"), RU.index("Зрители") + len("Зрители")),
        "isfara": (RU.index("Исфары"), RU.index("Исфары") + len("Исфары")),
    }
    path = archive(
        tmp_path / "qualcoder.qdpx",
        qualcoder_qde(where),
        {
            f"sources/{g(21)}.txt": (BOM + RU).encode("utf-8"),
            f"sources/{g(23)}.txt": (BOM + TG).encode("utf-8"),
            f"sources/{g(50)}.txt": (BOM + "Met the festival organisers.").encode("utf-8"),
        },
    )
    counts = import_qdpx(engine, path)
    assert (counts.documents_added, counts.codes_added) == (2, 4)  # 3 codes, the annotation code
    assert any("byte-order mark" in w for w in counts.warnings)
    assert any("1 notes hold a text selection but name no source" in w for w in counts.warnings)
    assert spans(engine) == {
        "Дни культуры": ("Дни культуры", "aida"),
        "Зрители": ("Молодёжь", "farrukh"),
        "Исфары": (ANNOTATION_CODE, "farrukh"),
    }
    assert memos(engine) == {
        "Check the date": ("coding", "Дни культуры"),
        "Isfara is in Batken": ("coding", "Исфары"),  # an annotation stays on its span
        "Press release, Bishkek": ("document", "ru_report.txt"),
        "Met the festival organisers.": ("project", None),  # the journal
        "Kyrgyz–Tajik days of culture, pilot coding": ("project", None),
        "Which concert?": ("project", None),  # names no source among two: kept, unattached
        CATEGORY_MEMO: ("code", "Культура"),
    }
    with session_scope(engine) as session:
        days = session.scalars(select(Code).where(Code.name == "Дни культуры")).one()
        assert days.definition == "Official days of culture"
        assert session.get(Code, days.parent_id).name == "Культура"
        languages = dict(session.execute(select(Document.title, Document.language)).all())
        assert languages == {"ru_report.txt": "ru", "tg_news.txt": "tg"}  # no variable: identified

    # and back out: the category is non-codable again, every memo in both forms, valid
    out = tmp_path / "again.qdpx"
    with session_scope(engine) as session:
        export_qdpx(session, out)
    validates(out)
    root = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
    codable = {c.get("name"): c.get("isCodable") for c in root.iterfind(".//q:Code", NS)}
    assert codable["Культура"] == "false" and codable["Дни культуры"] == "true"
    again = import_qdpx(engine, out)
    assert (again.codings_added, again.memos_added) == (0, 0)


def test_qualcoder_maxqda_line_endings_corrected_from_the_selected_text(engine, tmp_path):
    """QualCoder's "MAXQDA line endings" export: CRLF in the file, positions without the CRs;
    every selection carries its text in ``name``, which shows the convention."""
    start = RU.index("Исфары")
    later = RU.index("три дня")
    town = RU.index("Худжанда")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="p.qda" origin="QualCoder 3.6" \
creatingUserGUID="{g(99)}" creationDateTime="2024-05-01T10:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{g(1)}" name="aida" />
</Users>
<CodeBook>
<Codes>
<Code guid="{g(10)}" name="place" isCodable="true" color="#F781F3" />
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://{g(21)}.txt" creatingUser="{g(1)}" guid="{g(20)}" name="ru">
<PlainTextSelection guid="{g(30)}" startPosition="{start}" endPosition="{start + 6}" name="Исфары" \
creatingUser="{g(1)}" creationDateTime="2024-05-02T10:00:00Z">
<Coding guid="{g(31)}" creatingUser="{g(1)}" >
<CodeRef targetGUID="{g(10)}" />
</Coding>
</PlainTextSelection>
<PlainTextSelection guid="{g(32)}" startPosition="{later}" endPosition="{later + 7}" \
name="три дня" creatingUser="{g(1)}" creationDateTime="2024-05-02T10:00:00Z">
<Coding guid="{g(33)}" creatingUser="{g(1)}" >
<CodeRef targetGUID="{g(10)}" />
</Coding>
</PlainTextSelection>
</TextSource>
</Sources>
<Notes>
<Note guid="{g(42)}" creatingUser="{g(1)}" creationDateTime="2024-05-03T10:00:00Z" >
<PlainTextContent>Sughd or Batken?</PlainTextContent>
<PlainTextSelection guid="{g(43)}" startPosition="{town}" endPosition="{town + 8}" />
</Note>
</Notes>
<Description />
</Project>"""
    crlf = (BOM + RU.replace("\n", "\r\n")).encode("utf-8")
    counts = import_qdpx(
        engine, archive(tmp_path / "crlf.qdpx", qde, {f"sources/{g(21)}.txt": crlf})
    )
    assert spans(engine) == {
        "Исфары": ("place", "aida"),
        "три дня": ("place", "aida"),
        "Худжанда": (ANNOTATION_CODE, "aida"),
    }
    said = "2 of 2 selections' text matches so, 0 when CRs are counted"
    assert any(said in w for w in counts.warnings)
    # one text source: QualCoder's unreferenced annotation is placed on it, on the right span
    assert memos(engine)["Sughd or Batken?"] == ("coding", "Худжанда")


# --- NVivo -------------------------------------------------------------------------------------
# NVivo (15, Mac) writes attributes in alphabetical order, lower-case GUIDs, a User id,
# standalone="no", an empty basePath, a .docx beside each plain text, the coder of a selection
# on the PlainTextSelection and the person who applied the code on the Coding (they differ),
# span notes as a NoteRef on the selection, and annotations as a Note (its text a .txt file)
# joined to a code-less selection by a Link.

NV = "Кыргыз-тажик чек арасындагы маданий кызматташтык өнүгүүдө.\nЖаштар лагери Баткенде өттү."


def test_nvivo_coder_and_span_notes(engine, tmp_path):
    culture = (NV.index("маданий"), NV.index("маданий") + len("маданий кызматташтык"))
    camp = (NV.index("Жаштар"), NV.index("Жаштар") + len("Жаштар лагери"))
    batken = (NV.index("Баткенде"), NV.index("Баткенде") + len("Баткенде"))
    qde = f"""<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath="" \
creatingUserGUID="{g(1)}" creationDateTime="2024-09-15T15:36:45Z" \
modifiedDateTime="2024-09-15T15:36:51Z" modifyingUserGUID="{g(1)}" name="kg project" \
origin="NVivo for Mac 15.0.0" xmlns="urn:QDA-XML:project:1.0" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd"><Users><User guid="{g(1)}" id="AS" \
name="asel"/><User guid="{g(2)}" id="B" name="bakyt"/></Users><CodeBook><Codes><Code \
guid="{g(10)}" isCodable="true" name="cooperation"><Code guid="{g(11)}" isCodable="true" \
name="youth"/></Code></Codes></CodeBook><Sources><TextSource creatingUser="{g(1)}" \
creationDateTime="2024-09-15T15:36:47Z" guid="{g(20)}" modifiedDateTime="2024-09-15T15:36:47Z" \
modifyingUser="{g(1)}" name="interview_kg" plainTextPath="internal://{g(20)}.txt" \
richTextPath="internal://{g(20)}.docx"><PlainTextSelection creatingUser="{g(1)}" \
creationDateTime="2024-09-15T15:40:00Z" endPosition="{culture[1]}" guid="{g(30)}" \
startPosition="{culture[0]}"><Coding creatingUser="{g(2)}" creationDateTime="2024-09-15T15:41:00Z" \
guid="{g(31)}"><CodeRef targetGUID="{g(10)}"/></Coding><NoteRef targetGUID="{g(40)}"/>\
</PlainTextSelection><PlainTextSelection creatingUser="{g(2)}" \
creationDateTime="2024-09-15T15:40:00Z" endPosition="{camp[1]}" guid="{g(32)}" \
startPosition="{camp[0]}"><Coding creatingUser="{g(1)}" guid="{g(33)}"><CodeRef \
targetGUID="{g(11)}"/></Coding></PlainTextSelection><PlainTextSelection creatingUser="{g(2)}" \
endPosition="{batken[1]}" guid="{g(34)}" startPosition="{batken[0]}"/></TextSource></Sources>\
<Notes><Note creatingUser="{g(2)}" creationDateTime="2024-09-15T15:42:00Z" guid="{g(40)}" \
name="span note"><PlainTextContent>Said with emphasis</PlainTextContent></Note><Note \
creatingUser="{g(2)}" guid="{g(41)}" name="Annotation" plainTextPath="internal://{g(41)}.txt" \
richTextPath="internal://{g(41)}.docx"/></Notes><Links><Link direction="OneWay" guid="{g(50)}" \
originGUID="{g(41)}" targetGUID="{g(34)}"/></Links></Project>"""
    path = archive(
        tmp_path / "nvivo.qdpx",
        qde,
        {
            f"sources/{g(20)}.txt": NV,
            f"sources/{g(20)}.docx": b"PK\x03\x04 not read",
            f"sources/{g(41)}.txt": "The camp was cancelled in 2021",
            f"sources/{g(41)}.docx": b"PK\x03\x04 not read",
            "sources/.root": b"",
        },
    )
    counts = import_qdpx(engine, path)
    assert counts.warnings == []
    assert spans(engine) == {  # the selection's creator, not the Coding's, as QualCoder reads it
        "маданий кызматташтык": ("cooperation", "asel"),
        "Жаштар лагери": ("youth", "bakyt"),
        "Баткенде": (ANNOTATION_CODE, "bakyt"),
    }
    assert memos(engine) == {
        "Said with emphasis": ("coding", "маданий кызматташтык"),  # not a document memo
        "The camp was cancelled in 2021": ("coding", "Баткенде"),  # the Link's annotation
    }
    with session_scope(engine) as session:
        assert session.scalars(select(Document.language)).one() == "ky"


# --- ATLAS.ti ----------------------------------------------------------------------------------
# ATLAS.ti (23, Windows) writes an xsi:schemaLocation, modifyingUserGUID, an "ATLAS.ti" user
# beside the analyst, code groups as <Sets> with MemberCode, and its own extensions in a vendor
# namespace (the namespace URI below is ours: any namespace other than REFI's is treated alike).

ATLAS_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="urn:QDA-XML:project:1.0 \
http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" \
xmlns:atl="urn:example:atlasti-extensions" origin="ATLAS.ti for Windows 23.2.3.27778" \
name="kg-tj" creatingUserGUID="{u}" creationDateTime="2023-08-16T15:49:36Z" \
modifyingUserGUID="{u}" modifiedDateTime="2023-08-16T15:50:33Z" atl:projectVersion="23" \
xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="{u}" name="Nilufar" />
    <User guid="{a}" name="ATLAS.ti" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{c1}" name="border" isCodable="true" color="#E5C100" atl:commentFormat="rtf" />
      <Code guid="{c2}" name="festival" isCodable="true" color="#0096C7">
        <atl:Properties><atl:Groundedness>1</atl:Groundedness></atl:Properties>
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{s}" name="Vorukh report" plainTextPath="internal://{s}.txt" \
creatingUser="{u}" creationDateTime="2023-08-16T15:49:40Z">
      <PlainTextSelection guid="{q}" name="1:1 Vorukh" startPosition="{start}" \
endPosition="{end}" creatingUser="{u}" creationDateTime="2023-08-16T15:50:00Z">
        <Coding guid="{k}" creatingUser="{u}" creationDateTime="2023-08-16T15:50:00Z">
          <CodeRef targetGUID="{c1}" />
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Sets>
    <Set guid="{set}" name="Context">
      <Description>Codes about the setting</Description>
      <MemberCode targetGUID="{c1}" />
      <MemberCode targetGUID="{c2}" />
    </Set>
  </Sets>
</Project>"""
ATLAS_TEXT = "Vorukh enclave: the festival went ahead despite the border tension."


def test_atlas_vendor_extensions_accepted_and_code_groups_kept(engine, tmp_path):
    ids = {k: g(n, lower=False) for n, k in enumerate(["u", "a", "c1", "c2", "s", "q", "k", "set"])}
    qde = ATLAS_QDE.format(**ids, start=0, end=len("Vorukh"))
    path = archive(tmp_path / "atlas.qdpx", qde, {f"sources/{ids['s']}.txt": ATLAS_TEXT})
    counts = import_qdpx(engine, path)
    said = " | ".join(counts.warnings)
    assert "vendor attribute projectVersion (urn:example:atlasti-extensions) dropped" in said
    assert "vendor element <Properties>" in said and "vendor attribute commentFormat" in said
    assert spans(engine) == {"Vorukh": ("border", "Nilufar")}
    with session_scope(engine) as session:
        found = session.execute(select(Memo.text, Memo.code_id)).all()
        assert sorted((text, session.get(Code, c).name) for text, c in found) == [
            ("Code set: Context\nCodes about the setting", "border"),  # one memo per member
            ("Code set: Context\nCodes about the setting", "festival"),
        ]
        assert session.scalars(select(Document.language)).one() == "en"

    # the code group goes back out as a <Set>, in a project and in a codebook
    out = tmp_path / "out.qdpx"
    with session_scope(engine) as session:
        export_qdpx(session, out)
        export_qdc(session, tmp_path / "out.qdc")
    validates(out)
    root = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
    group = root.find("q:Sets/q:Set", NS)
    assert (group.get("name"), group.find("q:Description", NS).text) == (
        "Context",
        "Codes about the setting",
    )
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    assert sorted(codes[m.get("targetGUID")] for m in group.iterfind("q:MemberCode", NS)) == [
        "border",
        "festival",
    ]
    qdc = etree.parse(str(tmp_path / "out.qdc")).getroot()
    assert len(qdc.findall("c:Sets/c:Set/c:MemberCode", NS)) == 2
    if SCHEMAS.exists():
        xmlschema.XMLSchema(str(SCHEMAS / "Codebook-mrt2019.xsd")).validate(
            str(tmp_path / "out.qdc")
        )
    again = import_qdpx(engine, out)
    assert (again.codings_added, again.memos_added) == (0, 0)


# ATLAS.ti for Windows (23.4) writes its codebook in the old ``urn:QDA-XML:codebook:0:4``
# namespace, a code group's member as ``MemberCode guid=`` (as quoted in the tests of
# github.com/RE-QDA/requal); read as the 1.0 codebook, without a warning.
@pytest.mark.parametrize("version", ["0:4", "1.0"])
def test_atlas_codebook_in_the_old_namespace(engine, tmp_path, version):
    code, group = g(70, lower=False), g(71, lower=False)
    qdc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd" '
        f'origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:{version}">\n'
        f'  <Codes>\n    <Code guid="{code}" name="water" color="#46AA00" isCodable="true">\n'
        "      <Description>Irrigation and canals</Description>\n    </Code>\n  </Codes>\n"
        f'  <Sets>\n    <Set name="Resources" guid="{group}">\n'
        f'      <Description>group 1</Description>\n      <MemberCode guid="{code}" />\n'
        "    </Set>\n  </Sets>\n</CodeBook>"
    )
    path = tmp_path / "atlas.qdc"
    path.write_text(qdc, encoding="utf-8")
    counts = import_qdc(engine, path)
    assert (counts.codes_added, counts.memos_added, counts.warnings) == (1, 1, [])
    with session_scope(engine) as session:
        water = session.scalars(select(Code)).one()
        assert (water.name, water.definition, water.colour) == (
            "water",
            "Irrigation and canals",
            "#46AA00",
        )
        assert session.scalars(select(Memo.text)).one() == "Code set: Resources\ngroup 1"


def test_vendor_extensions_do_not_excuse_real_schema_errors(engine, tmp_path):
    ids = {k: g(n, lower=False) for n, k in enumerate(["u", "a", "c1", "c2", "s", "q", "k", "set"])}
    qde = ATLAS_QDE.format(**ids, start=0, end=6).replace(' startPosition="0"', "")
    path = archive(tmp_path / "broken.qdpx", qde, {f"sources/{ids['s']}.txt": ATLAS_TEXT})
    with pytest.raises(InputError) as caught:
        import_qdpx(engine, path)
    assert "does not match the REFI-QDA schema" in str(caught.value)
    assert "'startPosition' is required" in caught.value.errors[0].value
    with session_scope(engine) as session:
        assert session.scalars(select(Document)).first() is None


# NVivo for Mac 15 writes a source whose document is empty as a plainText file holding one
# newline (seen in a real export: github.com/cproctor/qualitative-coding,
# qualitative_coding/refi_qda/nvivo_project.qdpx). Stored, every such source would be "the
# same document" as the first one; each is skipped, by name, instead.
def test_nvivo_empty_sources_skipped_with_a_warning(engine, tmp_path):
    sources = "".join(
        f'<TextSource guid="{g(n)}" name="doc {n}" plainTextPath="internal://{g(n)}.txt" '
        f'richTextPath="internal://{g(n)}.docx" creatingUser="{g(1)}"/>'
        for n in (20, 21)
    )
    qde = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project '
        f'creatingUserGUID="{g(1)}" name="qc project" origin="NVivo for Mac 15.0.0" '
        f'xmlns="urn:QDA-XML:project:1.0"><Users><User guid="{g(1)}" id="CP" name="cp"/>'
        f'</Users><CodeBook><Codes><Code guid="{g(10)}" isCodable="true" name="rq1">'
        f'<Code guid="{g(11)}" isCodable="true" name="programming"/></Code></Codes></CodeBook>'
        f"<Sources>{sources}</Sources></Project>"
    )
    files = {f"sources/{g(n)}.txt": "\n" for n in (20, 21)}
    counts = import_qdpx(engine, archive(tmp_path / "nvivo_mac.qdpx", qde, files))
    assert (counts.documents_added, counts.documents_matched, counts.codes_added) == (0, 0, 2)
    assert counts.skipped == 2
    assert counts.warnings == [
        "source 'doc 20' skipped: its text is empty",
        "source 'doc 21' skipped: its text is empty",
    ]


# --- Taguette ----------------------------------------------------------------------------------
# Taguette exports a codebook only: SAX-written, no whitespace, tag paths with backslashes as
# names, and an empty <Sets/> the schema does not allow (a Set is required inside it).

TAGUETTE_QDC = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4.1"><Codes>'
    '<Code guid="0D62985D-B147-5D01-A9B5-CAE5DCD98342" name="interesting" isCodable="true"/>'
    '<Code guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F" name="people" isCodable="true"/>'
    '<Code guid="55BB6892-6F30-5129-8CB8-557A1B12137B" name="interesting\\places" '
    'isCodable="true"/></Codes><Sets/></CodeBook>'
)


def test_taguette_codebook_with_empty_sets(engine, tmp_path):
    path = tmp_path / "taguette.qdc"
    path.write_text(TAGUETTE_QDC, encoding="utf-8")
    counts = import_qdc(engine, path)
    assert counts.codes_added == 3
    assert counts.warnings == ["taguette.qdc: empty <Sets/> ignored (line 2)"]
    with session_scope(engine) as session:
        names = set(session.scalars(select(Code.name)))
        assert {"interesting", "people", "interesting\\places"} <= names


# --- MAXQDA ------------------------------------------------------------------------------------
# MAXQDA (2022) writes Windows files: a UTF-8 text with BOM and CRLF line ends whose positions
# count each line end as one character, paragraph-wise selections starting at a line start,
# selections without a name, and a memo on a selection with no code as its Description.

MX = "Протокол заседания комиссии.\nСтороны договорились о фестивале.\nСледующая встреча в Оше."


def test_maxqda_crlf_positions_counted_without_cr(engine, tmp_path):
    """The required case: a CRLF source with codings counted without CRs imports with the
    right spans. Paragraph codings start where the CR-counting reading would put them between
    a CR and its LF, which decides the convention."""
    para2 = (MX.index("Стороны"), MX.index("Следующая") - 1)
    para3 = (MX.index("Следующая"), len(MX))
    osh = (MX.index("Оше"), MX.index("Оше") + 3)
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="commission" origin="MAXQDA 2022 (Release 22.2.1)" creatingUserGUID="{g(1, False)}" \
creationDateTime="2024-03-01T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="{g(1, False)}" name="Zarina" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{g(10, False)}" name="agreement" isCodable="true" color="#FF0000" />
      <Code guid="{g(11, False)}" name="meeting" isCodable="true" color="#00FF00" />
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{g(20, False)}" name="protocol" plainTextPath="internal://{g(20, False)}.txt">
      <PlainTextSelection guid="{g(30, False)}" startPosition="{para2[0]}" \
endPosition="{para2[1]}" creatingUser="{g(1, False)}">
        <Coding guid="{g(31, False)}" creatingUser="{g(1, False)}">
          <CodeRef targetGUID="{g(10, False)}" />
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(32, False)}" startPosition="{para3[0]}" \
endPosition="{para3[1]}" creatingUser="{g(1, False)}">
        <Coding guid="{g(33, False)}" creatingUser="{g(1, False)}">
          <CodeRef targetGUID="{g(11, False)}" />
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{g(34, False)}" startPosition="{osh[0]}" endPosition="{osh[1]}" \
creatingUser="{g(1, False)}">
        <Description>Osh, not Khujand</Description>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    source = ("\ufeff" + MX.replace("\n", "\r\n")).encode("utf-8")
    path = archive(tmp_path / "maxqda.qdpx", qde, {f"sources/{g(20, False)}.txt": source})
    counts = import_qdpx(engine, path)
    assert spans(engine) == {
        "Стороны договорились о фестивале.": ("agreement", "Zarina"),
        "Следующая встреча в Оше.": ("meeting", "Zarina"),
        "Оше": (ANNOTATION_CODE, "Zarina"),
    }
    assert any(
        "fall between a CR and its LF" in w and "3 spans corrected" in w for w in counts.warnings
    )
    assert memos(engine) == {"Osh, not Khujand": ("coding", "Оше")}


# --- repairs, each named in a warning ---------------------------------------------------------


def test_lenient_repairs_known_harmless_deviations(engine, tmp_path):
    """Each repair is named in a warning; the file then validates and imports."""
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" basePath="" exportedBy="x">
<CodeBook><Codes><Code guid="{g(10)}" name="border" color="red"/></Codes>
<Sets><Set guid="{g(60)}" name="Context"><MemberCode targetGUID="{g(10)}"/></Set></Sets></CodeBook>
<Sources><TextSource guid="{g(20)}" name="t" creationDateTime="14.03.2024 10:00">
<PlainTextContent>Border talks resumed in Batken after the winter.</PlainTextContent>
<PlainTextSelection guid="{g(30)}" startPosition="0" endPosition="6">
<Coding guid="{g(31)}"><CodeRef targetGUID="{g(10)}"/></Coding></PlainTextSelection>
</TextSource></Sources><Notes/></Project>"""
    counts = import_qdpx(engine, archive(tmp_path / "odd.qdpx", qde, {}))
    assert sorted(counts.warnings) == sorted(
        [
            "odd.qdpx:project.qde: <Sets> inside <CodeBook> read as the project's sets (line 3)",
            "odd.qdpx:project.qde: empty <Notes/> ignored (line 8)",
            "odd.qdpx:project.qde: attribute exportedBy, which the schema does not define, "
            "dropped (line 1)",
            "odd.qdpx:project.qde: missing isCodable read as true (the standard's default)"
            " (line 2)",
            "odd.qdpx:project.qde: invalid creationDateTime value dropped (line 4)",
            "odd.qdpx:project.qde: invalid color value dropped (line 2)",
        ]
    )
    assert spans(engine) == {"Border": ("border", "refi:unknown")}
    assert memos(engine) == {"Code set: Context": ("code", "border")}
