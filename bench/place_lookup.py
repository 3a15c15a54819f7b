"""The place suggestions of the forms (``/lookup/places``) on a large gazetteer: the sorted
prefix index (``Gazetteer.search``) against a scan of every name, in the same run, on the
same places and the same typed prefixes.

    python bench/place_lookup.py [N]      # N places made from the bundled ones (default 50000)
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time

from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import Gazetteer, load_gazetteer, name_keys

PREFIXES = ["Исфа", "isf", "Бот", "vor", "Kok-T", "сугд", "ba", "zz"]
LIMIT = 10


def grown(n: int) -> Gazetteer:
    """``n`` places: the bundled ones repeated, each copy's names given a numbered suffix."""
    base = load_gazetteer().places
    places = []
    for i in range(n):
        place = base[i % len(base)]
        tag = "" if i < len(base) else f" {i}"
        places.append(
            dataclasses.replace(
                place,
                id=f"{place.id}_{i}",
                names={k: v + tag for k, v in place.names.items()},
                variants=tuple(v + tag for v in place.variants),
            )
        )
    return Gazetteer(places)


def scan(gazetteer: Gazetteer, text: str, limit: int) -> list:
    """The baseline: every name of every place folded and compared."""
    key, found = fold(text), []
    for place in gazetteer.places:
        if any(k.startswith(key) for name in place.all_names for k in name_keys(name)):
            found.append(place)
            if len(found) >= limit:
                break
    return found


def timed(call, repeats: int = 5) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for prefix in PREFIXES:
            call(prefix)
        runs.append((time.perf_counter() - start) / len(PREFIXES))
    return statistics.median(runs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    start = time.perf_counter()
    gazetteer = grown(n)
    gazetteer.search("a", 1)  # the index is built on the first search
    built = time.perf_counter() - start
    indexed = timed(lambda p: gazetteer.search(p, LIMIT))
    scanned = timed(lambda p: scan(gazetteer, p, LIMIT), repeats=3)
    entries = len(gazetteer._prefixes)
    print(f"places: {n}, index entries: {entries}, made and indexed in {built:.2f} s")
    print(f"prefix index: {indexed * 1e3:.3f} ms per request")
    print(f"scan of every name (baseline): {scanned * 1e3:.3f} ms per request")
    print(f"ratio baseline / index: {scanned / indexed:.0f}x")


if __name__ == "__main__":
    main()
