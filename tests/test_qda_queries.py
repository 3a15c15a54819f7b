"""Queries over coded material, against counts worked out by hand on a small corpus."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from lowpolitics.analysis.qda_queries import (
    code_frequencies,
    coded_segments,
    cooccurrence,
    document_code_matrix,
    export_table,
)
from lowpolitics.cli.queries_command import query_command
from lowpolitics.cli.reliability_command import reliability_command
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError, NotFoundError
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, ensure_code
from lowpolitics.store.db import session_scope

D1 = "Alpha beta gamma. Delta epsilon."  # 32 code points
D2 = "Second document text. More here."


def _corpus(engine) -> None:
    """d1: culture[0,17) alice, security[6,20) alice, culture[18,32) auto, border[25,30) alice;
    d2: culture[0,6) alice, security[7,15) alice, culture[10,14) bob; d3: culture[0,5) alice;
    d4: nothing."""
    with session_scope(engine) as session:
        d1, _ = add_document(
            session,
            D1,
            DocumentMeta(
                key="d1",
                title="One",
                outlet="Kabar",
                country="KG",
                language="ru",
                published_on=date(2021, 5, 1),
            ),
        )
        d2, _ = add_document(
            session,
            D2,
            DocumentMeta(
                key="d2",
                title="Two",
                outlet="Asia-Plus",
                country="TJ",
                language="tg",
                published_on=date(2022, 1, 9),
            ),
        )
        d3, _ = add_document(
            session, "Third one.", DocumentMeta(key="d3", title="Three", country="KG")
        )
        add_document(session, "Nothing coded here.", DocumentMeta(key="d4", title="Four"))
        culture, security = ensure_code(session, "culture"), ensure_code(session, "security")
        border = ensure_code(session, "border")
        add_coding(session, d1, culture, 0, 17, "alice")
        add_coding(session, d1, security, 6, 20, "alice")
        add_coding(session, d1, culture, 18, 32, "auto:lexicon")
        add_coding(session, d1, border, 25, 30, "alice")
        add_coding(session, d2, culture, 0, 6, "alice")
        add_coding(session, d2, security, 7, 15, "alice")
        add_coding(session, d2, culture, 10, 14, "bob")
        add_coding(session, d3, culture, 0, 5, "alice")


def test_code_frequencies(engine):
    _corpus(engine)
    with session_scope(engine) as session:
        by_outlet = code_frequencies(session, "outlet")
        by_year = code_frequencies(session, "year", coder="alice")
        with pytest.raises(ConfigError):
            code_frequencies(session, "genre")
    assert [(r["code"], r["outlet"], r["codings"], r["documents"]) for r in by_outlet] == [
        ("border", "Kabar", 1, 1),
        ("culture", "Asia-Plus", 2, 1),
        ("culture", "Kabar", 2, 1),
        ("culture", None, 1, 1),
        ("security", "Asia-Plus", 1, 1),
        ("security", "Kabar", 1, 1),
    ]
    assert [(r["code"], r["year"], r["codings"]) for r in by_year] == [
        ("border", 2021, 1),
        ("culture", 2021, 1),
        ("culture", 2022, 1),
        ("culture", None, 1),
        ("security", 2021, 1),
        ("security", 2022, 1),
    ]


def test_cooccurrence(engine):
    _corpus(engine)
    with session_scope(engine) as session:
        pooled = cooccurrence(session)
        alice = cooccurrence(session, coder="alice")
    # d1: culture[0,17)×security[6,20), security×culture[18,32), culture[18,32)×border[25,30);
    # d2: security[7,15)×culture[10,14); culture[0,6) touches nothing
    assert pooled == [
        {"code_a": "border", "code_b": "culture", "overlaps": 1, "documents": 1,
         "examples": ["d1"]},
        {"code_a": "culture", "code_b": "security", "overlaps": 3, "documents": 2,
         "examples": ["d1", "d2"]},
    ]  # fmt: skip
    assert alice == [
        {"code_a": "culture", "code_b": "security", "overlaps": 1, "documents": 1,
         "examples": ["d1"]},
    ]  # fmt: skip


def test_document_code_matrix(engine):
    _corpus(engine)
    with session_scope(engine) as session:
        matrix = document_code_matrix(session)
        bob = document_code_matrix(session, coder="bob")
    assert matrix == [
        {"document": "d1", "title": "One", "border": 1, "culture": 2, "security": 1},
        {"document": "d2", "title": "Two", "border": 0, "culture": 2, "security": 1},
        {"document": "d3", "title": "Three", "border": 0, "culture": 1, "security": 0},
        {"document": "d4", "title": "Four", "border": 0, "culture": 0, "security": 0},
    ]
    assert [r["culture"] for r in bob] == [0, 1, 0, 0]
    assert set(bob[0]) == {"document", "title", "culture"}


def test_coded_segments(engine):
    _corpus(engine)
    with session_scope(engine) as session:
        rows = coded_segments(session, "culture")
        auto = coded_segments(session, "culture", coder="auto:lexicon")
        with pytest.raises(NotFoundError):
            coded_segments(session, "nope")
    assert [(r["document"], r["start"], r["end"], r["coder"], r["text"]) for r in rows] == [
        ("d1", 0, 17, "alice", "Alpha beta gamma."),
        ("d1", 18, 32, "auto:lexicon", "Delta epsilon."),
        ("d2", 0, 6, "alice", "Second"),
        ("d2", 10, 14, "bob", "umen"),
        ("d3", 0, 5, "alice", "Third"),
    ]
    assert [r["text"] for r in auto] == ["Delta epsilon."]


def test_export_table(tmp_path):
    rows = [
        {"code_a": "a", "code_b": "b", "overlaps": 3, "examples": ["d1", "d2"]},
        {"code_a": "a", "code_b": "c", "overlaps": 1, "examples": ["d3"], "note": "x\x01y"},
    ]
    with (export_table(rows, tmp_path / "t.csv")).open(encoding="utf-8") as handle:
        read = list(csv.DictReader(handle))
    assert read[0] == {
        "code_a": "a", "code_b": "b", "overlaps": "3", "examples": "d1; d2", "note": ""
    }  # fmt: skip
    sheet = load_workbook(export_table(rows, tmp_path / "t.xlsx")).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["code_a", "code_b", "overlaps", "examples", "note"]
    assert values[1] == ["a", "b", 3, "d1; d2", None]
    assert values[2][4] == "xy"
    with pytest.raises(ConfigError):
        export_table(rows, tmp_path / "t.ods")


def _app(engine) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = State(db=engine.url.render_as_string(hide_password=False))

    app.command("query")(query_command)
    app.command("reliability")(reliability_command)
    return app


def test_query_and_reliability_commands(engine, tmp_path):
    _corpus(engine)
    app, runner = _app(engine), CliRunner()
    result = runner.invoke(app, ["query", "cooccurrence", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[1]["overlaps"] == 3
    out = tmp_path / "m.xlsx"
    result = runner.invoke(app, ["query", "matrix", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).active.max_row == 5
    result = runner.invoke(app, ["query", "segments", "--code", "border"])
    assert result.exit_code == 0 and "psilo" in result.stdout
    result = runner.invoke(app, ["query", "segments"])
    assert isinstance(result.exception, ConfigError)
    result = runner.invoke(
        app, ["reliability", "--coders", "alice,auto:lexicon", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == ["d1"]
    assert data["overall"]["n_units"] == 2
    result = runner.invoke(app, ["reliability", "--coders", "alice,auto:lexicon"])
    assert result.exit_code == 0, result.output
    assert "(overall)" in result.stdout and "disagreements" in result.stdout
