"""A status that says the activity took place cannot be dated after today — refused alike by
the importer, the form and the API — and a planned activity long past its date is flagged in
the list as the analyses count it: outcome unknown."""

from __future__ import annotations

import re
from datetime import date

from conftest import GOOD_ROWS, registry_row, write_registry
from lowpolitics.ingest.registry import parse_registry

AS_OF = date(2024, 3, 15)
EXPECTED = "a date not after today for status held"
NEW = {
    "id": "f-1",
    "date": "2024-04-02",
    "title": "Youth forum in Isfara",
    "mechanism": "education_youth",
    "status": "held",
    "host_country": "TJ",
    "partner_country": "KG",
}


def test_the_codebook_marks_the_statuses_that_say_it_happened(codebook):
    assert codebook.happened_statuses == {
        "held",
        "signed",
        "ratified",
        "in_force",
        "downgraded",
        "resumed",
    }
    assert not codebook.happened_statuses & {"planned", "postponed", "cancelled", "suspended"}


def test_the_importer_refuses_a_future_held_activity_on_its_date(tmp_path, codebook, gazetteer):
    rows = [
        registry_row(**{**GOOD_ROWS[3], "id": "future-held", "date": "2024-04-02"}),
        registry_row(**{**GOOD_ROWS[3], "id": "future-signed", "date": "2025", "status": "signed"}),
        registry_row(
            **{**GOOD_ROWS[3], "id": "future-plan", "date": "2024-04-02", "status": "planned"}
        ),
        registry_row(**{**GOOD_ROWS[3], "id": "this-month", "date": "2024-03"}),
        registry_row(**{**GOOD_ROWS[3], "id": "today", "date": "2024-03-15"}),
    ]
    path = write_registry(tmp_path / "registry.csv", rows)
    parsed = parse_registry(path, codebook, gazetteer, as_of=AS_OF)
    assert sorted(r.key for r in parsed.records) == ["future-plan", "this-month", "today"]
    errors = {(e.line, e.column, e.value, e.expected) for r in parsed.rejected for e in r.errors}
    assert errors == {
        (2, "date", "2024-04-02", EXPECTED),
        (3, "date", "2025", "a date not after today for status signed"),
    }
    assert len(parse_registry(path, codebook, gazetteer, as_of=date(2026, 1, 1)).records) == 5


def test_the_api_and_the_form_give_the_same_field_error(web):
    web.app.state.ctx.as_of = AS_OF
    client, editor = web.client(), web.bearer("editor")
    refused = client.post("/api/v1/activities", json=NEW, headers=editor)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == [
        {"field": "date", "value": "2024-04-02", "expected": EXPECTED}
    ]
    planned = client.post("/api/v1/activities", json={**NEW, "status": "planned"}, headers=editor)
    assert planned.status_code == 201
    held = client.patch(
        "/api/v1/activities/f-1", json={"status": "held", "version": 1}, headers=editor
    )
    assert held.status_code == 422 and held.json()["error"]["fields"][0]["expected"] == EXPECTED
    put = client.put("/api/v1/activities/f-1", json={**NEW, "version": 1}, headers=editor)
    assert put.status_code == 422 and put.json()["error"]["fields"][0]["field"] == "date"

    form_client = web.client("editor")
    form = {"csrf_token": form_client.csrf, **{k: str(v) for k, v in NEW.items()}, "id": "f-2"}
    page = form_client.post("/activities/new", data=form)
    assert page.status_code == 422
    date_field = re.search(
        r'<div class="field[^"]*"[^>]*>\s*<label for="f-date".*?</div>', page.text, re.S
    )
    assert date_field and EXPECTED in date_field.group(0), page.text[:3000]

    web.app.state.ctx.as_of = date(2024, 4, 2)  # the day it was held: now it may be recorded
    assert (
        client.post("/api/v1/activities", json={**NEW, "id": "f-3"}, headers=editor).status_code
        == 201
    )


def test_a_planned_activity_long_past_its_date_is_flagged_outcome_unknown(web):
    web.app.state.ctx.as_of = AS_OF
    client, editor = web.client(), web.bearer("editor")
    rows = [
        {**NEW, "id": "old-plan", "date": "2023-10", "status": "planned", "title": "Old plan"},
        {**NEW, "id": "recent-plan", "date": "2024-02-20", "status": "planned", "title": "Recent"},
        {**NEW, "id": "old-held", "date": "2023-10", "title": "Held long ago"},
    ]
    for row in rows:
        assert client.post("/api/v1/activities", json=row, headers=editor).status_code == 201
    page = web.client("viewer").get("/activities").text
    cells = dict(
        re.findall(
            r'href="/activities/([\w.-]+)">.*?</a></td>.*?<td[^>]*\bclass="status-\w+">(.*?)</td>',
            page,
            re.S,
        )
    )
    assert "Outcome unknown" in cells["old-plan"] and 'class="badge unknown"' in cells["old-plan"]
    assert "Outcome unknown" not in cells["recent-plan"]  # within the 90 days of grace
    assert "Outcome unknown" not in cells["old-held"]
