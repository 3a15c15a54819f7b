"""The text pipeline end to end: fast and full classification, the CLI, and the scores."""

import json

import pytest

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.corpus import corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.model import load_model
from lowpolitics.text.pipeline import Classifier, TextInput, lexicon_codes
from lowpolitics.text.training import _features, cross_validate

EXAMPLES = [
    TextInput(
        "ky", "Баткенде кыргыз-тажик жаштарынын достук фестивалы 2022-жылдын 14-сентябрында өттү."
    ),
    TextInput(
        "ru",
        "17 сентября 2022 года в Баткене снова начались столкновения; Бишкек "
        "обвинил Душанбе в агрессии.",
    ),
    TextInput(
        "tg", "Дар шаҳри Исфара 14 сентябри соли 2022 фестивали дӯстии ҷавонон ба таъхир афтод."
    ),
    TextInput(
        "en",
        "The intergovernmental commission met in Dushanbe on Sept. 14, 2022 and "
        "signed a cooperation programme.",
    ),
]
KEYS = {
    "id",
    "lang",
    "mechanism",
    "mechanisms",
    "frame",
    "status",
    "event_date",
    "places",
    "evidence",
}


def check_output(results, codebook):
    mechanisms = set(codebook.classifier_mechanisms) | {"none"}
    for item, result in zip(EXAMPLES, results, strict=True):
        assert set(result) >= KEYS
        assert result["lang"] == item.id
        assert result["mechanism"] in mechanisms
        assert result["frame"] in codebook.frame_codes
        assert result["status"] in (*codebook.status_codes, "n/a")
        for evidence in result["evidence"]:
            assert item.text[evidence["start"] : evidence["end"]]


def test_fast_classifier_reads_four_languages():
    codebook = load_codebook()
    results = Classifier(fast=True, codebook=codebook).classify_many(EXAMPLES)
    check_output(results, codebook)
    ky, ru, tg, en = results
    assert ky["frame"] == "integrative" and ky["status"] == "held"
    assert ky["event_date"] == "2022-09-14" and "Batken" in ky["places"]
    assert ru["mechanism"] == "security" and ru["frame"] == "securitizing"
    assert ru["event_date"] == "2022-09-17"
    assert tg["status"] == "postponed" and "Isfara" in tg["places"]
    assert en["mechanism"] == "institutional" and en["status"] == "signed"


def test_full_classifier_with_the_shipped_model():
    codebook = load_codebook()
    model = load_model()
    assert model.n_examples >= 400 and set(model.tasks) == {"mechanism", "frame", "status"}
    results = Classifier(model, codebook=codebook).classify_many(EXAMPLES)
    check_output(results, codebook)
    for result in results:
        assert sum(m["score"] for m in result["mechanisms"]) == pytest.approx(1, abs=0.01)
    assert results[1]["mechanism"] == "security" and results[1]["frame"] == "securitizing"
    assert results[0]["frame"] == "integrative"


def test_development_corpus_meets_its_contract():
    texts = [t for path in corpus_files() for t in read_jsonl(path)]
    assert len(texts) >= 400
    by_lang = {lang: sum(t.lang == lang for t in texts) for lang in ("en", "ru", "ky", "tg")}
    assert by_lang["ky"] >= 80 and by_lang["tg"] >= 150
    assert {t.frame for t in texts} == {"integrative", "securitizing", "neutral"}
    assert all(t.group for t in texts)  # every text paraphrases a sourced fact
    import csv
    from importlib import resources

    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    facts = set()
    for name in ("registry.csv", "context.csv"):
        with folder.joinpath(name).open(encoding="utf-8") as handle:
            facts |= {row["id"] for row in csv.DictReader(handle)}
    # texts about one of the two countries only (or one of them with a third) come from news
    # articles outside the dataset; their facts are "none-NNNN" and they are labelled none.
    # Other articles outside the dataset carry a fact prefix naming their class: economic texts
    # between the two countries "econ-NNNN", news-length reports of state cooperation
    # "inst-NNNN", of talks and visits "pol-NNNN" and of statements and media "disc-NNNN"
    prefixes = {
        "none-": "none",
        "econ-": "economic",
        "inst-": "institutional",
        "pol-": "political",
        "disc-": "discursive",
    }
    outside = []
    for prefix, mechanism in prefixes.items():
        tagged = [t for t in texts if t.group.startswith(prefix)]
        assert tagged and all(t.mechanism == mechanism for t in tagged), prefix
        outside += tagged
    assert {t.group for t in texts if t not in outside} <= facts  # no text cites a dropped row
    # security reports are framed by their words, not their topic (relabelled Dec 2026)
    security = [t for t in texts if t.mechanism == "security"]
    assert sum(t.frame == "neutral" for t in security) / len(security) > 0.6


# Scores of the shipped method under fact-grouped 5-fold cross-validation (README). The test
# retrains and fails if a change to the corpus, lexicon or code makes them drop. Measured Dec
# 2026 on 824 texts: 0.63 / 0.73 (on 573 texts it was 0.68 / 0.82; the texts added since are
# written as real news is — datelines, negation, names holding frame words — and are harder);
# on 884 texts, with 60 about one country only (none): 0.685 / 0.73; on 926, with 42 more
# economic texts between the two countries: 0.694 / 0.72; on 1,049, with 123 news-length
# texts and character n-grams for the mechanism: 0.734 / 0.723; on 1,111, with 62 more
# (governors, notes, border trade, Tajik economic texts): 0.737 / 0.735; on the same 1,111
# with six security and discursive labels audited by the rule on statements: 0.742 / 0.731.
FLOORS = {"mechanism": 0.71, "frame": 0.70}


def test_cross_validated_scores_do_not_drop():
    codebook = load_codebook()
    texts = [t for path in corpus_files() for t in read_jsonl(path)]
    features, langs = _features(texts, lexicon_codes(codebook), codebook.lexicon)
    cv = cross_validate(texts, features, langs, lexicon=codebook.lexicon)
    for task, floor in FLOORS.items():
        assert cv[task]["all"]["macro_f1"] >= floor, (task, cv[task]["all"]["macro_f1"])
        for lang in ("en", "ru", "ky", "tg"):
            assert cv[task][lang]["macro_f1"] >= floor - 0.1, (task, lang)


def test_cli_classify_and_evaluate(cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps({"id": e.id, "text": e.text}, ensure_ascii=False) for e in EXAMPLES),
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    assert cli("classify", "--in", source, "--out", target, "--fast").code == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ky", "ru", "tg", "en"]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps({"id": e.id, "text": e.text, "lang": e.id, "frame": f}, ensure_ascii=False)
            for e, f in zip(
                EXAMPLES, ["integrative", "securitizing", "integrative", "neutral"], strict=True
            )
        ),
        encoding="utf-8",
    )
    result = cli("evaluate", "--gold", gold, "--fast", "--format", "json")
    report = json.loads(result.out)
    assert report["language"]["accuracy"] == 1.0
    assert set(report["tasks"]["frame"]) == {"all", "ky", "ru", "tg", "en"}
    assert report["tasks"]["frame"]["all"]["n"] == 4
    # the same texts with wrong gold languages: the classifier is not told, so it is wrong
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(
        "\n".join(
            json.dumps({"id": e.id, "text": e.text, "lang": "tg"}, ensure_ascii=False)
            for e in EXAMPLES
        ),
        encoding="utf-8",
    )
    report = json.loads(cli("evaluate", "--gold", wrong, "--fast", "--format", "json").out)
    assert report["language"]["accuracy"] == 0.25  # only the Tajik text is Tajik
    table = cli("evaluate", "--gold", gold, "--fast")
    assert table.code == 0 and "scores by gold language" in table.out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    failed = cli("classify", "--in", bad, "--out", tmp_path / "x.jsonl")
    assert failed.code == 2 and "bad.jsonl, line 1" in failed.err


def test_classify_streams_and_keeps_what_it_wrote_before_a_bad_line(cli, tmp_path):
    good = [{"id": f"t{i}", "text": e.text} for i, e in enumerate(EXAMPLES * 3)]
    source = tmp_path / "in.jsonl"
    lines = [json.dumps(g, ensure_ascii=False) for g in good] + ['{"id": "x", "text": ""}']
    source.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    failed = cli("classify", "--in", source, "--out", target, "--fast", "--batch", "4")
    assert failed.code == 2 and "in.jsonl, line 13" in failed.err and "text" in failed.err
    written = [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert written == [g["id"] for g in good]  # every batch before the bad line is kept


def test_classify_on_several_processes_writes_the_same_lines_in_order(cli, tmp_path):
    good = [{"id": f"t{i}", "text": e.text} for i, e in enumerate(EXAMPLES * 4)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in good), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert cli("classify", "--in", source, "--out", one, "--fast", "--batch", "3").code == 0
    result = cli("classify", "--in", source, "--out", two, "--fast", "--batch", "3", "--jobs", "2")
    assert result.code == 0, result
    assert two.read_text(encoding="utf-8") == one.read_text(encoding="utf-8")
    assert [json.loads(x)["id"] for x in two.read_text(encoding="utf-8").splitlines()] == [
        g["id"] for g in good
    ]
