"""Status cues in four languages and the precedence that turns them into one status."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowpolitics.text.statuses import (
    PRECEDENCE,
    StatusReading,
    decide_status,
    read_status,
    status_cues,
)

CASES = [
    # Russian
    ("ru", "Фестиваль дружбы перенесен на осень.", "postponed", "перенесен"),
    ("ru", "Заседание комиссии перенесено на неопределённый срок.", "postponed", "перенесено"),
    ("ru", "Встреча губернаторов отложена из-за обстрелов.", "postponed", "отложена"),
    ("ru", "Концерт в Исфаре отменен.", "cancelled", "отменен"),
    ("ru", "Власти отменили ярмарку в Баткене.", "cancelled", "отменили"),
    ("ru", "Работа пункта пропуска приостановлена.", "suspended", "приостановлена"),
    ("ru", "Авиасообщение между столицами возобновлено.", "resumed", "возобновлено"),
    ("ru", "Делегации собрались в сокращенном формате.", "downgraded", "в сокращенном формате"),
    ("ru", "Заседание прошло в Бишкеке.", "held", "прошло"),
    ("ru", "Переговоры прошли в Баткене.", "held", "прошли"),
    ("ru", "Встреча состоялась в Худжанде.", "held", "состоялась"),
    ("ru", "Очередной раунд состоится в Душанбе.", "planned", "состоится"),
    ("ru", "Визит президента планируется в мае.", "planned", "планируется"),
    ("ru", "Стороны подписали протокол о границе.", "signed", "подписали"),
    ("ru", "Жогорку Кенеш ратифицировал договор.", "ratified", "ратифицировал"),
    ("ru", "Фестиваль не состоится.", "cancelled", "не состоится"),
    # Kyrgyz
    ("ky", "Маданият күндөрү жылдырылды.", "postponed", "жылдырылды"),
    ("ky", "Жолугушуу кийинкиге калтырылды.", "postponed", "кийинкиге калтырылды"),
    ("ky", "Концерт жокко чыгарылды.", "cancelled", "жокко чыгарылды"),
    ("ky", "Автобус каттамы токтотулду.", "suspended", "токтотулду"),
    ("ky", "Сүйлөшүүлөр кайра башталды.", "resumed", "кайра башталды"),
    ("ky", "Баткенде жолугушуу өттү.", "held", "өттү"),
    ("ky", "Кезектеги жыйын Бишкекте өтөт.", "planned", "өтөт"),
    ("ky", "Фестиваль күзүндө пландалууда.", "planned", "пландалууда"),
    ("ky", "Тараптар протоколго кол коюшту.", "signed", "кол коюшту"),
    ("ky", "Жогорку Кеңеш келишимди ратификациялады.", "ratified", "ратификациялады"),
    ("ky", "Сүйлөшүүлөр төмөнкү деңгээлде жүрдү.", "downgraded", "төмөнкү деңгээлде"),
    # Tajik
    ("tg", "Ҷаласаи комиссия мавқуф гузошта шуд.", "postponed", "мавқуф гузошта шуд"),
    ("tg", "Ҷашнвора ба таъхир афтод.", "postponed", "ба таъхир афтод"),
    ("tg", "Консерт дар Исфара бекор карда шуд.", "cancelled", "бекор карда шуд"),
    ("tg", "Ҳаракати нақлиёт боздошта шуд.", "suspended", "боздошта шуд"),
    ("tg", "Музокирот аз сар гирифта шуд.", "resumed", "аз сар гирифта шуд"),
    ("tg", "Вохӯрӣ дар Хуҷанд баргузор шуд.", "held", "баргузор шуд"),
    ("tg", "Ҷаласаи навбатӣ дар Душанбе баргузор мегардад.", "planned", "баргузор мегардад"),
    ("tg", "Тарафҳо созишномаро ба имзо расиданд.", "signed", "ба имзо расиданд"),
    ("tg", "Маҷлиси намояндагон созишномаро тасвиб кард.", "ratified", "тасвиб кард"),
    ("tg", "Вохӯрӣ баргузор нашуд.", "cancelled", "баргузор нашуд"),
    # English
    ("en", "The friendship festival was postponed.", "postponed", "postponed"),
    ("en", "The concert in Osh was cancelled.", "cancelled", "cancelled"),
    ("en", "The fair was canceled at short notice.", "cancelled", "canceled"),
    ("en", "The match was called off.", "cancelled", "called off"),
    ("en", "Bus services were suspended.", "suspended", "suspended"),
    ("en", "Flights resumed on Monday.", "resumed", "resumed"),
    ("en", "The summit was downgraded to ministers.", "downgraded", "downgraded"),
    ("en", "The meeting was held in Batken.", "held", "was held"),
    ("en", "The concert took place in Khujand.", "held", "took place"),
    ("en", "The next round will be held in Dushanbe.", "planned", "will be held"),
    ("en", "A joint exhibition is planned for May.", "planned", "is planned"),
    ("en", "The two presidents signed the border treaty.", "signed", "signed"),
    ("en", "Parliament ratified the treaty.", "ratified", "ratified"),
]


@pytest.mark.parametrize("lang, sentence, status, term", CASES)
def test_cues_in_each_language(lang, sentence, status, term):
    for language in (lang, None):
        cues = status_cues(sentence, language)
        assert [(c.status, c.term) for c in cues] == [(status, term)]
        (cue,) = cues
        assert sentence[cue.start : cue.end] == cue.term
        assert decide_status(cues) == status


def test_codes_are_codebook_statuses(codebook):
    assert set(PRECEDENCE) <= set(codebook.status_codes)
    every_sentence = " ".join(sentence for _, sentence, _, _ in CASES)
    assert {c.lang for c in status_cues(every_sentence)} == {"ru", "ky", "tg", "en"}


def test_no_cue_gives_na():
    assert decide_status(status_cues("Погода в Баткене солнечная.", "ru")) == "n/a"
    assert decide_status([]) == "n/a"
    assert status_cues("Прошлой весной и в прошлом году", "ru") == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Фестиваль, который планировался на май, отложен.", "postponed"),
        ("Встреча, запланированная на пятницу, отменена.", "cancelled"),
        ("Переговоры, приостановленные весной, возобновлены.", "resumed"),
        ("Саммит состоялся, но на более низком уровне.", "downgraded"),
        ("Договор подписали в 2021 году, а в 2022 году парламент ратифицировал его.", "ratified"),
        ("Концерт перенесли, а затем отменили.", "cancelled"),
        ("Talks were suspended in 2021 and resumed this spring.", "resumed"),
        ("Ҷашнвора ба нақша гирифта шуда буд, вале бекор карда шуд.", "cancelled"),
    ],
)
def test_precedence(sentence, expected):
    assert decide_status(status_cues(sentence)) == expected


def test_longer_cue_wins_over_its_part():
    cues = status_cues("The summit will be held in May, the fair was held in June.", "en")
    assert [(c.status, c.term) for c in cues] == [("planned", "will be held"), ("held", "was held")]


@given(st.lists(st.sampled_from([c[1] for c in CASES] + ["ё", " ", "ß", "İ", "x"]), max_size=6))
def test_spans_slice_the_original_text(parts):
    text = " ".join(parts)
    for cue in status_cues(text):
        assert text[cue.start : cue.end] == cue.term


# The sentence decides: negation, tense and aspect, modality, verbal nouns, the domestic sense
# of signing (the probe sentences first).
READINGS = [
    ("ru", "Фестиваль не будет проведен.", "cancelled"),
    ("ru", "В рамках дней запланировано проведение концертов.", "planned"),
    ("en", "The documents will be signed next month.", "planned"),
    ("tg", "Дар поёни мулоқот санаде имзо шудааст.", "signed"),
    ("tg", "Созишнома имзо шуд.", "signed"),
    ("ky", "Президент жарлыкка кол койду.", "n/a"),
    ("ru", "Концерт не был проведён из-за обстрелов.", "cancelled"),
    ("ru", "Соглашение будет подписано в мае.", "planned"),
    ("ru", "Стороны намерены подписать соглашение о культурном обмене.", "planned"),
    ("ru", "Президент подписал указ о праздновании Нооруза.", "n/a"),
    ("ru", "Подписание соглашения обсуждалось на встрече.", "n/a"),
    ("ru", "Проведение фестиваля поддержали обе стороны.", "n/a"),
    ("ru", "Соглашение не подписано.", "n/a"),
    ("ky", "Келишимге кол коюлган жок.", "n/a"),
    ("ky", "Келишимге кийинки айда кол коюлат.", "planned"),
    ("ky", "Жыйын өткөрүлгөн жок.", "cancelled"),
    ("ky", "Фестиваль быйыл өткөрүлбөйт.", "cancelled"),
    ("tg", "Созишнома моҳи оянда имзо хоҳад шуд.", "planned"),
    ("tg", "Созишнома имзо нашуд.", "n/a"),
    ("tg", "Президент фармонро имзо кард.", "n/a"),
    ("tg", "Ҷашнвора баргузор нахоҳад шуд.", "cancelled"),
    ("en", "The match was not held.", "cancelled"),
    ("en", "The agreement has not been signed.", "n/a"),
    ("en", "The president signed a decree on the holiday.", "n/a"),
    ("en", "The sides agreed to hold a joint festival in May.", "planned"),
    ("en", "The treaty is expected to be signed in March.", "planned"),
    # a negation or a future in one sentence does not reach the next
    ("ru", "Визит не будет. Соглашение подписали в Бишкеке.", "signed"),
    # a meeting, talks or a call reported as done is held; a future or a negation is not
    ("ru", "Министры культуры встретились в Оше и обсудили гастроли.", "held"),
    ("ru", "Министры встретятся в Оше в мае.", "n/a"),
    ("ru", "Делегации встретились в сокращенном формате.", "downgraded"),
    ("en", "The two governors met in Isfara on Tuesday.", "held"),
    ("en", "The ministers talked by phone about the festival.", "held"),
    ("en", "The ministers will meet in Osh in May.", "n/a"),
    ("ky", "Эки облустун башчылары чек арада жолугушту.", "held"),
    ("ky", "Министрлер телефон аркылуу сүйлөштү.", "held"),
    ("ky", "Министрлер кийинки айда жолугушат.", "planned"),
    ("tg", "Раисони ду вилоят дар Хуҷанд мулоқот карданд.", "held"),
    ("tg", "Вазирон дар Душанбе вохӯрданд.", "held"),
    ("tg", "Вазирон мулоқот карда, созишнома имзо хоҳанд кард.", "planned"),
    ("tg", "Вазирон моҳи оянда мулоқот мекунанд.", "n/a"),
    # a decision or preparation to act, a participle or a future of any verb: a plan
    ("ru", "Стороны решили провести фестиваль в Худжанде.", "planned"),
    ("en", "The two ministries decided to hold a joint exhibition.", "planned"),
    ("ky", "Кожентте өтө турган майрамга эки өлкөнүн артисттери катышат.", "planned"),
    ("tg", "Шумораи аввали маҷалла моҳи июн интишор хоҳад ёфт.", "planned"),
    ("tg", "Ҳукумат тасмим гирифт, ки ҷашнвора дар Исфара гузаронида шавад.", "planned"),
    ("tg", "Ҷонибҳо ба баргузории форум омодагӣ мебинанд.", "planned"),
    ("tg", "Ҷашнвора баргузор нахоҳад ёфт.", "n/a"),
    # a law on ratification signed or passed is a ratification, not a domestic decree
    ("ru", "Президент подписал закон о ратификации соглашения о воде.", "ratified"),
    ("ky", "Президент ратификациялоо жөнүндө мыйзамга кол койду.", "ratified"),
    ("en", "Parliament passed the law ratifying the agreement on water.", "ratified"),
    ("ky", "Президент жарлыкка кол койду.", "n/a"),
]


@pytest.mark.parametrize("lang, sentence, status", READINGS)
def test_a_cue_is_read_in_its_sentence(lang, sentence, status):
    assert decide_status(status_cues(sentence, lang)) == status
    assert decide_status(status_cues(sentence)) == status  # language unknown: same reading


def test_the_status_carries_the_sentence_that_decided_it():
    text = (
        "БИШКЕК, 12 марта. Встреча губернаторов прошла в Баткене. "
        "Фестиваль, намеченный на май, не будет проведен из-за ремонта стадиона."
    )
    reading = read_status(text, "ru")
    assert reading.status == "cancelled" and reading.cue.why == "negated"
    assert reading.sentence.startswith("Фестиваль, намеченный") and reading.sentence.endswith(".")
    assert text[reading.sentence_start : reading.sentence_end] == reading.sentence
    assert read_status("Погода солнечная.", "ru") == StatusReading("n/a", None, "", 0, 0)
