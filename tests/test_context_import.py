"""Context import: own layout with tension periods, and the ACLED, UCDP GED, GDELT layouts."""

import csv

import pytest
from sqlalchemy import select

from lowpolitics.framework.errors import InputError
from lowpolitics.ingest.context import CONTEXT_COLUMNS
from lowpolitics.ingest.feeds import GDELT_COLUMNS, parse_acled, parse_gdelt, parse_ucdp
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import ContextEvent


def write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


CONTEXT_ROWS = [
    {
        "id": "c-1",
        "date": "2021-04-28",
        "end_date": "2021-05-01",
        "kind": "tension_period",
        "summary": "Armed conflict around the Golovnoy water intake",
        "source_url": "https://example.org/a;https://example.org/b",
    },
    {
        "id": "c-2",
        "date": "2021-04-29",
        "kind": "security",
        "severity": "5",
        "fatalities": "49-55",
        "place": "Golovnoy",
        "source_url": "https://example.org/c",
    },
    {
        "id": "c-3",
        "date": "2025-03-13",
        "kind": "political",
        "place": "Bishkek",
        "summary": "Border treaty signed",
        "source_url": "https://example.org/d",
    },
]


def test_own_context_file(engine, codebook, gazetteer, tmp_path):
    path = write_csv(tmp_path / "context.csv", CONTEXT_COLUMNS, CONTEXT_ROWS)
    outcome = import_file(engine, "context", path, codebook, gazetteer)
    assert outcome.result.added == 3
    again = import_file(engine, "context", path, codebook, gazetteer)
    assert again.result.unchanged == 3
    with session_scope(engine) as session:
        events = {e.key: e for e in session.scalars(select(ContextEvent))}
        period = events["c-1"]
        assert period.kind == "tension_period" and period.end_start.isoformat() == "2021-05-01"
        assert [link.source.url for link in period.source_links] == [
            "https://example.org/a",
            "https://example.org/b",
        ]
        clash = events["c-2"]
        assert (clash.fatalities_low, clash.fatalities_high) == (49, 55)
        assert clash.region_code == "KG-B"


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("kind", "war", "context kind"),
        ("severity", "9", "one of 1, 2, 3, 4, 5"),
        ("fatalities", "about 50", "range"),
        ("fatalities", "55-49", "range"),
        ("end_date", "", "end date"),
    ],
)
def test_bad_context_cells(engine, codebook, gazetteer, tmp_path, column, value, expected):
    rows = [dict(r) for r in CONTEXT_ROWS]
    target = 0 if column == "end_date" else 1
    rows[target][column] = value
    path = write_csv(tmp_path / "bad.csv", CONTEXT_COLUMNS, rows)
    with pytest.raises(InputError) as info:
        import_file(engine, "context", path, codebook, gazetteer)
    [error] = info.value.errors
    assert error.line == target + 2 and error.column == column and expected in error.expected


ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def test_acled_native_layout(codebook, gazetteer, tmp_path):
    rows = [
        {
            "event_id_cnty": "KGZ1001",
            "event_date": "2021-04-29",
            "time_precision": "1",
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "actor1": "Military Forces of Kyrgyzstan (2020-)",
            "actor2": "Military Forces of Tajikistan (1994-)",
            "country": "Kyrgyzstan",
            "admin1": "Batken",
            "location": "Kok-Tash",
            "fatalities": "12",
            "notes": "Clash at the border",
        },
        {
            "event_id_cnty": "TJK2002",
            "event_date": "16 September 2022",
            "time_precision": "3",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling",
            "actor1": "Military Forces of Tajikistan (1994-)",
            "actor2": "Civilians (Kyrgyzstan)",
            "country": "Tajikistan",
            "admin1": "Sughd",
            "location": "Isfara",
            "fatalities": "0",
        },
        {
            "event_id_cnty": "KGZ1003",
            "event_date": "2021-05-02",
            "event_type": "Protests",
            "actor1": "Protesters (Kyrgyzstan)",
            "country": "Kyrgyzstan",
            "admin1": "Chuy",
            "location": "Bishkek",
            "fatalities": "0",
            "notes": "Pension protest",
        },
        {
            "event_id_cnty": "UZB1",
            "event_date": "2021-05-02",
            "event_type": "Battles",
            "actor1": "Military Forces of Uzbekistan",
            "actor2": "Military Forces of Tajikistan",
            "country": "Uzbekistan",
            "fatalities": "1",
        },
    ]
    path = write_csv(tmp_path / "acled.csv", ACLED_HEADER, rows)
    parsed = parse_acled(path, codebook, gazetteer)
    assert parsed.ok and parsed.skipped == 2
    first, second = parsed.records
    assert first.key == "acled-KGZ1001" and first.severity == 4 and first.kind == "security"
    assert first.place_id == "kg_kok_tash" and first.region_code == "KG-B"
    assert second.date.precision == "month" and second.severity == 2
    assert second.region_code == "TJ-SU"


def test_acled_missing_columns(codebook, gazetteer, tmp_path):
    path = write_csv(tmp_path / "acled.csv", ["event_id_cnty", "event_date"], [])
    assert {e.column for e in parse_acled(path, codebook, gazetteer).errors} >= {"fatalities"}


def test_ucdp_ged_layout(codebook, gazetteer, tmp_path):
    columns = [
        "id",
        "date_start",
        "date_end",
        "country",
        "side_a",
        "side_b",
        "adm_1",
        "where_description",
        "best",
        "low",
        "high",
        "source_headline",
    ]
    rows = [
        {
            "id": "400123",
            "date_start": "2022-09-14 00:00:00.000",
            "date_end": "2022-09-16 00:00:00.000",
            "country": "Kyrgyzstan",
            "side_a": "Government of Kyrgyzstan",
            "side_b": "Government of Tajikistan",
            "adm_1": "Batken province",
            "where_description": "Batken town",
            "best": "60",
            "low": "55",
            "high": "100",
            "source_headline": "Border fighting",
        },
        {
            "id": "400124",
            "date_start": "2022-09-14",
            "country": "Afghanistan",
            "side_a": "Government of Afghanistan",
            "side_b": "IS",
            "best": "3",
        },
    ]
    parsed = parse_ucdp(write_csv(tmp_path / "ged.csv", columns, rows), codebook, gazetteer)
    assert parsed.ok and parsed.skipped == 1
    [event] = parsed.records
    assert (event.fatalities_low, event.fatalities_high, event.severity) == (55, 100, 4)
    assert str(event.date) == "2022-09-14" and str(event.end_date) == "2022-09-16"
    assert event.region_code == "KG-B"


def gdelt_row(event_id, actor1, actor2, quad, root, url, day="20220916"):
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row.update(
        GlobalEventID=event_id,
        Day=day,
        Actor1CountryCode=actor1,
        Actor2CountryCode=actor2,
        QuadClass=quad,
        EventRootCode=root,
        EventCode=root + "0",
        Actor1Name="KYRGYZSTAN",
        Actor2Name="TAJIKISTAN",
        GoldsteinScale="-10",
        ActionGeo_Fullname="Batken, Batken, Kyrgyzstan",
        SOURCEURL=url,
    )
    return "\t".join(row[c] for c in GDELT_COLUMNS)


def test_gdelt_layout(codebook, gazetteer, tmp_path):
    lines = [
        gdelt_row("1", "KGZ", "TJK", "4", "19", "https://news.example/a"),
        gdelt_row("2", "TJK", "KGZ", "4", "19", "https://news.example/a"),  # same article
        gdelt_row("3", "TJK", "KGZ", "1", "04", "https://news.example/b"),
        gdelt_row("4", "USA", "KGZ", "1", "04", "https://news.example/c"),
    ]
    path = tmp_path / "20220916.export.CSV"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse_gdelt(path, codebook, gazetteer)
    assert parsed.ok and parsed.skipped == 1 and parsed.merged == 1  # merged: not outside the pair
    fight, meeting = parsed.records
    assert fight.kind == "security" and fight.severity == 2
    assert fight.source_urls == ("https://news.example/a",)
    assert meeting.kind == "political" and meeting.severity is None
    assert fight.region_code == "KG-B"


def test_gdelt_wrong_field_count(codebook, gazetteer, tmp_path):
    path = tmp_path / "bad.CSV"
    path.write_text("1\t2\t3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_gdelt(path, codebook, gazetteer)
    assert "61 tab-separated" in info.value.errors[0].expected


def test_feed_import_through_store(engine, codebook, gazetteer, tmp_path):
    path = tmp_path / "events.CSV"
    path.write_text(
        gdelt_row("9", "KGZ", "TJK", "3", "11", "https://news.example/z") + "\n", encoding="utf-8"
    )
    outcome = import_file(engine, "context", path, codebook, gazetteer, fmt="gdelt")
    assert outcome.result.added == 1
    assert (
        import_file(engine, "context", path, codebook, gazetteer, fmt="gdelt").result.unchanged == 1
    )
