"""CLI start-up: wall time of ``lowpolitics --help``, ``lowpolitics classify --help`` and
``analyse all --help`` in fresh interpreters, and the time to the first output of a real
``lowpolitics classify --fast`` on a one-text file (with the unpacked language model in the
cache, and with the cache off); the import time of the command tree (``python -X importtime``)
and the heaviest modules it loads; all next to a baseline measured in the same run: an
interpreter that imports only Typer and Rich (what any help screen needs).

    python bench/startup.py [RUNS] [--against SRC]

``--against SRC`` measures the same rows with another source tree first on the path (say, an
export of an earlier commit's ``src``), alternating the two run by run, so that both see the
same load.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP = (
    "import sys; sys.argv = ['lowpolitics', *sys.argv[1:]]\n"
    "from lowpolitics.cli.main import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)
BASELINE = "import typer, rich.console, rich.table, rich.progress"
ONE_TEXT = (
    '{"id": "1", "text": "Кыргызстан менен Тажикстандын маданият күндөрү 2022-жылдын '
    '14-сентябрында Бишкекте өттү."}\n'
)


def _env(src: str | None, **extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    if src:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    return env


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _first_output(code: str, *args: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting the interpreter to the first byte it writes on stdout, and the
    CPU seconds of the whole process (run to its end; it must succeed). On a loaded machine
    the CPU time is the steadier figure: the wall time also counts the waits for a core."""
    cpu = _cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.read(1)
    seconds = time.perf_counter() - start
    process.communicate()
    if process.returncode:
        raise SystemExit(f"{args}: exit {process.returncode}")
    return seconds, _cpu() - cpu


def _imports(code: str, *args: str, env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) from ``-X importtime``, largest first."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
    )
    rows = []
    for line in run.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    return sorted(rows, reverse=True)


def main() -> None:
    args = sys.argv[1:]
    against = None
    if "--against" in args:
        at = args.index("--against")
        against = args[at + 1]
        del args[at : at + 2]
    runs = int(args[0]) if args else 5
    with tempfile.TemporaryDirectory(prefix="lp-startup-") as folder:  # holds a 68 MB cache
        _measure(runs, against, Path(folder))


def _measure(runs: int, against: str | None, folder: Path) -> None:
    trees = {"this tree": None} | ({"--against": against} if against else {})
    one = folder / "one.jsonl"
    one.write_text(ONE_TEXT, encoding="utf-8")
    cache = str(folder / "cache")
    classify = ["classify", "--in", str(one), "--out", str(folder / "out.jsonl"), "--fast"]
    rows: list[tuple[str, list[str], dict[str, str]]] = [
        ("lowpolitics --help", ["--help"], {}),
        ("lowpolitics classify --help", ["classify", "--help"], {}),
        ("lowpolitics analyse all --help", ["analyse", "all", "--help"], {}),
        ("classify --fast, 1 text", classify, {"LOWPOLITICS_CACHE_DIR": cache}),
        ("  the same, model cache off", classify, {"LOWPOLITICS_CACHE_DIR": ""}),
    ]
    # the first classify fills the cache: not counted
    _first_output(HELP, *classify, env=_env(None, LOWPOLITICS_CACHE_DIR=cache))
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    base: list[tuple[float, float]] = []
    load = os.getloadavg()
    for _ in range(runs):
        base.append(_first_output(BASELINE + "; print()", env=_env(None)))
        for label, argv, extra in rows:
            for tree, src in trees.items():
                seconds = _first_output(HELP, *argv, env=_env(src, **extra))
                times.setdefault((label, tree), []).append(seconds)
    baseline = statistics.median(wall for wall, _ in base)
    print(f"median of {runs} fresh interpreters: seconds to the first output on stdout (wall)")
    print("and CPU seconds of the whole process (cpu)")
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if against:
        print(f"--against: {against}")
    header = "".join(f"{tree + ' wall':>18}{'cpu':>6}" for tree in trees)
    print(f"{'command':<34}{header}{'wall × baseline':>17}")
    base_cpu = statistics.median(cpu for _, cpu in base)
    print(f"{'baseline: python + typer + rich':<34}{baseline:>18.2f}{base_cpu:>6.2f}")
    for label, _, _ in rows:
        cells, first = "", None
        for tree in trees:
            wall = statistics.median(w for w, _ in times[(label, tree)])
            cpu = statistics.median(c for _, c in times[(label, tree)])
            cells += f"{wall:>18.2f}{cpu:>6.2f}"
            first = wall if first is None else first
        print(f"{label:<34}{cells}{first / baseline:>17.1f}")
    for tree, src in trees.items():
        top = _imports(HELP, "--help", env=_env(src))
        total = next((us for us, name in top if name == "lowpolitics.cli.main"), 0)
        print(f"\n{tree}: import of lowpolitics.cli.main {total / 1e6:.2f} s; largest imports:")
        third = [(us, n) for us, n in top if "." not in n and n != "lowpolitics"][:6]
        for us, name in third:
            print(f"  {name:<24}{us / 1e6:>6.2f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
