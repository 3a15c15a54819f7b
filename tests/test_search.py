"""Full-text search (revision 0002) on SQLite and PostgreSQL: stems, phrases, prefixes, filters,
KWIC offsets, the index kept in step with the documents, and the migration both ways."""

from __future__ import annotations

from datetime import date

import pytest
import typer
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from lowpolitics.cli.search_command import kwic_lines, search_command
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.corpus import DocumentMeta, add_document, ensure_code, get_document
from lowpolitics.store.db import MIGRATIONS, current_revision, session_scope, upgrade
from lowpolitics.store.models import Memo
from lowpolitics.store.search import search, search_key

DOCS = {
    "ru-1": (
        "ru",
        date(2021, 5, 10),
        "Фестиваль в Бишкеке",
        "В Бишкеке открылся фестиваль таджикской культуры.\n"
        "Гости фестиваля приехали из Душанбе; организаторы фестивалей довольны.",
    ),
    "ky-1": (
        "ky",
        date(2022, 3, 1),
        "Баткендеги майрам",
        "Баткенде тажик маданиятынын фестивалында жаштар катышты. Жаштардын ырлары угулду.",
    ),
    "tg-1": (
        "tg",
        date(2023, 7, 15),
        "Фарҳанг дар Хуҷанд",
        "Дар Хуҷанд фестивалҳои фарҳанги қирғиз баргузор шуданд. Ҳамкориҳои фарҳангӣ идома дорад.",
    ),
    "en-1": (
        "en",
        date(2020, 1, 20),
        "Culture across the border",
        "The festivals of Kyrgyz and Tajik culture resumed after the border talks.",
    ),
}


def _add(session, key: str, lang: str, day: date | None, title: str, text: str):
    meta = DocumentMeta(key=key, language=lang, published_on=day, title=title)
    return add_document(session, text, meta)[0]


@pytest.fixture
def corpus(engine):
    with session_scope(engine) as session:
        for key, (lang, day, title, text) in DOCS.items():
            _add(session, key, lang, day, title, text)
    return engine


def keys(engine, query: str, **options) -> list[str]:
    with session_scope(engine) as session:
        return [hit.key for hit in search(session, query, **options)]


def test_search_key_is_a_prefix_all_forms_share():
    assert search_key("фестиваль", "ru") == "фестивал"
    assert search_key("фестивалей", "ru") == "фестивал"
    assert search_key("культура", "ru") == "культур"
    assert search_key("ҳамкорӣ", "tg") == "ҳамкор"
    assert search_key("festival", "en") == "festiv"


def test_query_language(corpus):
    # --- inflected words in every language
    assert sorted(keys(corpus, "фестиваль")) == ["ky-1", "ru-1", "tg-1"]
    assert keys(corpus, "фестивалей", lang="ru") == ["ru-1"]
    assert keys(corpus, "фестиваль", lang="ky") == ["ky-1"]
    assert keys(corpus, "фестиваль", lang="tg") == ["tg-1"]
    assert keys(corpus, "культура") == ["ru-1"]  # "культуры"
    assert keys(corpus, "жаштар", lang="ky") == ["ky-1"]  # "Жаштардын" too
    assert keys(corpus, "ҳамкорӣ") == ["tg-1"]  # "Ҳамкориҳои", language detected from ӣ
    assert keys(corpus, "festival") == ["en-1"]  # "festivals", Snowball English

    # --- all words must match
    assert keys(corpus, "фестиваль Душанбе") == ["ru-1"]
    assert keys(corpus, "фестиваль Лондон") == []

    # --- phrases and prefixes
    assert keys(corpus, '"таджикской культуры"') == ["ru-1"]
    assert keys(corpus, "«таджикской культуры»") == ["ru-1"]
    assert keys(corpus, '"культуры таджикской"') == []  # order matters in a phrase
    assert keys(corpus, '"таджикской культур"*') == ["ru-1"]
    assert keys(corpus, "фарҳ*") == ["tg-1"]
    assert keys(corpus, "фарҳанг") == ["tg-1"]
    assert sorted(keys(corpus, "фест*")) == ["ky-1", "ru-1", "tg-1"]

    # --- title counts as text
    assert keys(corpus, "майрам", lang="ky") == ["ky-1"]  # only in the title
    with session_scope(corpus) as session:
        (hit,) = search(session, "майрам", lang="ky")
    assert hit.snippets == ()

    # --- language and date filters
    assert keys(corpus, "фест*", lang="tg") == ["tg-1"]
    assert sorted(keys(corpus, "фест*", date_from=date(2022, 1, 1))) == ["ky-1", "tg-1"]
    assert sorted(keys(corpus, "фест*", date_to=date(2022, 3, 1))) == ["ky-1", "ru-1"]
    window = {"date_from": date(2021, 5, 10), "date_to": date(2022, 3, 1)}  # inclusive
    assert sorted(keys(corpus, "фест*", **window)) == ["ky-1", "ru-1"]
    assert len(keys(corpus, "фест*", limit=1)) == 1

    # --- ranking relevance then newest
    with session_scope(corpus) as session:
        hits = search(session, "фестиваль")
        assert hits[0].key == "ru-1"  # three matches against one
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        _add(session, "ru-old", "ru", date(2001, 1, 1), "a", "Выставка.")
        _add(session, "ru-new", "ru", date(2002, 1, 1), "b", "Выставка!")  # same score
        assert [h.key for h in search(session, "выставка")] == ["ru-new", "ru-old"]


def test_kwic_offsets_slice_the_stored_text(corpus):
    with session_scope(corpus) as session:
        hits = search(session, 'фестиваль "таджикской культуры" ҳамкор*', window=12)
        assert hits == []  # no document has all three
        for query in ("фестиваль", '"таджикской культуры"', "ҳамкорӣ", "жаштар"):
            found = search(session, query, window=12)
            assert found, query
            for hit in found:
                stored = get_document(session, hit.document_id).text
                assert hit.snippets
                for s in hit.snippets:
                    assert stored[s.start : s.end] == s.match
                    assert stored[s.context_start : s.start] == s.left
                    assert stored[s.end : s.end + 12] == s.right
                    assert len(s.left) <= 12
    with session_scope(corpus) as session:
        (hit,) = search(session, "фестиваль", lang="ru")
    assert [s.match for s in hit.snippets] == ["фестиваль", "фестиваля", "фестивалей"]
    line = kwic_lines([hit], window=20)[0]
    assert line.startswith("ru-1  2021-05-10") and "открылся **фестиваль** таджикской" in line


def test_new_updated_and_deleted_documents(corpus):
    with session_scope(corpus) as session:
        _add(
            session,
            "ru-2",
            "ru",
            None,
            "Концерт",
            "Концерт в Худжанде собрал фестивальную публику.",
        )
    assert keys(corpus, "концерт") == ["ru-2"]
    with session_scope(corpus) as session:
        get_document(session, "ru-2").text = "Выставка ремёсел открылась в Исфаре."
    assert keys(corpus, "концерт") == ["ru-2"]  # still in the title
    assert keys(corpus, "Худжанде") == []
    assert keys(corpus, "выставка") == ["ru-2"]
    with session_scope(corpus) as session:
        session.delete(get_document(session, "ru-1"))
    assert keys(corpus, "фестиваль", lang="ru") == []
    assert sorted(keys(corpus, "фестиваль")) == ["ky-1", "tg-1"]


def test_user_errors(corpus):
    with session_scope(corpus) as session:
        for query, words in [
            ("", "empty"),
            ("   ", "empty"),
            ('"таджикской культуры', "not closed"),
            ('""', "no words"),
            ("*", "must follow a word"),
            ("ф*", "too short"),
            ("фе*ст", "only end a word"),
            ("— -", "no words"),
        ]:
            with pytest.raises(ConfigError, match=words):
                search(session, query)
        with pytest.raises(ConfigError, match="comes after"):
            search(session, "фест*", date_from=date(2023, 1, 1), date_to=date(2022, 1, 1))


def _alembic(engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def test_migration_down_and_up_rebuilds_the_index(corpus):
    command.downgrade(_alembic(corpus), "0001")
    assert current_revision(corpus) == "0001"
    inspector = inspect(corpus)
    assert "documents_fts" not in inspector.get_table_names()
    assert "code_id" not in {c["name"] for c in inspector.get_columns("memos")}
    assert "ix_documents_search" not in {i["name"] for i in inspector.get_indexes("documents")}
    # written while no index or trigger exists, in the columns revision 0001 has
    with corpus.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (key, title, text, content_hash, language, published_on, "
                "created_at, updated_at) VALUES ('ru-3', 'Фестиваль', "
                "'Фестивалю исполнилось десять лет.', 'h-ru-3', 'ru', '2024-01-01', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(_alembic(corpus), "0002")
    assert current_revision(corpus) == "0002"
    upgrade(corpus)  # the models need the head revision's columns to read documents
    assert sorted(keys(corpus, "фестиваль", lang="ru")) == ["ru-1", "ru-3"]


def test_memos_on_codes_go_with_their_code(corpus):
    with session_scope(corpus) as session:
        code = ensure_code(session, "heritage")
        session.add(Memo(code_id=code.id, author="ana", text="what counts as heritage"))
    with session_scope(corpus) as session:
        assert session.scalars(select(Memo.code_id)).one() is not None
        session.delete(ensure_code(session, "heritage"))
    with session_scope(corpus) as session:
        assert session.scalars(select(Memo)).all() == []


def test_search_command(corpus):
    app = typer.Typer()
    app.command("search")(search_command)
    url = corpus.url.render_as_string(hide_password=False)

    def run(*args: str):
        state = State(db=url)
        try:
            return CliRunner().invoke(app, list(args), obj=state)
        finally:
            state.close()

    table = run("фестиваль", "--from", "2021", "--to", "2022")
    assert table.exit_code == 0, table.output
    lines = [line for line in table.stdout.splitlines() if "**" in line]
    assert lines[0].startswith("ru-1") and "**фестиваль**" in lines[0]
    assert any(line.startswith("ky-1") and "**фестивалында**" in line for line in lines)
    assert len(lines) == 4
    as_json = run("фестиваль", "--lang", "tg", "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    assert '"key": "tg-1"' in as_json.stdout and '"match": "фестивалҳои"' in as_json.stdout
    bad = run('"фестиваль')
    assert isinstance(bad.exception, ConfigError)
