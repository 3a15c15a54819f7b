"""The main job end to end on the bundled Kyrgyz–Tajik dataset."""

import json
from pathlib import Path

from lowpolitics.cli.demo import build_demo


def test_demo_end_to_end(cli, tmp_path):
    out = tmp_path / "demo"
    result = cli("demo", "--out", out, "--no-serve")
    assert result.code == 0, result
    assert "activities by mechanism" in result.out
    assert "declared tension periods" in result.out
    assert (out / "lowpolitics.db").exists()
    stats = json.loads(
        cli("--db", f"sqlite:///{out / 'lowpolitics.db'}", "stats", "--format", "json").out
    )
    assert stats["activities"] + stats["context_events"] >= 150
    assert stats["activities_with_source"] == stats["activities"]
    # running it again starts from a fresh database, not a doubled one
    assert cli("demo", "--out", out, "--no-serve").code == 0
    again = json.loads(
        cli("--db", f"sqlite:///{out / 'lowpolitics.db'}", "stats", "--format", "json").out
    )
    assert again["activities"] == stats["activities"]


def test_demo_in_russian(tmp_path, cli):
    result = cli("demo", "--out", tmp_path / "ru", "--lang", "ru", "--no-serve")
    assert result.code == 0 and "Общественный" in result.out


def test_build_demo_returns_usable_state(tmp_path):
    state = build_demo(tmp_path / "d", verbose=False)
    try:
        assert state.url.endswith("lowpolitics.db")
    finally:
        state.close()


def test_demo_serves_the_dashboard_with_the_admin_it_prints(
    tmp_path, cli, monkeypatch, bundled_rows
):
    """Without --no-serve the demo ends by serving; the printed password logs in."""
    import re

    from fastapi.testclient import TestClient

    from lowpolitics.web import create_app

    served = {}

    def fake_serve(state, host, port, **options):  # uvicorn would block the test
        app = create_app(state.engine, state.codebook, state.gazetteer, **options)
        served.update(host=host, port=port, client=TestClient(app))
        client = served["client"]
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        served["login"] = lambda password: client.post(
            "/login",
            data={"name": "admin", "password": password, "csrf_token": token.group(1)},
        )

    monkeypatch.setattr("lowpolitics.cli.demo.serve_app", fake_serve)
    result = cli("demo", "--out", tmp_path / "d", "--port", "8123")
    assert result.code == 0, result
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    password = re.search(r"password: (\S+)", result.out).group(1)
    dashboard = served["login"](password)
    assert dashboard.status_code == 200 and f"{bundled_rows}" in dashboard.text
    assert served["login"]("not the password").status_code == 401


def test_demo_is_quiet_about_its_own_data_and_its_hints_run_as_printed(cli, tmp_path):
    from lowpolitics.cli.demo import runnable

    result = cli("demo", "--out", tmp_path / "d", "--no-serve")
    assert result.code == 0, result
    assert "warning:" not in result.err  # the bundled record's notes are counted, not listed
    assert "notes on the bundled data" in result.out
    command = runnable()
    assert f"Explore it: {command} --db" in " ".join(result.out.split())
    assert command == "lowpolitics" or Path(command).exists()
