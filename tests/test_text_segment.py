"""Paragraph and sentence splitting: abbreviations, numbers, quotes, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.text.segment import Span, paragraphs, sentences


def _texts(text: str, lang: str | None = None) -> list[str]:
    spans = sentences(text, lang)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [s.text for s in spans]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Фестиваль прошёл в г. Баткен на ул. Ленина. Его открыл С. Жапаров.",
            "ru",
            ["Фестиваль прошёл в г. Баткен на ул. Ленина.", "Его открыл С. Жапаров."],
        ),
        (
            "Договор подписан в 2023 г. В Баткене прошёл фестиваль. Это было в 1990-х гг. "
            "Школа им. Ленина закрыта.",
            "ru",
            [
                "Договор подписан в 2023 г.",
                "В Баткене прошёл фестиваль.",
                "Это было в 1990-х гг.",
                "Школа им. Ленина закрыта.",
            ],
        ),
        (
            "Встреча прошла 12 мая 2023 г. 15 человек пришли. Т.е. всё решено, т.е. мир.",
            "ru",
            ["Встреча прошла 12 мая 2023 г. 15 человек пришли.", "Т.е. всё решено, т.е. мир."],
        ),
        (
            "Рост составил 3.5 %, а цена 1.200 сомов. Ждём… Ещё ждём... И т.д. Далее.",
            "ru",
            ["Рост составил 3.5 %, а цена 1.200 сомов.", "Ждём…", "Ещё ждём...", "И т.д."]
            + ["Далее."],
        ),
        (
            "«Мы готовы к диалогу!» — заявил он. «Когда будет мир?» Никто не знал… и молчал.",
            "ru",
            ["«Мы готовы к диалогу!» — заявил он.", "«Когда будет мир?»"]
            + ["Никто не знал… и молчал."],
        ),
        (
            "Mr. Smith met Dr. Jones at the U.S. Embassy on Sept. 14. They talked. J. Smith left.",
            "en",
            [
                "Mr. Smith met Dr. Jones at the U.S. Embassy on Sept. 14.",
                "They talked.",
                "J. Smith left.",
            ],
        ),
        (
            "Баткен облусунда достук фестивалы өттү. 2022-ж. 14-сентябрда чыр чыккан. "
            "С. Жапаров Ж. Бакиев менен жолукту!",
            "ky",
            [
                "Баткен облусунда достук фестивалы өттү.",
                "2022-ж. 14-сентябрда чыр чыккан.",
                "С. Жапаров Ж. Бакиев менен жолукту!",
            ],
        ),
        (
            "Дар ш. Исфара фестивал баргузор шуд. Ҷавонони н. Ҷаббор Расулов омаданд? Ҳа, омаданд.",
            "tg",
            [
                "Дар ш. Исфара фестивал баргузор шуд.",
                "Ҷавонони н. Ҷаббор Расулов омаданд?",
                "Ҳа, омаданд.",
            ],
        ),
        (
            "Oʻzbekiston va Qirgʻiziston kelishdi. Farg'ona vodiysida suv yetarli emas!",
            "uz",
            ["Oʻzbekiston va Qirgʻiziston kelishdi.", "Farg'ona vodiysida suv yetarli emas!"],
        ),
    ],
)
def test_sentences(text: str, lang: str, expected: list[str]) -> None:
    assert _texts(text, lang) == expected
    assert _texts(text) == expected  # all languages' abbreviations at once


def test_line_breaks_and_paragraphs() -> None:
    text = (
        "Фестиваль в Баткене\n"
        "В субботу прошёл фестиваль,\nкоторый собрал гостей.\n\n"
        "  Второй абзац. Вот.  \n\n\n"
    )
    assert _texts(text) == [
        "Фестиваль в Баткене",
        "В субботу прошёл фестиваль,\nкоторый собрал гостей.",
        "Второй абзац.",
        "Вот.",
    ]
    paras = paragraphs(text)
    assert [p.text for p in paras] == [
        "Фестиваль в Баткене\nВ субботу прошёл фестиваль,\nкоторый собрал гостей.",
        "Второй абзац. Вот.",
    ]
    assert all(text[p.start : p.end] == p.text for p in paras)


def test_paragraphs_fall_back_to_lines_and_handle_crlf() -> None:
    assert [p.text for p in paragraphs("Бир.\nЭки.\nҮч.")] == ["Бир.", "Эки.", "Үч."]
    text = "Биринчи.\r\n\r\nЭкинчи."
    assert [p.text for p in paragraphs(text)] == ["Биринчи.", "Экинчи."]
    assert paragraphs("") == [] and sentences("   \n ") == []


def test_span_offsets_are_code_points() -> None:
    text = "Ҳамкорӣ.  Дӯстӣ!"
    assert sentences(text) == [Span(0, 8, "Ҳамкорӣ."), Span(10, 16, "Дӯстӣ!")]


_ALPHABET = "абвгАБВГҳӯөүaAbB 12.!?…«»—-\n,гж"


@given(st.text(alphabet=_ALPHABET, max_size=120), st.sampled_from([None, "ru", "ky", "en"]))
def test_spans_cover_all_non_whitespace_in_order(text: str, lang: str | None) -> None:
    for split in (sentences(text, lang), paragraphs(text)):
        assert all(text[s.start : s.end] == s.text for s in split)
        assert all(s.text and s.text == s.text.strip() for s in split)
        assert all(a.end <= b.start for a, b in zip(split, split[1:], strict=False))
        covered = "".join(c for s in split for c in s.text if not c.isspace())
        assert covered == "".join(c for c in text if not c.isspace())
