"""The shipped benchmark of real news: its contract (never trained on, sourced, labelled with a
note), and the classifier's scores on it, which may not drop (measured figures in docs/text.md;
the floors sit a little under them)."""

import json

import pytest

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text.corpus import benchmark_files, corpus_files
from lowpolitics.text.evaluation import evaluate
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.model import load_model
from lowpolitics.text.pipeline import Classifier, TextInput


def _lines(paths):
    return [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines()]


def test_the_benchmark_meets_its_contract():
    codebook = load_codebook()
    rows = _lines(benchmark_files())
    by_lang = {lang: sum(r["lang"] == lang for r in rows) for lang in ("ru", "ky", "tg", "en")}
    assert len(rows) >= 200 and min(by_lang.values()) >= 40, by_lang
    corpus_urls = {r["source_url"].rstrip("/") for r in _lines(corpus_files())}
    assert not {r["source_url"].rstrip("/") for r in rows} & corpus_urls  # never trained on
    names = {p.name for p in load_gazetteer().places}
    for r in rows:
        assert r["source_url"].startswith("http") and r["label_note"], r["id"]
        assert set(r.get("places") or []) <= names, r["id"]
    for path in benchmark_files():  # labels from the vocabularies
        read_jsonl(
            path,
            mechanisms=(*codebook.classifier_mechanisms, "none"),
            frames=codebook.frame_codes,
            statuses=(*codebook.status_codes, "n/a"),
        )
    statuses = [r["status"] for r in rows]
    assert sum(s in ("postponed", "cancelled") for s in statuses) >= 15
    assert sum(s == "planned" for s in statuses) >= 25
    assert sum(r["frame"] == "neutral" and r["mechanism"] in ("security", "political")
               for r in rows) >= 40  # fmt: skip


@pytest.fixture(scope="module")
def benchmark():
    return [t for p in benchmark_files() for t in read_jsonl(p)]


def _scores(texts, fast):
    classifier = Classifier(None if fast else load_model(), fast=fast)
    items = [TextInput(t.id, t.text, None, t.doc_date) for t in texts]  # languages not given
    results = []
    for i in range(0, len(items), 64):
        results += classifier.classify_many(items[i : i + 64])
    return evaluate(texts, results)


# measured Dec 2026 after the corpus's visits, calls and meetings were relabelled by the
# codebook's definitions, the lexicon stopped counting a report's source as media work and the
# status cues gained meetings, decisions, futures and ratification laws: full 0.59 / 0.78 /
# 0.74, fast 0.46 / 0.83 / 0.74 (before: full 0.55 / 0.78 / 0.67, fast 0.47 / 0.83 / 0.66;
# docs/text.md); full mechanism 0.65 (tg 0.60) once the corpus gained 42 economic texts
# between the two countries (fourth edition), the floors for it raised to 0.63 (tg 0.58);
# 0.658 (tg 0.684) with 123 news-length texts and character n-grams (sixth edition): the
# Tajik floor raised to 0.66, the overall one kept (0.658 less 0.02 rounds down to 0.63);
# 0.682 (tg 0.697), fast 0.486 / 0.828 once the gold followed the codebook's rule on
# officials' meetings (seventh edition: 13 institutional texts political, 2 political
# discursive); floors raised to the score less 0.02, rounded down; 0.689 (tg 0.678), fast
# 0.466 (tg 0.496) once the security and discursive texts were audited by the codebook's rule
# on statements (eighth edition: 5 security texts discursive, 3 political) — the fast Tajik
# floor follows the audited gold down to 0.47 (the lexicon did not change; the gold did)
FLOORS = {
    False: {"mechanism": 0.66, "frame": 0.75, "status": 0.72},
    True: {"mechanism": 0.46, "frame": 0.80, "status": 0.71},
}


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_scores_on_real_news_do_not_drop(benchmark, fast):
    report = _scores(benchmark, fast)
    for task, floor in FLOORS[fast].items():
        assert report.macro_f1(task) >= floor, (task, report.macro_f1(task))
    assert report.language["accuracy"] >= 0.97
    neutral = report.tasks["frame"]["all"]["per_class"]["neutral"]["recall"]
    assert neutral >= (0.9 if fast else 0.75), neutral
    # measured Dec 2026 after the second edition's date and place rules: dates 0.87 / 0.92,
    # places 0.92 / 0.91 (0.78 / 0.75 and 0.78 / 0.85 before); dates 0.91 / 0.93 once five
    # dateline-only reports were labelled by the benchmark's own dateline convention
    assert report.dates["all"].precision >= 0.89 and report.dates["all"].recall >= 0.9
    assert report.places["all"].precision >= 0.9 and report.places["all"].recall >= 0.89
    assert report.macro_f1("mechanism", "tg") >= (0.47 if fast else 0.67)
