"""Dates in news text: absolute forms in four languages, relative ones against a fixed day."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.framework.dates import PartialDate
from lowpolitics.text.dates import event_date, extract_dates

REF = date(2022, 9, 21)  # a Wednesday


@pytest.mark.parametrize(
    "lang, sentence, expected, span",
    [
        ("ru", "Встреча прошла 17 сентября 2022 в Баткене.", "2022-09-17", "17 сентября 2022"),
        (
            "ru",
            "Соглашение было подписано 17 сентября 2022 года в Бишкеке.",
            "2022-09-17",
            "17 сентября 2022 года",
        ),
        (
            "ky",
            "2022-жылдын 14-сентябрында чек арада атышуу болгон.",
            "2022-09-14",
            "2022-жылдын 14-сентябрында",
        ),
        (
            "ky",
            "2022-жылы 14-сентябрда Бишкекте жыйын өттү.",
            "2022-09-14",
            "2022-жылы 14-сентябрда",
        ),
        ("ky", "Майрам 30-майында 2021-жылы өттү.", "2021-05-30", "30-майында 2021-жылы"),
        ("tg", "Ҷаласа 14 сентябри соли 2022 баргузор шуд.", "2022-09-14", "14 сентябри соли 2022"),
        ("tg", "Фестивал 14-уми сентябри 2022 оғоз ёфт.", "2022-09-14", "14-уми сентябри 2022"),
        ("en", "Clashes broke out on Sept. 14, 2022 near Batken.", "2022-09-14", "Sept. 14, 2022"),
        ("en", "The talks opened on 14 September 2022.", "2022-09-14", "14 September 2022"),
        ("en", "On September 14, 2022 the border closed.", "2022-09-14", "September 14, 2022"),
        ("ru", "Фестиваль прошёл в апреле 2021 года.", "2021-04", "апреле 2021 года"),
        ("ru", "Переговоры возобновились в мае 2023 года.", "2023-05", "мае 2023 года"),
        (
            "ky",
            "2021-жылдын апрелинде чек арада кагылыш болду.",
            "2021-04",
            "2021-жылдын апрелинде",
        ),
        ("tg", "Моҳи апрели соли 2021 дар Ворух задухӯрд шуд.", "2021-04", "Моҳи апрели соли 2021"),
        ("en", "Fighting erupted in April 2021.", "2021-04", "April 2021"),
        ("ru", "Делимитация завершилась в 2019 году.", "2019", "2019 году"),
        ("ky", "Келишим 2019-жылы түзүлгөн.", "2019", "2019-жылы"),
        ("tg", "Созишнома соли 2019 ба имзо расид.", "2019", "соли 2019"),
        ("en", "The road was built in 2019.", "2019", "2019"),
        ("ru", "Дата публикации: 2022-09-14.", "2022-09-14", "2022-09-14"),
        ("ru", "Сообщение от 14.09.2022 о перестрелке.", "2022-09-14", "14.09.2022"),
    ],
)
def test_absolute_dates(lang, sentence, expected, span):
    for language in (lang, None):
        mentions = extract_dates(sentence, language)
        assert [str(m.date) for m in mentions] == [expected]
        (mention,) = mentions
        assert mention.text == span == sentence[mention.start : mention.end]
        assert mention.relative is False


@pytest.mark.parametrize(
    "lang, sentence, word, expected",
    [
        ("ru", "Вчера в Исфаре прошла встреча.", "Вчера", PartialDate(2022, 9, 20)),
        ("ru", "Сегодня границу открыли.", "Сегодня", PartialDate(2022, 9, 21)),
        ("ru", "Позавчера стороны обменялись нотами.", "Позавчера", PartialDate(2022, 9, 19)),
        ("ru", "На прошлой неделе прошли переговоры.", "На прошлой неделе", PartialDate(2022, 9)),
        ("ru", "В прошлом месяце концерт отменили.", "В прошлом месяце", PartialDate(2022, 8)),
        ("ru", "В прошлом году фестиваль перенесли.", "В прошлом году", PartialDate(2021)),
        ("ky", "Кеча Баткенде жолугушуу өттү.", "Кеча", PartialDate(2022, 9, 20)),
        ("ky", "Кечээ делегация келди.", "Кечээ", PartialDate(2022, 9, 20)),
        ("ky", "Бүгүн чек ара ачылды.", "Бүгүн", PartialDate(2022, 9, 21)),
        ("ky", "Фестиваль өткөн жылы жылдырылды.", "өткөн жылы", PartialDate(2021)),
        ("tg", "Дирӯз дар Исфара вохӯрӣ баргузор шуд.", "Дирӯз", PartialDate(2022, 9, 20)),
        ("tg", "Имрӯз сарҳад кушода шуд.", "Имрӯз", PartialDate(2022, 9, 21)),
        ("tg", "Соли гузашта ҷашнвора бекор карда шуд.", "Соли гузашта", PartialDate(2021)),
        ("en", "Yesterday the commission met in Osh.", "Yesterday", PartialDate(2022, 9, 20)),
        ("en", "Today the checkpoint reopened.", "Today", PartialDate(2022, 9, 21)),
        ("en", "Last year the festival was cancelled.", "Last year", PartialDate(2021)),
    ],
)
def test_relative_dates(lang, sentence, word, expected):
    (mention,) = extract_dates(sentence, lang, reference=REF)
    assert mention.date == expected
    assert mention.relative is True
    assert mention.text == word == sentence[mention.start : mention.end]


def test_relative_dates_need_a_reference():
    assert extract_dates("Вчера прошла встреча.", "ru") == []


def test_last_week_across_a_month_boundary_is_the_year():
    # 2022-10-05 is a Wednesday; the week before runs 26 Sep – 2 Oct.
    (mention,) = extract_dates("На прошлой неделе", "ru", reference=date(2022, 10, 5))
    assert mention.date == PartialDate(2022)


def test_day_month_without_year_takes_the_reference_year():
    (mention,) = extract_dates("Встреча прошла 17 сентября.", "ru", reference=REF)
    assert mention.date == PartialDate(2022, 9, 17) and mention.relative
    (december,) = extract_dates("Встреча прошла 28 декабря.", "ru", reference=date(2023, 1, 3))
    assert december.date == PartialDate(2022, 12, 28)


def test_impossible_dates_and_holidays_are_not_dates():
    assert extract_dates("31 февраля 2022 года", "ru") == []
    assert [str(m.date) for m in extract_dates("Нооруз майрамы 2022-жылы өттү.", "ky")] == ["2022"]


def test_several_mentions_in_reading_order():
    text = "Договор 2019 года подписан 14.09.2022, а вчера его ратифицировали."
    mentions = extract_dates(text, "ru", reference=REF)
    assert [str(m.date) for m in mentions] == ["2019", "2022-09-14", "2022-09-20"]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_event_date_prefers_the_most_specific_then_the_first():
    text = "В 2021 году стороны договорились, а 17 сентября 2022 года встреча прошла в Оше."
    assert event_date(text, "ru") == PartialDate(2022, 9, 17)
    two_days = "Встреча прошла 14.09.2022, повторная — 15.09.2022."
    assert event_date(two_days, "ru") == PartialDate(2022, 9, 14)
    assert event_date("Без даты.", "ru") is None
    assert event_date("Вчера и в прошлом году", "ru", REF) == PartialDate(2022, 9, 20)


@pytest.mark.parametrize(
    "lang, sentence, span, first, last",
    [
        ("ru", "Учения прошли 14–16 сентября 2022 года в Оше.", "14–16 сентября 2022 года",
         "2022-09-14", "2022-09-16"),
        ("ru", "Учения прошли с 14 по 16 сентября 2022 г. в Оше.", "с 14 по 16 сентября 2022 г.",
         "2022-09-14", "2022-09-16"),
        ("ru", "Учения прошли 14-16 сентября в Оше.", "14-16 сентября", "2022-09-14",
         "2022-09-16"),
        ("en", "Talks were held 14–16 September 2022 in Osh.", "14–16 September 2022",
         "2022-09-14", "2022-09-16"),
        ("en", "Talks were held September 14–16, 2022 in Osh.", "September 14–16, 2022",
         "2022-09-14", "2022-09-16"),
        ("en", "Talks were held Sept. 14-16, 2022 in Osh.", "Sept. 14-16, 2022", "2022-09-14",
         "2022-09-16"),
        ("ky", "Фестиваль 2023-жылдын 17-21-май күндөрү өттү.", "2023-жылдын 17-21-май күндөрү",
         "2023-05-17", "2023-05-21"),
        ("ky", "Фестиваль 2015-жылдын 8–13-июлунда өттү.", "2015-жылдын 8–13-июлунда",
         "2015-07-08", "2015-07-13"),
        ("tg", "Машқҳо 4–5 августи соли 2022 гузаронида шуд.", "4–5 августи соли 2022",
         "2022-08-04", "2022-08-05"),
        ("tg", "Ҷашнвора аз 29 апрел то 1 майи 2021 баргузор шуд.", "аз 29 апрел то 1 майи 2021",
         "2021-04-29", "2021-05-01"),
        ("tg", "Ҷашнвора 29 апрел – 1 майи 2021 баргузор шуд.", "29 апрел – 1 майи 2021",
         "2021-04-29", "2021-05-01"),
        ("ru", "Учения 14 — 16 сентября 2022 года.", "14 — 16 сентября 2022 года", "2022-09-14",
         "2022-09-16"),
        ("en", "Talks ran December 30 – January 2, 2023.", "December 30 – January 2, 2023",
         "2022-12-30", "2023-01-02"),
    ],
)  # fmt: skip
def test_day_ranges_are_one_mention_from_first_to_last_day(lang, sentence, span, first, last):
    for language in (lang, None):
        (mention,) = extract_dates(sentence, language, reference=REF)
        assert str(mention.date) == first and mention.date.precision == "day"
        assert str(mention.end_date) == last
        assert mention.text == span == sentence[mention.start : mention.end]
        assert mention.relative is (span == "14-16 сентября")  # the only one without a year
        assert event_date(sentence, language, REF) == mention.date


def test_single_days_have_no_end_date_and_bad_ranges_are_not_dates():
    (mention,) = extract_dates("17 сентября 2022 года", "ru")
    assert mention.end_date is None
    assert extract_dates("16–14 сентября 2022 года", "ru") == []
    assert extract_dates("30–31 февраля 2022 года", "ru") == []
    assert extract_dates("14–16 сентября", "ru") == []  # no reference, no year


_PIECES = st.sampled_from(
    [
        "14–16 сентября 2022 года",
        "с 14 по 16 сентября",
        "September 14–16, 2022",
        "2023-жылдын 17-21-май күндөрү",
        "аз 29 апрел то 1 майи 2021",
        " – ",
        "—",
        "14-",
        "17 сентября 2022 года",
        "2022-жылдын 14-сентябрында",
        "моҳи апрели соли 2021",
        "Sept. 14, 2022",
        "вчера",
        "дирӯз",
        "14.09.2022",
        "в 2019 году",
        " ",
        "а",
        "-",
        "ё",
        "Ӯ",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12))
def test_spans_slice_the_original_text(parts):
    text = "".join(parts)
    for mention in extract_dates(text, reference=REF):
        assert text[mention.start : mention.end] == mention.text
        assert mention.text


# --- dates of the report, bounds, periods, years lent by the text (own example sentences) ---
@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # an outlet's publication day is no event date; a statement is one only when alone
        ("en", "Two schools opened in Leilek, the agency Kabar reported on April 3, 2023.", None),
        ("en", "The minister said on April 3, 2023 that the road was repaired.", "2023-04-03"),
        # the day of speaking loses to the day of what was reported
        (
            "ru",
            "5 мая 2023 года пограничники сообщили о перестрелке, которая случилась вечером "
            "3 мая у села Арка.",
            "2023-05-03",
        ),
        ("ru", "Школа открылась в Оше, сообщила 6 мая пресс-служба мэрии.", None),
        (
            "tg",
            "Вазир 4 апрели соли 2023 дар нишасти матбуотӣ гуфт, ки вохӯрӣ аз 20 то 22 апрел "
            "баргузор мешавад.",
            "2023-04-20",
        ),
        (
            "ky",
            "Министрлик бул тууралуу 2023-жылдын 4-апрелинде маалымдады. Жолугушуу "
            "20-апрелде өтөт.",
            "2023-04-20",
        ),
        # a participle between the date and the speech verb: the date is the reported event's
        ("ky", "Министр 2023-жылдын 4-апрелинде мектеп ачылганын билдирди.", "2023-04-04"),
        # a bound, a duration's start, a baseline, a census: not the event
        ("en", "Talks have gone on since 2009, the envoy noted.", None),
        ("ru", "Товарооборот вырос на 10 процентов по сравнению с 2021 годом.", None),
        ("ky", "Чек ара 2019-жылдан бери жабык.", None),
        ("en", "The census of 2009 counted 1,200 people in the village.", None),
        # a span of months from January is a statistics period; another span is an event
        ("en", "Trade for January–March 2023 reached $3 million.", None),
        ("ru", "Столкновения в апреле–мае 2021 года закрыли рынок.", "2021-04"),
        # ranges written with "to" and the Kyrgyz ablative–dative
        ("en", "The fair runs from May 10 to 12, 2024 in Osh.", "2024-05-10"),
        ("ky", "Фестиваль 2024-жылдын 10-майдан 12-майга чейин өтөт.", "2024-05-10"),
        # a year-less day takes its year from the text
        (
            "ky",
            "Президент 14-апрелде 2024-жылдын 2-апрелинде кол коюлган келишимди бекитти.",
            "2024-04-14",
        ),
        ("ru", "Учения «Щит-2024» начнутся 9 октября.", "2024-10-09"),
    ],
)
def test_the_event_date_is_not_the_report_date(lang, text, expected):
    got = event_date(text, lang)
    assert (str(got) if got else None) == expected


def test_the_report_day_is_the_reference_for_relative_words():
    text = "13 марта 2024 года аэропорт сообщил, что вчерашний рейс отменён."
    assert str(event_date(text, "ru")) == "2024-03-12"
    text = "Фурудгоҳ 13 марти соли 2024 хабар дод, ки парвози рӯзи гузашта бекор шуд."
    assert str(event_date(text, "tg")) == "2024-03-12"
