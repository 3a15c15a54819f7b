"""The fast path's shortcuts give the answers of the plain computations they replace: dates
tried only where a match can start, language ID without the model when the script decides,
stems and place keys remembered across texts (within a bound), and the Tajik stemmer loaded
without tajiknlp's whole toolkit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text import date_patterns, dates
from lowpolitics.text.corpus import benchmark_files, corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.langid import identify, identify_lang
from lowpolitics.text.lexicon import LexiconCoder
from lowpolitics.text.options import TextOptions
from lowpolitics.text.pipeline import Classifier, TextInput
from lowpolitics.text.places import extract_places

# Written to catch a start the candidate scan could miss: a range opened by "с"/"со"/"аз",
# moҳи/соли before the month, capitals, the long s that full case folding reads as "s", a
# date glued to letters, ISO and dotted dates, Kyrgyz ranges and periods.
TRICKY = [
    "с 14 по 16 сентября 2022 г. и СО 2 ПО 5 МАЯ 2021 ГОДА",
    "аз 29 апрел то 1 майи 2021, моҳи апрели соли 2021, 14-уми сентябри 2022",
    "2023-жылдын 17-21-май күндөрү; 2022-жылдын 10-октябрынан 21-октябрына чейин",
    "September 14–16, 2022; from June 7 to 14, 2021; Sept. 14-16, 2022; ſep 14, 2022",
    "in 2019, 29 декабря – 2 января 2023, 2022-05-01 and 01.05.2022, x2022 года, А2022",
    "April–May 2021; январ–апрели соли 2025; 2024-жылдын январь–март",
    "майрамы 2022-жылы, Маята 12 мая, 7мая 2020",
    # runs of figures that are no day or no year, and figures of other scripts
    "No. 12345 мая 2022, 123 мая, 45 мая 2021, 1812 года, 2022 мая, 02022 года, ١٢ мая ٢٠٢٢",
    "1999-12-31, 12345-01-02, 7.5.2020, 123.4.2020, in 1899 and 2100, с 4 по 45 мая 2022",
]


def _texts() -> list[tuple[str, str]]:
    files = [*corpus_files(), *benchmark_files()]
    return [(t.text, t.lang) for path in files for t in read_jsonl(path, require_labels=False)]


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    found = _texts()
    assert len(found) > 500  # the corpus and the benchmark are installed
    return found


def test_date_patterns_tried_at_candidate_starts_find_what_a_full_scan_finds(texts):
    checked = 0
    for text in [t for t, _ in texts] + TRICKY:
        starts = date_patterns.candidate_starts(text)
        for pattern in date_patterns.PATTERNS:
            expected = [m.span() for m in pattern.rx.finditer(text)]
            tried = date_patterns.starts_for(pattern.starts, starts)
            assert [
                m.span() for m in date_patterns.matches_at(pattern.rx, text, tried)
            ] == expected, (
                pattern.kind,
                text[:80],
            )
            checked += len(expected)
    assert checked > 1000  # the texts are full of dates: the comparison is not vacuous


def test_a_pattern_is_skipped_only_when_the_text_lacks_what_it_needs(texts):
    for text, _ in texts[:300]:
        for pattern in date_patterns.PATTERNS:
            if any(pattern.rx.finditer(text)):
                assert all(date_patterns.NEEDS[need].search(text) for need in pattern.needs)


def test_dates_are_found_in_tricky_texts():
    found = {m.text for text in TRICKY for m in dates.extract_dates(text)}
    assert {"с 14 по 16 сентября 2022 г.", "аз 29 апрел то 1 майи 2021", "ſep 14, 2022"} <= found


def test_language_without_the_model_is_the_language_with_it(texts):
    sample = [t for t, _ in texts] + [
        " ".join(t for t, _ in texts[i : i + 3])
        for i in range(0, 300, 3)  # mixed languages
    ]
    for text in sample:
        assert identify_lang(text[:2000]) == identify(text[:2000]).lang, text[:80]


def test_a_short_prefix_names_the_language_of_the_gold_texts(texts):
    prefix = TextOptions().fast_langid_prefix
    right = sum(identify_lang(text[:prefix]) == lang for text, lang in texts)
    assert right / len(texts) >= 0.99


def test_remembered_stems_are_bounded_and_change_nothing(texts):
    small, large = LexiconCoder(stem_cache=20), LexiconCoder()
    for text, lang in texts[:150]:
        assert small.code(text, lang) == large.code(text, lang)
    assert all(len(cache) <= 21 + 400 for cache in small._stems.values())
    assert max(len(cache) for cache in large._stems.values()) > 1000


def test_remembered_place_keys_change_nothing(texts):
    gazetteer = load_gazetteer()
    folded: dict[str, str] = {}
    hits = 0
    for text, lang in texts[:300]:
        plain = extract_places(text, gazetteer, lang)
        assert extract_places(text, gazetteer, lang, folded) == plain
        hits += len(plain)
    assert hits > 100 and folded


def test_fast_and_full_classifiers_agree_on_dates_and_places(texts):
    """Both read dates and places with the same code; they differ only when the shorter
    prefix --fast reads for language ID names another language than the longer one (a long
    text opening in another language), which none of these texts does."""
    from lowpolitics.text.model import load_model

    items = [TextInput(str(i), text) for i, (text, _) in enumerate(texts[::10][:60])]
    fast = Classifier(fast=True).classify_many(items)
    full = Classifier(load_model()).classify_many(items)
    keys = ("lang", "event_date", "event_date_evidence", "dateline", "places", "place_evidence")
    agree = 0
    for one, other in zip(fast, full, strict=True):
        assert {k: one[k] for k in keys} == {k: other[k] for k in keys}, one["id"]
        agree += bool(one["event_date"]) + len(one["places"])
    assert agree > 40


def test_word_cache_and_prefix_must_be_positive():
    with pytest.raises(ConfigError, match="word_cache"):
        TextOptions(word_cache=0)
    with pytest.raises(ConfigError, match="fast_langid_prefix"):
        TextOptions(fast_langid_prefix=0)


PROBE = """
import json, sys
from lowpolitics.text.stemming import _tajik_stemmer, stem
out = {
    "forms": len(_tajik_stemmer().surface_pos),
    "stem": stem("ҳамкориҳои", "tg"),
    "loaded": sorted({m.split(".")[0] for m in sys.modules}),
}
import tajiknlp
out["whole_package_after"] = hasattr(tajiknlp, "load_pipeline")
print(json.dumps(out))
"""


def test_the_tajik_stemmer_loads_without_tajiknlps_toolkit():
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=True
    )
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["forms"] > 10_000  # the dictionary stemmer itself, not the rule fallback
    assert out["stem"] == "ҳамкор"
    assert not {"pandas", "sklearn", "scipy", "pyarrow"} & set(out["loaded"])
    assert out["whole_package_after"]  # a later import of tajiknlp gets the real package
