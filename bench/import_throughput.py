"""Import throughput: how many registry rows per second lowpolitics validates and stores.

Prints figures for a generated registry of N rows (default 20,000) on SQLite, next to a
baseline measured in the same run on the same file: reading it with ``csv.DictReader`` and
inserting the raw cells with ``sqlite3.executemany`` — no validation, no gazetteer, no audit.
The ratio says what the checks and the domain model cost.

    python bench/import_throughput.py [N]
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.ingest.registry import REGISTRY_COLUMNS, parse_registry
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.importing import import_file
from lowpolitics.store.reference import seed_reference


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    codebook, gazetteer = load_codebook(), load_gazetteer()
    places = [p for p in gazetteer.places if p.kind in ("village", "town", "city")]
    types = {a.code: a.family for a in codebook.activity_types if a.family}
    actors = [f"Organisation {i} [{rng.choice(['KG', 'TJ', 'INT'])}]" for i in range(300)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REGISTRY_COLUMNS))
        writer.writeheader()
        for i in range(n):
            activity_type = rng.choice(list(types))
            place = rng.choice(places)
            total = rng.randint(5, 400)
            writer.writerow(
                {
                    "id": f"bench-{i}",
                    "date": f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}",
                    "title": f"Generated activity {i}",
                    "initiative": f"Initiative {i % 50}",
                    "mechanism": types[activity_type],
                    "activity_type": activity_type,
                    "status": rng.choice(codebook.status_codes),
                    "host_country": place.country if place.country in ("KG", "TJ") else "KG",
                    "partner_country": "TJ" if place.country == "KG" else "KG",
                    "place": rng.choice(place.all_names),
                    "actors": ";".join(rng.sample(actors, 2)),
                    "participants_total": total,
                    "participants_women": rng.randint(0, total),
                    "source_url": f"https://example.org/report/{i}",
                }
            )


def baseline(path: Path, db: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TABLE raw ({', '.join(f'{c} TEXT' for c in REGISTRY_COLUMNS)})")
    with path.open(encoding="utf-8") as handle:
        rows = [tuple(r[c] for c in REGISTRY_COLUMNS) for r in csv.DictReader(handle)]
    conn.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(REGISTRY_COLUMNS))})", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "registry.csv"
        generate(path, n)
        size_mb = path.stat().st_size / 1e6
        codebook, gazetteer = load_codebook(), load_gazetteer()

        t_base = baseline(path, folder / "baseline.db")

        start = time.perf_counter()
        parsed = parse_registry(path, codebook, gazetteer)
        t_parse = time.perf_counter() - start
        assert parsed.ok, parsed.all_errors[:3]

        engine = make_engine(f"sqlite:///{folder / 'lp.db'}")
        upgrade(engine)
        with session_scope(engine) as session:
            seed_reference(session, gazetteer)
        start = time.perf_counter()
        outcome = import_file(engine, "registry", path, codebook, gazetteer)
        t_import = time.perf_counter() - start
        start = time.perf_counter()
        again = import_file(engine, "registry", path, codebook, gazetteer)
        t_reimport = time.perf_counter() - start
        assert outcome.result.added == n and again.result.unchanged == n

    print(f"registry of {n:,} rows, {size_mb:.1f} MB, SQLite")
    print(f"{'step':<38}{'seconds':>9}{'rows/s':>11}{'× baseline':>12}")
    for label, seconds in (
        ("baseline: csv.DictReader + executemany", t_base),
        ("validate (parse_registry)", t_parse),
        ("import: validate + store + audit", t_import),
        ("re-import, all unchanged", t_reimport),
    ):
        print(f"{label:<38}{seconds:>9.2f}{n / seconds:>11,.0f}{seconds / t_base:>12.1f}")


if __name__ == "__main__":
    main()
