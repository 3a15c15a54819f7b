"""The CLI as a user drives it: init, import, list, show, stats, export; errors are one line."""

import csv
import json

import pytest

from conftest import GOOD_ROWS, write_registry


@pytest.fixture
def db(db_url, cli):
    """An initialised database on each backend, driven only through the CLI."""
    assert cli("--db", db_url, "init").code == 0
    return db_url


@pytest.fixture
def loaded(db, cli, good_registry):
    result = cli("--db", db, "import", "registry", good_registry)
    assert result.code == 0, result
    return db


def test_init_and_import(db, cli, good_registry):
    result = cli("--db", db, "import", "registry", good_registry)
    assert result.code == 0
    assert "4 added, 0 updated, 0 unchanged" in result.out


def test_database_from_environment(tmp_path, cli, monkeypatch, good_registry):
    monkeypatch.setenv("LOWPOLITICS_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert cli("init").code == 0
    assert cli("import", "registry", good_registry).code == 0
    assert (tmp_path / "env.db").exists()


def test_three_bad_cells_exit_2_and_no_traceback(db, cli, tmp_path):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["date"] = "2019-13"
    rows[1]["mechanism"] = "cultural"
    rows[3]["participants_women"] = "31"
    path = write_registry(tmp_path / "bad.csv", rows)
    result = cli("--db", db, "import", "registry", path)
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert "bad.csv, line 2, column 'date'" in lines[0]
    assert "line 3, column 'mechanism'" in lines[1]
    assert "line 5, column 'participants_women'" in lines[2]
    assert "Traceback" not in result.err
    listing = json.loads(cli("--db", db, "list", "activities", "--format", "json").out)
    assert listing == []


def test_skip_invalid_via_cli(db, cli, tmp_path):
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["status"] = "lost"
    path = write_registry(tmp_path / "mixed.csv", rows)
    result = cli("--db", db, "import", "registry", path, "--skip-invalid")
    assert result.code == 0 and "3 added" in result.out and "1 rejected" in result.out
    assert (tmp_path / "mixed.csv.rejects.csv").exists()


def test_list_filters_and_formats(loaded, cli):
    data = json.loads(cli("--db", loaded, "list", "activities", "--format", "json").out)
    assert [row["id"] for row in data] == ["r-1", "r-2", "r-3", "r-4"]
    for key in ("id", "date", "title", "mechanism", "status", "place", "region", "source_url"):
        assert key in data[0]

    def ids(*args):
        out = cli("--db", loaded, "list", "activities", "--format", "json", *args).out
        return [row["id"] for row in json.loads(out)]

    assert ids("--mechanism", "societal") == ["r-4"]
    assert ids("--status", "cancelled") == ["r-2"]
    assert ids("--region", "Batken") == ["r-2"]
    assert ids("--region", "TJ-SU") == ["r-3", "r-4"]
    assert ids("--from", "2021-05-12", "--to", "2022") == ["r-2", "r-3"]
    assert ids("--from", "2022-12") == ["r-3", "r-4"]  # a 2022 row overlaps December 2022
    assert ids("--to", "2019-06-15") == ["r-1"]  # June 2019 starts before the bound
    csv_out = cli("--db", loaded, "list", "activities", "--format", "csv").out
    assert len(list(csv.DictReader(csv_out.splitlines()))) == 4
    table = cli("--db", loaded, "list", "activities").out
    assert "4 activities" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mechanism", "cultural"], "--mechanism"),
        (["--from", "June"], "--from"),
        (["--region", "Atlantis"], "--region"),
        (["--format", "xml"], "--format"),
    ],
)
def test_bad_options_are_clear(loaded, cli, args, message):
    result = cli("--db", loaded, "list", "activities", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_show_activity(loaded, cli):
    result = cli("--db", loaded, "show", "activity", "r-2", "--format", "json")
    data = json.loads(result.out)
    assert data["status"] == "cancelled" and data["status_history"][0]["status"] == "cancelled"
    assert data["coordinates"] is not None
    table = cli("--db", loaded, "show", "activity", "r-2", "--lang", "ru").out
    assert "status history" in table
    missing = cli("--db", loaded, "show", "activity", "nope")
    assert missing.code == 2 and "no activity with id 'nope'" in missing.err


def test_stats(loaded, cli):
    data = json.loads(cli("--db", loaded, "stats", "--format", "json").out)
    assert data["activities"] == 4
    assert data["by_mechanism"] == {
        "discursive": 1,
        "education_youth": 1,
        "institutional": 1,
        "societal": 1,
    }
    assert data["by_year"] == {"2019": 1, "2021": 1, "2022": 1, "2023": 1}
    assert "activities by mechanism" in cli("--db", loaded, "stats").out


def test_export_imports_back_unchanged(loaded, cli, tmp_path):
    first = tmp_path / "first"
    assert cli("--db", loaded, "export", "csv", first).code == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    cli("--db", other, "init")
    for name in ("registry", "actors", "context"):
        assert cli("--db", other, "import", name, first / f"{name}.csv").code == 0
    second = tmp_path / "second"
    cli("--db", other, "export", "csv", second)
    for name in ("registry.csv", "context.csv", "actors.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    again = cli("--db", loaded, "import", "registry", first / "registry.csv")
    assert "0 added, 0 updated, 4 unchanged" in again.out


def test_commands_before_init(tmp_path, cli):
    result = cli("--db", f"sqlite:///{tmp_path / 'none.db'}", "stats")
    assert result.code == 2 and "lowpolitics init" in result.err


def test_missing_file_and_bad_type(db, cli, tmp_path):
    result = cli("--db", db, "import", "registry", tmp_path / "absent.csv")
    assert result.code == 2 and "no such file" in result.err
    odd = tmp_path / "registry.ods"
    odd.write_text("x")
    result = cli("--db", db, "import", "registry", odd)
    assert result.code == 2 and "unsupported file type" in result.err


def test_bad_database_url(cli):
    result = cli("--db", "mysql://x@y/z", "stats")
    assert result.code == 2 and "only sqlite" in result.err


def test_version_and_help(cli):
    assert "lowpolitics 0." in cli("--version").out
    assert cli("--help").code == 0


def test_example_writes_bundled_files(cli, tmp_path):
    assert cli("example", tmp_path / "ex").code == 0
    assert (tmp_path / "ex" / "registry.csv").exists()
