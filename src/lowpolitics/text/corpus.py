"""The development corpus and the benchmark shipped in the package (one JSON-lines file per
language each).

The corpus trains the model. The benchmark never does: 200 texts (50 per language) written
afresh from real news articles that no corpus text comes from — neutral security and political
reports, announcements, postponements and cancellations, datelines, date ranges, names of
palaces, festivals and NGOs — each with its source address and a note on how it was labelled.
``lowpolitics evaluate --benchmark`` scores the classifier on it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CORPUS_LANGS = ("en", "ru", "ky", "tg")


def _bundled(name: str) -> list[Path]:
    """The per-language JSON-lines files of ``text/data/<name>`` that exist."""
    folder = resources.files("lowpolitics.text").joinpath(f"data/{name}")
    return [
        Path(str(folder.joinpath(f"{lang}.jsonl")))
        for lang in CORPUS_LANGS
        if folder.joinpath(f"{lang}.jsonl").is_file()
    ]


def corpus_files() -> list[Path]:
    """Paths of the bundled corpus files (those that exist)."""
    return _bundled("corpus")


def benchmark_files() -> list[Path]:
    """Paths of the bundled benchmark files (those that exist)."""
    return _bundled("benchmark")
