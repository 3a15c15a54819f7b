"""Import throughput and memory: lowpolitics' registry import against ``pandas.to_sql``.

For each size N (default 10,000 and 100,000) a registry of N generated rows is written once,
then each step runs in a fresh Python process of its own on a fresh database, so that the
peak resident memory it reports (``ru_maxrss``) is that step's alone:

- ``pandas``   — ``pandas.read_csv`` (every column as text) and ``DataFrame.to_sql``: the
  baseline; no validation, no gazetteer, no links, no audit;
- ``validate`` — lowpolitics' checks alone (:func:`stream_registry`), nothing written;
- ``write``    — the bulk writer alone, on rows checked before the clock starts (the
  checked rows are then all in memory, so its peak is not the import's);
- ``import``   — ``import_file``: checks, resolution of places and actors, activities, links,
  status history, audit, all in one transaction;
- ``reimport`` — the same file again into that database: every row unchanged;
- ``orm``      — the former path (``parse_registry`` then the ORM ``load_activities``), for
  sizes up to ``--orm-max``;
- ``refused``  — with ``--refused``: the file with three bad cells (start, middle, end), which
  must write nothing and name all three.

Each step's time is the best of ``--repeat`` runs (the machine is shared), its memory the
largest seen. ``× pandas`` is pandas' time over the step's: above 1, the step is the faster;
it is given for wall time and for the process's CPU time (see :func:`_cpu`).
``write`` is lowpolitics without validation: the same writer the import uses, on records
checked before its clock starts (there is no option to write unchecked rows).

    python bench/import_throughput.py [N ...] [--backend sqlite|postgresql] [--orm-max N]
                                      [--repeat R] [--refused] [--big]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


def generate(path: Path, n: int, seed: int = 7) -> None:
    from lowpolitics.framework.codebook import load_codebook
    from lowpolitics.framework.gazetteer import load_gazetteer
    from lowpolitics.ingest.registry import REGISTRY_COLUMNS

    rng = random.Random(seed)
    codebook, gazetteer = load_codebook(), load_gazetteer()
    places = [p for p in gazetteer.places if p.kind in ("village", "town", "city")]
    types = {a.code: a.family for a in codebook.activity_types if a.family}
    families = sorted(set(types.values()))
    actors = [f"Organisation {i} [{rng.choice(['KG', 'TJ', 'INT'])}]" for i in range(300)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REGISTRY_COLUMNS))
        writer.writeheader()
        for i in range(n):
            activity_type = rng.choice(list(types))
            place = rng.choice(places)
            total = rng.randint(5, 400)
            year = rng.randint(2005, 2024)
            writer.writerow(
                {
                    "id": f"bench-{i}",
                    "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "title": f"Generated activity {i}",
                    "initiative": f"Initiative {i % 50}",
                    "mechanism": types[activity_type],
                    "mechanisms_secondary": rng.choice(families) if i % 3 == 0 else "",
                    "activity_type": activity_type,
                    "status": rng.choice(codebook.status_codes),
                    "host_country": place.country if place.country in ("KG", "TJ") else "KG",
                    "partner_country": "TJ" if place.country == "KG" else "KG",
                    "place": rng.choice(place.all_names),
                    "actors": ";".join(rng.sample(actors, 2)),
                    "participants_total": total,
                    "participants_women": rng.randint(0, total),
                    "source_url": f"https://example.org/report/{i}",
                    "status_history": f"{year - 1}|planned" if i % 4 == 0 else "",
                }
            )


def _database(backend: str, folder: Path, label: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{label}-{uuid.uuid4().hex[:8]}.db'}"
    import psycopg

    name = f"lp_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _prepare(url: str) -> None:
    """Schema and gazetteer, outside the timed step."""
    from lowpolitics.framework.gazetteer import load_gazetteer
    from lowpolitics.store.db import make_engine, session_scope, upgrade
    from lowpolitics.store.reference import seed_reference

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, load_gazetteer())
    engine.dispose()


def step(name: str, path: Path, url: str) -> dict:
    """Run one step in this process; seconds and peak memory. Modules are imported before
    the clock starts, for pandas as for lowpolitics (pandas only in its own step, so that it
    does not weigh on the others' memory)."""
    if name == "pandas":
        import pandas as pd
        from sqlalchemy import create_engine
    from lowpolitics.framework.codebook import load_codebook
    from lowpolitics.framework.gazetteer import load_gazetteer
    from lowpolitics.ingest.registry import parse_registry, stream_registry
    from lowpolitics.store.db import make_engine, session_scope
    from lowpolitics.store.importing import import_file
    from lowpolitics.store.loader import load_activities

    codebook, gazetteer = load_codebook(), load_gazetteer()
    rows = 0
    start, cpu_start = time.perf_counter(), _cpu()
    if name == "pandas":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        engine = create_engine(url)
        with engine.begin() as conn:
            frame.to_sql("raw_registry", conn, index=False, chunksize=10_000)
        rows = len(frame)
    elif name == "validate":
        stream = stream_registry(path, codebook, gazetteer, cap=1000)
        rows = sum(1 for _ in stream.records)
        assert stream.rejected == 0, stream.error_list()[:3]
    elif name in ("import", "reimport"):
        outcome = import_file(make_engine(url), "registry", path, codebook, gazetteer)
        rows = outcome.result.total
        expected = outcome.result.unchanged if name == "reimport" else outcome.result.added
        assert expected == rows, outcome.result
    elif name == "write":  # storing alone: the rows are checked before the clock restarts
        from lowpolitics.framework.collector import collector_paused
        from lowpolitics.store.bulk import ImportSettings, bulk_load_activities

        records = list(stream_registry(path, codebook, gazetteer, cap=1000).records)
        engine = make_engine(url)
        start, cpu_start = time.perf_counter(), _cpu()
        # as the import runs the writer: the cycle collector paused, the young objects
        # collected at the end
        with collector_paused(0), session_scope(engine, write=True) as session:
            rows = bulk_load_activities(session, records, "bench", ImportSettings()).added
    elif name == "refused":  # three bad cells: nothing written, all three named
        from sqlalchemy import func, select

        from lowpolitics.framework.errors import InputError
        from lowpolitics.store.models import Activity

        engine = make_engine(url)
        try:
            import_file(engine, "registry", path, codebook, gazetteer)
        except InputError as exc:
            rows = len(exc.errors)
            assert rows == 3, exc.errors
        with session_scope(engine) as session:
            assert session.scalar(select(func.count()).select_from(Activity)) == 0
    elif name == "orm":
        parsed = parse_registry(path, codebook, gazetteer)
        with session_scope(make_engine(url)) as session:
            rows = load_activities(session, parsed.records, "bench").added
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}


def _cpu() -> float:
    """This process's CPU seconds (user + system): on a shared machine a step's CPU time
    varies much less than its wall time. On SQLite the database works in this process; on
    PostgreSQL the server's share is not counted (for pandas as for lowpolitics)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def spoil(path: Path, target: Path) -> Path:
    """``path`` with three bad cells: near the start, the middle and the end. Copied line by
    line: a child's ``ru_maxrss`` starts from this process's size when it was started."""
    with path.open("rb") as handle:
        n = sum(1 for _ in handle) - 1
    bad = {2: (1, "2019-13-01"), n // 2: (8, "canceled"), n: (15, "ten")}
    with (
        path.open(encoding="utf-8", newline="") as source,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        for index, line in enumerate(source):
            if index in bad:
                column, value = bad[index]
                cells = next(csv.reader([line]))
                cells[column] = value
                line = ",".join(f'"{c}"' for c in cells) + "\r\n"
            out.write(line)
    return target


def _run(name: str, path: Path, url: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--step", name, "--file", str(path), "--url", url],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(
    n: int, backend: str, orm_max: int, folder: Path, refused: bool = False
) -> dict[str, dict]:
    path = folder / f"registry-{n}.csv"
    if not path.exists():
        generate(path, n)
    figures: dict[str, dict] = {}
    created: list[str] = []
    url = ""
    for name in ("pandas", "validate", "write", "import", "reimport", "orm"):
        if name == "orm" and n > orm_max:
            continue
        if name in ("pandas", "write", "import", "orm"):  # reimport reuses import's database
            url = _database(backend, folder, f"{name}-{n}")
            created.append(url)
            if name != "pandas":
                _prepare(url)
        figures[name] = _run(name, path, url if name != "validate" else "none")
    if refused:
        url = _database(backend, folder, f"refused-{n}")
        created.append(url)
        _prepare(url)
        bad = spoil(path, folder / f"bad-{n}.csv")
        figures["refused"] = _run("refused", bad, url)
    for url in created:
        _drop(url)
    return figures


def report(n: int, backend: str, size_mb: float, runs: list[dict[str, dict]]) -> None:
    """The fastest of the runs for each step (the one least disturbed by other work on the
    machine) and the largest peak memory seen."""
    figures = {
        name: {
            "seconds": min(run[name]["seconds"] for run in runs),
            "cpu": min(run[name]["cpu"] for run in runs),
            "peak_mb": max(run[name]["peak_mb"] for run in runs),
        }
        for name in runs[0]
    }
    base, base_cpu = figures["pandas"]["seconds"], figures["pandas"]["cpu"]
    print(f"\nregistry of {n:,} rows, {size_mb:.1f} MB, {backend}, best of {len(runs)}")
    print(
        f"{'step':<38}{'seconds':>9}{'rows/s':>10}{'× pandas':>10}"
        f"{'CPU s':>8}{'× pandas':>10}{'peak MB':>9}"
    )
    for name, label in (
        ("pandas", "pandas read_csv + to_sql"),
        ("validate", "validate only"),
        ("write", "ours without validation (write only)"),
        ("import", "ours with validation (import)"),
        ("reimport", "re-import, all unchanged"),
        ("orm", "former ORM path"),
        ("refused", "3 bad cells: refused, 0 written"),
    ):
        if name in figures:
            f = figures[name]
            print(
                f"{label:<38}{f['seconds']:>9.2f}{n / f['seconds']:>10,.0f}"
                f"{base / f['seconds']:>10.2f}{f['cpu']:>8.2f}{base_cpu / f['cpu']:>10.2f}"
                f"{f['peak_mb']:>9.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--orm-max", type=int, default=10_000)
    parser.add_argument("--refused", action="store_true", help="also a file with 3 bad cells")
    parser.add_argument("--big", action="store_true", help="also 1,000,000 rows")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best is shown")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, Path(args.file), args.url)))
        return
    sizes = [*args.sizes, *([1_000_000] if args.big else [])]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            runs = [
                measure(n, args.backend, args.orm_max, Path(tmp), args.refused)
                for _ in range(args.repeat)
            ]
            size_mb = (Path(tmp) / f"registry-{n}.csv").stat().st_size / 1e6
            report(n, args.backend, size_mb, runs)


if __name__ == "__main__":
    main()
