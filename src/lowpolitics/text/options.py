"""Options of the text pipeline in one place: flags set them, environment variables give their
defaults (``LOWPOLITICS_STATUS_THRESHOLD``, ``LOWPOLITICS_FRAME_THRESHOLD``,
``LOWPOLITICS_CLASSIFY_BATCH``, ``LOWPOLITICS_EMBED_BATCH``), and where unpacked models are
kept (``LOWPOLITICS_CACHE_DIR``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lowpolitics.framework.errors import ConfigError


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def cache_dir() -> Path | None:
    """Where the text pipeline keeps what it can rebuild (the unpacked language model):
    ``LOWPOLITICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/lowpolitics``, else
    ``~/.cache/lowpolitics``. ``LOWPOLITICS_CACHE_DIR`` set empty turns the cache off."""
    chosen = os.environ.get("LOWPOLITICS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lowpolitics"


@dataclass(frozen=True)
class TextOptions:
    # Without a status cue the model may still name a status; below this probability it
    # abstains (n/a) — a guessed "held" is worse than no status for a record of outcomes.
    # 0.4 keeps the cross-validated status macro-F1 of always trusting the model (0.513 vs
    # 0.516 on the development corpus; 0.6 would cost 0.09) while dropping its least sure guesses.
    status_threshold: float = 0.4
    # An integrative or securitizing frame needs words that frame (lexicon evidence) or a model
    # at least this sure; else the text is neutral. 0.6 raises neutral recall from 0.76 to 0.88
    # in grouped cross-validation for 0.02 of frame macro-F1 (0.80 → 0.78): reading topic as
    # framing was the error users met on real news.
    frame_threshold: float = 0.6
    batch: int = 64  # texts classified (and written) together
    # texts the full classifier embeds at once: the same vectors whatever the number, fewer
    # hold less memory and take longer (embeddings.BATCH)
    embed_batch: int = 32
    langid_prefix: int = 2000  # characters of a text read to identify its language
    # --fast reads fewer: on the benchmark and the development corpus (1,126 texts) language
    # accuracy is the same (1.0) from 200 characters to 2,000, and the model's cost is linear
    # in what it reads
    fast_langid_prefix: int = 300
    # words whose stem (lexicon, per language) and folded key (places) are remembered; the
    # dictionaries are emptied when full, so memory stays bounded whatever the input (at most
    # about 10 MB each: 50,000 words hit nearly every word of news after the first megabytes)
    word_cache: int = 50_000

    def __post_init__(self) -> None:
        if not 0.0 <= self.status_threshold <= 1.0:
            raise ConfigError(f"status threshold {self.status_threshold}: use a number in 0–1")
        if not 0.0 <= self.frame_threshold <= 1.0:
            raise ConfigError(f"frame threshold {self.frame_threshold}: use a number in 0–1")
        if self.batch < 1:
            raise ConfigError(f"batch {self.batch}: use a whole number ≥ 1")
        if self.embed_batch < 1:
            raise ConfigError(f"embed batch {self.embed_batch}: use a whole number ≥ 1")
        for name in ("langid_prefix", "fast_langid_prefix", "word_cache"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} {getattr(self, name)}: use a whole number ≥ 1")

    @classmethod
    def from_env(cls, **overrides) -> TextOptions:
        """Defaults from the environment, then the flags given (``None`` keeps the default)."""
        try:
            values = {
                "status_threshold": float(_env("LOWPOLITICS_STATUS_THRESHOLD", "0.4")),
                "frame_threshold": float(_env("LOWPOLITICS_FRAME_THRESHOLD", "0.6")),
                "batch": int(_env("LOWPOLITICS_CLASSIFY_BATCH", "64")),
                "embed_batch": int(_env("LOWPOLITICS_EMBED_BATCH", "32")),
            }
        except ValueError as exc:
            raise ConfigError(f"a LOWPOLITICS_ text option is not a number: {exc}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
