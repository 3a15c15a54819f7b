"""Importing documents: real files of every format, read, checked and stored on both backends."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from lowpolitics.cli.documents_command import import_documents_command
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.documents import read_document, read_metadata_csv
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.documents import DocumentImportReport, expand_paths, import_documents
from lowpolitics.store.models import Document, Segment

TG = (
    "Ҳафтаи фарҳанги Тоҷикистон дар шаҳри Бишкек баргузор шуд. Ҳунармандони тоҷик "
    "барномаи ҷолиби мусиқӣ ва рақсҳои мардумиро пешкаш карданд."
)
KY = (
    "Бишкекте Тажикстандын маданият күндөрү өттү. Кыргыз жана тажик жаштары "
    "биргелешип өнүгүү жөнүндө сүйлөшүштү жана достук көпүрөсүн курууга үндөштү."
)
RU = (
    "В Бишкеке прошли Дни культуры Таджикистана. Артисты из Душанбе показали "
    "концертную программу, а молодёжь двух стран обсудила совместные проекты."
)
RU_ARTICLE = [
    "В Баткене открылся совместный кыргызско-таджикский фестиваль народных ремёсел. "
    "Мастера из Исфары и Баткена представили ковры, керамику и вышивку.",
    "Организаторы отметили, что фестиваль проводится впервые после долгого перерыва и "
    "должен укрепить доверие между жителями приграничных сёл.",
    "По словам участников, следующая встреча запланирована на осень в Ворухе, куда "
    "приедут школьники и учителя из обеих стран для обмена опытом.",
]


# --- file makers
def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Маданий алмашуу", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def make_odt(path: Path, heading: str, paragraphs: list[str]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for text in paragraphs:
        document.text.addElement(P(text=text))
    document.save(str(path))
    return path


@functools.cache
def _pdf_bytes(paragraphs: tuple[str, ...]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return HTML(string=f"<html><body><h1>Дни культуры</h1>{body}</body></html>").write_pdf()


def make_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A real PDF rendered by WeasyPrint (rendered once per test run: fonts load slowly)."""
    path.write_bytes(_pdf_bytes(tuple(paragraphs)))
    return path


def make_encrypted_pdf(source: Path, path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(source))
    writer.encrypt("pw")
    writer.write(path)
    return path


def make_blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(path)
    return path


NAV = "".join(f'<li><a href="/s{i}">Раздел новостей {i}</a></li>' for i in range(12))
HTML_PAGE = f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>Фестиваль ремёсел в Баткене</title>
<link rel="canonical" href="https://news.example.kg/batken-festival">
<meta property="article:published_time" content="2023-09-14">
</head><body>
<header><nav><ul>{NAV}</ul></nav></header>
<main><article>
<h1>Фестиваль ремёсел в Баткене</h1>
{"".join(f"<p>{p}</p>" for p in RU_ARTICLE)}
</article></main>
<footer><p>© 2024 Новостной портал. Все права защищены. Реклама на сайте.</p>
<ul><li><a href="/about">О нас</a></li><li><a href="/ads">Реклама</a></li></ul></footer>
</body></html>"""


@pytest.fixture
def batch(tmp_path) -> Path:
    """A folder with one good file of each format and three bad ones."""
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    make_docx(folder / "tajik.docx", [TG, KY], table=[["Шаҳр", "Сана"], ["Бишкек", "2023"]])
    make_odt(folder / "sub" / "kyrgyz.odt", "Достук", [KY])
    pdf = make_pdf(folder / "russian.pdf", [RU])
    make_encrypted_pdf(pdf, folder / "locked.pdf")
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    good = (folder / "tajik.docx").read_bytes()
    (folder / "broken.docx").write_bytes(good[: len(good) // 3])
    (folder / "notes.csv").write_text("ignored,because,not,a,document\n", encoding="utf-8")
    return folder


# --- readers
def test_docx_paragraphs_then_tables(tmp_path):
    path = make_docx(tmp_path / "a.docx", [TG, KY], table=[["Шаҳр", "Сана"], ["Бишкек", "2023"]])
    read = read_document(path)
    assert read.title == "Маданий алмашуу"
    assert read.text.index(TG) < read.text.index(KY) < read.text.index("Шаҳр\tСана")
    assert read.text.endswith("Бишкек\t2023")


def test_odt_headings_and_paragraphs_in_order(tmp_path):
    read = read_document(make_odt(tmp_path / "a.odt", "Достук", [KY, TG]))
    assert read.title == "Достук"
    assert read.text == f"Достук\n\n{KY}\n\n{TG}"


def test_pdf_from_html_has_russian_text(tmp_path):
    read = read_document(make_pdf(tmp_path / "a.pdf", [RU]))
    flat = " ".join(read.text.split())
    assert "Дни культуры Таджикистана" in flat
    assert "молодёжь двух стран" in flat


def test_encrypted_and_scanned_pdf_messages(tmp_path):
    source = make_pdf(tmp_path / "a.pdf", [RU])
    with pytest.raises(InputError, match=r"locked\.pdf: encrypted PDF"):
        read_document(make_encrypted_pdf(source, tmp_path / "locked.pdf"))
    with pytest.raises(InputError, match=r"scan\.pdf: no text layer \(scanned\?\)"):
        read_document(make_blank_pdf(tmp_path / "scan.pdf"))


def test_html_keeps_article_drops_boilerplate(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    read = read_document(path)
    for paragraph in RU_ARTICLE:
        assert paragraph in read.text
    assert "Раздел новостей" not in read.text
    assert "Все права защищены" not in read.text
    assert read.title == "Фестиваль ремёсел в Баткене"
    assert read.url == "https://news.example.kg/batken-festival"
    assert str(read.published_on) == "2023-09-14"
    undated = HTML_PAGE.replace('content="2023-09-14"', 'content=""')
    path.write_text(undated, encoding="utf-8")
    assert read_document(path).published_on is None  # not guessed from "© 2024"


def test_txt_crlf_bom_and_decomposed_unicode(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Тоҷикистон ва Кыргызстан: йод, ёлка")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + f"Заголовок\r\n\r\n{decomposed}\r\n".encode())
    read = read_document(path)
    assert read.text == "Заголовок\n\n" + unicodedata.normalize("NFC", decomposed) + "\n"
    assert read.title == "Заголовок"


def test_txt_in_the_regions_encodings_is_read(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Привет, мир\nвторая строка с Баткеном".encode("cp1251"))
    assert read_document(path).text.startswith("Привет, мир")
    path.write_bytes("Привет из Исфары".encode("utf-16"))
    assert "Привет из Исфары" in read_document(path).text
    path.write_bytes(bytes(range(256)) * 4)  # not text in any encoding we read
    with pytest.raises(InputError, match=r"cp1251\.txt: not text in UTF-8"):
        read_document(path)


def test_md_front_matter_becomes_metadata(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Дни культуры\ndate: 2023-05-01\ncountry: kg\nlanguage: ru\n"
        "author: Айгуль\n---\n\n# Заголовок\n\n" + RU + "\n",
        encoding="utf-8",
    )
    read = read_document(path)
    assert read.text == f"# Заголовок\n\n{RU}\n"
    assert read.title == "Дни культуры"
    assert str(read.published_on) == "2023-05-01"
    assert read.declared["country"] == "KG" and read.declared["language"] == "ru"
    assert read.metadata["author"] == "Айгуль"
    path.write_text("---\ndate: 2023-02-30\n---\ntext here\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.md: bad front matter.*column 'date'"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n", "empty file"),
        ("a.rtf", b"{\\rtf1 text}", "unsupported file type '.rtf'"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "damaged or not a Word .docx file"),
        ("broken.odt", b"garbage", "damaged or not an OpenDocument .odt file"),
        ("broken.pdf", b"%PDF-1.4 garbage", "damaged PDF"),
    ],
)
def test_bad_files_name_file_and_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert caught.value.summary.startswith(f"{name}: {reason}")


# --- metadata CSV
def test_metadata_csv_reports_every_bad_cell(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text(
        "file,title,date,outlet,country,genre,url,language\n"
        "a.txt,Title A,2023-05,24.kg,KG,news,https://24.kg/a,ru\n"
        "b.txt,,2023-13-01,,XX,,ftp://x,fr\n"
        ",,,,,,,\n"
        "a.txt,,,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_metadata_csv(path)
    errors = caught.value.errors
    cells = {(e.line, e.column) for e in errors}
    assert cells == {(3, "date"), (3, "country"), (3, "url"), (3, "language"), (5, "file")}
    assert "meta.csv, line 5, column 'file'" in str(errors[-1]) and "line 2" in str(errors[-1])
    path.write_text("file,title,date\nA.txt,T,2023\n", encoding="utf-8")
    fields = read_metadata_csv(path)["A.txt"]
    assert fields["title"] == "T" and str(fields["published_on"]) == "2023-01-01"
    path.write_text("name,title\na.txt,T\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_metadata_csv(path)
    assert {(e.line, e.column) for e in caught.value.errors} >= {(1, "file"), (1, "name")}


# --- store (both backends)
def test_batch_imports_good_files_and_reports_bad_ones(engine, batch):
    report = import_documents(engine, [batch])
    imported = {d.path.name for d in report.imported}
    assert imported == {"tajik.docx", "kyrgyz.odt", "russian.pdf", "page.html"}
    failed = {f.path.name: f.message for f in report.failed}
    assert set(failed) == {"locked.pdf", "empty.txt", "broken.docx"}
    assert "encrypted PDF" in failed["locked.pdf"]
    assert failed["empty.txt"].startswith("empty.txt: empty file")
    assert "broken.docx: damaged" in failed["broken.docx"]
    with session_scope(engine) as session:
        docs = {d.filename: d for d in session.scalars(select(Document))}
        assert set(docs) == imported
        assert docs["kyrgyz.odt"].language == "ky"
        assert docs["page.html"].language == "ru"
        assert docs["russian.pdf"].language == "ru"
        assert docs["page.html"].url == "https://news.example.kg/batken-festival"
        assert str(docs["page.html"].published_on) == "2023-09-14"
        pieces: dict[tuple[str, str], list[str]] = {}
        for segment in session.scalars(select(Segment).order_by(Segment.start)):
            doc = next(d for d in docs.values() if d.id == segment.document_id)
            piece = doc.text[segment.start : segment.end]
            assert piece and piece == piece.strip()
            pieces.setdefault((doc.filename, segment.kind), []).append(piece)
    assert {kind for _, kind in pieces} == {"paragraph", "sentence"}
    assert pieces["tajik.docx", "paragraph"] == [
        "Маданий алмашуу",
        TG,
        KY,
        "Шаҳр\tСана\nБишкек\t2023",
    ]
    assert pieces["kyrgyz.odt", "sentence"][1] == "Бишкекте Тажикстандын маданият күндөрү өттү."


def test_duplicates_are_skipped_with_the_original_id(engine, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text(RU, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(RU.replace("\n", "\r\n").encode("utf-8-sig"))  # same text once cleaned
    report = import_documents(engine, [first, copy])
    original = report.imported[0].document_id
    assert [d.path.name for d in report.imported] == ["a.txt"]
    assert [(d.path.name, d.duplicate_of) for d in report.duplicates] == [("copy.txt", original)]
    again = import_documents(engine, [first])
    assert again.imported == [] and again.duplicates[0].duplicate_of == original

    path = tmp_path / "nfd.txt"
    path.write_bytes(f"Күндөр\r\n\r\n{unicodedata.normalize('NFD', KY)}\r\n".encode())
    report = import_documents(engine, [path])
    with session_scope(engine) as session:
        doc = session.get(Document, report.imported[0].document_id)
        assert doc.text == f"Күндөр\n\n{KY}\n"
        assert "\r" not in doc.text and unicodedata.is_normalized("NFC", doc.text)
        assert doc.language == "ky" and report.imported[0].language_source == "detected"


def test_metadata_csv_and_front_matter_applied(engine, tmp_path):
    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("file,date,country\nru.txt,2023-99,KGZ\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_documents(engine, [tmp_path / "ru.txt"], meta_csv=bad)
    assert {(e.line, e.column) for e in caught.value.errors} == {(2, "date"), (2, "country")}
    with session_scope(engine) as session:
        assert session.scalars(select(Document)).first() is None  # nothing stored

    (tmp_path / "tg.md").write_text(
        f"---\ntitle: From front matter\noutlet: Asia-Plus\ngenre: news\n---\n{TG}\n",
        encoding="utf-8",
    )
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "file,title,date,outlet,country,genre,url,language\n"
        "ru.txt,Дни культуры,2023-05-10,24.kg,kg,news,https://24.kg/x,ru\n"
        "tg.md,CSV title wins,,,TJ,,,tg\n"
        "missing.txt,,,,,,,\n",
        encoding="utf-8",
    )
    report = import_documents(engine, [tmp_path / "ru.txt", tmp_path / "tg.md"], meta_csv=meta)
    assert report.ok and len(report.imported) == 2
    assert report.warnings == ["metadata for 'missing.txt': no such file among those imported"]
    with session_scope(engine) as session:
        ru = session.scalars(select(Document).where(Document.filename == "ru.txt")).one()
        got = (ru.title, str(ru.published_on), ru.outlet, ru.country_code, ru.url, ru.language)
        assert got == ("Дни культуры", "2023-05-10", "24.kg", "KG", "https://24.kg/x", "ru")
        tg = session.scalars(select(Document).where(Document.filename == "tg.md")).one()
        got = (tg.title, tg.outlet, tg.genre, tg.country_code, tg.language)
        assert got == ("CSV title wins", "Asia-Plus", "news", "TJ", "tg")
    assert {d.language_source for d in report.imported} == {"metadata"}


def test_expand_paths_skips_hidden_and_reports_missing(tmp_path):
    (tmp_path / "d" / ".git").mkdir(parents=True)
    for name in ("d/a.txt", "d/~$lock.docx", "d/.hidden.md", "d/.git/x.txt", "d/x.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    report = DocumentImportReport()
    found = expand_paths([tmp_path / "d", tmp_path / "d" / "a.txt", tmp_path / "nope"], report)
    assert found == [tmp_path / "d" / "a.txt"]
    assert [f.message for f in report.failed] == [f"{tmp_path / 'nope'}: no such file or folder"]


# --- CLI
def _app(url: str) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = State(db=url)
        ctx.call_on_close(ctx.obj.close)

    app.command("documents")(import_documents_command)
    return app


def test_cli_lists_failures_and_exits_2(batch, tmp_path):
    """The command itself is backend-neutral; the store tests above cover both backends."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cli_engine = make_engine(url)
    upgrade(cli_engine)
    cli_engine.dispose()
    runner = CliRunner()
    result = runner.invoke(_app(url), ["documents", str(batch)])
    assert result.exit_code == 2, result.output
    assert "imported 4 documents, 0 duplicates skipped, 3 failed" in result.output
    assert "locked.pdf: encrypted PDF" in result.output
    good = batch / "page.html"
    result = runner.invoke(_app(url), ["documents", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 0 documents, 1 duplicate skipped, 0 failed" in result.output
    assert "same text as document" in result.output
