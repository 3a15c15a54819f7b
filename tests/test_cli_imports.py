"""Start-up stays light: printing help (of the program or of one command) loads none of the
heavy scientific, charting or PDF libraries; each command imports those when it runs.

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


@pytest.mark.parametrize(
    "args",
    [["--help"], ["classify", "--help"], ["analyse", "--help"], ["analyse", "all", "--help"]],
)
def test_help_imports_no_heavy_library(args):
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "Usage" in run.stdout
    loaded = set(json.loads(run.stderr.rsplit("@@", 1)[1]))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
