"""``classify --fast`` with its readers run only where they can match gives what it gave when
they scanned every text whole: on the whole corpus and benchmark, with and without a given
language and date, and on the bench's mixed texts, every label, date, place and evidence
offset is the same. Then each shortcut on its own: cue heads, runs of figures, numbers as
their own stems, the word-by-word language model walk, the index of places named after
places."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text import dates, langid, lexicon, place_context, statuses
from lowpolitics.text.corpus import benchmark_files, corpus_files
from lowpolitics.text.gold import read_jsonl
from lowpolitics.text.pattern_heads import heads, required
from lowpolitics.text.pipeline import Classifier, TextInput
from lowpolitics.text.stemming import stem, words

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from classify_throughput import build_texts  # noqa: E402


def _items() -> list[TextInput]:
    items = []
    for path in [*corpus_files(), *benchmark_files()]:
        for t in read_jsonl(path, require_labels=False):
            items.append(TextInput(f"{len(items)}", t.text))
            items.append(TextInput(f"{len(items)}", t.text, t.lang, t.doc_date or t.date))
    items += [TextInput(f"b{i}", text) for i, text in enumerate(build_texts(0.1))]
    return items


@pytest.fixture(scope="module")
def items() -> list[TextInput]:
    found = _items()
    assert len(found) > 1000
    return found


def _plain_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(langid.MODEL_LANGS))
    return identifier


def test_fast_path_gives_what_whole_text_scans_give(items, monkeypatch):
    fast = Classifier(fast=True)
    windowed = [r for i in range(0, len(items), 64) for r in fast.classify_many(items[i : i + 64])]
    # the plain computations: every cue pattern and date pattern over the whole text, dates
    # read afresh at each call, py3langid's own byte walk
    monkeypatch.setattr(statuses, "_cue_starts", lambda text, lang: None)
    monkeypatch.setattr(lexicon, "_needs_stem", lambda word, lang, built: True)
    monkeypatch.setattr(dates, "_absolute_matches", dates._absolute_matches.__wrapped__)
    monkeypatch.setattr(dates, "matches_at", lambda rx, text, starts: rx.finditer(text))
    plain_identifier = _plain_identifier()
    monkeypatch.setattr(langid, "_identifier", lambda: plain_identifier)
    plain = Classifier(fast=True)
    whole = [r for i in range(0, len(items), 64) for r in plain.classify_many(items[i : i + 64])]
    assert len(windowed) == len(whole)
    for one, other in zip(windowed, whole, strict=True):
        assert one == other, one["id"]
    found = sum(bool(r["event_date"]) + len(r["places"]) + len(r["evidence"]) for r in whole)
    assert found > 5000 and sum(r["status"] != "n/a" for r in whole) > 300  # not vacuous


def test_status_cues_at_heads_are_the_cues_of_a_whole_scan(items, monkeypatch):
    texts = [i.text for i in items[::2]] + [
        "ПЕРЕНЕСЕН на осень; Не Состоится; WILL BE HELD; Was Not Signed; ſuspended",
        "Фестиваль\tне\nсостоится. Встреча прошла. İstanbul meeting was postponed.",
    ]
    langs = (None, "ru", "en", "ky")
    windowed = [statuses.status_cues(t, lang) for t in texts for lang in langs]
    monkeypatch.setattr(statuses, "_cue_starts", lambda text, lang: None)
    whole = [statuses.status_cues(t, lang) for t in texts for lang in langs]
    assert windowed == whole
    assert sum(map(len, whole)) > 500
    # the patterns without heads (Russian downgrades, Kyrgyz plans) have strings to look for,
    # and the texts that hold none of them skip those patterns
    headless = [c for c in statuses._COMPILED if c.heads is None]
    assert headless and all(c.needs for c in headless)
    ru = next(c for c in headless if c.lang == "ru")
    assert sum(not any(n in t.casefold() for n in ru.needs) for t in texts) > len(texts) / 2
    assert any(c.status == "downgraded" for cues in whole for c in cues)


def test_required_strings_are_in_every_match():
    assert required(r"\p{L}+мокчу") == {"мокчу"}
    assert required(r"в\s+Сокращ[её]нном\s+(?:формате|составе)") == {"сокращ"}
    assert required(r"(?:чогулат|катышат)|кол\s+коюл(?:ат|мак)") == {"чогулат", "катышат", "коюл"}
    assert required(r"abc?d") is None  # "ab" and "d": too short to be worth looking for
    assert required(r"(?:xyz|ab)") is None  # one alternative has no string to look for
    assert required(r"ab{2}cdef|x+yyy") == {"cdef", "yyy"}


def test_heads_begin_every_match():
    assert heads(r"перен[её]с\w*") == {"перене", "перенё"}
    assert heads(r"(?:вновь|снова)\s+откр") == {"вновь", "снова"}
    # a group read only in part ends the heads: "ab" would miss "axxb"
    assert heads(r"(?:a\w*)b") is None
    assert heads(r"(?:ab\w*|cd)ef") == {"ab", "cd"}
    assert heads(r"(?:от)?кры") == {"откры", "кры"}
    assert heads(r"\p{L}+мокчу") is None and heads(r"в\s+сокращ") is None
    assert heads("Postponed") == {"postpo"}  # case-folded, at most six characters


def test_words_left_unstemmed_cannot_meet_a_lexicon_stem(items):
    """The coder stems a new word only when its first letters begin a stem of the lexicon's
    keys (or it is a Russian form of a lemma spelt otherwise): every other word of the corpus,
    the benchmark and the bench texts must stem, in every language, to no key's stem."""
    coder = lexicon.LexiconCoder()
    vocabulary = {word for item in items for word in words(item.text)}
    for lang in ("ru", "ky", "tg", "en"):
        built = coder._automaton(lang)
        stems = {s for key in built.automaton.keys() for s in key.split()}  # noqa: SIM118
        skipped = [w for w in vocabulary if not lexicon._needs_stem(w, lang, built)]
        assert len(skipped) > len(vocabulary) / 2, lang  # the shortcut does skip most words
        wrong = [w for w in skipped if stem.__wrapped__(w, lang).replace(" ", "") in stems]
        assert not wrong, (lang, wrong[:10])
    # the listed Russian forms are needed: "днями" begins no key's stem, but its lemma (день,
    # of «День культуры» and the like) is one
    ru = coder._automaton("ru")
    assert "дня" not in ru.heads and "днями" in ru.unlike
    assert lexicon._needs_stem("днями", "ru", ru) and stem("днями", "ru") == "день"


def test_numbers_are_their_own_stems():
    rng = random.Random(7)
    numbers = [str(n) for n in range(200)] + [str(rng.randrange(10**8)) for _ in range(200)]
    for lang in ("ru", "ky", "tg", "en"):
        assert all(stem.__wrapped__(n, lang) == n for n in numbers), lang


def test_word_walk_gives_py3langids_scores(items):
    plain, ours = _plain_identifier(), langid._identifier()
    for item in items[::3]:
        prefix = item.text[:300]
        assert ours.rank(prefix) == plain.rank(prefix)
        assert ours.rank(prefix) == plain.rank(prefix)  # and again, from memory


def _named_after_by_scan(gazetteer, place, kind_names):
    for suffix in kind_names:
        for other in gazetteer.places:
            if other.name == f"{place.name} {suffix}" and other.country == place.country:
                return other
    if kind_names == ("District",):
        for other in gazetteer.places:
            if other.kind == "district" and place.name in other.variants:
                return other
    return None


def test_places_named_after_places_by_index_are_those_of_a_scan():
    gazetteer = load_gazetteer()
    named = 0
    for place in gazetteer.places:
        for kinds in (("Region",), ("District",), ("checkpoint",)):
            expected = _named_after_by_scan(gazetteer, place, kinds)
            assert place_context._named_after(gazetteer, place, kinds) == expected
            named += expected is not None
    assert named > 10


def test_the_embedding_batch_changes_memory_not_vectors(monkeypatch):
    from lowpolitics.framework.errors import ConfigError
    from lowpolitics.text.embeddings import embed
    from lowpolitics.text.options import TextOptions

    texts = build_texts(0.002)[:6] + ["Фестиваль дружбы прошёл в Баткене.", "Ok"]
    assert embed(texts, 2).tobytes() == embed(texts, 5).tobytes() == embed(texts).tobytes()
    with pytest.raises(ConfigError, match="embed batch"):
        TextOptions(embed_batch=0)
    monkeypatch.setenv("LOWPOLITICS_EMBED_BATCH", "8")
    assert TextOptions.from_env().embed_batch == 8
