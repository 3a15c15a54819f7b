"""A list's filters that make no sense are said next to their fields, on the page (not a bare
error page); values echoed in any error are cut to a readable length."""

from __future__ import annotations

import re

from lowpolitics.framework.errors import shorten
from lowpolitics.web.errors import error_body

HTMX = {"HX-Request": "true", "HX-Target": "results"}


def _field(html: str, name: str) -> str:
    found = re.search(rf'<div class="field[^"]*" id="filter-{name}"[^>]*>.*?</div>', html, re.S)
    assert found, f"no filter field {name}"
    return found.group(0)


def test_shorten_cuts_long_text_only():
    assert shorten("x" * 80) == "x" * 80
    assert shorten("x" * 81) == "x" * 79 + "…" and len(shorten("y" * 5000)) == 80
    assert shorten(12345) == 12345 and shorten(None) is None
    body = error_body(
        422, "input_error", "no activity with id '" + "k" * 300 + "'", [{"value": "v" * 300}]
    )
    assert len(body["error"]["fields"][0]["value"]) == 80
    assert "k" * 79 + "…'" in body["error"]["message"] and "k" * 80 not in body["error"]["message"]


def test_a_bad_date_in_the_activity_filters_is_said_next_to_it(web):
    viewer = web.client("viewer")
    page = viewer.get("/activities?date_from=soon&date_to=2024")
    assert page.status_code == 422 and "<html" in page.text  # the list page, not the error page
    field = _field(page.text, "date_from")
    assert 'class="field invalid"' in field and 'aria-invalid="true"' in field
    assert "“soon” — a real date as YYYY-MM-DD, YYYY-MM or YYYY" in field
    assert 'value="soon"' in field  # what was typed stays, to be corrected
    assert "invalid" not in _field(page.text, "date_to")
    assert "A filter needs correcting" in page.text


def test_both_bad_dates_and_a_bad_sort_are_all_reported(web):
    viewer = web.client("viewer")
    page = viewer.get("/context?date_from=2021-13&date_to=later&sort=colour")
    assert page.status_code == 422
    assert "“2021-13”" in _field(page.text, "date_from")
    assert "“later”" in _field(page.text, "date_to")
    assert "“colour” — one of: date, kind" in page.text


def test_htmx_gets_the_results_and_the_fields_out_of_band(web):
    viewer = web.client("viewer")
    partial = viewer.get("/activities?date_to=never", headers=HTMX)
    assert partial.status_code == 422 and "<html" not in partial.text
    field = _field(partial.text, "date_to")
    assert 'hx-swap-oob="true"' in field and "“never”" in field
    fixed = viewer.get("/activities?date_to=2024", headers=HTMX)
    assert fixed.status_code == 200
    assert "field-error" not in _field(fixed.text, "date_to")  # the error goes away again
    full = viewer.get("/activities?date_to=never")
    assert "hx-swap-oob" not in full.text


def test_echoed_values_are_cut_in_pages_forms_and_the_api(web):
    long = "2" * 300
    page = web.client("viewer").get(f"/activities?date_from={long}")
    shown = re.search(r'<p class="field-error" id="err-date_from">(.*?)</p>', page.text).group(1)
    assert "2" * 79 + "…" in shown and "2" * 80 not in shown
    api = web.client().get(f"/api/v1/activities?date_from={long}", headers=web.bearer("viewer"))
    assert api.json()["error"]["fields"][0]["value"] == "2" * 79 + "…"
    editor = web.client("editor")
    form = {"csrf_token": editor.csrf, "title": "t", "date": "x" * 500}
    form.update(mechanism="societal", status="held")
    answer = editor.post("/activities/new", data=form)
    error = re.search(r'<p class="field-error" id="err-date">(.*?)</p>', answer.text).group(1)
    assert "x" * 79 + "…" in error and "x" * 80 not in error
    missing = web.client().get("/api/v1/activities/" + "k" * 400, headers=web.bearer("viewer"))
    assert missing.status_code == 404 and len(missing.json()["error"]["message"]) < 150
