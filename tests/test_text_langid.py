"""Language identification: real sentences in each language, short and mixed texts."""

from __future__ import annotations

import pytest

from lowpolitics.text.langid import LanguageGuess, identify, identify_many

SENTENCES: dict[str, list[str]] = {
    "ky": [
        "Баткен облусунда кыргыз-тажик жаштарынын достук фестивалы өттү.",
        "Кыргызстан менен Тажикстандын чек ара кызматтары жаңы макулдашууга кол коюшту.",
        "Эки өлкөнүн өкмөттөрү суу бөлүштүрүү боюнча сүйлөшүүлөрдү улантууну чечишти.",
        "Жергиликтүү тургундар базардагы баалар жана жолдун абалы жөнүндө кабар беришти.",
        "Лейлек районундагы мектептердин окуучулары жазгы каникулда бири-бирине конокко барышты.",
        "Акылбек Жапаров Душанбеде тажик тарабы менен жолугушуп, чек ара маселесин талкуулады.",
    ],
    "tg": [
        "Дар шаҳри Исфара фестивали дӯстии ҷавонони тоҷику қирғиз баргузор шуд.",
        "Ҳукуматҳои Тоҷикистон ва Қирғизистон оид ба масъалаҳои сарҳад гуфтушунид карданд.",
        "Сокинони деҳаи Ворух аз вазъи роҳҳо ва обёрии заминҳо шикоят мекунанд.",
        "Вазорати корҳои хориҷӣ изҳор дошт, ки муколама бо ҳамсоягон идома хоҳад ёфт.",
        # typed without Tajik letters: only the model can tell
        "Дар шахри Исфара фестивали дустии чавонони точику киргиз баргузор шуд.",
        # ҳ and қ only: Tajik or Uzbek, the model decides
        "Мулоқоти сарони ду давлат дар шаҳри Душанбе баргузор гардид ва ҳарду тараф қаноатманд"
        " буданд.",
    ],
    "ru": [
        "В Баткенской области прошёл фестиваль дружбы кыргызской и таджикской молодёжи.",
        "Пограничные службы Кыргызстана и Таджикистана договорились об отводе войск от линии.",
        "Жители приграничных сёл жалуются на нехватку поливной воды и закрытые дороги.",
        "По словам председателя ГКНБ Камчыбека Ташиева, переговоры о делимитации продолжатся.",
        "Глава айыл окмоту села Көк-Таш рассказал журналистам о восстановлении разрушенных домов.",
    ],
    "en": [
        "The border services of Kyrgyzstan and Tajikistan agreed to withdraw troops from the area.",
        "Mr. Japarov met the Tajik delegation in Bishkek on Sept. 14 to discuss water sharing.",
        "Residents of Vorukh say the new road has cut them off from the nearest market.",
        "A youth friendship festival in Batken brought together Kyrgyz and Tajik students.",
    ],
    "uz": [
        "Oʻzbekiston va Qirgʻiziston chegarasida yangi nazorat-oʻtkazish punkti shu hafta ochildi.",
        "Farg'ona vodiysidagi suv taqsimoti bo'yicha muzokaralar davom etmoqda, deb xabar berdi.",
        "Toshkentda qo'shni davlatlar rahbarlarining uchrashuvi bo'lib o'tdi va kelishuv tuzildi.",
        "Samarqand shahrida xalqaro turizm forumi ishini boshladi va mehmonlar kelishdi.",
        "Ўзбекистон ва Қирғизистон чегарасида янги назорат-ўтказиш пункти шу ҳафта очилди.",
        "Фарғона водийсидаги сув тақсимоти бўйича музокаралар давом этмоқда, деб хабар берди.",
        "Тошкентда қўшни давлатлар раҳбарларининг учрашуви бўлиб ўтди ва келишувлар имзоланди.",
        "Самарқанд шаҳрида халқаро туризм форуми ишини бошлади ва меҳмонлар келишди.",
    ],
    "other": [
        "Қазақстан мен Қырғызстан арасындағы шекарада жаңа өткізу пункті ашылды.",  # kk
        "Алматы қаласында өңірлік ынтымақтастық туралы халықаралық конференция өтті.",  # kk
        "Україна та Киргизстан підписали нову угоду про економічне співробітництво.",  # uk
        "Монгол Улсын Ерөнхийлөгч Бишкек хотод албан ёсны айлчлал хийв.",  # mn
        "Kırgızistan ve Tacikistan sınır görüşmelerine yeniden başladı ve anlaşma imzalandı.",
        "Le Kirghizistan et le Tadjikistan ont signé un accord sur la frontière commune.",
        "قرقیزستان و تاجیکستان توافقنامه مرزی را امضا کردند",
    ],
}
CASES = [(lang, text) for lang, texts in SENTENCES.items() for text in texts]


@pytest.mark.parametrize(("expected", "text"), CASES)
def test_sentences_are_identified(expected: str, text: str) -> None:
    guess = identify(text)
    assert guess.lang == expected, guess
    assert 0.0 <= guess.score <= 1.0
    assert guess.method in ("script", "model", "script+model")
    assert guess.evidence


def test_accuracy_on_long_sentences_is_total() -> None:
    long = [(lang, text) for lang, text in CASES if len(text.split()) >= 8]
    assert len(long) >= 30
    assert all(identify(text).lang == lang for lang, text in long)


def test_strong_script_evidence_is_reported() -> None:
    guess = identify(SENTENCES["tg"][0])
    assert guess.method == "script+model"
    assert "ҷ" in guess.evidence and "ӯ" in guess.evidence
    assert identify(SENTENCES["ky"][2]).method == "script+model"
    assert identify(SENTENCES["ru"][0]).method == "model"


def test_script_overrides_the_model() -> None:
    # Tajik letters in a text too short for the model to be sure: the letters decide.
    guess = identify("ҷавонон ҳамкорӣ дӯстӣ")
    assert guess.lang == "tg"
    assert guess.method.startswith("script")


@pytest.mark.parametrize("text", ["", "   ", "Ок", "12345 678", "Привет!", "hi there", "ҷӯӣ"])
def test_short_texts_are_other_with_low_score(text: str) -> None:
    guess = identify(text)
    assert guess.lang == "other"
    assert guess.score <= 0.1


def test_mixed_russian_with_kyrgyz_name_stays_russian() -> None:
    text = (
        "Вчера в селе Көк-Таш Баткенской области местные жители и представители айыл окмоту "
        "обсудили ремонт дороги, школы и водопровода, а также вопросы пастбищ."
    )
    assert identify(text).lang == "ru"


def test_bilingual_text_goes_to_one_of_its_languages() -> None:
    text = SENTENCES["ky"][0] + " " + SENTENCES["tg"][0]
    guess = identify(text)
    assert guess.lang in ("ky", "tg")
    assert guess.method == "script+model"


def test_latin_lookalikes_do_not_break_kyrgyz() -> None:
    text = "Баткен облусунда кыргыз-тажик жаштарынын достук фестивалы öттү жана бүттү."
    assert identify(text).lang == "ky"


def test_identify_many_keeps_order() -> None:
    texts = [SENTENCES["en"][0], SENTENCES["ky"][0], ""]
    guesses = identify_many(texts)
    assert [g.lang for g in guesses] == ["en", "ky", "other"]
    assert all(isinstance(g, LanguageGuess) for g in guesses)
