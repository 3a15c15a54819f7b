"""The main job end to end on the bundled Kyrgyz–Tajik dataset."""

import json

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
