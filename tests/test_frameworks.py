"""Frameworks import: instruments with commitments, bodies and rhythms; errors with lines."""

import pytest
import yaml
from sqlalchemy import select

from conftest import GOOD_ROWS, write_registry
from lowpolitics.analysis.continuity import continuity, load_continuity_inputs
from lowpolitics.analysis.dataset import load_dataset
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.exchange.csv_export import export_csv
from lowpolitics.framework.errors import InputError
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import AuditEntry, Commitment, Initiative, InstrumentParty

FRAMEWORKS = {
    "initiatives": [{"name": "Days of Culture", "rhythm_months": 12}],
    "bodies": [
        {
            "key": "igc",
            "name": "Intergovernmental commission",
            "kind": "commission",
            "rhythm_months": 12,
            "initiative": "Commission sessions",
            "instrument": "prog-2025",
        }
    ],
    "instruments": [
        {
            "key": "prog-2025",
            "title": "Programme of cultural cooperation 2025–2027",
            "signed_on": "2025-07-08",
            "status": "signed",
            "parties": [
                "Ministry of Culture of Kyrgyzstan [KG]",
                "Ministry of Culture of Tajikistan [TJ]",
            ],
            "commitments": [
                {
                    "code": "days",
                    "title": "Reciprocal Days of Culture",
                    "mechanism": "institutional",
                    "initiatives": ["Days of Culture"],
                },
                {
                    "code": "heritage",
                    "title": "Documenting shared heritage",
                    "mechanism": "societal",
                },
            ],
        }
    ],
}


def write_yaml(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_import_links_and_continuity(engine, codebook, gazetteer, tmp_path):
    import_file(
        engine, "registry", write_registry(tmp_path / "r.csv", GOOD_ROWS), codebook, gazetteer
    )
    path = write_yaml(tmp_path / "fw.yaml", FRAMEWORKS)
    first = import_file(engine, "frameworks", path, codebook, gazetteer)
    assert first.result.added == 2
    again = import_file(engine, "frameworks", path, codebook, gazetteer)
    assert again.result.added == 0
    with session_scope(engine) as session:
        days = session.scalars(select(Initiative).where(Initiative.name == "Days of Culture")).one()
        assert days.rhythm_months == 12 and days.commitment_id is not None
        assert len(session.scalars(select(InstrumentParty)).all()) == 2
        assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "instrument")).all()
        inputs = load_continuity_inputs(session)
        dataset = load_dataset(session)
    result = continuity(
        dataset, inputs, codebook, AnalysisOptions(), meeting_types=codebook.body_session_types
    )
    [instrument] = result["instruments"]
    # the Days of Culture row (June 2019) predates the 2025 programme: listed, not counted
    assert (instrument["n_commitments"], instrument["with_activity"]) == (2, 0)
    days = next(c for c in instrument["commitments"] if c["code"] == "days")
    assert days["held_before_signature"] == ["r-1"] and days["due_state"] == "open"
    assert [b["key"] for b in result["bodies"]] == ["igc"]


def test_dropping_a_linked_commitment_keeps_the_database_consistent(
    engine, codebook, gazetteer, tmp_path
):
    path = write_yaml(tmp_path / "fw.yaml", FRAMEWORKS)
    import_file(engine, "frameworks", path, codebook, gazetteer)
    smaller = yaml.safe_load(path.read_text(encoding="utf-8"))
    smaller["instruments"][0]["commitments"] = smaller["instruments"][0]["commitments"][1:]
    import_file(engine, "frameworks", write_yaml(path, smaller), codebook, gazetteer)
    with session_scope(engine) as session:
        assert [c.code for c in session.scalars(select(Commitment))] == ["heritage"]
        days = session.scalars(select(Initiative).where(Initiative.name == "Days of Culture")).one()
        assert days.commitment_id is None


def test_every_error_with_its_line(engine, codebook, gazetteer, tmp_path):
    bad = yaml.safe_load(yaml.safe_dump(FRAMEWORKS))
    bad["initiatives"][0]["rhythm_months"] = "often"
    bad["instruments"][0]["status"] = "done"
    bad["instruments"][0]["commitments"][1]["mechanism"] = "cultural"
    bad["instruments"][0]["parties"].append("Somebody")
    bad["bodies"][0]["instrument"] = "missing"
    path = write_yaml(tmp_path / "bad.yaml", bad)
    with pytest.raises(InputError) as info:
        import_file(engine, "frameworks", path, codebook, gazetteer)
    columns = {e.column for e in info.value.errors}
    assert {
        "initiatives.0.rhythm_months",
        "instruments.0.status",
        "instruments.0.commitments.1.mechanism",
        "instruments.0.parties",
    } <= columns
    lines = path.read_text(encoding="utf-8").splitlines()
    status = next(e for e in info.value.errors if e.column == "instruments.0.status")
    assert "status: done" in lines[status.line - 1]
    with session_scope(engine) as session:
        assert session.scalars(select(Commitment)).all() == []


def test_body_pointing_at_unknown_instrument(engine, codebook, gazetteer, tmp_path):
    data = {"bodies": [{"key": "wg", "name": "Working group", "instrument": "nope"}]}
    with pytest.raises(InputError) as info:
        import_file(
            engine, "frameworks", write_yaml(tmp_path / "b.yaml", data), codebook, gazetteer
        )
    assert info.value.errors[0].column == "bodies.0.instrument"


def test_export_writes_frameworks_that_import_back(engine, codebook, gazetteer, tmp_path):
    import_file(
        engine, "frameworks", write_yaml(tmp_path / "fw.yaml", FRAMEWORKS), codebook, gazetteer
    )
    export_csv(engine, tmp_path / "out")
    exported = yaml.safe_load((tmp_path / "out" / "frameworks.yaml").read_text(encoding="utf-8"))
    assert exported["instruments"][0]["commitments"][0]["initiatives"] == ["Days of Culture"]
    assert exported["bodies"][0]["initiative"] == "Commission sessions"
    again = import_file(
        engine, "frameworks", tmp_path / "out" / "frameworks.yaml", codebook, gazetteer
    )
    assert again.result.added == 0
