"""Language ID by letters for ``classify --fast``: where the letters decide, the verdict is the
gold language of the corpus and the benchmark and, where ``identify_lang`` also decides
without the model, its verdict; elsewhere the model is asked as before."""

from __future__ import annotations

import pytest

from lowpolitics.text.corpus import benchmark_files, corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.langid import _script_evidence, identify_lang
from lowpolitics.text.langid_letters import identify_lang_fast, letter_lang
from lowpolitics.text.options import TextOptions

PREFIX = TextOptions().fast_langid_prefix


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    files = [*corpus_files(), *benchmark_files()]
    found = [(t.text, t.lang) for path in files for t in read_jsonl(path, require_labels=False)]
    assert len(found) > 500
    return found


def test_letters_name_the_gold_language_of_the_corpus_and_benchmark(texts):
    decided = 0
    for text, lang in texts:
        verdict = letter_lang(text[:PREFIX])
        if verdict is not None:
            decided += 1
            assert verdict == lang, text[:80]
        assert identify_lang_fast(text[:PREFIX]) == lang, text[:80]
    assert decided / len(texts) > 0.6  # the letters decide most real texts


def test_where_the_script_rules_decide_letters_agree_with_them(texts):
    """Rule 1 of the module is ``identify_lang``'s own script verdict, counted otherwise."""
    mixed = [" ".join(t for t, _ in texts[i : i + 3]) for i in range(0, 300, 3)]
    for text in [t for t, _ in texts] + mixed:
        evidence = _script_evidence(text[:PREFIX])
        verdict = letter_lang(text[:PREFIX])
        if verdict is None or not isinstance(evidence, tuple) or len(evidence[2]) != 1:
            continue  # identify_lang asked the model here; rule 2 is checked above
        assert verdict == identify_lang(text[:PREFIX]), text[:80]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Президенты двух стран встретились в Бишкеке и обсудили вопросы границы.", "ru"),
        ("The presidents of the two countries met in Bishkek to discuss the border.", "en"),
        # Kyrgyz without ң ө ү: жы, ээ, уу and жана are not Russian spelling
        ("2020-жылдын 19-ноябрында Душанбеде Кыргызстан менен Тажикстандын министрлери", None),
        ("Тажикстандын Тышкы иштер министрлиги кечээ студенттерди жана мигранттарды", None),
        # a Kyrgyz place name in Russian text: one marker, not strong; the model decides
        ("Жители села Көк-Таш собрались на сход, чтобы обсудить вопросы воды и границы.", None),
        # Bulgarian (ъ), Ukrainian (і), Serbian (ј) and Turkish (ş ı) are never Russian/English
        ("Министърът каза, че сътрудничеството между двете държави ще продължи и занапред.", None),
        ("Міністр сказав, що співпраця між двома країнами триватиме і надалі.", None),
        ("Министар је рекао да ће сарадња између две земље бити настављена и убудуће.", None),
        ("Bakan, iki ülke arasındaki işbirliğinin gelecekte de süreceğini söyledi bugün.", None),
        ("Short", None),
        ("Ош шаарында жашоочулар маданий фестивалга катышып, өз өнөрлөрүн көрсөтүштү ң.", "ky"),
        ("Дар шаҳри Хуҷанд ҷашни Наврӯз бо иштироки ҳазорон нафар сокинон баргузор гардид.", "tg"),
    ],
)
def test_letter_verdicts(text, expected):
    assert letter_lang(text) == expected


def test_fast_mode_uses_letters_and_full_mode_does_not(monkeypatch):
    from lowpolitics.text import pipeline

    calls: list[str] = []
    monkeypatch.setattr(pipeline, "identify_lang_fast", lambda t: calls.append("fast") or "ru")
    monkeypatch.setattr(pipeline, "identify_lang", lambda t: calls.append("full") or "ru")
    item = pipeline.TextInput("1", "Президенты встретились в Бишкеке и обсудили границу.")
    pipeline.Classifier(fast=True).classify_many([item])
    assert calls == ["fast"]
