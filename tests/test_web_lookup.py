"""The suggestion endpoints behind the forms' searchable fields (web/pages/lookup.py)."""

from __future__ import annotations

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Actor


def _add_actors(web, names: list[tuple[str, str]]) -> None:
    with session_scope(web.engine) as session:
        session.add_all(Actor(name=name, country_code=cc) for name, cc in names)


def test_places_are_found_by_any_name_in_any_script(web):
    client = web.client("editor")
    items = client.get("/lookup/places", params={"q": "Исфа"}).json()["items"]
    ids = [i["id"] for i in items]
    assert "tj_isfara" in ids
    city = items[ids.index("tj_isfara")]
    # the value is a name that the importer resolves to the city, not to the district
    assert city["value"] == "Исфара"
    assert city["region"] == "TJ-SU"
    assert "Isfara" in city["label"] and "Sughd" in city["label"]
    latin = client.get("/lookup/places", params={"q": "isfar"}).json()["items"]
    assert {"tj_isfara", "tj_isfara_district"} <= {i["id"] for i in latin}


def test_the_place_value_links_the_place_it_names(web, gazetteer):
    client = web.client("editor")
    items = client.get("/lookup/places", params={"q": "ba", "limit": 50}).json()["items"]
    assert len(items) > 10
    for item in items:
        place = gazetteer.by_id[item["id"]]
        if any(gazetteer.resolve(name) is place for name in place.all_names):
            assert gazetteer.resolve(item["value"]) is place, item
    # two villages called Bulak-Bashy in Batken region: the label names the district
    twins = [i["label"] for i in items if i["id"].startswith("kg_bulak_bashy")]
    assert len(twins) == 2 and twins[0] != twins[1]


def test_each_lookup_respects_its_limit_and_the_cap(web):
    client = web.client("editor")
    _add_actors(web, [(f"Batken cultural centre {i:02d}", "KG") for i in range(30)])
    for path, query in (
        ("/lookup/places", "k"),
        ("/lookup/countries", "a"),
        ("/lookup/regions", ""),
        ("/lookup/actors", "batken"),
    ):
        assert len(client.get(path, params={"q": query, "limit": 3}).json()["items"]) == 3, path
        capped = client.get(path, params={"q": query, "limit": 10_000}).json()["items"]
        assert len(capped) <= 50, path
    default = client.get("/lookup/actors", params={"q": "batken"}).json()["items"]
    assert len(default) == 10


def test_regions_follow_the_chosen_country(web):
    client = web.client("editor")
    kg = client.get("/lookup/regions", params={"country": "kg"}).json()["items"]
    assert kg and all(i["value"].startswith("KG-") for i in kg)
    assert "KG-B" in {i["value"] for i in kg}
    named = client.get("/lookup/regions", params={"q": "Сугд", "country": "TJ"}).json()["items"]
    assert [i["value"] for i in named] == ["TJ-SU"]
    # a country the gazetteer does not cover is answered from the ISO list
    kz = client.get("/lookup/regions", params={"country": "KZ", "limit": 50}).json()["items"]
    assert kz and all(i["value"].startswith("KZ-") for i in kz)


def test_countries_by_code_or_name_in_the_readers_language(web):
    client = web.client("editor")
    assert client.get("/lookup/countries", params={"q": "tj"}).json()["items"][0]["value"] == "TJ"
    ru = web.client("editor", lang="ru")
    items = ru.get("/lookup/countries", params={"q": "Кирг"}).json()["items"]
    assert items[0]["value"] == "KG" and "Киргизия" in items[0]["label"]


def test_actors_match_in_any_case_and_script_and_come_as_name_and_country(web):
    _add_actors(web, [("Министерство культуры", "KG"), ("Ministry of Culture", "TJ")])
    client = web.client("editor")
    items = client.get("/lookup/actors", params={"q": "министерство"}).json()
    assert [i["value"] for i in items["items"]] == ["Министерство культуры [KG]"]
    latin = client.get("/lookup/actors", params={"q": "CULTURE"}).json()["items"]
    assert [i["value"] for i in latin] == ["Ministry of Culture [TJ]"]
    assert "Name [CC]" in items["note"]  # a new actor is still typed in


def test_like_wildcards_and_markup_are_taken_literally(web):
    _add_actors(
        web, [("<script>alert(1)</script> & Co", "KG"), ("100% Youth", "TJ"), ("A_B", "KG")]
    )
    client = web.client("editor")
    assert client.get("/lookup/actors", params={"q": "%"}).json()["items"] == [
        {"value": "100% Youth [TJ]", "label": "100% Youth [TJ]"}
    ]
    assert [
        i["value"] for i in client.get("/lookup/actors", params={"q": "_"}).json()["items"]
    ] == ["A_B [KG]"]
    response = client.get("/lookup/actors", params={"q": "<script>"})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["items"][0]["value"] == "<script>alert(1)</script> & Co [KG]"


def test_lookups_need_a_login(web):
    anonymous = web.client()
    for path in ("/lookup/places", "/lookup/countries", "/lookup/regions", "/lookup/actors"):
        response = anonymous.get(path, params={"q": "is"}, follow_redirects=False)
        assert response.status_code in (401, 303), path
        assert response.status_code == 401 or "/login" in response.headers["location"]
        assert (
            anonymous.get(path, params={"q": "is"}, headers=web.bearer("viewer")).status_code == 200
        )


def test_the_activity_form_marks_its_searchable_fields(web):
    page = web.client("editor").get("/activities/new").text
    assert 'data-lookup="/lookup/places"' in page
    assert 'data-lookup="/lookup/actors"' in page and 'data-lookup-multiple=";"' in page
    assert (
        'data-lookup="/lookup/regions" autocomplete="off" data-lookup-country="f-host_country"'
        in page
    )
    assert page.count('data-lookup="/lookup/countries"') == 2


def test_the_import_page_offers_empty_templates_to_fill_in(web):
    import io

    from openpyxl import load_workbook

    from lowpolitics.ingest.registry import REGISTRY_COLUMNS

    editor = web.client("editor")
    page = editor.get("/import").text
    assert 'href="/import/templates/registry.csv"' in page
    csv_text = editor.get("/import/templates/registry.csv").content.decode("utf-8-sig")
    assert csv_text.strip() == ",".join(REGISTRY_COLUMNS)
    response = editor.get("/import/templates/actors.xlsx")
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["name", "country", "type", "notes"]
    assert sheet.max_row == 1
    assert editor.get("/import/templates/secrets.csv").status_code == 404
    assert web.client("viewer").get("/import/templates/registry.csv").status_code == 403


def test_the_dashboard_and_the_list_flag_planned_activities_past_their_date(
    web, codebook, gazetteer
):
    from lowpolitics.store.editing import save_activity

    with session_scope(web.engine) as session:
        for key, date, status in (
            ("old-plan", "2020-03-01", "planned"),
            ("held-one", "2020-04", "held"),
        ):
            row = {"id": key, "date": date, "title": key, "mechanism": "societal", "status": status}
            save_activity(session, codebook, gazetteer, row, who="test")
    client = web.client("viewer")
    dashboard = client.get("/").text
    assert 'id="unknown-outcomes"' in dashboard
    latest = dashboard.split('id="latest"')[1].split("</table>")[0]
    rows = latest.split("<tr>")
    flagged = [r for r in rows if "Outcome unknown" in r]
    assert len(flagged) == 1 and "old-plan" in flagged[0]
    listing = client.get("/activities").text
    assert listing.count('class="badge unknown"') == 1
