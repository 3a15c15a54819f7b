"""Files as people in the region have them: CSV saved by Russian-locale Excel (Windows-1251),
KOI8-R and UTF-16 text, dd.mm.yyyy dates, merged cells in a workbook."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import registry_row, write_registry
from lowpolitics.ingest.checks import regional_date
from lowpolitics.ingest.registry import parse_registry

ROW = dict(
    id="r-1", date="14.09.2022", title="Фестиваль дружбы в Баткене", mechanism="societal",
    status="held", host_country="KG", partner_country="TJ", source_url="https://e.org/a",
    notes="Жители Исфары и Баткена пели вместе; ҳамкорӣ",
)  # fmt: skip


@pytest.mark.parametrize(
    "value, iso",
    [("14.09.2022", "2022-09-14"), ("4.9.22", "2022-09-04"), ("09.2022", "2022-09"),
     ("2022-09-14", "2022-09-14"), ("5/8/2020", "5/8/2020")],
)  # fmt: skip
def test_regional_dates(value, iso):
    assert regional_date(value) == iso


@given(st.dates(min_value=__import__("datetime").date(1991, 1, 1)))
def test_dotted_dates_round_trip(day):
    assert regional_date(day.strftime("%d.%m.%Y")) == day.isoformat()


@pytest.mark.parametrize("encoding, shown", [("cp1251", "windows-1251"), ("utf-16", "utf-16")])
def test_csv_in_the_regions_encodings(tmp_path, codebook, gazetteer, encoding, shown):
    path = write_registry(tmp_path / "r.csv", [registry_row(**{**ROW, "notes": "Жители Исфары"})])
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode(encoding))
    parsed = parse_registry(path, codebook, gazetteer)
    assert parsed.errors == [] and not parsed.rejected
    (record,) = parsed.records
    assert record.title == "Фестиваль дружбы в Баткене"
    assert str(record.date) == "2022-09-14"
    assert any(shown in w for w in parsed.warnings)


def test_merged_cells_are_filled_down_with_a_warning(tmp_path, codebook, gazetteer):
    from openpyxl import Workbook

    from lowpolitics.ingest.registry import REGISTRY_COLUMNS

    columns = list(REGISTRY_COLUMNS)
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for i in (1, 2, 3):
        row = registry_row(**{**ROW, "id": f"r-{i}", "notes": ""})
        sheet.append([row[c] for c in columns])
    col = columns.index("mechanism") + 1
    sheet.cell(3, col).value = None
    sheet.cell(4, col).value = None
    sheet.merge_cells(start_row=2, start_column=col, end_row=4, end_column=col)
    book.save(tmp_path / "m.xlsx")
    parsed = parse_registry(tmp_path / "m.xlsx", codebook, gazetteer)
    assert not parsed.errors and not parsed.rejected
    assert [r.mechanism for r in parsed.records] == ["societal"] * 3
    assert any("merged cells" in w for w in parsed.warnings)


def test_encoding_named_by_the_user_overrides_detection(cli, tmp_path):
    """Detection can guess wrong on a short file; --encoding says what it is, and a file that
    is not in the named encoding is refused with the byte and line, nothing written."""
    db = tmp_path / "e.db"
    assert cli("--db", db, "init").code == 0
    row = "name,country,type,notes\nОбщество Достук,KG,cso,\n"
    source = tmp_path / "actors.csv"
    source.write_bytes(row.encode("koi8_r"))
    result = cli("--db", db, "import", "actors", source, "--encoding", "koi8-r")
    assert result.code == 0, result
    assert "read as koi8-r (as declared)" in " ".join((result.out + result.err).split())
    from lowpolitics.store.db import make_engine, session_scope
    from lowpolitics.store.models import Actor

    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        assert session.query(Actor).filter_by(name="Общество Достук").count() == 1
    engine.dispose()
    wrong = tmp_path / "utf8.csv"
    wrong.write_bytes("name,country,type,notes\nЁж ёлки,KG,cso,\n".encode())
    refused = cli("--db", db, "import", "actors", wrong, "--encoding", "ascii")
    assert refused.code == 2 and "as --encoding says" in refused.err and "line 2" in refused.err
    unknown = cli("--db", db, "import", "actors", wrong, "--encoding", "martian")
    assert unknown.code != 0 and "not an encoding Python knows" in unknown.err
