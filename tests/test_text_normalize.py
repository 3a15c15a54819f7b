"""Normalisation for matching: look-alikes, keyboard substitutes, ё/е and offset mapping."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.text.normalize import (
    fold_variants,
    normalize,
    normalize_with_offsets,
    original_span,
)


@pytest.mark.parametrize(
    ("proper", "typed", "lang"),
    [
        ("ҳамкорӣ", "хамкори", "tg"),
        ("Ҷумҳурии Тоҷикистон", "Чумхурии Точикистон", "tg"),
        ("дӯстии ҷавонон", "дустии чавонон", "tg"),
        ("Қирғизистон", "Киргизистон", "tg"),
        ("ҳамкорӣ", "hамкори", "tg"),  # Latin h typed for ҳ inside a Cyrillic word
        ("Көк-Таш", "Кок-Таш", "ky"),
        ("өттү", "отту", "ky"),
        ("жаңы", "жаны", "ky"),
        ("жаңы", "жангы", "ky"),
        ("меңгерүү", "менгерүү", "ky"),
        ("өттү", "öттү", "ky"),  # Latin ö typed for ө
        ("Ўзбекистон", "Узбекистон", "uz"),
        ("ёлка", "елка", "ru"),
        ("Ёлка", "ЕЛКА", None),
    ],
)
def test_proper_letters_and_substitutes_meet(proper: str, typed: str, lang: str | None) -> None:
    assert normalize(proper, lang) == normalize(typed, lang)


def test_fold_variants_keeps_case_and_everything_else() -> None:
    assert fold_variants("ҳамкорӣ", "tg") == fold_variants("хамкори", "tg") == "хамкори"
    assert fold_variants("Ҳамкорӣ!", "tg") == "Хамкори!"
    assert fold_variants("Жаңы, жангы", "ky") == "Жаны, жаны"
    assert fold_variants("Ангрен") == "Ангрен"  # нг is only merged for Kyrgyz


@pytest.mark.parametrize(
    ("mixed", "clean"),
    [
        ("Бaткeн", "баткен"),  # Latin a, e
        ("TOШKEНТ", "тошкент"),  # Latin T, O, K, E
        ("МИHИСТР", "министр"),  # Latin H
        ("Kыргызстан", "кыргызстан"),
        ("cоглашение", "соглашение"),
        ("BMECTE", "BMECTE".casefold()),  # all-Latin word: left alone
        ("Isfara hamkori", "isfara hamkori"),  # transliteration is not converted
        ("Windowsда", "windowsда"),  # W s n d are not look-alikes: word left alone
    ],
)
def test_lookalike_latin_inside_cyrillic_words(mixed: str, clean: str) -> None:
    assert normalize(mixed) == clean


def test_nfc_casefold_stress_marks_and_invisible_characters() -> None:
    assert normalize("за\u0301мок") == "замок"
    assert normalize("и\u0306") == normalize("й") == "й"
    assert normalize("Кыр\u00adгыз") == "кыргыз"
    assert normalize("Straße") == "strasse"
    assert normalize("Oʻzbekiston") == normalize("O‘zbekiston") == "o'zbekiston"


def test_offsets_map_matches_back_to_the_original() -> None:
    text = "В селе Кок-Таш и Көк-Таш (Ҳамкорӣ) — Kыргызстан, Straße, жангы."
    norm, offsets = normalize_with_offsets(text, "ky")
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    found = [original_span(offsets, *m.span()) for m in re.finditer("кок-таш", norm)]
    assert [text[a:b] for a, b in found] == ["Кок-Таш", "Көк-Таш"]
    start = norm.index("strasse")
    a, b = original_span(offsets, start, start + len("strasse"))
    assert text[a:b] == "Straße"
    a, b = original_span(offsets, start, start + 5)  # ends inside the expanded ß
    assert text[a:b] == "Straß"
    m = re.search("жаны", norm)
    assert m is not None
    a, b = original_span(offsets, *m.span())
    assert text[a:b] == "жангы"
    m = re.search("хамкори", norm)
    assert m is not None
    assert text[slice(*original_span(offsets, *m.span()))] == "Ҳамкорӣ"


def test_original_span_rejects_bad_spans() -> None:
    _, offsets = normalize_with_offsets("абв")
    with pytest.raises(ValueError):
        original_span(offsets, 2, 9)


_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕКМНОРСТХҳҷӣӯқғңөүўҲҶҢӨҮ"
_LOOKALIKES = "aeopcxykihABCEHKMOPTXYöüñ"
_CHARS = _CYRILLIC + _LOOKALIKES + " -,.\n" + "\u0301\u00ad" + "ß"


@given(
    st.text(alphabet=_CHARS, max_size=80),
    st.sampled_from([None, "ky", "tg", "ru"]),
)
def test_offsets_are_in_range_and_monotonic(text: str, lang: str | None) -> None:
    norm, offsets = normalize_with_offsets(text, lang)
    assert norm == normalize(text, lang)
    assert len(offsets) == len(norm) + 1
    assert offsets[-1] == len(text)
    assert all(0 <= off < len(text) for off in offsets[:-1])
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))


@given(
    st.lists(st.text(alphabet=_CYRILLIC, min_size=1, max_size=8), min_size=1, max_size=8),
    st.data(),
)
def test_words_with_inserted_lookalikes_round_trip(words: list[str], data: st.DataObject) -> None:
    swap = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k"}
    mangled = [
        "".join(swap[c] if c in swap and data.draw(st.booleans()) else c for c in word)
        for word in words
    ]
    text = " ".join(mangled)
    norm, offsets = normalize_with_offsets(text, "ky")
    for m in re.finditer(r"\w+", norm):
        a, b = original_span(offsets, *m.span())
        assert normalize(text[a:b], "ky") == m.group()
    if all(any(0x400 <= ord(c) <= 0x52F for c in w) for w in mangled):
        assert norm == normalize(" ".join(words), "ky")
