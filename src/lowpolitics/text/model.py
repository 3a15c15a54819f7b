"""The trained classifier: multinomial logistic regression over sentence embeddings plus the
lexicon's evidence, one model per task (mechanism, frame, status).

Trained with scikit-learn; stored as plain JSON (classes, coefficients, intercepts, feature
layout) — no pickle, so a model file cannot run code when loaded, and predicting needs only
numpy. The default model, trained on the development corpus, ships in ``data/model.json``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from lowpolitics.framework.errors import ConfigError
from lowpolitics.text.charngrams import CharNgrams

TASKS = ("mechanism", "frame", "status")
FORMAT_VERSION = 1


@dataclass
class TaskModel:
    classes: list[str]
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)
    # character n-grams hashed after the embedding and the lexicon features (None: this task
    # reads the embedding and the lexicon only)
    char_ngrams: CharNgrams | None = None

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.coef.T + self.intercept
        if len(self.classes) == 2 and self.coef.shape[0] == 1:  # binary: sklearn keeps one row
            p = 1 / (1 + np.exp(-logits[:, 0]))
            return np.column_stack([1 - p, p])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class Model:
    lexicon_codes: list[str]  # order of the lexicon features after the embedding
    tasks: dict[str, TaskModel]
    trained_on: str  # fingerprint of the training file
    n_examples: int
    cv: dict  # cross-validated scores measured when the model was trained
    lexicon_weight: float = 1.0  # scale of the lexicon features against the embedding
    # What a reader of the model needs to trust it: when it was trained, on what (texts per
    # source, language and label), with which options, and its cross-validated scores.
    card: dict = field(default_factory=dict)
    # weight of the lexicon's normalised mechanism evidence added to the model's probabilities
    # (0: the model alone); chosen by cross-validation on the training texts
    mechanism_lexicon_weight: float = 0.0

    def probabilities(self, features: np.ndarray, texts: list[str]) -> dict[str, np.ndarray]:
        """Every task's class probabilities for ``texts``, given their embedding and lexicon
        ``features``; a task that reads character n-grams gets them appended (computed once
        per layout)."""
        blocks: dict[CharNgrams, np.ndarray] = {}
        out = {}
        for name, task in self.tasks.items():
            if task.char_ngrams is None:
                out[name] = task.probabilities(features)
                continue
            if task.char_ngrams not in blocks:
                blocks[task.char_ngrams] = task.char_ngrams.features(texts)
            out[name] = task.probabilities(np.hstack([features, blocks[task.char_ngrams]]))
        return out

    def to_json(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "lexicon_codes": self.lexicon_codes,
            "trained_on": self.trained_on,
            "n_examples": self.n_examples,
            "cv": self.cv,
            "lexicon_weight": self.lexicon_weight,
            "card": self.card,
            "mechanism_lexicon_weight": self.mechanism_lexicon_weight,
            "tasks": {
                name: {
                    "classes": t.classes,
                    "coef": np.round(t.coef, 6).tolist(),
                    "intercept": np.round(t.intercept, 6).tolist(),
                    **({"char_ngrams": t.char_ngrams.to_json()} if t.char_ngrams else {}),
                }
                for name, t in self.tasks.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict, where: str = "model") -> Model:
        if data.get("format") != FORMAT_VERSION:
            raise ConfigError(f"{where}: not a lowpolitics model file (format {FORMAT_VERSION})")
        try:
            tasks = {
                name: TaskModel(
                    t["classes"],
                    np.asarray(t["coef"], dtype=np.float64),
                    np.asarray(t["intercept"], dtype=np.float64),
                    CharNgrams.from_json(t["char_ngrams"]) if t.get("char_ngrams") else None,
                )
                for name, t in data["tasks"].items()
            }
            return cls(
                data["lexicon_codes"],
                tasks,
                data.get("trained_on", ""),
                int(data.get("n_examples", 0)),
                data.get("cv", {}),
                float(data.get("lexicon_weight", 1.0)),
                dict(data.get("card") or {}),
                float(data.get("mechanism_lexicon_weight", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: the model file is damaged ({exc})") from exc

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")


def load_model(path: Path | str | None = None) -> Model:
    """A model file, or the default model shipped in the package."""
    if path is None:
        resource = resources.files("lowpolitics.text").joinpath("data/model.json")
        if not resource.is_file():
            raise ConfigError(
                "no default model is installed — train one with "
                "'lowpolitics train --gold FILE.jsonl'"
            )
        return Model.from_json(json.loads(resource.read_text(encoding="utf-8")), "default model")
    path = Path(path)
    try:
        return Model.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the model file ({exc})") from exc


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
