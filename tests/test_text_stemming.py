"""Stems in ru, ky, tg and en: inflected forms must meet their lemma; offsets are code points."""

from __future__ import annotations

import pytest

from lowpolitics.text.stemming import KY_SUFFIXES, MIN_STEM, stem, stem_sequence, tokens


@pytest.mark.parametrize("form", ["соглашение", "соглашения", "соглашением", "Соглашениями"])
def test_russian_forms_share_the_lemma(form: str) -> None:
    assert stem(form, "ru") == "соглашение"


def test_russian_phrases_lemmatise_word_by_word() -> None:
    assert stem_sequence("межправительственной комиссии", "ru") == stem_sequence(
        "межправительственная комиссия", "ru"
    )
    assert stem("пограничников", "ru") == stem("пограничник", "ru")


@pytest.mark.parametrize("form", ["фестиваль", "фестивалында", "фестивалдар", "фестивалдарга"])
def test_kyrgyz_festival_forms(form: str) -> None:
    assert stem(form, "ky") == "фестивал"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("маданият", "маданият"),
        ("кызматы", "кызмат"),  # possessive -ы after t: not the accusative -ты
        ("кызматтын", "кызмат"),  # genitive -тын after a voiceless consonant
        ("мектептин", "мектеп"),
        ("мектебинде", "мектеп"),  # б before a vowel ending is п in the bare word
        ("курсу", "курс"),  # possessive -су only after a vowel
        ("тобу", "топ"),
        ("аймагында", "аймак"),
        ("программасы", "программа"),
        ("жаштардын", "жаш"),
        ("келишимдерди", "келишим"),
        ("сүйлөшүүлөрдө", stem("сүйлөшүү", "ky")),
        ("жерди", "жер"),
        ("Ош", "ош"),  # too short to strip anything
    ],
)
def test_kyrgyz_suffix_stripper(form: str, expected: str) -> None:
    assert stem(form, "ky") == expected


def test_kyrgyz_suffix_table_lists_harmony_variants() -> None:
    assert set(KY_SUFFIXES["plural"]) >= {"лар", "лер", "лор", "лөр", "дар", "тар"}
    for family, variants in KY_SUFFIXES.items():
        assert variants, family
        assert all(v == v.lower() and v.isalpha() for v in variants), family


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("фестивалҳо", "фестивал"),
        ("ҳамкориҳои", "ҳамкор"),
        ("ҳамкорӣ", "ҳамкор"),  # the derivational -ӣ goes, so the lemma meets its forms
        ("дӯстии", "дӯст"),
        ("Тоҷикистонро", "тоҷикистон"),
        ("донишҷӯён", "донишҷӯ"),
        ("ҳунармандони", "ҳунарманд"),
        ("сарҳади", "сарҳад"),  # DictStemmer alone says "сарҳ"
        ("таҳдиди", "таҳдид"),  # DictStemmer alone says "таҳ"
        ("парлумони", "парлумон"),  # DictStemmer alone says "парлум"
        ("вазорати", "вазорат"),
    ],
)
def test_tajik_forms(form: str, expected: str) -> None:
    assert stem(form, "tg") == expected


@pytest.mark.parametrize("word", ["об", "ба", "аз", "ки", "мол", "ҷав"])
def test_tajik_never_stems_below_three_letters(word: str) -> None:
    assert len(stem(word, "tg")) >= min(MIN_STEM, len(word))


def test_english_snowball() -> None:
    assert stem("festivals", "en") == "festiv"
    assert stem("Festival", "en") == "festiv"


def test_unknown_language_falls_back_to_lower_case() -> None:
    assert stem("Фестивалы", "uz") == "фестивалы"


def test_tokens_offsets_are_code_points() -> None:
    text = "🙂 Ҳамкориҳои фарҳангӣ — чыр-чатак, Kyrgyzstan's 2024!"
    found = tokens(text)
    assert [t for t, _, _ in found] == [
        "Ҳамкориҳои",
        "фарҳангӣ",
        "чыр-чатак",
        "Kyrgyzstan's",
        "2024",
    ]
    assert found[0][1] == 2  # one code point for the astral emoji, one for the space
    for token, start, end in found:
        assert text[start:end] == token


def test_tokens_of_empty_text() -> None:
    assert tokens("") == []
    assert tokens(" — … ") == []
