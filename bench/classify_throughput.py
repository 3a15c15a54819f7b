"""Text classification throughput: MB/s and texts/s of ``classify --fast`` (lexicon) and of the
full classifier (embeddings + model), against a baseline measured in the same run on the same
texts: one regular-expression alternation of all the lexicon's surface terms per language
(no stemming, no boundaries beyond \\b, no decisions).

    python bench/classify_throughput.py [N]      # N texts (default 3000) drawn from the corpus
"""

from __future__ import annotations

import random
import sys
import time

import regex

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.corpus import corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.model import load_model
from lowpolitics.text.pipeline import Classifier, TextInput


def corpus(n: int) -> list[TextInput]:
    texts = [t for path in corpus_files() for t in read_jsonl(path)]
    rng = random.Random(5)
    return [
        TextInput(str(i), t.text, t.lang) for i, t in enumerate(rng.choice(texts) for _ in range(n))
    ]


def baseline(items: list[TextInput], lexicon: dict) -> float:
    patterns = {}
    for lang in ("en", "ru", "ky", "tg"):
        terms = sorted(
            {t for langs in lexicon["codes"].values() for t in langs.get(lang, [])},
            key=len,
            reverse=True,
        )
        patterns[lang] = regex.compile(
            r"\b(?:" + "|".join(map(regex.escape, terms)) + r")", regex.IGNORECASE
        )
    start = time.perf_counter()
    for item in items:
        patterns[item.lang].findall(item.text)
    return time.perf_counter() - start


def timed(classifier: Classifier, items: list[TextInput]) -> float:
    classifier.classify_many(items[:20])  # load models and caches outside the clock
    start = time.perf_counter()
    for i in range(0, len(items), 64):
        classifier.classify_many(items[i : i + 64])
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    codebook = load_codebook()
    items = corpus(n)
    megabytes = sum(len(i.text.encode("utf-8")) for i in items) / 1e6
    rows = [("baseline: regex alternation of lexicon terms", baseline(items, codebook.lexicon))]
    rows.append(
        (
            "classify --fast (lexicon, dates, places, status)",
            timed(Classifier(fast=True, codebook=codebook), items),
        )
    )
    full_items = items[: min(n, 500)]  # the embedding is the slow part: time fewer texts
    full = timed(Classifier(load_model(), codebook=codebook), full_items)
    print(f"{n:,} texts ({megabytes:.2f} MB) from the development corpus, languages given")
    print(f"{'step':<52}{'texts/s':>10}{'MB/s':>9}{'× baseline':>12}")
    base = n / rows[0][1]
    for label, seconds in rows:
        print(
            f"{label:<52}{n / seconds:>10,.0f}{megabytes / seconds:>9.2f}"
            f"{base / (n / seconds):>12.1f}"
        )
    share = len(full_items) / n
    print(
        f"{'classify (full: embeddings + model), ' + str(len(full_items)) + ' texts':<52}"
        f"{len(full_items) / full:>10,.1f}{megabytes * share / full:>9.3f}"
        f"{base / (len(full_items) / full):>12.0f}"
    )


if __name__ == "__main__":
    main()
