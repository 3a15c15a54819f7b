"""The development corpus shipped in the package (one JSON-lines file per language)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CORPUS_LANGS = ("en", "ru", "ky", "tg")


def corpus_files() -> list[Path]:
    """Paths of the bundled corpus files (those that exist)."""
    folder = resources.files("lowpolitics.text").joinpath("data/corpus")
    return [
        Path(str(folder.joinpath(f"{lang}.jsonl")))
        for lang in CORPUS_LANGS
        if folder.joinpath(f"{lang}.jsonl").is_file()
    ]
