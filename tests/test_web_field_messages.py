"""Field errors in the reader's language: every check's English description has a pattern."""

from __future__ import annotations

import pytest

from lowpolitics.framework.i18n import translator
from lowpolitics.ingest.checks import RowChecker
from lowpolitics.web.field_messages import translate_expected


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("a real date as YYYY-MM-DD, YYYY-MM or YYYY", "существующая дата"),
        ("a whole number ≥ 0", "целое число ≥ 0"),
        ("at most participants_total (60)", "общего числа участников (60)"),
        ("a date on or after the start date 2023-05", "даты начала 2023-05"),
        ("a status: one of planned, held (required)", "кодов кодовой книги: planned, held"),
        ("at most 300 characters (found 301)", "не более 300 символов (сейчас 301)"),
    ],
)
def test_known_descriptions_are_translated_with_their_values(english, russian):
    assert russian in translate_expected(english, translator("ru"))


def test_an_unknown_description_stays_as_it_is():
    assert translate_expected("something new", translator("ru")) == "something new"
    assert translate_expected("a whole number", translator("en")) == "a whole number"


def test_every_check_of_a_registry_row_has_a_pattern(codebook, gazetteer):
    """Feed the row checks bad values in every column: each description is recognised."""
    from lowpolitics.ingest.registry import check_registry_row

    cells = {
        "id": "x" * 200,
        "date": "2023-13",
        "end_date": "2020",
        "title": "",
        "mechanism": "sport",
        "mechanisms_secondary": "sport",
        "activity_type": "party",
        "status": "",
        "host_country": "XX",
        "partner_country": "Tajikistan",
        "region": "Atlantis",
        "actors": "no brackets",
        "participants_total": "-3",
        "participants_women": "many",
        "source_url": "ftp://x",
        "notes": "y" * 6000,
    }
    check = RowChecker("form", None, cells)
    check_registry_row(check, codebook, gazetteer, [])
    assert len(check.errors) >= 12
    ru = translator("ru")
    untranslated = [
        e.expected for e in check.errors if translate_expected(e.expected, ru) == e.expected
    ]
    assert not untranslated


@pytest.mark.parametrize(
    ("day", "bounds"),
    [
        ("2014-01", {"not_before": "2014-01"}),  # not a full day
        ("2014-01-12", {"not_before": "2014-01-11"}),  # a day-dated row
        ("2014-01", {"not_after": "2014-02-02"}),  # outside the date
        ("2014-01", {"not_before": "2014-01-20", "not_after": "2014-01-10"}),  # reversed
    ],
)
def test_every_check_of_a_date_bound_has_a_pattern(codebook, gazetteer, day, bounds):
    from lowpolitics.ingest.registry import check_registry_row

    cells = {"date": day, "title": "t", "mechanism": "societal", "status": "held", **bounds}
    check = RowChecker("form", None, cells)
    check_registry_row(check, codebook, gazetteer, [])
    assert check.errors
    for language in ("ru", "ky", "tg"):
        gettext = translator(language)
        assert all(translate_expected(e.expected, gettext) != e.expected for e in check.errors)


def test_a_russian_form_says_what_was_expected_in_russian(web):
    client = web.client("editor", lang="ru")
    form = {"csrf_token": client.csrf, "title": "Лагерь", "date": "2023-02-30"}
    form.update(mechanism="societal", status="held", participants_total="ten")
    page = client.post("/activities/new", data=form)
    assert page.status_code == 422
    assert "существующая дата" in page.text and "целое число" in page.text
