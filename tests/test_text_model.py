"""The classifier's parts that need no language resources: metrics, gold files, model files."""

import json

import numpy as np
import pytest

from lowpolitics.framework.errors import ConfigError, InputError
from lowpolitics.text.charngrams import CharNgrams
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.metrics import classification_report
from lowpolitics.text.model import Model, TaskModel, load_model


def test_classification_report_known_answer():
    gold = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "a", "b", "b", "c", "c"]
    report = classification_report(gold, pred)
    # a: tp 2, fp 0, fn 1 → p 1, r 2/3, f1 0.8; b: tp 1, fp 1, fn 1 → 0.5; c: tp 1, fp 1 → 2/3
    assert report["per_class"]["a"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3}
    assert report["per_class"]["b"]["f1"] == 0.5
    assert report["per_class"]["c"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert report["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3, abs=1e-4)
    assert report["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["confusion"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_gold_file_errors_name_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"id": "1", "text": "ok", "mechanism": "societal", "frame": "neutral"}\n'
        "not json\n"
        '{"id": "1", "text": "", "mechanism": "cultural", "frame": "neutral"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_jsonl(
            path,
            require_labels=True,
            mechanisms=("societal",),
            frames=("neutral", "integrative", "securitizing"),
        )
    found = {(e.line, e.column) for e in info.value.errors}
    assert found == {(2, None), (3, "text"), (3, "id"), (3, "mechanism")}


def test_model_json_round_trip_and_probabilities(tmp_path):
    rng = np.random.default_rng(0)
    model = Model(
        ["x", "y"],
        {
            "mechanism": TaskModel(["a", "b", "c"], rng.normal(size=(3, 4)), rng.normal(size=3)),
            "frame": TaskModel(
                ["integrative", "neutral"], rng.normal(size=(1, 4)), rng.normal(size=1)
            ),
        },
        "test",
        10,
        {"macro_f1": {}},
    )
    path = tmp_path / "m.json"
    model.save(path)
    loaded = load_model(path)
    features = rng.normal(size=(5, 4))
    for name, task in model.tasks.items():
        p = loaded.tasks[name].probabilities(features)
        assert p.shape == (5, len(task.classes))
        assert np.allclose(p.sum(axis=1), 1)
        assert np.allclose(p, task.probabilities(features), atol=1e-5)


def test_character_ngrams_share_stems_and_ignore_keyboard_variants():
    spec = CharNgrams(dim=2**10, min_n=2, max_n=4, weight=1.0)
    grams = spec.ngrams("Ҳамкориҳо 2022")
    assert grams[" ха"] == 1 and grams["мко"] == 1 and grams["хо "] == 1
    assert not any(ch.isdigit() for gram in grams for ch in gram)  # figures are left out
    # a keyboard without Tajik letters gives the same n-grams, hence the same row
    rows = spec.features(["ҳамкорӣ дар Исфара", "хамкори дар исфара", "Баткенде", ""])
    assert np.allclose(rows[0], rows[1])
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0) and not rows[3].any()
    # inflected forms of one Kyrgyz stem share most of their n-grams; another word does not
    a, b, c = spec.features(["Баткенде", "Баткендеги", "Исфарада"])
    assert a @ b > 0.6 > a @ c
    assert CharNgrams.from_json(spec.to_json()) == spec
    with pytest.raises(ValueError):
        CharNgrams.from_json({"dim": 8, "min_n": 4, "max_n": 2, "weight": 1})


def test_a_task_with_character_ngrams_round_trips(tmp_path):
    rng = np.random.default_rng(1)
    spec = CharNgrams(dim=64, min_n=2, max_n=3, weight=0.5)
    model = Model(
        ["x"],
        {
            "mechanism": TaskModel(
                ["a", "b"], rng.normal(size=(2, 3 + 64)), rng.normal(size=2), spec
            ),
            "frame": TaskModel(["n", "i", "s"], rng.normal(size=(3, 3)), rng.normal(size=3)),
        },
        "test",
        2,
        {},
    )
    path = tmp_path / "m.json"
    model.save(path)
    loaded = load_model(path)
    assert loaded.tasks["mechanism"].char_ngrams == spec
    assert loaded.tasks["frame"].char_ngrams is None
    texts = ["Баткенде фестиваль", "Dushanbe talks"]
    base = rng.normal(size=(2, 3))
    got = loaded.probabilities(base, texts)
    assert got["frame"].shape == (2, 3)
    expected = model.tasks["mechanism"].probabilities(np.hstack([base, spec.features(texts)]))
    assert np.allclose(got["mechanism"], expected, atol=1e-5)
    # the n-grams move the scores: another text with the same base features scores otherwise
    other = loaded.probabilities(base, ["Исфара", "Ош"])["mechanism"]
    assert not np.allclose(other, got["mechanism"])


def test_damaged_model_files(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a lowpolitics model"):
        load_model(path)
    path.write_text(json.dumps({"format": 1, "tasks": {"x": {"classes": ["a"]}}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="damaged"):
        load_model(path)
    with pytest.raises(ConfigError):
        load_model(tmp_path / "absent.json")


def test_lexicon_evidence_combined_with_the_model():
    from lowpolitics.text.pipeline import combined_mechanism, lexicon_mechanism
    from lowpolitics.text.training import _mechanism_weight

    classes = ["none", "political", "security"]
    # the lexicon's share of evidence; no evidence at all is the lexicon's "none"
    assert lexicon_mechanism({"security": 3, "political": 1}, classes).tolist() == [0, 0.25, 0.75]
    assert lexicon_mechanism({}, classes).tolist() == [1, 0, 0]
    assert lexicon_mechanism({}, ["political", "security"]).tolist() == [0, 0]
    model = np.array([0.2, 0.5, 0.3])
    assert combined_mechanism(model, classes, {"security": 1}, 0.0) is model  # weight 0: model
    mixed = combined_mechanism(model, classes, {"security": 1}, 1.0)
    assert mixed.sum() == pytest.approx(1) and int(np.argmax(mixed)) == 2

    class Coding:
        def __init__(self, scores):
            self.scores = scores

    # the weight is kept only when it beats the model alone clearly; a tie keeps the model
    gold = ["security", "political", "none"]
    probabilities = [{"political": 0.6, "security": 0.4, "none": 0.0}] * 2 + [
        {"political": 0.6, "security": 0.2, "none": 0.2}
    ]
    chosen = _mechanism_weight(
        gold, probabilities, [Coding({"security": 2}), Coding({}), Coding({})]
    )
    assert chosen["curve"]["0.0"] < chosen["curve"][str(chosen["weight"])]
    assert chosen["weight"] > 0 and chosen["predicted"][0] == "security"
    same = _mechanism_weight(gold[:2], probabilities[:2], [Coding({}), Coding({})])
    assert same["weight"] == 0.0
