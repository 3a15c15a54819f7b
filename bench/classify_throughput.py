"""Text classification throughput, against two baselines measured in the same run on the same
texts: a bare pyahocorasick scan of the lexicon's surface terms (the floor: no stemming, no
decisions) and spaCy's PhraseMatcher over the same terms (a tokenising matcher). Then the peak
memory of ``lowpolitics classify --fast`` streaming the same texts from a file.

    python bench/classify_throughput.py [--mb 50] [--full 300] [--baseline OLD/src]

Texts are built from the development corpus: two to four of its sentences in a random order plus
a numbered sentence, so no two texts are the same and the size can be chosen. Language ID is on
(no language is given). spaCy is optional (``pip install -e .[bench]``); without it that row
says so. The full classifier (embeddings + model) is timed on ``--full`` texts only.
``--baseline`` times ``classify --fast`` of another copy of the sources (say the former commit's
``src``, from ``git archive``) on the same texts in the same run, in a child process that
imports that copy first.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ahocorasick

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.corpus import corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.model import load_model
from lowpolitics.text.options import TextOptions
from lowpolitics.text.pipeline import Classifier, TextInput
from lowpolitics.text.segment import sentences


def build_texts(megabytes: float, seed: int = 5) -> list[str]:
    pool = [s.text for path in corpus_files() for t in read_jsonl(path) for s in sentences(t.text)]
    rng = random.Random(seed)
    out, size, number = [], 0, 0
    while size < megabytes * 1e6:
        number += 1
        text = " ".join(rng.sample(pool, rng.randint(2, 4))) + f" No. {number}."
        out.append(text)
        size += len(text.encode("utf-8"))
    return out


def lexicon_terms(lexicon: dict) -> list[str]:
    return sorted(
        {t.lower() for by_lang in lexicon["codes"].values() for ts in by_lang.values() for t in ts}
    )


def bare_scan(texts: list[str], terms: list[str]) -> float:
    automaton = ahocorasick.Automaton()
    for term in terms:
        automaton.add_word(term, term)
    automaton.make_automaton()
    start = time.perf_counter()
    hits = 0
    for text in texts:
        for _ in automaton.iter(text.lower()):
            hits += 1
    return time.perf_counter() - start


def spacy_matcher(texts: list[str], terms: list[str]) -> float | None:
    try:
        import spacy
        from spacy.matcher import PhraseMatcher
    except ImportError:
        return None
    nlp = spacy.blank("xx")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("LEXICON", [nlp.make_doc(term) for term in terms])
    start = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=256):
        matcher(doc)
    return time.perf_counter() - start


def classified(classifier: Classifier, texts: list[str], batch: int = 64) -> float:
    classifier.classify_many([TextInput("warm", texts[0])])  # load caches outside the clock
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        classifier.classify_many([TextInput(str(j), t) for j, t in enumerate(texts[i : i + batch])])
    return time.perf_counter() - start


def language_id(texts: list[str], prefix: int) -> tuple[float, float, float, float]:
    """Seconds of ``identify_lang`` and of ``identify_lang_fast`` (letters first) on the
    prefixes ``--fast`` reads, the share of texts the letters decide, and the share on which
    the two agree (both warm: py3langid is loaded before the clock). Imported here: the
    baseline's child imports this file beside sources that may not have them."""
    from lowpolitics.text.langid import identify_lang
    from lowpolitics.text.langid_letters import identify_lang_fast, letter_lang

    prefixes = [text[:prefix] for text in texts]
    identify_lang(prefixes[0])
    start = time.perf_counter()
    old = [identify_lang(p) for p in prefixes]
    middle = time.perf_counter()
    new = [identify_lang_fast(p) for p in prefixes]
    end = time.perf_counter()
    decided = sum(letter_lang(p) is not None for p in prefixes) / len(prefixes)
    agree = sum(a == b for a, b in zip(old, new, strict=True)) / len(prefixes)
    return middle - start, end - middle, decided, agree


_BASELINE = """
import json, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from classify_throughput import build_texts, classified
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.pipeline import Classifier
texts = build_texts(float(sys.argv[3]))
classifier = Classifier(fast=True, codebook=load_codebook())
start = time.process_time()
seconds = classified(classifier, texts)
print(json.dumps({"wall": seconds, "cpu": time.process_time() - start}))
"""


def baseline_fast(source: Path, megabytes: float) -> dict[str, float]:
    """Wall and CPU seconds of ``classify --fast`` of the sources in ``source`` on the texts of
    ``build_texts(megabytes)`` (the same texts: they depend on the size and seed only)."""
    bench = str(Path(__file__).resolve().parent)
    run = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(source.resolve()), bench, str(megabytes)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def peak_rss_of_cli(texts: list[str], jobs: int = 1) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, of the largest process) of ``lowpolitics classify
    --fast [--jobs N]`` on a file."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for i, text in enumerate(texts):
                handle.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
        command = [str(Path(sys.executable).with_name("lowpolitics")), "classify", "--fast",
                   "--in", str(source), "--out", str(target), "--jobs", str(jobs)]  # fmt: skip
        start = time.perf_counter()
        # A small interpreter starts the command and reports its children's peak: a child
        # forked from this process (which holds every text, spaCy and the model) would count
        # this process's memory as its own peak, since Linux keeps a process's high-water
        # mark across exec.
        run = subprocess.run(
            [sys.executable, "-c", _MEASURE, json.dumps(command)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    return seconds, float(run.stdout.strip().splitlines()[-1]) / 1024


_MEASURE = """
import json, resource, subprocess, sys
subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50.0, help="size of the texts in MB")
    parser.add_argument("--full", type=int, default=300, help="texts for the full classifier")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI memory run")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the second CLI run")
    parser.add_argument("--baseline", type=Path, help="another copy of src to time as well")
    args = parser.parse_args()
    codebook = load_codebook()
    texts = build_texts(args.mb)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    terms = lexicon_terms(codebook.lexicon)
    print(f"{len(texts):,} distinct texts, {megabytes:.1f} MB, {len(terms)} lexicon terms")
    rows = [("bare pyahocorasick scan of the terms", bare_scan(texts, terms))]
    rows.append(("spaCy PhraseMatcher (blank xx) on the terms", spacy_matcher(texts, terms)))
    old = baseline_fast(args.baseline, args.mb) if args.baseline else None
    if old is not None:
        rows.append(("classify --fast, baseline sources (child)", old["wall"]))
    cpu = time.process_time()
    fast = classified(Classifier(fast=True, codebook=codebook), texts)
    cpu = time.process_time() - cpu
    rows.append(("classify --fast (language ID on), in process", fast))
    print(f"{'step':<50}{'MB/s':>9}{'texts/s':>11}")
    for label, seconds in rows:
        if seconds is None:
            print(f"{label:<50}{'not installed (pip install -e .[bench])':>20}")
            continue
        print(f"{label:<50}{megabytes / seconds:>9.2f}{len(texts) / seconds:>11,.0f}")
    scan, spacy_s = rows[0][1], rows[1][1]
    print(f"classify --fast is {fast / scan:.0f}× slower than the bare scan (target: within 3×)")
    if old is not None:
        print(
            f"baseline --fast: {old['wall'] / scan:.0f}× the scan; this code is "
            f"{old['wall'] / fast:.2f}× as fast by wall clock, {old['cpu'] / cpu:.2f}× by CPU "
            f"({old['cpu']:.1f} s against {cpu:.1f} s)"
        )
    if spacy_s:
        print(f"classify --fast is {fast / spacy_s:.1f}× the time of spaCy (target: below 1×)")
    sample = texts[: max(1, len(texts) // 10)]
    old_id, new_id, decided, agree = language_id(sample, TextOptions().fast_langid_prefix)
    print(
        f"language ID on {len(sample):,} texts: identify_lang {1e6 * old_id / len(sample):.0f} µs "
        f"a text, letters first {1e6 * new_id / len(sample):.0f} µs; the letters decide "
        f"{decided:.0%}, the verdicts agree on {agree:.2%}"
    )
    sample = texts[: args.full]
    if sample:  # --full 0 skips the full classifier
        full = classified(Classifier(load_model(), codebook=codebook), sample)
        sample_mb = sum(len(t.encode("utf-8")) for t in sample) / 1e6
        print(
            f"full classifier on {len(sample)} texts: {sample_mb / full:.3f} MB/s, "
            f"{len(sample) / full:.1f} texts/s"
        )
    if not args.no_cli:
        seconds, rss = peak_rss_of_cli(texts)
        print(
            f"lowpolitics classify --fast on the {megabytes:.1f} MB file: {seconds:.0f} s, "
            f"peak RSS {rss:.0f} MB (target: under 300 MB whatever the size)"
        )
        if args.jobs > 1:
            parallel, rss_jobs = peak_rss_of_cli(texts, args.jobs)
            print(
                f"  … with --jobs {args.jobs}: {parallel:.0f} s ({seconds / parallel:.1f}× the "
                f"one-process speed), largest process {rss_jobs:.0f} MB"
            )


if __name__ == "__main__":
    main()
