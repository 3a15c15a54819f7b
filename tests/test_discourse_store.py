"""The discourse side end to end: outlets and a coded index imported on both backends (bad rows
named by file, line and field; nothing half-written), documents read by the pipeline as units
of the same kind, ``analyse discourse`` in every format, the web page and its KWIC lines, and
the bundled coded index behind ``recommend``."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from lowpolitics.analysis.discourse_units import load_units
from lowpolitics.framework.errors import InputError
from lowpolitics.store.corpus import DocumentMeta, add_document
from lowpolitics.store.db import session_scope
from lowpolitics.store.discourse_models import CodedText
from lowpolitics.store.importing import import_file

OUTLETS = [
    {"id": "kabar", "name": "Kabar", "country": "KG", "ownership": "state"},
    {"id": "khovar", "name": "Khovar", "country": "TJ", "ownership": "state"},
    {"id": "cabar", "name": "CABAR.asia", "country": "third", "ownership": "international"},
]


def coded_row(i: int, **over) -> dict:
    row = {
        "id": f"t-{i:03d}",
        "url": f"https://example.org/{i}",
        "outlet": "kabar",
        "outlet_country": "KG",
        "genre": "news",
        "date": "2021-05-01",
        "lang": "ru",
        "frame": "neutral",
        "frame_evidence": "переговоры ; встреча",
        "mentions": "country:Tajikistan:neutral ; people:Tajiks:securitizing",
        "topic": "talks",
        "coder": "coder-a",
        "read_chars": "900",
        "note": "",
    }
    row.update(over)
    return row


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def loaded(engine, codebook, gazetteer, tmp_path):
    outlets = [
        dict.fromkeys(("languages", "domain", "source_url", "note"), "") | o for o in OUTLETS
    ]
    import_file(
        engine, "outlets", write_csv(tmp_path / "outlets.csv", outlets), codebook, gazetteer
    )
    rows = [
        coded_row(1),
        coded_row(
            2,
            outlet="khovar",
            outlet_country="TJ",
            lang="tg",
            frame="integrative",
            mentions="people:Kyrgyz:integrative",
        ),
    ]
    stems = tmp_path / "stems.jsonl"
    stems.write_text(
        json.dumps({"id": "t-001", "stems": {"граница": 3, "агрессия": 2}}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    outcome = import_file(
        engine,
        "coded-texts",
        write_csv(tmp_path / "coded.csv", rows),
        codebook,
        gazetteer,
        stems=stems,
    )
    assert outcome.result.added == 2
    return engine


def test_coded_index_imports_and_becomes_units(loaded, codebook):
    with session_scope(loaded) as session:
        units = load_units(session, codebook.frame_codes)
    assert [(u.key, u.side, u.outlet, u.frame) for u in units] == [
        ("t-001", "KG", "kabar", "neutral"),
        ("t-002", "TJ", "khovar", "integrative"),
    ]
    first = units[0]
    assert first.day == date(2021, 5, 1) and first.stems == {"граница": 3, "агрессия": 2}
    assert [(m.side, m.kind, m.name, m.frame) for m in first.mentions_of_other()] == [
        ("TJ", "country", "Tajikistan", "neutral"),
        ("TJ", "people", "Tajiks", "securitizing"),
    ]
    assert units[1].mentions[0].side == "KG"


def test_reimport_is_unchanged_and_an_edit_is_an_update(loaded, codebook, gazetteer, tmp_path):
    rows = [
        coded_row(1),
        coded_row(
            2,
            outlet="khovar",
            outlet_country="TJ",
            lang="tg",
            frame="securitizing",
            mentions="people:Kyrgyz:integrative",
        ),
    ]
    outcome = import_file(
        loaded, "coded-texts", write_csv(tmp_path / "again.csv", rows), codebook, gazetteer
    )
    assert (outcome.result.unchanged, outcome.result.updated) == (0, 2)  # t-001 loses its stems
    with session_scope(loaded) as session:
        assert session.query(CodedText).filter_by(key="t-002").one().frame == "securitizing"


def test_bad_rows_are_named_and_nothing_is_written(engine, codebook, gazetteer, tmp_path):
    rows = [
        coded_row(1),
        coded_row(2, date="2021-05"),
        coded_row(3, frame="hostile"),
        coded_row(4, mentions="people:Tajiks"),
        coded_row(5, outlet_country="UZ"),
        coded_row(6, url="not a url"),
    ]
    with pytest.raises(InputError) as caught:
        import_file(
            engine, "coded-texts", write_csv(tmp_path / "bad.csv", rows), codebook, gazetteer
        )
    where = {(e.line, e.column) for e in caught.value.errors}
    assert where == {(3, "date"), (4, "frame"), (5, "mentions"), (6, "outlet_country"), (7, "url")}
    assert all(e.file == "bad.csv" for e in caught.value.errors)
    with session_scope(engine) as session:
        assert session.query(CodedText).count() == 0


def test_a_known_outlet_fixes_the_side(loaded, codebook, gazetteer, tmp_path):
    rows = [coded_row(9, outlet="khovar", outlet_country="KG")]
    with pytest.raises(InputError) as caught:
        import_file(
            loaded, "coded-texts", write_csv(tmp_path / "side.csv", rows), codebook, gazetteer
        )
    assert caught.value.errors[0].column == "outlet_country"
    assert "TJ, the country of outlet khovar" in caught.value.errors[0].expected


def test_stems_for_an_unknown_text_are_refused(engine, codebook, gazetteer, tmp_path):
    stems = tmp_path / "stems.jsonl"
    stems.write_text('{"id": "nope", "stems": {"a": 1}}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_file(
            engine,
            "coded-texts",
            write_csv(tmp_path / "c.csv", [coded_row(1)]),
            codebook,
            gazetteer,
            stems=stems,
        )
    assert {(e.file, e.line) for e in caught.value.errors} == {
        ("stems.jsonl", 2),
        ("stems.jsonl", None),
    }


def test_documents_with_an_outlet_speak_for_its_country(loaded, codebook):
    with session_scope(loaded) as session:
        add_document(
            session,
            "Таджикская сторона совершила провокацию у села Ворух. Переговоры продолжатся.",
            DocumentMeta(
                key="doc-kg", published_on=date(2022, 9, 15), outlet="Kabar", language="ru"
            ),
            who="test",
        )
        add_document(
            session,
            "Погода в Бишкеке хорошая.",  # never names the other side: not a unit
            DocumentMeta(
                key="doc-none", published_on=date(2022, 9, 15), outlet="kabar", language="ru"
            ),
            who="test",
        )
        add_document(
            session,
            "Таджикская сторона снова у Ворух.",  # no outlet, no country: who speaks is unknown
            DocumentMeta(key="doc-anon", published_on=date(2022, 9, 15), language="ru"),
            who="test",
        )
    with session_scope(loaded) as session:
        units = {u.key: u for u in load_units(session, codebook.frame_codes)}
    assert set(units) == {"t-001", "t-002", "doc-kg"}
    unit = units["doc-kg"]
    assert (unit.side, unit.outlet, unit.origin, unit.frame_basis) == (
        "KG",
        "kabar",
        "document",
        "lexicon",
    )
    assert {(m.name, m.frame) for m in unit.mentions} >= {
        ("Tajiks", "securitizing"),
        ("Vorukh", "securitizing"),
    }
    assert unit.stems.get("переговоры", 0) + unit.stems.get("переговор", 0) == 1


def test_analyse_discourse_cli_formats(cli, tmp_path, codebook, gazetteer):
    db = tmp_path / "d.db"
    assert cli("--db", db, "init").code == 0
    outlets = [
        dict.fromkeys(("languages", "domain", "source_url", "note"), "") | o for o in OUTLETS
    ]
    assert cli("--db", db, "import", "outlets", write_csv(tmp_path / "o.csv", outlets)).code == 0
    rows = [coded_row(i, date=f"{2019 + i % 3}-05-01") for i in range(12)] + [
        coded_row(
            100 + i,
            outlet="khovar",
            outlet_country="TJ",
            date=f"{2019 + i % 3}-06-01",
            frame="securitizing" if i % 2 else "neutral",
            mentions="people:Kyrgyz:neutral",
        )
        for i in range(12)
    ]
    assert cli("--db", db, "import", "coded-texts", write_csv(tmp_path / "c.csv", rows)).code == 0
    result = cli("--db", db, "analyse", "discourse", "--format", "json", "--draws", "200")
    assert result.code == 0, result
    doc = json.loads(result.out)
    assert doc["units"] == 24 and doc["by_side"] == {"KG": 12, "TJ": 12}
    assert {c["period"] for c in doc["divergence"]} == {"2019", "2020", "2021"}
    assert doc["trends"][0]["measure"] == "jsd"
    table = cli("--db", db, "analyse", "discourse", "--draws", "200", "--period", "quarter")
    assert table.code == 0 and "2019Q2" in table.out
    rows_csv = cli(
        "--db",
        db,
        "analyse",
        "discourse",
        "--format",
        "csv",
        "--draws",
        "200",
        "--by",
        "outlet",
        "--genre",
        "news",
    )
    assert rows_csv.code == 0 and rows_csv.out.startswith("group,period,n,frame")
    assert "khovar" in rows_csv.out
    bad = cli("--db", db, "analyse", "discourse", "--by", "region")
    assert bad.code != 0 and "--by" in bad.err


def test_a_document_is_read_once_when_stored_and_a_stale_reading_is_read_again(
    loaded, codebook, monkeypatch
):
    from lowpolitics.analysis import discourse_units
    from lowpolitics.store.discourse_models import DocumentReading
    from lowpolitics.text import discourse_reading

    with session_scope(loaded) as session:
        document, _ = add_document(
            session,
            "Таджикская сторона обстреляла село Ворух.",
            DocumentMeta(key="doc-r", published_on=date(2022, 9, 15), outlet="kabar"),
            who="test",
        )
        reading = session.get(DocumentReading, document.id)
        assert reading.reader == discourse_reading.reader_version()
        assert reading.language == "ru" and reading.mentions[-1][:3] == ["TJ", "place", "Vorukh"]
    calls = []
    real = discourse_reading.read_document
    monkeypatch.setattr(discourse_reading, "read_document", lambda *a: calls.append(a) or real(*a))
    with session_scope(loaded) as session:
        units = {u.key: u for u in discourse_units.load_units(session, codebook.frame_codes)}
    assert "doc-r" in units and calls == []  # the stored reading served
    with session_scope(loaded, write=True) as session:
        session.get(DocumentReading, document.id).reader = "an older lexicon"
    with session_scope(loaded) as session:
        again = {u.key: u for u in discourse_units.load_units(session, codebook.frame_codes)}
    assert len(calls) == 1 and again["doc-r"].mentions == units["doc-r"].mentions
