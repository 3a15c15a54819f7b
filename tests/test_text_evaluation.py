"""Known answers for the evaluation: tables by gold language, dates at the gold's precision,
places as sets, the language as identified (never the gold's echo)."""

from lowpolitics.text.evaluation import evaluate
from lowpolitics.text.gold import GoldText


def _gold(key, lang, mechanism, date=None, places=None):
    return GoldText(key, "…", lang, mechanism, None, None, date, 1, None, places)


def test_known_answer():
    texts = [
        _gold("a", "ru", "societal", "2022-09", ("Batken",)),
        _gold("b", "ru", "security", "2022-09-14", ("Batken", "Isfara")),
        _gold("c", "tg", "societal", None, ()),
        _gold("d", "tg", "security", "2021", None),
    ]
    results = [
        {"lang": "ru", "mechanism": "societal", "event_date": "2022-09-20", "places": ["Batken"]},
        {"lang": "ru", "mechanism": "societal", "event_date": "2022-09-15", "places": ["Batken"]},
        {"lang": "ru", "mechanism": "societal", "event_date": "2022-01-01", "places": ["Osh"]},
        {"lang": "tg", "mechanism": "security", "event_date": None, "places": []},
    ]
    for r in results:
        r.update(frame="neutral", status="n/a")
    report = evaluate(texts, results)
    assert report.n == 4
    # mechanism: 3 of 4 right; by gold language ru 1/2, tg 2/2
    assert report.tasks["mechanism"]["all"]["accuracy"] == 0.75
    assert report.tasks["mechanism"]["ru"]["accuracy"] == 0.5
    assert report.tasks["mechanism"]["tg"]["accuracy"] == 1.0
    assert report.macro_f1("mechanism", "tg") == 1.0
    # language: text c is Tajik but identified as Russian
    assert report.language["accuracy"] == 0.75
    # dates: 3 predicted, 3 gold; right: a (month agrees), not b (day differs), c (no gold)
    dates = report.dates["all"]
    assert (dates.predicted, dates.gold, dates.correct_predicted) == (3, 3, 1)
    assert dates.precision == round(1 / 3, 4) and dates.recall == round(1 / 3, 4)
    # places over labelled texts a, b, c: predicted {Batken} {Batken} {Osh}; gold 3 names
    places = report.places["all"]
    assert (places.predicted, places.gold, places.correct_predicted) == (3, 3, 2)
    assert report.places["tg"].precision == 0.0 and report.places["tg"].recall is None
    assert report.as_dict()["dates"]["all"]["precision"] == round(1 / 3, 4)


def test_places_are_also_scored_at_region_level_beside_the_strict_figure():
    texts = [
        _gold("a", "ru", "societal", None, ("Batken Region",)),
        _gold("b", "ru", "societal", None, ("Kara-Bak",)),
        _gold("c", "ru", "societal", None, ("Khujand",)),
    ]
    results = [
        {"lang": "ru", "mechanism": "societal", "places": ["Batken"]},  # the town for its region
        {"lang": "ru", "mechanism": "societal", "places": ["Batken District"]},
        {"lang": "ru", "mechanism": "societal", "places": ["Osh"]},  # another region: wrong
    ]
    for r in results:
        r.update(frame="neutral", status="n/a", event_date=None)
    report = evaluate(texts, results)
    assert report.places["all"].correct_predicted == 0  # strict: no name agrees
    region = report.places_region["all"]
    assert (region.predicted, region.gold, region.correct_predicted) == (3, 3, 2)
    assert report.as_dict()["places_region"]["all"]["precision"] == round(2 / 3, 4)
