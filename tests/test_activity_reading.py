"""The API reads activities without ORM objects (``store.activity_reading``); what it shows
must be exactly what the ORM path shows — every field, every relation, in the same order —
on every bundled activity and on both backends."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import select

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.activity_reading import read_activities, read_activity
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity
from lowpolitics.store.rows import activity_row
from lowpolitics.web.activity_views import activity_json, load_activities


@pytest.fixture
def bundled(engine, codebook, gazetteer):
    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    with resources.as_file(folder.joinpath("registry.csv")) as path:
        import_file(engine, "registry", path, codebook, gazetteer)
    return engine


def test_every_bundled_activity_reads_as_the_orm_shows_it(bundled):
    with session_scope(bundled) as session:
        ids = list(session.scalars(select(Activity.id).order_by(Activity.id.desc())))
        assert len(ids) > 400
        orm = [activity_json(a) for a in load_activities(session, ids)]
        rows = [activity_row(a) for a in load_activities(session, ids)]
    with session_scope(bundled) as session:
        read = read_activities(session, ids)
        assert [activity_json(a) for a in read] == orm
        assert [activity_row(a) for a in read] == rows
    # the relations the comparison must have exercised
    assert any(len(a["actors"]) > 1 for a in orm)
    assert any(len(a["source_url"]) > 1 for a in orm)
    assert any(a["mechanisms_secondary"] for a in orm)
    assert any(len(a["status_history"]) > 1 for a in orm)
    assert any(a["initiative"] for a in orm) and any(not a["initiative"] for a in orm)


def test_ids_keep_their_order_and_missing_ones_are_left_out(bundled):
    with session_scope(bundled) as session:
        first, second = session.scalars(select(Activity.id).order_by(Activity.id).limit(2))
        read = read_activities(session, [second, 10**9, first])
        assert [a.id for a in read] == [second, first]
        assert read_activities(session, []) == []


def test_one_activity_by_its_key(bundled):
    with session_scope(bundled) as session:
        assert read_activity(session, "kgtj-a-0001").key == "kgtj-a-0001"
        with pytest.raises(NotFoundError, match="no activity with id 'nope'"):
            read_activity(session, "nope")


def test_the_view_takes_the_columns_in_their_order():
    from dataclasses import fields

    from lowpolitics.store.activity_reading import _COLUMNS, DisplayedActivity

    assert [f.name for f in fields(DisplayedActivity)][: len(_COLUMNS)] == list(_COLUMNS)


def test_the_api_body_has_the_registry_row_fields(bundled):
    with session_scope(bundled) as session:
        ids = list(session.scalars(select(Activity.id)))
        for activity in read_activities(session, ids):
            body, row = activity_json(activity), activity_row(activity)
            for name in ("id", "date", "end_date", "title", "initiative", "mechanism"):
                assert body[name] == (row[name] or None), (activity.key, name)


def test_the_relations_in_one_statement_read_as_in_four(bundled):
    """``_relations`` (one UNION ALL) against ``_relations_apart`` (a statement per
    relation, as before): the same objects, field by field, types included."""
    from lowpolitics.store.activity_reading import _BY_IDS, _relations, _relations_apart, _views

    with session_scope(bundled) as session:
        ids = list(session.scalars(select(Activity.id).order_by(Activity.id)))
        connection = session.connection()
        one, four = {}, {}
        for views, read in ((one, _relations), (four, _relations_apart)):
            _views(connection.execute(_BY_IDS, {"ids": ids}), views)
            read(connection, ids, views)
    assert one == four
    steps = [step for view in one.values() for step in view.history]
    assert steps and all(type(step.reported) is bool for step in steps)
    assert any(step.changed_on is not None for step in steps)
    assert all(
        type(a) is type(b)
        for x, y in zip(steps, (s for v in four.values() for s in v.history), strict=True)
        for a, b in zip(
            (x.changed_on, x.recorded_at, x.reported),
            (y.changed_on, y.recorded_at, y.reported),
            strict=True,
        )
    )
