"""Data flows one way: each stage imports only the stages to its left (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "lowpolitics"
# what each stage may import besides itself; `text` is a library used by the stages after it
ALLOWED = {
    "framework": set(),
    "text": {"framework"},
    "ingest": {"framework", "text"},
    "store": {"framework", "text", "ingest"},
    "analysis": {"framework", "text", "ingest", "store"},
    "advise": {"framework", "text", "analysis"},
    "report": {"framework", "text", "store", "analysis", "advise"},
    "exchange": {"framework", "text", "ingest", "store", "analysis"},
    "web": {"framework", "text", "ingest", "store", "analysis", "advise", "report", "exchange"},
    "cli": {
        "framework",
        "text",
        "ingest",
        "store",
        "analysis",
        "advise",
        "report",
        "exchange",
        "web",
    },
}


def imported_stages(path: Path) -> set[str]:
    stages = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lowpolitics" and len(parts) > 1:
                stages.add(parts[1])
    return stages


def test_each_stage_imports_only_the_stages_to_its_left():
    wrong = []
    for stage, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            for other in imported_stages(path) - allowed - {stage, "datasets"}:
                if other in ALLOWED:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert not wrong, "\n".join(wrong)
