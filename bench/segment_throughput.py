"""Sentence segmentation and document import at growing sizes: the time should grow with the
text, not with its square. Baseline in the same run: a bare regular-expression split on
terminal punctuation (no abbreviations, no rules).

    python bench/segment_throughput.py [KB ...]     # default 10 100 1000
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from lowpolitics.store.corpus import DocumentMeta, add_document
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.text.segment import sentences

PARAGRAPH = (
    "Фестиваль дружбы прошёл в Баткене 14 сент. 2022 г. Его открыл г-н Иванов, а т. е. "
    "гости из Исфары и Ворух пели до вечера. В 2023 г. стороны договорились повторить его!\n"
)
BARE = re.compile(r"(?<=[.!?…])\s+")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000]
    print(f"{'size':>8}{'sentences':>11}{'segment s':>11}{'bare split s':>14}{'× bare':>8}"
          f"{'import s':>10}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'b.db'}")
        upgrade(engine)
        for kb in sizes:
            text = PARAGRAPH * max(1, kb * 1000 // len(PARAGRAPH.encode("utf-8")))
            start = time.perf_counter()
            n = len(sentences(text, "ru"))
            seg = time.perf_counter() - start
            start = time.perf_counter()
            BARE.split(text)
            bare = time.perf_counter() - start
            start = time.perf_counter()
            with session_scope(engine) as session:
                add_document(session, text, DocumentMeta(key=f"d{kb}", language="ru"))
            imported = time.perf_counter() - start
            print(f"{kb:>6}KB{n:>11,}{seg:>11.3f}{bare:>14.4f}{seg / bare:>8.0f}{imported:>10.2f}")
        engine.dispose()


if __name__ == "__main__":
    main()
