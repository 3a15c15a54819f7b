"""Turn reviewed research rows (round files) into registry rows with the next free ids.

    python research/kgtj-second-edition/to_registry.py ROUND.csv KEY[,KEY…] >> rows.csv

Prints registry CSV lines (no header) for the chosen keys, in the order given: actors from
`Name [CC]{role}` to `Name [CC] (role)`, the date note, evidence and notes joined into `notes`,
ids continuing after the highest in the registry (a dropped id is never reused: the highest
id ever issued is read from the registry and this file's own output is appended after review).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REGISTRY = Path(__file__).parents[2] / "src/lowpolitics/datasets/kgtj/registry.csv"


def actors(value: str) -> str:
    items = [a.strip() for a in value.split(";") if a.strip()]
    return ";".join(re.sub(r"\{(\w+)\}$", r" (\1)", a) for a in items)


def main() -> None:
    source, keys = Path(sys.argv[1]), sys.argv[2].split(",")
    with REGISTRY.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames
        last = max(int(r["id"].rsplit("-", 1)[1]) for r in reader if r["id"].startswith("kgtj-a-"))
    rows = {r["key"]: r for r in csv.DictReader(source.open(encoding="utf-8"))}
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    for number, key in enumerate(keys, start=last + 1):
        r = rows[key]
        notes = " ".join(
            part
            for part in (
                f"Date: {r['date_precision_note']}." if r["date_precision_note"] else "",
                f"Source: {r['evidence']}" if r["evidence"] else "",
                r["notes"],
                f"Research row {key} ({source.name}), confidence {r['confidence']}.",
            )
            if part
        )
        writer.writerow(
            {
                "id": f"kgtj-a-{number:04d}",
                "date": r["date"],
                "end_date": r["end_date"],
                "title": r["title_en"],
                "initiative": r["initiative"],
                "mechanism": r["mechanism"],
                "mechanisms_secondary": "",
                "activity_type": r["activity_type"],
                "status": r["status"],
                "status_reason": r["status_reason"],
                "host_country": r["host_country"],
                "partner_country": r["partner_country"],
                "region": r["region"],
                "place": r["place"],
                "actors": actors(r["actors"]),
                "participants_total": r["participants_total"],
                "participants_women": r["participants_women"],
                "participants_youth": r["participants_youth"],
                "source_url": r["source_url"],
                "notes": notes,
                "record_kind": r["record_kind"] or "activity",
                "same_as": r["same_as_existing"],
                "frame": r["frame"],
                "title_ru": r["title_ru"],
                "title_ky": r["title_ky"],
                "title_tg": r["title_tg"],
                "status_history": r["status_history"],
                # how the two sides met (contact_coding.md); empty until someone codes it
                "contact": r.get("contact", ""),
            }
        )


if __name__ == "__main__":
    main()
