"""Classifying a stream of texts on several processes, in order, with memory bounded.

Each worker is a fork of the parent after the classifier is built, so the model, the lexicon's
automata and the gazetteer are loaded once and shared copy-on-write. The parent keeps at most
``2 × jobs`` batches in flight and yields each batch's results in input order as soon as it is
ready: the output is the same, line for line, as one process would write, and memory stays flat
whatever the input size.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from lowpolitics.text.pipeline import Classifier, TextInput

_WORKER: Classifier | None = None


def _classify(batch: list[TextInput]) -> list[dict]:
    assert _WORKER is not None, "worker started without a classifier"
    return _WORKER.classify_many(batch)


def classify_batches(
    classifier: Classifier, inputs: Iterable[TextInput], batch: int, jobs: int = 1
) -> Iterator[list[dict]]:
    """Results batch by batch, in input order; ``jobs`` > 1 forks that many workers."""
    source = iter(inputs)
    if jobs <= 1:
        while chunk := list(islice(source, batch)):
            yield classifier.classify_many(chunk)
        return
    global _WORKER
    _WORKER = classifier  # inherited by the forked workers
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        pending: deque = deque()
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(source, batch))):
                pending.append(pool.apply_async(_classify, (chunk,)))
            if not pending:
                break
            yield pending.popleft().get()
