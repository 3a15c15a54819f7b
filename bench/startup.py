"""CLI start-up: wall time of ``lowpolitics --help`` and ``lowpolitics classify --help`` in
fresh interpreters, the import time of the command tree (``python -X importtime``) and the
heaviest modules it loads, next to a baseline measured in the same run: an interpreter that
imports only Typer and Rich (what any help screen needs).

    python bench/startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HELP = (
    "import sys; sys.argv = ['lowpolitics', *sys.argv[1:]]\n"
    "from lowpolitics.cli.main import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)
BASELINE = "import typer, rich.console, rich.table, rich.progress"


def _wall(code: str, *args: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _imports(code: str, *args: str) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) from ``-X importtime``, largest first."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args], capture_output=True, text=True
    )
    rows = []
    for line in run.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    return sorted(rows, reverse=True)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    base = _wall(BASELINE, runs=runs)
    print(f"median of {runs} fresh interpreters")
    print(f"{'command':<34}{'seconds':>9}{'× baseline':>12}")
    print(f"{'baseline: python + typer + rich':<34}{base:>9.2f}{1:>12.1f}")
    for args in (["--help"], ["classify", "--help"], ["analyse", "all", "--help"]):
        seconds = _wall(HELP, *args, runs=runs)
        label = "lowpolitics " + " ".join(args)
        print(f"{label:<34}{seconds:>9.2f}{seconds / base:>12.1f}")
    top = _imports(HELP, "--help")
    total = next((us for us, name in top if name == "lowpolitics.cli.main"), 0)
    print(f"\nimport of lowpolitics.cli.main: {total / 1e6:.2f} s; largest third-party imports:")
    third = [(us, n) for us, n in top if "." not in n and n != "lowpolitics"][:8]
    for us, name in third:
        print(f"  {name:<24}{us / 1e6:>6.2f} s")


if __name__ == "__main__":
    main()
