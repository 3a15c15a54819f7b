"""Event data as users have it: ACLED of every release, zipped downloads, GDELT's repeats of
one article, UCDP GED's CSV and API — and dates that must not be guessed.

The files in tests/data/events are written for these tests in the datasets' exact shapes (the
published column lists); their rows are the project's own wording, not ACLED's or UCDP's data.
"""

import csv
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from conftest import DATA
from lowpolitics.framework.errors import ConfigError, InputError
from lowpolitics.ingest.feeds import GDELT_COLUMNS, parse_acled, parse_gdelt, parse_ucdp
from lowpolitics.ingest.tables import read_table
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import ContextEvent

EVENTS = DATA / "events"
ACLED_2020 = EVENTS / "acled-2020-05-central-asia.csv"
GED_CSV = EVENTS / "GEDEvent_kg_tj_sample.csv"
GED_API = EVENTS / "ged-api-kg-tj.json"

# UCDP GED's published columns (codebook 23.1 and later), in the download's order
GED_COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]


def flat(text: str) -> str:
    """What the CLI printed, without the console's line wrapping."""
    return " ".join(text.split())


def write_rows(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def zipped(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# --- ACLED ------------------------------------------------------------------------------------


def test_acled_export_re_saved_by_excel_keeps_the_kok_tash_clash(codebook, gazetteer):
    """ACLED's 31 columns, dates as Excel re-writes them (8-May-20): of eight Kyrgyz and Tajik
    events only KGZ392 is between the two countries, and it is dated 8 May 2020."""
    parsed = parse_acled(ACLED_2020, codebook, gazetteer)
    assert parsed.ok, [str(e) for e in parsed.all_errors]
    [clash] = parsed.records
    assert clash.key == "acled-KGZ392" and str(clash.date) == "2020-05-08"
    assert (clash.kind, clash.severity, clash.fatalities_low) == ("security", 2, 0)
    assert (clash.place_id, clash.region_code) == ("kg_kok_tash", "KG-B")
    # the Kyrgyz–Uzbek riot at Chechme, Tajik–Afghan border fire, protests: outside the pair
    assert parsed.skipped == 7 and parsed.merged == 0


def test_acled_export_imports_with_the_clash_on_8_may(engine, codebook, gazetteer):
    outcome = import_file(engine, "context", ACLED_2020, codebook, gazetteer, fmt="acled")
    assert (outcome.result.added, outcome.skipped) == (1, 7)
    with session_scope(engine) as session:
        [event] = session.scalars(select(ContextEvent)).all()
        assert event.key == "acled-KGZ392" and event.date_start == date(2020, 5, 8)


OLD_ACLED_HEADER = [
    "GWNO",
    "EVENT_ID_CNTY",
    "EVENT_ID_NO_CNTY",
    "EVENT_DATE",
    "YEAR",
    "TIME_PRECISION",
    "EVENT_TYPE",
    "ACTOR1",
    "ALLY_ACTOR_1",
    "INTER1",
    "ACTOR2",
    "ALLY_ACTOR_2",
    "INTER2",
    "INTERACTION",
    "COUNTRY",
    "ADMIN1",
    "ADMIN2",
    "ADMIN3",
    "LOCATION",
    "LATITUDE",
    "LONGITUDE",
    "GEO_PRECISION",
    "SOURCE",
    "NOTES",
    "FATALITIES",
]


def old_acled_row(event_id, when, event_type, ally2, country="Kyrgyzstan", notes=""):
    cells = dict.fromkeys(OLD_ACLED_HEADER, "")
    cells.update(
        GWNO="703" if country == "Kyrgyzstan" else "702",
        EVENT_ID_CNTY=event_id,
        EVENT_DATE=when,
        YEAR=when[-4:],
        TIME_PRECISION="1",
        EVENT_TYPE=event_type,
        ACTOR1="Rioters (Kyrgyzstan)",
        ACTOR2="Rioters (Kyrgyzstan)",
        ALLY_ACTOR_2=ally2,
        COUNTRY=country,
        ADMIN1="Batken",
        LOCATION="Ak-Sai",
        NOTES=notes or "Villagers threw stones at each other over the use of a road.",
        FATALITIES="0",
    )
    return [cells[c] for c in OLD_ACLED_HEADER]


@pytest.fixture
def old_acled(tmp_path):
    """An export from before 2019: upper-case names, ALLY_ACTOR_*, dd/mm/yyyy dates; the Tajik
    side only in ALLY_ACTOR_2 (read by the country-pair filter as assoc_actor_2 is)."""
    rows = [
        old_acled_row("KGZ21", "27/05/2019", "Riots/Protests", "Rioters (Tajikistan)"),
        old_acled_row("KGZ22", "05/06/2019", "Battle-No change of territory", "Tajik villagers"),
        old_acled_row("KGZ23", "12/06/2019", "Riots/Protests", ""),  # Kyrgyz only
    ]
    return write_rows(tmp_path / "ACLED_Asia_2019.csv", OLD_ACLED_HEADER, rows)


def test_old_acled_columns_and_ally_actors(codebook, gazetteer, old_acled):
    parsed = parse_acled(old_acled, codebook, gazetteer, date_format="%d/%m/%Y")
    assert parsed.ok and parsed.skipped == 1
    riot, battle = parsed.records
    assert (riot.key, str(riot.date), riot.severity) == ("acled-KGZ21", "2019-05-27", 2)
    assert (battle.key, str(battle.date)) == ("acled-KGZ22", "2019-06-05")
    assert riot.place_id == "kg_ak_sai"


def test_ambiguous_date_is_refused_naming_file_line_and_field(codebook, gazetteer, old_acled):
    """05/06/2019 could be 5 June or May 6: refused, with the way out. 27/05/2019 is certain."""
    parsed = parse_acled(old_acled, codebook, gazetteer)
    [rejected] = parsed.rejected
    [error] = rejected.errors
    assert (error.file, error.line, error.column) == ("ACLED_Asia_2019.csv", 3, "EVENT_DATE")
    assert "5 June 2019" in error.expected and "6 May 2019" in error.expected
    assert "--date-format" in error.expected
    assert [r.key for r in parsed.records] == ["acled-KGZ21"]


def test_header_errors_use_the_files_spelling(codebook, gazetteer, tmp_path):
    path = write_rows(tmp_path / "a.csv", ["EVENT_ID_CNTY", "EVENT_DATE"], [["K1", "8-May-20"]])
    assert {e.column for e in parse_acled(path, codebook, gazetteer).errors} >= {"fatalities"}


def test_bad_date_format_is_refused_before_reading(codebook, gazetteer, old_acled):
    with pytest.raises(ConfigError):
        parse_acled(old_acled, codebook, gazetteer, date_format="dd/mm/yyyy")


def test_cli_date_format(cli, tmp_path, old_acled):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli("--db", db, "init").code == 0
    refused = cli("--db", db, "import", "context", old_acled, "--format", "acled")
    assert refused.code == 2 and "Traceback" not in refused.err
    assert "ACLED_Asia_2019.csv, line 3, column 'EVENT_DATE'" in flat(refused.err)
    assert "--date-format" in refused.err
    bad = cli(
        "--db", db, "import", "context", old_acled, "--format", "acled", "--date-format", "%q"
    )
    assert bad.code == 2 and "--date-format" in bad.err
    done = cli(
        "--db",
        db,
        "import",
        "context",
        old_acled,
        "--format",
        "acled",
        "--date-format",
        "%d/%m/%Y",
    )
    assert done.code == 0, done
    assert "2 added" in done.out and "1 outside the country pair skipped" in flat(done.out)


def test_own_layout_reads_a_date_format(engine, codebook, gazetteer, tmp_path):
    path = write_rows(
        tmp_path / "context.csv", ["id", "date", "kind"], [["c-1", "5/8/2020", "security"]]
    )
    with pytest.raises(InputError):
        import_file(engine, "context", path, codebook, gazetteer)
    outcome = import_file(engine, "context", path, codebook, gazetteer, date_format="%m/%d/%Y")
    assert outcome.result.added == 1
    with session_scope(engine) as session:
        assert session.scalars(select(ContextEvent)).one().date_start == date(2020, 5, 8)


# --- zips -------------------------------------------------------------------------------------


def test_zipped_acled_download_is_read(codebook, gazetteer, tmp_path):
    archive = zipped(
        tmp_path / "acled.zip",
        {
            "2020-05-central-asia.csv": ACLED_2020.read_bytes(),
            "README.txt": b"Terms of use",
            "__MACOSX/._2020-05-central-asia.csv": b"\x00",
        },
    )
    parsed = parse_acled(archive, codebook, gazetteer)
    assert [r.key for r in parsed.records] == ["acled-KGZ392"]
    assert any("README.txt" in w and "not read" in w for w in parsed.warnings)


def test_zip_with_several_tables_names_them(tmp_path):
    archive = zipped(tmp_path / "two.zip", {"a.csv": b"x\n1\n", "b.csv": b"x\n2\n"})
    with pytest.raises(InputError) as info:
        read_table(archive)
    assert "a.csv, b.csv" in info.value.summary and "two.zip" in info.value.summary
    assert "unzip" in info.value.errors[0].expected


def test_zip_without_a_table_says_what_it_holds(tmp_path):
    archive = zipped(tmp_path / "docs.zip", {"codebook.pdf": b"%PDF"})
    with pytest.raises(InputError) as info:
        read_table(archive)
    assert "codebook.pdf" in info.value.errors[0].expected


def test_errors_inside_a_zip_name_the_member(codebook, gazetteer, tmp_path):
    text = GED_CSV.read_text(encoding="utf-8").replace("2022-09-16 00:00:00.000,2022-09-16", "x,y")
    archive = zipped(tmp_path / "ged231-csv.zip", {"GEDEvent_v23_1.csv": text.encode()})
    parsed = parse_ucdp(archive, codebook, gazetteer)
    [error] = parsed.rejected[0].errors[:1]
    assert error.file == "ged231-csv.zip/GEDEvent_v23_1.csv" and error.column == "date_start"


def test_zipped_ucdp_download(codebook, gazetteer, tmp_path):
    archive = zipped(tmp_path / "ged231-csv.zip", {"GEDEvent_v23_1.csv": GED_CSV.read_bytes()})
    assert len(parse_ucdp(archive, codebook, gazetteer).records) == 4


# --- GDELT ------------------------------------------------------------------------------------


def gdelt_row(event_id, quad, root, goldstein, url, day="20220916", actors=("KGZ", "TJK")):
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row.update(
        GlobalEventID=event_id,
        Day=day,
        Actor1CountryCode=actors[0],
        Actor2CountryCode=actors[1],
        Actor1Name="KYRGYZSTAN",
        Actor2Name="TAJIKISTAN",
        QuadClass=quad,
        EventRootCode=root,
        EventCode=root + "0",
        GoldsteinScale=goldstein,
        ActionGeo_Fullname="Batken, Batken, Kyrgyzstan",
        SOURCEURL=url,
    )
    return "\t".join(row[c] for c in GDELT_COLUMNS)


A, B = "https://news.example/clash", "https://news.example/talks"
GDELT_LINES = [
    gdelt_row("101", "1", "04", "1.0", A),  # the article opens with the talks: first, not kept
    gdelt_row("102", "3", "13", "-4.4", A),  # a threat
    gdelt_row("103", "4", "19", "-10.0", A),  # the fighting: the most severe, kept
    gdelt_row("104", "4", "19", "-10.0", A),  # the same again, later: merged
    gdelt_row("105", "4", "19", "-10.0", A, day="20220917"),  # next day: its own event
    gdelt_row("106", "1", "04", "1.9", B),
    gdelt_row("107", "2", "05", "3.5", B),  # cooperation; the meeting is more political
    gdelt_row("108", "1", "04", "1.0", B, actors=("USA", "KGZ")),  # not the pair
]


def test_gdelt_keeps_the_most_severe_event_of_an_article(codebook, gazetteer, tmp_path):
    path = tmp_path / "20220916000000.export.CSV"
    path.write_text("\n".join(GDELT_LINES) + "\n", encoding="utf-8")
    parsed = parse_gdelt(path, codebook, gazetteer)
    assert parsed.ok
    assert [r.key for r in parsed.records] == ["gdelt-103", "gdelt-105", "gdelt-106"]
    fight = parsed.records[0]
    assert (fight.kind, fight.severity) == ("security", 2)
    assert "3 more events of this article that day merged (CAMEO 040, 130, 190)" in fight.summary
    assert (parsed.merged, parsed.skipped) == (4, 1)
    assert any("merged" in w for w in parsed.warnings)


def test_zipped_gdelt_export_and_the_import_summary(cli, tmp_path):
    text = ("\n".join(GDELT_LINES) + "\n").encode()
    archive = zipped(
        tmp_path / "20220916000000.export.CSV.zip", {"20220916000000.export.CSV": text}
    )
    db = f"sqlite:///{tmp_path / 'g.db'}"
    assert cli("--db", db, "init").code == 0
    result = cli("--db", db, "import", "context", archive, "--format", "gdelt")
    assert result.code == 0, result
    assert "3 added" in result.out and "4 merged" in result.out
    assert "1 outside the country pair skipped" in flat(result.out)


def test_zip_saved_without_zip_suffix_gets_a_hint(codebook, gazetteer, tmp_path):
    """The old symptom: a zip read as text gave '1 fields' with no hint. Under another name
    it is not unpacked (the web import takes no zips) but named for what it is."""
    text = ("\n".join(GDELT_LINES) + "\n").encode()
    path = zipped(tmp_path / "20220916000000.export.CSV", {"20220916000000.export.CSV": text})
    for parse in (parse_gdelt, parse_acled):
        with pytest.raises(InputError) as info:
            parse(path, codebook, gazetteer)
        assert "is a .zip archive" in info.value.summary
        assert "ending in .zip" in info.value.errors[0].expected


def test_gdelt_other_layouts_are_named(codebook, gazetteer, tmp_path):
    path = tmp_path / "20130401.export.CSV"
    path.write_text("\t".join(["1"] * 58) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_gdelt(path, codebook, gazetteer)
    assert "GDELT 1.0" in info.value.errors[0].expected


# --- UCDP GED ---------------------------------------------------------------------------------


def test_ged_sample_has_the_published_columns():
    with GED_CSV.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == GED_COLUMNS


def test_ged_csv_kyrgyz_tajik_2021_and_2022(codebook, gazetteer):
    parsed = parse_ucdp(GED_CSV, codebook, gazetteer)
    assert parsed.ok and parsed.skipped == 2  # Rushan (Tajik only), Kunduz (Afghanistan)
    found = {
        r.key: (
            str(r.date),
            str(r.end_date) if r.end_date else None,
            r.fatalities_low,
            r.fatalities_high,
            r.severity,
            r.place_id,
            r.region_code,
        )
        for r in parsed.records
    }
    assert found == {
        "ucdp-433201": ("2021-04-29", "2021-04-30", 34, 36, 4, "kg_kok_tash", "KG-B"),
        "ucdp-433202": ("2021-04-29", "2021-04-30", 19, 19, 4, "tj_vorukh", "TJ-SU"),
        "ucdp-460118": ("2022-09-14", "2022-09-16", 59, 63, 4, "kg_batken", "KG-B"),
        "ucdp-460119": ("2022-09-16", None, 3, 3, 3, "tj_ovchi_kalacha", "TJ-SU"),
    }


def test_ged_api_json_gives_the_same_events_as_the_csv(codebook, gazetteer):
    """The API's typed JSON (numbers, booleans, T-separated dates) reads to the same records,
    so importing one after the other changes nothing."""
    from_api = {r.key: r.content_hash for r in parse_ucdp(GED_API, codebook, gazetteer).records}
    from_csv = {r.key: r.content_hash for r in parse_ucdp(GED_CSV, codebook, gazetteer).records}
    assert sorted(from_api) == ["ucdp-433201", "ucdp-460118"]
    assert all(from_csv[key] == digest for key, digest in from_api.items())


def test_ged_before_5_0_upper_case_and_best_est(codebook, gazetteer, tmp_path):
    header = [
        "ID",
        "DATE_START",
        "DATE_END",
        "COUNTRY",
        "SIDE_A",
        "SIDE_B",
        "WHERE_COORDINATES",
        "ADM_1",
        "BEST_EST",
        "LOW_EST",
        "HIGH_EST",
    ]
    row = [
        "9001",
        "2014-01-11",
        "2014-01-11",
        "Kyrgyzstan",
        "Government of Kyrgyzstan",
        "Government of Tajikistan",
        "Ak-Sai village",
        "Batken province",
        "0",
        "0",
        "2",
    ]
    parsed = parse_ucdp(write_rows(tmp_path / "ged20.csv", header, [row]), codebook, gazetteer)
    [event] = parsed.records
    assert (event.fatalities_low, event.fatalities_high, event.place_id) == (0, 2, "kg_ak_sai")
