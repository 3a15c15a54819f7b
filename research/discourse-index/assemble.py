"""Assemble the bundled coded index from the coders' files.

Reads every coder file here (``kga.csv``, ``kgb.csv``, ``tja.csv``, ``tjb.csv`` …), checks it
with the importer's own parser, adds the outlets the coders described to the bundled outlets
table, and counts stems of the excerpt each coder read (kept outside the repository: the
excerpts are the outlets' text and are never published) into the stems file. Run from the
repository root::

    python research/discourse-index/assemble.py EXCERPT_FOLDER

Writes ``src/lowpolitics/datasets/kgtj/coded_texts.csv``, ``coded_texts_stems.jsonl`` and
extends ``outlets.csv``; prints what it wrote and every problem it found.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

from lowpolitics.analysis.discourse_units import stem_counts
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.ingest.discourse import CODED_COLUMNS, OUTLET_COLUMNS, parse_coded_texts

HERE = Path(__file__).parent
DATASET = HERE.parent.parent / "src" / "lowpolitics" / "datasets" / "kgtj"
CODERS = ("kga", "kgb", "tja", "tjb")


def main(excerpts: Path) -> int:
    codebook = load_codebook()
    outlets_file = DATASET / "outlets.csv"
    with outlets_file.open(encoding="utf-8") as handle:
        outlets = list(csv.DictReader(handle))
    known = {o["id"] for o in outlets}
    for prefix in CODERS:
        extra = HERE / f"{prefix}_outlets.csv"
        if extra.exists():
            with extra.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if row["id"] and row["id"] not in known:
                        outlets.append({c: row.get(c, "") for c in OUTLET_COLUMNS})
                        known.add(row["id"])
    rows = []
    for prefix in CODERS:
        source = HERE / f"{prefix}.csv"
        if source.exists():
            with source.open(encoding="utf-8") as handle:
                rows += [r for r in csv.DictReader(handle) if r.get("id")]
    rows.sort(key=lambda r: r["id"])
    target = DATASET / "coded_texts.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CODED_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with outlets_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=OUTLET_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(outlets)
    countries = {o["id"]: o["country"] for o in outlets}
    parsed = parse_coded_texts(target, codebook, countries)
    for error in parsed.all_errors:
        print("ERROR", error)
    missing_outlets = sorted({r["outlet"] for r in rows} - known)
    if missing_outlets:
        print("outlets not described:", ", ".join(missing_outlets))
    stems_file = DATASET / "coded_texts_stems.jsonl"
    missing = []
    with stems_file.open("w", encoding="utf-8") as handle:
        for record in parsed.records:
            excerpt = excerpts / f"{record.key}.txt"
            if not excerpt.exists():
                missing.append(record.key)
                continue
            counts = stem_counts(excerpt.read_text(encoding="utf-8"), record.language)
            line = {"id": record.key, "lang": record.language, "stems": dict(sorted(counts.items()))}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    if missing:
        print("no excerpt read for:", ", ".join(missing))
    sides = Counter(r.side for r in parsed.records)
    print(f"{len(parsed.records)} coded texts ({dict(sides)}), {len(outlets)} outlets")
    print("by year:", dict(sorted(Counter(r.published_on.year for r in parsed.records).items())))
    print("by language:", dict(Counter(r.language for r in parsed.records)))
    print("by frame:", dict(Counter((r.side, r.frame) for r in parsed.records)))
    return 1 if parsed.all_errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
