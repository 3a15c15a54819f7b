"""Start-up stays light: printing help (of the program or of one command) loads none of the
heavy scientific, charting or PDF libraries; each command imports those when it runs. The
program's help and ``classify --help`` load no database, YAML, web or text-pipeline library
either: the commands are listed from a table and imported only when resolved.

Run in a fresh interpreter, so that what the test session already imported does not count.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "scipy",
    "lifelines",
    "sklearn",
    "altair",
    "weasyprint",
    "vl_convert",
    "networkx",
    "pandas",
    "numpy",
    "alembic",
    "duckdb",
)

# Not needed to print the program's help or classify's: the database layer, the codebook's YAML,
# the web app, the reports' templating and the text pipeline's libraries.
NOT_AT_START_UP = (
    *HEAVY,
    "sqlalchemy",
    "psycopg",
    "yaml",
    "fastapi",
    "uvicorn",
    "httpx",
    "jinja2",
    "babel",
    "openpyxl",
    "pyarrow",
    "regex",
    "ahocorasick",
    "py3langid",
    "snowballstemmer",
    "pymorphy3",
    "dask",
)

PROBE = """
import json, sys
sys.argv = ["lowpolitics", *json.loads(sys.argv[1])]
from lowpolitics.cli.main import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\n@@" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _loaded(args: list[str]) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after ``lowpolitics ARGS``."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "Usage" in run.stdout
    return set(json.loads(run.stderr.rsplit("@@", 1)[1]))


@pytest.mark.parametrize(
    "args",
    [["--help"], ["classify", "--help"], ["analyse", "--help"], ["analyse", "all", "--help"]],
)
def test_help_imports_no_heavy_library(args):
    loaded = _loaded(args)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("args", [["--help"], ["classify", "--help"]])
def test_start_up_help_imports_only_the_command_line(args):
    loaded = _loaded(args)
    assert "lowpolitics" in loaded and "typer" in loaded  # the probe did run the program
    assert not loaded & set(NOT_AT_START_UP), sorted(loaded & set(NOT_AT_START_UP))


def test_the_probe_sees_what_a_command_imports():
    # the same probe on a command that needs the database layer finds it loaded
    assert "sqlalchemy" in _loaded(["list", "activities", "--help"])
