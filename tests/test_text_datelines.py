"""Datelines date the document, not the event; weekdays and year-less days resolve against it;
places inside organisations' names and the gazetteer's former false friends stay out; every
date and place in the output carries its offsets."""

from datetime import date

import pytest

from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text.datelines import find_dateline
from lowpolitics.text.dates import event_date
from lowpolitics.text.pipeline import Classifier, TextInput
from lowpolitics.text.places import extract_places


@pytest.fixture(scope="module")
def fast():
    return Classifier(None, fast=True)


@pytest.mark.parametrize(
    "text, place, day",
    [
        ("БИШКЕК, 12 марта 2023 — Встреча прошла.", "БИШКЕК", date(2023, 3, 12)),
        ("ДУШАНБЕ, 12.03.2023 – Вохӯрӣ баргузор шуд.", "ДУШАНБЕ", date(2023, 3, 12)),
        ("KHUJAND, March 12, 2023 (Asia-Plus) — Talks ended.", "KHUJAND", date(2023, 3, 12)),
        ("Баткен, 5-апрель, 2022-жыл — Жолугушуу өттү.", "Баткен", date(2022, 4, 5)),
    ],
)
def test_a_dateline_is_found_with_its_place_and_day(text, place, day):
    line = find_dateline(text)
    assert line is not None and line.place == place and line.date == day
    assert text[line.place_start : line.place_end] == place


def test_no_dateline_where_there_is_none():
    assert find_dateline("Rahmon, 70, said the talks would go on.") is None
    assert find_dateline("Встреча прошла 12 марта 2023 года в Баткене.") is None


def test_the_dateline_is_the_reference_not_the_event(fast):
    (r,) = fast.classify_many(
        [TextInput("1", "БИШКЕК, 12 марта 2023 — Вчера в Баткене прошла встреча губернаторов.")]
    )
    assert r["dateline"]["date"] == "2023-03-12" and r["event_date"] == "2023-03-11"
    assert r["places"] == ["Batken"]  # Bishkek is where it was filed
    ev = r["event_date_evidence"]
    text = "БИШКЕК, 12 марта 2023 — Вчера в Баткене прошла встреча губернаторов."
    assert text[ev["start"] : ev["end"]] == ev["term"] == "Вчера"
    (p,) = r["place_evidence"]
    assert text[p["start"] : p["end"]] == p["term"] and p["name"] == "Batken"


def test_a_year_less_day_and_a_weekday_take_the_document_date(fast):
    (r,) = fast.classify_many(
        [TextInput("1", "ДУШАНБЕ, 12.03.2023 – Вохӯрӣ 10 март баргузор шуд.")]
    )
    assert r["event_date"] == "2023-03-10"
    assert event_date("The sides met on Friday in Batken.", "en", date(2023, 3, 12)) == (
        event_date("2023-03-10", "en")
    )
    assert str(event_date("Вохӯрӣ рӯзи душанбе баргузор шуд.", "tg", date(2023, 3, 12))) == (
        "2023-03-06"
    )


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Жители Чоркуха встретились с соседями.", "ru", ["Chorkuh"]),  # not the mausoleum
        ("В Исфаре прошёл концерт.", "ru", ["Isfara"]),  # the town, not the river
        ("Маданият министрлиги концерт уюштурду.", "ky", []),  # "culture", not a checkpoint
        ("Гузаргоҳи «Маданият» кушода шуд.", "tg", ["Madaniyat checkpoint"]),
        ("The NGO Youth of Osh met the Governor of Batken.", "en", ["Batken"]),
        ("Фестиваль «Голоса Исфары» открылся в Баткене.", "ru", ["Batken"]),
        ("Жители Кулунду вышли на субботник.", "ru", ["Kulundu"]),
        ("КПП «Кулунду» открыли.", "ru", ["Kulundu"]),  # a place alone in quotes is the place
    ],
)
def test_places_that_are_names_or_false_friends(text, lang, expected):
    names = list(dict.fromkeys(m.name_en for m in extract_places(text, load_gazetteer(), lang)))
    assert names == expected, names


def test_a_report_with_no_other_date_is_dated_by_its_dateline(fast):
    text = "ОШ, 4 июня 2024 — На границе открыли новый пункт пропуска."
    (r,) = fast.classify_many([TextInput("1", text)])
    assert r["event_date"] == "2024-06-04"
    ev = r["event_date_evidence"]
    assert text[ev["start"] : ev["end"]] == ev["term"] == "ОШ, 4 июня 2024"
    (r,) = fast.classify_many([TextInput("2", "ОШ, 4 июня 2024 — Переговоры прошли 2 июня.")])
    assert r["event_date"] == "2024-06-02"  # another date in the body wins
