"""IATI activity XML 2.03 export: the bundled data validates against the IATI schema, every
code written is in its codelist, and known answers on a small database — status mapping,
dates with their precision, organisation roles and types, a place's coordinates, titles in
several languages, commitments as results, and what cannot be expressed listed, not invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import registry_row, write_registry
from lowpolitics.exchange.iati_export import export_iati
from lowpolitics.exchange.iati_mapping import load_mapping, parse_mapping
from lowpolitics.exchange.iati_records import percentages
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.db import make_engine

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "iati"
XSD = SCHEMA / "iati-activities-schema.xsd"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "data-formats.md"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REF = "XI-IATI-TEST"
AS_OF = "2024-01-01"

# (element path, attribute, codelist) for every coded attribute the export writes
CODED = (
    ("activity-status", "code", "ActivityStatus"),
    ("activity-date", "type", "ActivityDateType"),
    ("participating-org", "role", "OrganisationRole"),
    ("participating-org", "type", "OrganisationType"),
    ("reporting-org", "type", "OrganisationType"),
    ("sector", "code", "Sector"),
    ("location/location-reach", "code", "GeographicLocationReach"),
    ("location/location-class", "code", "GeographicLocationClass"),
    ("location/exactness", "code", "GeographicExactness"),
    ("location/feature-designation", "code", "LocationType"),
    ("location/administrative", "vocabulary", "GeographicVocabulary"),
    ("document-link/category", "code", "DocumentCategory"),
    ("result/document-link/category", "code", "DocumentCategory"),
    ("result", "type", "ResultType"),
    ("result/indicator", "measure", "IndicatorMeasure"),
    ("description", "type", "DescriptionType"),
)


def schema_problems(path: Path) -> list[str]:
    checker = etree.XMLSchema(etree.parse(str(XSD)))
    if checker.validate(etree.parse(str(path))):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log][:10]


def codelist_problems(root: etree._Element) -> list[str]:
    lists = load_mapping().codelists
    wrong = []
    for activity in root.iter("iati-activity"):
        for path, attribute, codelist in CODED:
            for element in activity.findall(path):
                value = element.get(attribute)
                if value is not None and value not in lists[codelist]:
                    wrong.append(f"{activity.findtext('iati-identifier')}: {path}/@{attribute}")
    return wrong


# --- the bundled data ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory):
    from lowpolitics.cli.demo import build_demo

    folder = tmp_path_factory.mktemp("iati-demo")
    state = build_demo(folder / "db", verbose=False)
    target = folder / "demo-iati.xml"
    try:
        summary = export_iati(
            state.engine,
            target,
            state.codebook,
            as_of=date(2026, 1, 1),
            generated=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
        )
    finally:
        state.close()
    return target, summary


def test_demo_export_validates_against_the_iati_schema(demo_export):
    target, summary = demo_export
    assert schema_problems(target) == []
    root = etree.parse(str(target)).getroot()
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2026-01-01T12:00:00+00:00"
    activities = root.findall("iati-activity")
    assert len(activities) == summary.activities == summary.initiatives + summary.rows
    assert summary.initiatives > 20 and summary.rows > 100
    identifiers = [a.findtext("iati-identifier") for a in activities]
    assert len(set(identifiers)) == len(identifiers)
    assert all(i.startswith("XX-LOWPOLITICS-PLACEHOLDER-") for i in identifiers)
    # statements and restrictions are not cooperation: counted, never written
    assert set(summary.not_cooperation) == {"statement", "restriction"}
    assert summary.folded > 0


def test_demo_export_writes_only_codes_of_the_iati_codelists(demo_export):
    target, _ = demo_export
    root = etree.parse(str(target)).getroot()
    assert codelist_problems(root) == []
    for activity in root.iter("iati-activity"):
        for tag in ("recipient-country", "sector"):
            shares = [int(e.get("percentage")) for e in activity.findall(tag)]
            assert not shares or sum(shares) == 100, activity.findtext("iati-identifier")


def test_demo_export_names_the_placeholder_and_what_it_left_out(demo_export):
    _, summary = demo_export
    first = summary.warnings[0]
    assert "placeholder" in first and "XX-LOWPOLITICS-PLACEHOLDER" in first
    assert "--reporting-org-ref, --reporting-org-name, --reporting-org-type not given" in first
    assert summary.not_exported == sum("not exported" in w for w in summary.warnings)
    assert any("is not in the gazetteer" in w for w in summary.warnings)


# --- a small database with known answers -------------------------------------------------

ACTORS = """name,country,type,notes
Ministry of Culture of Tajikistan,TJ,ministry,
Ministry of Culture of Kyrgyzstan,KG,ministry,
Ministry of Foreign Affairs of Kyrgyzstan,KG,ministry,
UNESCO,INT,international_organisation,
UNICEF,INT,international_organisation,
Women of Isfara,TJ,womens_group,
Aziz Karimov,TJ,individual,
Khujand State University,TJ,university,
Ministry of Education of Tajikistan,TJ,ministry,
Ministry of Education of Kyrgyzstan,KG,ministry,
"""

FRAMEWORKS = """
initiatives:
  - name: UN cross-border project
    start: 2014-10
    end: 2018-10
    ended: true
instruments:
  - key: culture-2019
    title: Programme of cultural cooperation
    kind: programme
    signed_on: 2019-01-15
    status: signed
    parties: ["Ministry of Culture of Kyrgyzstan [KG]", "Ministry of Culture of Tajikistan [TJ]"]
    commitments:
      - code: days
        title: Reciprocal Days of Culture
        mechanism: institutional
        initiatives: [Days of Culture]
        due: 2025-06
        source_url: https://example.org/programme
  - key: youth-2025
    title: Youth programme
    kind: programme
    signed_on: 2023-03-13
    parties:
      - Ministry of Education of Kyrgyzstan [KG]
      - Ministry of Education of Tajikistan [TJ]
    commitments:
      - code: forums
        title: Joint youth forums
        mechanism: education_youth
        initiatives: [Youth forums]
        due: "2027"
      - code: volunteering
        title: Volunteering
        mechanism: education_youth
        initiatives: [Volunteering]
"""

DAYS = "Ministry of Culture of Tajikistan [TJ] (organiser);Ministry of Culture of Kyrgyzstan [KG]"
ROWS = [
    registry_row(
        id="r-days-1",
        date="2019-06",
        title="Days of Tajik culture in Bishkek",
        title_ru="Дни таджикской культуры в Бишкеке",
        title_ky="Бишкекте тажик маданиятынын күндөрү",
        initiative="Days of Culture",
        mechanism="institutional",
        activity_type="days_of_culture",
        status="held",
        host_country="KG",
        partner_country="TJ",
        place="Bishkek",
        actors=DAYS + ";UNESCO [INT] (funder);Ministry of Foreign Affairs of Kyrgyzstan [KG] "
        "(mentioned)",
        source_url="https://example.org/days-2019",
    ),
    registry_row(
        id="r-days-1b",
        date="2019-06",
        title="Tajik culture week opens in Bishkek",
        initiative="Days of Culture",
        mechanism="institutional",
        activity_type="days_of_culture",
        status="held",
        place="Bishkek",
        actors=DAYS,
        same_as="r-days-1",
        source_url="https://example.org/дни-2019",
    ),
    registry_row(
        id="r-days-2",
        date="2021-05-10",
        title="Days of Kyrgyz culture in Dushanbe",
        initiative="Days of Culture",
        mechanism="institutional",
        activity_type="days_of_culture",
        status="cancelled",
        status_reason="border clash",
        host_country="TJ",
        partner_country="KG",
        place="Dushanbe",
        actors=DAYS,
        source_url="https://example.org/days-2021",
    ),
    registry_row(
        id="r-days-3",
        date="2025-06",
        title="Days of Tajik culture in Osh",
        initiative="Days of Culture",
        mechanism="institutional",
        activity_type="days_of_culture",
        status="planned",
        host_country="KG",
        partner_country="TJ",
        place="Osh",
        actors=DAYS,
        source_url="https://example.org/days-2025",
    ),
    registry_row(
        id="r-camp",
        date="2021-05-10",
        end_date="2021-05-14",
        title="Cross-border youth camp",
        mechanism="education_youth",
        activity_type="youth_camp",
        status="cancelled",
        status_reason="border clash",
        host_country="KG",
        partner_country="TJ",
        region="KG-B",
        place="Кок-Таш",
        actors="UNICEF [INT] (organiser)",
        participants_total="40",
        participants_women="22",
        source_url="https://example.org/camp",
    ),
    registry_row(
        id="r-women",
        date="2023-09-01",
        title="Women's groups meet in Isfara",
        title_ru="Женские группы встречаются в Исфаре",
        title_ky="Аялдар топтору Исфарада жолугушат",
        title_tg="Гурӯҳҳои занон дар Исфара вомехӯранд",
        mechanism="societal",
        activity_type="womens_group_exchange",
        status="held",
        host_country="TJ",
        partner_country="KG",
        place="Isfara",
        actors="Women of Isfara [TJ] (organiser);Aziz Karimov [TJ] (participant)",
        source_url="https://example.org/women.pdf",
    ),
    registry_row(
        id="r-talks",
        date="2022",
        title="Joint history textbook talks",
        mechanism="discursive",
        activity_type="textbook_history_commission",
        status="planned",
        place="Nowhere Hall",
        actors="Ministry of Education of Tajikistan [TJ] (organiser)",
        source_url="https://example.org/talks",
    ),
    registry_row(
        id="r-exchange",
        date="2020-03",
        title="Student exchange halted",
        mechanism="education_youth",
        activity_type="student_exchange",
        status="suspended",
        host_country="TJ",
        partner_country="KG",
        region="TJ-SU",
        place="Old Campus Hall",
        actors="Khujand State University [TJ]",
        source_url="https://example.org/exchange",
    ),
    registry_row(
        id="r-nobody",
        date="2022-04-01",
        title="A ministry is quoted about a festival",
        mechanism="societal",
        activity_type="festival",
        status="held",
        host_country="KG",
        partner_country="TJ",
        actors="Ministry of Foreign Affairs of Kyrgyzstan [KG] (mentioned)",
        source_url="https://example.org/quoted",
    ),
    registry_row(
        id="r-un",
        date="2015-04-02",
        title="UN project dialogue in Vorukh",
        initiative="UN cross-border project",
        mechanism="societal",
        activity_type="peacebuilding_dialogue",
        status="held",
        host_country="TJ",
        partner_country="KG",
        place="Vorukh",
        actors="UNICEF [INT] (funder);Women of Isfara [TJ] (organiser)",
        source_url="https://example.org/un",
    ),
    registry_row(
        id="r-dialogue",
        date="2022-10-05",
        title="Track II dialogue of experts",
        mechanism="societal",
        activity_type="peacebuilding_dialogue",
        status="held",
        host_country="KG",
        partner_country="TJ",
        place="Bishkek",
        actors="Women of Isfara [TJ] (organiser)",
        source_url="https://example.org/dialogue",
    ),
    registry_row(
        id="r-dialogue-b",
        date="2022-10-05",
        title="Expert dialogue platform launched",
        initiative="Expert dialogues",
        mechanism="societal",
        activity_type="peacebuilding_dialogue",
        status="held",
        same_as="r-dialogue",
        source_url="https://example.org/dialogue-b",
    ),
    registry_row(
        id="r-said",
        date="2022-05-01",
        title="Minister praises good neighbourliness",
        mechanism="discursive",
        activity_type="official_statement",
        status="held",
        record_kind="statement",
        frame="integrative",
        actors="Ministry of Foreign Affairs of Kyrgyzstan [KG] (organiser)",
        source_url="https://example.org/said",
    ),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small database exported once: (root element, summary, file, engine url)."""
    from lowpolitics.cli.main import run

    folder = tmp_path_factory.mktemp("iati-small")
    url = f"sqlite:///{folder / 'small.db'}"
    (folder / "actors.csv").write_text(ACTORS, encoding="utf-8")
    (folder / "frameworks.yaml").write_text(FRAMEWORKS, encoding="utf-8")
    write_registry(folder / "registry.csv", ROWS)
    assert run(["--db", url, "init"]) == 0
    for kind, name in (("actors", "actors.csv"), ("registry", "registry.csv")):
        assert run(["--db", url, "import", kind, str(folder / name)]) == 0
    assert run(["--db", url, "import", "frameworks", str(folder / "frameworks.yaml")]) == 0
    target = folder / "small.xml"
    engine = make_engine(url)
    try:
        summary = export_iati(
            engine,
            target,
            load_codebook(),
            reporting_org_ref=REF,
            reporting_org_name="Test observatory",
            reporting_org_type="22",
            as_of=date.fromisoformat(AS_OF),
        )
    finally:
        engine.dispose()
    return etree.parse(str(target)).getroot(), summary, target, url


def activity(root: etree._Element, suffix: str) -> etree._Element:
    for element in root.iter("iati-activity"):
        identifier = element.findtext("iati-identifier")
        if identifier == f"{REF}-{suffix}" or identifier.startswith(f"{REF}-{suffix}-"):
            return element
    raise AssertionError(f"no activity {suffix}")


def dates(element: etree._Element) -> dict[str, str]:
    return {d.get("type"): d.get("iso-date") for d in element.findall("activity-date")}


def test_small_export_is_valid_and_uses_the_reporting_org(small):
    root, summary, target, _ = small
    assert schema_problems(target) == []
    assert codelist_problems(root) == []
    assert not any("placeholder" in w for w in summary.warnings)
    women = activity(root, "a-r-women")
    reporting = women.find("reporting-org")
    assert reporting.get("ref") == REF and reporting.get("type") == "22"
    assert reporting.get("secondary-reporter") == "1"
    assert reporting.findtext("narrative") == "Test observatory"


def test_initiatives_and_lone_rows_become_activities_statements_do_not(small):
    root, summary, _, _ = small
    identifiers = sorted(a.findtext("iati-identifier") for a in root.iter("iati-activity"))
    lone = sorted(i.removeprefix(f"{REF}-") for i in identifiers if "-a-" in i)
    assert lone == ["a-r-camp", "a-r-exchange", "a-r-talks", "a-r-women"]
    assert summary.initiatives == 4  # Days of Culture, UN project, Youth forums, dialogues
    assert summary.not_cooperation == {"statement": 1}
    assert summary.folded == 2
    # a report naming an initiative brings the event it reports into it, sources and all
    dialogues = activity(root, "i-expert-dialogues")
    assert "Track II dialogue of experts" in dialogues.findtext("description/narrative")
    assert [d.get("url") for d in dialogues.findall("document-link")] == [
        "https://example.org/dialogue",
        "https://example.org/dialogue-b",
    ]
    assert not any("r-said" in i or "r-days" in i for i in identifiers)


def test_status_mapping(small):
    root, _, _, _ = small
    status = {
        suffix: activity(root, suffix).find("activity-status").get("code")
        for suffix in (
            "a-r-women",  # held, over: 4 Closed
            "a-r-camp",  # cancelled: 5
            "a-r-talks",  # planned: 1
            "a-r-exchange",  # suspended: 6
            "i-days-of-culture",  # begun, latest row planned: 2 Implementation
            "i-un-cross-border-project",  # its life ended: 4 Closed
            "i-youth-forums",  # no row yet: 1 Pipeline
        )
    }
    assert status == {
        "a-r-women": "4",
        "a-r-camp": "5",
        "a-r-talks": "1",
        "a-r-exchange": "6",
        "i-days-of-culture": "2",
        "i-un-cross-border-project": "4",
        "i-youth-forums": "1",
    }


def test_dates_keep_their_precision_as_a_note(small):
    root, _, _, _ = small
    # a held one-day row: actual start and actual end on its day
    assert dates(activity(root, "a-r-women")) == {"2": "2023-09-01", "4": "2023-09-01"}
    # cancelled: it never started, so its dates stay planned
    assert dates(activity(root, "a-r-camp")) == {"1": "2021-05-10", "3": "2021-05-14"}
    talks = activity(root, "a-r-talks").find("activity-date")
    assert (talks.get("type"), talks.get("iso-date")) == ("1", "2022-01-01")
    assert talks.findtext("narrative") == "Known to the year (2022); written as its first day."
    halted = activity(root, "a-r-exchange").find("activity-date")
    assert (halted.get("type"), halted.get("iso-date")) == ("2", "2020-03-01")
    assert "Known to the month (March 2020)" in halted.findtext("narrative")
    # an initiative: first begun row (month precision), planned end = the commitment's due
    days = activity(root, "i-days-of-culture")
    assert dates(days) == {"2": "2019-06-01", "3": "2025-06-01"}
    assert (
        days.findall("activity-date")[1]
        .findtext("narrative")
        .startswith("Known to the month (June 2025)")
    )
    # a closed initiative: its declared life
    assert dates(activity(root, "i-un-cross-border-project")) == {
        "2": "2014-10-01",
        "4": "2018-10-31",
    }
    assert dates(activity(root, "i-youth-forums")) == {"3": "2027-01-01"}


def test_participating_orgs_roles_and_types(small):
    root, summary, _, _ = small
    days = activity(root, "i-days-of-culture")
    orgs = {
        (o.findtext("narrative"), o.get("role"), o.get("type"))
        for o in days.findall("participating-org")
    }
    assert orgs == {
        ("Ministry of Culture of Tajikistan", "4", "10"),  # organiser: implementing
        ("Ministry of Culture of Kyrgyzstan", "4", "10"),  # no role = participant
        ("UNESCO", "1", "40"),  # funder: funding; international organisation: multilateral
        ("Ministry of Culture of Kyrgyzstan", "2", "10"),  # instrument party: accountable
        ("Ministry of Culture of Tajikistan", "2", "10"),
    }  # the mentioned foreign ministry is not a participating organisation
    women = activity(root, "a-r-women")
    assert [
        (o.findtext("narrative"), o.get("role"), o.get("type"))
        for o in women.findall("participating-org")
    ] == [("Women of Isfara", "4", "24")]
    assert any("Aziz Karimov [TJ]" in w and "not organisations" in w for w in summary.warnings)


def test_titles_in_several_languages(small):
    root, _, _, _ = small
    title = activity(root, "a-r-women").find("title")
    found = {n.get(LANG): n.text for n in title.findall("narrative")}
    assert found == {
        None: "Women's groups meet in Isfara",
        "ru": "Женские группы встречаются в Исфаре",
        "ky": "Аялдар топтору Исфарада жолугушат",
        "tg": "Гурӯҳҳои занон дар Исфара вомехӯранд",
    }
    assert activity(root, "a-r-women").get(LANG) == "en"


def test_location_with_the_gazetteer_coordinates(small):
    root, _, _, _ = small
    camp = activity(root, "a-r-camp").find("location")
    assert camp.get("ref") == "kg_kok_tash"
    point = camp.find("point")
    assert point.get("srsName") == "http://www.opengis.net/def/crs/EPSG/0/4326"
    assert point.findtext("pos") == "39.9497 70.5358"  # "lat lon"
    assert camp.find("location-class").get("code") == "2"
    assert camp.find("feature-designation").get("code") == "PPL"
    assert camp.find("exactness").get("code") == "1"
    assert camp.find("administrative").get("code") == "KG"
    names = {n.get(LANG): n.text for n in camp.find("name").findall("narrative")}
    assert names[None] == "Kok-Tash" and names["ru"] == "Кёк-Таш"
    # an enclave is an area: approximate
    vorukh = activity(root, "i-un-cross-border-project").find("location")
    assert vorukh.find("feature-designation").get("code") == "PCLIX"
    assert vorukh.find("exactness").get("code") == "2"


def test_unknown_places_are_written_with_what_they_have_and_listed(small):
    root, summary, _, _ = small
    # unknown place with a region: the region's point, the text in the description
    exchange = activity(root, "a-r-exchange").find("location")
    assert exchange.get("ref") == "tj_sughd"
    assert exchange.findtext("description/narrative").startswith("Old Campus Hall")
    assert any("r-exchange: place 'Old Campus Hall'" in w for w in summary.warnings)
    # unknown place without a region: its name only, no invented coordinates
    talks = activity(root, "a-r-talks").find("location")
    assert talks.findtext("name/narrative") == "Nowhere Hall" and talks.find("point") is None
    assert any(
        "r-talks: place 'Nowhere Hall'" in w and "without coordinates" in w
        for w in summary.warnings
    )
    # and no country we could name
    assert activity(root, "a-r-talks").find("recipient-country") is None
    assert any("r-talks: no recipient country" in w for w in summary.warnings)
    assert any(
        "r-talks: planned for 2022 and no outcome is recorded" in w for w in summary.warnings
    )


def test_rows_and_initiatives_that_cannot_be_expressed_are_listed(small):
    _, summary, _, _ = small
    assert summary.not_exported == 2
    assert any("r-nobody: no organisation took part" in w for w in summary.warnings)
    assert any("initiative 'Volunteering': no date recorded" in w for w in summary.warnings)


def test_recipient_countries_sectors_and_sources(small):
    root, _, _, _ = small

    def shares(element, tag):
        return {e.get("code"): e.get("percentage") for e in element.findall(tag)}

    assert shares(activity(root, "a-r-camp"), "recipient-country") == {"KG": "50", "TJ": "50"}
    assert shares(activity(root, "a-r-camp"), "sector") == {"11231": "100"}
    assert shares(activity(root, "a-r-women"), "sector") == {"15170": "100"}
    # a row-less initiative benefits its instrument's parties' countries
    youth = activity(root, "i-youth-forums")
    assert shares(youth, "recipient-country") == {"KG": "50", "TJ": "50"}
    days = activity(root, "i-days-of-culture")
    assert shares(days, "sector") == {"16061": "100"}
    links = [(d.get("url"), d.get("format")) for d in days.findall("document-link")]
    assert links == [
        ("https://example.org/days-2019", "text/html"),
        ("https://example.org/days-2021", "text/html"),
        ("https://example.org/days-2025", "text/html"),
        # the folded report of the same event keeps its source, percent-encoded
        ("https://example.org/%D0%B4%D0%BD%D0%B8-2019", "text/html"),
    ]
    women = activity(root, "a-r-women").find("document-link")
    assert women.get("format") == "application/pdf"
    assert women.find("category").get("code") == "A12"


def test_commitment_becomes_a_result_counting_rows_per_year(small):
    root, _, _, _ = small
    result = activity(root, "i-days-of-culture").find("result")
    assert result.get("type") == "1"
    assert result.findtext("title/narrative") == "Reciprocal Days of Culture"
    assert "Programme of cultural cooperation" in result.findtext("description/narrative")
    assert result.find("document-link").get("url") == "https://example.org/programme"
    periods = [
        (p.find("period-start").get("iso-date")[:4], p.find("actual").get("value"))
        for p in result.find("indicator").findall("period")
    ]
    # 2019 held (its second report counted once), 2021 cancelled; as of 2024-01-01
    assert periods == [
        ("2019", "1"),
        ("2020", "0"),
        ("2021", "0"),
        ("2022", "0"),
        ("2023", "0"),
        ("2024", "0"),
    ]
    assert activity(root, "a-r-women").find("result") is None


def test_cli_writes_validates_and_warns(small, cli, tmp_path):
    _, _, _, url = small
    target = tmp_path / "cli.xml"
    result = cli(
        "--db",
        url,
        "export",
        "iati",
        target,
        "--as-of",
        AS_OF,
        "--schema",
        XSD,
        "--reporting-org-ref",
        REF,
        "--reporting-org-name",
        "Test",
        "--reporting-org-type",
        "22",
    )
    assert result.code == 0, result
    said = " ".join(result.out.split())
    assert "8 iati-activities (4 initiatives, 4 activities without an initiative)" in said
    assert said.endswith(f"not cooperation, not written: 1 statement valid against {XSD}")
    assert "warning:" in result.err and "--all-warnings" in result.err
    placeholder = cli("--db", url, "export", "iati", tmp_path / "p.xml", "--as-of", AS_OF)
    assert placeholder.code == 0
    assert "placeholder is used (ref 'XX-LOWPOLITICS-PLACEHOLDER'" in placeholder.err
    partial = cli(
        "--db",
        url,
        "export",
        "iati",
        tmp_path / "q.xml",
        "--reporting-org-ref",
        REF,
        "--reporting-org-type",
        "22",
    )
    assert partial.code == 0
    assert "--reporting-org-name not given" in " ".join(partial.err.split())
    assert f"<iati-identifier>{REF}-" in (tmp_path / "q.xml").read_text(encoding="utf-8")
    bad = cli("--db", url, "export", "iati", tmp_path / "b.xml", "--reporting-org-type", "99")
    assert bad.code == 2 and "OrganisationType" in bad.err


# --- the mapping file ----------------------------------------------------------------------


def test_every_codebook_code_has_a_mapping():
    codebook, mapping = load_codebook(), load_mapping()
    assert set(codebook.status_codes) == set(mapping.statuses)
    assert set(codebook.activity_type_codes) == set(mapping.sectors)
    assert set(codebook.actor_type_codes) == set(mapping.actor_types)
    assert set(codebook.actor_role_codes) == set(mapping.actor_roles)
    kinds = {
        line.split(",")[1]
        for line in (
            Path(__file__).resolve().parents[1] / "src/lowpolitics/framework/data/gazetteer.csv"
        )
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    }
    assert kinds == set(mapping.place_kinds)


def test_a_mapped_code_outside_its_codelist_is_refused():
    text = Path(__file__).resolve().parents[1] / "src/lowpolitics/exchange/data/iati.yaml"
    raw = yaml.safe_load(text.read_text(encoding="utf-8"))
    raw["activity_types"]["festival"] = "16099"
    with pytest.raises(ConfigError, match="festival: '16099' is not in the Sector codelist"):
        parse_mapping(raw)


def test_the_docs_show_the_mapping_tables():
    """docs/data-formats.md lists each mapping as the data file has it."""
    docs = DOCS.read_text(encoding="utf-8")
    mapping = load_mapping()
    rows = [line for line in docs.splitlines() if line.startswith("| `")]

    def shown(code: str, *cells: str) -> bool:
        return any(row.startswith(f"| `{code}` |") and all(c in row for c in cells) for row in rows)

    def named(codelist: str, code: str) -> str:
        return f"{code} {mapping.name(codelist, code)}"

    for kind, code in mapping.sectors.items():
        assert shown(kind, named("Sector", code)), kind
    for status, rule in mapping.statuses.items():
        over = [named("ActivityStatus", rule.when_over)] if rule.when_over else []
        assert shown(status, named("ActivityStatus", rule.code), *over), status
    for actor_type, spec in mapping.actor_types.items():
        cells = [named("OrganisationType", c) for c in (spec or {}).values()] or ["—"]
        assert shown(actor_type, *cells), actor_type
    for role, code in mapping.actor_roles.items():
        assert shown(role, named("OrganisationRole", code) if code else "—"), role


def test_percentages_sum_to_a_hundred():
    assert percentages({"KG": 2.5, "TJ": 1.5}) == [("KG", 63), ("TJ", 37)]
    assert percentages({"a": 1, "b": 1, "c": 1}) == [("a", 34), ("b", 33), ("c", 33)]
    assert percentages({}) == []
