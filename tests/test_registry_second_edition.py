"""The registry contract's second edition: titles in ru/ky/tg, reported status histories and
actor roles — parsed, stored on both backends, exported and re-imported unchanged."""

from __future__ import annotations

import csv

from sqlalchemy import select

from lowpolitics.analysis.dataset import load_dataset
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, parse_registry
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity
from lowpolitics.store.rows import activity_row

ROWS = [
    {
        "id": "k1",
        "date": "2022-10",
        "title": "Days of Culture",
        "mechanism": "institutional",
        "status": "held",
        "title_ru": "Дни культуры",
        "title_tg": "Рӯзҳои фарҳанг",
        "actors": "Ministry of Culture [TJ] (organiser);UNDP [INT] (funder);Embassy [KG]",
        "status_history": "2022-06|planned|https://a.example/1 ; "
        "2022-09-20|postponed|https://a.example/2 ; 2022-10-12|held",
        "source_url": "https://a.example/3",
    }
]


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REGISTRY_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_titles_history_and_roles_round_trip(engine, codebook, gazetteer, tmp_path):
    _write(tmp_path / "r.csv", ROWS)
    import_file(engine, "registry", tmp_path / "r.csv", codebook, gazetteer)
    with session_scope(engine) as session:
        activity = session.scalars(select(Activity).where(Activity.key == "k1")).one()
        row = activity_row(activity)
        reported = [
            (c.status, c.changed_on.isoformat(), c.source_url)
            for c in activity.history
            if c.reported
        ]
        roles = [link.role for link in activity.actor_links]
        dataset = load_dataset(session)
    assert (row["title_ru"], row["title_ky"], row["title_tg"]) == (
        "Дни культуры",
        "",
        "Рӯзҳои фарҳанг",
    )
    assert reported == [
        ("planned", "2022-06-01", "https://a.example/1"),
        ("postponed", "2022-09-20", "https://a.example/2"),
        ("held", "2022-10-12", None),
    ]
    assert row["status_history"] == ROWS[0]["status_history"]
    assert roles == ["organiser", "funder", None]
    assert row["actors"] == ROWS[0]["actors"]
    assert dataset.activities[0].actors == (
        ("Ministry of Culture", "TJ"),
        ("UNDP", "INT"),
        ("Embassy", "KG"),
    )
    # the export is what a user could import again: nothing changes
    _write(tmp_path / "again.csv", [row])
    again = import_file(engine, "registry", tmp_path / "again.csv", codebook, gazetteer)
    assert again.result.unchanged == 1 and again.result.updated == 0


def test_bad_history_and_roles_are_named(codebook, gazetteer, tmp_path):
    bad = dict(
        ROWS[0], status_history="2022-13|planned ; yesterday|held", actors="UNDP [INT] (sponsor)"
    )
    bad["frame"] = "integrative"  # only statements carry a frame
    _write(tmp_path / "bad.csv", [bad])
    parsed = parse_registry(tmp_path / "bad.csv", codebook, gazetteer)
    (rejected,) = parsed.rejected
    columns = sorted(e.column for e in rejected.errors)
    assert columns == ["actors", "frame", "status_history", "status_history"]
    role = next(e for e in rejected.errors if e.column == "actors")
    assert "organiser, participant, funder, mentioned" in role.expected


def test_history_out_of_order_is_refused(codebook, gazetteer, tmp_path):
    bad = dict(ROWS[0], status_history="2022-10-12|held ; 2022-06|planned")
    _write(tmp_path / "order.csv", [bad])
    parsed = parse_registry(tmp_path / "order.csv", codebook, gazetteer)
    (rejected,) = parsed.rejected
    assert [e.expected for e in rejected.errors] == ["steps in date order, oldest first"]


def test_an_edit_without_the_new_fields_keeps_them(engine, codebook, gazetteer, tmp_path):
    from lowpolitics.store.editing import save_activity

    _write(tmp_path / "r.csv", [dict(ROWS[0], record_kind="activity", same_as="")])
    import_file(engine, "registry", tmp_path / "r.csv", codebook, gazetteer)
    with session_scope(engine) as session:
        old = session.scalars(select(Activity).where(Activity.key == "k1")).one()
        form = {k: v for k, v in activity_row(old).items() if k in REGISTRY_COLUMNS[:20]}
        form["title"] = "Days of Culture, renamed"
        saved, _ = save_activity(
            session, codebook, gazetteer, form, who="t", key="k1", version=old.version
        )
        row = activity_row(saved)
    assert row["title"] == "Days of Culture, renamed"
    assert row["title_ru"] == "Дни культуры"
    assert row["status_history"] == ROWS[0]["status_history"]
