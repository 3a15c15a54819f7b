"""Places in news text: inflected names in four languages, word edges, ambiguity."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text.places import extract_places


def _found(text, gazetteer, lang=None):
    return [(m.place_id, m.text) for m in extract_places(text, gazetteer, lang)]


@pytest.mark.parametrize(
    "lang, sentence, place_id, span",
    [
        # Russian case endings
        ("ru", "Вчера в Баткене прошла встреча губернаторов.", "kg_batken", "Баткене"),
        ("ru", "Делегация из Исфары прибыла на переговоры.", "tj_isfara", "Исфары"),
        ("ru", "Под Ворухом снова возобновилась перестрелка.", "tj_vorukh", "Ворухом"),
        (
            "ru",
            "Губернатор Баткенской области провёл встречу.",
            "kg_batken_oblast",
            "Баткенской области",
        ),
        ("ru", "Стороны встретились в Ошской области.", "kg_osh_oblast", "Ошской области"),
        ("ru", "Поезд из Душанбе прибыл в Худжанд.", "tj_khujand", "Худжанд"),
        ("ru", "В Кок-Таше восстановили школу.", "kg_kok_tash", "Кок-Таше"),
        ("ru", "Жители Кара-Суу вышли на рынок.", "kg_kara_suu", "Кара-Суу"),
        # Kyrgyz case endings
        ("ky", "Баткенде эки тараптын жолугушуусу өттү.", "kg_batken", "Баткенде"),
        ("ky", "Делегация Исфарага барды.", "tj_isfara", "Исфарага"),
        ("ky", "Баткендин жашоочулары майрамга чогулду.", "kg_batken", "Баткендин"),
        ("ky", "Министр Душанбеден кайтып келди.", "tj_dushanbe_city", "Душанбеден"),
        ("ky", "Ворухта кайрадан атышуу болду.", "tj_vorukh", "Ворухта"),
        ("ky", "Баткен облусунда жыйын өттү.", "kg_batken_oblast", "Баткен облусунда"),
        ("ky", "Кыргызстандын өкмөтү билдирди.", "kg", "Кыргызстандын"),
        # Tajik prepositions, izofat and the object marker
        ("tg", "Вохӯрӣ дар Исфара баргузор шуд.", "tj_isfara", "Исфара"),
        ("tg", "Ҳайат ба Душанбе омад.", "tj_dushanbe_city", "Душанбе"),
        ("tg", "Меҳмонон аз Бишкек омаданд.", "kg_bishkek_city", "Бишкек"),
        ("tg", "Ҷашнвора дар шаҳри Хуҷанд баргузор гардид.", "tj_khujand", "Хуҷанд"),
        ("tg", "Сайёҳон Исфараро дидан карданд.", "tj_isfara", "Исфараро"),
        ("tg", "Мардуми Хуҷанди қадим ҷашн гирифтанд.", "tj_khujand", "Хуҷанди"),
        # English
        ("en", "Fighting resumed near Vorukh on Friday.", "tj_vorukh", "Vorukh"),
        ("en", "Kyrgyzstan's Batken Region was shelled.", "kg_batken_oblast", "Batken Region"),
        ("en", "The festival in Khujand was postponed.", "tj_khujand", "Khujand"),
    ],
)
def test_inflected_names(gazetteer, lang, sentence, place_id, span):
    for language in (lang, None):
        mentions = extract_places(sentence, gazetteer, language)
        hits = [m for m in mentions if m.place_id == place_id]
        assert hits, (language, [(m.place_id, m.text) for m in mentions])
        for mention in hits:
            assert mention.text == span == sentence[mention.start : mention.end]
            assert mention.name_en == gazetteer.by_id[place_id].name


def test_case_and_diacritics_do_not_matter(gazetteer):
    assert ("kg_batken", "БАТКЕНЕ") in _found("ОБСТРЕЛ В БАТКЕНЕ", gazetteer, "ru")
    assert ("tj_vorukh", "Воруҳ") in _found("Дар Воруҳ оромӣ аст.", gazetteer, "tg")
    assert ("tj_vorukh", "Voruh") in _found("Voruh and Vorukh", gazetteer, "en")


@pytest.mark.parametrize(
    "sentence",
    [
        "Все прошли мимо, ничего не произошло.",  # no Osh inside прошли
        "Наука и образование.",  # no Nau + dative
        "Sad news: the talks are over.",  # no Saada
        "В октябре погода испортилась.",  # a month, not the former name of Khojai Alo
        "Nov 14, 2022 was quiet.",  # a month abbreviation, not the town of Nov
        "Кошка, сохранить, бишкеков",  # stems inside other words
        "Кара, Суу",  # a comma splits a multiword name
    ],
)
def test_no_matches_inside_words_or_common_words(gazetteer, sentence):
    assert _found(sentence, gazetteer) == []


def test_longest_match_wins(gazetteer):
    mentions = extract_places("Баткен облусунда", gazetteer, "ky")
    assert [m.place_id for m in mentions] == ["kg_batken_oblast"]
    spellings = "Кара-Суу, Кара Суу, Karasuu"
    assert [m.place_id for m in extract_places(spellings, gazetteer)] == ["kg_kara_suu"] * 3


def test_ambiguous_names_return_every_candidate_broadest_first(gazetteer):
    mentions = extract_places("Село Достук снова без воды.", gazetteer, "ru")
    assert {m.place_id for m in mentions} == {"kg_dostuk_batken", "kg_dostuk_leilek"}
    assert all(m.ambiguous for m in mentions)
    osh = extract_places("Концерт в Оше.", gazetteer, "ru")
    assert [m.place_id for m in osh] == ["kg_osh_city", "kg_osh"]  # city-region before city
    assert gazetteer.best([gazetteer.by_id[m.place_id] for m in osh]).id == osh[0].place_id
    assert not extract_places("Встреча в Ворухе.", gazetteer, "ru")[0].ambiguous


def test_language_limits_the_suffixes(gazetteer):
    assert _found("Ворухта", gazetteer, "ru") == []
    assert _found("Ворухом", gazetteer, "ky") == []
    assert _found("Ворухом", gazetteer, "ru") == [("tj_vorukh", "Ворухом")]


def test_reading_order_and_several_places(gazetteer):
    text = "Из Исфары в Баткен, оттуда в Ош и Бишкек."
    mentions = extract_places(text, gazetteer, "ru")
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    found = {m.place_id for m in mentions}
    assert {"tj_isfara", "kg_batken", "kg_osh", "kg_bishkek_city"} <= found


_WORDS = st.sampled_from(
    [
        "Баткене",
        "Исфараро",
        "Ворухта",
        "Ош",
        "прошли",
        "Кара-Суу",
        "Душанбеден",
        "Vorukh's",
        "ё",
        "ҳ",
        "ß",
        " ",
        ", ",
        "-",
        "«",
        "»",
        "İ",
    ]  # fmt: skip
)


@given(st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=12))
def test_spans_slice_the_original_text(parts):
    text = "".join(parts)
    for mention in extract_places(text, load_gazetteer()):
        assert text[mention.start : mention.end] == mention.text
        assert mention.text


def test_everyday_words_that_are_also_village_names(gazetteer):
    from lowpolitics.text.places import extract_places

    text = "Баткенде кыргыз-тажик жаштарынын достук фестивалы өттү."
    assert [p.name_en for p in extract_places(text, gazetteer, "ky")] == ["Batken"]
    village = extract_places("Достук айылында жолугушуу болду.", gazetteer, "ky")
    assert {p.name_en for p in village} == {"Dostuk"}


# --- a found name read in its words (own example sentences) ---
@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # an administrative noun makes a town its region or district
        ("tg", "Ҳайат ба вилояти Боткен сафар кард.", ["Batken Region"]),
        ("tg", "Вакилони вилоятҳои Ош ва Боткен вохӯрданд.", ["Osh Region", "Batken Region"]),
        (
            "ru",
            "Учения прошли в Лейлекском и Баткенском районах.",
            ["Leilek District", "Batken District"],
        ),
        (
            "ky",
            "Лейлек жана Баткен райондорунда суу жетпейт.",
            ["Leilek District", "Batken District"],
        ),
        (
            "en",
            "Schools reopened in Batken and Leilek districts.",
            ["Batken District", "Leilek District"],
        ),
        ("ky", "Жергетал районунда кыргыздар жашайт.", ["Lakhsh District"]),
        # a checkpoint word makes a shared name the crossing, else it is the settlement
        ("en", "Traders queued at the Guliston checkpoint.", ["Guliston checkpoint"]),
        ("en", "A school was built in Guliston.", ["Guliston"]),
        ("ky", "Карамык бекети кайра ачылды.", ["Karamyk checkpoint"]),
        # «Борбордук» before a word is "central"
        ("ky", "Борбордук Азия өлкөлөрүнүн жыйыны өттү.", []),
        # a capital for its government, a surname, a name given to a thing
        ("en", "Bishkek's position on the water deal has not changed.", []),
        ("ru", "Бишкек считает, что вопрос решён.", []),
        ("ru", "Документ подписал министр Айбек Раззаков.", []),
        ("ky", "«Достук» деп аталган жаңы журнал чыкты.", []),
    ],
)
def test_a_name_is_read_in_its_words(lang, text, expected):
    from lowpolitics.text.place_context import read_places

    gazetteer = load_gazetteer()
    found = read_places(text, extract_places(text, gazetteer, lang), gazetteer)
    names = [m.name_en for m in found if gazetteer.by_id[m.place_id].kind != "country"]
    assert names == expected
