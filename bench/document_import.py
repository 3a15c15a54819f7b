"""Importing one long plain-text document: 1 MB and 10 MB, on SQLite.

The import should grow with the text, not with its square, and cost a small multiple of
merely reading and segmenting it. Baseline in the same run on the same file: reading the
file and splitting it into paragraphs and sentences (``text.segment``) with no language
identification, no discourse reading, no database. The text is Russian news-like prose
with a place name in about one sentence in five.

    python bench/document_import.py [MB ...]     # default 1 10
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.documents import import_documents
from lowpolitics.store.reference import seed_reference
from lowpolitics.text.segment import paragraphs, sentences

SENTENCES = [
    "Делегация министерства культуры провела встречу с коллегами в Худжанде.",
    "Стороны обсудили программу обменов студентами и молодёжью на следующий год.",
    "Фестиваль народной музыки собрал исполнителей из обеих стран.",
    "Участники договорились о совместной выставке, посвящённой общему наследию.",
    "В университете прошла конференция о преподавании языков соседей.",
    "Организаторы отметили, что интерес к программе растёт.",
    "Молодёжный лагерь в Баткене принял больше ста участников.",
]


def write_text(path: Path, size: int) -> None:
    parts, total, n = [], 0, 0
    while total < size:
        body = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(4))
        paragraph = f"Сообщение {n}. {body}"
        parts.append(paragraph)
        total += len(paragraph.encode()) + 2
        n += 1
    path.write_text("\n\n".join(parts), encoding="utf-8")


def baseline(path: Path) -> float:
    start = time.perf_counter()
    text = path.read_text(encoding="utf-8")
    paragraphs(text)
    sentences(text, "ru")
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("LOWPOLITICS_MAX_DOCUMENT_CHARS", "50000000")  # 10 MB is 5.7M chars
    sizes = [float(a) for a in sys.argv[1:]] or [1.0, 10.0]
    gazetteer = load_gazetteer()
    print(f"{'size MB':>8}{'read+segment s':>16}{'import s':>10}{'× baseline':>12}{'s per MB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        warm = root / "warm.txt"  # codebook, lexicon and gazetteer loaded before timing
        write_text(warm, 20_000)
        for size in sizes:
            path = root / f"text-{size:g}mb.txt"
            write_text(path, int(size * 2**20))
            engine = make_engine(f"sqlite:///{root / f'bench-{size:g}.db'}")
            upgrade(engine)
            with session_scope(engine) as session:
                seed_reference(session, gazetteer)
            import_documents(engine, [warm])
            base = baseline(path)
            start = time.perf_counter()
            report = import_documents(engine, [path])
            took = time.perf_counter() - start
            assert report.ok and len(report.imported) == 1, report.failed
            print(f"{size:>8g}{base:>16.2f}{took:>10.2f}{took / base:>12.1f}{took / size:>10.2f}")
            engine.dispose()


if __name__ == "__main__":
    main()
