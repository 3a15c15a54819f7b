"""Analysis notes carry a message id and values, so every language renders them: a note is its
English text, survives copies, renders in ru/ky/tg with the reader's numbers, and no analysis of
the bundled data (or of an empty database) produces a warning without an id."""

import copy
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.run_all import analyse_database
from lowpolitics.cli.demo import build_demo
from lowpolitics.framework.i18n import catalogue
from lowpolitics.framework.notes import N_, Note, data, ident, note, render, structured
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.reference import seed_reference

MESSAGE = N_("periods: no tension periods — nothing to list")


def test_a_note_is_its_english_text_and_keeps_its_id_through_copies():
    n = note(N_("{label}: no cooperative activity recorded inside this period"), label="p.1")
    assert n == "p.1: no cooperative activity recorded inside this period"
    for copied in (copy.deepcopy(n), pickle.loads(pickle.dumps(n)), copy.copy(n)):
        assert isinstance(copied, Note) and copied.message == n.message
        assert copied.values == {"label": "p.1"}
    assert json.loads(json.dumps([n])) == [str(n)]  # the JSON keeps the English text


def test_numbers_follow_the_reader_and_notes_nest():
    inner = note(N_("fewer than {n} years with a held occurrence"), n=3)
    outer = note(N_("recurring.{name}: no rhythm ({why}) — no silent year"), name="x", why=inner)
    assert (
        outer
        == "recurring.x: no rhythm (fewer than 3 years with a held occurrence) — no silent year"
    )
    for lang in ("ru", "ky", "tg"):
        shown = outer.render(lang)
        assert shown != str(outer) and "fewer than" not in shown, (lang, shown)
        # read back from a document, the nested note renders the same
        assert render(structured([outer])[0], lang) == shown
    big = note(
        N_(
            "{n} activities have no known place or region and are left out of the border-region "
            "share"
        ),
        n=12345,
    )
    assert "12,345" in big and "12\xa0345" in big.render("ru")


def test_on_a_page_a_field_path_is_code_and_the_records_own_text_is_marked():
    n = note(
        N_(
            "initiatives: {n} left out because their start or first disruption is dated "
            "only to a year ({initiatives})"
        ),
        n=2,
        initiatives=data(["Days of Culture", "<b>Didor</b>"]),
    )
    # the text (CLI, JSON) is unchanged
    assert n.endswith("(Days of Culture, <b>Didor</b>)")
    for item in (n, structured([n])[0], json.loads(json.dumps(structured([n])))[0]):
        html = render(item, "ky", html=True)
        assert html.startswith("<code>initiatives</code>: ")
        assert '<span translate="no">Days of Culture</span>' in html
        assert "&lt;b&gt;Didor&lt;/b&gt;" in html and "<b>" not in html  # escaped, never markup
        assert "демилге" in html  # the words are Kyrgyz


def test_an_identifier_value_is_code_in_every_language():
    n = note(
        N_(
            "PCA weights for pillar {pillar} not computable (fewer than two indicators): "
            "equal weights used"
        ),
        pillar=ident("resilience"),
    )
    assert n.startswith("PCA weights for pillar resilience ")
    for lang in ("ru", "ky", "tg"):
        html = render(n, lang, html=True)
        assert "<code>resilience</code>" in html
        assert "resilience" not in html.replace("<code>resilience</code>", "")
        assert render(n, lang) == html.replace("<code>", "").replace("</code>", "")


def test_a_plain_string_warning_still_shows():
    assert structured(["something odd"]) == [{"message": "something odd", "values": {}}]
    assert render({"message": "something odd", "values": {}}, "ru") == "something odd"
    assert render(MESSAGE, "ru") == catalogue("ru")[MESSAGE]


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["en", "ru", "ky", "tg"]))
def test_any_count_renders_in_every_language(n, lang):
    text = note(
        N_(
            "only {k} of {n} activities report participant numbers; the shares of women and youth "
            "describe those few, not the whole record"
        ),
        k=n,
        n=n,
    ).render(lang)
    assert "{" not in text and text


def _notes(document: dict) -> list[dict]:
    return [
        n
        for section in document.values()
        if isinstance(section, dict)
        for n in section.get("notes", [])
    ]


def _check(document: dict) -> None:
    notes = _notes(document)
    for section in document.values():
        if isinstance(section, dict) and "warnings" in section:
            assert len(section["notes"]) == len(section["warnings"])
    for lang in ("ru", "ky", "tg"):
        known = catalogue(lang)
        missing = sorted({n["message"] for n in notes if n["message"] not in known})
        assert missing == [], (lang, missing)


@pytest.fixture(scope="module")
def bundled_document(tmp_path_factory):
    state = build_demo(tmp_path_factory.mktemp("notes") / "db", verbose=False)
    document, _ = analyse_database(state.engine, state.codebook, AnalysisOptions())
    state.close()
    return document


def test_every_note_of_the_bundled_analyses_has_a_message_in_every_catalogue(bundled_document):
    assert len(_notes(bundled_document)) > 40
    _check(bundled_document)


def test_every_note_on_an_empty_database_has_a_message_in_every_catalogue(
    tmp_path, codebook, gazetteer
):
    engine = make_engine(f"sqlite:///{Path(tmp_path) / 'empty.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    document, _ = analyse_database(engine, codebook, AnalysisOptions())
    engine.dispose()
    assert _notes(document)  # "no tension periods", "no activity" …
    _check(document)
